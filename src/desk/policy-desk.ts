// PIN policy administration (Get/New/Set/Remove/Grant-CsPinPolicy) and the audit trail in chat.
// Every change is audited with before and after values.
import type { Command } from '../domain/commands.js';
import { PolicyConflictError } from '../domain/errors.js';
import { applyPolicyChange, describeChange } from '../domain/policy-admin.js';
import { GLOBAL_DEFAULTS, GLOBAL_POLICY_IDENTITY, resolveEffectivePolicy, tagPolicyIdentity, type PinPolicy } from '../domain/policy.js';
import type { Permission } from '../domain/roles.js';
import { cmdletIdentity, summarize, type DirectoryUser } from '../domain/user.js';
import { directoryCall, type Caller } from './callers.js';
import type { DeskDependencies } from './desk.js';
import type { DeskResult } from './results.js';

export interface PolicyKit {
  authorize(caller: Caller, permission: Permission): void;
  backendCall<T>(call: () => Promise<T>): Promise<T>;
}

interface Scope {
  action: string;
  target?: string | undefined;
  reason?: string | undefined;
}

/** How many audit records a card shows. */
const AUDIT_LIMIT = 15;

export class PolicyDesk {
  constructor(
    private readonly deps: DeskDependencies,
    private readonly kit: PolicyKit,
  ) {}

  async show(caller: Caller, identity: string | undefined): Promise<DeskResult> {
    const all = await this.policies();
    if (identity === undefined) {
      // Anyone may see the policy that governs their own PIN.
      const effective = await this.effective(caller.user, all);
      return { kind: 'policy', policy: effective.policy, source: effective.scope, user: summarize(caller.user) };
    }
    this.kit.authorize(caller, 'pin.status');
    const policy = all.get(identity);
    if (!policy) throw new PolicyConflictError(identity, 'missing', [...all.keys()]);
    return { kind: 'policy', policy, source: scopeOf(identity) };
  }

  async forUser(user: DirectoryUser): Promise<DeskResult> {
    const effective = await this.effective(user, await this.policies());
    return { kind: 'policy', policy: effective.policy, source: effective.scope, user: summarize(user) };
  }

  async list(caller: Caller): Promise<DeskResult> {
    this.kit.authorize(caller, 'pin.status');
    return { kind: 'policies', policies: [...(await this.policies()).values()].sort(byScope) };
  }

  async change(caller: Caller, command: Extract<Command, { kind: 'new-policy' | 'set-policy' | 'remove-policy' }>, scope: Scope): Promise<DeskResult> {
    this.kit.authorize(caller, 'policy.manage');
    const { store } = this.deps;
    const identity = command.policy;
    scope.target = identity;
    const all = await this.policies();
    const before = all.get(identity);
    if (identity.startsWith('site:')) await this.requireSite(identity);
    switch (command.kind) {
      case 'new-policy': {
        if (identity === GLOBAL_POLICY_IDENTITY) throw new PolicyConflictError(identity, 'global');
        if (before) throw new PolicyConflictError(identity, 'exists');
        // A new policy starts from the Skype for Business defaults, as New-CsPinPolicy does.
        const policy: PinPolicy = { identity, ...applyPolicyChange(GLOBAL_DEFAULTS, command.change) };
        await this.kit.backendCall(() => store.policies.savePolicy(policy));
        scope.reason = describeChange(undefined, policy);
        return { kind: 'policy-changed', change: 'created', identity, policy };
      }
      case 'set-policy': {
        if (!before) throw new PolicyConflictError(identity, 'missing', [...all.keys()]);
        const policy: PinPolicy = { identity, ...applyPolicyChange(settingsOf(before), command.change) };
        await this.kit.backendCall(() => store.policies.savePolicy(policy));
        scope.reason = describeChange(before, policy);
        return { kind: 'policy-changed', change: 'changed', identity, policy };
      }
      case 'remove-policy': {
        if (identity === GLOBAL_POLICY_IDENTITY) {
          // Global cannot be deleted: "removing" it resets it to the defaults.
          const policy: PinPolicy = { identity, ...GLOBAL_DEFAULTS };
          await this.kit.backendCall(() => store.policies.savePolicy(policy));
          scope.reason = describeChange(before, policy);
          return { kind: 'policy-changed', change: 'reset', identity, policy };
        }
        if (!before) throw new PolicyConflictError(identity, 'missing', [...all.keys()]);
        await this.kit.backendCall(() => store.policies.removePolicy(identity));
        scope.reason = describeChange(before, undefined);
        return { kind: 'policy-changed', change: 'removed', identity, policy: undefined };
      }
    }
  }

  async grant(user: DirectoryUser, policyName: string | undefined, scope: Scope): Promise<DeskResult> {
    const { store } = this.deps;
    const all = await this.policies();
    if (policyName !== undefined && !all.has(tagPolicyIdentity(policyName))) {
      throw new PolicyConflictError(tagPolicyIdentity(policyName), 'missing', [...all.keys()].filter((k) => k.startsWith('tag:')));
    }
    const before = await this.kit.backendCall(() => store.policies.grantedTag(user.id));
    await this.kit.backendCall(() => store.policies.grant(user.id, policyName));
    scope.action = policyName === undefined ? 'revoke-policy' : 'grant-policy';
    scope.reason = JSON.stringify({ PinPolicy: [before ?? null, policyName ?? null] });
    const effective = await this.effective(user, all);
    return { kind: 'policy-granted', user: summarize(user), policyName, effective };
  }

  async audit(caller: Caller, user: DirectoryUser | undefined): Promise<DeskResult> {
    const { audit } = this.deps.store;
    const records = user
      ? await this.kit.backendCall(() => audit.recent({ target: cmdletIdentity(user), limit: AUDIT_LIMIT }))
      : await this.kit.backendCall(() => audit.recent({ actor: caller.user.userPrincipalName, limit: AUDIT_LIMIT }));
    return { kind: 'audit', records, about: user ? summarize(user) : undefined };
  }

  private async policies(): Promise<ReadonlyMap<string, PinPolicy>> {
    return this.kit.backendCall(() => this.deps.store.policies.policies());
  }

  private async effective(user: DirectoryUser, all: ReadonlyMap<string, PinPolicy>) {
    const grantedTag = await this.kit.backendCall(() => this.deps.store.policies.grantedTag(user.id));
    return resolveEffectivePolicy({ grantedTag, site: user.site }, all);
  }

  private async requireSite(identity: string): Promise<void> {
    const site = identity.slice('site:'.length);
    const sites = await directoryCall(() => this.deps.directory.sites());
    if (!sites.some((s) => s.toLowerCase() === site.toLowerCase())) throw new PolicyConflictError(identity, 'unknown-site', sites);
  }
}

function settingsOf(policy: PinPolicy) {
  const { identity: _identity, ...settings } = policy;
  return settings;
}

function scopeOf(identity: string): 'tag' | 'site' | 'global' {
  return identity.startsWith('tag:') ? 'tag' : identity.startsWith('site:') ? 'site' : 'global';
}

const SCOPE_ORDER = { global: 0, site: 1, tag: 2 } as const;

function byScope(a: PinPolicy, b: PinPolicy): number {
  return SCOPE_ORDER[scopeOf(a.identity)] - SCOPE_ORDER[scopeOf(b.identity)] || a.identity.localeCompare(b.identity);
}
