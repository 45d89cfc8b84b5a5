// The registry is the one place a command lives: these checks fail when an entry lacks a help line
// or a permission, when two commands' phrases claim the same text, or when an example no longer
// parses to its own command.
import { describe, expect, it } from 'vitest';
import type { CommandKind, HelpLine } from '../../../src/desk/commands/command-entry.js';
import { cliForms, commandEntries, COMMANDS, parseCommand } from '../../../src/desk/commands/registry.js';
import { LIST_ACTIONS } from '../../../src/domain/commands.js';
import { CommandSyntaxError } from '../../../src/domain/errors.js';
import { normalizeText } from '../../../src/domain/grammar/normalize.js';
import { PERMISSIONS } from '../../../src/domain/roles.js';

const entries = commandEntries();

/** The help lines an entry is listed under: its own, or those of the entry it points to. */
function helpLinesOf(kind: CommandKind, seen = new Set<CommandKind>()): readonly HelpLine[] {
  const help = COMMANDS[kind].help;
  if (!('seeAlso' in help)) return help;
  if (seen.has(kind)) return [];
  seen.add(kind);
  return helpLinesOf(help.seeAlso, seen);
}

/** Every example the registry knows: help lines, syntax examples, cmdlet examples. */
const examples = entries.flatMap((entry) => [
  ...('seeAlso' in entry.help ? [] : entry.help.map((line) => ({ kind: entry.kind, text: line.example }))),
  { kind: entry.kind, text: entry.syntax.example },
  ...(entry.syntax.cmdlets ?? []).map((cmdlet) => ({ kind: entry.kind, text: cmdlet.example })),
]);

/** Texts typed in chat (README, help, tests): none may match two commands' phrases. */
const CORPUS = [
  ...examples.map((e) => e.text),
  'set pin policy min 6',
  'set pin policy site:Redmond min 6',
  'change pin policy StrictPin history 3',
  'show pin policy Ken Myer',
  'show pin Ken Myer',
  'show pin status kmyer',
  'pin policy list',
  'get-pin-policy list',
  'pin policy for Ken Myer',
  'pin policy',
  'reset my pin - new phone',
  'set my pin',
  'reset pin for Ken Myer',
  'unlock my pin',
  'my requests',
  'pending requests',
  'cancel my request',
  'audit',
  'audit for Ken Myer',
  'searches',
  'search users Ken',
  'save search x as find user Ken',
  'revoke pin policy from Ken Myer',
  'approvals off',
  'who am i?',
];

describe('the command registry', () => {
  it('has an entry for every command kind, under its own kind', () => {
    for (const [kind, entry] of Object.entries(COMMANDS)) expect(entry.kind).toBe(kind);
  });

  it('gives every entry a permission from the role table (or anyone)', () => {
    for (const entry of entries) expect([...PERMISSIONS, 'anyone']).toContain(entry.permission);
  });

  it('gives every entry a help line, its own or one it points to, listed under the same permission', () => {
    for (const entry of entries) {
      const lines = helpLinesOf(entry.kind);
      expect(lines.length, `${entry.kind} has no help line`).toBeGreaterThan(0);
      if ('seeAlso' in entry.help) {
        const covering = COMMANDS[entry.help.seeAlso];
        // Anyone who may run this command sees the line that covers it.
        expect(covering.permission === entry.permission || covering.permission === 'anyone' || entry.permission === 'anyone', `${entry.kind} → ${covering.kind}`).toBe(true);
      }
    }
  });

  it('parses every example to its own command', () => {
    for (const { kind, text } of examples) {
      const parsed = parseCommand(text);
      // Get-CsPinPolicy serves both listing and showing one policy.
      const expected = kind === 'list-policies' && /-Identity/i.test(text) ? 'show-policy' : kind;
      expect(parsed.kind, text).toBe(expected);
    }
  });

  it('lets no two phrases claim the same text (phrase order does not matter)', () => {
    for (const text of CORPUS) {
      const normalized = normalizeText(text);
      const claimed = entries.filter((entry) => entry.syntax.phrases.some((phrase) => phrase.pattern.test(normalized))).map((entry) => entry.kind);
      expect(claimed.length, `"${text}" is claimed by ${claimed.join(', ') || 'nothing'}`).toBeLessThanOrEqual(1);
    }
  });

  it('names each cmdlet once, as PowerShell spells it', () => {
    const names = entries.flatMap((entry) => (entry.syntax.cmdlets ?? []).map((c) => c.name));
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][a-z]+-Cs[A-Z][A-Za-z]+$/);
  });

  it('says which command to try for unknown text starting like a known verb', () => {
    const refusal = (() => {
      try {
        parseCommand('unlock the pin of kmyer');
      } catch (error) {
        return error as CommandSyntaxError;
      }
    })();
    expect(refusal).toBeInstanceOf(CommandSyntaxError);
    expect(refusal!.problem).toMatch(/don't know the command "unlock the pin"/);
    expect(refusal!.example).toBe('unlock pin Ken Myer');
  });

  it('checks every command about one user for its permission before the user is resolved', () => {
    const targeted = entries.filter((entry) => entry.target);
    expect(targeted.map((e) => e.kind).sort()).toEqual(['audit-user', 'grant-policy', 'lock-pin', 'pin-status', 'set-pin', 'unlock-pin', 'user-policy']);
    for (const entry of targeted) expect(entry.permission).not.toBe('anyone');
  });

  it('offers find-result buttons only for commands about one user', () => {
    for (const kind of LIST_ACTIONS) expect(COMMANDS[kind].target, kind).toBeDefined();
  });

  it('gives each pindesk subcommand one name, and builds its own kind', () => {
    const forms = cliForms();
    expect(new Set(forms.map((f) => f.name)).size).toBe(forms.length);
    const args = (positionals: string[], options: Record<string, string> = {}) => ({
      positionals,
      options,
      identity: () => positionals.join(' '),
      required: (value: string | undefined) => value ?? 'missing',
      usage: (message: string): never => {
        throw new Error(message);
      },
    });
    const built = Object.fromEntries(forms.map((form) => [form.name, form.build(args(['StrictPin', 'Ken', 'Myer'], { min: '6' })).kind]));
    expect(built).toEqual({
      'set-pin': 'set-pin',
      'unlock-pin': 'unlock-pin',
      'lock-pin': 'lock-pin',
      'pin-info': 'pin-status',
      'policy list': 'list-policies',
      'policy show': 'show-policy',
      'policy new': 'new-policy',
      'policy set': 'set-policy',
      'policy remove': 'remove-policy',
      'policy grant': 'grant-policy',
      'policy revoke': 'grant-policy',
    });
  });
});
