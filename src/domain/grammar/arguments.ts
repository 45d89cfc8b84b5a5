// Argument rules shared by several commands' phrases: identities, PINs, names.
import type { Command } from '../commands.js';
import { CommandSyntaxError } from '../errors.js';
import { parsePolicyIdentity } from '../policy-admin.js';
import { cleanReason } from '../pin-request.js';
import { unquote } from './normalize.js';
import type { CmdletParameters } from './syntax.js';

/** Who a command is about; never a bare number (that is more likely a PIN typed first). */
export function requireIdentity(rest: string, example: string): string {
  const identity = unquote(rest);
  if (!identity) throw new CommandSyntaxError('Say whose PIN, by name, account, SIP address or phone number.', example);
  if (/^\p{Nd}+$/u.test(identity)) {
    throw new CommandSyntaxError('Name the user first, by name, account, SIP address or phone number (+1...).', example);
  }
  return identity;
}

/** `-Identity` of a cmdlet line, with the same rules as a typed identity. */
export function identityParam(params: CmdletParameters, example: string): string {
  const identity = params.get('Identity');
  if (typeof identity !== 'string') throw new CommandSyntaxError('-Identity is required.', example);
  return requireIdentity(identity, example);
}

const IGNORE_HISTORY = /\s+(?:--?)?ignore[ -]?history$/i;

/** `Ken Myer`, `Ken Myer 121989`, `Ken Myer to 121989`, `... 121989 ignore-history`. */
export function parseSetArguments(rest: string): Command {
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
  return { kind: 'set-pin', identity: requireIdentity(args, 'set pin Ken Myer'), ignoreHistory };
}

/**
 * A trailing token is a PIN attempt when it has a digit and is not itself an identity form
 * (phone number, address, account). Letters are kept so the PIN rules can say "digits only".
 */
function looksLikePinAttempt(token: string): boolean {
  const value = unquote(token);
  if (!/\p{Nd}/u.test(value)) return false;
  if (/^(\+|tel:|sip:)/i.test(value)) return false;
  return !/[@\\=,]/.test(value);
}

/** `reset my pin - new phone`, `reset my pin because new phone`: the reason, without the joiner. */
export function requestReason(rest: string): string | undefined {
  return cleanReason(rest.replace(/^(?:[-:–—,]|because|for|reason:?)\s*/i, ''));
}

/** Saved search names: short, no spaces, so `run search NAME` is unambiguous. */
export function searchName(text: string): string {
  const name = text.trim();
  if (!/^[\w.-]{1,40}$/.test(name)) {
    throw new CommandSyntaxError('A search name is 1 to 40 letters, digits, dots, dashes or underscores.', 'run search redmond-locked');
  }
  return name.toLowerCase();
}

/** A per-user policy name as Grant-CsPinPolicy takes it (`StrictPin` or `Tag:StrictPin`). */
export function policyName(text: string): string {
  const identity = parsePolicyIdentity(text.replace(/^tag:/i, ''));
  if (!identity.startsWith('tag:')) throw new CommandSyntaxError('Only per-user policies are granted; site and Global policies apply by themselves.', 'grant pin policy StrictPin to Ken Myer');
  return identity.slice('tag:'.length);
}
