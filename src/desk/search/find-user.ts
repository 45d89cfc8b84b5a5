// `find user Ken where site = Redmond`: users the way the Control Panel finds them, each with a
// button per action the caller may take on that user (role and scope allowing).
import { LIST_ACTIONS } from '../../domain/commands.js';
import { CommandSyntaxError } from '../../domain/errors.js';
import { describeSearch, parseUserSearch, type UserSearch } from '../../domain/user-search.js';
import { summarize } from '../../domain/user.js';
import { mayActOn } from '../access.js';
import { writeWithRecord } from '../audit-trail.js';
import type { CommandRegistry, PlainEntry } from '../commands/command-entry.js';
import type { DeskServices } from '../dependencies.js';
import type { DeskResult, ListedUser } from '../results.js';
import type { UseCaseContext } from '../turn.js';

/** What a find result keeps for its buttons. */
export interface UserListPayload {
  userIds: string[];
}

export const findUserCommand: PlainEntry<'find-user'> = {
  kind: 'find-user',
  permission: 'user.find',
  help: [
    { usage: 'Find users by name, account, SIP address or number', example: 'find user Ken' },
    { usage: 'Filter like the Control Panel (=, !=, starts with, contains)', example: 'find user where site = Redmond and line starts with +1425' },
  ],
  syntax: {
    phrases: [
      {
        pattern: /^(?:find(?:[ -]?users?)?|search(?: users?)?)(?:\s+(.*))?$/i,
        build: (rest) => {
          if (!rest) throw new CommandSyntaxError('Say what to look for.', 'find user Ken');
          return { kind: 'find-user', search: parseUserSearch(rest) };
        },
      },
    ],
    suggestFor: /^(find|search|lookup|look up)\b/i,
    example: 'find user Ken',
  },
  run: (services, ctx, command, commands) => findUsers(services, ctx, command.search, commands),
};

export async function findUsers(
  services: Pick<DeskServices, 'directory' | 'continuations' | 'settings' | 'atomically' | 'clock'>,
  ctx: UseCaseContext,
  search: UserSearch,
  commands: Pick<CommandRegistry, (typeof LIST_ACTIONS)[number]>,
): Promise<DeskResult> {
  const { caller, scope } = ctx;
  const limit = services.settings.findLimit;
  const users = await services.directory.find(search, limit + 1);
  const shown = users.slice(0, limit);
  scope.reason = `${users.length > limit ? `more than ${limit}` : users.length} found`;
  const listed: ListedUser[] = shown.map((user) => ({
    user: summarize(user),
    actions: user.enabled ? LIST_ACTIONS.filter((kind) => mayActOn(caller, commands[kind].permission, user)) : [],
  }));
  // The buttons' question and the audit record: one transaction.
  const ref = listed.some((l) => l.actions.length > 0)
    ? await writeWithRecord(services, ctx, ({ store }) => services.continuations.save(caller, 'user-list', { userIds: shown.map((u) => u.id) } satisfies UserListPayload, store))
    : undefined;
  return { kind: 'users-found', query: describeSearch(search), users: listed, more: users.length > limit, ref };
}
