// PIN policies as readable tables, and the audit trail as a card.
import type { EffectivePolicy, PinPolicy } from '../domain/policy.js';
import { cmdletIdentity, type UserSummary } from '../domain/user.js';
import type { AuditRecord } from '../ports/store.js';
import { card, facts, formatTime, heading, powershell, text, type AdaptiveCard, type CardElement } from './elements.js';

const SOURCE: Record<EffectivePolicy['scope'], string> = {
  tag: 'a per-user policy granted to them',
  site: 'their site',
  global: 'the Global policy (no per-user or site policy applies)',
};

function settings(policy: PinPolicy): CardElement {
  return facts([
    ['MinPasswordLength', String(policy.minPasswordLength)],
    ['PINHistoryCount', String(policy.pinHistoryCount)],
    ['PINLifetime', policy.pinLifetimeDays === 0 ? '0 (never expires)' : `${policy.pinLifetimeDays} days`],
    ['AllowCommonPatterns', policy.allowCommonPatterns ? 'True' : 'False'],
    ['MaximumLogonAttempts', policy.maximumLogonAttempts === undefined ? 'unset (by PIN length)' : String(policy.maximumLogonAttempts)],
    ['Description', policy.description],
  ]);
}

export function policyCard(policy: PinPolicy, source: EffectivePolicy['scope'], user?: UserSummary): AdaptiveCard {
  return card([
    heading(user ? `PIN policy for ${user.displayName}: ${policy.identity}` : `PIN policy ${policy.identity}`),
    ...(user ? [text(`It comes from ${SOURCE[source]}.`, { isSubtle: true, spacing: 'None' })] : []),
    settings(policy),
    powershell(user ? `Get-CsUser -Identity "${cmdletIdentity(user)}" | Select-Object PinPolicy` : `Get-CsPinPolicy -Identity "${policy.identity}"`),
  ]);
}

export function policiesCard(policies: readonly PinPolicy[]): AdaptiveCard {
  return card([
    heading(`${policies.length} PIN polic${policies.length === 1 ? 'y' : 'ies'}`),
    text('Most specific wins: per-user (tag:), then site:, then Global.', { isSubtle: true, spacing: 'None' }),
    ...policies.map((policy) => ({ type: 'Container', separator: true, items: [text(`**${policy.identity}**`), settings(policy)] })),
    powershell('Get-CsPinPolicy'),
  ]);
}

export function auditCard(records: readonly AuditRecord[], about: UserSummary | undefined): AdaptiveCard {
  const title = about ? `Last actions on ${about.displayName}` : 'Your recent actions';
  if (records.length === 0) return card([heading(title), text('Nothing recorded yet.')]);
  return card([
    heading(title),
    ...records.map((r) => ({
      type: 'Container',
      separator: true,
      items: [
        text(`**${r.action}** · ${r.outcome}${r.reason ? ` (${r.reason.length > 80 ? `${r.reason.slice(0, 80)}…` : r.reason})` : ''}`, { spacing: 'None' }),
        text(`${formatTime(r.at)} · by ${r.actor}${about ? '' : r.target ? ` · on ${r.target}` : ''}`, { isSubtle: true, size: 'Small', spacing: 'None' }),
      ],
    })),
  ]);
}
