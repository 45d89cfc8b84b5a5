// A PIN change on an authority that cannot join the store's transaction (Skype for Business
// Server): no transaction is held across the server call. First an intent is committed — with the
// sealed PIN, its card held back, the precondition's transition and a 'pending' audit record (the
// attempt's one row: its outcome is written into it) — then the server is called, then the outcome
// is recorded with the intent's removal:
//   set                  → the card is released, audit ok;
//   a clear refusal      → the reveal, the card and the intent go, the precondition is undone;
//   no answer (deadline, dead worker) → the server is asked at once (LastPinChangeTime); if it
//                          cannot say either, the intent stays for the sweep (desk/intents) and
//                          the turn says that PinDesk will check.
import { nanoid } from 'nanoid';
import { BackendError, DeskError } from '../../domain/errors.js';
import type { PinAuthority } from '../../ports/pin-authority.js';
import type { PinIntent } from '../../ports/store.js';
import { changeMark } from '../intents/change-mark.js';
import { recordRefused, recordSet } from '../intents/intent-outcomes.js';
import type { Atomically } from '../transaction.js';
import type { IssueOutcome, IssuePlan } from './issue-plan.js';

export interface RemoteIssueDeps {
  authority: PinAuthority;
  atomically: Atomically;
  clock: () => Date;
}

export async function issueRemotely(deps: RemoteIssueDeps, plan: IssuePlan): Promise<IssueOutcome> {
  const { authority, atomically, clock } = deps;
  const { setRequest: request } = plan;
  // The server's mark just before: nothing is written if it cannot be read (a clear failure).
  const before = await authority.state(request.userId, clock(), request.sipAddress);
  if (before.adminLocked && !request.unlockFirst) return 'locked';
  const now = clock();
  const intent: PinIntent = {
    id: nanoid(),
    targetId: request.userId,
    targetSip: request.sipAddress,
    targetName: plan.targetName,
    addresseeId: plan.reveal.addresseeId,
    revealId: plan.reveal.id,
    deliveryId: plan.delivery?.id,
    audit: plan.audit,
    before: changeMark(before),
    createdAt: now,
    settleBy: new Date(now.getTime() + (authority.settlesWithinMs ?? 0)),
  };
  const pending = plan.audit && { ...plan.audit, outcome: 'pending' as const };
  const recorded = await atomically(async (tx) => {
    // Two open changes of one PIN could not be told apart by LastPinChangeTime: one at a time.
    if (await tx.store.intents.openFor(intent.targetId)) {
      throw new BackendError(undefined, { reason: `a PIN change for ${plan.targetName} is still being checked with the Skype for Business server`, changed: 'nothing' });
    }
    if (plan.provided && !(await plan.provided(tx))) return false;
    await tx.store.reveals.put(plan.reveal);
    if (plan.delivery) await tx.store.deliveries.enqueue({ ...plan.delivery, held: true });
    await tx.store.intents.record(intent);
    if (pending) await tx.store.audit.append(pending);
    return true;
  });
  if (!recorded) return 'not-provided';
  // This attempt's one audit row: its outcome, whoever learns it, is written into it.
  if (pending) plan.onPending?.(pending);

  let answer: 'set' | 'locked';
  try {
    answer = await authority.setPin(request);
  } catch (error) {
    if (isClearRefusal(error)) {
      await refused(deps, plan, intent);
      throw error;
    }
    return settleUnanswered(deps, plan, intent, error);
  }
  if (answer === 'locked') {
    await refused(deps, plan, intent);
    return 'locked';
  }
  // The server set the PIN: if recording that fails now, the intent stays and the sweep delivers it.
  const settled = await settle(deps, intent, 'answered').catch((failure: unknown) => {
    throw stillChecking(failure);
  });
  if (!settled) throw new BackendError(undefined, { reason: 'the Skype for Business server answered late', changed: 'checking' });
  return 'set';
}

/**
 * Refusals where the PIN was surely not set: the server said no (policy, locked, not enabled,
 * access), or the call was never sent — after the unlock of "Unlock and set" or not.
 */
function isClearRefusal(error: unknown): boolean {
  if (!(error instanceof DeskError)) return false;
  if (!(error instanceof BackendError)) return true;
  return error.detail?.changed === 'nothing' || error.detail?.changed === 'unlocked';
}

/** Whether the unlock of "Unlock and set" happened before the set's outcome became unknown. */
function unlockedBefore(error: unknown): boolean {
  return error instanceof BackendError && error.detail?.changed === 'unlocked-set-unknown';
}

/** The server did not say: ask it now. Set → as answered; not set → as refused; no answer either → the sweep. */
async function settleUnanswered(deps: RemoteIssueDeps, plan: IssuePlan, intent: PinIntent, error: unknown): Promise<IssueOutcome> {
  let after: string;
  try {
    after = changeMark(await deps.authority.state(intent.targetId, deps.clock(), intent.targetSip));
  } catch {
    throw stillChecking(error);
  }
  try {
    if (after !== intent.before) {
      if (!(await settle(deps, intent, 'reconciled'))) throw stillChecking(error);
      return 'set';
    }
    // Unchanged is the outcome only if the call has surely ended (its worker killed with the cmdlet
    // in it); where it may still run elsewhere, the sweep asks again once it cannot.
    if (!deps.authority.failedCallsEnd) throw stillChecking(error);
    await refused(deps, plan, intent);
  } catch (failure) {
    throw failure instanceof BackendError && failure.detail ? failure : stillChecking(error);
  }
  throw new BackendError(error, { reason: reasonOf(error), changed: unlockedBefore(error) ? 'unlocked' : 'nothing' });
}

async function settle(deps: RemoteIssueDeps, intent: PinIntent, how: 'answered' | 'reconciled'): Promise<boolean> {
  // A sweep that took the intent over (only after settleBy) records the outcome instead.
  return deps.atomically(async (tx) => {
    if (!(await tx.store.intents.settle(intent.id, undefined))) return false;
    await recordSet(tx, intent, deps.clock(), how);
    return true;
  });
}

async function refused(deps: RemoteIssueDeps, plan: IssuePlan, intent: PinIntent): Promise<void> {
  await deps.atomically(async (tx) => {
    if (!(await tx.store.intents.settle(intent.id, undefined))) return;
    await recordRefused(tx, intent);
    if (plan.withdraw) await plan.withdraw(tx);
  });
}

function reasonOf(error: unknown): string {
  return error instanceof BackendError && error.detail ? error.detail.reason : 'the Skype for Business server did not answer';
}

function stillChecking(error: unknown): BackendError {
  return new BackendError(error, { reason: reasonOf(error), changed: unlockedBefore(error) ? 'unlocked-checking' : 'checking' });
}
