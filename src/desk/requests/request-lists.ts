// `my requests` (the caller's own, anyone) and `requests` (pending ones, for approvers).
import type { PlainEntry } from '../commands/command-entry.js';
import { waitingPins } from '../pins/my-pins.js';
import { requestView } from './request-view.js';

export const myRequestsCommand: PlainEntry<'my-requests'> = {
  kind: 'my-requests',
  permission: 'request.own',
  help: [{ usage: 'Your requests and their state', example: 'my requests' }],
  syntax: {
    phrases: [{ pattern: /^my (?:pin )?requests$/i, build: () => ({ kind: 'my-requests' }) }],
    example: 'my requests',
  },
  run: async (services, { turn, caller }) => {
    const requests = await services.store.requests.recentOf(caller.user.id, 10);
    // A new PIN whose card never reached the requester comes with the list (only in private).
    const pins = turn.shared ? [] : await waitingPins(services, caller.user.id, 'undelivered');
    return { kind: 'requests', views: await Promise.all(requests.map((r) => requestView(services, r, caller.user))), mine: true, pins };
  },
};

export const pendingRequestsCommand: PlainEntry<'pending-requests'> = {
  kind: 'pending-requests',
  permission: 'request.decide',
  help: [{ usage: 'See PIN requests waiting for a decision', example: 'requests' }],
  syntax: {
    phrases: [{ pattern: /^(?:pending |open )?(?:pin )?requests$/i, build: () => ({ kind: 'pending-requests' }) }],
    example: 'requests',
  },
  run: async (services) => {
    const requests = await services.store.requests.pending(services.clock(), 20);
    return { kind: 'requests', views: await Promise.all(requests.map((r) => requestView(services, r))), mine: false };
  },
};
