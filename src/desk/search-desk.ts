// Finding users like the Control Panel, and saved searches (per admin).
import type { Command, ListAction } from '../domain/commands.js';
import { CommandSyntaxError } from '../domain/errors.js';
import { authorize } from '../domain/role-grants.js';
import type { Permission } from '../domain/roles.js';
import { summarize } from '../domain/user.js';
import { describeSearch, type UserSearch } from '../domain/user-search.js';
import { directoryCall, type Caller } from './callers.js';
import type { DeskDependencies } from './desk.js';
import type { DeskResult, ListedUser } from './results.js';

export interface SearchKit {
  authorize(caller: Caller, permission: Permission): void;
  backendCall<T>(call: () => Promise<T>): Promise<T>;
  /** Keeps a result list for its buttons; returns the opaque id they carry. */
  saveUserList(caller: Caller, userIds: string[]): Promise<string>;
}

interface Scope {
  target?: string | undefined;
  reason?: string | undefined;
}

/** The actions a find result offers per user, and the permission each needs. */
const LIST_ACTIONS: ReadonlyArray<[ListAction, Permission]> = [
  ['set-pin', 'pin.set'],
  ['unlock-pin', 'pin.unlock'],
  ['lock-pin', 'pin.lock'],
  ['pin-status', 'pin.status'],
];

export class SearchDesk {
  constructor(
    private readonly deps: DeskDependencies,
    private readonly kit: SearchKit,
  ) {}

  async find(caller: Caller, search: UserSearch, scope: Scope): Promise<DeskResult> {
    this.kit.authorize(caller, 'user.find');
    const limit = this.deps.settings.findLimit;
    const users = await directoryCall(() => this.deps.directory.find(search, limit + 1));
    const shown = users.slice(0, limit);
    scope.reason = `${users.length > limit ? `more than ${limit}` : users.length} found`;
    const listed: ListedUser[] = shown.map((user) => ({
      user: summarize(user),
      actions: LIST_ACTIONS.filter(([, permission]) => authorize(caller.grants, permission, user).allowed && user.enabled).map(([kind]) => kind),
    }));
    const ref = listed.some((l) => l.actions.length > 0) ? await this.kit.saveUserList(caller, shown.map((u) => u.id)) : undefined;
    return { kind: 'users-found', query: describeSearch(search), users: listed, more: users.length > limit, ref };
  }

  async saved(
    caller: Caller,
    command: Extract<Command, { kind: 'save-search' | 'list-searches' | 'run-search' | 'delete-search' }>,
    scope: Scope,
  ): Promise<DeskResult> {
    this.kit.authorize(caller, 'user.find');
    const store = this.deps.store.searches;
    switch (command.kind) {
      case 'save-search': {
        scope.target = command.name;
        await this.kit.backendCall(() => store.save({ ownerId: caller.user.id, name: command.name, search: command.search, savedAt: this.deps.clock() }));
        return { kind: 'search-saved', name: command.name, query: describeSearch(command.search) };
      }
      case 'list-searches': {
        const searches = await this.kit.backendCall(() => store.list(caller.user.id));
        return { kind: 'searches', searches: searches.map((s) => ({ name: s.name, query: describeSearch(s.search) })) };
      }
      case 'run-search': {
        scope.target = command.name;
        const saved = await this.kit.backendCall(() => store.get(caller.user.id, command.name));
        if (!saved) throw new CommandSyntaxError(`You have no saved search "${command.name}". Type \`searches\` to list yours.`, 'searches');
        return this.find(caller, saved.search, scope);
      }
      case 'delete-search': {
        scope.target = command.name;
        if (!(await this.kit.backendCall(() => store.delete(caller.user.id, command.name)))) {
          throw new CommandSyntaxError(`You have no saved search "${command.name}".`, 'searches');
        }
        return { kind: 'search-deleted', name: command.name };
      }
    }
  }
}
