// The verify API over HTTP with a controllable clock: the exact default limits by PIN length,
// windows, temporary and permanent locks, and the API's own refusals. Concurrent attempts:
// verify-processes.test.ts. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf, cardText, startHarness, type Harness } from '../support/harness.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

const KEY = 'test-verify-key-0123456789abcdef';
const HOUR = 3_600_000;
let h: Harness;

async function verify(body: Record<string, unknown>, key: string | null = KEY): Promise<{ status: number; json: any }> {
  const response = await fetch(`${h.app.url}/api/pins/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

const result = async (body: Record<string, unknown>) => (await verify(body)).json.result as string;

async function counters(id: string): Promise<{ local_failures: number; global_failures: number }> {
  const rows = await h.rows('select local_failures, global_failures from pin_records where user_id = ?', id);
  expect(rows).toHaveLength(1);
  return rows[0];
}

eachStoreDialect((dialect) => {
  beforeAll(async () => {
    // Every state told apart, and no rate limits: this suite walks the lockout model to its end.
    // (The defaults — uniform answers, limits — are test/hardening/verify-api.test.ts.)
    const unlimited = '1000000/1m';
    h = await startHarness({
      VERIFY_API_KEYS: `old-key-rotated-out-0000,${KEY}`,
      VERIFY_ANSWERS: 'detailed',
      VERIFY_RATE_PER_KEY: unlimited,
      VERIFY_RATE_TOTAL: unlimited,
      VERIFY_RATE_PER_NUMBER: unlimited,
      ...(await databaseEnv(dialect)),
    });
    // Four-digit PINs need a Global policy that allows them.
    expect(cardText(cardOf((await h.emulator('anne').say('Set-CsPinPolicy -MinPasswordLength 4')).sent[0]))).toContain('MinPasswordLength');
    for (const [user, pin] of [
      ['kmyer', '7301'],
      ['kmeyer', '73019'],
      ['kendra', '730194'],
      ['asmith', '7301942'],
      ['chris', '48261'],
      ['vera', '58203'],
    ]) {
      expect(cardText(cardOf((await h.emulator('anne').say(`set pin ${user} ${pin}`)).sent[0]))).toContain('PIN set for');
    }
  }, 60_000);
  afterAll(async () => h?.stop());

  describe('POST /api/pins/verify', () => {
    it('accepts the right PIN by line, extension or SIP address', async () => {
      expect(await result({ line: '+14255550100', pin: '7301' })).toBe('ok');
      expect(await result({ line: 'tel:+14255550100', pin: '7301' })).toBe('ok');
      expect(await result({ extension: '0100', pin: '7301' })).toBe('ok');
      expect(await result({ sip: 'sip:ken.myer@contoso.com', pin: '7301' })).toBe('ok');
      expect(await result({ sip: 'ken.myer@contoso.com', pin: '7302' })).toBe('invalid');
    });

    it('answers unknown users like a wrong PIN, and users without a PIN with not-set', async () => {
      expect(await result({ line: '+19999999999', pin: '7301' })).toBe('invalid');
      expect(await result({ line: '+1425555010', pin: '7301' })).toBe('invalid');
      expect(await result({ sip: 'sip:pilar.ackerman@contoso.com', pin: '7301' })).toBe('not-set');
    });

    it('refuses missing or unknown keys (401) and bad bodies (400, naming the field)', async () => {
      expect((await verify({ line: '+14255550100', pin: '7301' }, null)).status).toBe(401);
      expect((await verify({ line: '+14255550100', pin: '7301' }, 'not-a-key-at-all-000000')).status).toBe(401);
      expect((await verify({ line: '+14255550100', pin: '7301' }, 'old-key-rotated-out-0000')).status).toBe(200);
      const bad = async (body: Record<string, unknown>) => verify(body);
      expect(await bad({ pin: '7301' })).toMatchObject({ status: 400, json: { field: 'line' } });
      expect(await bad({ line: '+14255550100', sip: 'sip:a@b.c', pin: '7301' })).toMatchObject({ status: 400 });
      expect(await bad({ line: '+14255550100' })).toMatchObject({ status: 400, json: { field: 'pin' } });
      expect(await bad({ extension: 'abc', pin: '1' })).toMatchObject({ status: 400, json: { field: 'extension' } });
      expect(await bad({ line: '+14255550100', pin: 7301 })).toMatchObject({ status: 400, json: { field: 'pin' } });
      expect(await bad({ line: '+14255550100', pin: '7301', extra: 1 })).toMatchObject({ status: 400 });
    });

    it.each([
      ['kmyer', '+14255550100', '7301', 10, 100],
      ['kmeyer', '+14255550110', '73019', 25, 1000],
      ['kendra', '+14255550109', '730194', 25, 5000],
      ['asmith', '+14255550108', '7301942', 25, 5000],
    ])('%s (line %s, PIN %s): locked for an hour after %i failures, for good after %i', async (sam, line, pin, local, global) => {
      const id = await h.userId(sam);
      await h.emulator('anne').say(`unlock pin ${sam}`);
      let failures = 0;
      while (failures < global) {
        for (let i = 0; i < local && failures < global; i++) {
          expect(await result({ line, pin: '8642097' })).toBe('invalid');
          failures++;
        }
        if (failures < global) {
          // The local limit was reached inside the window: even the right PIN fails for an hour.
          expect(await result({ line, pin })).toBe('temporarily-locked');
          h.clock.advance(HOUR);
        }
      }
      expect(await result({ line, pin })).toBe('locked');
      expect((await counters(id)).global_failures).toBe(global);
      // Only an administrator unlocks; then the right PIN works again.
      expect(cardText(cardOf((await h.emulator('anne').say(`pin status ${sam}`)).sent[0]))).toContain('locked after too many failed logons');
      await h.emulator('anne').say(`unlock pin ${sam}`);
      expect(await result({ line, pin })).toBe('ok');
    }, 120_000);

    it('a success resets local failures; MaximumLogonAttempts replaces the local limit', async () => {
      await h.emulator('anne').say('new pin policy Strict3 min 5 attempts 3');
      await h.emulator('anne').say('grant pin policy Strict3 to Chris Cannon');
      const line = '+14255550103';
      expect(await result({ line, pin: '11111' })).toBe('invalid');
      expect(await result({ line, pin: '11111' })).toBe('invalid');
      expect(await result({ line, pin: '48261' })).toBe('ok');
      expect(await result({ line, pin: '11111' })).toBe('invalid');
      expect(await result({ line, pin: '11111' })).toBe('invalid');
      expect(await result({ line, pin: '11111' })).toBe('invalid');
      expect(await result({ line, pin: '48261' })).toBe('temporarily-locked');
      h.clock.advance(HOUR);
      expect(await result({ line, pin: '48261' })).toBe('ok');
    });

    it('an expired PIN answers expired', async () => {
      await h.emulator('anne').say('new pin policy Expiring min 5 history 1 lifetime 1');
      await h.emulator('anne').say('grant pin policy Expiring to Vera Lee');
      const set = cardText(cardOf((await h.emulator('anne').say('set pin vera 58204')).sent[0]));
      expect(set).toContain('Policy: tag:Expiring');
      expect(set).toMatch(/PIN expires: \d+ \w+ 20\d\d/);
      expect(await result({ line: '+14255550104', pin: '58204' })).toBe('ok');
      h.clock.advance(24 * HOUR);
      expect(await result({ line: '+14255550104', pin: '58204' })).toBe('expired');
    });

    it('audits every attempt without the PIN, and serves its OpenAPI description', async () => {
      const rows = await h.rows("select actor, target, outcome, reason from audit where action = 'verify'");
      expect(rows.length).toBeGreaterThan(1000);
      expect(rows.some((r) => r.outcome === 'refused' && r.reason === 'invalid')).toBe(true);
      expect(JSON.stringify(rows)).not.toMatch(/7301|8642097|48261|58204/);
      const openapi = (await (await fetch(`${h.app.url}/api/openapi.json`)).json()) as any;
      expect(openapi.paths['/api/pins/verify'].post.responses['200']).toBeDefined();
    });
  });
});
