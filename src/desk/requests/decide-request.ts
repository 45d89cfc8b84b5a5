// Approve or Deny on an approval card, everything re-checked at the click: the request is still
// pending, the clicker may decide it (role and scope over the requester), is not the requester,
// and is within the decision rate. The decision is a compare-and-set: one wins.
import { CardExpiredError, RateLimitedError, SelfApprovalError } from '../../domain/errors.js';
import { cleanReason, FINAL_STATE, type Decision } from '../../domain/pin-request.js';
import { authorize, authorizeOn } from '../access.js';
import type { DeskServices } from '../dependencies.js';
import type { DeskResult, IssuedPin } from '../results.js';
import type { UseCaseContext } from '../turn.js';
import { loadRequest, unchangedRequest } from './request-expiry.js';
import { requestView } from './request-view.js';

export async function decideRequest(
  services: Pick<DeskServices, 'store' | 'clock' | 'directory' | 'authority' | 'issuer' | 'settings'>,
  { caller, scope }: UseCaseContext,
  requestId: string,
  decision: Decision,
  note: string | undefined,
): Promise<DeskResult> {
  const { store, clock, directory, authority, issuer } = services;
  const { decisionsPerMinute } = services.settings.selfService;
  const request = await loadRequest(services, requestId, scope);
  if (request.state !== 'pending' || request.expiresAt <= clock()) return unchangedRequest(services, request, scope);
  authorize(caller, 'request.decide');
  const requester = await directory.getById(request.requesterId);
  if (!requester) throw new CardExpiredError('request');
  authorizeOn(caller, request.kind === 'reset' ? 'pin.set' : 'pin.unlock', requester);
  if (caller.user.id === request.requesterId) throw new SelfApprovalError();
  const now = clock();
  if (!(await store.rateLimits.hit(`decide:${caller.user.id}`, decisionsPerMinute, 60_000, now))) {
    throw new RateLimitedError('decisions-per-minute', decisionsPerMinute);
  }
  const to = FINAL_STATE[decision];
  const decided = { decidedAt: now, decidedById: caller.user.id, decidedByName: caller.user.displayName, decisionNote: decision === 'deny' ? cleanReason(note) : undefined };
  if (!(await store.requests.decide(request.id, to, decided, now))) return unchangedRequest(services, (await store.requests.get(request.id))!, scope);
  scope.action = `request-${to}`;
  scope.reason = `${request.kind}:${request.id}`;
  let pin: IssuedPin | undefined;
  if (decision === 'approve' && request.kind === 'reset') {
    // Approving a reset of a locked PIN unlocks it too: the approver sees the lock on the card.
    const issued = await issuer.issue({ target: requester, addressee: requester, ignoreHistory: false, unlockFirst: true, permission: 'request.own' });
    if (issued !== 'locked') pin = issued;
  } else if (decision === 'approve') {
    await authority.unlock(requester.id, now);
  }
  const updated = (await store.requests.get(request.id))!;
  return { kind: 'request-updated', view: await requestView(services, updated, requester), change: to === 'approved' ? 'approved' : 'denied', pin };
}
