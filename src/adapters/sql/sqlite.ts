// Opens the SQLite file in DATA_DIR and brings its schema up to date.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';

export async function openSqliteStore(dataDir: string): Promise<SqlStore> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const databaseFile = path.join(dataDir, 'pindesk.sqlite');
  ownerOnly(databaseFile);
  const file = new SQLite(databaseFile);
  // WAL lets readers (readiness, audit) run beside a writer; busy_timeout rides out a second process.
  file.pragma('journal_mode = WAL');
  // With WAL, NORMAL syncs at checkpoints instead of every commit: no corruption on a crash, at
  // worst the last commits lost on power failure — and several times the write throughput.
  file.pragma('synchronous = NORMAL');
  file.pragma('busy_timeout = 5000');
  file.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(file) }) });
  await migrateToLatest(db);
  return new SqlStore(db);
}

/**
 * The database file exists, readable and writable by its owner only (0600), before SQLite opens it:
 * SQLite creates -wal and -shm with the database file's mode, so they are 0600 too, whatever the
 * umask and whatever DATA_DIR's own mode. Files an older version left 0644 are tightened.
 */
function ownerOnly(databaseFile: string): void {
  closeSync(openSync(databaseFile, 'a', 0o600));
  for (const file of [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** Most distinct statements kept prepared (PinDesk issues a few dozen). */
const STATEMENT_CACHE_LIMIT = 500;

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs more than running most of
 * ours. Statements are reusable, so keep them by SQL text.
 */
function withStatementCache(file: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => file.close(),
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= STATEMENT_CACHE_LIMIT) statements.clear();
        statement = file.prepare(sql);
        statements.set(sql, statement);
      }
      return statement as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}
