// A Skype for Business failure as a short reason for chat and what it changed (the full error,
// without a PIN, goes to the log): one wording for the PIN authority and the policies alike.
import { BackendError, type BackendChange } from '../../domain/errors.js';
import type { Operation, SfbError } from './protocol.js';

const CMDLETS: Record<Operation, string> = {
  ping: 'the worker',
  status: 'Get-CsClientPinInfo',
  set: 'Set-CsClientPin',
  unlock: 'Unlock-CsClientPin',
  lock: 'Lock-CsClientPin',
  'policy-get': 'Get-CsPinPolicy',
  'user-policy': 'Get-CsUser',
  'policy-new': 'New-CsPinPolicy',
  'policy-set': 'Set-CsPinPolicy',
  'policy-remove': 'Remove-CsPinPolicy',
  'policy-grant': 'Grant-CsPinPolicy',
};

/** The cmdlet behind an operation, as the server's role-based access control names it. */
export function cmdletOf(op: Operation | undefined): string {
  return op ? CMDLETS[op] : 'the cmdlet';
}

/** Operations on one user: the server's role is scoped to users (New-CsAdminRole -UserScopes). */
const ON_A_USER: ReadonlySet<Operation | undefined> = new Set<Operation | undefined>(['status', 'set', 'unlock', 'lock', 'user-policy', 'policy-grant']);

/** The chat's short reason for a failure (never the PIN: the worker masked digit runs already). */
export function sfbReason(error: SfbError, op: Operation | undefined = error.details.op): string {
  switch (error.kind) {
    case 'access-denied':
      return `the PinDesk service account lacks a role that allows ${cmdletOf(op)}${ON_A_USER.has(op) ? ' for this user' : ''}`;
    case 'remoting':
      return 'PinDesk could not reach the Skype for Business server';
    case 'timeout':
      return 'the Skype for Business server did not answer in time';
    case 'busy':
      return 'the Skype for Business worker is busy, try again';
    case 'unavailable':
      // A worker that died during the operation (outcome known or not) is replaced for the next
      // one: "not available" would tell the user not to retry.
      return error.details.outcomeUnknown === undefined ? 'the Skype for Business worker is not available' : 'the Skype for Business worker stopped during the operation and is restarted for the next one';
    case 'protocol':
      return 'the Skype for Business worker misbehaved and was restarted';
    case 'not-found':
    case 'not-enabled':
      return 'the Skype for Business server does not know this user, or the user is not enabled';
    case 'policy':
      if (op === 'set') return `the server's PIN policy refused the PIN (${short(error.message)})`;
      return `the Skype for Business server refused: ${short(error.message)}`;
    case 'locked':
      if (op === 'set') return 'the PIN is locked';
      return `the Skype for Business server refused: ${short(error.message)}`;
    case 'bad-request':
    case 'server':
      return `the Skype for Business server refused: ${short(error.message)}`;
  }
}

/** A BackendError saying why, and whether the change may have happened (a deadline or a dead worker mid-change). */
export function sfbBackendError(error: SfbError, op?: Operation): BackendError {
  const changed: BackendChange = error.details.outcomeUnknown ? 'unknown' : 'nothing';
  return new BackendError(error, { reason: sfbReason(error, op), changed });
}

function short(text: string): string {
  const line = text.split(/\r?\n/)[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
