// How a command is written: its plain phrases and its cmdlet forms. Each command's registry entry
// supplies these; the parser only runs them.
import type { Command } from '../commands.js';

/** A plain-English form: the pattern's last capture group is the rest of the line. */
export interface PlainPhrase {
  pattern: RegExp;
  build: (rest: string, match: RegExpExecArray) => Command;
}

/** Parameters of a cmdlet line, by their canonical names; a switch is `true`. */
export type CmdletParameters = ReadonlyMap<string, string | true>;

/** A Skype for Business cmdlet PinDesk accepts, with the parameters it takes. */
export interface CmdletForm {
  /** As PowerShell spells it: `Set-CsClientPin`. */
  name: string;
  parameters: readonly string[];
  switches?: readonly string[];
  example: string;
  build: (params: CmdletParameters) => Command;
}

export interface CommandSyntax {
  phrases: readonly PlainPhrase[];
  cmdlets?: readonly CmdletForm[];
  /** Unknown text starting like this gets this command's example as a suggestion. */
  suggestFor?: RegExp;
  /** The example shown with a suggestion. */
  example: string;
}
