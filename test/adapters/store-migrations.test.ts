// Schema migrations on both dialects: every known migration once, a second start changes nothing,
// a database left part-way is brought up to date, and one migrated by a newer PinDesk is refused
// before anything is touched.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImmediateSqliteDialect, PinDeskPostgresDialect } from '../../src/adapters/sql/dialects.js';
import { knownMigrations } from '../../src/adapters/sql/migrate.js';
import { migrations } from '../../src/adapters/sql/migrations.js';
import { openPostgresStore, postgresPool } from '../../src/adapters/sql/postgres.js';
import { DATABASE_FILE, openSqliteStore } from '../../src/adapters/sql/sqlite.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { StartupError } from '../../src/startup-error.js';
import { eachStoreDialect, postgresCluster, postgresSettings, tempStore, type StoreDialect, type TempStore } from '../support/store.js';

let temp: TempStore;
let store: SqlStore;
const applied = async (s: SqlStore) => (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(s.db)).rows.map((r) => r.name);

eachStoreDialect((dialect) => {
  beforeEach(async () => {
    temp = await tempStore(dialect);
    store = temp.store;
  });
  afterEach(async () => temp.cleanup());

  describe('migrations', () => {
    it('a new database gets every known migration once; a second start changes nothing', async () => {
      expect(await applied(store)).toEqual(knownMigrations());
      const again = await temp.reopen();
      await again.close();
      expect(await applied(store)).toEqual(knownMigrations());
      expect([...(await store.policies.policies()).keys()]).toEqual(['Global']);
    });

    it('a database part-way (as an older PinDesk left it) is brought up to date', async () => {
      const empty = await emptyDatabase(dialect);
      try {
        const older = knownMigrations().slice(0, 3);
        // As Kysely's Migrator left it: its table, and the first migrations applied.
        await sql`create table kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(empty.db);
        for (const name of older) {
          await migrations[name]!.up(empty.db);
          await sql`insert into kysely_migration (name, timestamp) values (${name}, 'x')`.execute(empty.db);
        }
        const opened = await empty.open();
        expect(await applied(opened)).toEqual(knownMigrations());
        expect(await opened.db.selectFrom('write_probe').select('id').execute()).toEqual([{ id: 1 }]);
        await opened.close();
      } finally {
        await empty.cleanup();
      }
    });

    it('refuses a database a newer PinDesk has migrated, naming the migration, and changes nothing', async () => {
      await sql`insert into kysely_migration (name, timestamp) values ('9999-from-a-later-version', 'x')`.execute(store.db);
      await store.db.deleteFrom('write_probe').execute();
      const refused = await temp.reopen().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StartupError);
      expect((refused as Error).message).toMatch(/^database .*: its schema is newer than this PinDesk knows: migration 9999-from-a-later-version was applied by a later version/);
      expect((refused as Error).message).toContain(`(this one knows up to ${knownMigrations().at(-1)})`);
      // Refused before the start's write probe.
      expect(await store.db.selectFrom('write_probe').select('id').execute()).toEqual([]);
    });
  });
});

/** A database with nothing in it, a Kysely on it (no migrations run), and how PinDesk would open it. */
async function emptyDatabase(dialect: StoreDialect): Promise<{ db: Kysely<any>; open: () => Promise<SqlStore>; cleanup: () => Promise<void> }> {
  if (dialect === 'postgres') {
    const settings = postgresSettings(await (await postgresCluster()).createDatabase());
    const db = new Kysely<any>({ dialect: new PinDeskPostgresDialect({ pool: postgresPool(settings) }) });
    return { db, open: () => openPostgresStore(settings), cleanup: () => db.destroy() };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'pindesk-store-'));
  const db = new Kysely<any>({ dialect: new ImmediateSqliteDialect({ database: new SQLite(path.join(dir, DATABASE_FILE)) }) });
  return {
    db,
    open: () => openSqliteStore(dir),
    cleanup: async () => {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
