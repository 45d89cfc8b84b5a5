// The request-notice outbox: what must still reach people after a request changed (its cards
// redrawn, a word to the requester). Written in the same transaction as the change; carried by
// one sender at a time (a lease taken by compare-and-set), retried until done or given up.
// Ids and the change only: never a PIN, never card data (cards are drawn from the store at send time).
/** 'created': the approval cards still to post; the others: the redraws and the requester's note. */
export type NoticeChange = 'created' | 'approved' | 'denied' | 'cancelled' | 'expired';
export type NoticeState = 'pending' | 'done' | 'failed';

export interface RequestNotice {
  id: string;
  requestId: string;
  change: NoticeChange;
  state: NoticeState;
  /** Tries so far (each claim counts one). */
  attempts: number;
  nextAttemptAt: Date;
  /** No tries after this: given up, audited. */
  giveUpAt: Date;
  /** The current holder's token (set by claim). */
  leaseToken?: string | undefined;
  /** When the requester's note went out: never sent again after. */
  noteSentAt?: Date | undefined;
  /** What was given up for good (a permanent 4xx): card activity ids, 'note', or approver conversation ids ('created'). */
  dropped: string[];
  lastError?: string | undefined;
  createdAt: Date;
}

export interface RequestNoticeStore {
  record(notice: Pick<RequestNotice, 'id' | 'requestId' | 'change' | 'nextAttemptAt' | 'giveUpAt' | 'createdAt'>): Promise<void>;
  /** Deletes a request's pending notices of `change` (an approval undone: the server refused it). */
  withdraw(requestId: string, change: NoticeChange): Promise<void>;
  /** Ids of a request's pending notices (the turn that made the change carries them at once). */
  pendingOf(requestId: string): Promise<string[]>;
  /** Ids of pending notices due at `now` and not leased. */
  due(now: Date, limit: number): Promise<string[]>;
  /** Compare-and-set: takes a pending notice for `leaseMs` under `token` (`now`: even before it is due). */
  claim(id: string, token: string, now: Date, leaseMs: number, when: 'due-only' | 'now'): Promise<RequestNotice | undefined>;
  /** Before a post (the note, an approval card): true only while `token` still holds an unexpired lease and no note went out (the lease is renewed). */
  hold(id: string, token: string, now: Date, leaseMs: number): Promise<boolean>;
  noteSent(id: string, token: string, at: Date): Promise<void>;
  /** Ends the holder's try: `pending` again from `nextAttemptAt`, or `done` / `failed` (compare-and-set on the token). */
  release(id: string, token: string, outcome: { state: NoticeState; nextAttemptAt?: Date; error?: string; dropped: string[] }): Promise<boolean>;
  /** Deletes up to `limit` notices that ended (done or failed) and were made before `before`; returns how many. */
  purgeEnded(before: Date, limit: number): Promise<number>;
  /** The PIN card's delivery answering a request, as the deliveries table has it (a DeliveryState; `notice` set when it tells of a PIN not set). */
  deliveryOf(requestId: string): Promise<{ state: string; notice: boolean } | undefined>;
}
