// Runs a parsed command: the entry's permission is checked now (and, for commands about a user,
// the user resolved and the scope checked), then its handler runs.
import type { Command } from '../../domain/commands.js';
import type { DirectoryUser } from '../../domain/user.js';
import { authorize } from '../access.js';
import type { DeskServices } from '../dependencies.js';
import type { DeskResult } from '../results.js';
import type { UseCaseContext } from '../turn.js';
import type { PlainEntry, TargetedEntry, TargetedKind } from './command-entry.js';
import { COMMANDS } from './registry.js';

/** `chosen`: the user a button already named (picker, find result); resolved from the text otherwise. */
export async function runCommand(services: DeskServices, ctx: UseCaseContext, command: Command, chosen?: DirectoryUser): Promise<DeskResult> {
  const entry = COMMANDS[command.kind];
  if (entry.target) {
    const targeted = entry as TargetedEntry<TargetedKind>;
    const about = command as Extract<Command, { kind: TargetedKind }>;
    targeted.precheck?.(ctx, about);
    const rule = { permission: targeted.permission, ...targeted.target };
    return services.targets.withTarget(ctx, about, rule, chosen, (user) => targeted.run(services, ctx, about, user));
  }
  const plain = entry as PlainEntry<Command['kind']>;
  if (plain.permission !== 'anyone') authorize(ctx.caller, plain.permission);
  return plain.run(services, ctx, command, COMMANDS);
}
