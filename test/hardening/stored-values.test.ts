// Issue 12, item 11: unbounded growth. Every value stored is bounded; callers not in the directory
// add rows only within a budget; audit records are kept AUDIT_RETENTION_DAYS; refusals that leave
// no audit record are logged at warn, at a bounded rate per class. On SQLite and PostgreSQL.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { storedCharacters } from '../support/store-dump.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

const KEY = 'test-verify-key-0123456789abcdef';
const DAY = 86_400_000;

function query<T>(h: Harness, sql: string, ...params: unknown[]): Promise<T[]> {
  return h.rows(sql, ...params);
}

/** SQLite only: bytes of the database file once its write-ahead log is folded in (what is stored, not the log's size). */
function sqliteFileBytes(h: Harness): number {
  const db = new Database(path.join(h.dataDir, 'pindesk.sqlite'));
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    return statSync(path.join(h.dataDir, 'pindesk.sqlite')).size;
  } finally {
    db.close();
  }
}

function activity(h: Harness, from: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'message', id: `in-${Math.random()}`, text: 'help', channelId: 'emulator', serviceUrl: h.connector.url, from, recipient: { id: 'pindesk-bot' }, conversation: { id: `emulator-${String(from.id)}` }, ...extra };
}

eachStoreDialect((dialect) => {
  describe('bounded values, and budgets for callers not in the directory', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ UNRECOGNISED_CALLERS_PER_HOUR: '50', ...(await databaseEnv(dialect)) });
    });
    afterAll(async () => h?.stop());

    it('300 messages from unknown senders with a 200 KB from.name add a bounded number of small rows', async () => {
      const fileBefore = dialect === 'sqlite' ? sqliteFileBytes(h) : 0;
      const storedBefore = await storedCharacters(h);
      const name = 'N'.repeat(200 * 1024);
      for (let i = 0; i < 300; i++) {
        const { status } = await h.post(activity(h, { id: `stranger-${i}`, name }));
        expect(status).toBe(200);
      }
      // Each was answered (who are you?), and stored little.
      expect(h.connector.activities.at(-1)!.activity.text).toMatch(/stranger-299/);
      const [conversations] = await query<{ n: number; longest: number }>(h, "select count(*) as n, max(length(reference)) as longest from conversations where user_id like 'stranger-%'");
      expect(conversations!.n).toBe(50);
      expect(conversations!.longest).toBeLessThan(2048);
      const [refused] = await query<{ n: number; longest: number }>(h, "select count(*) as n, max(length(actor) + length(coalesce(target, '')) + length(coalesce(reason, ''))) as longest from audit where reason like 'unknown-caller:%'");
      expect(refused!.n).toBe(50);
      expect(refused!.longest).toBeLessThan(1024);
      expect((await storedCharacters(h)) - storedBefore).toBeLessThan(512 * 1024);
      // SQLite only: the file on disk grew as little.
      if (dialect === 'sqlite') expect(sqliteFileBytes(h) - fileBefore).toBeLessThan(512 * 1024);
      // What the budget left out is counted in one record.
      await h.app.sweep();
      expect(await query(h, "select actor, target, reason from audit where action = 'audit-suppressed'")).toEqual([
        { actor: 'pindesk', target: 'command', reason: '250 command records over the budget of 50 per 60 min' },
      ]);
      // Directory users are not held back by the budget.
      const anne = await h.emulator('anne').say('whoami');
      expect(anne.sent[0]!.activity.text).toContain('Anne Wallace');
      expect(await query(h, "select count(*) as n from conversations where user_id = 'anne'")).toEqual([{ n: 1 }]);
    });

    it('a directory user with a 200 KB display name is served; the name is cut before anything is stored', async () => {
      const { status } = await h.post(activity(h, { id: 'pilar', name: 'P'.repeat(200 * 1024) }, { text: 'whoami' }));
      expect(status).toBe(200);
      expect(h.connector.activities.at(-1)!.activity.text).toContain('Pilar Ackerman');
      const [row] = await query<{ reference: string }>(h, "select reference from conversations where user_id = 'pilar'");
      expect(row!.reference.length).toBeLessThan(2048);
      expect(JSON.parse(row!.reference).user.name).toHaveLength(256);
    });

    it.each([
      ['conversation', { conversation: { id: 'c', padding: 'x'.repeat(10_000) } }],
      ['from', { from: { id: 'pilar', properties: { padding: 'x'.repeat(10_000) } } }],
      ['recipient', { recipient: { id: 'r'.repeat(5000) } }],
      ['id', { id: 'i'.repeat(1000) }],
      ['serviceUrl', { serviceUrl: `http://127.0.0.1/${'s'.repeat(3000)}` }],
      ['locale', { locale: 'x'.repeat(100) }],
    ])('an activity whose %s is too large to keep is a 400 naming it', async (field, extra) => {
      const before = h.connector.activities.length;
      const { status, body } = await h.post(activity(h, { id: 'pilar' }, extra));
      expect(status).toBe(400);
      expect(body).toEqual({ error: `${field}: too long`, field });
      expect(h.connector.activities.length).toBe(before);
    });
  });

  describe('audit retention (AUDIT_RETENTION_DAYS)', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ AUDIT_RETENTION_DAYS: '30', ...(await databaseEnv(dialect)) });
    });
    afterAll(async () => h?.stop());

    it('the periodic sweep deletes records older than the setting and keeps the rest', async () => {
      await h.emulator('anne').say('pin status Ken Myer');
      h.clock.advance(20 * DAY);
      await h.emulator('anne').say('pin status Ken Meyer');
      h.clock.advance(11 * DAY);
      await h.emulator('anne').say('pin status Kendra Sato');
      await h.app.sweep();
      expect((await query<{ target: string }>(h, "select target from audit where action = 'pin-status' order by id")).map((r) => r.target)).toEqual([
        'sip:ken.meyer@contoso.com',
        'sip:kendra.sato@contoso.com',
      ]);
    });
  });

  describe('refusals without an audit record are logged at warn, at a bounded rate per class', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ VERIFY_API_KEYS: KEY, ...(await databaseEnv(dialect)) });
    });
    afterAll(async () => h?.stop());

    const warned = (kind: string) => h.logLines.map((line) => JSON.parse(line)).filter((l) => l.refusal === kind);
    const verify = (body: unknown, key: string) =>
      fetch(`${h.app.url}/api/pins/verify`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

    it('wrong API keys: 50 in a burst write 10 lines; the next line after a pause counts what was left out', async () => {
      for (let i = 0; i < 50; i++) expect((await verify({ line: '+14255550100', pin: '1234' }, `wrong-key-${i}-0123456789`)).status).toBe(401);
      expect(warned('wrong-api-key')).toHaveLength(10);
      expect(warned('wrong-api-key').every((l) => l.level === 40 && l.msg === 'verify request without a valid API key')).toBe(true);
      h.clock.advance(6_000);
      await verify({ line: '+14255550100', pin: '1234' }, 'wrong-key-again-0123456789');
      expect(warned('wrong-api-key')).toHaveLength(11);
      expect(warned('wrong-api-key').at(-1)!.suppressed).toBe(40);
      // Never the key.
      expect(h.logLines.join('\n')).not.toMatch(/wrong-key-/);
    });

    it('bad verify bodies, malformed card presses and unknown invokes, each in its own bucket', async () => {
      for (let i = 0; i < 20; i++) expect((await verify({ line: '+14255550100', pin: '1234', extra: i }, KEY)).status).toBe(400);
      expect(warned('bad-verify-body')).toHaveLength(10);
      expect(warned('bad-verify-body')[0]).toMatchObject({ level: 40, field: 'body', msg: 'verify request with a bad body' });

      const pilar = h.emulator('pilar');
      const junk = await pilar.submit({ type: 'Action.Submit', title: 'x', data: { verb: 'pin.reveal', ref: '../../etc/passwd' } });
      expect(junk.sent[0]!.activity.text).toMatch(/not valid any more/);
      const invoke = await pilar.execute({ type: 'Action.Execute', title: 'x', verb: 'drop.tables', data: {} });
      expect(invoke.body.value).toMatch(/not valid any more/);
      expect(warned('malformed-card-press')).toHaveLength(2);
      expect(warned('malformed-card-press')[0]).toMatchObject({ level: 40, channelId: 'emulator', msg: 'card press with data that is not a valid PinDesk button' });

      const unknown = await h.post({ type: 'invoke', name: 'composeExtension/query', channelId: 'emulator', serviceUrl: h.connector.url, from: { id: 'pilar' }, conversation: { id: 'c' }, recipient: { id: 'b' } });
      expect(unknown.status).toBe(501);
      expect(warned('unknown-invoke')).toEqual([expect.objectContaining({ level: 40, name: 'composeExtension/query', msg: 'invoke PinDesk does not handle' })]);
    });
  });
});
