// `pindesk store copy` at the store level: an embedded deployment's every table arrives in
// PostgreSQL row for row, identities continue after the copied ids, and a target holding data is
// refused (nothing written) unless replacing is asked for.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuiltInPinAuthority } from '../../src/adapters/builtin-authority.js';
import { copyStore, StoreCopyRefused } from '../../src/adapters/sql/store-copy.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { PinHasher } from '../../src/security/pin-hasher.js';
import { postgresAvailable } from '../support/postgres.js';
import { stopPostgresCluster, tempStore, type TempStore } from '../support/store.js';

const now = new Date('2026-11-27T10:00:00Z');
const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

/** Something in every table, as a deployment would have it. */
async function fill(store: SqlStore): Promise<void> {
  const authority = new BuiltInPinAuthority(store.db, new PinHasher(randomBytes(32)));
  await store.policies.savePolicy({ identity: 'tag:StrictPin', minPasswordLength: 8, pinHistoryCount: 3, pinLifetimeDays: 0, allowCommonPatterns: false });
  await store.policies.grant('u1', 'StrictPin');
  for (const pin of ['730194', '481620', '905173']) await authority.setPin({ userId: 'u1', pin, at: now, historyCount: 3 });
  await authority.lock('u2', now);
  await store.reveals.put({ id: 'r1', addresseeId: 'a', targetId: 'u1', sealed: 'sealed', details: { x: 1 }, createdAt: now, expiresAt: later(10) });
  await store.continuations.put({ id: 'c1', actorId: 'a', kind: 'choose-user', sealed: 'x', createdAt: now, expiresAt: later(15) });
  await store.conversations.savePersonal('29:1', 'msteams', { conversation: { id: 'a' } }, now);
  for (let i = 0; i < 1_234; i++) await store.audit.append({ at: later(i), actor: 'a', action: 'set-pin', target: `t${i % 7}`, outcome: 'ok', requestId: String(i) });
  await store.searches.save({ ownerId: 'a', name: 'Dublin', search: { site: 'Dublin' } as never, savedAt: now });
  await store.requests.create({ id: 'q1', kind: 'reset', requesterId: 'u3', requesterName: 'Ken', requesterUpn: 'ken@x', state: 'pending', createdAt: now, expiresAt: later(60) });
  await store.requests.addCard('q1', 'requester', { conversation: { id: 'c' }, activityId: 'act' } as never);
  await store.approvalChannels.register('19:x', 'msteams', { conversation: { id: '19:x' } }, 'a', now);
  await store.rateLimits.hit('k', 5, 60_000, now);
  await store.deliveries.enqueue({ id: 'd1', revealId: 'r1', addresseeId: 'a', conversation: { conversation: { id: 'c' } }, channelId: 'emulator', createdAt: now, expiresAt: later(10) });
  await store.requestNotices.record({ id: 'n1', requestId: 'q1', change: 'denied', nextAttemptAt: now, giveUpAt: later(1_440), createdAt: now });
  await store.db.insertInto('key_checks').values({ purpose: 'seal', check_value: 'cv', first_used_at: now.getTime() }).execute();
  await store.intents.record({
    id: 'i1',
    targetId: 'u1',
    targetSip: 'sip:u1@x',
    targetName: 'U One',
    addresseeId: 'a',
    revealId: 'r1',
    deliveryId: 'd1',
    audit: { at: now, actor: 'a', action: 'set-pin', target: 'sip:u1@x', outcome: 'pending', requestId: 'i1' },
    before: '2026-11-01T00:00:00.000Z',
    createdAt: now,
    settleBy: later(1),
  });
}

async function everyRow(db: Kysely<any>): Promise<Record<string, unknown[]>> {
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((name) => name !== 'write_probe').sort();
  const all: Record<string, unknown[]> = {};
  for (const table of tables) {
    const rows = await db.selectFrom(table).selectAll().execute();
    all[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return all;
}

describe.runIf(postgresAvailable())('copying the store from SQLite to PostgreSQL', () => {
  let sqlite: TempStore;
  let postgres: TempStore;
  beforeEach(async () => {
    [sqlite, postgres] = await Promise.all([tempStore('sqlite'), tempStore('postgres')]);
  });
  afterEach(async () => Promise.all([sqlite.cleanup(), postgres.cleanup()]));
  afterAll(stopPostgresCluster);

  it('copies every table row for row; identities continue after the copied ids', async () => {
    await fill(sqlite.store);
    const copied = await copyStore(sqlite.store, postgres.store, { replace: false });
    const source = await everyRow(sqlite.store.db);
    expect(copied).toEqual(Object.entries(source).map(([table, rows]) => ({ table, rows: rows.length })));
    // A table a new migration adds fails here until `fill` puts something in it.
    expect(Object.entries(source).filter(([, rows]) => rows.length === 0)).toEqual([]);
    expect(await everyRow(postgres.store.db)).toEqual(source);

    await postgres.store.audit.append({ at: later(5_000), actor: 'b', action: 'lock-pin', outcome: 'ok', requestId: 'next' });
    const newest = await postgres.store.db.selectFrom('audit').select(['id', 'actor']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(newest).toEqual({ id: 1_235, actor: 'b' });
  });

  it('refuses a target that holds data, writing nothing; --replace replaces it', async () => {
    await fill(sqlite.store);
    await postgres.store.audit.append({ at: now, actor: 'already', action: 'set-pin', outcome: 'ok', requestId: 'x' });
    const refused = await copyStore(sqlite.store, postgres.store, { replace: false }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StoreCopyRefused);
    expect((refused as Error).message).toBe('the target already holds data (audit); copy into an empty database, or pass --replace to delete what it holds first');
    expect(await postgres.store.db.selectFrom('audit').select('actor').execute()).toEqual([{ actor: 'already' }]);

    await copyStore(sqlite.store, postgres.store, { replace: true });
    expect(await everyRow(postgres.store.db)).toEqual(await everyRow(sqlite.store.db));
  });

  it('an empty deployment copies as empty (the Global policy only)', async () => {
    const copied = await copyStore(sqlite.store, postgres.store, { replace: false });
    expect(copied.filter((t) => t.rows > 0)).toEqual([{ table: 'pin_policies', rows: 1 }]);
    expect(await everyRow(postgres.store.db)).toEqual(await everyRow(sqlite.store.db));
  });
});
