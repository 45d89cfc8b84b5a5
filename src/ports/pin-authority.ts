// Who holds PINs: the built-in authority (hashed PINs in the store) or Skype for Business Server
// through PowerShell. The desk decides *whether* a change is allowed; the authority only makes it.
// One in the store joins the store's transaction; a remote one cannot, and the desk records an
// intent around its call instead (desk/shared/remote-pin-issue.ts).
import type { VerifyResult } from '../domain/lockout.js';
import type { LogonLimits, PinRecordState } from '../domain/pin-state.js';

export interface SetPinRequest {
  userId: string;
  /**
   * The user's SIP address, for an authority on a server (Skype for Business: the identity its
   * cmdlets get). Optional: the built-in authority ignores it; without it a server authority looks
   * the user up by id.
   */
  sipAddress?: string | undefined;
  pin: string;
  at: Date;
  expiresAt?: Date | undefined;
  /** How many previous PINs to keep for the history rule (the policy's PINHistoryCount). */
  historyCount: number;
  /** Unlock first, in the same atomic step ("Unlock and set"). */
  unlockFirst?: boolean;
}

export type SetPinOutcome = 'set' | 'locked';

export interface PinAuthority {
  readonly name: string;
  /** Whether its changes commit with the store's transaction (true: its PINs live in the store). */
  readonly joinsStoreTransaction: boolean;
  /**
   * For one that does not: how long after `setPin` is called its outcome is fixed, whatever
   * happens to the call (a wait in a queue included). After that the server may be asked what happened.
   */
  readonly settlesWithinMs?: number | undefined;
  /**
   * For one that does not: whether a call that failed without an answer has surely ended with it
   * (its worker was killed with the cmdlet in it), so the server's state read right after is the
   * outcome. False where the cmdlet may still run elsewhere (over ssh, in a remote session): the
   * outcome is then learnt only after settlesWithinMs.
   */
  readonly failedCallsEnd?: boolean | undefined;
  /** `sipAddress` as in SetPinRequest (optional; the built-in authority ignores it). */
  state(userId: string, at: Date, sipAddress?: string): Promise<PinRecordState>;
  /** A predicate telling whether a PIN is one of the user's last `count` PINs. */
  historyMatcher(userId: string, count: number): Promise<(pin: string) => boolean>;
  /** Refuses ('locked') without change when the PIN is locked, unless unlockFirst. */
  setPin(request: SetPinRequest): Promise<SetPinOutcome>;
  /** Returns whether the PIN was unlocked before the call. */
  lock(userId: string, at: Date, sipAddress?: string): Promise<{ wasLocked: boolean }>;
  /** Clears every lock and both failure counters. */
  unlock(userId: string, at: Date, sipAddress?: string): Promise<{ wasLocked: boolean }>;
  /**
   * A dial-in logon attempt: compares in constant time and updates the failure counters in one
   * atomic step (no lost increments under concurrent calls). `limitsFor` gets the PIN's length.
   */
  verify(userId: string, pin: string, at: Date, limitsFor: (pinLength: number) => LogonLimits): Promise<VerifyResult>;
}
