// What every use case is given about the moment it runs: the turn (where and how the caller
// spoke), the caller (identified afresh), and the audit scope it fills in.
import type { AuditOutcome, AuditRecord } from '../ports/store.js';
import type { Caller, CallerKey } from './callers.js';

export interface Turn {
  caller: CallerKey;
  requestId: string;
  /** Channel or group chat: others can read what is typed here. */
  shared: boolean;
  /** The direct answer to this turn is seen by the caller alone (1:1 chat, or a card-action invoke). */
  privateReply: boolean;
  /** The caller's 1:1 chat can be reached from here (it is this one, or Teams can open it). */
  canReachPrivately: boolean;
  /** Where the turn happened, to post to it again later (approval channels, requesters). */
  conversation?: { id: string; channelId: string; reference: unknown } | undefined;
  /**
   * The caller's 1:1 chat, opened (or found) before anything changes; throws NoPrivateChatError
   * saying why when it cannot be reached. Absent where the answer itself is private (the CLI).
   */
  privateChat?: (() => Promise<PrivateChat>) | undefined;
}

export interface PrivateChat {
  channelId: string;
  /** A conversation reference of the caller's 1:1 chat. */
  reference: unknown;
  /** Not the conversation of the turn (a channel or group chat's caller, reached in their 1:1). */
  elsewhere: boolean;
}

/** Filled in as an action runs, written once at the end. */
export interface AuditScope {
  actor: string;
  action: string;
  target?: string | undefined;
  reason?: string | undefined;
  outcome?: AuditOutcome | undefined;
  /** The record was already written, in the transaction of the change it describes. */
  recorded?: boolean | undefined;
  /**
   * The record written 'pending' before a server call (a remote PIN change or unlock): the
   * attempt's outcome becomes that row rather than a new one. An answer saying PinDesk is still
   * checking leaves it pending: the intent's reconciliation resolves it.
   */
  pending?: AuditRecord | undefined;
  /**
   * The change was committed: a failure after it (the store gone while reading the result or
   * writing the record) must not be answered as "nothing was changed".
   */
  committed?: boolean | undefined;
}

/** One action in progress. */
export interface UseCaseContext {
  turn: Turn;
  caller: Caller;
  scope: AuditScope;
}
