// PIN policies (New/Set/Get/Grant-CsPinPolicy) and which one governs a user.
// Scopes, most specific first: per-user tag → site → Global.
import { z } from 'zod';

export const pinPolicySettingsSchema = z
  .object({
    minPasswordLength: z.number().int().min(4).max(24),
    pinHistoryCount: z.number().int().min(0).max(20),
    pinLifetimeDays: z.number().int().min(0).max(999),
    allowCommonPatterns: z.boolean(),
    /** Replaces the local failure limit only; undefined = by PIN length. */
    maximumLogonAttempts: z.number().int().min(1).max(999).optional(),
    description: z.string().max(1024).optional(),
  })
  .refine((p) => p.pinLifetimeDays === 0 || p.pinHistoryCount > 0, {
    message: 'PINLifetime greater than 0 requires PINHistoryCount greater than 0',
    path: ['pinHistoryCount'],
  });

export type PinPolicySettings = z.infer<typeof pinPolicySettingsSchema>;

/** `Global`, `site:Redmond` or `tag:StrictPin` — the identities Get-CsPinPolicy shows. */
export type PolicyIdentity = string;

export interface PinPolicy extends PinPolicySettings {
  identity: PolicyIdentity;
}

export const GLOBAL_POLICY_IDENTITY = 'Global';

export const GLOBAL_DEFAULTS: PinPolicySettings = Object.freeze({
  minPasswordLength: 5,
  pinHistoryCount: 0,
  pinLifetimeDays: 0,
  allowCommonPatterns: false,
});

export function sitePolicyIdentity(site: string): PolicyIdentity {
  return `site:${site}`;
}

export function tagPolicyIdentity(name: string): PolicyIdentity {
  return `tag:${name}`;
}

/** Where the governing policy came from, for cards ("site:Redmond") and audit. */
export interface EffectivePolicy {
  policy: PinPolicy;
  scope: 'tag' | 'site' | 'global';
}

export interface PolicyLookup {
  /** Policy granted to the user (the tag name, without `tag:`), if any. */
  grantedTag?: string | undefined;
  site?: string | undefined;
}

/**
 * Most specific wins. A grant that points at a policy which no longer exists falls through to
 * the site, as SfB does once the policy is removed.
 */
export function resolveEffectivePolicy(
  lookup: PolicyLookup,
  policies: ReadonlyMap<PolicyIdentity, PinPolicy>,
): EffectivePolicy {
  if (lookup.grantedTag) {
    const tag = policies.get(tagPolicyIdentity(lookup.grantedTag));
    if (tag) return { policy: tag, scope: 'tag' };
  }
  if (lookup.site) {
    const site = policies.get(sitePolicyIdentity(lookup.site));
    if (site) return { policy: site, scope: 'site' };
  }
  const global = policies.get(GLOBAL_POLICY_IDENTITY) ?? { identity: GLOBAL_POLICY_IDENTITY, ...GLOBAL_DEFAULTS };
  return { policy: global, scope: 'global' };
}

/** The day a PIN set at `setAt` expires under `policy`, or undefined when it never does. */
export function pinExpiry(setAt: Date, policy: PinPolicySettings): Date | undefined {
  if (policy.pinLifetimeDays <= 0) return undefined;
  return new Date(setAt.getTime() + policy.pinLifetimeDays * 24 * 60 * 60 * 1000);
}
