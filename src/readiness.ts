// /readyz: can PinDesk do its job right now? The store must be able to WRITE (DATA_DIR's file system
// has room and a probe row can be rewritten) and the directory must answer. Unauthenticated callers
// get a short reason code (`store-disk-full`, `directory-bind-refused`, ...), never internal error text
// (`connect ECONNREFUSED 127.0.0.1:1`, LDAP message types); the details go to the log, at error level.
import { LdapBindError, LdapTimeoutError } from './adapters/ldap/connection-pool.js';
import { WorkersNotReadyError } from './adapters/sfb/worker-pool.js';
import { StoreNotWritableError } from './adapters/sql/store-errors.js';

/** Each check's own deadline, under the HTTP handler's 2 s. */
const CHECK_DEADLINE_MS = 1800;

export type ReadinessReason =
  | 'store-disk-full'
  | 'store-read-only'
  | 'store-unavailable'
  | 'store-timeout'
  | 'directory-bind-refused'
  | 'directory-tls-refused'
  | 'directory-unreachable'
  | 'directory-timeout'
  | 'directory-unavailable'
  | 'sfb-worker-starting'
  | 'sfb-worker-unavailable';

/** Why PinDesk is not ready: `reason` is for anyone, `message` (with the cause) for the log only. */
export class NotReadyError extends Error {
  constructor(
    readonly reason: ReadinessReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface ReadinessChecks {
  /** Throws when the store cannot write now. */
  store: () => Promise<void>;
  /** Throws when the directory does not answer. */
  directory: () => Promise<void>;
  /** Throws when the PIN authority cannot act (PIN_AUTHORITY=sfb: no warm worker). */
  authority?: () => Promise<void>;
}

/** Runs the checks at once; the store's failure is reported first, then the directory's. Throws NotReadyError. */
export async function checkReadiness(checks: ReadinessChecks): Promise<void> {
  const [store, directory, authority] = await Promise.allSettled([
    withDeadline(checks.store(), 'store-timeout', 'store'),
    withDeadline(checks.directory(), 'directory-timeout', 'directory'),
    checks.authority?.(),
  ]);
  if (store.status === 'rejected') throw notReady(store.reason, storeReason(store.reason), 'store');
  if (directory.status === 'rejected') throw notReady(directory.reason, directoryReason(directory.reason), 'directory');
  if (authority.status === 'rejected') throw notReady(authority.reason, authorityReason(authority.reason), 'authority');
}

/** The pool's own code (`sfb-worker-starting`, `sfb-worker-unavailable`). */
function authorityReason(error: unknown): ReadinessReason {
  if (error instanceof NotReadyError || error instanceof WorkersNotReadyError) return error.reason;
  return 'sfb-worker-unavailable';
}

function notReady(error: unknown, reason: ReadinessReason, what: string): NotReadyError {
  if (error instanceof NotReadyError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new NotReadyError(reason, text.startsWith(`${what}:`) ? text : `${what}: ${text}`, { cause: error });
}

export function storeReason(error: unknown): ReadinessReason {
  if (error instanceof NotReadyError) return error.reason;
  if (error instanceof StoreNotWritableError) return error.reason;
  return 'store-unavailable';
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|ERR_TLS_CERT_ALTNAME_INVALID)/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ETIMEDOUT']);

export function directoryReason(error: unknown): ReadinessReason {
  if (error instanceof NotReadyError) return error.reason;
  if (error instanceof LdapBindError) return 'directory-bind-refused';
  if (error instanceof LdapTimeoutError) return 'directory-timeout';
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_CODES.test(code)) return 'directory-tls-refused';
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'directory-unreachable';
    if (e instanceof Error && /certificate|self[- ]signed|\bTLS\b|\bSSL\b/i.test(e.message)) return 'directory-tls-refused';
  }
  return 'directory-unavailable';
}

function withDeadline<T>(promise: Promise<T>, reason: ReadinessReason, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotReadyError(reason, `${what}: no answer within ${CHECK_DEADLINE_MS} ms`)), CHECK_DEADLINE_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
