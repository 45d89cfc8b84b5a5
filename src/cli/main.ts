#!/usr/bin/env node
// `pindesk`: the same desk from the server's own shell, for scripts and local administrators.
// Exit codes: 0 ok, 1 refused by a rule (or a verify that did not succeed), 2 usage or system error.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { errorMessage } from '../cards/error-messages.js';
import { ConfigError, loadConfig } from '../config.js';
import type { VerifySubject } from '../desk/pin-verifier.js';
import { openDesk } from '../open-desk.js';
import type { DeskResult } from '../desk/results.js';
import type { Command } from '../domain/commands.js';
import { CommandSyntaxError, DeskError } from '../domain/errors.js';
import { changeFromWords, parsePolicyIdentity } from '../domain/policy-admin.js';
import { formatResult } from './format.js';

const USAGE = `Usage: pindesk <command> [arguments] [--json]

  set-pin <identity> [--pin <digits>] [--ignore-history]   set a PIN (generated unless --pin); prints it here only
  unlock-pin <identity>                                     unlock a PIN and reset its failure counters
  lock-pin <identity>                                       lock a PIN
  pin-info <identity>                                       Get-CsClientPinInfo: set, locked, changed, expires
  policy list                                               every PIN policy
  policy show <policy>                                      one policy (Global, site:NAME, NAME)
  policy new <policy> [settings]                            settings: --min N --history N --lifetime DAYS
  policy set [<policy>] [settings]                                    --attempts N|unset --common-patterns yes|no
  policy remove <policy>                                              --description TEXT
  policy grant <policy> <identity>                          grant a per-user policy
  policy revoke <identity>                                  back to the site or Global policy
  audit [--user <identity>] [--since 2d] [--limit N]        recent audit records
  verify <number|extension|sip> <pin>                       a dial-in logon attempt (counts failures)

Identities: Ken Myer, kmyer, CONTOSO\\kmyer, ken.myer@contoso.com, sip:..., +14255550100.
Options: --json (machine-readable output), --help (this text, or a command's).
Configuration comes from the environment, as for the server (DATA_DIR, DIRECTORY, LDAP_*, ...).`;

const COMMAND_HELP: Record<string, string> = {
  'set-pin': 'pindesk set-pin <identity> [--pin <digits>] [--ignore-history] [--json]\n  Sets a PIN under the user\'s policy and prints it on this terminal only.',
  'unlock-pin': 'pindesk unlock-pin <identity> [--json]\n  Unlocks the PIN and resets both failure counters.',
  'lock-pin': 'pindesk lock-pin <identity> [--json]\n  Locks the PIN until an administrator unlocks it.',
  'pin-info': 'pindesk pin-info <identity> [--json]\n  IsPinSet, IsLockedOut (and why), LastPinChangeTime, PinExpirationTime.',
  policy: 'pindesk policy list|show|new|set|remove|grant|revoke ...\n  Settings: --min N --history N --lifetime DAYS --attempts N|unset --common-patterns yes|no --description TEXT',
  audit: 'pindesk audit [--user <identity>] [--since 2d|12h|30m] [--limit N] [--json]',
  verify: 'pindesk verify <+number|extension|sip:address> <pin> [--json]\n  One logon attempt, as the dial-in system makes it: failures count toward lockout.',
};

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      pin: { type: 'string' },
      'ignore-history': { type: 'boolean' },
      user: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
      min: { type: 'string' },
      history: { type: 'string' },
      lifetime: { type: 'string' },
      attempts: { type: 'string' },
      'common-patterns': { type: 'string' },
      description: { type: 'string' },
    },
  });
  const [name, ...args] = positionals;
  if (!name || (values.help && !COMMAND_HELP[name])) {
    console.log(USAGE);
    return name || values.help ? 0 : 2;
  }
  if (values.help) {
    console.log(COMMAND_HELP[name]);
    return 0;
  }
  const json = Boolean(values.json);
  const config = loadConfig();
  const { desk, verifier, store, close } = await openDesk(config, pino({ level: 'silent' }));
  try {
    const actor = userInfo().username;

    if (name === 'verify') {
      const [identity, pin] = args;
      if (!identity || pin === undefined) throw new UsageError(COMMAND_HELP.verify);
      const result = await verifier.verify(subjectOf(identity), pin, `local:${actor}`);
      print(json, { result }, `result: ${result}`);
      return result === 'ok' ? 0 : 1;
    }
    if (name === 'audit') {
      const since = values.since ? new Date(Date.now() - durationMs(values.since)) : undefined;
      const limit = values.limit ? Number(values.limit) : 50;
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit takes a whole number');
      let target: string | undefined;
      if (values.user) {
        const result = await desk.runLocal(actor, { kind: 'audit-user', identity: values.user });
        if (result.kind !== 'audit') return report(json, result);
        target = result.about?.sipAddress ?? result.about?.userPrincipalName;
      }
      const records = await store.audit.recent({ target, since, limit });
      print(json, { records }, records.map((r) => `${r.at.toISOString()}  ${r.actor}  ${r.action}  ${r.target ?? '-'}  ${r.outcome}${r.reason ? `  ${r.reason}` : ''}`).join('\n') || 'no records');
      return 0;
    }

    const result = await desk.runLocal(actor, commandOf(name, args, values));
    if (result.kind === 'pin-set') {
      // Shown once, here; the sealed copy is deleted as it is read.
      const pin = await desk.takeLocalPin(actor, result.revealRef);
      const formatted = formatResult(result);
      print(json, { ...(formatted.json as object), pin }, `${formatted.text}\nPIN: ${pin}`);
      return 0;
    }
    return report(json, result);
  } finally {
    await close();
  }
}

function report(json: boolean, result: DeskResult): number {
  const { text, json: data } = formatResult(result);
  print(json, data, text);
  return 0;
}

function commandOf(name: string, args: string[], values: Record<string, string | boolean | undefined>): Command {
  const identity = () => {
    const text = args.join(' ').trim();
    if (!text) throw new UsageError(COMMAND_HELP[name] ?? USAGE);
    return text;
  };
  switch (name) {
    case 'set-pin':
      return { kind: 'set-pin', identity: identity(), pin: typeof values.pin === 'string' ? values.pin : undefined, ignoreHistory: Boolean(values['ignore-history']) };
    case 'unlock-pin':
      return { kind: 'unlock-pin', identity: identity() };
    case 'lock-pin':
      return { kind: 'lock-pin', identity: identity() };
    case 'pin-info':
      return { kind: 'pin-status', identity: identity() };
    case 'policy':
      return policyCommand(args, values);
    default:
      throw new UsageError(`Unknown command "${name}".\n\n${USAGE}`);
  }
}

function policyCommand(args: string[], values: Record<string, string | boolean | undefined>): Command {
  const [verb, ...rest] = args;
  const settings = ['min', 'history', 'lifetime', 'attempts', 'common-patterns', 'description'].flatMap((key) => (typeof values[key] === 'string' ? [key, values[key] as string] : []));
  switch (verb) {
    case 'list':
      return { kind: 'list-policies' };
    case 'show':
      return { kind: 'show-policy', policy: parsePolicyIdentity(required(rest[0], 'policy show <policy>')) };
    case 'new':
      return { kind: 'new-policy', policy: parsePolicyIdentity(required(rest[0], 'policy new <policy> [settings]')), change: changeFromWords(settings) };
    case 'set':
      return { kind: 'set-policy', policy: parsePolicyIdentity(rest[0]), change: changeFromWords(settings) };
    case 'remove':
      return { kind: 'remove-policy', policy: parsePolicyIdentity(required(rest[0], 'policy remove <policy>')) };
    case 'grant': {
      const policy = parsePolicyIdentity(required(rest[0], 'policy grant <policy> <identity>'));
      if (!policy.startsWith('tag:')) throw new UsageError('Only per-user policies are granted.');
      return { kind: 'grant-policy', policyName: policy.slice(4), identity: required(rest.slice(1).join(' ') || undefined, 'policy grant <policy> <identity>') };
    }
    case 'revoke':
      return { kind: 'grant-policy', policyName: undefined, identity: required(rest.join(' ') || undefined, 'policy revoke <identity>') };
    default:
      throw new UsageError(COMMAND_HELP.policy!);
  }
}

function required(value: string | undefined, usage: string): string {
  if (!value) throw new UsageError(`Usage: pindesk ${usage}`);
  return value;
}

function subjectOf(identity: string): VerifySubject {
  if (/^(sip:)?[^\s@]+@[^\s@]+$/i.test(identity)) return { sip: identity };
  if (/^(tel:)?\+/.test(identity)) return { line: identity };
  if (/^\d{2,10}$/.test(identity)) return { extension: identity };
  throw new UsageError('verify takes a phone number (+1...), an extension (digits) or a SIP address.');
}

function durationMs(text: string): number {
  const match = /^(\d+)(m|h|d)$/.exec(text.trim());
  if (!match) throw new UsageError('--since takes a duration like 30m, 12h or 2d');
  return Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
}

function print(json: boolean, data: unknown, text: string): void {
  console.log(json ? JSON.stringify(data, null, 2) : text);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const json = process.argv.includes('--json');
    if (error instanceof DeskError) {
      const message = errorMessage(error).replace(/`/g, '');
      console.error(json ? JSON.stringify({ error: error.code, message }) : message);
      // A rule said no: 1. A malformed command or a broken backend: 2.
      process.exit(error instanceof CommandSyntaxError || error.outcome === 'failed' ? 2 : 1);
    }
    const usage = error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const message = usage ? (error as Error).message : `pindesk failed: ${error instanceof Error ? error.message : String(error)}`;
    console.error(json ? JSON.stringify({ error: 'usage-or-system', message }) : message);
    process.exit(2);
  },
);
