// The requester withdraws a pending request: `cancel my request`, or Cancel on their card.
// Only the requester withdraws; approvers deny.
import { CardExpiredError, NotAddresseeError } from '../../domain/errors.js';
import type { PlainEntry } from '../commands/command-entry.js';
import type { DeskServices } from '../dependencies.js';
import type { DeskResult } from '../results.js';
import type { UseCaseContext } from '../turn.js';
import { loadRequest, unchangedRequest } from './request-expiry.js';
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
  services: Pick<DeskServices, 'store' | 'clock' | 'directory' | 'authority' | 'policies'>,
  { caller, scope }: UseCaseContext,
  requestId: string | undefined,
): Promise<DeskResult> {
  const { store, clock } = services;
  const request = requestId ? await loadRequest(services, requestId, scope) : await store.requests.pendingOf(caller.user.id);
  if (!request) throw new CardExpiredError('request');
  scope.target = request.requesterUpn;
  if (request.requesterId !== caller.user.id) throw new NotAddresseeError(request.requesterName);
  const now = clock();
  const won = await store.requests.decide(request.id, 'cancelled', { decidedAt: now, decidedById: caller.user.id, decidedByName: caller.user.displayName }, now);
  if (!won) return unchangedRequest(services, (await store.requests.get(request.id))!, scope);
  scope.action = 'request-cancelled';
  scope.reason = `${request.kind}:${request.id}`;
  return { kind: 'request-updated', view: await requestView(services, (await store.requests.get(request.id))!, caller.user), change: 'cancelled' };
}
