import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandSyntaxError } from '../../src/domain/errors.js';
import { parseCommand } from '../../src/desk/commands/registry.js';
import { maskDigits } from '../../src/domain/mask-digits.js';

describe('plain commands', () => {
  it.each([
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['?', { kind: 'help' }],
    ['whoami', { kind: 'whoami' }],
    ['Who am I?', { kind: 'whoami' }],
    ['set pin Ken Myer', { kind: 'set-pin', identity: 'Ken Myer', pin: undefined, ignoreHistory: false }],
    ['  Set   PIN   ken   myer  ', { kind: 'set-pin', identity: 'ken myer', pin: undefined, ignoreHistory: false }],
    ['setpin ken myer 121989', { kind: 'set-pin', identity: 'ken myer', pin: '121989', ignoreHistory: false }],
    ['set-pin kmyer 0730194', { kind: 'set-pin', identity: 'kmyer', pin: '0730194', ignoreHistory: false }],
    ['reset pin for Ken Myer', { kind: 'set-pin', identity: 'Ken Myer', pin: undefined, ignoreHistory: false }],
    ['set pin Ken Myer to 730194', { kind: 'set-pin', identity: 'Ken Myer', pin: '730194', ignoreHistory: false }],
    ['set pin Ken Myer 730194 ignore-history', { kind: 'set-pin', identity: 'Ken Myer', pin: '730194', ignoreHistory: true }],
    ['set pin Ken Myer 12a4', { kind: 'set-pin', identity: 'Ken Myer', pin: '12a4', ignoreHistory: false }],
    ['set pin CONTOSO\\kmyer 730194', { kind: 'set-pin', identity: 'CONTOSO\\kmyer', pin: '730194', ignoreHistory: false }],
    ['set pin +14255550100', { kind: 'set-pin', identity: '+14255550100', pin: undefined, ignoreHistory: false }],
    ['set pin tel:+14255550100 730194', { kind: 'set-pin', identity: 'tel:+14255550100', pin: '730194', ignoreHistory: false }],
    ['set pin sip:ken.myer@contoso.com', { kind: 'set-pin', identity: 'sip:ken.myer@contoso.com', pin: undefined, ignoreHistory: false }],
    ['set pin "Ken Myer"', { kind: 'set-pin', identity: 'Ken Myer', pin: undefined, ignoreHistory: false }],
    ['set pin user2', { kind: 'set-pin', identity: 'user2', pin: undefined, ignoreHistory: false }],
    ['unlock pin Ken Myer', { kind: 'unlock-pin', identity: 'Ken Myer' }],
    ['unlockpin kmyer', { kind: 'unlock-pin', identity: 'kmyer' }],
    ['lock pin ken.myer@contoso.com', { kind: 'lock-pin', identity: 'ken.myer@contoso.com' }],
    ['pin status Ken Myer', { kind: 'pin-status', identity: 'Ken Myer' }],
    ['pin info kmyer', { kind: 'pin-status', identity: 'kmyer' }],
    ['pinstatus kmyer', { kind: 'pin-status', identity: 'kmyer' }],
    ['find user Ken', { kind: 'find-user', search: { text: 'Ken', clauses: [] } }],
    ['find Ken*', { kind: 'find-user', search: { text: 'Ken*', clauses: [] } }],
    [
      'find user Ken where site = Redmond and line starts with +1425',
      {
        kind: 'find-user',
        search: {
          text: 'Ken',
          clauses: [
            { property: 'site', operator: 'equals', value: 'Redmond' },
            { property: 'lineUri', operator: 'starts-with', value: '+1425' },
          ],
        },
      },
    ],
    ['find user where enabled != yes', { kind: 'find-user', search: { text: undefined, clauses: [{ property: 'enabled', operator: 'not-equals', value: 'yes' }] } }],
    [
      'save search Redmond-Locked as find user where site = Redmond',
      { kind: 'save-search', name: 'redmond-locked', search: { text: undefined, clauses: [{ property: 'site', operator: 'equals', value: 'Redmond' }] } },
    ],
    ['searches', { kind: 'list-searches' }],
    ['saved searches', { kind: 'list-searches' }],
    ['run search redmond-locked', { kind: 'run-search', name: 'redmond-locked' }],
    ['delete search redmond-locked', { kind: 'delete-search', name: 'redmond-locked' }],
    ['reset my pin', { kind: 'request-pin', action: 'reset', reason: undefined }],
    ['reset my pin - new phone', { kind: 'request-pin', action: 'reset', reason: 'new phone' }],
    ['Reset my PIN because I forgot it', { kind: 'request-pin', action: 'reset', reason: 'I forgot it' }],
    ['unlock my pin', { kind: 'request-pin', action: 'unlock', reason: undefined }],
    // Reasons are shown to approvers: a PIN typed into one is masked, a phone number is not.
    ['reset my pin - old one was 48261, call +14255550100', { kind: 'request-pin', action: 'reset', reason: 'old one was ••••, call +14255550100' }],
    ['cancel my request', { kind: 'cancel-request' }],
    ['my requests', { kind: 'my-requests' }],
    ['requests', { kind: 'pending-requests' }],
    ['pending requests', { kind: 'pending-requests' }],
    ['approvals here', { kind: 'approvals-here', on: true }],
    ['approvals off', { kind: 'approvals-here', on: false }],
  ])('%s', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it('treats curly quotes from Teams like straight ones', () => {
    expect(parseCommand('Set-CsClientPin -Identity \u201CKen Myer\u201D -Pin 730194')).toMatchObject({ identity: 'Ken Myer', pin: '730194' });
  });
});

describe('cmdlet forms', () => {
  it.each([
    ['Set-CsClientPin -Identity "Ken Myer" -Pin 121989', { kind: 'set-pin', identity: 'Ken Myer', pin: '121989', ignoreHistory: false }],
    ["set-csclientpin -identity 'Ken Myer'", { kind: 'set-pin', identity: 'Ken Myer', pin: undefined, ignoreHistory: false }],
    ['Set-CsClientPin "Ken Myer"', { kind: 'set-pin', identity: 'Ken Myer', pin: undefined, ignoreHistory: false }],
    ['Set-CsClientPin -Id sip:ken.myer@contoso.com -P "0730194"', { kind: 'set-pin', identity: 'sip:ken.myer@contoso.com', pin: '0730194', ignoreHistory: false }],
    ['Set-CsClientPin -Identity:kmyer -Pin:730194 -IgnoreHistory', { kind: 'set-pin', identity: 'kmyer', pin: '730194', ignoreHistory: true }],
    ['Set-CsClientPin -Identity kmyer -Confirm:$false', { kind: 'set-pin', identity: 'kmyer', pin: undefined, ignoreHistory: false }],
    ['Unlock-CsClientPin -Identity "Ken Myer"', { kind: 'unlock-pin', identity: 'Ken Myer' }],
    ['Lock-CsClientPin -Identity kmyer', { kind: 'lock-pin', identity: 'kmyer' }],
    ['Get-CsClientPinInfo -Identity "sip:ken.myer@contoso.com"', { kind: 'pin-status', identity: 'sip:ken.myer@contoso.com' }],
    ['Get-CsClientPinInfo -Identity "O`"Brien"', { kind: 'pin-status', identity: 'O"Brien' }],
  ])('%s', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe('junk gets a clear answer', () => {
  const problem = (text: string) => {
    try {
      parseCommand(text);
    } catch (error) {
      expect(error).toBeInstanceOf(CommandSyntaxError);
      return error as CommandSyntaxError;
    }
    throw new Error(`parsed: ${text}`);
  };

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['x'.repeat(20_000), /too long/],
    ['hello there', /don't know the command/],
    ['set pin', /whose PIN/i],
    ['set pin 121989', /Name the user first/],
    ['unlock pin', /whose PIN/i],
    ['Set-CsClientPin', /-Identity is required/],
    ['Set-CsClientPin -Identity', /needs a value/],
    ['Set-CsClientPin -Identity a -Identity b', /given twice/],
    ['Set-CsClientPin -I kmyer', /ambiguous/],
    ['Set-CsClientPin -Identity kmyer -Foo 1', /Unknown parameter -Foo/],
    ['Set-CsClientPin -Identity kmyer -WhatIf', /no -WhatIf/],
    ['Remove-CsUser -Identity kmyer', /doesn't run Remove-CsUser/],
    ['Set-CsClientPin Ken Myer', /quote names with spaces/],
    ['set pin Ken Myer ignore-history', /only applies to a PIN you type/],
  ])('%s', (text, message) => {
    expect(problem(text).problem).toMatch(message);
  });

  it('suggests the closest command', () => {
    expect(problem('sett pin ken').example).toBe('help');
    expect(problem('unlock ken').example).toBe('unlock pin Ken Myer');
    expect(problem('status ken').example).toBe('pin status Ken Myer');
  });

  it('never echoes a digit run that could be a PIN', () => {
    expect(problem('730194').problem).not.toContain('730194');
    expect(maskDigits('call +14255550100 or 730194')).toBe('call +14255550100 or ••••');
  });

  it('never throws anything but a syntax error, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (text) => {
        try {
          parseCommand(text);
        } catch (error) {
          expect(error).toBeInstanceOf(CommandSyntaxError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
