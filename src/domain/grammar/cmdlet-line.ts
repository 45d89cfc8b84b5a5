// A pasted cmdlet line (`Set-CsClientPin -Identity "Ken Myer" -Pin 121989`) → its parameters, as
// PowerShell binds them: prefixes of parameter names, `-Name:value`, one positional Identity.
import { CommandSyntaxError } from '../errors.js';
import { tokenizePowerShell, type Token } from './powershell-tokens.js';
import type { CmdletForm, CmdletParameters } from './syntax.js';

/** Common parameters people paste along; they change nothing here. */
const IGNORED_SWITCHES = ['Confirm', 'Verbose'];

/** Looks like `Verb-CsNoun ...`: parsed as a cmdlet line, never as a phrase. */
export function isCmdletLine(text: string): boolean {
  return /^[a-z]+-cs[a-z]+(\s|$)/i.test(text);
}

export function splitCmdletLine(text: string): { name: string; rest: Token[] } {
  const tokens = tokenizePowerShell(text);
  return { name: tokens.shift()!.value, rest: tokens };
}

export function bindParameters(form: CmdletForm, tokens: readonly Token[]): CmdletParameters {
  const switches = form.switches ?? [];
  const params = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const flag = token.quoted ? undefined : /^-([a-z]+)(?::(.*))?$/i.exec(token.value);
    if (!flag) {
      positional.push(token.value);
      continue;
    }
    const [, given = '', inline] = flag;
    if (/^whatif$/i.test(given)) {
      throw new CommandSyntaxError('PinDesk has no -WhatIf: use pin status to look first, then run the command without -WhatIf.', form.example);
    }
    if (IGNORED_SWITCHES.some((s) => s.toLowerCase() === given.toLowerCase())) continue;
    const parameter = matchParameter(given, [...form.parameters, ...switches], form.example);
    if (params.has(parameter)) throw new CommandSyntaxError(`-${parameter} is given twice.`, form.example);
    if (switches.includes(parameter)) {
      params.set(parameter, true);
      continue;
    }
    const value = inline ?? tokens[++i]?.value;
    if (value === undefined || value === '') throw new CommandSyntaxError(`-${parameter} needs a value.`, form.example);
    params.set(parameter, value);
  }
  if (positional.length > 0) {
    if (params.has('Identity') || positional.length > 1) {
      throw new CommandSyntaxError(`I don't know what "${positional.join(' ')}" means here; quote names with spaces.`, form.example);
    }
    params.set('Identity', positional[0]!);
  }
  return params;
}

/** PowerShell lets a parameter be shortened to any unambiguous prefix. */
function matchParameter(given: string, names: readonly string[], example: string): string {
  const exact = names.find((n) => n.toLowerCase() === given.toLowerCase());
  if (exact) return exact;
  const candidates = names.filter((n) => n.toLowerCase().startsWith(given.toLowerCase()));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) throw new CommandSyntaxError(`-${given} is ambiguous: ${candidates.map((c) => `-${c}`).join(' or ')}.`, example);
  throw new CommandSyntaxError(`Unknown parameter -${given}. Parameters: ${names.map((n) => `-${n}`).join(', ')}.`, example);
}
