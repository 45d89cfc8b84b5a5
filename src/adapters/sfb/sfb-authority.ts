// Skype for Business Server as the PIN authority (PIN_AUTHORITY=sfb): every PIN operation is a
// cmdlet on the server, run by the PowerShell worker (./powershell-worker.ts). The identity the
// server gets is always the SIP address of the one user PinDesk resolved in the directory, never
// a name. Worker error kinds become the desk's errors here, once.
import { BackendError, PinRuleError, UserNotEnabledError, type BackendChange } from '../../domain/errors.js';
import type { PinRecordState } from '../../domain/pin-state.js';
import { summarize } from '../../domain/user.js';
import type { VerifyResult } from '../../domain/lockout.js';
import type { Directory } from '../../ports/directory.js';
import type { PinAuthority, SetPinOutcome, SetPinRequest } from '../../ports/pin-authority.js';
import { sfbReason } from './sfb-failure.js';
import { CHANGING_OPERATIONS, SIP_ADDRESS, SfbError, type Operation, type Operations, type PinInfo } from './protocol.js';

/** What the authority needs of the worker client (PowerShellWorker, or a stand-in). */
export interface SfbWorkerClient {
  /** `startBy` (epoch ms): if the request would be sent later (it waited in the queue), it is not sent ('busy'). */
  call<O extends Operation>(op: O, args: Operations[O]['args'], options?: { startBy?: number }): Promise<Operations[O]['result']>;
}

export class SfbPinAuthority implements PinAuthority {
  readonly name = 'skype-for-business';
  /** A cmdlet on a server cannot join a SQLite transaction: the desk records an intent around it. */
  readonly joinsStoreTransaction = false;
  /**
   * A set is sent within one deadline of the call (however long it queued: `startBy`), and ends,
   * or its worker is killed, one deadline later; the margin covers the store write before the call
   * and the clocks of other instances sharing the store.
   */
  readonly settlesWithinMs: number;

  constructor(
    private readonly worker: SfbWorkerClient,
    private readonly directory: Directory,
    /** Told of every server failure with its full error (never holding a PIN): where it is logged. */
    private readonly onFailure: (error: SfbError) => void = () => {},
    /** SFB_TIMEOUT, the deadline of one operation. */
    private readonly timeoutMs = 20_000,
    /** Whether killing a worker ends its cmdlet (local transport, no remote session): see PinAuthority. */
    readonly failedCallsEnd = true,
  ) {
    this.settlesWithinMs = 2 * timeoutMs + 10_000;
  }

  async state(userId: string, _at: Date, sipAddress?: string): Promise<PinRecordState> {
    const sip = await this.sipOf(userId, sipAddress);
    return toState(await this.run(userId, 'status', { identity: sip }));
  }

  /**
   * Always "not in history": the server keeps the PIN history itself, and skips it for a PIN an
   * administrator sets (Set-CsClientPin), so PinDesk's own history rule cannot apply in this mode.
   */
  async historyMatcher(): Promise<(pin: string) => boolean> {
    return () => false;
  }

  async setPin(request: SetPinRequest): Promise<SetPinOutcome> {
    const sip = await this.sipOf(request.userId, request.sipAddress);
    // Never sent later than one deadline from now (see settlesWithinMs).
    const options = { startBy: Date.now() + this.timeoutMs };
    if (request.unlockFirst) {
      await this.run(request.userId, 'unlock', { identity: sip }, options);
      try {
        await this.worker.call('set', { identity: sip, pin: request.pin }, options);
      } catch (error) {
        // The unlock happened: say so, whatever stopped the set (a policy refusal, a dead worker).
        const reason = error instanceof SfbError ? sfbReason(error) : 'the PIN service failed';
        if (error instanceof SfbError) this.onFailure(error);
        throw new BackendError(error, { reason, changed: !(error instanceof SfbError) || mayHaveChanged(error) ? 'unlocked-set-unknown' : 'unlocked' });
      }
      return 'set';
    }
    try {
      await this.worker.call('set', { identity: sip, pin: request.pin }, options);
      return 'set';
    } catch (error) {
      // A locked PIN must be unlocked first: nothing changed, the desk offers "Unlock and set".
      if (error instanceof SfbError && error.kind === 'locked') return 'locked';
      throw await this.translate(request.userId, error);
    }
  }

  async lock(userId: string, at: Date, sipAddress?: string): Promise<{ wasLocked: boolean }> {
    return this.changeLock(userId, at, 'lock', sipAddress);
  }

  async unlock(userId: string, at: Date, sipAddress?: string): Promise<{ wasLocked: boolean }> {
    return this.changeLock(userId, at, 'unlock', sipAddress);
  }

  /** Not applicable: the server verifies dial-in PINs itself. */
  async verify(): Promise<VerifyResult> {
    throw new BackendError(undefined, { reason: 'dial-in PINs are verified by the Skype for Business server itself, not by PinDesk', changed: 'nothing' });
  }

  private async changeLock(userId: string, at: Date, op: 'lock' | 'unlock', sipAddress?: string): Promise<{ wasLocked: boolean }> {
    const sip = await this.sipOf(userId, sipAddress);
    const before = await this.run(userId, 'status', { identity: sip });
    await this.run(userId, op, { identity: sip });
    return { wasLocked: before.IsLockedOut };
  }

  private async run<O extends 'status' | 'set' | 'lock' | 'unlock'>(userId: string, op: O, args: Operations[O]['args'], options: { startBy?: number } = {}): Promise<Operations[O]['result']> {
    try {
      return await this.worker.call(op, args, options);
    } catch (error) {
      throw await this.translate(userId, error);
    }
  }

  /** The SIP address the server gets: the one resolved in the directory, never free text. */
  private async sipOf(userId: string, sipAddress: string | undefined): Promise<string> {
    if (sipAddress && SIP_ADDRESS.test(sipAddress)) return sipAddress;
    const user = await this.directory.getById(userId);
    if (!user) throw new BackendError(undefined, { reason: 'the user is no longer in the directory', changed: 'nothing' });
    if (!user.sipAddress || !SIP_ADDRESS.test(user.sipAddress)) throw new UserNotEnabledError(summarize(user));
    return user.sipAddress;
  }

  private async translate(userId: string, error: unknown): Promise<Error> {
    if (!(error instanceof SfbError)) return error instanceof Error ? error : new BackendError(error);
    this.onFailure(error);
    switch (error.kind) {
      case 'not-found':
      case 'not-enabled': {
        const user = await this.directory.getById(userId).catch(() => undefined);
        return user
          ? new UserNotEnabledError(summarize(user))
          : new BackendError(error, { reason: 'the Skype for Business server does not know this user', changed: 'nothing' });
      }
      case 'policy':
        return new PinRuleError('server-policy', { serverReason: error.message });
      default:
        return new BackendError(error, { reason: sfbReason(error), changed: changeOf(error) });
    }
  }

}

/**
 * Whether a failed change may still have happened: the client lost the call (deadline, dead worker),
 * or the server failed in a way that does not say the change was refused (a broken remote session,
 * its own timeout, an error PinDesk does not know — a cmdlet may fail after it acted).
 */
function mayHaveChanged(error: SfbError): boolean {
  if (error.details.outcomeUnknown) return true;
  const op = error.details.op;
  return op !== undefined && CHANGING_OPERATIONS.has(op) && (error.kind === 'remoting' || error.kind === 'timeout' || error.kind === 'server');
}

function changeOf(error: SfbError): BackendChange {
  return mayHaveChanged(error) ? 'unknown' : 'nothing';
}

/**
 * What Get-CsClientPinInfo tells. The server reports no lock reason and no failure counters: a
 * locked PIN shows as an administrator's lock (it stays until Unlock-CsClientPin either way as far
 * as PinDesk can tell), with the counters at zero.
 */
function toState(info: PinInfo): PinRecordState {
  const date = (value: string | null) => (value ? new Date(value) : undefined);
  return {
    isPinSet: info.IsPinSet,
    lastChangedAt: date(info.LastPinChangeTime),
    expiresAt: date(info.PinExpirationTime),
    adminLocked: info.IsLockedOut,
    failureLocked: false,
    localFailures: 0,
    globalFailures: 0,
  };
}
