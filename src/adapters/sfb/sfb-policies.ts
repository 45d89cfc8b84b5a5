// PIN policies on the Skype for Business server (PIN_AUTHORITY=sfb): Get-, New-, Set-, Remove- and
// Grant-CsPinPolicy through the worker, and the governing policy found as the server finds it
// (the user's per-user PinPolicy, else the site of their registrar pool, else Global). PinDesk's
// own policy table is not used. The server keeps the PIN history itself.
import { PolicyConflictError, UserNotEnabledError, BackendError } from '../../domain/errors.js';
import {
  GLOBAL_DEFAULTS,
  GLOBAL_POLICY_IDENTITY,
  pinPolicySettingsSchema,
  sitePolicyIdentity,
  tagPolicyIdentity,
  type EffectivePolicy,
  type PinPolicy,
  type PolicyIdentity,
} from '../../domain/policy.js';
import { summarize, type DirectoryUser } from '../../domain/user.js';
import type { GoverningPolicy, PolicyAuthority } from '../../ports/policy-authority.js';
import { SIP_ADDRESS, SfbError, type Operation, type Operations, type PinPolicy as ServerPolicy, type PolicySettings } from './protocol.js';
import type { SfbWorkerClient } from './sfb-authority.js';
import { sfbBackendError } from './sfb-failure.js';

export class SfbPolicies implements PolicyAuthority {
  readonly name = 'skype-for-business';
  readonly history = 'server' as const;

  constructor(
    private readonly worker: SfbWorkerClient,
    /** Told of every server failure with its full error (never holding a PIN): where it is logged. */
    private readonly onFailure: (error: SfbError) => void = () => {},
  ) {}

  async policies(): Promise<ReadonlyMap<PolicyIdentity, PinPolicy>> {
    const { policies } = await this.call('policy-get', {});
    const all = new Map<PolicyIdentity, PinPolicy>();
    for (const policy of policies.map(fromServer)) all.set(policy.identity, policy);
    // The server always has Global; should a read not show it, the defaults are what applies.
    if (!all.has(GLOBAL_POLICY_IDENTITY)) all.set(GLOBAL_POLICY_IDENTITY, { identity: GLOBAL_POLICY_IDENTITY, ...GLOBAL_DEFAULTS });
    return all;
  }

  /** One call: the worker reads Get-CsUser, Get-CsPool and Get-CsPinPolicy and resolves as the server does. */
  async governing(user: DirectoryUser): Promise<GoverningPolicy> {
    const found = await this.call('user-policy', { identity: sipOf(user) }, user);
    const policy = found.Policy ? fromServer(found.Policy) : { identity: GLOBAL_POLICY_IDENTITY, ...GLOBAL_DEFAULTS };
    return { policy, scope: scopeOf(policy.identity), grantedTag: found.PinPolicy?.replace(/^tag:/i, '') ?? undefined };
  }

  async save(policy: PinPolicy, how: 'create' | 'change'): Promise<void> {
    const settings = toServer(policy, how);
    if (how === 'create') await this.call('policy-new', { identity: policy.identity, ...settings });
    else await this.call('policy-set', { identity: policy.identity, ...settings });
  }

  async remove(identity: PolicyIdentity): Promise<void> {
    // Remove-CsPinPolicy on Global resets it to the defaults (the server's own behaviour).
    await this.call('policy-remove', { identity });
  }

  async grant(user: DirectoryUser, tag: string | undefined): Promise<void> {
    await this.call('policy-grant', { identity: sipOf(user), policyName: tag ?? null }, user, tag);
  }

  private async call<O extends Operation>(op: O, args: Operations[O]['args'], user?: DirectoryUser, tag?: string): Promise<Operations[O]['result']> {
    try {
      return await this.worker.call(op, args);
    } catch (error) {
      if (!(error instanceof SfbError)) throw error;
      this.onFailure(error);
      throw translate(error, op, args as { identity?: string }, user, tag);
    }
  }
}

function translate(error: SfbError, op: Operation, args: { identity?: string }, user: DirectoryUser | undefined, tag: string | undefined): Error {
  const missing = error.kind === 'not-found' || error.kind === 'not-enabled';
  if (missing && op === 'policy-grant' && tag !== undefined && /^(PolicyNotFound|ItemNotFound)/.test(error.details.fqid ?? '')) {
    return new PolicyConflictError(tagPolicyIdentity(tag), 'missing');
  }
  if (missing && user) return new UserNotEnabledError(summarize(user));
  if (missing && (op === 'policy-set' || op === 'policy-remove') && args.identity) return new PolicyConflictError(args.identity, 'missing');
  return sfbBackendError(error, op);
}

/** The SIP address the server gets: the one resolved in the directory, never free text. */
function sipOf(user: DirectoryUser): string {
  if (!user.sipAddress || !SIP_ADDRESS.test(user.sipAddress)) throw new UserNotEnabledError(summarize(user));
  return user.sipAddress;
}

/** `Global`, `Site:Redmond`, `Tag:StrictPin` (or a bare tag) as PinDesk writes them. */
export function identityFromServer(identity: string): PolicyIdentity {
  if (/^global$/i.test(identity)) return GLOBAL_POLICY_IDENTITY;
  const site = /^site:(.+)$/i.exec(identity);
  if (site) return sitePolicyIdentity(site[1]!);
  return tagPolicyIdentity(identity.replace(/^tag:/i, ''));
}

/** The server's policy in PinDesk's terms; an unset value is the server's default. */
export function fromServer(server: ServerPolicy): PinPolicy {
  const identity = identityFromServer(server.Identity);
  const parsed = pinPolicySettingsSchema.safeParse({
    minPasswordLength: server.MinPasswordLength ?? GLOBAL_DEFAULTS.minPasswordLength,
    pinHistoryCount: server.PINHistoryCount ?? GLOBAL_DEFAULTS.pinHistoryCount,
    pinLifetimeDays: server.PINLifetime ?? GLOBAL_DEFAULTS.pinLifetimeDays,
    allowCommonPatterns: server.AllowCommonPatterns ?? GLOBAL_DEFAULTS.allowCommonPatterns,
    ...(server.MaximumLogonAttempts != null ? { maximumLogonAttempts: server.MaximumLogonAttempts } : {}),
    ...(server.Description ? { description: server.Description } : {}),
  });
  if (!parsed.success) {
    throw new BackendError(undefined, { reason: `the server's PIN policy ${identity} has settings PinDesk cannot read (${parsed.error.issues[0]?.message ?? 'invalid'})`, changed: 'nothing' });
  }
  return { identity, ...parsed.data };
}

/**
 * Every setting, as New-/Set-CsPinPolicy parameters. On a change, an unset MaximumLogonAttempts is
 * sent as null so the server clears it too.
 */
export function toServer(policy: PinPolicy, how: 'create' | 'change'): PolicySettings {
  return {
    minPasswordLength: policy.minPasswordLength,
    pinHistoryCount: policy.pinHistoryCount,
    pinLifetime: policy.pinLifetimeDays,
    allowCommonPatterns: policy.allowCommonPatterns,
    ...(policy.maximumLogonAttempts !== undefined ? { maximumLogonAttempts: policy.maximumLogonAttempts } : how === 'change' ? { maximumLogonAttempts: null } : {}),
    ...(policy.description !== undefined ? { description: policy.description } : {}),
  };
}

function scopeOf(identity: PolicyIdentity): EffectivePolicy['scope'] {
  return identity === GLOBAL_POLICY_IDENTITY ? 'global' : identity.startsWith('site:') ? 'site' : 'tag';
}
