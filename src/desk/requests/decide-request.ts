// Approve or Deny on an approval card, everything re-checked at the click: the request is still
// pending, the clicker may decide it (role and scope over the requester), is not the requester,
// and is within the decision rate. The decision is a compare-and-set: one wins.
import { CannotDialInError, CardExpiredError, RateLimitedError, SelfApprovalError, UserNotEnabledError } from '../../domain/errors.js';
import { summarize } from '../../domain/user.js';
import { cleanReason, FINAL_STATE, type Decision } from '../../domain/pin-request.js';
import { authorize, authorizeOn } from '../access.js';
import type { AuditRecord, Store } from '../../ports/store.js';
import { recordOf } from '../audit-trail.js';
import type { DeskServices, TransactionPorts } from '../dependencies.js';
import type { DeliveryTarget } from '../shared/pin-issuer.js';
import type { DeskResult, IssuedPin } from '../results.js';
import type { UseCaseContext } from '../turn.js';
import { loadRequest, unchangedRequest } from './request-expiry.js';
import { recordNotice } from './request-notices.js';
import { requestView } from './request-view.js';

export async function decideRequest(
  services: Pick<DeskServices, 'store' | 'clock' | 'directory' | 'authority' | 'policies' | 'issuer' | 'settings' | 'atomically'>,
  { caller, scope, turn }: UseCaseContext,
  requestId: string,
  decision: Decision,
  note: string | undefined,
): Promise<DeskResult> {
  const { store, clock, directory, issuer, atomically } = services;
  const { decisionsPerMinute } = services.settings.selfService;
  const request = await loadRequest(services, requestId, scope);
  if (request.state !== 'pending' || request.expiresAt <= clock()) return unchangedRequest(services, request, scope);
  authorize(caller, 'request.decide');
  const requester = await directory.getById(request.requesterId);
  if (!requester) throw new CardExpiredError('request');
  authorizeOn(caller, request.kind === 'reset' ? 'pin.set' : 'pin.unlock', requester);
  if (caller.user.id === request.requesterId) throw new SelfApprovalError();
  // The account may have changed since the request: it must still be able to dial in.
  if (decision === 'approve' && !requester.enabled) throw new UserNotEnabledError(summarize(requester));
  if (decision === 'approve' && !requester.sipAddress && !requester.lineUri) throw new CannotDialInError();
  const now = clock();
  if (!(await store.rateLimits.hit(`decide:${caller.user.id}`, decisionsPerMinute, 60_000, now))) {
    throw new RateLimitedError('decisions-per-minute', decisionsPerMinute);
  }
  const to = FINAL_STATE[decision];
  const decided = { decidedAt: now, decidedById: caller.user.id, decidedByName: caller.user.displayName, decisionNote: decision === 'deny' ? cleanReason(note) : undefined };
  // The decision is a compare-and-set; an approval commits with what it changes, and its record.
  // What it owes people (redraws, the requester's note) is recorded with it (request-notices.ts).
  const decide = (tx: TransactionPorts) => tx.store.requests.decide(request.id, to, decided, now);
  const owe = (tx: TransactionPorts) => recordNotice(tx.store, request.id, to as 'approved' | 'denied', now, 'turn', services.settings.deliveryLeaseMs);
  const claim = async (tx: TransactionPorts) => {
    if (!(await decide(tx))) return false;
    await owe(tx);
    return true;
  };
  // With a remote authority the claim commits before the server call; a clear refusal undoes it.
  const reopen = async (tx: TransactionPorts) => {
    if (!(await tx.store.requests.reopen(request.id, now))) return false;
    await tx.store.requestNotices.withdraw(request.id, 'approved');
    return true;
  };
  const record = { ...recordOf(scope, turn, now), action: `request-${to}`, reason: `${request.kind}:${request.id}` };
  let pin: IssuedPin | undefined;
  let won: boolean;
  if (decision === 'approve' && request.kind === 'reset') {
    // Approving a reset of a locked PIN unlocks it too: the approver sees the lock on the card.
    const deliverTo = await requesterChat(store, request.id);
    const issued = await issuer.issue({
      target: requester,
      addressee: requester,
      ignoreHistory: false,
      unlockFirst: true,
      permission: 'request.own',
      audit: record,
      onPending: (pending) => (scope.pending = pending),
      deliverTo: deliverTo && { ...deliverTo, requestId: request.id },
      provided: claim,
      withdraw: reopen,
    });
    won = issued !== 'not-provided';
    if (issued !== 'not-provided' && issued !== 'locked') pin = issued;
  } else if (decision === 'approve' && services.authority.joinsStoreTransaction) {
    won = await atomically(async (tx) => {
      if (!(await claim(tx))) return false;
      await tx.authority.unlock(requester.id, now, requester.sipAddress);
      await tx.store.audit.append(record);
      return true;
    });
  } else if (decision === 'approve') {
    won = await approveUnlockRemotely(services, {
      claim: decide,
      owe,
      reopen,
      record,
      unlock: () => services.authority.unlock(requester.id, now, requester.sipAddress),
      onPending: (pending) => (scope.pending = pending),
    });
  } else {
    won = await atomically(claim);
  }
  if (!won) return unchangedRequest(services, (await store.requests.get(request.id))!, scope);
  scope.committed = true;
  scope.action = record.action;
  scope.reason = record.reason;
  scope.recorded = decision === 'approve';
  const updated = (await store.requests.get(request.id))!;
  return { kind: 'request-updated', view: await requestView(services, updated, requester), change: to === 'approved' ? 'approved' : 'denied', pin };
}

/** The requester's chat, where their request card went: their new PIN's card goes there too. */
async function requesterChat(store: Pick<Store, 'requests'>, requestId: string): Promise<DeliveryTarget | undefined> {
  const card = (await store.requests.cards(requestId)).find((c) => c.audience === 'requester')?.card;
  const reference = card?.conversation as { channelId?: unknown } | undefined;
  return reference && typeof reference.channelId === 'string' ? { channelId: reference.channelId, reference } : undefined;
}

/**
 * An unlock on a server: the decision (compare-and-set) and a 'pending' record commit first, the
 * server call runs outside any transaction, then its record and what the approval owes people (the
 * requester's "unlocked" note is owed only once the server has unlocked: a sweep must not tell it
 * while the call still runs). Any failure reopens the request (an unlock is idempotent: deciding
 * again is harmless) and the turn says what happened.
 */
async function approveUnlockRemotely(
  { atomically }: Pick<DeskServices, 'atomically'>,
  step: {
    claim: (tx: TransactionPorts) => Promise<boolean>;
    /** Records the notice the approval owes (redraws, the requester's note). */
    owe: (tx: TransactionPorts) => Promise<void>;
    reopen: (tx: TransactionPorts) => Promise<boolean>;
    record: AuditRecord;
    unlock: () => Promise<unknown>;
    /** The 'pending' row is the attempt's one record: a failure's outcome (written by the turn) goes into it too. */
    onPending: (pending: AuditRecord) => void;
  },
): Promise<boolean> {
  const pending: AuditRecord = { ...step.record, outcome: 'pending' };
  const claimed = await atomically(async (tx) => {
    if (!(await step.claim(tx))) return false;
    await tx.store.audit.append(pending);
    return true;
  });
  if (!claimed) return false;
  step.onPending(pending);
  try {
    await step.unlock();
  } catch (error) {
    await atomically((tx) => step.reopen(tx));
    throw error;
  }
  await atomically(async (tx) => {
    await step.owe(tx);
    await tx.store.audit.resolve(pending, step.record);
  });
  return true;
}
