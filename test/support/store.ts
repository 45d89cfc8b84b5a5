import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CompiledQuery } from 'kysely';
import { afterAll, describe } from 'vitest';
import { openStore } from '../../src/adapters/sql/open-store.js';
import { openPostgresStore } from '../../src/adapters/sql/postgres.js';
import { openSqliteStore } from '../../src/adapters/sql/sqlite.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { databaseSettings, type DatabaseSettings, type PostgresSettings } from '../../src/database-settings.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './postgres.js';

export type StoreDialect = 'sqlite' | 'postgres';
export const STORE_DIALECTS: readonly StoreDialect[] = ['sqlite', 'postgres'];
export const dialectName = (dialect: StoreDialect) => (dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL');

export interface TempStore {
  store: SqlStore;
  /** SQLite: the DATA_DIR; PostgreSQL: ''. */
  dir: string;
  /** PostgreSQL: the database's URL; SQLite: ''. */
  url: string;
  /** Another store on the same database, as a second start (or instance) would open it. */
  reopen: () => Promise<SqlStore>;
  cleanup: () => Promise<void>;
}

/** A real store on a fresh database: SQLite in a temporary directory, or a new database on this test file's PostgreSQL cluster. */
export async function tempStore(dialect: StoreDialect = 'sqlite'): Promise<TempStore> {
  if (dialect === 'postgres') {
    const url = await (await postgresCluster()).createDatabase();
    const store = await openPostgresStore(postgresSettings(url));
    return { store, dir: '', url, reopen: () => openPostgresStore(postgresSettings(url)), cleanup: () => store.close() };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'pindesk-store-'));
  const store = await openSqliteStore(dir);
  return {
    store,
    dir,
    url: '',
    reopen: () => openSqliteStore(dir),
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Rows of one SQL query (`?` placeholders) on the database a configuration names, whichever dialect. */
export async function queryRows(database: DatabaseSettings, dataDir: string, text: string, ...params: unknown[]): Promise<any[]> {
  const store = await openStore(database, dataDir);
  try {
    let n = 0;
    const query = database.kind === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text;
    return (await store.db.executeQuery(CompiledQuery.raw(query, params))).rows as any[];
  } finally {
    await store.close();
  }
}

/** The environment that puts a server on a fresh database of this dialect (none for SQLite: DATA_DIR). */
export async function databaseEnv(dialect: StoreDialect): Promise<Record<string, string>> {
  return dialect === 'postgres' ? { DATABASE_URL: await (await postgresCluster()).createDatabase() } : {};
}

export function postgresSettings(url: string, env: NodeJS.ProcessEnv = {}): PostgresSettings {
  return databaseSettings({ ...env, DATABASE_URL: url }) as PostgresSettings;
}

let cluster: Promise<PostgresCluster> | undefined;
/** This test file's throwaway cluster, started at first use (stopped by `eachStoreDialect`'s afterAll). */
export function postgresCluster(): Promise<PostgresCluster> {
  return (cluster ??= startPostgresCluster());
}

export async function stopPostgresCluster(): Promise<void> {
  const running = cluster;
  cluster = undefined;
  if (running) await (await running).stop();
}

/**
 * The same suite once per dialect, each in a describe block named after it. The PostgreSQL block
 * skips with a loud banner when the server binaries are missing (and fails under CI=true).
 */
export function eachStoreDialect(body: (dialect: StoreDialect) => void): void {
  for (const dialect of STORE_DIALECTS) {
    describe.runIf(dialect === 'sqlite' || postgresAvailable())(`on ${dialectName(dialect)}`, () => {
      if (dialect === 'postgres') afterAll(stopPostgresCluster);
      body(dialect);
    });
  }
}
