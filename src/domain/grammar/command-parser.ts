// Chat text → Command, for whatever commands the registry declares. Forgiving on case, spacing,
// quotes and the cmdlet forms SfB admins know; strict about what it acts on.
import type { Command } from '../commands.js';
import { CommandSyntaxError } from '../errors.js';
import { maskDigits } from '../mask-digits.js';
import { bindParameters, isCmdletLine, splitCmdletLine } from './cmdlet-line.js';
import { MAX_COMMAND_LENGTH, normalizeText } from './normalize.js';
import type { CmdletForm, CommandSyntax, PlainPhrase } from './syntax.js';

export type CommandParser = (input: string) => Command;

/** Phrases are tried in the order given; a test keeps any two of them from matching one text. */
export function createCommandParser(syntaxes: readonly CommandSyntax[]): CommandParser {
  const phrases: PlainPhrase[] = syntaxes.flatMap((s) => s.phrases);
  const cmdlets = new Map<string, CmdletForm>(syntaxes.flatMap((s) => s.cmdlets ?? []).map((c) => [c.name.toLowerCase(), c]));
  const known = cmdletNames([...cmdlets.values()].map((c) => c.name));
  const suggestions = syntaxes.filter((s) => s.suggestFor);
  const fallbackCmdletExample = [...cmdlets.values()].find((c) => /^get-/i.test(c.name))?.example ?? 'help';

  function parseCmdlet(text: string): Command {
    const { name, rest } = splitCmdletLine(text);
    const form = cmdlets.get(name.toLowerCase());
    if (!form) {
      throw new CommandSyntaxError(`PinDesk doesn't run ${name}. It understands ${listed(known)}.`, fallbackCmdletExample);
    }
    return form.build(bindParameters(form, rest));
  }

  function parsePlain(text: string): Command {
    for (const phrase of phrases) {
      const match = phrase.pattern.exec(text);
      if (match) return phrase.build((match[match.length - 1] ?? '').trim(), match);
    }
    const suggestion = suggestions.find((s) => s.suggestFor!.test(text))?.example ?? 'help';
    throw new CommandSyntaxError(`I don't know the command "${firstWords(text)}".`, suggestion);
  }

  return (input) => {
    const text = normalizeText(input);
    if (!text) throw new CommandSyntaxError('The message was empty.', 'help');
    if (text.length > MAX_COMMAND_LENGTH) {
      throw new CommandSyntaxError(`That message is too long for a command (over ${MAX_COMMAND_LENGTH} characters).`, 'help');
    }
    return isCmdletLine(text) ? parseCmdlet(text) : parsePlain(text);
  };
}

/** A noun with many verbs is named once (`Get/New/Set-CsPinPolicy`); the rest in full. */
function cmdletNames(names: readonly string[]): string[] {
  const byNoun = new Map<string, string[]>();
  for (const name of names) {
    const [verb = '', noun = ''] = name.split('-');
    byNoun.set(noun, [...(byNoun.get(noun) ?? []), verb]);
  }
  return [...byNoun].flatMap(([noun, verbs]) => (verbs.length > 3 ? [`${verbs.join('/')}-${noun}`] : verbs.map((verb) => `${verb}-${noun}`)));
}

function listed(names: readonly string[]): string {
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'no cmdlets');
}

function firstWords(text: string): string {
  const words = maskDigits(text.split(' ').slice(0, 3).join(' '));
  return words.length > 40 ? `${words.slice(0, 40)}…` : words;
}
