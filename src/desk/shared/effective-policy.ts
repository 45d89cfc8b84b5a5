// The PIN policy that governs a user: per-user grant, else their site's, else Global.
import { resolveEffectivePolicy, type EffectivePolicy, type PinPolicy } from '../../domain/policy.js';
import type { DirectoryUser } from '../../domain/user.js';
import type { PolicyStore } from '../../ports/store.js';

export async function effectivePolicy(policies: PolicyStore, user: DirectoryUser, all?: ReadonlyMap<string, PinPolicy>): Promise<EffectivePolicy> {
  const [known, grantedTag] = await Promise.all([all ?? policies.policies(), policies.grantedTag(user.id)]);
  return resolveEffectivePolicy({ grantedTag, site: user.site }, known);
}
