// What only PostgreSQL has to prove: instances starting together migrate once, transactions in
// different instances take turns, 64-bit values read back as numbers, a start or a readiness probe
// against a database that cannot be used says why, never with the password, and TLS as configured.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { knownMigrations } from '../../src/adapters/sql/migrate.js';
import { checkPostgresWritable, openPostgresStore } from '../../src/adapters/sql/postgres.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { StoreNotWritableError } from '../../src/adapters/sql/store-errors.js';
import { StartupError } from '../../src/startup-error.js';
import { makeCertificates, type TestCertificates } from '../support/ldap/tools.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from '../support/postgres.js';
import { postgresCluster, postgresSettings, stopPostgresCluster, tempStore, type TempStore } from '../support/store.js';

describe.runIf(postgresAvailable())('PostgreSQL store', () => {
  let temp: TempStore;
  let opened: SqlStore[] = [];
  beforeEach(async () => {
    temp = await tempStore('postgres');
  });
  afterEach(async () => {
    await Promise.all(opened.map((s) => s.close()));
    opened = [];
    await temp.cleanup();
  });
  afterAll(stopPostgresCluster);

  const password = (url: string) => new URL(url).password;

  it('instances starting together on an empty database migrate it once (5 rounds of 6)', async () => {
    for (let round = 0; round < 5; round++) {
      const settings = postgresSettings(await (await postgresCluster()).createDatabase());
      const starts = await Promise.allSettled(Array.from({ length: 6 }, () => openPostgresStore(settings)));
      const stores = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      opened.push(...stores);
      expect(starts.filter((s) => s.status === 'rejected')).toEqual([]);
      const names = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(stores[0]!.db);
      expect(names.rows.map((r) => r.name)).toEqual(knownMigrations());
      expect((await stores[0]!.db.selectFrom('pin_policies').select('identity').execute()).map((r) => r.identity)).toEqual(['Global']);
    }
  });

  it('read-then-write transactions in two instances take turns: no update is lost (2 x 60 at once)', async () => {
    const other = await temp.reopen();
    opened.push(other);
    await temp.store.db.insertInto('rate_limits').values({ key: 'k', window_start: 0, count: 0 }).execute();
    // Read, then write what was read plus one: without the store-wide lock, READ COMMITTED loses updates.
    const increment = (store: SqlStore) =>
      store.transaction(async (tx) => {
        const row = await tx.db.selectFrom('rate_limits').select('count').where('key', '=', 'k').executeTakeFirstOrThrow();
        await tx.db.updateTable('rate_limits').set({ count: row.count + 1 }).where('key', '=', 'k').execute();
      });
    await Promise.all(Array.from({ length: 120 }, (_, i) => increment(i % 2 ? other : temp.store)));
    expect((await temp.store.db.selectFrom('rate_limits').select('count').executeTakeFirstOrThrow()).count).toBe(120);
  });

  it('64-bit values read back as numbers; auto-increment keys are 64-bit identities', async () => {
    const at = new Date('2026-11-27T10:00:00Z');
    await temp.store.audit.append({ at, actor: 'a', action: 'set-pin', outcome: 'ok', requestId: '1' });
    await temp.store.audit.append({ at, actor: 'a', action: 'set-pin', outcome: 'ok', requestId: '2' });
    const rows = await temp.store.db.selectFrom('audit').select(['id', 'at']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 1, at: at.getTime() },
      { id: 2, at: at.getTime() },
    ]);
    const count = await temp.store.db.selectFrom('audit').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(2);
    const columns = await sql<{ table_name: string; data_type: string; is_identity: string }>`
      select table_name, data_type, is_identity from information_schema.columns where column_name = 'id' and table_name in ('audit', 'pin_history', 'request_cards') order by table_name`.execute(temp.store.db);
    expect(columns.rows).toEqual(['audit', 'pin_history', 'request_cards'].map((table_name) => ({ table_name, data_type: 'bigint', is_identity: 'YES' })));
  });

  it('sessions run with the statement and idle-in-transaction timeouts, named pindesk', async () => {
    const row = await sql<Record<string, string>>`select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle, current_setting('application_name') as name`.execute(temp.store.db);
    expect(row.rows[0]).toEqual({ statement: '15s', idle: '30s', name: 'pindesk' });
  });

  it('a start against no server, a wrong password or a missing database stops with the cause, never the password', async () => {
    const cluster = await postgresCluster();
    const url = new URL(temp.url);
    const attempts: Array<[string, RegExp]> = [
      [Object.assign(new URL(url), { port: String(cluster.port === 1 ? 2 : 1) }).toString(), /^database 127\.0\.0\.1:\d+\/store_\d+_\d+: cannot connect: .*ECONNREFUSED.*is the server running and reachable\?/],
      [Object.assign(new URL(url), { password: 'not-the-password' }).toString(), /cannot log in: .*password authentication failed.*\(28P01\); check the user and password in DATABASE_URL/],
      [Object.assign(new URL(url), { pathname: '/nothing_here' }).toString(), /^database 127\.0\.0\.1:\d+\/nothing_here: .*does not exist \(3D000\); create the database first/],
    ];
    for (const [target, expected] of attempts) {
      const refused = await openPostgresStore(postgresSettings(target)).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StartupError);
      expect((refused as Error).message).toMatch(expected);
      expect((refused as Error).message).not.toContain(password(target));
    }
  });

  it('a start against a read-only database says so', async () => {
    const name = new URL(temp.url).pathname.slice(1);
    await sql.raw(`alter database ${name} set default_transaction_read_only = on`).execute(temp.store.db);
    const refused = await temp.reopen().catch((e: unknown) => e);
    expect((refused as Error).message).toMatch(/cannot write to it: .*read-only transaction \(25006\); is it a read-only replica or in recovery\?/);
  });
});

describe.runIf(postgresAvailable())('PostgreSQL outage', () => {
  let cluster: PostgresCluster;
  beforeEach(async () => {
    cluster = await startPostgresCluster();
  });
  afterEach(async () => cluster.stop());

  it('readiness says unavailable while the server is down, and recovers by itself when it returns', async () => {
    const settings = postgresSettings(await cluster.createDatabase());
    const store = await openPostgresStore(settings);
    try {
      const now = new Date();
      await checkPostgresWritable(store, settings, now);
      await cluster.pause();
      const down = await checkPostgresWritable(store, settings, now).catch((e: unknown) => e);
      expect(down).toBeInstanceOf(StoreNotWritableError);
      expect(down).toMatchObject({ reason: 'store-unavailable' });
      expect((down as Error).message).toMatch(new RegExp(`^store: PostgreSQL 127\\.0\\.0\\.1:${cluster.port}/store_\\d+_\\d+: `));
      expect((down as Error).message).not.toContain(new URL(settings.url).password);
      await cluster.resume();
      await checkPostgresWritable(store, settings, now);
      expect(await store.db.selectFrom('write_probe').select('at').executeTakeFirstOrThrow()).toEqual({ at: now.getTime() });
    } finally {
      await store.close();
    }
  });
});

describe.runIf(postgresAvailable())('PostgreSQL over TLS', () => {
  let cluster: PostgresCluster;
  let certificates: TestCertificates;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pindesk-pg-tls-'));
    certificates = await makeCertificates(dir);
    cluster = await startPostgresCluster({ tls: certificates });
  });
  afterAll(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const encrypted = async (store: SqlStore) => (await sql<{ ssl: boolean }>`select ssl from pg_stat_ssl where pid = pg_backend_pid()`.execute(store.db)).rows[0]?.ssl;

  it('DATABASE_CA_FILE verifies the server; sslmode=verify-full without it refuses an unknown CA; no-verify encrypts; none is plain', async () => {
    const url = await cluster.createDatabase();
    const verified = await openPostgresStore(postgresSettings(url, { DATABASE_CA_FILE: certificates.caFile }));
    expect(await encrypted(verified)).toBe(true);
    await verified.close();

    const refused = await openPostgresStore(postgresSettings(`${url}?sslmode=verify-full`)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StartupError);
    expect((refused as Error).message).toMatch(/self[- ]signed|unable to verify|certificate/i);

    const unverified = await openPostgresStore(postgresSettings(`${url}?sslmode=no-verify`));
    expect(await encrypted(unverified)).toBe(true);
    await unverified.close();

    const plain = await openPostgresStore(postgresSettings(url));
    expect(await encrypted(plain)).toBe(false);
    await plain.close();
  });
});
