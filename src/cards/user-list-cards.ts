// The picker (several users matched; choose one to continue) and the find-user result list.
import type { TargetedCommand } from '../domain/commands.js';
import type { UserSummary } from '../domain/user.js';
import { actionSet, button, card, heading, text, Verbs, type AdaptiveCard, type CardElement } from './elements.js';

const VERB_TEXT: Record<TargetedCommand['kind'], string> = {
  'set-pin': 'set',
  'unlock-pin': 'unlock',
  'lock-pin': 'lock',
  'pin-status': 'check',
};

function describe(user: UserSummary): string {
  return [user.sipAddress?.replace(/^sip:/i, '') ?? user.userPrincipalName, user.lineUri, user.site].filter(Boolean).join(' · ');
}

export function pickerCard(ref: string, command: TargetedCommand['kind'], query: string, candidates: readonly UserSummary[], more: boolean): AdaptiveCard {
  const rows: CardElement[] = candidates.map((user, choice) => ({
    type: 'Container',
    separator: true,
    items: [
      text(`**${user.displayName}**`, { spacing: 'None' }),
      text(describe(user), { isSubtle: true, size: 'Small', spacing: 'None' }),
      actionSet([button(`Choose ${user.displayName}`, { verb: Verbs.choose, ref, choice })]),
    ],
  }));
  return card([
    heading(`Several users match "${query}"`),
    text(`Choose the one whose PIN you want to ${VERB_TEXT[command]}. Nothing has changed yet.`),
    ...rows,
    ...(more ? [text(`More users match than shown here: narrow your search (full name, account or SIP address).`, { color: 'Attention' })] : []),
  ]);
}

/** Replaces a picker or an "Unlock and set" card once used, so nobody acts on it twice. */
export function pickerDoneCard(note: string): AdaptiveCard {
  return card([heading('Choice made'), text(note, { isSubtle: true })]);
}

export function usersFoundCard(query: string, users: readonly UserSummary[], more: boolean): AdaptiveCard {
  if (users.length === 0) return card([heading(`No users match "${query}"`), text('Try a shorter prefix of the name, or the SIP address.')]);
  return card([
    heading(`${users.length}${more ? '+' : ''} user${users.length === 1 ? '' : 's'} match "${query}"`),
    ...users.map((user) => ({
      type: 'Container',
      separator: true,
      items: [text(`**${user.displayName}**`, { spacing: 'None' }), text(describe(user), { isSubtle: true, size: 'Small', spacing: 'None' })],
    })),
    ...(more ? [text('More users match: narrow your search.', { color: 'Attention' })] : []),
  ]);
}
