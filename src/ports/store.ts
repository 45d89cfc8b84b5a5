// What PinDesk keeps. Everything that matters across restarts or between instances lives here,
// never only in memory. One schema: SQLite by default, PostgreSQL with DATABASE_URL (several instances).
import type { PinPolicy, PolicyIdentity } from '../domain/policy.js';
import type { PinRequest, RequestState } from '../domain/pin-request.js';
import type { UserSearch } from '../domain/user-search.js';
import type { RequestNoticeStore } from './request-notice-store.js';

export interface PolicyStore {
  policies(): Promise<ReadonlyMap<PolicyIdentity, PinPolicy>>;
  savePolicy(policy: PinPolicy): Promise<void>;
  /** The per-user policy granted to the user (tag name without `tag:`), if any. */
  grantedTag(userId: string): Promise<string | undefined>;
  grant(userId: string, tag: string | undefined): Promise<void>;
  /** Removes a site or per-user policy; users of a removed per-user policy lose the grant. */
  removePolicy(identity: PolicyIdentity): Promise<void>;
}

export type AuditOutcome = 'ok' | 'refused' | 'failed' | 'pending';

/** One per attempt. Never holds a PIN: `reason` is a rule or error code, `target` an identity. */
export interface AuditRecord {
  at: Date;
  actor: string;
  action: string;
  target?: string | undefined;
  outcome: AuditOutcome;
  reason?: string | undefined;
  requestId: string;
}

export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
  /**
   * The outcome of an attempt whose record was written 'pending' (before a server call): that row
   * — found by `pending`'s at, actor, action, target and requestId — becomes `outcome`, by a
   * compare-and-set on outcome = 'pending'. False: no such row is pending (resolved already).
   */
  resolve(pending: AuditRecord, outcome: AuditRecord): Promise<boolean>;
  /** Deletes up to `limit` records older than `before` (audit retention); returns how many. */
  purgeBefore(before: Date, limit: number): Promise<number>;
  recent(filter: { actor?: string; target?: string; since?: Date; limit: number }): Promise<AuditRecord[]>;
}

/** Where a card was posted, so a later click can update it in place. */
export interface PostedCard {
  conversation: unknown;
  activityId: string;
}

export interface RevealEntry {
  id: string;
  /** Directory id of the only person who may reveal. */
  addresseeId: string;
  targetId: string;
  /** The PIN, sealed with authenticated encryption; gone once expired. */
  sealed: string | undefined;
  /** Non-secret facts the card shows (name, SIP, policy, expiry), to rebuild it on each click. */
  details: unknown;
  createdAt: Date;
  expiresAt: Date;
  card?: PostedCard | undefined;
  /** When the addressee first pressed Reveal. */
  revealedAt?: Date | undefined;
}

export interface RevealVault {
  put(entry: RevealEntry): Promise<void>;
  get(id: string): Promise<RevealEntry | undefined>;
  attachCard(id: string, card: PostedCard): Promise<void>;
  /** Deletes sealed PINs whose time is up; keeps the entry so the card can say it expired. */
  /** Not those whose PIN change still waits for its outcome (an intent refers to them). */
  purgeExpired(now: Date): Promise<number>;
  /** Deletes one sealed PIN now (it was shown once, on a terminal; or its PIN was not set). */
  forget(id: string): Promise<void>;
  /** Deletes an entry outright (its PIN change was refused: there is no card to show). */
  discard(id: string): Promise<void>;
  /** Moves an entry's expiry later (a PIN whose outcome was learnt late keeps a full window). */
  extend(id: string, expiresAt: Date): Promise<void>;
  /** Notes the first Reveal (later ones keep the first time). */
  markRevealed(id: string, at: Date): Promise<void>;
  /** The addressee's PINs still revealable at `now`, newest first (not those still waiting on a server). */
  openFor(addresseeId: string, now: Date, limit: number): Promise<RevealEntry[]>;
}

/** `held`: written before a remote PIN change, not sent until the change is known to have happened. */
export type DeliveryState = 'held' | 'pending' | 'delivered' | 'failed' | 'expired';

/** What a delivery carries besides its PIN card: `pin-not-set` tells the addressee a PIN change did not happen. */
export type DeliveryNotice = 'pin-not-set';

/**
 * A PIN card waiting to reach its addressee's private chat (the outbox). Written in the same
 * transaction as the PIN change; sent from here, retried until delivered or the PIN's reveal expires.
 */
export interface Delivery {
  id: string;
  revealId: string;
  addresseeId: string;
  /** Where the card goes: a conversation reference of the addressee's 1:1 chat. */
  conversation: unknown;
  channelId: string;
  /** The self-service request the PIN answers, if any. */
  requestId?: string | undefined;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date;
  expiresAt: Date;
  lastError?: string | undefined;
  activityId?: string | undefined;
  createdAt: Date;
  /** Set when the record carries a short notice instead of the PIN card. */
  notice?: DeliveryNotice | undefined;
  /** While a sender holds it (each try counts in `attempts`). */
  leaseUntil?: Date | undefined;
}

export interface DeliveryOutbox {
  /**
   * `held`: not sendable until released (a remote PIN change whose outcome is not known yet).
   * `leaseUntil`: written already claimed, its first try counted, by the sender that tries it now
   * (no claim statement); others take it over only when that lease has ended, as after a claim.
   */
  enqueue(delivery: Pick<Delivery, 'id' | 'revealId' | 'addresseeId' | 'conversation' | 'channelId' | 'requestId' | 'expiresAt' | 'createdAt' | 'leaseUntil'> & { held?: boolean }): Promise<void>;
  /** A held record becomes sendable now (its PIN is known to be set), until `expiresAt` if given. */
  release(id: string, now: Date, expiresAt?: Date): Promise<void>;
  /** A held record becomes a notice, sendable now until `expiresAt` (its PIN was not set). */
  releaseAsNotice(id: string, notice: DeliveryNotice, now: Date, expiresAt: Date): Promise<void>;
  /** Deletes a held record (its PIN change was refused; the turn says so itself). */
  drop(id: string): Promise<void>;
  get(id: string): Promise<Delivery | undefined>;
  ofReveal(revealId: string): Promise<Delivery | undefined>;
  /**
   * Takes one pending delivery for `leaseMs` (compare-and-set on its lease): while the lease runs,
   * no other caller or instance gets it. Undefined when it is not due, not pending, or leased.
   */
  claim(id: string, now: Date, leaseMs: number, due?: 'due-only' | 'now'): Promise<Delivery | undefined>;
  /** Extends a lease its holder (`attempt`: its claim's `attempts`) still has, while its post runs; false once it is lost. */
  renew(id: string, attempt: number, now: Date, leaseMs: number): Promise<boolean>;
  /** Ids of pending deliveries due at `now` and not leased. */
  due(now: Date, limit: number): Promise<string[]>;
  delivered(id: string, activityId: string, at: Date): Promise<void>;
  /**
   * Back to pending, tried again from `nextAttemptAt` (the lease ends). With `attempt` (the claim's
   * `attempts`): only while that claim is the latest — a sender whose lease ran out and was taken
   * over must not end the new holder's lease.
   */
  retryLater(id: string, nextAttemptAt: Date, error: string, attempt?: number): Promise<void>;
  /** No more tries: the card cannot be posted there (`my pins` still re-sends it). `attempt`: as for retryLater. */
  failed(id: string, error: string, attempt?: number): Promise<void>;
  /** Pending deliveries whose PIN can no longer be revealed become expired (each returned once). */
  expireDue(now: Date): Promise<Delivery[]>;
}

/** A question PinDesk asked (which user? unlock first?) that a later click answers once. */
export interface Continuation {
  id: string;
  actorId: string;
  kind: 'choose-user' | 'unlock-and-set' | 'user-list';
  /** Sealed JSON: it can hold a manually typed PIN. */
  sealed: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date | undefined;
  card?: PostedCard | undefined;
}

export interface ContinuationStore {
  put(continuation: Continuation): Promise<void>;
  get(id: string): Promise<Continuation | undefined>;
  /** Compare-and-set: true for exactly one caller, and only before expiry. */
  consume(id: string, now: Date): Promise<boolean>;
  attachCard(id: string, card: PostedCard): Promise<void>;
  purgeExpired(now: Date): Promise<number>;
}

export interface ConversationStore {
  /** The 1:1 conversation with a user on a channel, to reach them privately later. */
  savePersonal(userId: string, channelId: string, reference: unknown, at: Date): Promise<void>;
  personal(userId: string, channelId: string): Promise<unknown | undefined>;
  /** Every channel's 1:1 conversation with a user. */
  allPersonal(userId: string): Promise<unknown[]>;
}

/** The Control Panel's saved queries: per admin, by name. */
export interface SavedSearch {
  ownerId: string;
  name: string;
  search: UserSearch;
  savedAt: Date;
}

export interface SavedSearchStore {
  save(search: SavedSearch): Promise<void>;
  list(ownerId: string): Promise<SavedSearch[]>;
  get(ownerId: string, name: string): Promise<SavedSearch | undefined>;
  delete(ownerId: string, name: string): Promise<boolean>;
}

export type CardAudience = 'requester' | 'approvers';

export interface RequestStore {
  /** 'exists' when the requester already has a pending request (one at a time, atomically). */
  create(request: PinRequest): Promise<'created' | 'exists'>;
  get(id: string): Promise<PinRequest | undefined>;
  pendingOf(requesterId: string): Promise<PinRequest | undefined>;
  countSince(requesterId: string, since: Date): Promise<number>;
  recentOf(requesterId: string, limit: number): Promise<PinRequest[]>;
  pending(now: Date, limit: number): Promise<PinRequest[]>;
  /** Compare-and-set from `pending` (and not yet expired, unless expiring): true for one caller only. */
  decide(id: string, to: Exclude<RequestState, 'pending'>, change: Pick<PinRequest, 'decidedAt' | 'decidedById' | 'decidedByName' | 'decisionNote'>, now: Date): Promise<boolean>;
  /**
   * Undoes an approval whose PIN change the server clearly refused: back to `pending` (compare-and-set
   * on the state and the decision's time), so it can be decided again.
   */
  reopen(id: string, decidedAt: Date): Promise<boolean>;
  /** Pending requests whose time is up, now marked expired (each returned once). */
  expireDue(now: Date): Promise<PinRequest[]>;
  addCard(requestId: string, audience: CardAudience, card: PostedCard): Promise<void>;
  cards(requestId: string): Promise<Array<{ audience: CardAudience; card: PostedCard }>>;
}

/** Conversations (Teams channels, chats) where approval cards are posted. */
export interface ApprovalChannelStore {
  register(conversationId: string, channelId: string, reference: unknown, by: string, at: Date): Promise<void>;
  unregister(conversationId: string): Promise<boolean>;
  list(): Promise<Array<{ conversationId: string; channelId: string; reference: unknown }>>;
}

export interface RateLimiter {
  /** Counts one hit; false when `limit` hits already happened in the current window. Atomic. */
  hit(key: string, limit: number, windowMs: number, now: Date): Promise<boolean>;
  /** Like `hit`, and says how long until the current window ends (for Retry-After). Atomic. */
  take(key: string, limit: number, windowMs: number, now: Date): Promise<{ allowed: boolean; retryAfterMs: number }>;
  /** Deletes counters whose window started before `before` (windows are at most a day long). */
  purgeStale(before: Date): Promise<number>;
}

/**
 * A PIN change on a remote authority, recorded before the server call (with the PIN sealed for its
 * addressee and its card held back) and removed once its outcome is recorded. One left behind (a
 * crash, a server that did not answer) is checked against the server by the sweep.
 */
export interface PinIntent {
  id: string;
  targetId: string;
  targetSip?: string | undefined;
  targetName: string;
  addresseeId: string;
  revealId: string;
  deliveryId?: string | undefined;
  /** The change's audit record (written 'pending' with the intent; its outcome when resolved). */
  audit?: AuditRecord | undefined;
  /** The server's mark of the user's last PIN change, read just before the call. */
  before: string;
  createdAt: Date;
  /** The call's outcome is fixed from then on: a sweep may check the server for it. */
  settleBy: Date;
}

export interface IntentStore {
  record(intent: PinIntent): Promise<void>;
  /** Whether a change of this user's PIN still waits for its outcome (a second one could not be told apart). */
  openFor(targetId: string): Promise<boolean>;
  get(id: string): Promise<PinIntent | undefined>;
  /** Ids of intents past their settleBy and not claimed by a sweep now. */
  due(now: Date, limit: number): Promise<string[]>;
  /** Compare-and-set: takes a due intent for `leaseMs` under `token`; undefined when not due or someone else has it. */
  claim(id: string, token: string, now: Date, leaseMs: number): Promise<PinIntent | undefined>;
  /**
   * Compare-and-set: removes the intent if it is still held by `token` (undefined: by nobody, the
   * issuer's own case). True for exactly one caller: only that caller records the outcome.
   */
  settle(id: string, token: string | undefined): Promise<boolean>;
}

export interface Store {
  policies: PolicyStore;
  intents: IntentStore;
  deliveries: DeliveryOutbox;
  audit: AuditLog;
  reveals: RevealVault;
  continuations: ContinuationStore;
  conversations: ConversationStore;
  searches: SavedSearchStore;
  requests: RequestStore;
  /** Redraws and notes still owed after a request changed (request-notice-store.ts). */
  requestNotices: RequestNoticeStore;
  approvalChannels: ApprovalChannelStore;
  rateLimits: RateLimiter;
  /**
   * Runs `work` in one transaction on a store bound to it: all of its writes commit together or not
   * at all. Inside, use only `tx` (the store outside waits for the transaction to end).
   */
  transaction<T>(work: (tx: this) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
