// `reset my pin [- reason]` / `unlock my pin`: one pending request per user, a daily limit, and a
// card for the requester; the surface then posts approval cards to the approvers.
import { nanoid } from 'nanoid';
import { CannotDialInError, NoPrivateChatError, RateLimitedError, UserNotEnabledError } from '../../domain/errors.js';
import { requestReason } from '../../domain/grammar/arguments.js';
import { cleanReason, type PinRequest } from '../../domain/pin-request.js';
import { summarize } from '../../domain/user.js';
import type { CommandOf, PlainEntry } from '../commands/command-entry.js';
import type { DeskServices } from '../dependencies.js';
import type { DeskResult } from '../results.js';
import type { UseCaseContext } from '../turn.js';
import { expireRequest } from './request-expiry.js';
import { recordNotice } from './request-notices.js';
import { requestView } from './request-view.js';

/** The window REQUESTS_PER_DAY counts over. */
export const REQUEST_WINDOW_MS = 24 * 60 * 60 * 1000;

export const requestPinCommand: PlainEntry<'request-pin'> = {
  kind: 'request-pin',
  permission: 'request.own',
  help: [
    { usage: 'Ask for a new PIN for yourself (an approver decides)', example: 'reset my pin - new phone' },
    { usage: 'Ask for your locked PIN to be unlocked', example: 'unlock my pin' },
  ],
  syntax: {
    phrases: [
      { pattern: /^(?:reset|set|change|new) my pin\b\s*(.*)$/i, build: (rest) => ({ kind: 'request-pin', action: 'reset', reason: requestReason(rest) }) },
      { pattern: /^unlock my pin\b\s*(.*)$/i, build: (rest) => ({ kind: 'request-pin', action: 'unlock', reason: requestReason(rest) }) },
    ],
    example: 'reset my pin',
  },
  run: (services, ctx, command) => requestPin(services, ctx, command),
};

async function requestPin(
  services: Pick<DeskServices, 'store' | 'clock' | 'directory' | 'authority' | 'policies' | 'settings' | 'atomically'>,
  { turn, caller, scope }: UseCaseContext,
  command: CommandOf<'request-pin'>,
): Promise<DeskResult> {
  const { store, clock, atomically } = services;
  const { requestTtlMs, requestsPerDay } = services.settings.selfService;
  const requester = caller.user;
  scope.target = requester.userPrincipalName;
  // The answer carries the request's card; the PIN later comes to this conversation.
  if (turn.shared) throw new NoPrivateChatError();
  if (!requester.sipAddress && !requester.lineUri) throw new CannotDialInError();
  if (!requester.enabled) throw new UserNotEnabledError(summarize(requester));
  const existing = await store.requests.pendingOf(requester.id);
  if (existing && existing.expiresAt > clock()) return { kind: 'request-exists', view: await requestView(services, existing, requester) };
  const now = clock();
  const request: PinRequest = {
    id: nanoid(),
    kind: command.action,
    requesterId: requester.id,
    requesterName: requester.displayName,
    requesterUpn: requester.userPrincipalName,
    reason: cleanReason(command.reason),
    state: 'pending',
    createdAt: now,
    expiresAt: new Date(now.getTime() + requestTtlMs),
  };
  // Counted and created in one transaction (one at a time on every instance): asks that race on
  // two instances, with a withdrawal between them, cannot both pass the daily limit.
  type Outcome = { pending: PinRequest } | { created: PinRequest; expired: PinRequest | undefined };
  const outcome = await atomically(async ({ store: tx }): Promise<Outcome> => {
    const today = await tx.requests.countSince(requester.id, new Date(now.getTime() - REQUEST_WINDOW_MS));
    if (today >= requestsPerDay) {
      const pending = await tx.requests.pendingOf(requester.id);
      if (pending && pending.expiresAt > now) return { pending };
      throw new RateLimitedError('requests-per-day', requestsPerDay);
    }
    // A pending request past its time is expired here, and its cards are redrawn by the surface.
    const expired = existing ? await expireRequest({ store: tx, clock }, existing) : undefined;
    // One pending request each (a unique index): one in the way is the answer; one withdrawn
    // between the insert and the read no longer is (the count cannot change meanwhile).
    for (let attempt = 1; ; attempt++) {
      if ((await tx.requests.create(request)) === 'created') {
        // The approval cards it owes approvers (request-notices.ts): posted by this turn, retried by the sweep.
        await recordNotice(tx, request.id, 'created', now, 'turn', services.settings.deliveryLeaseMs);
        return { created: request, expired };
      }
      const pending = await tx.requests.pendingOf(requester.id);
      if (pending) return { pending };
      if (attempt === 3) throw new Error('pin_requests: an insert kept conflicting with a pending request that is not there');
    }
  });
  if ('pending' in outcome) return { kind: 'request-exists', view: await requestView(services, outcome.pending, requester) };
  scope.committed = true;
  scope.action = 'request-created';
  scope.reason = `${request.kind}:${request.id}`;
  const { expired } = outcome;
  return { kind: 'request-created', view: await requestView(services, request, requester), expired: expired && (await requestView(services, expired, requester)) };
}
