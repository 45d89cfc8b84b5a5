// What a dial-in logon attempt does to a PIN's counters (spec: "Failed logons and lockout").
// Two counters: local failures inside a 30-minute observation window (reaching the local limit
// locks the PIN for an hour, then local failures reset) and global failures (reaching the global
// limit locks the PIN until an administrator unlocks it). A success resets local failures only.
import type { LogonLimits, PinRecordState } from './pin-state.js';

export const OBSERVATION_WINDOW_MS = 30 * 60 * 1000;
export const TEMPORARY_LOCK_MS = 60 * 60 * 1000;

export type VerifyResult = 'ok' | 'invalid' | 'locked' | 'temporarily-locked' | 'expired' | 'not-set' | 'unknown-user';

/** The counter fields of a PIN record that an attempt may change. */
export interface LockoutCounters {
  localFailures: number;
  globalFailures: number;
  windowStartedAt?: Date | undefined;
  temporaryLockUntil?: Date | undefined;
  failureLocked: boolean;
}

export interface Attempt {
  now: Date;
  correct: boolean;
  limits: LogonLimits;
}

/** The answer, and the counters afterwards (undefined = unchanged). */
export function verifyAttempt(state: PinRecordState, attempt: Attempt): { result: VerifyResult; counters?: LockoutCounters } {
  const { now } = attempt;
  if (!state.isPinSet) return { result: 'not-set' };
  if (state.adminLocked || state.failureLocked) return { result: 'locked' };
  if (state.temporaryLockUntil && state.temporaryLockUntil > now) return { result: 'temporarily-locked' };
  if (state.expiresAt && state.expiresAt <= now) return { result: 'expired' };
  if (attempt.correct) {
    if (state.localFailures === 0 && !state.windowStartedAt && !state.temporaryLockUntil) return { result: 'ok' };
    return { result: 'ok', counters: { localFailures: 0, globalFailures: state.globalFailures, windowStartedAt: undefined, temporaryLockUntil: undefined, failureLocked: false } };
  }
  const windowOpen = state.windowStartedAt !== undefined && now.getTime() - state.windowStartedAt.getTime() < OBSERVATION_WINDOW_MS;
  const counters: LockoutCounters = {
    localFailures: windowOpen ? state.localFailures + 1 : 1,
    globalFailures: state.globalFailures + 1,
    windowStartedAt: windowOpen ? state.windowStartedAt : now,
    temporaryLockUntil: undefined,
    failureLocked: false,
  };
  if (counters.globalFailures >= attempt.limits.global) counters.failureLocked = true;
  if (counters.localFailures >= attempt.limits.local) {
    // Locked for an hour; afterwards local failures start again from zero.
    counters.temporaryLockUntil = new Date(now.getTime() + TEMPORARY_LOCK_MS);
    counters.localFailures = 0;
    counters.windowStartedAt = undefined;
  }
  return { result: 'invalid', counters };
}
