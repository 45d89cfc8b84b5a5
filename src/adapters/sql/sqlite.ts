// Opens the SQLite file in DATA_DIR and brings its schema up to date.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';

export async function openSqliteStore(dataDir: string): Promise<SqlStore> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = new SQLite(path.join(dataDir, 'pindesk.sqlite'));
  // WAL lets readers (readiness, audit) run beside a writer; busy_timeout rides out a second process.
  file.pragma('journal_mode = WAL');
  file.pragma('busy_timeout = 5000');
  file.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
  await migrateToLatest(db);
  return new SqlStore(db);
}
