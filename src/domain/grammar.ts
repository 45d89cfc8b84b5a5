// Chat text → Command. Forgiving on case, spacing, quotes and the cmdlet forms SfB admins know
// (`Set-CsClientPin -Identity "Ken Myer" -Pin 121989`); strict about what it acts on.
import type { Command } from './commands.js';
import { CommandSyntaxError } from './errors.js';
import { maskDigits } from './mask-digits.js';
import { cleanReason } from './pin-request.js';

import { changeFromParameters, changeFromWords, parsePolicyIdentity } from './policy-admin.js';
import { parseUserSearch } from './user-search.js';

/** Longer than any sensible command; we answer instead of parsing a pasted document. */
export const MAX_COMMAND_LENGTH = 1000;

export function parseCommand(input: string): Command {
  const text = normalizeText(input);
  if (!text) throw new CommandSyntaxError('The message was empty.', 'help');
  if (text.length > MAX_COMMAND_LENGTH) {
    throw new CommandSyntaxError(`That message is too long for a command (over ${MAX_COMMAND_LENGTH} characters).`, 'help');
  }
  if (/^[a-z]+-cs[a-z]+(\s|$)/i.test(text)) return parseCmdlet(text);
  return parsePlain(text);
}

/** Teams and phones turn quotes curly and spaces odd; mentions are stripped by the chat surface. */
export function normalizeText(input: string): string {
  return input
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201A\u201B]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u0000/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

interface PlainRule {
  pattern: RegExp;
  build: (rest: string, match: RegExpExecArray) => Command;
}

const EXAMPLE = {
  set: 'set pin Ken Myer',
  unlock: 'unlock pin Ken Myer',
  lock: 'lock pin Ken Myer',
  status: 'pin status Ken Myer',
  find: 'find user Ken',
} as const;

const PLAIN_RULES: PlainRule[] = [
  { pattern: /^(help|\?|commands|what can you do)$/i, build: () => ({ kind: 'help' }) },
  { pattern: /^(whoami|who am i)\??$/i, build: () => ({ kind: 'whoami' }) },
  { pattern: /^(?:get-?)?pin[ -]?polic(?:y|ies) list$|^pin[ -]?policies$/i, build: () => ({ kind: 'list-policies' }) },
  {
    pattern: /^(?:show )?pin[ -]?policy(?: for| of)?(?:\s+(.*))?$/i,
    build: (rest) => (rest ? { kind: 'user-policy', identity: requireIdentity(rest, 'pin policy Ken Myer') } : { kind: 'show-policy' }),
  },
  {
    pattern: /^(new|set|change) pin[ -]?policy(?:\s+(.*))?$/i,
    build: (rest, match) => {
      const tokens = tokenizePowerShell(rest).map((t) => t.value);
      const isNew = /^new$/i.test(match[1]!);
      // `set pin policy min 6` (no identity) changes Global, as Set-CsPinPolicy does.
      const first = tokens[0];
      const hasIdentity = first !== undefined && (tokens.length % 2 === 1 || /^(global|site:|tag:)/i.test(first));
      if (isNew && !hasIdentity) throw new CommandSyntaxError('Name the new policy: site:<site> or a per-user name.', 'new pin policy StrictPin min 8 history 5');
      const policy = parsePolicyIdentity(hasIdentity ? first : undefined);
      const change = changeFromWords(hasIdentity ? tokens.slice(1) : tokens);
      return isNew ? { kind: 'new-policy', policy, change } : { kind: 'set-policy', policy, change };
    },
  },
  {
    pattern: /^(?:remove|delete) pin[ -]?policy(?:\s+(.*))?$/i,
    build: (rest) => {
      if (!rest) throw new CommandSyntaxError('Say which policy to remove.', 'remove pin policy site:Redmond');
      return { kind: 'remove-policy', policy: parsePolicyIdentity(unquote(rest)) };
    },
  },
  {
    pattern: /^grant pin[ -]?policy(?:\s+(.*))?$/i,
    build: (rest) => {
      const match = /^(\S+)\s+to\s+(.+)$/i.exec(rest);
      if (!match) throw new CommandSyntaxError('Say which policy and to whom.', 'grant pin policy StrictPin to Ken Myer');
      return { kind: 'grant-policy', policyName: policyName(match[1]!), identity: requireIdentity(match[2]!, 'grant pin policy StrictPin to Ken Myer') };
    },
  },
  {
    pattern: /^revoke pin[ -]?policy(?: from)?(?:\s+(.*))?$/i,
    build: (rest) => ({ kind: 'grant-policy', identity: requireIdentity(rest, 'revoke pin policy from Ken Myer'), policyName: undefined }),
  },
  { pattern: /^audit(?: for| of)?(?:\s+(.*))?$/i, build: (rest) => (rest ? { kind: 'audit-user', identity: requireIdentity(rest, 'audit Ken Myer') } : { kind: 'audit' }) },
  { pattern: /^(?:reset|set|change|new) my pin\b\s*(.*)$/i, build: (rest) => ({ kind: 'request-pin', action: 'reset', reason: requestReason(rest) }) },
  { pattern: /^unlock my pin\b\s*(.*)$/i, build: (rest) => ({ kind: 'request-pin', action: 'unlock', reason: requestReason(rest) }) },
  { pattern: /^cancel(?: my)? (?:pin )?request$/i, build: () => ({ kind: 'cancel-request' }) },
  { pattern: /^my (?:pin )?requests$/i, build: () => ({ kind: 'my-requests' }) },
  { pattern: /^(?:pending |open )?(?:pin )?requests$/i, build: () => ({ kind: 'pending-requests' }) },
  { pattern: /^approvals (here|on|off)$/i, build: (rest) => ({ kind: 'approvals-here', on: !/^off$/i.test(rest) }) },
  { pattern: /^(?:set|reset|change)[ -]?pin(?: for)?(?:\s+(.*))?$/i, build: (rest) => parseSetArguments(rest) },
  {
    pattern: /^unlock[ -]?pin(?: for)?(?:\s+(.*))?$/i,
    build: (rest) => ({ kind: 'unlock-pin', identity: requireIdentity(rest, EXAMPLE.unlock) }),
  },
  {
    pattern: /^lock[ -]?pin(?: for)?(?:\s+(.*))?$/i,
    build: (rest) => ({ kind: 'lock-pin', identity: requireIdentity(rest, EXAMPLE.lock) }),
  },
  {
    pattern: /^(?:pin[ -]?(?:status|info)|show pin(?: status)?)(?: for| of)?(?:\s+(.*))?$/i,
    build: (rest) => ({ kind: 'pin-status', identity: requireIdentity(rest, EXAMPLE.status) }),
  },
  { pattern: /^(?:saved )?searches$|^list searches$/i, build: () => ({ kind: 'list-searches' }) },
  {
    pattern: /^save search(?:\s+(.*))?$/i,
    build: (rest) => {
      const match = /^(\S+)\s+as\s+(?:find(?:[ -]?users?)?\s+)?(.+)$/i.exec(rest);
      if (!match) throw new CommandSyntaxError('Give the search a name and a query.', 'save search redmond as find user where site = Redmond');
      return { kind: 'save-search', name: searchName(match[1]!), search: parseUserSearch(match[2]!) };
    },
  },
  { pattern: /^run search(?:\s+(.*))?$/i, build: (rest) => ({ kind: 'run-search', name: searchName(rest) }) },
  { pattern: /^(?:delete|remove) search(?:\s+(.*))?$/i, build: (rest) => ({ kind: 'delete-search', name: searchName(rest) }) },
  {
    pattern: /^(?:find(?:[ -]?users?)?|search(?: users?)?)(?:\s+(.*))?$/i,
    build: (rest) => {
      if (!rest) throw new CommandSyntaxError('Say what to look for.', EXAMPLE.find);
      return { kind: 'find-user', search: parseUserSearch(rest) };
    },
  },
];

/** `reset my pin - new phone`, `reset my pin because new phone`: the reason, without the joiner. */
function requestReason(rest: string): string | undefined {
  return cleanReason(rest.replace(/^(?:[-:–—,]|because|for|reason:?)\s*/i, ''));
}

/** Saved search names: short, no spaces, so `run search NAME` is unambiguous. */
function searchName(text: string): string {
  const name = text.trim();
  if (!/^[\w.-]{1,40}$/.test(name)) {
    throw new CommandSyntaxError('A search name is 1 to 40 letters, digits, dots, dashes or underscores.', 'run search redmond-locked');
  }
  return name.toLowerCase();
}

function parsePlain(text: string): Command {
  for (const rule of PLAIN_RULES) {
    const match = rule.pattern.exec(text);
    if (match) return rule.build((match[match.length - 1] ?? '').trim(), match);
  }
  throw new CommandSyntaxError(`I don't know the command "${firstWords(text)}".`, suggestCommand(text));
}

function requireIdentity(rest: string, example: string): string {
  const identity = unquote(rest);
  if (!identity) throw new CommandSyntaxError('Say whose PIN, by name, account, SIP address or phone number.', example);
  if (/^\d+$/.test(identity)) {
    throw new CommandSyntaxError('Name the user first, by name, account, SIP address or phone number (+1...).', example);
  }
  return identity;
}

const IGNORE_HISTORY = /\s+(?:--?)?ignore[ -]?history$/i;

/** `Ken Myer`, `Ken Myer 121989`, `Ken Myer to 121989`, `... 121989 ignore-history`. */
function parseSetArguments(rest: string): Command {
  let args = rest;
  let ignoreHistory = false;
  if (IGNORE_HISTORY.test(` ${args}`)) {
    ignoreHistory = true;
    args = ` ${args}`.replace(IGNORE_HISTORY, '').trim();
  }
  const tokens = args.split(' ');
  const last = tokens.at(-1) ?? '';
  if (tokens.length > 1 && looksLikePinAttempt(last)) {
    let identityTokens = tokens.slice(0, -1);
    if (identityTokens.length > 1 && /^to$/i.test(identityTokens.at(-1)!)) identityTokens = identityTokens.slice(0, -1);
    const identity = requireIdentity(identityTokens.join(' '), 'set pin Ken Myer 121989');
    return { kind: 'set-pin', identity, pin: unquote(last), ignoreHistory };
  }
  if (ignoreHistory) {
    throw new CommandSyntaxError('"ignore history" only applies to a PIN you type yourself.', 'set pin Ken Myer 121989 ignore-history');
  }
  return { kind: 'set-pin', identity: requireIdentity(args, EXAMPLE.set), ignoreHistory };
}

/**
 * A trailing token is a PIN attempt when it has a digit and is not itself an identity form
 * (phone number, address, account). Letters are kept so the PIN rules can say "digits only".
 */
function looksLikePinAttempt(token: string): boolean {
  const value = unquote(token);
  if (!/\d/.test(value)) return false;
  if (/^(\+|tel:|sip:)/i.test(value)) return false;
  return !/[@\\=,]/.test(value);
}

// ---- cmdlet forms ----------------------------------------------------------------------------

interface CmdletSpec {
  build: (params: Map<string, string | true>) => Command;
  parameters: readonly string[];
  switches: readonly string[];
  example: string;
}

const POLICY_PARAMETERS = ['MinPasswordLength', 'PINHistoryCount', 'PINLifetime', 'AllowCommonPatterns', 'MaximumLogonAttempts', 'Description'];

const CMDLETS: Record<string, CmdletSpec> = {
  'set-csclientpin': {
    parameters: ['Identity', 'Pin'],
    switches: ['IgnoreHistory'],
    example: 'Set-CsClientPin -Identity "Ken Myer" -Pin 121989',
    build: (p) => {
      const pin = p.get('Pin');
      return {
        kind: 'set-pin',
        identity: identityParam(p, 'Set-CsClientPin -Identity "Ken Myer"'),
        pin: typeof pin === 'string' ? pin : undefined,
        ignoreHistory: p.get('IgnoreHistory') === true,
      };
    },
  },
  'unlock-csclientpin': {
    parameters: ['Identity'],
    switches: [],
    example: 'Unlock-CsClientPin -Identity "Ken Myer"',
    build: (p) => ({ kind: 'unlock-pin', identity: identityParam(p, 'Unlock-CsClientPin -Identity "Ken Myer"') }),
  },
  'lock-csclientpin': {
    parameters: ['Identity'],
    switches: [],
    example: 'Lock-CsClientPin -Identity "Ken Myer"',
    build: (p) => ({ kind: 'lock-pin', identity: identityParam(p, 'Lock-CsClientPin -Identity "Ken Myer"') }),
  },
  'get-cspinpolicy': {
    parameters: ['Identity'],
    switches: [],
    example: 'Get-CsPinPolicy -Identity site:Redmond',
    build: (p) => {
      const identity = p.get('Identity');
      return typeof identity === 'string' ? { kind: 'show-policy', policy: parsePolicyIdentity(identity) } : { kind: 'list-policies' };
    },
  },
  'new-cspinpolicy': {
    parameters: ['Identity', ...POLICY_PARAMETERS],
    switches: [],
    example: 'New-CsPinPolicy -Identity site:Redmond -MinPasswordLength 6',
    build: (p) => {
      const identity = p.get('Identity');
      if (typeof identity !== 'string') throw new CommandSyntaxError('-Identity is required.', 'New-CsPinPolicy -Identity StrictPin -MinPasswordLength 8');
      return { kind: 'new-policy', policy: parsePolicyIdentity(identity), change: changeFromParameters(p) };
    },
  },
  'set-cspinpolicy': {
    parameters: ['Identity', ...POLICY_PARAMETERS],
    switches: [],
    example: 'Set-CsPinPolicy -Identity site:Redmond -PINHistoryCount 3',
    build: (p) => {
      const identity = p.get('Identity');
      return { kind: 'set-policy', policy: parsePolicyIdentity(typeof identity === 'string' ? identity : undefined), change: changeFromParameters(p) };
    },
  },
  'remove-cspinpolicy': {
    parameters: ['Identity'],
    switches: [],
    example: 'Remove-CsPinPolicy -Identity site:Redmond',
    build: (p) => {
      const identity = p.get('Identity');
      if (typeof identity !== 'string') throw new CommandSyntaxError('-Identity is required.', 'Remove-CsPinPolicy -Identity site:Redmond');
      return { kind: 'remove-policy', policy: parsePolicyIdentity(identity) };
    },
  },
  'grant-cspinpolicy': {
    parameters: ['Identity', 'PolicyName'],
    switches: [],
    example: 'Grant-CsPinPolicy -Identity "Ken Myer" -PolicyName StrictPin',
    build: (p) => {
      const name = p.get('PolicyName');
      if (typeof name !== 'string') throw new CommandSyntaxError('-PolicyName is required ($null revokes).', 'Grant-CsPinPolicy -Identity "Ken Myer" -PolicyName StrictPin');
      return {
        kind: 'grant-policy',
        identity: identityParam(p, 'Grant-CsPinPolicy -Identity "Ken Myer" -PolicyName StrictPin'),
        policyName: /^\$null$/i.test(name) ? undefined : policyName(name),
      };
    },
  },
  'get-csclientpininfo': {
    parameters: ['Identity'],
    switches: [],
    example: 'Get-CsClientPinInfo -Identity "Ken Myer"',
    build: (p) => ({ kind: 'pin-status', identity: identityParam(p, 'Get-CsClientPinInfo -Identity "Ken Myer"') }),
  },
};

/** A per-user policy name as Grant-CsPinPolicy takes it (`StrictPin` or `Tag:StrictPin`). */
function policyName(text: string): string {
  const identity = parsePolicyIdentity(text.replace(/^tag:/i, ''));
  if (!identity.startsWith('tag:')) throw new CommandSyntaxError('Only per-user policies are granted; site and Global policies apply by themselves.', 'grant pin policy StrictPin to Ken Myer');
  return identity.slice('tag:'.length);
}

/** Common parameters people paste along; they change nothing here. */
const IGNORED_SWITCHES = ['Confirm', 'Verbose'];

function parseCmdlet(text: string): Command {
  const tokens = tokenizePowerShell(text);
  const name = tokens.shift()!.value;
  const spec = CMDLETS[name.toLowerCase()];
  if (!spec) {
    throw new CommandSyntaxError(
      `PinDesk doesn't run ${name}. It understands Set-CsClientPin, Unlock-CsClientPin, Lock-CsClientPin, Get-CsClientPinInfo and Get/New/Set/Remove/Grant-CsPinPolicy.`,
      'Get-CsClientPinInfo -Identity "Ken Myer"',
    );
  }
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
      throw new CommandSyntaxError('PinDesk has no -WhatIf: use pin status to look first, then run the command without -WhatIf.', spec.example);
    }
    if (IGNORED_SWITCHES.some((s) => s.toLowerCase() === given.toLowerCase())) continue;
    const parameter = matchParameter(given, [...spec.parameters, ...spec.switches], spec.example);
    if (params.has(parameter)) throw new CommandSyntaxError(`-${parameter} is given twice.`, spec.example);
    if (spec.switches.includes(parameter)) {
      params.set(parameter, true);
      continue;
    }
    const value = inline ?? tokens[++i]?.value;
    if (value === undefined || value === '') throw new CommandSyntaxError(`-${parameter} needs a value.`, spec.example);
    params.set(parameter, value);
  }
  if (positional.length > 0) {
    if (params.has('Identity') || positional.length > 1) {
      throw new CommandSyntaxError(`I don't know what "${positional.join(' ')}" means here; quote names with spaces.`, spec.example);
    }
    params.set('Identity', positional[0]!);
  }
  return spec.build(params);
}

function identityParam(params: Map<string, string | true>, example: string): string {
  const identity = params.get('Identity');
  if (typeof identity !== 'string') throw new CommandSyntaxError('-Identity is required.', example);
  return requireIdentity(identity, example);
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

interface Token {
  value: string;
  quoted: boolean;
}

function tokenizePowerShell(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /"((?:[^"`]|`.)*)"|'((?:[^']|'')*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) {
    if (match[1] !== undefined) tokens.push({ value: match[1].replace(/`(.)/g, '$1'), quoted: true });
    else if (match[2] !== undefined) tokens.push({ value: match[2].replace(/''/g, "'"), quoted: true });
    else tokens.push({ value: match[3]!, quoted: false });
  }
  return tokens;
}

// ---- helpers ---------------------------------------------------------------------------------

function unquote(text: string): string {
  const trimmed = text.trim();
  const quoted = /^"(.*)"$|^'(.*)'$/.exec(trimmed);
  return (quoted ? (quoted[1] ?? quoted[2] ?? '') : trimmed).trim();
}

function firstWords(text: string): string {
  const words = maskDigits(text.split(' ').slice(0, 3).join(' '));
  return words.length > 40 ? `${words.slice(0, 40)}…` : words;
}


const VERBS: Array<[RegExp, string]> = [
  [/^(set|reset|change|new)\b/i, EXAMPLE.set],
  [/^unlock\b/i, EXAMPLE.unlock],
  [/^lock\b/i, EXAMPLE.lock],
  [/^(status|info|show|get)\b/i, EXAMPLE.status],
  [/^(find|search|lookup|look up)\b/i, EXAMPLE.find],
];

function suggestCommand(text: string): string {
  return VERBS.find(([pattern]) => pattern.test(text))?.[1] ?? 'help';
}
