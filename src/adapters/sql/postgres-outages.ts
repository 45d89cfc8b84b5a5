// Tells a database that cannot be reached from other failures, and says what a lost connection
// may have changed: nothing when it was never reached or the lost connection rolled a transaction
// back (the server does that), unknown when it was lost during a COMMIT or an autocommit write.
// Wraps the pool Kysely uses, so every statement is covered in one place.
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { StoreUnreachable } from '../../ports/store-unreachable.js';

/** Network errors; SQLSTATE 57P01-57P03 (the server shutting down, crashed, starting) and 53300 (no connection slot). */
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
/** pg's own words for a connection that broke, timed out or was never usable. */
const OUTAGE_WORDS = /Connection terminated|timeout exceeded when trying to connect|not queryable|Client was closed|connection timeout/i;
/** Failures raised before the statement left this process. */
const NOT_SENT_WORDS = /not queryable|Client was closed/i;

export function isOutage(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && (OUTAGE_CODES.has(code) || code.startsWith('08'))) return true;
  return error instanceof Error && OUTAGE_WORDS.test(error.message);
}

/** The pool as Kysely sees it, with outages thrown as StoreUnreachable. */
export function outageAwarePool(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw new StoreUnreachable('nothing', error);
      }
      let watched = clients.get(client);
      if (!watched) clients.set(client, (watched = watchedClient(client)));
      return watched;
    },
    end: () => pool.end(),
  };
}

function watchedClient(client: pg.PoolClient): PostgresPoolClient {
  // pg-pool listens for a client's errors only while it is idle: a connection lost during a query
  // would otherwise be an uncaught 'error' event, ending the process. The query gets the error anyway.
  client.on('error', () => undefined);
  let inTransaction = false;
  /** A COMMIT whose outcome is unknown: Kysely's ROLLBACK after it fails too, and must not say "nothing". */
  let commitUnknown = false;
  return {
    async query(text: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<any>> {
      const statement = text.trimStart().slice(0, 20).toLowerCase();
      const ends = statement.startsWith('commit') || statement.startsWith('rollback');
      try {
        return (await client.query(text, parameters as unknown[])) as PostgresQueryResult<any>;
      } catch (error) {
        if (!isOutage(error)) throw error;
        const changed = commitUnknown && statement.startsWith('rollback') ? 'unknown' : changedBy(statement, inTransaction, error);
        if (statement.startsWith('commit')) commitUnknown = changed === 'unknown';
        throw new StoreUnreachable(changed, error);
      } finally {
        if (statement.startsWith('begin') || statement.startsWith('start transaction')) {
          inTransaction = true;
          commitUnknown = false;
        } else if (ends) inTransaction = false;
      }
    },
    release: (destroy?: boolean) => client.release(destroy),
  } as PostgresPoolClient;
}

function changedBy(statement: string, inTransaction: boolean, error: unknown): 'nothing' | 'unknown' {
  if (error instanceof Error && NOT_SENT_WORDS.test(error.message)) return 'nothing';
  if (statement.startsWith('commit')) return 'unknown';
  if (inTransaction || statement.startsWith('select') || statement.startsWith('rollback') || statement.startsWith('begin')) return 'nothing';
  return 'unknown';
}
