// The store the configuration names: PostgreSQL when DATABASE_URL is set (shared by every
// instance), else the embedded SQLite file in DATA_DIR. Both speak the same schema and queries.
import type { DatabaseSettings } from '../../database-settings.js';
import { checkPostgresWritable, openPostgresStore } from './postgres.js';
import type { SqlStore } from './sql-store.js';
import { checkSqliteWritable, openSqliteStore } from './sqlite.js';

export function openStore(database: DatabaseSettings, dataDir: string): Promise<SqlStore> {
  return database.kind === 'postgres' ? openPostgresStore(database) : openSqliteStore(dataDir);
}

/** Readiness: the store can write now (throws StoreNotWritableError with the reason otherwise). */
export function checkStoreWritable(database: DatabaseSettings, store: SqlStore, dataDir: string, now: Date): Promise<void> {
  return database.kind === 'postgres' ? checkPostgresWritable(store, database, now) : checkSqliteWritable(store, dataDir, now);
}
