// Every way a PinDesk action can be turned down or fail, as typed errors: a closed catalogue
// (`error-catalogue.ts`), one class per `code` (`error-codes.ts`). `src/cards/error-messages.ts` maps each code to the
// short text a chat user sees (a code without a message does not compile); the audit trail records
// `code`. None of them ever carries a PIN: constructors take rule names and numbers, never the PIN
// itself. Port failures that are not DeskErrors become `DirectoryUnavailableError` or
// `BackendError` where the ports are wired (`src/ports/guarded.ts`).
import type { CommonPattern } from './common-patterns.js';
import type { ErrorCode } from './error-codes.js';

export type { ErrorCode } from './error-codes.js';
import type { Permission, Role } from './roles.js';
import type { UserSummary } from './user.js';

export type Outcome = 'refused' | 'failed';

export abstract class DeskError extends Error {
  /** One of the catalogue's codes: a subclass with a code not in `ErrorCode` does not compile. */
  abstract readonly code: ErrorCode;
  /** refused = a rule said no, nothing changed; failed = something broke. */
  readonly outcome: Outcome = 'refused';

  /** What the audit trail records as the reason: a code and a rule name, never input text. */
  auditReason(): string {
    return this.code;
  }
}

/** `server-policy`: a PIN authority on a server (Skype for Business) refused the PIN under its own PIN policy. */
export type PinRule = 'digits-only' | 'too-short' | 'too-long' | 'common-pattern' | 'in-history' | 'server-policy';

export class PinRuleError extends DeskError {
  readonly code = 'pin-rule';
  constructor(
    readonly rule: PinRule,
    readonly details: { minimum?: number; maximum?: number; pattern?: CommonPattern; historyCount?: number; serverReason?: string } = {},
  ) {
    super(`PIN breaks rule ${rule}`);
  }

  override auditReason(): string {
    return [this.code, this.rule, this.details.pattern].filter(Boolean).join(':');
  }
}

export class MissingRoleError extends DeskError {
  readonly code = 'missing-role';
  constructor(
    readonly permission: Permission,
    readonly rolesNeeded: readonly Role[],
  ) {
    super(`missing role for ${permission}`);
  }

  override auditReason(): string {
    return `${this.code}:${this.permission}`;
  }
}

export class NoUserMatchError extends DeskError {
  readonly code = 'no-match';
  constructor(
    readonly query: string,
    readonly hints: readonly UserSummary[],
  ) {
    super('no user matches');
  }
}

export class UserNotEnabledError extends DeskError {
  readonly code = 'user-not-enabled';
  constructor(readonly user: UserSummary) {
    super('user not enabled for Skype for Business');
  }
}

export class PinLockedError extends DeskError {
  readonly code = 'pin-locked';
  constructor(
    readonly user: UserSummary,
    /** Opaque id of an "Unlock and set" continuation, when the caller may do both. */
    readonly unlockAndSetRef?: string,
  ) {
    super('PIN is locked');
  }
}

export class UnknownCallerError extends DeskError {
  readonly code = 'unknown-caller';
  /** A roster outage is a failure on our side of the conversation, not a refusal. */
  override readonly outcome: Outcome;
  constructor(
    /** An id (UPN, object id, channel account id), never a display name. */
    readonly appearsAs: string,
    readonly reason: 'not-in-directory' | 'untrusted-channel' | 'no-identity' | 'not-in-roster' | 'roster-unavailable',
    readonly hint?: string,
  ) {
    super(`caller not identified: ${reason}`);
    this.outcome = reason === 'roster-unavailable' ? 'failed' : 'refused';
  }

  override auditReason(): string {
    return `${this.code}:${this.reason}`;
  }
}

export class PinExposedError extends DeskError {
  readonly code = 'pin-exposed';
  constructor() {
    super('manual PIN typed in a shared conversation');
  }
}

export class NoPrivateChatError extends DeskError {
  readonly code = 'no-private-chat';
  constructor(
    /** shared: this client cannot open a 1:1 chat from here; not-installed: Teams refused to open one (the app is not installed for the user); unreachable: the connector did not answer. */
    readonly reason: 'shared' | 'not-installed' | 'unreachable' = 'shared',
    /** Where to install PinDesk personally (a Teams deep link), for `not-installed`. */
    readonly installLink?: string,
  ) {
    super(`cannot reach the caller privately: ${reason}`);
  }

  override auditReason(): string {
    return this.reason === 'shared' ? this.code : `${this.code}:${this.reason}`;
  }
}

export class NotAddresseeError extends DeskError {
  readonly code = 'not-addressee';
  constructor(readonly addresseeName: string) {
    super('card addressed to someone else');
  }
}

export class CardExpiredError extends DeskError {
  readonly code = 'card-expired';
  constructor(readonly what: 'reveal' | 'choice' | 'request') {
    super(`${what} expired or already used`);
  }

  override auditReason(): string {
    return `${this.code}:${this.what}`;
  }
}

/** A card press naming a choice the card never offered (tampered data): refused, nothing used up. */
export class BadChoiceError extends DeskError {
  readonly code = 'bad-choice';
  constructor() {
    super('choice not offered');
  }
}

export class CommandSyntaxError extends DeskError {
  readonly code = 'bad-command';
  constructor(
    readonly problem: string,
    readonly example?: string,
  ) {
    super('command not understood');
  }
}

export class DirectoryUnavailableError extends DeskError {
  readonly code = 'directory-unavailable';
  override readonly outcome = 'failed' as const;
  constructor(cause?: unknown) {
    super('directory unavailable', { cause });
  }
}

/**
 * What a failed PIN operation changed: nothing, unknown (a deadline passed mid-change), only the
 * unlock of "Unlock and set", or that unlock and an unknown outcome of its set, or not known yet
 * with PinDesk checking (a remote PIN set whose outcome the server could not tell: the addressee is
 * told later whether it happened), after the unlock of "Unlock and set" or not.
 */
export type BackendChange = 'nothing' | 'unknown' | 'unlocked' | 'unlocked-set-unknown' | 'checking' | 'unlocked-checking';

export class BackendError extends DeskError {
  readonly code = 'backend-error';
  override readonly outcome = 'failed' as const;
  constructor(
    cause?: unknown,
    /** A remote PIN authority's short reason (no PIN, digit runs masked) and what it changed. */
    readonly detail?: { reason: string; changed: BackendChange },
  ) {
    super('PIN backend error', { cause });
  }

  override auditReason(): string {
    return this.detail && this.detail.changed !== 'nothing' ? `${this.code}:${this.detail.changed}` : this.code;
  }
}

/**
 * PinDesk's own database could not be reached (PostgreSQL down, restarting or unreachable).
 * `changed`: 'nothing' when the work never reached it or was rolled back with the lost connection;
 * 'unknown' when the connection was lost while a write was being committed; 'saved' when it went
 * away after the change was committed (reading the result or writing the record).
 */
export class StoreUnavailableError extends DeskError {
  readonly code = 'store-unavailable';
  override readonly outcome = 'failed' as const;
  constructor(
    readonly changed: 'nothing' | 'unknown' | 'saved',
    cause?: unknown,
  ) {
    super('store unavailable', { cause });
  }

  override auditReason(): string {
    return this.changed === 'nothing' ? this.code : `${this.code}:${this.changed}`;
  }
}

/** The caller holds the role, but not for this user: refused as if the role were missing. */
export class OutOfScopeError extends DeskError {
  readonly code = 'out-of-scope';
  constructor(
    readonly permission: Permission,
    readonly user: UserSummary,
    /** Where the user sits: their OU and site. */
    readonly location: { ou: string; site?: string | undefined },
    /** What the caller holds for this permission, and where. */
    readonly held: ReadonlyArray<{ role: Role; via: string; ous: readonly string[]; sites: readonly string[] }>,
  ) {
    super(`out of scope for ${permission}`);
  }

  override auditReason(): string {
    return `${this.code}:${this.permission}`;
  }
}

export class SelfApprovalError extends DeskError {
  readonly code = 'self-approval';
  constructor() {
    super('approver is the requester');
  }
}

export class RateLimitedError extends DeskError {
  readonly code = 'rate-limited';
  constructor(
    readonly what: 'requests-per-day' | 'decisions-per-minute',
    readonly limit: number,
  ) {
    super(`rate limit ${what}`);
  }

  override auditReason(): string {
    return `${this.code}:${this.what}`;
  }
}

export class CannotDialInError extends DeskError {
  readonly code = 'cannot-dial-in';
  constructor() {
    super('requester has no SIP address or line URI');
  }
}

/** A policy setting out of range or malformed, named by its cmdlet parameter. */
export class PolicySettingError extends DeskError {
  readonly code = 'policy-setting';
  constructor(
    readonly parameter: string,
    readonly problem: string,
  ) {
    super(`${parameter} ${problem}`);
  }

  override auditReason(): string {
    return `${this.code}:${this.parameter}`;
  }
}

export class PolicyConflictError extends DeskError {
  readonly code = 'policy-conflict';
  constructor(
    readonly identity: string,
    readonly problem: 'exists' | 'missing' | 'global' | 'unknown-site',
    readonly known: readonly string[] = [],
  ) {
    super(`policy ${identity}: ${problem}`);
  }

  override auditReason(): string {
    return `${this.code}:${this.problem}`;
  }
}
