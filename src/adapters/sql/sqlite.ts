// Opens the SQLite file in DATA_DIR and brings its schema up to date.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type SqliteDatabase, type SqliteDialectConfig } from 'kysely';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';

export async function openSqliteStore(dataDir: string): Promise<SqlStore> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = new SQLite(path.join(dataDir, 'pindesk.sqlite'));
  // WAL lets readers (readiness, audit) run beside a writer; busy_timeout rides out a second process.
  file.pragma('journal_mode = WAL');
  // With WAL, NORMAL syncs at checkpoints instead of every commit: no corruption on a crash, at
  // worst the last commits lost on power failure — and several times the write throughput.
  file.pragma('synchronous = NORMAL');
  file.pragma('busy_timeout = 5000');
  file.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(file) }) });
  await migrateToLatest(db);
  return new SqlStore(db);
}

/**
 * Transactions begin IMMEDIATE: they read and then write (verify's counters, set-after-lock), and
 * a deferred one that read before another process wrote cannot upgrade to writing: SQLite fails
 * it with SQLITE_BUSY at once, busy_timeout or not. Taking the write lock at BEGIN makes a second
 * process (the CLI beside the server) wait its turn instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): SqliteDriver {
    return new (class extends SqliteDriver {
      override async beginTransaction(connection: DatabaseConnection): Promise<void> {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      }
    })(this.settings);
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
