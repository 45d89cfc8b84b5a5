// `help`: what the caller's roles allow, one example each, straight from the registry.
import { can, type Permission } from '../../domain/roles.js';
import type { Caller } from '../callers.js';
import type { HelpLine, PlainEntry } from '../commands/command-entry.js';

export const helpCommand: PlainEntry<'help'> = {
  kind: 'help',
  permission: 'anyone',
  help: { seeAlso: 'whoami' },
  syntax: {
    phrases: [{ pattern: /^(help|\?|commands|what can you do)$/i, build: () => ({ kind: 'help' }) }],
    example: 'help',
  },
  run: async ({ policies }, { caller }, _command, commands) => {
    const allowed = Object.values(commands).filter((entry) => mayRun(caller, entry.permission));
    const linesOf = (entries: typeof allowed): HelpLine[] => entries.flatMap((entry) => ('seeAlso' in entry.help ? [] : entry.help));
    // An admin is anyone who may do more than ask for their own PIN.
    const admin = allowed.some((entry) => entry.permission !== 'anyone' && entry.permission !== 'request.own');
    return {
      kind: 'help',
      caller,
      lines: linesOf(allowed.filter((entry) => entry.permission !== 'anyone')),
      forEveryone: linesOf(allowed.filter((entry) => entry.permission === 'anyone')),
      admin,
      // Where the server keeps the PIN history, those who set PINs are told PinDesk cannot check it.
      ...(policies.history === 'server' && allowed.some((entry) => entry.permission === 'pin.set') ? { historyBy: 'server' as const } : {}),
    };
  },
};

function mayRun(caller: Caller, permission: Permission | 'anyone'): boolean {
  return permission === 'anyone' || can(caller.roles, permission);
}
