// The JSON-lines protocol of sfb/pindesk-worker.ps1 (README, "Skype for Business Server"): the
// operations, their arguments and results, and the closed set of error kinds. Pure: no I/O.

export const PROTOCOL_VERSION = 1;
/** The worker refuses request lines longer than this (characters) without parsing them. */
export const MAX_REQUEST_CHARS = 65_536;

/** Same patterns as the worker, which checks every value again. */
export const SIP_ADDRESS = /^sip:[^\s@*]+@[^\s@*]+$/;
export const PIN = /^\d{4,24}$/;
export const POLICY_IDENTITY = /^(Global|site:[\w.-]+|tag:[\w.-]+|[\w.-]+)$/i;
export const POLICY_TAG = /^(tag:)?[\w.-]+$/i;

/** Kinds the worker reports for a refused operation. */
export const WORKER_ERROR_KINDS = ['not-found', 'not-enabled', 'policy', 'locked', 'access-denied', 'remoting', 'timeout', 'bad-request', 'server'] as const;
export type WorkerErrorKind = (typeof WORKER_ERROR_KINDS)[number];
/**
 * Kinds the client adds: `busy` (queue full, nothing was sent), `unavailable` (the worker could not
 * be started, or died during the operation), `protocol` (the worker broke the protocol and was
 * replaced). `timeout` is also used by the client when an operation passes its deadline.
 */
export type SfbErrorKind = WorkerErrorKind | 'busy' | 'unavailable' | 'protocol';

export interface PinInfo {
  Identity: string;
  IsPinSet: boolean;
  IsLockedOut: boolean;
  /** ISO 8601 (UTC) or null. */
  LastPinChangeTime: string | null;
  PinExpirationTime: string | null;
}

export interface PinPolicy {
  /** `Global`, `Site:<name>` or `Tag:<name>`, as the server writes it. */
  Identity: string;
  Description: string | null;
  MinPasswordLength: number | null;
  PINHistoryCount: number | null;
  PINLifetime: number | null;
  AllowCommonPatterns: boolean | null;
  MaximumLogonAttempts: number | null;
}

export interface UserPolicy {
  SipAddress: string;
  /** The per-user policy's tag name, or null. */
  PinPolicy: string | null;
  RegistrarPool: string | null;
  /** The registrar pool's site, e.g. `Site:Redmond`, or null. */
  Site: string | null;
  /** The governing policy as the server finds it: per-user, else the pool's site, else Global. */
  Policy: PinPolicy | null;
}

export interface PolicySettings {
  minPasswordLength?: number;
  pinHistoryCount?: number;
  pinLifetime?: number;
  /** null clears it (Set-CsPinPolicy -MaximumLogonAttempts $null): the limit then follows the PIN's length. */
  maximumLogonAttempts?: number | null;
  allowCommonPatterns?: boolean;
  description?: string;
}

export interface Operations {
  ping: { args: Record<string, never>; result: { pong: true; psVersion: string; edition: string } };
  status: { args: { identity: string }; result: PinInfo };
  set: { args: { identity: string; pin: string }; result: { done: true } };
  unlock: { args: { identity: string }; result: { done: true } };
  lock: { args: { identity: string }; result: { done: true } };
  'policy-get': { args: { identity?: string }; result: { policies: PinPolicy[] } };
  'user-policy': { args: { identity: string }; result: UserPolicy };
  'policy-new': { args: { identity: string } & PolicySettings; result: { done: true } };
  'policy-set': { args: { identity: string } & PolicySettings; result: { done: true } };
  'policy-remove': { args: { identity: string }; result: { done: true } };
  'policy-grant': { args: { identity: string; policyName: string | null }; result: { done: true } };
}
export type Operation = keyof Operations;

/** Operations that change the server: after a timeout or a dead worker, their outcome is unknown. */
export const CHANGING_OPERATIONS: ReadonlySet<Operation> = new Set<Operation>(['set', 'unlock', 'lock', 'policy-new', 'policy-set', 'policy-remove', 'policy-grant']);

export interface WorkerErrorBody {
  kind: WorkerErrorKind;
  message: string;
  fqid: string;
  category: string;
}

export class SfbError extends Error {
  override readonly name = 'SfbError';
  constructor(
    readonly kind: SfbErrorKind,
    message: string,
    readonly details: { fqid?: string; category?: string; op?: Operation; outcomeUnknown?: boolean } = {},
  ) {
    super(message);
  }
}

/** Checks a request's values on this side too (the worker checks them again). Throws bad-request. */
export function validateArgs(op: Operation, args: Record<string, unknown>): void {
  const bad = (field: string) => new SfbError('bad-request', `invalid argument '${field}'`, { op });
  const identity = args['identity'];
  switch (op) {
    case 'ping':
      return;
    case 'policy-get':
      if (identity !== undefined && (typeof identity !== 'string' || !POLICY_IDENTITY.test(identity))) throw bad('identity');
      return;
    case 'policy-new':
    case 'policy-set':
    case 'policy-remove':
      if (typeof identity !== 'string' || !POLICY_IDENTITY.test(identity)) throw bad('identity');
      return;
    default:
      if (typeof identity !== 'string' || identity.length > 256 || !SIP_ADDRESS.test(identity)) throw bad('identity');
      if (op === 'set' && (typeof args['pin'] !== 'string' || !PIN.test(args['pin'] as string))) throw bad('pin');
      if (op === 'policy-grant') {
        const name = args['policyName'];
        if (name !== null && (typeof name !== 'string' || !POLICY_TAG.test(name))) throw bad('policyName');
      }
  }
}

export type WorkerLine =
  | { type: 'ready'; protocol: number; hash: string }
  | { type: 'fatal'; error: WorkerErrorBody }
  | { type: 'response'; id: string; ok: true; result: unknown }
  | { type: 'response'; id: string; ok: false; error: WorkerErrorBody };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorBody(value: unknown): WorkerErrorBody | undefined {
  if (!isRecord(value)) return undefined;
  const kind = value['kind'];
  if (typeof kind !== 'string' || !(WORKER_ERROR_KINDS as readonly string[]).includes(kind)) return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return { kind: kind as WorkerErrorKind, message: text(value['message']), fqid: text(value['fqid']), category: text(value['category']) };
}

/** Parses one stdout line; undefined when it is not a protocol line (a protocol violation). */
export function parseWorkerLine(line: string): WorkerLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  if (value['type'] === 'ready') {
    if (typeof value['protocol'] !== 'number' || typeof value['hash'] !== 'string') return undefined;
    return { type: 'ready', protocol: value['protocol'], hash: value['hash'] };
  }
  if (value['type'] === 'fatal') {
    const error = errorBody(value['error']);
    return error ? { type: 'fatal', error } : undefined;
  }
  const id = value['id'];
  if (typeof id !== 'string') return undefined;
  if (value['ok'] === true && 'result' in value) return { type: 'response', id, ok: true, result: value['result'] };
  if (value['ok'] === false) {
    const error = errorBody(value['error']);
    return error ? { type: 'response', id, ok: false, error } : undefined;
  }
  return undefined;
}
