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
import { VERIFY_NOT_APPLICABLE } from '../http/openapi.js';
import type { DeskResult } from '../desk/results.js';
import type { Command } from '../domain/commands.js';
import { CommandSyntaxError, DeskError } from '../domain/errors.js';
import { cliForms } from '../desk/commands/registry.js';
import { formatResult } from './format.js';
import { STORE_COMMAND_HELP, storeCommand } from './store-command.js';

/** Local tools that are not chat commands: the audit trail and the dial-in system's question. */
const LOCAL_TOOLS = [
  { name: 'audit', arguments: '[--user <identity>] [--since 2d] [--limit N]', summary: 'recent audit records', details: 'pindesk audit [--user <identity>] [--since 2d|12h|30m] [--limit N] [--json]' },
  {
    name: 'verify',
    arguments: '<number|extension|sip> <pin>',
    summary: 'a dial-in logon attempt (counts failures)',
    details: 'pindesk verify <+number|extension|sip:address> <pin> [--json]\n  One logon attempt, as the dial-in system makes it: failures count toward lockout.',
  },
  { name: 'store', arguments: 'copy --from <DATA_DIR> [--to <url>] [--replace]', summary: 'move the embedded store to PostgreSQL', details: STORE_COMMAND_HELP },
];

const FORMS = cliForms();
const USAGE_LINES = [...FORMS, ...LOCAL_TOOLS].map((form) => `  ${`${form.name} ${form.arguments}`.padEnd(57)} ${form.summary}`);
const USAGE = `Usage: pindesk <command> [arguments] [--json]

${USAGE_LINES.join('\n')}

Identities: Ken Myer, kmyer, CONTOSO\\kmyer, ken.myer@contoso.com, sip:..., +14255550100.
Options: --json (machine-readable output), --help (this text, or a command's).
Configuration comes from the environment, as for the server (DATA_DIR, DIRECTORY, LDAP_*, ...).`;

/** `pindesk <name> --help`: the command's usage line, and what it does. */
function commandHelp(name: string): string | undefined {
  const forms = [...FORMS, ...LOCAL_TOOLS].filter((form) => form.name === name || form.name.startsWith(`${name} `));
  if (forms.length === 0) return undefined;
  const local = LOCAL_TOOLS.find((tool) => tool.name === name);
  if (local) return local.details;
  return forms.map((form) => `pindesk ${form.name} ${form.arguments} [--json]`.replace(/\s+/g, ' ') + (form.details ? `\n  ${form.details}` : '')).join('\n');
}

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
      from: { type: 'string' },
      to: { type: 'string' },
      replace: { type: 'boolean' },
    },
  });
  const [name, ...args] = positionals;
  const help = name ? commandHelp(name) : undefined;
  if (!name || (values.help && !help)) {
    console.log(USAGE);
    return name || values.help ? 0 : 2;
  }
  if (values.help) {
    console.log(help);
    return 0;
  }
  const json = Boolean(values.json);
  if (name === 'store') {
    const result = await storeCommand(args, values);
    print(json, result.json, result.text);
    return result.code;
  }
  const config = loadConfig();
  // The server verifies dial-in PINs itself: nothing to try here (as the API's 404 says).
  if (name === 'verify' && config.authority.kind === 'sfb') {
    console.error(VERIFY_NOT_APPLICABLE);
    return 2;
  }
  const { desk, verifier, store, close } = await openDesk(config, pino({ level: 'silent' }));
  try {
    const actor = userInfo().username;

    if (name === 'verify') {
      const [identity, pin] = args;
      if (!identity || pin === undefined) throw new UsageError(commandHelp('verify')!);
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

/** The registry's `pindesk` form for these words (`lock-pin kmyer`, `policy new StrictPin`). */
function commandOf(name: string, args: string[], values: Record<string, string | boolean | undefined>): Command {
  const group = FORMS.filter((form) => form.name.startsWith(`${name} `));
  const form = group.length > 0 ? group.find((f) => f.name === `${name} ${args[0]}`) : FORMS.find((f) => f.name === name);
  if (!form) throw new UsageError(group.length > 0 ? commandHelp(name)! : `Unknown command "${name}".\n\n${USAGE}`);
  const positionals = group.length > 0 ? args.slice(1) : args;
  const usage = (message: string): never => {
    throw new UsageError(message);
  };
  return form.build({
    positionals,
    options: values,
    identity: () => positionals.join(' ').trim() || usage(commandHelp(name) ?? USAGE),
    required: (value, text) => value || usage(`Usage: pindesk ${text}`),
    usage,
  });
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
