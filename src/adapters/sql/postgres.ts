// Opens the store on PostgreSQL (DATABASE_URL): a connection pool, the schema brought up to date
// under an advisory lock, and a first write, so that a start against an unreachable, read-only or
// too-new database stops with the server's address (never the password) and the cause. Readiness
// (/readyz) asks the same write question on every probe (`checkPostgresWritable`).
import { Kysely } from 'kysely';
import pg from 'pg';
import type { PostgresSettings } from '../../database-settings.js';
import { StartupError } from '../../startup-error.js';
import { PinDeskPostgresDialect } from './dialects.js';
import { migrateToLatest } from './migrate.js';
import { outageAwarePool } from './postgres-outages.js';
import { probeWrite } from './repositories/write-probe-repository.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';
import { StoreNotWritableError } from './store-errors.js';
import { StoreUnreachable } from '../../ports/store-unreachable.js';

/** A session idle inside a transaction this long is ended by the server, releasing its locks. */
const IDLE_IN_TRANSACTION_MS = 30_000;

/**
 * int8 (bigint columns: epoch-millisecond times, identities, count(*)) as a JavaScript number, as
 * SQLite gives it: pg's default is a string. Every value PinDesk keeps is far below 2^53.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export function postgresPool(settings: PostgresSettings): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolSize,
    ssl: settings.tls.mode === 'off' ? false : settings.tls.mode === 'no-verify' ? { rejectUnauthorized: false } : { rejectUnauthorized: true, ...(settings.tls.ca ? { ca: settings.tls.ca } : {}) },
    types,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    keepAlive: true,
    application_name: 'pindesk',
  });
  // An idle connection the server dropped (restart, failover) is an event, not a crash: the pool
  // replaces it, and the next query that cannot connect reports the outage where it happens.
  pool.on('error', () => undefined);
  return pool;
}

export async function openPostgresStore(settings: PostgresSettings): Promise<SqlStore> {
  const db = new Kysely<Database>({ dialect: new PinDeskPostgresDialect({ pool: outageAwarePool(postgresPool(settings)) }) });
  try {
    await migrateToLatest(db);
    await probeWrite(db, new Date());
    return new SqlStore(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new StartupError(`database ${settings.target}: ${postgresFailure(error)}`, { cause: error });
  }
}

/** Readiness: a write (one probe row, in a transaction) succeeds now. */
export async function checkPostgresWritable(store: SqlStore, settings: PostgresSettings, now: Date): Promise<void> {
  try {
    await probeWrite(store.db, now);
  } catch (error) {
    const words = postgresFailure(error);
    const reason = /read-only/.test(words) ? 'store-read-only' : /disk is full/.test(words) ? 'store-disk-full' : 'store-unavailable';
    throw new StoreNotWritableError(reason, `store: PostgreSQL ${settings.target}: ${words}`, { cause: error });
  }
}

/** What a PostgreSQL failure means, in words an operator can act on, with the server's own text and SQLSTATE. */
export function postgresFailure(failure: unknown): string {
  // The driver's own error, not its StoreUnreachable wrapper.
  const error = failure instanceof StoreUnreachable ? failure.cause : failure;
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const text = error instanceof Error ? error.message : String(error);
  const detail = code ? `${text} (${code})` : text;
  if (code === '25006') return `cannot write to it: ${detail}; is it a read-only replica or in recovery?`;
  if (code === '53100') return `cannot write to it: ${detail}; the disk is full`;
  if (code === '28P01' || code === '28000') return `cannot log in: ${detail}; check the user and password in DATABASE_URL`;
  if (code === '3D000') return `${detail}; create the database first`;
  if (code && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ECONNRESET)$/.test(code)) return `cannot connect: ${detail}; is the server running and reachable?`;
  if (/timeout/i.test(text)) return `cannot connect: ${detail}`;
  return detail;
}
