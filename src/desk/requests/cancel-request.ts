// The requester withdraws a pending request: `cancel my request`, or Cancel on their card.
// Only the requester withdraws; approvers deny.
import { CardExpiredError, NotAddresseeError } from '../../domain/errors.js';
import type { PlainEntry } from '../commands/command-entry.js';
import type { DeskServices } from '../dependencies.js';
import type { DeskResult } from '../results.js';
import type { UseCaseContext } from '../turn.js';
import { loadRequest, unchangedRequest } from './request-expiry.js';
import { recordNotice } from './request-notices.js';
import { requestView } from './request-view.js';

export const cancelRequestCommand: PlainEntry<'cancel-request'> = {
  kind: 'cancel-request',
  permission: 'request.own',
  help: { seeAlso: 'my-requests' },
  syntax: {
    phrases: [{ pattern: /^cancel(?: my)? (?:pin )?request$/i, build: () => ({ kind: 'cancel-request' }) }],
    example: 'cancel my request',
  },
  run: (services, ctx) => cancelRequest(services, ctx, undefined),
};

export async function cancelRequest(
  services: Pick<DeskServices, 'store' | 'clock' | 'directory' | 'authority' | 'policies'> & { settings?: Pick<DeskServices['settings'], 'deliveryLeaseMs'> },
  { caller, scope }: UseCaseContext,
  requestId: string | undefined,
): Promise<DeskResult> {
  const { store, clock } = services;
  const request = requestId ? await loadRequest(services, requestId, scope) : await store.requests.pendingOf(caller.user.id);
  if (!request) throw new CardExpiredError('request');
  scope.target = request.requesterUpn;
  if (request.requesterId !== caller.user.id) throw new NotAddresseeError(request.requesterName);
  const now = clock();
  // The withdrawal and what it owes people (redraws, request-notices.ts) commit together.
  const won = await store.transaction(async (tx) => {
    if (!(await tx.requests.decide(request.id, 'cancelled', { decidedAt: now, decidedById: caller.user.id, decidedByName: caller.user.displayName }, now))) return false;
    await recordNotice(tx, request.id, 'cancelled', now, 'turn', services.settings?.deliveryLeaseMs);
    return true;
  });
  if (!won) return unchangedRequest(services, (await store.requests.get(request.id))!, scope);
  scope.committed = true;
  scope.action = 'request-cancelled';
  scope.reason = `${request.kind}:${request.id}`;
  return { kind: 'request-updated', view: await requestView(services, (await store.requests.get(request.id))!, caller.user), change: 'cancelled' };
}
