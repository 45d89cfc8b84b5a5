// Self-service: an end user asks for a PIN reset or unlock; an approver (never the requester)
// decides; the new PIN goes to the requester alone. Each state change is a compare-and-set in the
// store, so two approvers clicking at once produce one decision and one PIN.
import { nanoid } from 'nanoid';
import type { Command } from '../domain/commands.js';
import { CannotDialInError, CardExpiredError, NoPrivateChatError, NotAddresseeError, RateLimitedError, SelfApprovalError, UserNotEnabledError } from '../domain/errors.js';
import { pinStatusAt } from '../domain/pin-state.js';
import { cleanReason, FINAL_STATE, type Decision, type PinRequest } from '../domain/pin-request.js';
import type { Permission } from '../domain/roles.js';
import { summarize, type DirectoryUser } from '../domain/user.js';
import type { CardAudience, PostedCard } from '../ports/store.js';
import { directoryCall, type Caller } from './callers.js';
import type { DeskDependencies, Turn } from './desk.js';
import type { DeskResult, IssuedPin, RequestView } from './results.js';

/** What the self-service use cases borrow from the desk. */
export interface DeskKit {
  authorize(caller: Caller, permission: Permission): void;
  authorizeOn(caller: Caller, permission: Permission, target: DirectoryUser): void;
  issuePin(options: { target: DirectoryUser; addressee: DirectoryUser; ignoreHistory: boolean; unlockFirst: boolean; permission: Permission }): Promise<IssuedPin | 'locked'>;
  effectivePolicyIdentity(user: DirectoryUser): Promise<string>;
  backendCall<T>(call: () => Promise<T>): Promise<T>;
}

export interface SelfServiceSettings {
  requestTtlMs: number;
  requestsPerDay: number;
  decisionsPerMinute: number;
  /** UPNs of approvers who get approval cards in their 1:1 chat. */
  approvers: readonly string[];
}

interface Scope {
  action: string;
  target?: string | undefined;
  reason?: string | undefined;
  outcome?: 'ok' | 'refused' | 'failed' | 'pending' | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class SelfService {
  constructor(
    private readonly deps: DeskDependencies,
    private readonly kit: DeskKit,
  ) {}

  private get settings(): SelfServiceSettings {
    return this.deps.settings.selfService;
  }

  /** `reset my pin` / `unlock my pin`. */
  async request(turn: Turn, caller: Caller, command: Extract<Command, { kind: 'request-pin' }>, scope: Scope): Promise<DeskResult> {
    const { store, clock } = this.deps;
    const requester = caller.user;
    scope.target = requester.userPrincipalName;
    // The answer carries the request's card; the PIN later comes to this conversation.
    if (turn.shared) throw new NoPrivateChatError();
    if (!requester.sipAddress && !requester.lineUri) throw new CannotDialInError();
    if (!requester.enabled) throw new UserNotEnabledError(summarize(requester));
    const existing = await this.kit.backendCall(() => store.requests.pendingOf(requester.id));
    if (existing && existing.expiresAt > clock()) return { kind: 'request-exists', view: await this.view(existing, requester) };
    const now = clock();
    const today = await this.kit.backendCall(() => store.requests.countSince(requester.id, new Date(now.getTime() - DAY_MS)));
    if (today >= this.settings.requestsPerDay) throw new RateLimitedError('requests-per-day', this.settings.requestsPerDay);
    const request: PinRequest = {
      id: nanoid(),
      kind: command.action,
      requesterId: requester.id,
      requesterName: requester.displayName,
      requesterUpn: requester.userPrincipalName,
      reason: cleanReason(command.reason),
      state: 'pending',
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.settings.requestTtlMs),
    };
    // A pending request past its time is expired here, and its cards are redrawn by the surface.
    const expired = existing ? await this.expire(existing) : undefined;
    const created = await this.kit.backendCall(() => store.requests.create(request));
    if (created === 'exists') {
      const pending = await this.kit.backendCall(() => store.requests.pendingOf(requester.id));
      if (pending) return { kind: 'request-exists', view: await this.view(pending, requester) };
    }
    scope.action = 'request-created';
    scope.reason = `${request.kind}:${request.id}`;
    return { kind: 'request-created', view: await this.view(request, requester), expired: expired && (await this.view(expired, requester)) };
  }

  /** Approve or deny, re-checking everything at the click. */
  async decide(turn: Turn, caller: Caller, requestId: string, decision: Decision, note: string | undefined, scope: Scope): Promise<DeskResult> {
    const { store, clock, directory } = this.deps;
    const request = await this.load(requestId, scope);
    if (request.state !== 'pending' || request.expiresAt <= clock()) return this.unchanged(request, scope);
    this.kit.authorize(caller, 'request.decide');
    const requester = await directoryCall(() => directory.getById(request.requesterId));
    if (!requester) throw new CardExpiredError('request');
    this.kit.authorizeOn(caller, request.kind === 'reset' ? 'pin.set' : 'pin.unlock', requester);
    if (caller.user.id === request.requesterId) throw new SelfApprovalError();
    const now = clock();
    if (!(await this.kit.backendCall(() => store.rateLimits.hit(`decide:${caller.user.id}`, this.settings.decisionsPerMinute, 60_000, now)))) {
      throw new RateLimitedError('decisions-per-minute', this.settings.decisionsPerMinute);
    }
    const to = FINAL_STATE[decision];
    const won = await this.kit.backendCall(() =>
      store.requests.decide(request.id, to, { decidedAt: now, decidedById: caller.user.id, decidedByName: caller.user.displayName, decisionNote: decision === 'deny' ? cleanReason(note) : undefined }, now),
    );
    if (!won) return this.unchanged((await store.requests.get(request.id))!, scope);
    scope.action = `request-${to}`;
    scope.reason = `${request.kind}:${request.id}`;
    let pin: IssuedPin | undefined;
    if (decision === 'approve' && request.kind === 'reset') {
      // Approving a reset of a locked PIN unlocks it too: the approver sees the lock on the card.
      const issued = await this.kit.issuePin({ target: requester, addressee: requester, ignoreHistory: false, unlockFirst: true, permission: 'request.own' });
      if (issued !== 'locked') pin = issued;
    } else if (decision === 'approve') {
      await this.kit.backendCall(() => this.deps.authority.unlock(requester.id, now));
    }
    const updated = (await store.requests.get(request.id))!;
    return { kind: 'request-updated', view: await this.view(updated, requester), change: to === 'approved' ? 'approved' : 'denied', pin };
  }

  /** The requester withdraws a pending request (button, or `cancel my request`). */
  async cancel(caller: Caller, requestId: string | undefined, scope: Scope): Promise<DeskResult> {
    const { store, clock } = this.deps;
    const request = requestId ? await this.load(requestId, scope) : await this.kit.backendCall(() => store.requests.pendingOf(caller.user.id));
    if (!request) throw new CardExpiredError('request');
    scope.target = request.requesterUpn;
    // Only the requester withdraws a request; approvers deny it.
    if (request.requesterId !== caller.user.id) throw new NotAddresseeError(request.requesterName);
    const now = clock();
    const won = await this.kit.backendCall(() => store.requests.decide(request.id, 'cancelled', { decidedAt: now, decidedById: caller.user.id, decidedByName: caller.user.displayName }, now));
    if (!won) return this.unchanged((await store.requests.get(request.id))!, scope);
    scope.action = 'request-cancelled';
    scope.reason = `${request.kind}:${request.id}`;
    return { kind: 'request-updated', view: await this.view((await store.requests.get(request.id))!, caller.user), change: 'cancelled' };
  }

  async mine(caller: Caller): Promise<DeskResult> {
    const requests = await this.kit.backendCall(() => this.deps.store.requests.recentOf(caller.user.id, 10));
    return { kind: 'requests', views: await Promise.all(requests.map((r) => this.view(r, caller.user))), mine: true };
  }

  async pending(caller: Caller): Promise<DeskResult> {
    this.kit.authorize(caller, 'request.decide');
    const requests = await this.kit.backendCall(() => this.deps.store.requests.pending(this.deps.clock(), 20));
    return { kind: 'requests', views: await Promise.all(requests.map((r) => this.view(r))), mine: false };
  }

  async approvalsHere(turn: Turn, caller: Caller, on: boolean, scope: Scope): Promise<DeskResult> {
    this.kit.authorize(caller, 'approvals.manage');
    const conversation = turn.conversation;
    if (!conversation) throw new NoPrivateChatError();
    scope.target = conversation.id;
    const channels = this.deps.store.approvalChannels;
    if (on) {
      await this.kit.backendCall(() => channels.register(conversation.id, conversation.channelId, conversation.reference, caller.user.userPrincipalName, this.deps.clock()));
      return { kind: 'approvals-channel', on, changed: true };
    }
    return { kind: 'approvals-channel', on, changed: await this.kit.backendCall(() => channels.unregister(conversation.id)) };
  }

  /** Pending requests whose time is up become expired (store-driven, so it survives restarts). */
  async expireDue(): Promise<RequestView[]> {
    const { store, clock } = this.deps;
    const expired = await store.requests.expireDue(clock());
    for (const request of expired) await this.auditExpiry(request);
    return Promise.all(expired.map((r) => this.view(r)));
  }

  /** Expires one pending request whose time is up (compare-and-set); undefined if it was not. */
  private async expire(request: PinRequest): Promise<PinRequest | undefined> {
    const { store, clock } = this.deps;
    const now = clock();
    if (!(await this.kit.backendCall(() => store.requests.decide(request.id, 'expired', { decidedAt: now }, now)))) return undefined;
    const expired = (await store.requests.get(request.id))!;
    await this.auditExpiry(expired);
    return expired;
  }

  private async auditExpiry(request: PinRequest): Promise<void> {
    const { store, clock } = this.deps;
    await store.audit.append({ at: clock(), actor: 'pindesk', action: 'request-expired', target: request.requesterUpn, outcome: 'ok', reason: `${request.kind}:${request.id}`, requestId: request.id });
  }

  /** Where approval cards for a new request go: approval channels, then approvers' 1:1 chats. */
  async approverConversations(request: PinRequest): Promise<unknown[]> {
    const { store, directory } = this.deps;
    const targets: unknown[] = (await store.approvalChannels.list()).map((c) => c.reference);
    for (const upn of this.settings.approvers) {
      const approver = await directory.findAccount({ userPrincipalName: upn }).catch(() => undefined);
      if (!approver || approver.id === request.requesterId) continue;
      targets.push(...(await store.conversations.allPersonal(personalKey(approver.id))));
    }
    return targets;
  }

  async cardPosted(requestId: string, audience: CardAudience, card: PostedCard): Promise<void> {
    await this.deps.store.requests.addCard(requestId, audience, card);
  }

  async view(request: PinRequest, requester?: DirectoryUser): Promise<RequestView> {
    const user = requester ?? (await this.deps.directory.getById(request.requesterId).catch(() => undefined));
    if (!user) return { request, pinLocked: false };
    const state = await this.deps.authority.state(user.id, this.deps.clock()).catch(() => undefined);
    return {
      request,
      requester: summarize(user),
      policyIdentity: await this.kit.effectivePolicyIdentity(user).catch(() => undefined),
      pinLocked: state ? pinStatusAt(state, this.deps.clock()).isLockedOut : false,
    };
  }

  private async load(requestId: string, scope: Scope): Promise<PinRequest> {
    const request = await this.kit.backendCall(() => this.deps.store.requests.get(requestId));
    if (!request) throw new CardExpiredError('request');
    scope.target = request.requesterUpn;
    return request;
  }

  /** A press on a stale card: the current state, nothing changed. Expires it if its time is up. */
  private async unchanged(request: PinRequest, scope: Scope): Promise<DeskResult> {
    let current = request;
    if (current.state === 'pending' && current.expiresAt <= this.deps.clock()) {
      current = (await this.expire(current)) ?? (await this.deps.store.requests.get(request.id)) ?? request;
    }
    scope.outcome = 'refused';
    scope.reason = `stale:${current.state}`;
    return { kind: 'request-updated', view: await this.view(current), change: current.state === 'expired' && request.state === 'pending' ? 'expired' : 'unchanged' };
  }
}

/** Conversation-store key for a directory user's 1:1 chats (others are keyed by channel account). */
export function personalKey(directoryId: string): string {
  return `dir:${directoryId}`;
}
