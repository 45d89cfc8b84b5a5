// The picker (several users matched; choose one to continue) and the find-user result list.
import type { TargetedCommand } from '../domain/commands.js';
import type { ListedUser } from '../desk/results.js';
import type { UserSummary } from '../domain/user.js';
import { actionSet, button, card, heading, text, Verbs, type AdaptiveCard, type CardElement, type ListAction } from './elements.js';

const VERB_TEXT: Record<TargetedCommand['kind'], string> = {
  'set-pin': 'set',
  'unlock-pin': 'unlock',
  'lock-pin': 'lock',
  'pin-status': 'check',
  'user-policy': 'see the policy of',
  'grant-policy': 'change the policy of',
  'audit-user': 'audit',
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
    text(`Choose the one you mean (to ${VERB_TEXT[command]}). Nothing has changed yet.`),
    ...rows,
    ...(more ? [text(`More users match than shown here: narrow your search (full name, account or SIP address).`, { color: 'Attention' })] : []),
  ]);
}

/** Replaces a picker or an "Unlock and set" card once used, so nobody acts on it twice. */
export function pickerDoneCard(note: string): AdaptiveCard {
  return card([heading('Choice made'), text(note, { isSubtle: true })]);
}

const ACTION_TITLE: Record<ListAction, string> = {
  'set-pin': 'Set PIN',
  'unlock-pin': 'Unlock',
  'lock-pin': 'Lock',
  'pin-status': 'Status',
};

/** Find results: each user with a button per action the caller may take on them. */
export function usersFoundCard(query: string, users: readonly ListedUser[], more: boolean, ref: string | undefined): AdaptiveCard {
  if (users.length === 0) return card([heading(`No users match "${query}"`), text('Try a shorter prefix of the name, or fewer filters.')]);
  return card([
    heading(`${users.length}${more ? '+' : ''} user${users.length === 1 ? '' : 's'} match "${query}"`),
    ...users.map(({ user, actions }, choice) => ({
      type: 'Container',
      separator: true,
      items: [
        text(`**${user.displayName}**${user.site ? ` · ${user.site}` : ''}`, { spacing: 'None' }),
        text(describe(user), { isSubtle: true, size: 'Small', spacing: 'None' }),
        ...(ref && actions.length > 0
          ? [actionSet(actions.map((act) => button(`${ACTION_TITLE[act]}`, { verb: Verbs.act, ref, choice, act })))]
          : []),
      ],
    })),
    ...(more ? [text('More users match than shown: narrow your search (more of the name, or a filter such as `where site = Redmond`).', { color: 'Attention' })] : []),
  ]);
}
