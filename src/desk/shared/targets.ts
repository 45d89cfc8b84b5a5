// Exactly one user per command: the role is checked first (a refusal is still audited against the
// user it was aimed at), then the identity resolves to one user, or to a picker of candidates.
import type { TargetedCommand } from '../../domain/commands.js';
import { CommandSyntaxError, NoUserMatchError, UserNotEnabledError } from '../../domain/errors.js';
import { describeIdentity, parseIdentity } from '../../domain/identity.js';
import type { Permission } from '../../domain/roles.js';
import { cmdletIdentity, summarize, type DirectoryUser } from '../../domain/user.js';
import type { Directory } from '../../ports/directory.js';
import { authorize, authorizeOn } from '../access.js';
import type { DeskResult } from '../results.js';
import type { UseCaseContext } from '../turn.js';
import type { Continuations } from './continuations.js';

/** What a picker remembers: the command, and whom it may run on. */
export interface ChoosePayload {
  command: TargetedCommand;
  candidateIds: string[];
}

export interface TargetRule {
  permission: Permission;
  /** Acts on a PIN: refused for users not enabled for Skype for Business. */
  needsEnabledUser: boolean;
}

export class TargetResolver {
  constructor(
    private readonly deps: {
      directory: Pick<Directory, 'search' | 'suggest'>;
      continuations: Pick<Continuations, 'save'>;
      settings: { pickerLimit: number };
    },
  ) {}

  /** Role check, then exactly one user (or a picker result), then the action on that user. */
  async withTarget(
    ctx: UseCaseContext,
    command: TargetedCommand,
    rule: TargetRule,
    chosen: DirectoryUser | undefined,
    action: (target: DirectoryUser) => Promise<DeskResult>,
  ): Promise<DeskResult> {
    const { caller, scope } = ctx;
    try {
      authorize(caller, rule.permission);
    } catch (error) {
      // The refusal belongs in the audit of the user it was aimed at, even though the caller
      // learns nothing about that user.
      scope.target = await this.quietTarget(command.identity);
      throw error;
    }
    const resolved = chosen ?? (await this.resolve(ctx, command));
    if (!('id' in resolved)) return resolved;
    scope.target = cmdletIdentity(resolved);
    authorizeOn(caller, rule.permission, resolved);
    if (!resolved.enabled && rule.needsEnabledUser) throw new UserNotEnabledError(summarize(resolved));
    return action(resolved);
  }

  /** The one user an identity names, for the audit trail only; nothing if unsure or failing. */
  private async quietTarget(identity: string): Promise<string | undefined> {
    const query = parseIdentity(identity);
    if (!query) return undefined;
    const users = await this.deps.directory.search(query, 2).catch(() => []);
    const exact = users.filter((u) => u.displayName.toLowerCase() === identity.toLowerCase() || u.samAccountName.toLowerCase() === identity.toLowerCase());
    const user = users.length === 1 ? users[0] : exact.length === 1 ? exact[0] : undefined;
    return user ? cmdletIdentity(user) : undefined;
  }

  private async resolve(ctx: UseCaseContext, command: TargetedCommand): Promise<DirectoryUser | DeskResult> {
    const query = parseIdentity(command.identity);
    if (!query) throw new CommandSyntaxError('Say whose PIN.', 'pin status Ken Myer');
    const limit = this.deps.settings.pickerLimit;
    const { directory, continuations } = this.deps;
    const users = await directory.search(query, limit + 1);
    if (query.kind === 'name') {
      const text = query.text.toLowerCase();
      const exact = users.filter((u) => u.displayName.toLowerCase() === text || u.samAccountName.toLowerCase() === text);
      if (exact.length === 1) return exact[0]!;
    }
    if (users.length === 1) return users[0]!;
    if (users.length === 0) {
      const hints = query.kind === 'name' ? await directory.suggest(query.text, 3) : [];
      throw new NoUserMatchError(describeIdentity(query), hints.map(summarize));
    }
    const candidates = users.slice(0, limit);
    const ref = await continuations.save(ctx.caller, 'choose-user', { command, candidateIds: candidates.map((u) => u.id) } satisfies ChoosePayload);
    ctx.scope.outcome = 'pending';
    ctx.scope.reason = `ambiguous: ${users.length > limit ? `more than ${limit}` : users.length} matches`;
    return { kind: 'choose-user', ref, command: command.kind, query: describeIdentity(query), candidates: candidates.map(summarize), more: users.length > limit };
  }
}
