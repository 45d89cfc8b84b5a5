// What a chat user can ask PinDesk to do, once the text is understood.
import type { UserSearch } from './user-search.js';

export type Command =
  | { kind: 'help' }
  | { kind: 'whoami' }
  | { kind: 'set-pin'; identity: string; pin?: string | undefined; ignoreHistory: boolean }
  | { kind: 'unlock-pin'; identity: string }
  | { kind: 'lock-pin'; identity: string }
  | { kind: 'pin-status'; identity: string }
  | { kind: 'find-user'; search: UserSearch }
  | { kind: 'save-search'; name: string; search: UserSearch }
  | { kind: 'list-searches' }
  | { kind: 'run-search'; name: string }
  | { kind: 'delete-search'; name: string }
  | { kind: 'request-pin'; action: 'reset' | 'unlock'; reason?: string | undefined }
  | { kind: 'cancel-request' }
  | { kind: 'my-requests' }
  | { kind: 'pending-requests' }
  | { kind: 'approvals-here'; on: boolean };

export type TargetedCommand = Extract<Command, { identity: string }>;

export function isTargeted(command: Command): command is TargetedCommand {
  return 'identity' in command;
}

/** The cmdlet an admin would run for the same change, never with the PIN (shown on cards). */
export function cmdletFor(command: TargetedCommand, identity: string): string {
  const quoted = `-Identity "${identity.replace(/"/g, '`"')}"`;
  switch (command.kind) {
    case 'set-pin':
      return `Set-CsClientPin ${quoted}`;
    case 'unlock-pin':
      return `Unlock-CsClientPin ${quoted}`;
    case 'lock-pin':
      return `Lock-CsClientPin ${quoted}`;
    case 'pin-status':
      return `Get-CsClientPinInfo ${quoted}`;
  }
}
