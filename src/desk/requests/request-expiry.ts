// Pending requests whose time is up become expired — by the sweep, or on the spot when someone
// acts on one — each exactly once (compare-and-set), each audited, and what it owes people recorded
// (request-notices.ts), in the same transaction (a crash between them would leave an expiry nobody
// recorded, or nobody told).
import { CardExpiredError } from '../../domain/errors.js';
import type { PinRequest } from '../../domain/pin-request.js';
import type { DeskServices } from '../dependencies.js';
import type { DeskResult, RequestView } from '../results.js';
import type { AuditScope } from '../turn.js';
import { recordNotice } from './request-notices.js';
import { requestView, type ViewDeps } from './request-view.js';

type ExpiryDeps = Pick<DeskServices, 'store' | 'clock'>;

/** Every due request, expired now; the surface redraws their cards. Store-driven: survives restarts. */
export async function expireDueRequests(deps: ViewDeps): Promise<RequestView[]> {
  const expired = await deps.store.transaction(async (store) => {
    const due = await store.requests.expireDue(deps.clock());
    for (const request of due) await auditExpiry({ store, clock: deps.clock }, request, 'sweep');
    return due;
  });
  return Promise.all(expired.map((r) => requestView(deps, r)));
}

/** Expires one pending request whose time is up; undefined if someone else did first. */
export async function expireRequest(deps: ExpiryDeps, request: PinRequest): Promise<PinRequest | undefined> {
  const { clock } = deps;
  const now = clock();
  return deps.store.transaction(async (store) => {
    if (!(await store.requests.decide(request.id, 'expired', { decidedAt: now }, now))) return undefined;
    const expired = (await store.requests.get(request.id))!;
    await auditExpiry({ store, clock }, expired, 'turn');
    return expired;
  });
}

/** The expiry's audit record, and what it owes people (redraws, the requester's note: request-notices.ts). */
async function auditExpiry({ store, clock }: ExpiryDeps, request: PinRequest, firstTry: 'turn' | 'sweep'): Promise<void> {
  await recordNotice(store, request.id, 'expired', clock(), firstTry);
  await store.audit.append({ at: clock(), actor: 'pindesk', action: 'request-expired', target: request.requesterUpn, outcome: 'ok', reason: `${request.kind}:${request.id}`, requestId: request.id });
}

/** A request by id, named in the audit scope. */
export async function loadRequest({ store }: Pick<DeskServices, 'store'>, requestId: string, scope: AuditScope): Promise<PinRequest> {
  const request = await store.requests.get(requestId);
  if (!request) throw new CardExpiredError('request');
  scope.target = request.requesterUpn;
  return request;
}

/**
 * A press on a stale card: the current state, nothing changed. Expires it if its time is up — and
 * says 'expired' (the cards are redrawn, the requester told) only if this press expired it: a
 * sweep or a press on another instance that did so first has told everyone already.
 */
export async function unchangedRequest(deps: ViewDeps, request: PinRequest, scope: AuditScope): Promise<DeskResult> {
  let current = request;
  let expiredHere = false;
  if (current.state === 'pending' && current.expiresAt <= deps.clock()) {
    const expired = await expireRequest(deps, current);
    expiredHere = expired !== undefined;
    current = expired ?? (await deps.store.requests.get(request.id)) ?? request;
  }
  scope.outcome = 'refused';
  scope.reason = `stale:${current.state}`;
  return { kind: 'request-updated', view: await requestView(deps, current), change: expiredHere ? 'expired' : 'unchanged' };
}
