// A database that cannot be reached, on a real PostgreSQL: the store throws StoreUnreachable saying
// what may have changed (nothing when the server was down or a transaction lost its connection
// before COMMIT; unknown when the connection was lost during COMMIT or an autocommit write: a proxy
// cuts it on the statement, after or before passing it on), the
// guard turns it into the chat's StoreUnavailableError, and the pool recovers by itself.
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PinDeskPostgresDialect, STORE_WRITE_LOCK } from '../../src/adapters/sql/dialects.js';
import { outageAwarePool } from '../../src/adapters/sql/postgres-outages.js';
import { openPostgresStore, postgresPool } from '../../src/adapters/sql/postgres.js';
import { StoreUnavailableError } from '../../src/domain/errors.js';
import { guardStore } from '../../src/ports/guarded.js';
import { StoreUnreachable } from '../../src/ports/store-unreachable.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from '../support/postgres.js';
import { postgresSettings } from '../support/store.js';
import { startCuttingProxy, type CuttingProxy } from '../support/cutting-proxy.js';

describe.runIf(postgresAvailable())('PostgreSQL outages', () => {
  let cluster: PostgresCluster;
  let url: string;
  let db: Kysely<any>;
  let admin: pg.Client;
  let proxy: CuttingProxy;
  /** The same database through a proxy that cuts the connection on given statements. */
  let viaProxy: Kysely<any>;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    url = await cluster.createDatabase();
    db = new Kysely<any>({ dialect: new PinDeskPostgresDialect({ pool: outageAwarePool(postgresPool(postgresSettings(url))) }) });
    await sql`create table notes (id int primary key)`.execute(db);
    admin = new pg.Client({ connectionString: url });
    proxy = await startCuttingProxy(cluster.port);
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    viaProxy = new Kysely<any>({ dialect: new PinDeskPostgresDialect({ pool: outageAwarePool(postgresPool(postgresSettings(proxied.toString()))) }) });
    admin.on('error', () => undefined); // the outage test stops the server under it
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await viaProxy?.destroy();
    await proxy?.close();
    await db?.destroy();
    await cluster?.stop();
  });

  /** Ends the server session of the connection `c` (as a restart or a failover would). */
  const cut = async (c: Kysely<any>) => {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(c);
    await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
  };
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
  const saved = async (id: number) => (await sql`select id from notes where id = ${id}`.execute(db)).rows.length === 1;

  it('a write inside a transaction whose connection is lost: nothing changed (the server rolled it back)', async () => {
    const error = await failure(
      db.transaction().execute(async (tx) => {
        await sql`insert into notes values (1)`.execute(tx);
        await cut(tx);
        await sql`insert into notes values (2)`.execute(tx);
      }),
    );
    expect(error).toBeInstanceOf(StoreUnreachable);
    expect(error).toMatchObject({ changed: 'nothing' });
    expect(await saved(1)).toBe(false);
  });

  it.each([
    { landed: true, id: 10 },
    { landed: false, id: 11 },
  ])('a connection lost during COMMIT: unknown, whether it landed ($landed) or not', async ({ landed, id }) => {
    const error = await failure(
      viaProxy.transaction().execute(async (tx) => {
        await sql`insert into notes values (${sql.lit(id)})`.execute(tx);
        proxy.cutOn('commit', landed);
      }),
    );
    expect(error).toBeInstanceOf(StoreUnreachable);
    expect(error).toMatchObject({ changed: 'unknown' });
    await expect.poll(() => saved(id)).toBe(landed);
  });

  it('an autocommit write lost on the way: unknown; a read lost on the way: nothing', async () => {
    proxy.cutOn('insert into notes values (4)', true);
    const write = await failure(sql`insert into notes values (4)`.execute(viaProxy));
    expect(write).toBeInstanceOf(StoreUnreachable);
    expect(write).toMatchObject({ changed: 'unknown' });
    await expect.poll(() => saved(4)).toBe(true);
    proxy.cutOn('select id from notes', true);
    const read = await failure(sql`select id from notes`.execute(viaProxy));
    expect(read).toBeInstanceOf(StoreUnreachable);
    expect(read).toMatchObject({ changed: 'nothing' });
  });

  it('a statement that fails for another reason is not an outage', async () => {
    await sql`insert into notes values (5)`.execute(db);
    const duplicate = await failure(sql`insert into notes values (5)`.execute(db));
    expect(duplicate).not.toBeInstanceOf(StoreUnreachable);
    expect(duplicate).toMatchObject({ code: '23505' });
  });

  it('DATABASE_STATEMENT_TIMEOUT ends a statement that runs longer; that is a failure, not an outage', async () => {
    const short = new Kysely<any>({ dialect: new PinDeskPostgresDialect({ pool: outageAwarePool(postgresPool(postgresSettings(url, { DATABASE_STATEMENT_TIMEOUT: '1s' }))) }) });
    try {
      const error = await failure(sql`select pg_sleep(3)`.execute(short));
      expect(error).not.toBeInstanceOf(StoreUnreachable);
      expect(error).toMatchObject({ code: '57014' });
    } finally {
      await short.destroy();
    }
  });

  it('a transaction whose wait for the store-wide lock times out leaves its connection usable', async () => {
    // One connection, so the next statement gets the same one; the lock held elsewhere.
    const one = new Kysely<any>({ dialect: new PinDeskPostgresDialect({ pool: outageAwarePool(postgresPool(postgresSettings(url, { DATABASE_POOL_SIZE: '1', DATABASE_STATEMENT_TIMEOUT: '1s' }))) }) });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query(`select pg_advisory_xact_lock(${STORE_WRITE_LOCK})`);
      const waited = await failure(one.transaction().execute(async (tx) => sql`insert into notes values (20)`.execute(tx)));
      expect(waited).toMatchObject({ code: '57014' });
      await holder.query('rollback');
      // Not "current transaction is aborted" (25P02): the same connection works, in and out of a transaction.
      expect((await sql<{ one: number }>`select 1 as one`.execute(one)).rows).toEqual([{ one: 1 }]);
      await one.transaction().execute(async (tx) => sql`insert into notes values (21)`.execute(tx));
      expect(await saved(21)).toBe(true);
    } finally {
      await holder.end();
      await one.destroy();
    }
  });

  it('a server that is down: nothing changed, StoreUnavailableError through the guard; the store recovers by itself', async () => {
    const store = await openPostgresStore(postgresSettings(await cluster.createDatabase()));
    const guarded = guardStore(store);
    try {
      await cluster.pause();
      try {
        const down = await failure(guarded.policies.policies());
        expect(down).toBeInstanceOf(StoreUnavailableError);
        expect(down).toMatchObject({ changed: 'nothing', code: 'store-unavailable' });
        expect((down as Error).cause).toBeInstanceOf(StoreUnreachable);
        // A transaction that cannot begin changed nothing either.
        const transaction = await failure(guarded.transaction(async (tx) => tx.policies.policies()));
        expect(transaction).toMatchObject({ code: 'store-unavailable', changed: 'nothing' });
      } finally {
        await cluster.resume();
      }
      expect((await guarded.policies.policies()).size).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
