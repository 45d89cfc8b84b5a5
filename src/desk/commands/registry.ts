// Every command PinDesk knows, one entry each. The grammar, `help`, the permission checks, the
// find-result buttons and the `pindesk` command line are all derived from this table; a command
// kind without an entry does not compile. Order matters only for `help` (and is the phrase order).
import { createCommandParser, type CommandParser } from '../../domain/grammar/command-parser.js';
import { auditCommand, auditUserCommand } from '../audit/audit.js';
import { helpCommand } from '../basics/help.js';
import { whoamiCommand } from '../basics/whoami.js';
import { lockPinCommand } from '../pins/lock-pin.js';
import { myPinsCommand } from '../pins/my-pins.js';
import { pinStatusCommand } from '../pins/pin-status.js';
import { setPinCommand } from '../pins/set-pin.js';
import { unlockPinCommand } from '../pins/unlock-pin.js';
import { grantPolicyCommand } from '../policies/grant-policy.js';
import { newPolicyCommand, removePolicyCommand, setPolicyCommand } from '../policies/change-policy.js';
import { listPoliciesCommand, showPolicyCommand, userPolicyCommand } from '../policies/read-policies.js';
import { approvalsHereCommand } from '../requests/approvals-here.js';
import { cancelRequestCommand } from '../requests/cancel-request.js';
import { myRequestsCommand, pendingRequestsCommand } from '../requests/request-lists.js';
import { requestPinCommand } from '../requests/request-pin.js';
import { findUserCommand } from '../search/find-user.js';
import { deleteSearchCommand, listSearchesCommand, runSearchCommand, saveSearchCommand } from '../search/saved-searches.js';
import type { CliForm, CommandEntry, CommandKind, CommandRegistry } from './command-entry.js';

export const COMMANDS: CommandRegistry = {
  'set-pin': setPinCommand,
  'unlock-pin': unlockPinCommand,
  'lock-pin': lockPinCommand,
  'pin-status': pinStatusCommand,
  'find-user': findUserCommand,
  'save-search': saveSearchCommand,
  'list-searches': listSearchesCommand,
  'run-search': runSearchCommand,
  'delete-search': deleteSearchCommand,
  'user-policy': userPolicyCommand,
  'list-policies': listPoliciesCommand,
  'new-policy': newPolicyCommand,
  'set-policy': setPolicyCommand,
  'remove-policy': removePolicyCommand,
  'grant-policy': grantPolicyCommand,
  'audit-user': auditUserCommand,
  'pending-requests': pendingRequestsCommand,
  'approvals-here': approvalsHereCommand,
  'request-pin': requestPinCommand,
  'my-requests': myRequestsCommand,
  'my-pins': myPinsCommand,
  'cancel-request': cancelRequestCommand,
  'show-policy': showPolicyCommand,
  audit: auditCommand,
  help: helpCommand,
  whoami: whoamiCommand,
};

export function commandEntries(): Array<CommandEntry<CommandKind>> {
  return Object.values(COMMANDS) as Array<CommandEntry<CommandKind>>;
}

/** Chat text → Command, with every entry's phrases and cmdlet forms. */
export const parseCommand: CommandParser = createCommandParser(commandEntries().map((entry) => entry.syntax));

/** The `pindesk` subcommands, in registry order. */
export function cliForms(): CliForm[] {
  return commandEntries().flatMap((entry) => entry.cli ?? []);
}
