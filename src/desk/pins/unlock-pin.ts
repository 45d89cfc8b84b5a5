// `unlock pin Ken Myer` / Unlock-CsClientPin: clears every lock and both failure counters.
import { identityParam, requireIdentity } from '../../domain/grammar/arguments.js';
import { summarize } from '../../domain/user.js';
import type { TargetedEntry } from '../commands/command-entry.js';

export const unlockPinCommand: TargetedEntry<'unlock-pin'> = {
  kind: 'unlock-pin',
  permission: 'pin.unlock',
  target: { needsEnabledUser: true },
  help: [{ usage: 'Unlock a PIN and reset its failure counters', example: 'unlock pin Ken Myer' }],
  syntax: {
    phrases: [{ pattern: /^unlock[ -]?pin(?: for)?(?:\s+(.*))?$/i, build: (rest) => ({ kind: 'unlock-pin', identity: requireIdentity(rest, 'unlock pin Ken Myer') }) }],
    cmdlets: [
      {
        name: 'Unlock-CsClientPin',
        parameters: ['Identity'],
        example: 'Unlock-CsClientPin -Identity "Ken Myer"',
        build: (p) => ({ kind: 'unlock-pin', identity: identityParam(p, 'Unlock-CsClientPin -Identity "Ken Myer"') }),
      },
    ],
    suggestFor: /^unlock\b/i,
    example: 'unlock pin Ken Myer',
  },
  cli: [
    {
      name: 'unlock-pin',
      arguments: '<identity>',
      summary: 'unlock a PIN and reset its failure counters',
      details: 'Unlocks the PIN and resets both failure counters.',
      build: (args) => ({ kind: 'unlock-pin', identity: args.identity() }),
    },
  ],
  run: async ({ authority, clock }, _ctx, _command, target) => {
    const { wasLocked } = await authority.unlock(target.id, clock(), target.sipAddress);
    return { kind: 'pin-unlocked', target: summarize(target), wasLocked };
  },
};
