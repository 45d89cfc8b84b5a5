// The use cases: every surface (chat today; HTTP and CLI later) comes through here. Each entry
// point identifies the caller afresh, checks the role at that moment, does one thing to exactly one
// user, and leaves exactly one audit record whatever happens.
import { nanoid } from 'nanoid';
import type { Command, TargetedCommand } from '../domain/commands.js';
import { phoneNumberOf } from '../domain/common-patterns.js';
import {
  BackendError,
  CardExpiredError,
  CommandSyntaxError,
  DeskError,
  MissingRoleError,
  NoPrivateChatError,
  NoUserMatchError,
  NotAddresseeError,
  OutOfScopeError,
  PinExposedError,
  PinLockedError,
  UserNotEnabledError,
} from '../domain/errors.js';
import { parseCommand } from '../domain/grammar.js';
import { parseIdentity, describeIdentity } from '../domain/identity.js';
import { generatePin, type RandomInt } from '../domain/pin-generator.js';
import { checkPin, type PinCheckContext } from '../domain/pin-rules.js';
import { pinStatusAt } from '../domain/pin-state.js';
import { pinExpiry, resolveEffectivePolicy, type EffectivePolicy } from '../domain/policy.js';
import { authorize, containerOf, type ScopedRoles } from '../domain/role-grants.js';
import { can, PERMISSIONS, rolesAllowed, type Permission, type Role } from '../domain/roles.js';
import { cmdletIdentity, summarize, type DirectoryUser } from '../domain/user.js';
import type { Directory } from '../ports/directory.js';
import type { PinAuthority } from '../ports/pin-authority.js';
import type { AuditOutcome, CardAudience, Continuation, PostedCard, Store } from '../ports/store.js';
import type { Decision, PinRequest } from '../domain/pin-request.js';
import { personalKey, SelfService, type SelfServiceSettings } from './self-service.js';
import { PolicyDesk } from './policy-desk.js';
import { SearchDesk } from './search-desk.js';
import { SealOpenError, type Sealer } from '../security/sealer.js';
import { CallerResolver, directoryCall, type Caller, type CallerKey } from './callers.js';
import type { ListAction } from '../domain/commands.js';
import type { DeskResult, IssuedPin, PinSetDetails, RequestView, RevealView } from './results.js';

export type { CallerKey } from './callers.js';

export interface DeskSettings {
  revealTtlMs: number;
  choiceTtlMs: number;
  /** Most candidates a picker shows; more means "narrow your search". */
  pickerLimit: number;
  /** Most users a find shows before "narrow your search". */
  findLimit: number;
  /** Directory group that confers each role. */
  roleGroups: Record<Role, string>;
  scopedRoles: ScopedRoles;
  roleCacheTtlMs: number;
  selfService: SelfServiceSettings;
}

export interface DeskDependencies {
  directory: Directory;
  authority: PinAuthority;
  store: Store;
  sealer: Sealer;
  clock: () => Date;
  randomInt: RandomInt;
  settings: DeskSettings;
}

export interface Turn {
  caller: CallerKey;
  requestId: string;
  /** Channel or group chat: others can read what is typed here. */
  shared: boolean;
  /** The direct answer to this turn is seen by the caller alone (1:1 chat, or a card-action invoke). */
  privateReply: boolean;
  /** The caller's 1:1 chat can be reached from here (it is this one, or Teams can open it). */
  canReachPrivately: boolean;
  /** Where the turn happened, to post to it again later (approval channels, requesters). */
  conversation?: { id: string; channelId: string; reference: unknown } | undefined;
}

/** Filled in as an action runs, written once at the end. */
interface AuditScope {
  actor: string;
  action: string;
  target?: string | undefined;
  reason?: string | undefined;
  outcome?: AuditOutcome | undefined;
}

interface ChoosePayload {
  command: TargetedCommand;
  candidateIds: string[];
}

interface UnlockAndSetPayload {
  command: Extract<Command, { kind: 'set-pin' }>;
  targetId: string;
}

interface UserListPayload {
  userIds: string[];
}

type ContinuationKind = 'choose-user' | 'unlock-and-set' | 'user-list';


export class Desk {
  private readonly callers: CallerResolver;
  private readonly selfService: SelfService;
  private readonly policyDesk: PolicyDesk;
  private readonly searchDesk: SearchDesk;

  constructor(private readonly deps: DeskDependencies) {
    this.callers = new CallerResolver(deps.directory, deps.settings, deps.clock);
    this.selfService = new SelfService(deps, {
      authorize: (caller, permission) => this.authorize(caller, permission),
      authorizeOn: (caller, permission, target) => this.authorizeOn(caller, permission, target),
      issuePin: (options) => this.issuePin(options),
      effectivePolicyIdentity: async (user) => (await this.effectivePolicy(user)).policy.identity,
      backendCall: (call) => this.backendCall(call),
    });
    const kit = { authorize: (caller: Caller, permission: Permission) => this.authorize(caller, permission), backendCall: <T>(call: () => Promise<T>) => this.backendCall(call) };
    this.policyDesk = new PolicyDesk(deps, kit);
    this.searchDesk = new SearchDesk(deps, {
      ...kit,
      saveUserList: (caller, userIds) => this.saveContinuation(caller, 'user-list', { userIds } satisfies UserListPayload),
    });
  }

  /** A typed command. */
  async handleText(turn: Turn, text: string): Promise<DeskResult> {
    return this.audited(turn, 'command', async (scope) => {
      const caller = await this.identify(turn, scope);
      const command = parseCommand(text);
      scope.action = command.kind;
      return this.run(turn, caller, command, scope);
    });
  }

  /** Approve or Deny on an approval card. */
  async decideRequest(turn: Turn, requestId: string, decision: Decision, note?: string): Promise<DeskResult> {
    return this.audited(turn, `request-${decision}`, async (scope) => {
      const caller = await this.identify(turn, scope);
      return this.selfService.decide(turn, caller, requestId, decision, note, scope);
    });
  }

  /** Cancel on the requester's card. */
  async cancelRequest(turn: Turn, requestId: string): Promise<DeskResult> {
    return this.audited(turn, 'request-cancel', async (scope) => {
      const caller = await this.identify(turn, scope);
      return this.selfService.cancel(caller, requestId, scope);
    });
  }

  /** Housekeeping: expire requests whose time is up; the surface updates their cards. */
  expireRequests(): Promise<RequestView[]> {
    return this.selfService.expireDue();
  }

  async requestView(requestId: string): Promise<RequestView | undefined> {
    const request = await this.deps.store.requests.get(requestId);
    return request ? this.selfService.view(request) : undefined;
  }

  approverConversations(request: PinRequest): Promise<unknown[]> {
    return this.selfService.approverConversations(request);
  }

  async requestCards(requestId: string): Promise<Array<{ audience: CardAudience; card: PostedCard }>> {
    return this.deps.store.requests.cards(requestId);
  }

  requestCardPosted(requestId: string, audience: CardAudience, card: PostedCard): Promise<void> {
    return this.selfService.cardPosted(requestId, audience, card);
  }

  /** The new PIN's card reached the requester (or did not): one audit record either way. */
  async recordDelivery(request: PinRequest, delivered: boolean): Promise<void> {
    await this.deps.store.audit.append({
      at: this.deps.clock(),
      actor: 'pindesk',
      action: 'request-delivered',
      target: request.requesterUpn,
      outcome: delivered ? 'ok' : 'failed',
      reason: `${request.kind}:${request.id}`,
      requestId: request.id,
    });
  }

  /**
   * A command from the server's own command line (`pindesk`). Local use is trusted as the Skype
   * for Business Management Shell is: the local administrator acts as CsAdministrator.
   */
  async runLocal(actor: string, command: Command): Promise<DeskResult> {
    const turn: Turn = { caller: { appearsAs: `local:${actor}`, trusted: true, account: {} }, requestId: `cli-${this.deps.clock().getTime()}`, shared: false, privateReply: true, canReachPrivately: true };
    return this.audited(turn, command.kind, async (scope) => {
      const local: DirectoryUser = { id: `local:${actor}`, dn: '', displayName: `local administrator ${actor}`, samAccountName: actor, userPrincipalName: `local:${actor}`, enabled: true };
      const grants = [{ role: 'CsAdministrator' as const, via: 'local administrator' }];
      return this.run(turn, { user: local, grants, roles: new Set(['CsAdministrator'] as const) }, command, scope);
    });
  }

  /** The PIN of a `runLocal` set-pin, once: the sealed copy is deleted as it is read. */
  async takeLocalPin(actor: string, revealRef: string): Promise<string | undefined> {
    const entry = await this.deps.store.reveals.get(revealRef);
    if (!entry?.sealed || entry.addresseeId !== `local:${actor}`) return undefined;
    const pin = this.open(entry.sealed, revealAad(entry.id, entry.addresseeId));
    await this.deps.store.reveals.forget(revealRef);
    return pin;
  }

  /** A picker button: run the original command on the chosen user. */
  async choose(turn: Turn, ref: string, choice: number): Promise<DeskResult> {
    return this.audited(turn, 'choose-user', async (scope) => {
      const caller = await this.identify(turn, scope);
      const payload = await this.takeContinuation<ChoosePayload>(caller, ref, 'choose-user');
      const targetId = payload.candidateIds[choice];
      if (targetId === undefined) throw new CardExpiredError('choice');
      scope.action = payload.command.kind;
      const target = await directoryCall(() => this.deps.directory.getById(targetId));
      if (!target) throw new NoUserMatchError('the chosen user', []);
      return this.run(turn, caller, payload.command, scope, target);
    });
  }

  /** A button on a find result: the action on that user, as if typed (a list serves many clicks). */
  async actOnListed(turn: Turn, ref: string, choice: number, action: ListAction): Promise<DeskResult> {
    return this.audited(turn, action, async (scope) => {
      const caller = await this.identify(turn, scope);
      const continuation = await this.loadContinuation(caller, ref, 'user-list');
      const payload = JSON.parse(this.open(continuation.sealed, continuationAad(ref, caller.user.id))) as UserListPayload;
      const targetId = payload.userIds[choice];
      if (targetId === undefined) throw new CardExpiredError('choice');
      const target = await directoryCall(() => this.deps.directory.getById(targetId));
      if (!target) throw new NoUserMatchError('the chosen user', []);
      const command: TargetedCommand = action === 'set-pin' ? { kind: 'set-pin', identity: target.userPrincipalName, ignoreHistory: false } : { kind: action, identity: target.userPrincipalName };
      return this.run(turn, caller, command, scope, target);
    });
  }

  /** "Unlock and set": both permissions are checked again now, then one atomic change. */
  async unlockAndSet(turn: Turn, ref: string): Promise<DeskResult> {
    return this.audited(turn, 'unlock-and-set', async (scope) => {
      const caller = await this.identify(turn, scope);
      this.authorize(caller, 'pin.unlock');
      this.authorize(caller, 'pin.set');
      const payload = await this.takeContinuation<UnlockAndSetPayload>(caller, ref, 'unlock-and-set');
      const target = await directoryCall(() => this.deps.directory.getById(payload.targetId));
      if (!target) throw new NoUserMatchError('the user', []);
      this.authorizeOn(caller, 'pin.unlock', target);
      return this.setPin(turn, caller, payload.command, scope, target, true);
    });
  }

  /** Reveal (show = true) or hide a PIN set earlier; only for the person it was addressed to. */
  async reveal(turn: Turn, ref: string, show: boolean): Promise<RevealView> {
    return this.audited(turn, show ? 'reveal' : 'hide', async (scope) => {
      const caller = await this.identify(turn, scope);
      const entry = await this.backendCall(() => this.deps.store.reveals.get(ref));
      if (!entry) throw new CardExpiredError('reveal');
      const details = entry.details as PinSetDetails;
      scope.target = cmdletIdentity(details.target);
      if (entry.addresseeId !== caller.user.id) throw new NotAddresseeError(details.addresseeName);
      const target = await directoryCall(() => this.deps.directory.getById(entry.targetId));
      if (!target) throw new CardExpiredError('reveal');
      this.authorizeOn(caller, details.permission, target);
      if (show && !turn.privateReply) throw new NoPrivateChatError();
      const now = this.deps.clock();
      const view: RevealView = { details, revealRef: ref, expiresAt: entry.expiresAt, expired: entry.expiresAt <= now || !entry.sealed };
      if (view.expired) {
        await this.backendCall(() => this.deps.store.reveals.purgeExpired(now));
        if (show) scope.reason = 'expired';
        return view;
      }
      if (show) view.pin = this.open(entry.sealed!, revealAad(entry.id, entry.addresseeId));
      return view;
    });
  }

  /** Remember where a card went, so a later click can update it in place. */
  async cardPosted(kind: 'reveal' | 'continuation', ref: string, card: PostedCard): Promise<void> {
    if (kind === 'reveal') await this.deps.store.reveals.attachCard(ref, card);
    else await this.deps.store.continuations.attachCard(ref, card);
  }

  async revealCard(ref: string): Promise<PostedCard | undefined> {
    return (await this.deps.store.reveals.get(ref))?.card;
  }

  async continuationCard(ref: string): Promise<PostedCard | undefined> {
    return (await this.deps.store.continuations.get(ref))?.card;
  }

  /** Deletes sealed secrets whose time is up (also checked on every click; this is housekeeping). */
  async sweep(): Promise<void> {
    const now = this.deps.clock();
    await this.deps.store.reveals.purgeExpired(now);
    await this.deps.store.continuations.purgeExpired(now);
  }

  // ---- the commands ---------------------------------------------------------------------------

  private async run(turn: Turn, caller: Caller, command: Command, scope: AuditScope, chosen?: DirectoryUser): Promise<DeskResult> {
    switch (command.kind) {
      case 'help':
        return { kind: 'help', caller, permissions: permissionsOf(caller.roles) };
      case 'whoami':
        return { kind: 'whoami', caller, groups: [...(await directoryCall(() => this.deps.directory.groupsOf(caller.user)))], grants: caller.grants };
      case 'request-pin':
        return this.selfService.request(turn, caller, command, scope);
      case 'cancel-request':
        return this.selfService.cancel(caller, undefined, scope);
      case 'my-requests':
        return this.selfService.mine(caller);
      case 'pending-requests':
        return this.selfService.pending(caller);
      case 'approvals-here':
        return this.selfService.approvalsHere(turn, caller, command.on, scope);
      case 'find-user':
        return this.searchDesk.find(caller, command.search, scope);
      case 'save-search':
      case 'list-searches':
      case 'run-search':
      case 'delete-search':
        return this.searchDesk.saved(caller, command, scope);
      case 'set-pin':
        return this.setPin(turn, caller, command, scope, chosen, false);
      case 'unlock-pin':
      case 'lock-pin':
      case 'pin-status':
        return this.withTarget(caller, command, scope, chosen, (target) => this.simpleAction(command, target));
      case 'show-policy':
        return this.policyDesk.show(caller, command.policy);
      case 'list-policies':
        return this.policyDesk.list(caller);
      case 'new-policy':
      case 'set-policy':
      case 'remove-policy':
        return this.policyDesk.change(caller, command, scope);
      case 'user-policy':
        return this.withTarget(caller, command, scope, chosen, (target) => this.policyDesk.forUser(target));
      case 'grant-policy':
        return this.withTarget(caller, command, scope, chosen, (target) => this.policyDesk.grant(target, command.policyName, scope));
      case 'audit':
        return this.policyDesk.audit(caller, undefined);
      case 'audit-user':
        return this.withTarget(caller, command, scope, chosen, (target) => this.policyDesk.audit(caller, target));
    }
  }

  private async setPin(
    turn: Turn,
    caller: Caller,
    command: Extract<Command, { kind: 'set-pin' }>,
    scope: AuditScope,
    chosen: DirectoryUser | undefined,
    unlockFirst: boolean,
  ): Promise<DeskResult> {
    // A PIN typed where others can read it is exposed already; setting it would make it live.
    if (command.pin !== undefined && turn.shared) throw new PinExposedError();
    if (!turn.canReachPrivately) throw new NoPrivateChatError();
    return this.withTarget(caller, command, scope, chosen, async (target) => {
      const issued = await this.issuePin({ target, addressee: caller.user, pin: command.pin, ignoreHistory: command.ignoreHistory, unlockFirst, permission: 'pin.set' });
      if (issued === 'locked') {
        const offer = authorize(caller.grants, 'pin.unlock', target).allowed ? await this.offerUnlockAndSet(caller, command, target) : undefined;
        throw new PinLockedError(summarize(target), offer);
      }
      scope.reason = issued.auditReason;
      return { kind: 'pin-set', details: issued.details, revealRef: issued.revealRef, revealExpiresAt: issued.revealExpiresAt };
    });
  }

  /**
   * Sets a PIN — the one typed, checked against the user's policy, or one generated under it — and
   * seals it for its addressee (who alone may reveal it, while still holding `permission`).
   */
  private async issuePin(options: {
    target: DirectoryUser;
    addressee: DirectoryUser;
    pin?: string | undefined;
    ignoreHistory: boolean;
    unlockFirst: boolean;
    permission: Permission;
  }): Promise<IssuedPin | 'locked'> {
    const { authority, clock, randomInt, sealer, store, settings } = this.deps;
    const { target, addressee, unlockFirst } = options;
    const effective = await this.effectivePolicy(target);
    const { policy } = effective;
    const manual = options.pin !== undefined;
    const ignoreHistory = manual && options.ignoreHistory;
    const isInHistory = ignoreHistory ? undefined : await this.backendCall(() => authority.historyMatcher(target.id, policy.pinHistoryCount));
    const context: PinCheckContext = { policy, phone: phoneNumberOf(target.lineUri), isInHistory };
    const pin = options.pin ?? generatePin(context, randomInt);
    if (manual) checkPin(pin, context);
    const at = clock();
    const pinExpiresAt = pinExpiry(at, policy);
    const outcome = await this.backendCall(() =>
      authority.setPin({ userId: target.id, pin, at, expiresAt: pinExpiresAt, historyCount: policy.pinHistoryCount, unlockFirst }),
    );
    if (outcome === 'locked') return 'locked';
    const details: PinSetDetails = {
      target: summarize(target),
      policyIdentity: effective.policy.identity,
      changedAt: at.toISOString(),
      pinExpiresAt: pinExpiresAt?.toISOString(),
      generated: !manual,
      unlockedFirst: unlockFirst,
      addresseeName: addressee.displayName,
      permission: options.permission,
    };
    const revealRef = nanoid();
    const revealExpiresAt = new Date(at.getTime() + settings.revealTtlMs);
    await this.backendCall(() =>
      store.reveals.put({
        id: revealRef,
        addresseeId: addressee.id,
        targetId: target.id,
        sealed: sealer.seal(pin, revealAad(revealRef, addressee.id)),
        details,
        createdAt: at,
        expiresAt: revealExpiresAt,
      }),
    );
    const auditReason = [manual ? 'manual' : 'generated', ignoreHistory ? 'history-override' : '', unlockFirst ? 'unlocked-first' : ''].filter(Boolean).join(',');
    return { details, revealRef, revealExpiresAt, auditReason };
  }

  private async simpleAction(command: Extract<Command, { kind: 'unlock-pin' | 'lock-pin' | 'pin-status' }>, target: DirectoryUser): Promise<DeskResult> {
    const { authority, clock } = this.deps;
    const at = clock();
    switch (command.kind) {
      case 'unlock-pin': {
        const { wasLocked } = await this.backendCall(() => authority.unlock(target.id, at));
        return { kind: 'pin-unlocked', target: summarize(target), wasLocked };
      }
      case 'lock-pin': {
        const { wasLocked } = await this.backendCall(() => authority.lock(target.id, at));
        return { kind: 'pin-locked', target: summarize(target), wasLocked };
      }
      case 'pin-status': {
        const state = await this.backendCall(() => authority.state(target.id, at));
        return { kind: 'pin-status', target: summarize(target), status: pinStatusAt(state, at), policy: await this.effectivePolicy(target) };
      }
    }
  }

  /** Role check, then exactly one user (or a picker), then the action. */
  private async withTarget(
    caller: Caller,
    command: TargetedCommand,
    scope: AuditScope,
    chosen: DirectoryUser | undefined,
    action: (target: DirectoryUser) => Promise<DeskResult>,
  ): Promise<DeskResult> {
    const permission = PERMISSION_OF[command.kind];
    try {
      this.authorize(caller, permission);
    } catch (error) {
      // The refusal belongs in the audit of the user it was aimed at, even though the caller
      // learns nothing about that user.
      scope.target = await this.quietTarget(command.identity);
      throw error;
    }
    const resolved = chosen ?? (await this.resolveTarget(caller, command, scope));
    if (!('id' in resolved)) return resolved;
    scope.target = cmdletIdentity(resolved);
    this.authorizeOn(caller, permission, resolved);
    if (!resolved.enabled && PIN_COMMANDS.has(command.kind)) throw new UserNotEnabledError(summarize(resolved));
    return action(resolved);
  }

  /** The one user an identity names, for the audit trail only; nothing if unsure or failing. */
  private async quietTarget(identity: string): Promise<string | undefined> {
    const query = parseIdentity(identity);
    if (!query) return undefined;
    const users = await this.deps.directory.search(query, 2).catch(() => []);
    const exact = users.filter((u) => u.displayName.toLowerCase() === identity.toLowerCase() || u.samAccountName.toLowerCase() === identity.toLowerCase());
    const user = users.length === 1 ? users[0] : exact.length === 1 ? exact[0] : undefined;
    return user ? cmdletIdentity(user) : undefined;
  }

  private async resolveTarget(caller: Caller, command: TargetedCommand, scope: AuditScope): Promise<DirectoryUser | DeskResult> {
    const query = parseIdentity(command.identity);
    if (!query) throw new CommandSyntaxError('Say whose PIN.', 'pin status Ken Myer');
    const limit = this.deps.settings.pickerLimit;
    const { directory } = this.deps;
    const users = await directoryCall(() => directory.search(query, limit + 1));
    if (query.kind === 'name') {
      const text = query.text.toLowerCase();
      const exact = users.filter((u) => u.displayName.toLowerCase() === text || u.samAccountName.toLowerCase() === text);
      if (exact.length === 1) return exact[0]!;
    }
    if (users.length === 1) return users[0]!;
    if (users.length === 0) {
      const hints = query.kind === 'name' ? await directoryCall(() => directory.suggest(query.text, 3)) : [];
      throw new NoUserMatchError(describeIdentity(query), hints.map(summarize));
    }
    const candidates = users.slice(0, limit);
    const ref = await this.saveContinuation(caller, 'choose-user', { command, candidateIds: candidates.map((u) => u.id) } satisfies ChoosePayload);
    scope.outcome = 'pending';
    scope.reason = `ambiguous: ${users.length > limit ? `more than ${limit}` : users.length} matches`;
    return { kind: 'choose-user', ref, command: command.kind, query: describeIdentity(query), candidates: candidates.map(summarize), more: users.length > limit };
  }

  private async offerUnlockAndSet(caller: Caller, command: Extract<Command, { kind: 'set-pin' }>, target: DirectoryUser): Promise<string> {
    return this.saveContinuation(caller, 'unlock-and-set', { command, targetId: target.id } satisfies UnlockAndSetPayload);
  }

  // ---- callers, roles, policies -----------------------------------------------------------------

  private async identify(turn: Turn, scope: AuditScope): Promise<Caller> {
    const caller = await this.callers.identify(turn.caller);
    scope.actor = caller.user.userPrincipalName;
    // Approvers are reached in their 1:1 chat with PinDesk: remember where that is.
    if (!turn.shared && turn.conversation && can(caller.roles, 'request.decide')) {
      const { channelId, reference } = turn.conversation;
      await this.backendCall(() => this.deps.store.conversations.savePersonal(personalKey(caller.user.id), channelId, reference, this.deps.clock()));
    }
    return caller;
  }

  /** The caller holds a role allowing this somewhere. */
  private authorize(caller: Caller, permission: Permission): void {
    if (authorize(caller.grants, permission).allowed) return;
    const allowed = rolesAllowed(permission);
    throw new MissingRoleError(permission, allowed === 'everyone' ? [] : allowed);
  }

  /** ...and for this user (scoped roles); refused as if the role were missing. */
  private authorizeOn(caller: Caller, permission: Permission, target: DirectoryUser): void {
    const decision = authorize(caller.grants, permission, target);
    if (decision.allowed) return;
    if (decision.because === 'role') return this.authorize(caller, permission);
    throw new OutOfScopeError(
      permission,
      summarize(target),
      { ou: containerOf(target.dn), site: target.site },
      decision.held.map((g) => ({ role: g.role, via: g.via, ous: g.scope?.ous ?? [], sites: g.scope?.sites ?? [] })),
    );
  }

  private async effectivePolicy(user: DirectoryUser): Promise<EffectivePolicy> {
    const { policies } = this.deps.store;
    const [all, grantedTag] = await this.backendCall(() => Promise.all([policies.policies(), policies.grantedTag(user.id)]));
    return resolveEffectivePolicy({ grantedTag, site: user.site }, all);
  }

  // ---- continuations --------------------------------------------------------------------------

  private async saveContinuation(caller: Caller, kind: ContinuationKind, payload: object): Promise<string> {
    const id = nanoid();
    const now = this.deps.clock();
    // Sealed: the command may carry a PIN the admin typed.
    const sealed = this.deps.sealer.seal(JSON.stringify(payload), continuationAad(id, caller.user.id));
    await this.backendCall(() =>
      this.deps.store.continuations.put({ id, actorId: caller.user.id, kind, sealed, createdAt: now, expiresAt: new Date(now.getTime() + this.deps.settings.choiceTtlMs) }),
    );
    return id;
  }

  /** Loads a continuation that belongs to the caller and is still within its time. */
  private async loadContinuation(caller: Caller, ref: string, kind: ContinuationKind): Promise<Continuation> {
    const continuation = await this.backendCall(() => this.deps.store.continuations.get(ref));
    if (!continuation || continuation.kind !== kind) throw new CardExpiredError('choice');
    if (continuation.actorId !== caller.user.id) {
      const owner = await directoryCall(() => this.deps.directory.getById(continuation.actorId));
      throw new NotAddresseeError(owner?.displayName ?? 'someone else');
    }
    if (continuation.usedAt || continuation.expiresAt <= this.deps.clock()) throw new CardExpiredError('choice');
    return continuation;
  }

  /** Loads and consumes a one-time continuation: a double click gets "already used". */
  private async takeContinuation<T>(caller: Caller, ref: string, kind: 'choose-user' | 'unlock-and-set'): Promise<T> {
    const continuation = await this.loadContinuation(caller, ref, kind);
    const payload = JSON.parse(this.open(continuation.sealed, continuationAad(ref, caller.user.id))) as T;
    if (!(await this.backendCall(() => this.deps.store.continuations.consume(ref, this.deps.clock())))) throw new CardExpiredError('choice');
    return payload;
  }

  private open(sealed: string, aad: string): string {
    try {
      return this.deps.sealer.open(sealed, aad);
    } catch (error) {
      // A sealing key changed since: the secret is gone, as if expired.
      if (error instanceof SealOpenError) throw new CardExpiredError('reveal');
      throw error;
    }
  }

  // ---- failures and audit -------------------------------------------------------------------

  /** The PIN authority and the store: a failure there is a backend error to the user. */
  private async backendCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw error instanceof DeskError ? error : new BackendError(error);
    }
  }

  private async audited<T>(turn: Turn, action: string, body: (scope: AuditScope) => Promise<T>): Promise<T> {
    const scope: AuditScope = { actor: turn.caller.appearsAs, action };
    let outcome: AuditOutcome = 'ok';
    try {
      const result = await body(scope);
      outcome = scope.outcome ?? 'ok';
      return result;
    } catch (error) {
      const known = error instanceof DeskError ? error : new BackendError(error);
      outcome = known.outcome;
      scope.reason = known.auditReason();
      throw known;
    } finally {
      await this.deps.store.audit.append({
        at: this.deps.clock(),
        actor: scope.actor,
        action: scope.action,
        target: scope.target,
        outcome,
        reason: scope.reason,
        requestId: turn.requestId,
      });
    }
  }
}

const PERMISSION_OF: Record<TargetedCommand['kind'], Permission> = {
  'set-pin': 'pin.set',
  'unlock-pin': 'pin.unlock',
  'lock-pin': 'pin.lock',
  'pin-status': 'pin.status',
  'user-policy': 'pin.status',
  'grant-policy': 'policy.grant',
  'audit-user': 'audit.view',
};

/** Commands that act on a PIN: refused for users not enabled for Skype for Business. */
const PIN_COMMANDS: ReadonlySet<TargetedCommand['kind']> = new Set(['set-pin', 'unlock-pin', 'lock-pin', 'pin-status']);

function permissionsOf(roles: ReadonlySet<Role>): ReadonlySet<Permission> {
  return new Set(PERMISSIONS.filter((p) => can(roles, p)));
}

function revealAad(id: string, addresseeId: string): string {
  return `reveal:${id}:${addresseeId}`;
}

function continuationAad(id: string, actorId: string): string {
  return `continuation:${id}:${actorId}`;
}

