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
  DirectoryUnavailableError,
  MissingRoleError,
  NoPrivateChatError,
  NoUserMatchError,
  NotAddresseeError,
  PinExposedError,
  PinLockedError,
  UnknownCallerError,
  UserNotEnabledError,
} from '../domain/errors.js';
import { parseCommand } from '../domain/grammar.js';
import { parseIdentity, describeIdentity } from '../domain/identity.js';
import { generatePin, type RandomInt } from '../domain/pin-generator.js';
import { checkPin, type PinCheckContext } from '../domain/pin-rules.js';
import { pinStatusAt } from '../domain/pin-state.js';
import { pinExpiry, resolveEffectivePolicy, type EffectivePolicy } from '../domain/policy.js';
import { can, PERMISSIONS, rolesAllowed, ROLES, type Permission, type Role } from '../domain/roles.js';
import { cmdletIdentity, summarize, type DirectoryUser } from '../domain/user.js';
import type { AccountKey, Directory } from '../ports/directory.js';
import type { PinAuthority } from '../ports/pin-authority.js';
import type { AuditOutcome, PostedCard, Store } from '../ports/store.js';
import { SealOpenError, type Sealer } from '../security/sealer.js';
import type { CallerView, DeskResult, PinSetDetails, RevealView } from './results.js';

export interface DeskSettings {
  revealTtlMs: number;
  choiceTtlMs: number;
  /** Most candidates a picker shows; more means "narrow your search". */
  pickerLimit: number;
  /** Directory group that confers each role. */
  roleGroups: Record<Role, string>;
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

/** Who is asking, as far as the surface can vouch for it. */
export interface CallerKey {
  /** What to call them in an audit record or answer if they turn out unknown. */
  appearsAs: string;
  /** False when the channel is not trusted to vouch for identities. */
  trusted: boolean;
  /** What to tell someone who is not recognised, where the surface knows better (the Emulator). */
  hint?: string | undefined;
  account: AccountKey;
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
}

interface Caller extends CallerView {
  user: DirectoryUser;
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

export class Desk {
  constructor(private readonly deps: DeskDependencies) {}

  /** A typed command. */
  async handleText(turn: Turn, text: string): Promise<DeskResult> {
    return this.audited(turn, 'command', async (scope) => {
      const caller = await this.identify(turn, scope);
      const command = parseCommand(text);
      scope.action = command.kind;
      return this.run(turn, caller, command, scope);
    });
  }

  /** A picker button: run the original command on the chosen user. */
  async choose(turn: Turn, ref: string, choice: number): Promise<DeskResult> {
    return this.audited(turn, 'choose-user', async (scope) => {
      const caller = await this.identify(turn, scope);
      const payload = await this.takeContinuation<ChoosePayload>(caller, ref, 'choose-user');
      const targetId = payload.candidateIds[choice];
      if (targetId === undefined) throw new CardExpiredError('choice');
      scope.action = payload.command.kind;
      const target = await this.directoryCall(() => this.deps.directory.getById(targetId));
      if (!target) throw new NoUserMatchError('the chosen user', []);
      return this.run(turn, caller, payload.command, scope, target);
    });
  }

  /** "Unlock and set": both permissions are checked again now, then one atomic change. */
  async unlockAndSet(turn: Turn, ref: string): Promise<DeskResult> {
    return this.audited(turn, 'unlock-and-set', async (scope) => {
      const caller = await this.identify(turn, scope);
      this.authorize(caller, 'pin.unlock');
      this.authorize(caller, 'pin.set');
      const payload = await this.takeContinuation<UnlockAndSetPayload>(caller, ref, 'unlock-and-set');
      const target = await this.directoryCall(() => this.deps.directory.getById(payload.targetId));
      if (!target) throw new NoUserMatchError('the user', []);
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
      this.authorize(caller, details.permission);
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
        return { kind: 'whoami', caller, groups: [...(await this.directoryCall(() => this.deps.directory.groupsOf(caller.user)))] };
      case 'self-service':
        return { kind: 'self-service-unavailable', command };
      case 'find-user':
        return this.findUsers(caller, command.text, scope);
      case 'set-pin':
        return this.setPin(turn, caller, command, scope, chosen, false);
      case 'unlock-pin':
      case 'lock-pin':
      case 'pin-status':
        return this.withTarget(caller, command, scope, chosen, (target) => this.simpleAction(command, target));
    }
  }

  private async findUsers(caller: Caller, text: string, scope: AuditScope): Promise<DeskResult> {
    this.authorize(caller, 'user.find');
    const query = parseIdentity(text);
    if (!query) throw new CommandSyntaxError('Say what to look for.', 'find user Ken');
    const limit = this.deps.settings.pickerLimit;
    const users = await this.directoryCall(() => this.deps.directory.search(query, limit + 1));
    scope.reason = `${users.length > limit ? `more than ${limit}` : users.length} found`;
    return { kind: 'users-found', query: describeIdentity(query), users: users.slice(0, limit).map(summarize), more: users.length > limit };
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
      const { authority, clock, randomInt, sealer, store, settings } = this.deps;
      const effective = await this.effectivePolicy(target);
      const { policy } = effective;
      const ignoreHistory = command.pin !== undefined && command.ignoreHistory;
      const isInHistory = ignoreHistory ? undefined : await this.backendCall(() => authority.historyMatcher(target.id, policy.pinHistoryCount));
      const context: PinCheckContext = { policy, phone: phoneNumberOf(target.lineUri), isInHistory };
      const pin = command.pin ?? generatePin(context, randomInt);
      if (command.pin !== undefined) checkPin(pin, context);
      const at = clock();
      const pinExpiresAt = pinExpiry(at, policy);
      const outcome = await this.backendCall(() =>
        authority.setPin({ userId: target.id, pin, at, expiresAt: pinExpiresAt, historyCount: policy.pinHistoryCount, unlockFirst }),
      );
      if (outcome === 'locked') {
        const offer = can(caller.roles, 'pin.unlock') ? await this.offerUnlockAndSet(caller, command, target) : undefined;
        throw new PinLockedError(summarize(target), offer);
      }
      scope.reason = [command.pin === undefined ? 'generated' : 'manual', ignoreHistory ? 'history-override' : '', unlockFirst ? 'unlocked-first' : '']
        .filter(Boolean)
        .join(',');
      const details: PinSetDetails = {
        target: summarize(target),
        policyIdentity: effective.policy.identity,
        changedAt: at.toISOString(),
        pinExpiresAt: pinExpiresAt?.toISOString(),
        generated: command.pin === undefined,
        unlockedFirst: unlockFirst,
        addresseeName: caller.user.displayName,
        permission: 'pin.set',
      };
      const revealRef = nanoid();
      const revealExpiresAt = new Date(at.getTime() + settings.revealTtlMs);
      await this.backendCall(() =>
        store.reveals.put({
          id: revealRef,
          addresseeId: caller.user.id,
          targetId: target.id,
          sealed: sealer.seal(pin, revealAad(revealRef, caller.user.id)),
          details,
          createdAt: at,
          expiresAt: revealExpiresAt,
        }),
      );
      return { kind: 'pin-set', details, revealRef, revealExpiresAt };
    });
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
    this.authorize(caller, PERMISSION_OF[command.kind]);
    const resolved = chosen ?? (await this.resolveTarget(caller, command, scope));
    if (!('id' in resolved)) return resolved;
    scope.target = cmdletIdentity(resolved);
    if (!resolved.enabled) throw new UserNotEnabledError(summarize(resolved));
    return action(resolved);
  }

  private async resolveTarget(caller: Caller, command: TargetedCommand, scope: AuditScope): Promise<DirectoryUser | DeskResult> {
    const query = parseIdentity(command.identity);
    if (!query) throw new CommandSyntaxError('Say whose PIN.', 'pin status Ken Myer');
    const limit = this.deps.settings.pickerLimit;
    const { directory } = this.deps;
    const users = await this.directoryCall(() => directory.search(query, limit + 1));
    if (query.kind === 'name') {
      const text = query.text.toLowerCase();
      const exact = users.filter((u) => u.displayName.toLowerCase() === text || u.samAccountName.toLowerCase() === text);
      if (exact.length === 1) return exact[0]!;
    }
    if (users.length === 1) return users[0]!;
    if (users.length === 0) {
      const hints = query.kind === 'name' ? await this.directoryCall(() => directory.suggest(query.text, 3)) : [];
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
    const key = turn.caller;
    if (!key.trusted) throw new UnknownCallerError(key.appearsAs, 'untrusted-channel', key.hint);
    if (!key.account.userPrincipalName && !key.account.samAccountName && !key.account.objectId) {
      throw new UnknownCallerError(key.appearsAs, 'no-identity', key.hint);
    }
    const user = await this.directoryCall(() => this.deps.directory.findAccount(key.account));
    if (!user) throw new UnknownCallerError(key.appearsAs, 'not-in-directory', key.hint);
    scope.actor = user.userPrincipalName;
    const groups = await this.directoryCall(() => this.deps.directory.groupsOf(user));
    const lowered = new Set([...groups].map((g) => g.toLowerCase()));
    const roles = new Set(ROLES.filter((role) => lowered.has(this.deps.settings.roleGroups[role].toLowerCase())));
    return { user, roles };
  }

  private authorize(caller: Caller, permission: Permission): void {
    if (can(caller.roles, permission)) return;
    const allowed = rolesAllowed(permission);
    throw new MissingRoleError(permission, allowed === 'everyone' ? [] : allowed);
  }

  private async effectivePolicy(user: DirectoryUser): Promise<EffectivePolicy> {
    const { policies } = this.deps.store;
    const [all, grantedTag] = await this.backendCall(() => Promise.all([policies.policies(), policies.grantedTag(user.id)]));
    return resolveEffectivePolicy({ grantedTag, site: user.site }, all);
  }

  // ---- continuations --------------------------------------------------------------------------

  private async saveContinuation(caller: Caller, kind: 'choose-user' | 'unlock-and-set', payload: object): Promise<string> {
    const id = nanoid();
    const now = this.deps.clock();
    // Sealed: the command may carry a PIN the admin typed.
    const sealed = this.deps.sealer.seal(JSON.stringify(payload), continuationAad(id, caller.user.id));
    await this.backendCall(() =>
      this.deps.store.continuations.put({ id, actorId: caller.user.id, kind, sealed, createdAt: now, expiresAt: new Date(now.getTime() + this.deps.settings.choiceTtlMs) }),
    );
    return id;
  }

  /** Loads, checks ownership and consumes a continuation: a double click gets "already used". */
  private async takeContinuation<T>(caller: Caller, ref: string, kind: 'choose-user' | 'unlock-and-set'): Promise<T> {
    const store = this.deps.store.continuations;
    const continuation = await this.backendCall(() => store.get(ref));
    if (!continuation || continuation.kind !== kind) throw new CardExpiredError('choice');
    if (continuation.actorId !== caller.user.id) {
      const owner = await this.directoryCall(() => this.deps.directory.getById(continuation.actorId));
      throw new NotAddresseeError(owner?.displayName ?? 'someone else');
    }
    const payload = JSON.parse(this.open(continuation.sealed, continuationAad(ref, caller.user.id))) as T;
    if (!(await this.backendCall(() => store.consume(ref, this.deps.clock())))) throw new CardExpiredError('choice');
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

  private async directoryCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw error instanceof DeskError ? error : new DirectoryUnavailableError(error);
    }
  }

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
};

function permissionsOf(roles: ReadonlySet<Role>): ReadonlySet<Permission> {
  return new Set(PERMISSIONS.filter((p) => can(roles, p)));
}

function revealAad(id: string, addresseeId: string): string {
  return `reveal:${id}:${addresseeId}`;
}

function continuationAad(id: string, actorId: string): string {
  return `continuation:${id}:${actorId}`;
}

