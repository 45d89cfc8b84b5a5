// The card that answers "set pin": who, which policy, when it expires, the cmdlet, and the PIN
// only after Reveal — only in the copy returned to the person who pressed it.
import type { PinSetDetails, RevealView } from '../desk/results.js';
import { cmdletIdentity } from '../domain/user.js';
import { button, card, facts, formatTime, heading, openUrl, powershell, text, Verbs, type AdaptiveCard } from './elements.js';

export type PinCardState = { shown: 'hidden' } | { shown: 'revealed'; pin: string } | { shown: 'expired' };

export function pinSetCard(details: PinSetDetails, revealRef: string, revealExpiresAt: Date, state: PinCardState): AdaptiveCard {
  const { target } = details;
  const identity = cmdletIdentity(target);
  const own = details.permission === 'request.own';
  const body = [
    heading(own ? 'Your new dial-in PIN' : `${details.unlockedFirst ? 'PIN unlocked and set' : 'PIN set'} for ${target.displayName}`),
    text(
      own
        ? 'Your request was approved and a new PIN was generated. Only you can reveal it.'
        : details.generated
          ? 'A new PIN was generated under the governing policy.'
          : 'The PIN you typed was checked against the governing policy and set.',
      { isSubtle: true, spacing: 'None' },
    ),
    facts([
      ['SIP address', target.sipAddress ?? 'none'],
      ['Line URI', target.lineUri ?? 'none'],
      ['Site', target.site],
      ['Policy', details.policyIdentity],
      ['Set at', formatTime(details.changedAt)],
      ['PIN expires', details.pinExpiresAt ? formatTime(details.pinExpiresAt) : 'never'],
    ]),
    ...historyNote(details),
    ...pinBlock(state, revealExpiresAt, own),
    ...(own ? [] : [powershell(`Set-CsClientPin -Identity "${identity}"`)]),
  ];
  return card(body, actionsFor(state, revealRef, details));
}

/** PIN_AUTHORITY=sfb: say who keeps the history, instead of implying PinDesk checked it. */
function historyNote(details: PinSetDetails) {
  if (details.historyBy !== 'server') return [];
  const ignored = details.ignoreHistoryAsked ? ' `ignore-history` changed nothing.' : '';
  return [text(`PIN history: not checked by PinDesk. The Skype for Business server keeps it and skips it for a PIN an administrator sets.${ignored}`, { isSubtle: true, size: 'Small' })];
}

export function pinSetCardFor(view: RevealView): AdaptiveCard {
  const state: PinCardState = view.expired ? { shown: 'expired' } : view.pin !== undefined ? { shown: 'revealed', pin: view.pin } : { shown: 'hidden' };
  return pinSetCard(view.details, view.revealRef, view.expiresAt, state);
}

function pinBlock(state: PinCardState, revealExpiresAt: Date, own: boolean) {
  switch (state.shown) {
    case 'hidden':
      return [text(`PIN hidden. Press **Reveal PIN** to see it; it can be revealed until ${formatTime(revealExpiresAt)}.`, { spacing: 'Medium' })];
    case 'revealed':
      return [
        text('PIN', { isSubtle: true, spacing: 'Medium' }),
        text(state.pin, { fontType: 'Monospace', size: 'ExtraLarge', weight: 'Bolder', spacing: 'None' }),
        text(`${own ? 'Keep it to yourself.' : 'Give it to the user by a private route.'} Hide it when you are done; it can be revealed until ${formatTime(revealExpiresAt)}.`, {
          isSubtle: true,
          size: 'Small',
        }),
      ];
    case 'expired':
      return [
        text(`This PIN can no longer be revealed: its time ran out and it was deleted. ${own ? 'Ask again with `reset my pin` if you still need it.' : 'Set a new PIN if the user still needs one.'}`, {
          spacing: 'Medium',
          color: 'Attention',
        }),
      ];
  }
}

function actionsFor(state: PinCardState, revealRef: string, details: PinSetDetails) {
  switch (state.shown) {
    case 'hidden':
      return [button('Reveal PIN', { verb: Verbs.reveal, ref: revealRef }, 'positive')];
    case 'revealed': {
      const actions = [button('Hide PIN', { verb: Verbs.hide, ref: revealRef })];
      const mail = details.permission === 'request.own' ? undefined : details.target.mail;
      if (mail) actions.push(openUrl('Email PIN to user', mailtoLink(mail, details.target.displayName, state.pin)));
      return actions;
    }
    case 'expired':
      return [];
  }
}

/** Like the Control Panel's "Open my email application": a draft the admin reviews and sends. */
function mailtoLink(address: string, name: string, pin: string): string {
  const subject = 'Your dial-in conferencing PIN';
  const body = `Hello ${name},\n\nYour dial-in conferencing PIN has been set. Your new PIN is: ${pin}\n\nKeep it private; you can change it on the dial-in conferencing settings page.`;
  return `mailto:${encodeURIComponent(address)}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}
