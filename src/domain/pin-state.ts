// What Get-CsClientPinInfo reports, derived from a stored PIN record, plus the lockout limits
// (spec: "Failed logons and lockout").
import type { PinPolicySettings } from './policy.js';

/** The built-in authority's record of one user's PIN, minus the hash. */
export interface PinRecordState {
  isPinSet: boolean;
  pinLength?: number | undefined;
  lastChangedAt?: Date | undefined;
  expiresAt?: Date | undefined;
  /** Lock-CsClientPin */
  adminLocked: boolean;
  /** Global failures reached the global limit: locked until an admin unlocks. */
  failureLocked: boolean;
  /** Local failures reached the local limit: locked for an hour. */
  temporaryLockUntil?: Date | undefined;
  localFailures: number;
  globalFailures: number;
  /** Start of the current 30-minute observation window of failures. */
  windowStartedAt?: Date | undefined;
}

export type LockReason = 'admin' | 'too-many-failures' | 'temporary';

export interface PinStatus {
  isPinSet: boolean;
  isLockedOut: boolean;
  lockReason?: LockReason | undefined;
  /** End of a temporary lockout. */
  lockedUntil?: Date | undefined;
  lastPinChangeTime?: Date | undefined;
  pinExpirationTime?: Date | undefined;
  isExpired: boolean;
}

export const NO_PIN: PinRecordState = Object.freeze({
  isPinSet: false,
  adminLocked: false,
  failureLocked: false,
  localFailures: 0,
  globalFailures: 0,
});

export function pinStatusAt(state: PinRecordState, now: Date): PinStatus {
  const temporary = state.temporaryLockUntil && state.temporaryLockUntil > now ? state.temporaryLockUntil : undefined;
  const lockReason: LockReason | undefined = state.adminLocked
    ? 'admin'
    : state.failureLocked
      ? 'too-many-failures'
      : temporary
        ? 'temporary'
        : undefined;
  return {
    isPinSet: state.isPinSet,
    isLockedOut: lockReason !== undefined,
    lockReason,
    lockedUntil: lockReason === 'temporary' ? temporary : undefined,
    lastPinChangeTime: state.lastChangedAt,
    pinExpirationTime: state.expiresAt,
    isExpired: Boolean(state.expiresAt && state.expiresAt <= now),
  };
}

export interface LogonLimits {
  local: number;
  global: number;
}

/**
 * Failure limits by PIN length when MaximumLogonAttempts is unset: 4 → 10/100, 5 → 25/1000,
 * 6+ → 25/5000 (length 6+ is undocumented by Microsoft; our rule). MaximumLogonAttempts replaces
 * the local limit only.
 */
export function logonLimits(policy: PinPolicySettings, pinLength: number): LogonLimits {
  const byLength: LogonLimits =
    pinLength <= 4 ? { local: 10, global: 100 } : pinLength === 5 ? { local: 25, global: 1000 } : { local: 25, global: 5000 };
  return policy.maximumLogonAttempts === undefined ? byLength : { ...byLength, local: policy.maximumLogonAttempts };
}
