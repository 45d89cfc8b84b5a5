// What PinDesk keeps. Everything that matters across restarts or between instances lives here,
// never only in memory. One schema, SQLite by default (PostgreSQL in a later issue).
import type { PinPolicy, PolicyIdentity } from '../domain/policy.js';
import type { UserSearch } from '../domain/user-search.js';

export interface PolicyStore {
  policies(): Promise<ReadonlyMap<PolicyIdentity, PinPolicy>>;
  savePolicy(policy: PinPolicy): Promise<void>;
  /** The per-user policy granted to the user (tag name without `tag:`), if any. */
  grantedTag(userId: string): Promise<string | undefined>;
  grant(userId: string, tag: string | undefined): Promise<void>;
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
  recent(filter: { actor?: string; target?: string; limit: number }): Promise<AuditRecord[]>;
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
}

export interface RevealVault {
  put(entry: RevealEntry): Promise<void>;
  get(id: string): Promise<RevealEntry | undefined>;
  attachCard(id: string, card: PostedCard): Promise<void>;
  /** Deletes sealed PINs whose time is up; keeps the entry so the card can say it expired. */
  purgeExpired(now: Date): Promise<number>;
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

export interface Store {
  policies: PolicyStore;
  audit: AuditLog;
  reveals: RevealVault;
  continuations: ContinuationStore;
  conversations: ConversationStore;
  searches: SavedSearchStore;
  ping(): Promise<void>;
  close(): Promise<void>;
}
