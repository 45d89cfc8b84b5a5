// `whoami`: who PinDesk thinks the caller is, their groups and the roles those confer.
import type { PlainEntry } from '../commands/command-entry.js';

export const whoamiCommand: PlainEntry<'whoami'> = {
  kind: 'whoami',
  permission: 'anyone',
  help: [{ usage: 'Who PinDesk thinks you are', example: 'whoami' }],
  syntax: {
    phrases: [{ pattern: /^(whoami|who am i)\??$/i, build: () => ({ kind: 'whoami' }) }],
    example: 'whoami',
  },
  run: async ({ directory }, { caller }) => ({ kind: 'whoami', caller, groups: [...(await directory.groupsOf(caller.user))], grants: caller.grants }),
};
