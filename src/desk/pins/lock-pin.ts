// `lock pin Ken Myer` / Lock-CsClientPin: the PIN stops working until an administrator unlocks it.
import { identityParam, requireIdentity } from '../../domain/grammar/arguments.js';
import { summarize } from '../../domain/user.js';
import type { TargetedEntry } from '../commands/command-entry.js';

export const lockPinCommand: TargetedEntry<'lock-pin'> = {
  kind: 'lock-pin',
  permission: 'pin.lock',
  target: { needsEnabledUser: true },
  help: [{ usage: 'Lock a PIN', example: 'lock pin sip:ken.myer@contoso.com' }],
  syntax: {
    phrases: [{ pattern: /^lock[ -]?pin(?: for)?(?:\s+(.*))?$/i, build: (rest) => ({ kind: 'lock-pin', identity: requireIdentity(rest, 'lock pin Ken Myer') }) }],
    cmdlets: [
      {
        name: 'Lock-CsClientPin',
        parameters: ['Identity'],
        example: 'Lock-CsClientPin -Identity "Ken Myer"',
        build: (p) => ({ kind: 'lock-pin', identity: identityParam(p, 'Lock-CsClientPin -Identity "Ken Myer"') }),
      },
    ],
    suggestFor: /^lock\b/i,
    example: 'lock pin Ken Myer',
  },
  cli: [
    {
      name: 'lock-pin',
      arguments: '<identity>',
      summary: 'lock a PIN',
      details: 'Locks the PIN until an administrator unlocks it.',
      build: (args) => ({ kind: 'lock-pin', identity: args.identity() }),
    },
  ],
  run: async ({ authority, clock }, _ctx, _command, target) => {
    const { wasLocked } = await authority.lock(target.id, clock(), target.sipAddress);
    return { kind: 'pin-locked', target: summarize(target), wasLocked };
  },
};
