// Desk results as terminal text and as JSON (for scripts). No PIN here: the caller adds it.
import type { DeskResult } from '../desk/results.js';
import { cmdletIdentity } from '../domain/user.js';

export function formatResult(result: DeskResult): { text: string; json: unknown } {
  switch (result.kind) {
    case 'pin-set': {
      const { details } = result;
      const json = {
        user: cmdletIdentity(details.target),
        displayName: details.target.displayName,
        policy: details.policyIdentity,
        setAt: details.changedAt,
        pinExpiresAt: details.pinExpiresAt ?? null,
        generated: details.generated,
      };
      return { text: `PIN set for ${details.target.displayName} (${json.user}) under ${details.policyIdentity}; expires ${details.pinExpiresAt ?? 'never'}.`, json };
    }
    case 'pin-unlocked':
    case 'pin-locked': {
      const verb = result.kind === 'pin-unlocked' ? 'unlocked' : 'locked';
      return { text: `PIN ${verb} for ${result.target.displayName}${result.wasLocked ? '' : ` (it was not ${verb === 'unlocked' ? 'locked' : 'unlocked'} before)`}.`, json: { user: cmdletIdentity(result.target), [verb]: true, wasLocked: result.wasLocked } };
    }
    case 'pin-status': {
      const s = result.status;
      const json = {
        Identity: cmdletIdentity(result.target),
        IsPinSet: s.isPinSet,
        IsLockedOut: s.isLockedOut,
        LockReason: s.lockReason ?? null,
        LockedUntil: s.lockedUntil?.toISOString() ?? null,
        LastPinChangeTime: s.lastPinChangeTime?.toISOString() ?? null,
        PinExpirationTime: s.pinExpirationTime?.toISOString() ?? null,
        Policy: result.policy.policy.identity,
      };
      return { text: Object.entries(json).map(([k, v]) => `${k.padEnd(18)}: ${v ?? ''}`).join('\n'), json };
    }
    case 'choose-user':
      return {
        text: `Several users match "${result.query}"; be more specific:\n${result.candidates.map((c) => `  ${c.displayName}  ${c.sipAddress ?? c.userPrincipalName}`).join('\n')}`,
        json: { ambiguous: true, candidates: result.candidates.map((c) => ({ displayName: c.displayName, identity: cmdletIdentity(c) })) },
      };
    case 'policy':
    case 'policy-changed': {
      const policy = result.policy;
      const json = result.kind === 'policy' ? { ...policy, source: result.source, user: result.user ? cmdletIdentity(result.user) : undefined } : { change: result.change, identity: result.identity, policy };
      const text = policy ? policyText(policy) : `Removed PIN policy ${result.kind === 'policy-changed' ? result.identity : ''}.`;
      return { text: result.kind === 'policy-changed' ? `PIN policy ${result.identity} ${result.change}.\n${policy ? text : ''}`.trim() : text, json };
    }
    case 'policies':
      return { text: result.policies.map(policyText).join('\n\n'), json: result.policies };
    case 'policy-granted':
      return {
        text: `${result.policyName ? `Granted ${result.policyName} to` : 'Revoked the per-user policy of'} ${result.user.displayName}; governing policy now ${result.effective.policy.identity}.`,
        json: { user: cmdletIdentity(result.user), granted: result.policyName ?? null, effective: result.effective.policy.identity },
      };
    default:
      return { text: result.kind, json: result };
  }
}

function policyText(policy: { identity: string; minPasswordLength: number; pinHistoryCount: number; pinLifetimeDays: number; allowCommonPatterns: boolean; maximumLogonAttempts?: number | undefined; description?: string | undefined }): string {
  return [
    `Identity             : ${policy.identity}`,
    `MinPasswordLength    : ${policy.minPasswordLength}`,
    `PINHistoryCount      : ${policy.pinHistoryCount}`,
    `PINLifetime          : ${policy.pinLifetimeDays}`,
    `AllowCommonPatterns  : ${policy.allowCommonPatterns ? 'True' : 'False'}`,
    `MaximumLogonAttempts : ${policy.maximumLogonAttempts ?? ''}`,
    `Description          : ${policy.description ?? ''}`,
  ].join('\n');
}
