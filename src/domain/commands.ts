// What a chat user can ask PinDesk to do, once the text is understood.
import type { PolicyChange } from './policy-admin.js';
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
  /** The caller's own PIN cards not yet revealed or not yet delivered, sent again. */
  | { kind: 'my-pins' }
  | { kind: 'pending-requests' }
  | { kind: 'approvals-here'; on: boolean }
  /** A policy by identity (`Get-CsPinPolicy -Identity`), or the caller's own effective policy. */
  | { kind: 'show-policy'; policy?: string | undefined }
  /** A user's effective policy and where it comes from. */
  | { kind: 'user-policy'; identity: string }
  | { kind: 'list-policies' }
  | { kind: 'new-policy'; policy: string; change: PolicyChange }
  | { kind: 'set-policy'; policy: string; change: PolicyChange }
  | { kind: 'remove-policy'; policy: string }
  /** Grant-CsPinPolicy; `policyName` undefined revokes. */
  | { kind: 'grant-policy'; identity: string; policyName?: string | undefined }
  /** The caller's own recent actions, or (with identity) the last actions on a user. */
  | { kind: 'audit' }
  | { kind: 'audit-user'; identity: string };

export type TargetedCommand = Extract<Command, { identity: string }>;

/** What a find-result button does to its user. */
export const LIST_ACTIONS = ['set-pin', 'unlock-pin', 'lock-pin', 'pin-status'] as const;
export type ListAction = (typeof LIST_ACTIONS)[number];
