import { describe, expect, it } from 'vitest';
import { errorMessage, MESSAGES, SOMETHING_WENT_WRONG, type MessageCatalogue } from '../../src/cards/error-messages.js';
import * as errors from '../../src/domain/errors.js';
import {
  BackendError,
  BadChoiceError,
  CannotDialInError,
  CardExpiredError,
  CommandSyntaxError,
  DeskError,
  DirectoryUnavailableError,
  MissingRoleError,
  NoPrivateChatError,
  NotAddresseeError,
  NoUserMatchError,
  OutOfScopeError,
  PinExposedError,
  PinLockedError,
  PinRuleError,
  PolicyConflictError,
  PolicySettingError,
  RateLimitedError,
  SelfApprovalError,
  StoreUnavailableError,
  UnknownCallerError,
  UserNotEnabledError,
  type ErrorCode,
} from '../../src/domain/errors.js';
import { ERROR_CLASSES, isKnownError, type ErrorByCode } from '../../src/domain/error-catalogue.js';
import type { UserSummary } from '../../src/domain/user.js';

const ken: UserSummary = {
  id: 'u-ken',
  displayName: 'Ken Myer',
  sipAddress: 'sip:ken.myer@contoso.com',
  userPrincipalName: 'ken.myer@contoso.com',
  lineUri: 'tel:+14255550100',
  site: 'Redmond',
};
const kenMeyer: UserSummary = { id: 'u-kmeyer', displayName: 'Ken Meyer', sipAddress: 'sip:ken.meyer@contoso.com', userPrincipalName: 'ken.meyer@contoso.com' };
const nora: UserSummary = { id: 'u-nora', displayName: 'Nora Lane', userPrincipalName: 'nora.lane@contoso.com' };

// ---- Type-level tests: checked by `tsc --noEmit -p .` (test/ is in tsconfig.json's include). ----

// A catalogue without one code's message does not compile.
const { 'backend-error': _dropped, ...withoutBackend } = MESSAGES;
// @ts-expect-error Property ''backend-error'' is missing
const incomplete: MessageCatalogue = { ...withoutBackend };

// A message for a code outside the catalogue does not compile either.
// @ts-expect-error Object literal may only specify known properties
const extra: MessageCatalogue = { ...MESSAGES, 'no-such-code': () => 'never' };

// Each message gets its own class: reading another class's field does not compile.
// @ts-expect-error Property 'rule' does not exist on type 'BackendError'
const mistyped: MessageCatalogue = { ...MESSAGES, 'backend-error': (error) => `${error.rule}` };

// A DeskError subclass must take a code from the catalogue.
export class RogueCodeError extends DeskError {
  // @ts-expect-error Type '"rogue"' is not assignable to type ErrorCode
  readonly code = 'rogue';
}

// Every code has a sample below, or this table does not compile: [error, the text a user reads].
const SAMPLES: { [C in ErrorCode]: ReadonlyArray<readonly [ErrorByCode[C], string]> } = {
  'pin-rule': [
    [new PinRuleError('digits-only'), 'PIN not set: a PIN can contain digits only (no letters, spaces or signs). Nothing was changed.'],
    [new PinRuleError('too-short', { minimum: 6 }), 'PIN not set: the policy requires at least 6 digits (MinPasswordLength). Nothing was changed.'],
    [new PinRuleError('too-long', { maximum: 24 }), 'PIN not set: a PIN can have at most 24 digits. Nothing was changed.'],
    [
      new PinRuleError('common-pattern', { pattern: 'sequence' }),
      'PIN not set: the policy does not allow common patterns, and it contains 4 or more consecutive digits in a row (like 1234 or 4321) (AllowCommonPatterns is False). Nothing was changed.',
    ],
    [
      new PinRuleError('in-history', { historyCount: 3 }),
      "PIN not set: it matches one of the user's last 3 PINs (PINHistoryCount). Choose another, or add `ignore-history` to override. Nothing was changed.",
    ],
  ],
  'missing-role': [
    [new MissingRoleError('pin.set', ['CsAdministrator', 'CsUserAdministrator']), "You can't set PINs: that needs CsAdministrator or CsUserAdministrator. Nothing was changed."],
  ],
  'no-match': [
    [new NoUserMatchError('Ken Myre', [ken, nora]), 'No user matches "Ken Myre". Did you mean Ken Myer (ken.myer@contoso.com), Nora Lane (nora.lane@contoso.com)?'],
    [new NoUserMatchError('nobody 730194', []), 'No user matches "nobody ••••". Try the full name, account name or SIP address.'],
    // A directory name with a line break (or another control character) stays on one line.
    [new NoUserMatchError('Ken', [{ ...ken, displayName: 'Ken\nMyer\u0007' }]), 'No user matches "Ken". Did you mean Ken Myer (ken.myer@contoso.com)?'],
  ],
  'user-not-enabled': [[new UserNotEnabledError(nora), 'Nora Lane is not enabled for Skype for Business, so has no dial-in PIN. Nothing was changed.']],
  'pin-locked': [
    [new PinLockedError(ken, 'ref-1'), 'If the PIN is locked, you must unlock the PIN before you can set it. Nothing was changed.'],
  ],
  'unknown-caller': [
    [
      new UnknownCallerError('mallory', 'untrusted-channel'),
      'I can\'t verify who you are on this channel (you appear as "mallory"). Use PinDesk from Microsoft Teams.',
    ],
    [new UnknownCallerError('someone', 'no-identity'), "I can't tell who you are: your message carried no user id."],
    [new UnknownCallerError('29:someone', 'roster-unavailable'), "I couldn't look you up in Teams just now, so I did nothing. Try again in a minute."],
    [new UnknownCallerError('29:someone', 'not-in-roster'), "Teams doesn't list you as a member of this conversation, so I can't tell who you are. Nothing was changed."],
    [
      new UnknownCallerError('zed', 'not-in-directory', 'In the Emulator, sign in as pilar.'),
      'You appear as "zed", and that account is not in the directory. Ask your administrator to check your account. In the Emulator, sign in as pilar.',
    ],
  ],
  'pin-exposed': [
    [
      new PinExposedError(),
      'I did not set that PIN: it is visible to everyone in this conversation. Type it in your 1:1 chat with me, or let me generate one here with `set pin <user>`.',
    ],
  ],
  'no-private-chat': [[new NoPrivateChatError(), 'I can only send PINs in a 1:1 chat. Message me directly and try again; nothing was changed.']],
  'not-addressee': [[new NotAddresseeError('Pilar Ackerman'), 'This card is for Pilar Ackerman only. Nothing was shown or changed.']],
  'card-expired': [
    [new CardExpiredError('reveal'), 'This PIN can no longer be revealed. Set a new PIN if the user still needs one.'],
    [new CardExpiredError('choice'), 'That choice has expired or was already made. Send the command again.'],
    [new CardExpiredError('request'), "I can't find that request any more. Type `my requests` to see yours."],
  ],
  'bad-choice': [[new BadChoiceError(), "That is not one of the choices I offered, so I did nothing. Press one of the card's buttons."]],
  'bad-command': [
    [new CommandSyntaxError('I did not understand that.', 'set pin Ken Myer'), 'I did not understand that. Try: `set pin Ken Myer` — or type `help`.'],
    [new CommandSyntaxError('I did not understand that.', 'help'), 'I did not understand that. Try: `help`'],
    [new CommandSyntaxError('Which user?'), 'Which user? — or type `help`.'],
  ],
  'directory-unavailable': [
    [new DirectoryUnavailableError(new Error('ECONNREFUSED')), "The directory isn't answering right now, so I changed nothing. Try again in a minute."],
  ],
  'backend-error': [
    [
      new BackendError(new Error('SQLITE_BUSY')),
      'The PIN service failed, so nothing was changed. Try again in a minute; if it keeps failing, tell your PinDesk administrator.',
    ],
    [
      new BackendError(undefined, { reason: 'PinDesk could not reach the Skype for Business server', changed: 'nothing' }),
      'PinDesk could not reach the Skype for Business server, so nothing was changed. Try again in a minute; if it keeps failing, tell your PinDesk administrator.',
    ],
    [
      new BackendError(undefined, { reason: 'the Skype for Business server did not answer in time', changed: 'unknown' }),
      "the Skype for Business server did not answer in time. I can't tell whether the change was made: check with `pin status` before trying again.",
    ],
    [
      new BackendError(undefined, { reason: 'the server refused: code 12345', changed: 'unlocked' }),
      'The PIN was unlocked, but setting the PIN failed: the server refused: code ••••. The old PIN is unchanged and now unlocked; try `set pin` again.',
    ],
    [
      new BackendError(undefined, { reason: 'the Skype for Business worker is not available.', changed: 'unlocked-set-unknown' }),
      "The PIN was unlocked, but I can't tell whether the new PIN was set: the Skype for Business worker is not available. Check with `pin status` before trying again.",
    ],
  ],
  'store-unavailable': [
    [
      new StoreUnavailableError('nothing'),
      "PinDesk's database isn't answering right now, so nothing was changed. Try again in a minute; if it keeps failing, tell your PinDesk administrator.",
    ],
    [
      new StoreUnavailableError('unknown'),
      "PinDesk lost its database connection while saving, so I can't tell whether that was saved. Once it is back, check before trying again (`pin status` for a PIN); a PIN that was set still gets its private PIN card then.",
    ],
    [new StoreUnavailableError('saved'), "That was done and saved, but PinDesk's database stopped answering before I could show the result. Check again in a minute; don't repeat it."],
  ],
  'out-of-scope': [
    [
      new OutOfScopeError('pin.unlock', kenMeyer, { ou: 'OU=Dublin,DC=contoso,DC=com', site: 'Dublin' }, [
        { role: 'CsHelpDesk', via: 'Redmond Helpdesk', ous: ['OU=Redmond,DC=contoso,DC=com'], sites: ['Redmond'] },
      ]),
      "You can't unlock PINs for Ken Meyer: your role covers other users only (CsHelpDesk (OU:OU=Redmond,DC=contoso,DC=com, site:Redmond)). It needs a role scoped to OU:OU=Dublin,DC=contoso,DC=com or site:Dublin. Nothing was changed.",
    ],
    [
      new OutOfScopeError('pin.status', nora, { ou: 'OU=Users,DC=contoso,DC=com' }, [{ role: 'CsHelpDesk', via: 'Dublin Helpdesk', ous: [], sites: ['Dublin'] }]),
      "You can't view PIN status for Nora Lane: your role covers other users only (CsHelpDesk (site:Dublin)). It needs a role scoped to OU:OU=Users,DC=contoso,DC=com. Nothing was changed.",
    ],
  ],
  'self-approval': [[new SelfApprovalError(), "You can't decide your own request: another approver has to. Nothing was changed."]],
  'rate-limited': [
    [new RateLimitedError('requests-per-day', 3), 'You have made 3 PIN requests in the last 24 hours, the most allowed. Ask your helpdesk directly.'],
    [new RateLimitedError('decisions-per-minute', 30), 'That is more than 30 decisions in a minute. Wait a moment and try again; nothing was changed.'],
  ],
  'cannot-dial-in': [
    [
      new CannotDialInError(),
      'Your account has no SIP address or phone number, so it cannot dial in and has no PIN to reset. Ask your helpdesk if that is wrong.',
    ],
  ],
  'policy-setting': [[new PolicySettingError('MinPasswordLength', 'must be between 4 and 24'), 'Policy not changed: MinPasswordLength must be between 4 and 24.']],
  'policy-conflict': [
    [new PolicyConflictError('tag:StrictPin', 'exists'), 'Policy tag:StrictPin already exists; change it with `Set-CsPinPolicy -Identity tag:StrictPin ...`.'],
    [new PolicyConflictError('tag:Nope', 'missing', ['Global', 'tag:StrictPin']), 'There is no PIN policy tag:Nope. Known: Global, tag:StrictPin.'],
    [new PolicyConflictError('tag:Nope', 'missing'), 'There is no PIN policy tag:Nope.'],
    [new PolicyConflictError('Global', 'global'), 'The Global policy always exists; change it with `Set-CsPinPolicy` (no identity).'],
    [new PolicyConflictError('site:Paris', 'unknown-site', ['Dublin', 'Redmond']), 'There is no site "Paris". Sites: Dublin, Redmond.'],
    [new PolicyConflictError('site:Paris', 'unknown-site'), 'There is no site "Paris".'],
  ],
};

const CODES = Object.keys(ERROR_CLASSES) as ErrorCode[];

describe('the error catalogue', () => {
  it('keys each class by its own code, and lists each class once', () => {
    for (const code of CODES) {
      const [sample] = SAMPLES[code];
      expect(sample![0]).toBeInstanceOf(ERROR_CLASSES[code]);
      expect(sample![0].code).toBe(code);
    }
    expect(new Set(Object.values(ERROR_CLASSES)).size).toBe(CODES.length);
  });

  it('holds every DeskError class that domain/errors.ts exports', () => {
    const exported = Object.values(errors).filter((value) => typeof value === 'function' && value.prototype instanceof DeskError);
    expect(new Set(exported)).toEqual(new Set(Object.values(ERROR_CLASSES)));
  });

  it('has exactly one message per code', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual([...CODES].sort());
  });
});

describe('errorMessage', () => {
  for (const code of CODES) {
    it(`${code}: each sample reads as expected, with no raw undefined or [object Object]`, () => {
      for (const [error, text] of SAMPLES[code]) {
        const message = errorMessage(error);
        expect(message).toBe(text);
        expect(message.trim()).not.toBe('');
        expect(message).not.toMatch(/undefined|\[object Object\]|NaN/);
        expect(isKnownError(error)).toBe(true);
      }
    });
  }

  it('anything that is not a DeskError is a fault on our side', () => {
    for (const failure of [new Error('SQLITE_CORRUPT'), new TypeError("Cannot read properties of undefined (reading 'id')"), 'boom', undefined, null, { code: 'pin-rule' }]) {
      expect(errorMessage(failure)).toBe('Something went wrong on my side; nothing was changed. Please try again in a minute.');
    }
    expect(SOMETHING_WENT_WRONG).toBe('Something went wrong on my side; nothing was changed. Please try again in a minute.');
  });

  it('a DeskError outside the catalogue (a class borrowing a code) is treated as a fault, not as that code', () => {
    class Impostor extends DeskError {
      readonly code = 'pin-rule';
    }
    const impostor = new Impostor('impostor');
    expect(isKnownError(impostor)).toBe(false);
    expect(errorMessage(impostor)).toBe(SOMETHING_WENT_WRONG);
  });

  it('a subclass of a catalogued class reads as that class', () => {
    class LoudBackendError extends BackendError {}
    expect(errorMessage(new LoudBackendError(new Error('x')))).toBe(errorMessage(new BackendError()));
  });
});

void [_dropped, incomplete, extra, mistyped];
