// `pin status Ken Myer` / Get-CsClientPinInfo: set, locked (why, until when), changed, expires,
// governing policy — never the PIN.
import { identityParam, requireIdentity } from '../../domain/grammar/arguments.js';
import { pinStatusAt } from '../../domain/pin-state.js';
import { summarize } from '../../domain/user.js';
import type { TargetedEntry } from '../commands/command-entry.js';

export const pinStatusCommand: TargetedEntry<'pin-status'> = {
  kind: 'pin-status',
  permission: 'pin.status',
  target: { needsEnabledUser: true },
  help: [{ usage: 'Show PIN status (never the PIN)', example: 'pin status kmyer' }],
  syntax: {
    // Not `show pin policy ...` (a policy command).
    phrases: [
      {
        pattern: /^(?:pin[ -]?(?:status|info)|show pin(?![ -]?polic)(?: status)?)(?: for| of)?(?:\s+(.*))?$/i,
        build: (rest) => ({ kind: 'pin-status', identity: requireIdentity(rest, 'pin status Ken Myer') }),
      },
    ],
    cmdlets: [
      {
        name: 'Get-CsClientPinInfo',
        parameters: ['Identity'],
        example: 'Get-CsClientPinInfo -Identity "Ken Myer"',
        build: (p) => ({ kind: 'pin-status', identity: identityParam(p, 'Get-CsClientPinInfo -Identity "Ken Myer"') }),
      },
    ],
    suggestFor: /^(status|info|show|get)\b/i,
    example: 'pin status Ken Myer',
  },
  cli: [
    {
      name: 'pin-info',
      arguments: '<identity>',
      summary: 'Get-CsClientPinInfo: set, locked, changed, expires',
      details: 'IsPinSet, IsLockedOut (and why), LastPinChangeTime, PinExpirationTime.',
      build: (args) => ({ kind: 'pin-status', identity: args.identity() }),
    },
  ],
  run: async ({ authority, policies, clock }, _ctx, _command, target) => {
    const at = clock();
    const state = await authority.state(target.id, at, target.sipAddress);
    const { grantedTag: _tag, ...policy } = await policies.governing(target);
    return { kind: 'pin-status', target: summarize(target), status: pinStatusAt(state, at), policy };
  },
};
