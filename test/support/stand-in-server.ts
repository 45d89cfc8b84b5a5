// A stand-in for a PIN authority on a server (what SfbPinAuthority is to Skype for Business): it
// cannot join the store's transaction, keeps its PINs in memory with its own clock (deliberately
// not ours), and can be told to pause, refuse, or lose its answer before or after applying a set —
// the faults the intent and the reconciliation must survive.
import { BackendError, PinRuleError } from '../../src/domain/errors.js';
import type { VerifyResult } from '../../src/domain/lockout.js';
import type { PinRecordState } from '../../src/domain/pin-state.js';
import type { PinAuthority, SetPinOutcome, SetPinRequest } from '../../src/ports/pin-authority.js';

export type SetBehaviour = 'apply' | 'refuse' | 'no-answer-before' | 'no-answer-after';

/** A promise with its resolver, to hold a call until the test lets it go. */
export class Gate {
  private open!: () => void;
  readonly passed: Promise<void> = new Promise((resolve) => (this.open = resolve));
  /** Resolves once a call waits at the gate. */
  readonly reached: Promise<void>;
  private arrive!: () => void;
  constructor() {
    this.reached = new Promise((resolve) => (this.arrive = resolve));
  }
  async wait(): Promise<void> {
    this.arrive();
    await this.passed;
  }
  release(): void {
    this.open();
  }
}

export class StandInServer implements PinAuthority {
  readonly name = 'stand-in-server';
  readonly joinsStoreTransaction = false;
  readonly settlesWithinMs = 50_000;
  /** Like a local worker: a failed call has ended (set false to model ssh or a remote session). */
  failedCallsEnd = true;
  /** The server's own clock: years away from the desk's, and ticking per change. */
  private serverTime = Date.parse('2001-02-03T04:05:06Z');
  readonly pins = new Map<string, { pin: string; changedAt: Date }>();
  readonly locked = new Set<string>();
  readonly calls: string[] = [];
  behaviour: SetBehaviour = 'apply';
  /** Status reads fail (the server is unreachable). */
  statusFails = false;
  /** Held before a set applies / before a status read answers / before an unlock applies. */
  setGate: Gate | undefined;
  statusGate: Gate | undefined;
  unlockGate: Gate | undefined;

  async state(userId: string): Promise<PinRecordState> {
    this.calls.push(`status ${userId}`);
    await this.statusGate?.wait();
    if (this.statusFails) throw new BackendError(undefined, { reason: 'the server cannot be reached', changed: 'nothing' });
    const pin = this.pins.get(userId);
    return { isPinSet: pin !== undefined, lastChangedAt: pin?.changedAt, adminLocked: this.locked.has(userId), failureLocked: false, localFailures: 0, globalFailures: 0 };
  }

  async historyMatcher(): Promise<(pin: string) => boolean> {
    return () => false;
  }

  async setPin(request: SetPinRequest): Promise<SetPinOutcome> {
    this.calls.push(`set ${request.userId}`);
    await this.setGate?.wait();
    if (request.unlockFirst) this.locked.delete(request.userId);
    if (this.locked.has(request.userId)) return 'locked';
    if (this.behaviour === 'refuse') throw new PinRuleError('server-policy', { serverReason: 'PIN does not meet the PIN policy' });
    if (this.behaviour === 'no-answer-before') throw lostAnswer();
    this.pins.set(request.userId, { pin: request.pin, changedAt: new Date((this.serverTime += 1000)) });
    if (this.behaviour === 'no-answer-after') throw lostAnswer();
    return 'set';
  }

  async lock(userId: string): Promise<{ wasLocked: boolean }> {
    const wasLocked = this.locked.has(userId);
    this.locked.add(userId);
    return { wasLocked };
  }

  async unlock(userId: string): Promise<{ wasLocked: boolean }> {
    this.calls.push(`unlock ${userId}`);
    await this.unlockGate?.wait();
    if (this.behaviour === 'refuse') throw new BackendError(undefined, { reason: 'access denied', changed: 'nothing' });
    const wasLocked = this.locked.delete(userId);
    return { wasLocked };
  }

  async verify(): Promise<VerifyResult> {
    throw new Error('not on a server');
  }
}

function lostAnswer(): BackendError {
  return new BackendError(undefined, { reason: 'the Skype for Business server did not answer in time', changed: 'unknown' });
}
