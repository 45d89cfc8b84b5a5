// The Control Panel's saved queries, per admin: save, list, run and delete by name.
import { CommandSyntaxError } from '../../domain/errors.js';
import { searchName } from '../../domain/grammar/arguments.js';
import { describeSearch, parseUserSearch } from '../../domain/user-search.js';
import type { PlainEntry } from '../commands/command-entry.js';
import { findUsers } from './find-user.js';

export const saveSearchCommand: PlainEntry<'save-search'> = {
  kind: 'save-search',
  permission: 'user.find',
  help: [{ usage: 'Save, list, run and delete searches', example: 'save search redmond as find user where site = Redmond' }],
  syntax: {
    phrases: [
      {
        pattern: /^save search(?:\s+(.*))?$/i,
        build: (rest) => {
          const match = /^(\S+)\s+as\s+(?:find(?:[ -]?users?)?\s+)?(.+)$/i.exec(rest);
          if (!match) throw new CommandSyntaxError('Give the search a name and a query.', 'save search redmond as find user where site = Redmond');
          return { kind: 'save-search', name: searchName(match[1]!), search: parseUserSearch(match[2]!) };
        },
      },
    ],
    example: 'save search redmond as find user where site = Redmond',
  },
  run: async ({ store, clock }, { caller, scope }, command) => {
    scope.target = command.name;
    await store.searches.save({ ownerId: caller.user.id, name: command.name, search: command.search, savedAt: clock() });
    return { kind: 'search-saved', name: command.name, query: describeSearch(command.search) };
  },
};

export const listSearchesCommand: PlainEntry<'list-searches'> = {
  kind: 'list-searches',
  permission: 'user.find',
  help: { seeAlso: 'save-search' },
  syntax: {
    phrases: [{ pattern: /^(?:saved )?searches$|^list searches$/i, build: () => ({ kind: 'list-searches' }) }],
    example: 'searches',
  },
  run: async ({ store }, { caller }) => {
    const searches = await store.searches.list(caller.user.id);
    return { kind: 'searches', searches: searches.map((s) => ({ name: s.name, query: describeSearch(s.search) })) };
  },
};

export const runSearchCommand: PlainEntry<'run-search'> = {
  kind: 'run-search',
  permission: 'user.find',
  help: { seeAlso: 'save-search' },
  syntax: {
    phrases: [{ pattern: /^run search(?:\s+(.*))?$/i, build: (rest) => ({ kind: 'run-search', name: searchName(rest) }) }],
    example: 'run search redmond',
  },
  run: async (services, ctx, command, commands) => {
    ctx.scope.target = command.name;
    const saved = await services.store.searches.get(ctx.caller.user.id, command.name);
    if (!saved) throw new CommandSyntaxError(`You have no saved search "${command.name}". Type \`searches\` to list yours.`, 'searches');
    return findUsers(services, ctx, saved.search, commands);
  },
};

export const deleteSearchCommand: PlainEntry<'delete-search'> = {
  kind: 'delete-search',
  permission: 'user.find',
  help: { seeAlso: 'save-search' },
  syntax: {
    phrases: [{ pattern: /^(?:delete|remove) search(?:\s+(.*))?$/i, build: (rest) => ({ kind: 'delete-search', name: searchName(rest) }) }],
    example: 'delete search redmond',
  },
  run: async ({ store }, { caller, scope }, command) => {
    scope.target = command.name;
    if (!(await store.searches.delete(caller.user.id, command.name))) {
      throw new CommandSyntaxError(`You have no saved search "${command.name}".`, 'searches');
    }
    return { kind: 'search-deleted', name: command.name };
  },
};
