// Opens the SQLite file in DATA_DIR, brings its schema up to date and checks it can be written now:
// a start on a read-only or damaged database stops with the file's path and the cause. Readiness
// (/readyz) asks the same question again on every probe (`checkSqliteWritable`).
import { chmodSync, closeSync, openSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type SqliteDatabase } from 'kysely';
import { StartupError } from '../../startup-error.js';
import { ensureDataDir, fsCause } from '../data-dir.js';
import { ImmediateSqliteDialect } from './dialects.js';
import { migrateToLatest } from './migrate.js';
import { probeWrite } from './repositories/write-probe-repository.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';
import { StoreNotWritableError } from './store-errors.js';

export { StoreNotWritableError } from './store-errors.js';

export const DATABASE_FILE = 'pindesk.sqlite';
/** WAL pages between automatic checkpoints. */
const WAL_CHECKPOINT_PAGES = 4000;

export async function openSqliteStore(dataDir: string): Promise<SqlStore> {
  ensureDataDir(dataDir);
  const databaseFile = path.join(dataDir, DATABASE_FILE);
  let file: SQLite.Database | undefined;
  try {
    ownerOnly(databaseFile);
    file = new SQLite(databaseFile);
    // WAL lets readers (readiness, audit) run beside a writer; busy_timeout rides out a second process.
    file.pragma('journal_mode = WAL');
    // With WAL, NORMAL syncs at checkpoints instead of every commit: no corruption on a crash, at
    // worst the last commits lost on power failure — and several times the write throughput.
    file.pragma('synchronous = NORMAL');
    file.pragma('busy_timeout = 5000');
    // A checkpoint copies the WAL into the file and syncs both: every 4 000 pages (16 MB) rather
    // than SQLite's 1 000, a PIN set's hot pages (the newest audit, reveal and outbox rows) are
    // copied once for many commits, and the syncs come a quarter as often.
    file.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    file.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(file) }) });
    await migrateToLatest(db);
    // SQLite opens a file it may not write read-only without a word: find out now, not at the first PIN.
    await probeWrite(db, new Date());
    return new SqlStore(db);
  } catch (error) {
    try {
      file?.close();
    } catch {
      // already failing
    }
    throw new StartupError(`database ${databaseFile}: ${storeFailure(error)}`, { cause: error });
  }
}

/** What a store failure means, in words an operator can act on, with SQLite's own text and code. */
export function storeFailure(error: unknown): string {
  const code = sqliteCode(error);
  const text = error instanceof Error ? error.message : String(error);
  const detail = code?.startsWith('SQLITE_') ? `${text} (${code})` : fsCause(error);
  if (/READONLY|EROFS|EACCES|EPERM/.test(code ?? '') || /readonly|read-only/i.test(text)) return `cannot write to it: ${detail}; is the file or DATA_DIR read-only?`;
  if (/FULL|ENOSPC|EDQUOT/.test(code ?? '') || /disk is full/i.test(text)) return `cannot write to it: ${detail}; the disk is full`;
  if (/NOTADB|CORRUPT/.test(code ?? '')) return `it is damaged: ${detail}; restore it from a backup`;
  if (/CANTOPEN/.test(code ?? '')) return `cannot open it: ${detail}; check that DATA_DIR exists and is writable`;
  return detail;
}

/** The SQLite (or errno) code of a failure, looking through `cause` (migration errors wrap theirs). */
function sqliteCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Least free space on DATA_DIR's file system for the store to count as writable (readiness). */
export const MIN_FREE_BYTES = 1024 * 1024;

/** Readiness: DATA_DIR's file system has room, and a write (one probe row, in a transaction) succeeds now. */
export async function checkSqliteWritable(store: SqlStore, dataDir: string, now: Date): Promise<void> {
  const space = await statfs(dataDir);
  const free = Number(space.bavail) * Number(space.bsize);
  if (free < MIN_FREE_BYTES) throw new StoreNotWritableError('store-disk-full', `store: only ${free} bytes free on the file system of DATA_DIR ${dataDir}`);
  try {
    await probeWrite(store.db, now);
  } catch (error) {
    const words = storeFailure(error);
    const reason = /read-only/.test(words) ? 'store-read-only' : /disk is full/.test(words) ? 'store-disk-full' : 'store-unavailable';
    throw new StoreNotWritableError(reason, `store: ${path.join(dataDir, DATABASE_FILE)}: ${words}`, { cause: error });
  }
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
