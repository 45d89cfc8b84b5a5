// What one command is, in one place: how it is written (plain phrases, cmdlet forms, the `pindesk`
// command line), who may run it, its help line, and its handler. The registry holds one per kind.
import type { Command, TargetedCommand } from '../../domain/commands.js';
import type { CommandSyntax } from '../../domain/grammar/syntax.js';
import type { Permission } from '../../domain/roles.js';
import type { DirectoryUser } from '../../domain/user.js';
import type { DeskServices } from '../dependencies.js';
import type { DeskResult, HelpLine } from '../results.js';

export type { HelpLine } from '../results.js';
import type { UseCaseContext } from '../turn.js';

export type CommandKind = Command['kind'];
export type CommandOf<K extends CommandKind> = Extract<Command, { kind: K }>;
export type TargetedKind = TargetedCommand['kind'];


/** Arguments of a `pindesk` subcommand, as node:util parseArgs gives them. */
export interface CliArguments {
  positionals: readonly string[];
  options: Readonly<Record<string, string | boolean | undefined>>;
  /** Every positional word as one identity; a usage error when there is none. */
  identity(): string;
  /** The value, or a usage error showing `usage`. */
  required(value: string | undefined, usage: string): string;
  /** Stops with a usage error. */
  usage(message: string): never;
}

export interface CliForm {
  /** `pindesk <name>`: one word, or a group and a verb (`policy new`). */
  name: string;
  /** What follows the name in the usage line. */
  arguments: string;
  summary: string;
  /** Longer text for `pindesk <name> --help`. */
  details?: string | undefined;
  build: (args: CliArguments) => Command;
}

interface EntryBase<K extends CommandKind> {
  kind: K;
  /** Checked when the command runs (and for `help`); 'anyone' = any identified caller. */
  permission: Permission | 'anyone';
  /** The lines `help` shows to callers holding `permission`, or the entry whose line covers this one. */
  help: readonly [HelpLine, ...HelpLine[]] | { seeAlso: CommandKind };
  syntax: CommandSyntax;
  cli?: readonly CliForm[] | undefined;
}

/** A command about one user: the dispatcher checks the role, resolves the user (or a picker). */
export interface TargetedEntry<K extends TargetedKind> extends EntryBase<K> {
  permission: Permission;
  target: {
    /** Acts on a PIN: refused for users not enabled for Skype for Business. */
    needsEnabledUser: boolean;
  };
  /** Refusals that do not depend on the user (checked before the directory is asked). */
  precheck?: (ctx: UseCaseContext, command: CommandOf<K>) => void;
  run: (services: DeskServices, ctx: UseCaseContext, command: CommandOf<K>, target: DirectoryUser) => Promise<DeskResult>;
}

/** Any other command: the dispatcher checks the permission, then runs it. */
export interface PlainEntry<K extends CommandKind> extends EntryBase<K> {
  target?: undefined;
  /** `commands` is the whole registry, for the few commands about commands (`help`). */
  run: (services: DeskServices, ctx: UseCaseContext, command: CommandOf<K>, commands: CommandRegistry) => Promise<DeskResult>;
}

export type CommandEntry<K extends CommandKind> = K extends TargetedKind ? TargetedEntry<K> : PlainEntry<K>;

/** One entry per command kind: a kind without an entry, or an entry of the wrong kind, does not compile. */
export type CommandRegistry = { readonly [K in CommandKind]: CommandEntry<K> };
