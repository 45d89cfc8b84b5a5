// Issue 12, item 10: the verify API under attack. By default known and unknown numbers answer
// alike; requests are limited per key and overall, attempts paced per number (429 with
// Retry-After), counted in the store; fields are bounded; unresolved targets are masked in the
// audit. (A coarse timing comparison is a benchmark: bench/verify-timing.mjs.) On SQLite and
// PostgreSQL.
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf, cardText, startHarness, type Harness } from '../support/harness.js';
import { storedCharacters } from '../support/store-dump.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

const KEY = 'test-verify-key-0123456789abcdef';
const OTHER_KEY = 'second-verify-key-0123456789abc';

async function verify(h: Harness, body: Record<string, unknown>, key = KEY): Promise<{ status: number; json: any; retryAfter: string | null; text: string }> {
  const response = await fetch(`${h.app.url}/api/pins/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text), retryAfter: response.headers.get('retry-after'), text };
}

function audit(h: Harness): Promise<Array<{ actor: string; target: string; outcome: string; reason: string }>> {
  return h.rows("select actor, target, outcome, reason from audit where action = 'verify' order by id");
}

async function setPins(h: Harness, pins: Record<string, string>): Promise<void> {
  expect(cardText(cardOf((await h.emulator('anne').say('Set-CsPinPolicy -MinPasswordLength 4')).sent[0]))).toContain('MinPasswordLength');
  for (const [user, pin] of Object.entries(pins)) expect(cardText(cardOf((await h.emulator('anne').say(`set pin ${user} ${pin}`)).sent[0]))).toContain('PIN set for');
}

eachStoreDialect((dialect) => {
  describe('by default a caller cannot tell known numbers from unknown ones', () => {
    let h: Harness;
    beforeAll(async () => {
      // Per-number pacing relaxed so a lockout can be reached in this test.
      h = await startHarness({ VERIFY_API_KEYS: KEY, VERIFY_RATE_PER_NUMBER: '1000/1m', ...(await databaseEnv(dialect)) });
      await setPins(h, { kmyer: '7301' });
    }, 30_000);
    afterAll(async () => h?.stop());

    it('a user without a PIN answers like an unknown number (same status, same body)', async () => {
      const noPin = await verify(h, { sip: 'sip:pilar.ackerman@contoso.com', pin: '7301' });
      const unknown = await verify(h, { sip: 'sip:nobody.here@contoso.com', pin: '7301' });
      expect(noPin).toEqual({ status: 200, json: { result: 'invalid' }, retryAfter: null, text: '{"result":"invalid"}' });
      expect(unknown).toEqual(noPin);
      // The audit still knows the difference.
      expect((await audit(h)).slice(-2).map((r) => r.reason)).toEqual(['not-set', 'unknown-user']);
    });

    it('after 26 failures a real number (temporarily locked, even with its right PIN) answers like an unknown one', async () => {
      const answers = async (line: string, pin: string) => {
        const seen: string[] = [];
        for (let i = 0; i < 26; i++) seen.push((await verify(h, { line, pin: '8642097' })).text);
        seen.push((await verify(h, { line, pin })).text);
        return seen;
      };
      const known = await answers('+14255550100', '7301');
      const unknown = await answers('+19995550100', '7301');
      expect(known).toEqual(Array(27).fill('{"result":"invalid"}'));
      expect(unknown).toEqual(known);
      expect((await audit(h)).filter((r) => r.target === 'sip:ken.myer@contoso.com').at(-1)!.reason).toBe('temporarily-locked');
    });

    it('detailed answers only when the operator opts in (VERIFY_ANSWERS=detailed)', async () => {
      const detailed = await startHarness({ VERIFY_API_KEYS: KEY, VERIFY_ANSWERS: 'detailed', ...(await databaseEnv(dialect)) });
      try {
        expect((await verify(detailed, { sip: 'sip:pilar.ackerman@contoso.com', pin: '7301' })).json).toEqual({ result: 'not-set' });
        expect((await verify(detailed, { sip: 'sip:nobody.here@contoso.com', pin: '7301' })).json).toEqual({ result: 'invalid' });
      } finally {
        await detailed.stop();
      }
    });
  });

  describe('rate limits (store counters), 429 with Retry-After', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ VERIFY_API_KEYS: `${KEY},${OTHER_KEY}`, VERIFY_RATE_PER_KEY: '5/1m', VERIFY_RATE_TOTAL: '8/1m', ...(await databaseEnv(dialect)) });
    });
    afterAll(async () => h?.stop());

    it('per API key, then overall; a new window serves again', async () => {
      const number = (i: number) => `+1999555${String(1000 + i)}`;
      const first = await Promise.all(Array.from({ length: 5 }, (_, i) => verify(h, { line: number(i), pin: '1234' })));
      expect(first.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const overKey = await verify(h, { line: number(5), pin: '1234' });
      expect(overKey.status).toBe(429);
      expect(overKey.json).toEqual({ error: 'Too many requests (per API key: at most 5 per 1 min).', limit: 'per API key' });
      expect(Number(overKey.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(overKey.retryAfter)).toBeLessThanOrEqual(60);
      // The other key has its own allowance, until all keys together reach theirs.
      const other = [];
      for (let i = 10; i < 14; i++) other.push(await verify(h, { line: number(i), pin: '1234' }, OTHER_KEY));
      expect(other.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(other[3]!.json.limit).toBe('all API keys');
      h.clock.advance(60_000);
      expect((await verify(h, { line: number(20), pin: '1234' })).status).toBe(200);
    });

    it('the counters are in the store (shared by every instance)', async () => {
      const keys = (await h.rows("select key from rate_limits where key like 'verify:%'")).map((r: { key: string }) => r.key);
      expect(keys).toContain('verify:total');
      expect(keys.filter((k) => k.startsWith('verify:key:'))).toHaveLength(2);
      // Numbers are counted under a keyed fingerprint, never in clear.
      expect(keys.filter((k) => k.startsWith('verify:number:')).length).toBeGreaterThan(0);
      expect(keys.join(' ')).not.toMatch(/1999555/);
    });
  });

  describe('attempt pacing per number, with the default settings', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ VERIFY_API_KEYS: KEY, ...(await databaseEnv(dialect)) });
      await setPins(h, { kmyer: '7301', kmeyer: '73019' });
    }, 30_000);
    afterAll(async () => h?.stop());

    it('one key hammering numbers for a minute locks out nobody: past 5 attempts a number answers 429', async () => {
      for (const [line, pin] of [
        ['+14255550100', '7301'],
        ['+14255550110', '73019'],
      ] as const) {
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++) statuses.push((await verify(h, { line, pin: '8642097' })).status);
        expect(statuses).toEqual([...Array(5).fill(200), ...Array(25).fill(429)]);
        const paced = await verify(h, { line, pin });
        expect(paced).toMatchObject({ status: 429, json: { limit: 'per number' } });
        h.clock.advance(60_000);
        // Five failures are far from any lockout (10 for a 4-digit PIN, 25 otherwise): the right PIN works.
        expect((await verify(h, { line, pin })).json).toEqual({ result: 'ok' });
      }
    });

    it('a flood from one key is cut at 600 a minute (VERIFY_RATE_PER_KEY)', async () => {
      h.clock.advance(60_000);
      const statuses: number[] = [];
      for (let batch = 0; batch < 65; batch++) {
        statuses.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => verify(h, { line: `+1888555${String(batch * 10 + i).padStart(4, '0')}`, pin: '1234' })))).map((r) => r.status));
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(600);
      expect(statuses.filter((s) => s === 429)).toHaveLength(50);
    }, 60_000);
  });

  describe('bounded fields and masked targets', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ VERIFY_API_KEYS: KEY, ...(await databaseEnv(dialect)) });
    });
    afterAll(async () => h?.stop());

    it.each([
      ['sip', { sip: `sip:${'a'.repeat(300)}@contoso.com`, pin: '1234' }],
      ['line', { line: `+14255550100;ext=${'1'.repeat(100)}`, pin: '1234' }],
      ['extension', { extension: '1'.repeat(40), pin: '1234' }],
      ['pin', { line: '+14255550100', pin: '1'.repeat(65) }],
    ])('a too long %s is a 400 naming the field', async (field, body) => {
      const answer = await verify(h, body);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ field, error: expect.stringMatching(new RegExp(`^${field}: at most \\d+ characters$`)) });
    });

    it('200 requests with a 200 KB sip add nothing to the store', async () => {
      const before = (await audit(h)).length;
      const storedBefore = await storedCharacters(h);
      const huge = `sip:${'a'.repeat(200 * 1024)}@contoso.com`;
      for (let i = 0; i < 200; i++) expect((await verify(h, { sip: huge, pin: '1234' })).status).toBe(413);
      expect((await audit(h)).length).toBe(before);
      // Not one of them anywhere in the store (PostgreSQL would compress a repeated 200 KB to little on disk).
      expect((await storedCharacters(h)) - storedBefore).toBeLessThan(200 * 1024);
      if (dialect === 'sqlite') {
        // SQLite only: the file and its write-ahead log on disk.
        const file = path.join(h.dataDir, 'pindesk.sqlite');
        expect(statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0)).toBeLessThan(8 * 1024 * 1024);
      }
    });

    it('a PIN typed into the extension field is not stored in clear: unresolved targets are masked', async () => {
      await verify(h, { extension: '730194', pin: '730194' });
      await verify(h, { extension: '730194', pin: '111111' });
      await verify(h, { line: '+19995550123', pin: '1234' });
      const rows = (await audit(h)).slice(-3);
      expect(JSON.stringify(rows)).not.toMatch(/730194|19995550123/);
      expect(rows[0]!.target).toMatch(/^extension not in the directory \(6 characters, ref [\w-]{16}\)$/);
      // The same number, the same reference (attempts on it can be followed); another, another.
      expect(rows[1]!.target).toBe(rows[0]!.target);
      expect(rows[2]!.target).toMatch(/^line not in the directory \(12 characters, ref [\w-]{16}\)$/);
    });

    it('the OpenAPI description tells the truth: limits, 413, 415, 429 with Retry-After', async () => {
      const openapi = (await (await fetch(`${h.app.url}/api/openapi.json`)).json()) as any;
      const post = openapi.paths['/api/pins/verify'].post;
      expect(Object.keys(post.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '415', '429', '503']);
      expect(post.responses['429'].headers['Retry-After']).toBeDefined();
      const fields = post.requestBody.content['application/json'].schema.properties;
      expect(Object.fromEntries(Object.entries(fields).map(([name, schema]: [string, any]) => [name, schema.maxLength]))).toEqual({ line: 64, extension: 16, sip: 256, pin: 64 });
      expect(post.responses['200'].content['application/json'].schema.properties.result.description).toMatch(/VERIFY_ANSWERS=uniform/);
    });
  });
});
