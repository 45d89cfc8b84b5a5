// PIN policies in PinDesk's own store (the built-in authority): the policy table and the per-user
// grants, resolved per-user tag → the user's directory site → Global. PinDesk applies them all,
// the history rule included.
import { GLOBAL_DEFAULTS, GLOBAL_POLICY_IDENTITY, resolveEffectivePolicy, type PinPolicy, type PolicyIdentity } from '../domain/policy.js';
import type { DirectoryUser } from '../domain/user.js';
import type { GoverningPolicy, PolicyAuthority } from '../ports/policy-authority.js';
import type { PolicyStore } from '../ports/store.js';

export class BuiltInPolicies implements PolicyAuthority {
  readonly name = 'built-in';
  readonly history = 'pindesk' as const;
  readonly joinsStoreTransaction = true;

  constructor(private readonly store: PolicyStore) {}

  policies(): Promise<ReadonlyMap<PolicyIdentity, PinPolicy>> {
    return this.store.policies();
  }

  async governing(user: DirectoryUser, known?: ReadonlyMap<PolicyIdentity, PinPolicy>): Promise<GoverningPolicy> {
    const [all, grantedTag] = await Promise.all([known ?? this.store.policies(), this.store.grantedTag(user.id)]);
    return { ...resolveEffectivePolicy({ grantedTag, site: user.site }, all), grantedTag };
  }

  /** The store keeps the whole policy, created or changed alike. */
  save(policy: PinPolicy, _how?: 'create' | 'change'): Promise<void> {
    return this.store.savePolicy(policy);
  }

  async remove(identity: PolicyIdentity): Promise<void> {
    // Global cannot be deleted: as on the server, "removing" it resets it to the defaults.
    if (identity === GLOBAL_POLICY_IDENTITY) await this.store.savePolicy({ identity, ...GLOBAL_DEFAULTS });
    else await this.store.removePolicy(identity);
  }

  grant(user: DirectoryUser, tag: string | undefined): Promise<void> {
    return this.store.grant(user.id, tag);
  }
}
