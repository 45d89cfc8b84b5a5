// Every plain rule and cmdlet of the grammar, each variant it promises and the words around it it
// must not swallow; the exact refusals (problem and example) a chat user reads.
import { describe, expect, it } from 'vitest';
import { CommandSyntaxError } from '../../src/domain/errors.js';
import { parseCommand } from '../../src/desk/commands/registry.js';
import { MAX_COMMAND_LENGTH, normalizeText } from '../../src/domain/grammar/normalize.js';

function refusal(text: string): { problem: string; example: string | undefined } {
  try {
    parseCommand(text);
  } catch (error) {
    if (!(error instanceof CommandSyntaxError)) throw error;
    return { problem: error.problem, example: error.example };
  }
  throw new Error(`parsed: ${text}`);
}

const unknown = (text: string, example = 'help') => ({ problem: `I don't know the command "${text}".`, example });

describe('plain rules: each spelling, nothing before or after', () => {
  it.each([
    ['commands', { kind: 'help' }],
    ['What can you do', { kind: 'help' }],
    ['whoami?', { kind: 'whoami' }],
    ['who am i', { kind: 'whoami' }],
    ['pin policies', { kind: 'list-policies' }],
    ['pinpolicies', { kind: 'list-policies' }],
    ['pin-policies', { kind: 'list-policies' }],
    ['pin policy list', { kind: 'list-policies' }],
    ['get-pin policies list', { kind: 'list-policies' }],
    ['getpin-policy list', { kind: 'list-policies' }],
    ['get-pinpolicy list', { kind: 'list-policies' }],
    ['pin policy', { kind: 'show-policy' }],
    ['show pin policy', { kind: 'show-policy' }],
    ['pinpolicy', { kind: 'show-policy' }],
    ['show pin-policy', { kind: 'show-policy' }],
    ['pin policy Ken Myer', { kind: 'user-policy', identity: 'Ken Myer' }],
    ['pin policy for Ken Myer', { kind: 'user-policy', identity: 'Ken Myer' }],
    ['show pinpolicy of "Ken Myer"', { kind: 'user-policy', identity: 'Ken Myer' }],
    ['pin policy list now', { kind: 'user-policy', identity: 'list now' }],
    ['new pin policy StrictPin min 8 history 5', { kind: 'new-policy', policy: 'tag:StrictPin', change: { minPasswordLength: 8, pinHistoryCount: 5 } }],
    ['new pinpolicy tag:Short', { kind: 'new-policy', policy: 'tag:Short', change: {} }],
    ['New pin-policy site:Dublin min 6', { kind: 'new-policy', policy: 'site:Dublin', change: { minPasswordLength: 6 } }],
    ['set pin policy min 6', { kind: 'set-policy', policy: 'Global', change: { minPasswordLength: 6 } }],
    ['set pin policy', { kind: 'set-policy', policy: 'Global', change: {} }],
    ['set pin policy global min 6', { kind: 'set-policy', policy: 'Global', change: { minPasswordLength: 6 } }],
    ['change pin policy site:Redmond history 3 lifetime 90', { kind: 'set-policy', policy: 'site:Redmond', change: { pinHistoryCount: 3, pinLifetimeDays: 90 } }],
    ['set pin policy StrictPin description "for the board"', { kind: 'set-policy', policy: 'tag:StrictPin', change: { description: 'for the board' } }],
    ['remove pin policy site:Redmond', { kind: 'remove-policy', policy: 'site:Redmond' }],
    ['delete pinpolicy "StrictPin"', { kind: 'remove-policy', policy: 'tag:StrictPin' }],
    ['remove pin-policy Global', { kind: 'remove-policy', policy: 'Global' }],
    ['grant pin policy StrictPin to Ken Myer', { kind: 'grant-policy', policyName: 'StrictPin', identity: 'Ken Myer' }],
    ['grant pinpolicy tag:StrictPin to kmyer', { kind: 'grant-policy', policyName: 'StrictPin', identity: 'kmyer' }],
    ['grant pin-policy StrictPin TO "Ken Myer"', { kind: 'grant-policy', policyName: 'StrictPin', identity: 'Ken Myer' }],
    ['revoke pin policy from Ken Myer', { kind: 'grant-policy', identity: 'Ken Myer', policyName: undefined }],
    ['revoke pinpolicy kmyer', { kind: 'grant-policy', identity: 'kmyer', policyName: undefined }],
    ['audit', { kind: 'audit' }],
    ['audit Ken Myer', { kind: 'audit-user', identity: 'Ken Myer' }],
    ['audit for kmyer', { kind: 'audit-user', identity: 'kmyer' }],
    ['audit of kmyer', { kind: 'audit-user', identity: 'kmyer' }],
    ['set my pin', { kind: 'request-pin', action: 'reset', reason: undefined }],
    ['change my pin: lost it', { kind: 'request-pin', action: 'reset', reason: 'lost it' }],
    ['new my pin for new phone', { kind: 'request-pin', action: 'reset', reason: 'new phone' }],
    ['reset my pin reason: forgot', { kind: 'request-pin', action: 'reset', reason: 'forgot' }],
    ['reset my pin reason forgot', { kind: 'request-pin', action: 'reset', reason: 'forgot' }],
    ['reset my pin, new phone', { kind: 'request-pin', action: 'reset', reason: 'new phone' }],
    ['reset my pin -new phone', { kind: 'request-pin', action: 'reset', reason: 'new phone' }],
    ['reset my pin new phone', { kind: 'request-pin', action: 'reset', reason: 'new phone' }],
    ['reset my pin please - new phone', { kind: 'request-pin', action: 'reset', reason: 'please - new phone' }],
    ['unlock my pin: locked out', { kind: 'request-pin', action: 'unlock', reason: 'locked out' }],
    ['cancel request', { kind: 'cancel-request' }],
    ['cancel pin request', { kind: 'cancel-request' }],
    ['cancel my pin request', { kind: 'cancel-request' }],
    ['my pin requests', { kind: 'my-requests' }],
    ['pin requests', { kind: 'pending-requests' }],
    ['open requests', { kind: 'pending-requests' }],
    ['open pin requests', { kind: 'pending-requests' }],
    ['approvals on', { kind: 'approvals-here', on: true }],
    ['APPROVALS OFF', { kind: 'approvals-here', on: false }],
    ['change pin for Ken Myer', { kind: 'set-pin', identity: 'Ken Myer', pin: undefined, ignoreHistory: false }],
    ['reset-pin kmyer', { kind: 'set-pin', identity: 'kmyer', pin: undefined, ignoreHistory: false }],
    ['resetpin kmyer', { kind: 'set-pin', identity: 'kmyer', pin: undefined, ignoreHistory: false }],
    ['set pin Ken Myer "730194"', { kind: 'set-pin', identity: 'Ken Myer', pin: '730194', ignoreHistory: false }],
    ['set pin Ken Myer 730194 --ignore-history', { kind: 'set-pin', identity: 'Ken Myer', pin: '730194', ignoreHistory: true }],
    ['set pin Ken Myer 730194 -IgnoreHistory', { kind: 'set-pin', identity: 'Ken Myer', pin: '730194', ignoreHistory: true }],
    ['set pin Ken Myer 730194 ignore history', { kind: 'set-pin', identity: 'Ken Myer', pin: '730194', ignoreHistory: true }],
    ['set pin Ken Myer 730194 ignorehistory', { kind: 'set-pin', identity: 'Ken Myer', pin: '730194', ignoreHistory: true }],
    ['set pin Ken Myer to', { kind: 'set-pin', identity: 'Ken Myer to', pin: undefined, ignoreHistory: false }],
    ['set pin to 730194', { kind: 'set-pin', identity: 'to', pin: '730194', ignoreHistory: false }],
    ['set pin Ken 2 730194', { kind: 'set-pin', identity: 'Ken 2', pin: '730194', ignoreHistory: false }],
    ['set pin Ken ken2@contoso.com', { kind: 'set-pin', identity: 'Ken ken2@contoso.com', pin: undefined, ignoreHistory: false }],
    ['set pin Ken a=1', { kind: 'set-pin', identity: 'Ken a=1', pin: undefined, ignoreHistory: false }],
    ['set pin Ken x,1', { kind: 'set-pin', identity: 'Ken x,1', pin: undefined, ignoreHistory: false }],
    ['set pin CONTOSO ken\\2', { kind: 'set-pin', identity: 'CONTOSO ken\\2', pin: undefined, ignoreHistory: false }],
    ['set pin Ken Myer SIP:ken2@contoso.com', { kind: 'set-pin', identity: 'Ken Myer SIP:ken2@contoso.com', pin: undefined, ignoreHistory: false }],
    ['set pin Ken Myer +14255550100', { kind: 'set-pin', identity: 'Ken Myer +14255550100', pin: undefined, ignoreHistory: false }],
    ['set pin Ken Myer TEL:+14255550100', { kind: 'set-pin', identity: 'Ken Myer TEL:+14255550100', pin: undefined, ignoreHistory: false }],
    ['unlock-pin kmyer', { kind: 'unlock-pin', identity: 'kmyer' }],
    ['unlock pin for Ken Myer', { kind: 'unlock-pin', identity: 'Ken Myer' }],
    ['lock-pin kmyer', { kind: 'lock-pin', identity: 'kmyer' }],
    ['lockpin kmyer', { kind: 'lock-pin', identity: 'kmyer' }],
    ['lock pin for Ken Myer', { kind: 'lock-pin', identity: 'Ken Myer' }],
    ['pin-status kmyer', { kind: 'pin-status', identity: 'kmyer' }],
    ['pininfo kmyer', { kind: 'pin-status', identity: 'kmyer' }],
    ['pin info for Ken Myer', { kind: 'pin-status', identity: 'Ken Myer' }],
    ['show pin Ken Myer', { kind: 'pin-status', identity: 'Ken Myer' }],
    ['show pin status of Ken Myer', { kind: 'pin-status', identity: 'Ken Myer' }],
    ['list searches', { kind: 'list-searches' }],
    ['save search dublin as find users where site = Dublin', { kind: 'save-search', name: 'dublin', search: { text: undefined, clauses: [{ property: 'site', operator: 'equals', value: 'Dublin' }] } }],
    ['save search kens as find-user Ken', { kind: 'save-search', name: 'kens', search: { text: 'Ken', clauses: [] } }],
    ['save search kens as finduser Ken', { kind: 'save-search', name: 'kens', search: { text: 'Ken', clauses: [] } }],
    ['save search kens as find Ken', { kind: 'save-search', name: 'kens', search: { text: 'Ken', clauses: [] } }],
    ['save search kens as Ken where site = Dublin', { kind: 'save-search', name: 'kens', search: { text: 'Ken', clauses: [{ property: 'site', operator: 'equals', value: 'Dublin' }] } }],
    ['save search Kens as finder', { kind: 'save-search', name: 'kens', search: { text: 'finder', clauses: [] } }],
    ['run search Dublin', { kind: 'run-search', name: 'dublin' }],
    ['run search a.b_c-1', { kind: 'run-search', name: 'a.b_c-1' }],
    [`run search ${'x'.repeat(40)}`, { kind: 'run-search', name: 'x'.repeat(40) }],
    ['remove search dublin', { kind: 'delete-search', name: 'dublin' }],
    ['search Ken', { kind: 'find-user', search: { text: 'Ken', clauses: [] } }],
    ['search user Ken', { kind: 'find-user', search: { text: 'Ken', clauses: [] } }],
    ['search users Ken', { kind: 'find-user', search: { text: 'Ken', clauses: [] } }],
    ['find users Ken Myer', { kind: 'find-user', search: { text: 'Ken Myer', clauses: [] } }],
    ['finduser Ken', { kind: 'find-user', search: { text: 'Ken', clauses: [] } }],
    ['find-users Ken', { kind: 'find-user', search: { text: 'Ken', clauses: [] } }],
  ])('%s', (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });

  it.each(['please help', 'help me', 'so whoami', 'whoami now', 'whoami!', 'my pin policies', 'the pin policy', 'a new pin policy x', 'then remove pin policy x', 'now grant pin policy x to y', 'to revoke pin policy x', 'an audit', 'the requests', 'my requests please', 'pending requests now', 'approvals here now', 'ask approvals here', 'x unlock pin kmyer', 'x lock pin kmyer', 'a pin status kmyer', 'my saved searches', 'saved searches now', 'list searches now', 'then save search a as b', 'then run search a', 'x delete search a', 'x find user Ken', 'x set pin Ken', 'cancel my request now'])(
    '%s is not a command',
    (text) => {
      expect(refusal(text).problem).toMatch(/^I don't know the command "/);
    },
  );
});

describe('refusals say what is missing, with an example', () => {
  it.each([
    ['new pin policy min 6', { problem: 'Name the new policy: site:<site> or a per-user name.', example: 'new pin policy StrictPin min 8 history 5' }],
    ['new pin policy', { problem: 'Name the new policy: site:<site> or a per-user name.', example: 'new pin policy StrictPin min 8 history 5' }],
    ['remove pin policy', { problem: 'Say which policy to remove.', example: 'remove pin policy site:Redmond' }],
    ['grant pin policy StrictPin', { problem: 'Say which policy and to whom.', example: 'grant pin policy StrictPin to Ken Myer' }],
    ['grant pin policy', { problem: 'Say which policy and to whom.', example: 'grant pin policy StrictPin to Ken Myer' }],
    ['grant pin policy site:Redmond to kmyer', { problem: 'Only per-user policies are granted; site and Global policies apply by themselves.', example: 'grant pin policy StrictPin to Ken Myer' }],
    ['grant pin policy Global to kmyer', { problem: 'Only per-user policies are granted; site and Global policies apply by themselves.', example: 'grant pin policy StrictPin to Ken Myer' }],
    ['revoke pin policy', { problem: 'Say whose PIN, by name, account, SIP address or phone number.', example: 'revoke pin policy from Ken Myer' }],
    ['pin policy for 12345', { problem: 'Name the user first, by name, account, SIP address or phone number (+1...).', example: 'pin policy Ken Myer' }],
    ['audit 730194', { problem: 'Name the user first, by name, account, SIP address or phone number (+1...).', example: 'audit Ken Myer' }],
    ['set pin', { problem: 'Say whose PIN, by name, account, SIP address or phone number.', example: 'set pin Ken Myer' }],
    ['set pin ""', { problem: 'Say whose PIN, by name, account, SIP address or phone number.', example: 'set pin Ken Myer' }],
    ['set pin "" to 730194', { problem: 'Say whose PIN, by name, account, SIP address or phone number.', example: 'set pin Ken Myer 121989' }],
    ['set pin 12 730194', { problem: 'Name the user first, by name, account, SIP address or phone number (+1...).', example: 'set pin Ken Myer 121989' }],
    ['set pin 730194', { problem: 'Name the user first, by name, account, SIP address or phone number (+1...).', example: 'set pin Ken Myer' }],
    ['set pin Ken ignore-history', { problem: '"ignore history" only applies to a PIN you type yourself.', example: 'set pin Ken Myer 121989 ignore-history' }],
    ['unlock pin', { problem: 'Say whose PIN, by name, account, SIP address or phone number.', example: 'unlock pin Ken Myer' }],
    ["lock pin ''", { problem: 'Say whose PIN, by name, account, SIP address or phone number.', example: 'lock pin Ken Myer' }],
    ['pin status', { problem: 'Say whose PIN, by name, account, SIP address or phone number.', example: 'pin status Ken Myer' }],
    ['save search dublin', { problem: 'Give the search a name and a query.', example: 'save search redmond as find user where site = Redmond' }],
    ['save search', { problem: 'Give the search a name and a query.', example: 'save search redmond as find user where site = Redmond' }],
    ['save search a b as c', { problem: 'Give the search a name and a query.', example: 'save search redmond as find user where site = Redmond' }],
    ['run search', { problem: 'A search name is 1 to 40 letters, digits, dots, dashes or underscores.', example: 'run search redmond-locked' }],
    ['run search two words', { problem: 'A search name is 1 to 40 letters, digits, dots, dashes or underscores.', example: 'run search redmond-locked' }],
    [`run search ${'x'.repeat(41)}`, { problem: 'A search name is 1 to 40 letters, digits, dots, dashes or underscores.', example: 'run search redmond-locked' }],
    ['delete search a/b', { problem: 'A search name is 1 to 40 letters, digits, dots, dashes or underscores.', example: 'run search redmond-locked' }],
    ['find', { problem: 'Say what to look for.', example: 'find user Ken' }],
    ['search users', { problem: 'Say what to look for.', example: 'find user Ken' }],
    ['', { problem: 'The message was empty.', example: 'help' }],
    [`find ${'x'.repeat(MAX_COMMAND_LENGTH)}`, { problem: 'That message is too long for a command (over 1000 characters).', example: 'help' }],
  ])('%s', (text, expected) => {
    expect(refusal(text)).toEqual(expected);
  });

  it('1000 characters is still a command', () => {
    const text = `find ${'x'.repeat(MAX_COMMAND_LENGTH - 5)}`;
    expect(text).toHaveLength(MAX_COMMAND_LENGTH);
    expect(parseCommand(text)).toEqual({ kind: 'find-user', search: { text: 'x'.repeat(MAX_COMMAND_LENGTH - 5), clauses: [] } });
  });

  it('an unknown command is quoted by its first three words, masked and cut at 40 characters', () => {
    expect(refusal('hello there')).toEqual(unknown('hello there'));
    expect(refusal('please do the thing now')).toEqual(unknown('please do the'));
    expect(refusal('my pin is 730194 ok')).toEqual(unknown('my pin is'));
    expect(refusal('pin 730194 please now')).toEqual(unknown('pin •••• please'));
    expect(refusal(`${'a'.repeat(30)} ${'b'.repeat(30)} c`)).toEqual(unknown(`${'a'.repeat(30)} ${'b'.repeat(9)}…`));
    expect(refusal(`${'a'.repeat(40)}`)).toEqual(unknown('a'.repeat(40)));
  });

  it.each([
    ['reset it', 'set pin Ken Myer'],
    ['new one please', 'set pin Ken Myer'],
    ['change something', 'set pin Ken Myer'],
    ['set it', 'set pin Ken Myer'],
    ['unlock kmyer', 'unlock pin Ken Myer'],
    ['lock kmyer', 'lock pin Ken Myer'],
    ['info kmyer', 'pin status Ken Myer'],
    ['show kmyer', 'pin status Ken Myer'],
    ['get kmyer', 'pin status Ken Myer'],
    ['status kmyer', 'pin status Ken Myer'],
    ['lookup kmyer', 'find user Ken'],
    ['look up kmyer', 'find user Ken'],
    ['settings', 'help'],
    ['unlocked', 'help'],
    ['blocked kmyer', 'help'],
    ['my status', 'help'],
  ])('"%s" suggests %s', (text, example) => {
    expect(refusal(text).example).toBe(example);
  });
});

describe('cmdlets', () => {
  it.each([
    ['Get-CsPinPolicy', { kind: 'list-policies' }],
    ['Get-CsPinPolicy -Identity site:Redmond', { kind: 'show-policy', policy: 'site:Redmond' }],
    ['Get-CsPinPolicy Global', { kind: 'show-policy', policy: 'Global' }],
    ['New-CsPinPolicy -Identity StrictPin -MinPasswordLength 8 -AllowCommonPatterns $true', { kind: 'new-policy', policy: 'tag:StrictPin', change: { minPasswordLength: 8, allowCommonPatterns: true } }],
    ['New-CsPinPolicy site:Dublin -PINHistoryCount 3 -PINLifetime 60', { kind: 'new-policy', policy: 'site:Dublin', change: { pinHistoryCount: 3, pinLifetimeDays: 60 } }],
    ['Set-CsPinPolicy -PINHistoryCount 3', { kind: 'set-policy', policy: 'Global', change: { pinHistoryCount: 3 } }],
    ['Set-CsPinPolicy -Identity site:Redmond -MaximumLogonAttempts $null -Description "Redmond pins"', { kind: 'set-policy', policy: 'site:Redmond', change: { maximumLogonAttempts: null, description: 'Redmond pins' } }],
    ['Remove-CsPinPolicy -Identity site:Redmond', { kind: 'remove-policy', policy: 'site:Redmond' }],
    ['Grant-CsPinPolicy -Identity "Ken Myer" -PolicyName StrictPin', { kind: 'grant-policy', identity: 'Ken Myer', policyName: 'StrictPin' }],
    ['Grant-CsPinPolicy kmyer -PolicyName Tag:StrictPin', { kind: 'grant-policy', identity: 'kmyer', policyName: 'StrictPin' }],
    ['Grant-CsPinPolicy -Identity kmyer -PolicyName $Null', { kind: 'grant-policy', identity: 'kmyer', policyName: undefined }],
    ["Get-CsClientPinInfo -Identity 'O''Brien'", { kind: 'pin-status', identity: "O'Brien" }],
    ['Get-CsClientPinInfo "-Identity"', { kind: 'pin-status', identity: '-Identity' }],
    ['Set-CsClientPin -Identity kmyer -Verbose -Confirm', { kind: 'set-pin', identity: 'kmyer', pin: undefined, ignoreHistory: false }],
    ['Set-CsClientPin -identity kmyer -pin 730194 -ignorehistory', { kind: 'set-pin', identity: 'kmyer', pin: '730194', ignoreHistory: true }],
    ['Set-CsClientPin -Identity kmyer -Pi 730194 -Ig', { kind: 'set-pin', identity: 'kmyer', pin: '730194', ignoreHistory: true }],
    ['Unlock-CsClientPin kmyer', { kind: 'unlock-pin', identity: 'kmyer' }],
    ['Lock-CsClientPin -Identity:kmyer', { kind: 'lock-pin', identity: 'kmyer' }],
    ['Lock-CsClientPin -I kmyer', { kind: 'lock-pin', identity: 'kmyer' }],
  ])('%s', (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });

  it.each([
    ['New-CsPinPolicy -MinPasswordLength 8', { problem: '-Identity is required.', example: 'New-CsPinPolicy -Identity StrictPin -MinPasswordLength 8' }],
    ['Remove-CsPinPolicy', { problem: '-Identity is required.', example: 'Remove-CsPinPolicy -Identity site:Redmond' }],
    ['Grant-CsPinPolicy -Identity kmyer', { problem: '-PolicyName is required ($null revokes).', example: 'Grant-CsPinPolicy -Identity "Ken Myer" -PolicyName StrictPin' }],
    ['Grant-CsPinPolicy -PolicyName StrictPin', { problem: '-Identity is required.', example: 'Grant-CsPinPolicy -Identity "Ken Myer" -PolicyName StrictPin' }],
    ['Grant-CsPinPolicy -Identity kmyer -PolicyName site:Redmond', { problem: 'Only per-user policies are granted; site and Global policies apply by themselves.', example: 'grant pin policy StrictPin to Ken Myer' }],
    ['Unlock-CsClientPin', { problem: '-Identity is required.', example: 'Unlock-CsClientPin -Identity "Ken Myer"' }],
    ['Lock-CsClientPin', { problem: '-Identity is required.', example: 'Lock-CsClientPin -Identity "Ken Myer"' }],
    ['Get-CsClientPinInfo', { problem: '-Identity is required.', example: 'Get-CsClientPinInfo -Identity "Ken Myer"' }],
    ['Get-CsClientPinInfo -Identity 12345', { problem: 'Name the user first, by name, account, SIP address or phone number (+1...).', example: 'Get-CsClientPinInfo -Identity "Ken Myer"' }],
    ['Set-CsClientPin -Identity kmyer -Pin', { problem: '-Pin needs a value.', example: 'Set-CsClientPin -Identity "Ken Myer" -Pin 121989' }],
    ['Set-CsClientPin -Identity kmyer -Pin:', { problem: '-Pin needs a value.', example: 'Set-CsClientPin -Identity "Ken Myer" -Pin 121989' }],
    ['Set-CsClientPin -Identity kmyer -IgnoreHistory -IgnoreHistory', { problem: '-IgnoreHistory is given twice.', example: 'Set-CsClientPin -Identity "Ken Myer" -Pin 121989' }],
    ['Set-CsClientPin -Identity a -identity b', { problem: '-Identity is given twice.', example: 'Set-CsClientPin -Identity "Ken Myer" -Pin 121989' }],
    ['Set-CsClientPin -I kmyer', { problem: '-I is ambiguous: -Identity or -IgnoreHistory.', example: 'Set-CsClientPin -Identity "Ken Myer" -Pin 121989' }],
    ['Set-CsClientPin -Identity kmyer -Foo 1', { problem: 'Unknown parameter -Foo. Parameters: -Identity, -Pin, -IgnoreHistory.', example: 'Set-CsClientPin -Identity "Ken Myer" -Pin 121989' }],
    ['Unlock-CsClientPin -Identity kmyer -WhatIf', { problem: 'PinDesk has no -WhatIf: use pin status to look first, then run the command without -WhatIf.', example: 'Unlock-CsClientPin -Identity "Ken Myer"' }],
    ['Set-CsClientPin -Identity kmyer -whatif:$true', { problem: 'PinDesk has no -WhatIf: use pin status to look first, then run the command without -WhatIf.', example: 'Set-CsClientPin -Identity "Ken Myer" -Pin 121989' }],
    ['Lock-CsClientPin kmyer -Identity kmyer', { problem: 'I don\'t know what "kmyer" means here; quote names with spaces.', example: 'Lock-CsClientPin -Identity "Ken Myer"' }],
    ['Lock-CsClientPin Ken Myer', { problem: 'I don\'t know what "Ken Myer" means here; quote names with spaces.', example: 'Lock-CsClientPin -Identity "Ken Myer"' }],
    [
      'Remove-CsUser -Identity kmyer',
      {
        problem: "PinDesk doesn't run Remove-CsUser. It understands Set-CsClientPin, Unlock-CsClientPin, Lock-CsClientPin, Get-CsClientPinInfo and Get/New/Set/Remove/Grant-CsPinPolicy.",
        example: 'Get-CsClientPinInfo -Identity "Ken Myer"',
      },
    ],
    [
      'X-CsY kmyer',
      {
        problem: "PinDesk doesn't run X-CsY. It understands Set-CsClientPin, Unlock-CsClientPin, Lock-CsClientPin, Get-CsClientPinInfo and Get/New/Set/Remove/Grant-CsPinPolicy.",
        example: 'Get-CsClientPinInfo -Identity "Ken Myer"',
      },
    ],
  ])('%s', (text, expected) => {
    expect(refusal(text)).toEqual(expected);
  });

  it('a cmdlet name only counts at the start, followed by a space or nothing', () => {
    expect(refusal('please Set-CsClientPin -Identity kmyer').problem).toMatch(/^I don't know the command/);
    expect(refusal('Set-CsClientPin: kmyer').problem).toMatch(/^I don't know the command/);
    expect(parseCommand('Get-CsPinPolicy')).toEqual({ kind: 'list-policies' });
  });

  it('a quoted value is a value, even when it looks like a parameter; backticks escape', () => {
    expect(parseCommand('Set-CsClientPin -Identity "-Pin" -Pin 730194')).toMatchObject({ identity: '-Pin', pin: '730194' });
    expect(parseCommand('Get-CsClientPinInfo -Identity "a`"b`"c"')).toEqual({ kind: 'pin-status', identity: 'a"b"c' });
  });
});

describe('normalizeText', () => {
  it('straightens quotes and dashes, drops NUL, collapses spaces', () => {
    expect(normalizeText('\u2018a\u2019 \u201Ab\u201B')).toBe("'a' 'b'");
    expect(normalizeText('\u201Ca\u201D \u201Eb\u201F')).toBe('"a" "b"');
    expect(normalizeText('a\u2010b\u2011c\u2012d\u2013e\u2014f\u2015g\u2212h')).toBe('a-b-c-d-e-f-g-h');
    expect(normalizeText('he\u0000lp')).toBe('help');
    expect(normalizeText(' \t a \n\n b \u00A0 ')).toBe('a b');
    expect(normalizeText('\uFF53\uFF45\uFF54 pin')).toBe('set pin');
  });

  it('applies to commands: curly quotes, long dashes', () => {
    expect(parseCommand('set\u2013pin \u2018Ken Myer\u2019')).toEqual({ kind: 'set-pin', identity: 'Ken Myer', pin: undefined, ignoreHistory: false });
    expect(parseCommand('Get-CsClientPinInfo \u2212Identity kmyer')).toEqual({ kind: 'pin-status', identity: 'kmyer' });
  });
});

describe('the words around a command are not swallowed', () => {
  it.each([
    // Anchors: a rule only matches the whole message.
    'my pin policy list',
    'please reset my pin',
    'please unlock my pin',
    'please cancel request',
    'all my requests',
    'my list searches',
    'pin policies now',
  ])('%s is not a command', (text) => {
    expect(refusal(text).problem).toMatch(/^I don't know the command "/);
  });

  it.each([
    ['please reset it', 'help'],
    ['please unlock it', 'help'],
    ['please lock it', 'help'],
    ['please find Ken', 'help'],
  ])('"%s" suggests %s: verbs count at the start only', (text, example) => {
    expect(refusal(text).example).toBe(example);
  });

  it.each([
    ['grant pin policy a b to c', { problem: 'Say which policy and to whom.', example: 'grant pin policy StrictPin to Ken Myer' }],
    ['grant pin policy StrictPin to 12345', { problem: 'Name the user first, by name, account, SIP address or phone number (+1...).', example: 'grant pin policy StrictPin to Ken Myer' }],
    ['grant pin policy mytag:x to kmyer', { problem: '"mytag:x" is not a policy identity: use Global, site:<site name> or a per-user policy name (letters, digits, . _ -).', example: 'Get-CsPinPolicy -Identity site:Redmond' }],
    ['set pin policy myglobal 6', { problem: '"myglobal" is not a policy setting. Use min, history, lifetime, attempts, common-patterns or description.', example: 'new pin policy site:Redmond min 6 history 3' }],
    ['Set-CsClientPin -Pin 730194', { problem: '-Identity is required.', example: 'Set-CsClientPin -Identity "Ken Myer"' }],
    ['lock pin', { problem: 'Say whose PIN, by name, account, SIP address or phone number.', example: 'lock pin Ken Myer' }],
    ['delete search', { problem: 'A search name is 1 to 40 letters, digits, dots, dashes or underscores.', example: 'run search redmond-locked' }],
    ['Grant-CsPinPolicy -Identity kmyer -PolicyName x$null', { problem: '"x$null" is not a policy identity: use Global, site:<site name> or a per-user policy name (letters, digits, . _ -).', example: 'Get-CsPinPolicy -Identity site:Redmond' }],
    ['Grant-CsPinPolicy -Identity kmyer -PolicyName $nullx', { problem: '"$nullx" is not a policy identity: use Global, site:<site name> or a per-user policy name (letters, digits, . _ -).', example: 'Get-CsPinPolicy -Identity site:Redmond' }],
    ['Lock-CsClientPin -Identity kmyer -WhatIfNot', { problem: 'Unknown parameter -WhatIfNot. Parameters: -Identity.', example: 'Lock-CsClientPin -Identity "Ken Myer"' }],
    ['Lock-CsClientPin -Identity kmyer -NoWhatIf', { problem: 'Unknown parameter -NoWhatIf. Parameters: -Identity.', example: 'Lock-CsClientPin -Identity "Ken Myer"' }],
  ])('%s', (text, expected) => {
    expect(refusal(text)).toEqual(expected);
  });

  it.each([
    ['unlock pin 2nd floor kiosk', { kind: 'unlock-pin', identity: '2nd floor kiosk' }],
    ['reset my pin-new phone', { kind: 'request-pin', action: 'reset', reason: 'new phone' }],
    ['unlock my pin:locked out', { kind: 'request-pin', action: 'unlock', reason: 'locked out' }],
    ['set pin Ken ignore history x', { kind: 'set-pin', identity: 'Ken ignore history x', pin: undefined, ignoreHistory: false }],
    ['set pin Ken tomato 730194', { kind: 'set-pin', identity: 'Ken tomato', pin: '730194', ignoreHistory: false }],
    ['set pin Ken potato 730194', { kind: 'set-pin', identity: 'Ken potato', pin: '730194', ignoreHistory: false }],
    ['set pin Ken 12+34', { kind: 'set-pin', identity: 'Ken', pin: '12+34', ignoreHistory: false }],
    ['lock pin Ken "Myer"', { kind: 'lock-pin', identity: 'Ken "Myer"' }],
    ['lock pin "Ken" Myer', { kind: 'lock-pin', identity: '"Ken" Myer' }],
    ["lock pin Ken 'Myer'", { kind: 'lock-pin', identity: "Ken 'Myer'" }],
    ["lock pin 'Ken' Myer", { kind: 'lock-pin', identity: "'Ken' Myer" }],
    ['lock pin " Ken Myer "', { kind: 'lock-pin', identity: 'Ken Myer' }],
    ['Lock-CsClientPin Jean-Luc', { kind: 'lock-pin', identity: 'Jean-Luc' }],
    ['Lock-CsClientPin -Identity2', { kind: 'lock-pin', identity: '-Identity2' }],
    ["Get-CsClientPinInfo '-Identity'", { kind: 'pin-status', identity: '-Identity' }],
  ])('%s', (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });

  it.each([
    ['Set-CsClientPin', '-Identity, -Pin, -IgnoreHistory', 'Set-CsClientPin -Identity "Ken Myer" -Pin 121989'],
    ['Unlock-CsClientPin', '-Identity', 'Unlock-CsClientPin -Identity "Ken Myer"'],
    ['Lock-CsClientPin', '-Identity', 'Lock-CsClientPin -Identity "Ken Myer"'],
    ['Get-CsClientPinInfo', '-Identity', 'Get-CsClientPinInfo -Identity "Ken Myer"'],
    ['Get-CsPinPolicy', '-Identity', 'Get-CsPinPolicy -Identity site:Redmond'],
    ['Remove-CsPinPolicy', '-Identity', 'Remove-CsPinPolicy -Identity site:Redmond'],
    ['Grant-CsPinPolicy', '-Identity, -PolicyName', 'Grant-CsPinPolicy -Identity "Ken Myer" -PolicyName StrictPin'],
    ['New-CsPinPolicy', '-Identity, -MinPasswordLength, -PINHistoryCount, -PINLifetime, -AllowCommonPatterns, -MaximumLogonAttempts, -Description', 'New-CsPinPolicy -Identity site:Redmond -MinPasswordLength 6'],
    ['Set-CsPinPolicy', '-Identity, -MinPasswordLength, -PINHistoryCount, -PINLifetime, -AllowCommonPatterns, -MaximumLogonAttempts, -Description', 'Set-CsPinPolicy -Identity site:Redmond -PINHistoryCount 3'],
  ])('%s lists exactly its parameters, with its example', (cmdlet, parameters, example) => {
    expect(refusal(`${cmdlet} -Bogus 1`)).toEqual({ problem: `Unknown parameter -Bogus. Parameters: ${parameters}.`, example });
  });
});
