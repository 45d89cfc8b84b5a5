// The one place a DeskError becomes words a chat user reads: what was wrong and what to do.
// Every answer also says, where it matters, that nothing changed. `MESSAGES` holds exactly one
// message per error code of the catalogue in domain/errors.ts: a code without one does not compile,
// so there is no generic fallback; only what is not a catalogued DeskError (a bug, a raw
// exception) gets "Something went wrong on my side".
import { COMMON_PATTERN_TEXT } from '../domain/common-patterns.js';
import { isKnownError, type ErrorByCode } from '../domain/error-catalogue.js';
import type { ErrorCode, PinRuleError, UnknownCallerError } from '../domain/errors.js';
import { maskDigits } from '../domain/mask-digits.js';
import type { Permission } from '../domain/roles.js';
import { LOCKED_REFUSAL } from './pin-action-cards.js';

const ACTION_TEXT: Record<Permission, string> = {
  'pin.set': 'set PINs',
  'pin.unlock': 'unlock PINs',
  'pin.lock': 'lock PINs',
  'pin.status': 'view PIN status',
  'user.find': 'find users',
  'policy.grant': 'grant PIN policies',
  'policy.manage': 'change PIN policies',
  'request.decide': 'approve PIN requests',
  'request.own': 'request a PIN reset',
  'approvals.manage': 'choose where approval requests go',
  'audit.view': "see the audit of other users' PINs",
};

/** Each code's answer, given the error of that code: one per code, and a missing one does not compile. */
export type MessageCatalogue = { [C in ErrorCode]: (error: ErrorByCode[C]) => string };

export const MESSAGES: MessageCatalogue = {
  'bad-command': (error) =>
    `${error.problem}${error.example ? ` Try: \`${error.example}\`` : ''}${error.example === 'help' ? '' : ' — or type `help`.'}`,
  'pin-rule': (error) => `PIN not set: ${pinRuleText(error)} Nothing was changed.`,
  'missing-role': (error) => `You can't ${ACTION_TEXT[error.permission]}: that needs ${error.rolesNeeded.join(' or ')}. Nothing was changed.`,
  'out-of-scope': (error) => {
    const held = error.held.map((h) => `${h.role} (${[...h.ous.map((ou) => `OU:${ou}`), ...h.sites.map((s) => `site:${s}`)].join(', ')})`).join(', ');
    const needed = [`OU:${error.location.ou}`, ...(error.location.site ? [`site:${error.location.site}`] : [])].join(' or ');
    return `You can't ${ACTION_TEXT[error.permission]} for ${error.user.displayName}: your role covers other users only (${held}). It needs a role scoped to ${needed}. Nothing was changed.`;
  },
  'no-match': (error) => {
    // A directory value may hold a line break or another control character: one line each.
    const hints = error.hints.map((h) => oneLine(`${h.displayName} (${h.sipAddress?.replace(/^sip:/i, '') ?? h.userPrincipalName})`));
    return `No user matches "${maskDigits(error.query)}".${hints.length > 0 ? ` Did you mean ${hints.join(', ')}?` : ' Try the full name, account name or SIP address.'}`;
  },
  'user-not-enabled': (error) => `${error.user.displayName} is not enabled for Skype for Business, so has no dial-in PIN. Nothing was changed.`,
  'pin-locked': () => `${LOCKED_REFUSAL} Nothing was changed.`,
  'unknown-caller': (error) => unknownCallerText(error) + (error.hint ? ` ${error.hint}` : ''),
  'pin-exposed': () =>
    'I did not set that PIN: it is visible to everyone in this conversation. Type it in your 1:1 chat with me, or let me generate one here with `set pin <user>`.',
  'no-private-chat': (error) => {
    switch (error.reason) {
      case 'shared':
        return 'I can only send PINs in a 1:1 chat. Message me directly and try again; nothing was changed.';
      case 'not-installed':
        return `I can't open a 1:1 chat with you, so I changed nothing: PinDesk isn't installed for you personally. Install it${error.installLink ? ` (${error.installLink})` : ' from the Teams app store'} or write to me once in a 1:1 chat, then try again.`;
      case 'unreachable':
        return "I couldn't open our 1:1 chat just now (Teams didn't answer), so I changed nothing. Try again in a minute, or write to me in our 1:1 chat.";
    }
  },
  'not-addressee': (error) => `This card is for ${error.addresseeName} only. Nothing was shown or changed.`,
  'card-expired': (error) => {
    switch (error.what) {
      case 'request':
        return "I can't find that request any more. Type `my requests` to see yours.";
      case 'reveal':
        return 'This PIN can no longer be revealed. Set a new PIN if the user still needs one.';
      case 'choice':
        return 'That choice has expired or was already made. Send the command again.';
    }
  },
  'bad-choice': () => "That is not one of the choices I offered, so I did nothing. Press one of the card's buttons.",
  'policy-setting': (error) => `Policy not changed: ${error.parameter} ${error.problem}.`,
  'policy-conflict': (error) => {
    switch (error.problem) {
      case 'exists':
        return `Policy ${error.identity} already exists; change it with \`Set-CsPinPolicy -Identity ${error.identity} ...\`.`;
      case 'missing':
        return `There is no PIN policy ${error.identity}.${error.known.length > 0 ? ` Known: ${error.known.join(', ')}.` : ''}`;
      case 'global':
        return 'The Global policy always exists; change it with `Set-CsPinPolicy` (no identity).';
      case 'unknown-site':
        return `There is no site "${error.identity.slice('site:'.length)}".${error.known.length > 0 ? ` Sites: ${error.known.join(', ')}.` : ''}`;
    }
  },
  'self-approval': () => "You can't decide your own request: another approver has to. Nothing was changed.",
  'rate-limited': (error) =>
    error.what === 'requests-per-day'
      ? `You have made ${error.limit} PIN requests in the last 24 hours, the most allowed. Ask your helpdesk directly.`
      : `That is more than ${error.limit} decisions in a minute. Wait a moment and try again; nothing was changed.`,
  'cannot-dial-in': () =>
    'Your account has no SIP address or phone number, so it cannot dial in and has no PIN to reset. Ask your helpdesk if that is wrong.',
  'directory-unavailable': () => "The directory isn't answering right now, so I changed nothing. Try again in a minute.",
  'store-unavailable': (error) => {
    switch (error.changed) {
      case 'nothing':
        return "PinDesk's database isn't answering right now, so nothing was changed. Try again in a minute; if it keeps failing, tell your PinDesk administrator.";
      case 'unknown':
        return "PinDesk lost its database connection while saving, so I can't tell whether that was saved. Once it is back, check before trying again (`pin status` for a PIN); a PIN that was set still gets its private PIN card then.";
      case 'saved':
        return "That was done and saved, but PinDesk's database stopped answering before I could show the result. Check again in a minute; don't repeat it.";
    }
  },
  'backend-error': (error) => {
    if (!error.detail) return 'The PIN service failed, so nothing was changed. Try again in a minute; if it keeps failing, tell your PinDesk administrator.';
    const reason = maskDigits(error.detail.reason).replace(/[.\s]+$/, '');
    switch (error.detail.changed) {
      case 'nothing':
        return `${reason}, so nothing was changed. Try again in a minute; if it keeps failing, tell your PinDesk administrator.`;
      case 'unknown':
        return `${reason}. I can't tell whether the change was made: check with \`pin status\` before trying again.`;
      case 'checking':
        return `${reason}, so I can't tell yet whether the PIN was set. PinDesk will check with the server and say privately whether it was (with the PIN card if it was).`;
      case 'unlocked':
        return `The PIN was unlocked, but setting the PIN failed: ${reason}. The old PIN is unchanged and now unlocked; try \`set pin\` again.`;
      case 'unlocked-checking':
        return `The PIN was unlocked, but I can't tell yet whether the new PIN was set: ${reason}. PinDesk will check with the server and say privately whether it was (with the PIN card if it was).`;
      case 'unlocked-set-unknown':
        return `The PIN was unlocked, but I can't tell whether the new PIN was set: ${reason}. Check with \`pin status\` before trying again.`;
    }
  },
};

/** What anything outside the catalogue gets: a bug or a raw exception, never a rule's refusal. */
export const SOMETHING_WENT_WRONG = 'Something went wrong on my side; nothing was changed. Please try again in a minute.';

export function errorMessage(error: unknown): string {
  return isKnownError(error) ? messageFor(error.code, error) : SOMETHING_WENT_WRONG;
}

/** Looks the message up by code; generic so the code and the error's class stay correlated. */
function messageFor<C extends ErrorCode>(code: C, error: ErrorByCode[C]): string {
  return MESSAGES[code](error);
}

function unknownCallerText(error: UnknownCallerError): string {
  switch (error.reason) {
    case 'untrusted-channel':
      return `I can't verify who you are on this channel (you appear as "${error.appearsAs}"). Use PinDesk from Microsoft Teams.`;
    case 'no-identity':
      return "I can't tell who you are: your message carried no user id.";
    case 'not-in-roster':
      return "Teams doesn't list you as a member of this conversation, so I can't tell who you are. Nothing was changed.";
    case 'roster-unavailable':
      return "I couldn't look you up in Teams just now, so I did nothing. Try again in a minute.";
    case 'not-in-directory':
      return `You appear as "${error.appearsAs}", and that account is not in the directory. Ask your administrator to check your account.`;
  }
}

function pinRuleText(error: PinRuleError): string {
  const { minimum, maximum, pattern, historyCount } = error.details;
  switch (error.rule) {
    case 'digits-only':
      return 'a PIN can contain digits only (no letters, spaces or signs).';
    case 'too-short':
      return `the policy requires at least ${minimum} digits (MinPasswordLength).`;
    case 'too-long':
      return `a PIN can have at most ${maximum} digits.`;
    case 'common-pattern':
      return `the policy does not allow common patterns, and ${COMMON_PATTERN_TEXT[pattern!]} (AllowCommonPatterns is False).`;
    case 'in-history':
      return `it matches one of the user's last ${historyCount} PINs (PINHistoryCount). Choose another, or add \`ignore-history\` to override.`;
    case 'server-policy':
      return `the Skype for Business server's PIN policy refused it${error.details.serverReason ? ` (${maskDigits(error.details.serverReason).replace(/[.\s]+$/, '')})` : ''}.`;
  }
}

/** Control characters (line breaks included) as single spaces: a name stays on its line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\s*[\u0000-\u001f\u007f]+\s*/g, ' ');
}
