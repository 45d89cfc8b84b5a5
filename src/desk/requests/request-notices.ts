// What a request's change still owes people — its cards redrawn, a word to the requester — as
// the chat surface carries it: a row written in the change's own transaction (so a crash right
// after loses nothing), tried at once by the turn that made the change, then by the sweep of any
// instance, one at a time (a lease taken by compare-and-set), with backoff, for at most a day.
// Redraws are idempotent (drawn from the store's current state); the note is recorded as sent
// once it went out and is never sent again after that.
import { nanoid } from 'nanoid';
import type { NoticeChange, NoticeState, RequestNotice } from '../../ports/request-notice-store.js';
import type { DeliveryState, Store } from '../../ports/store.js';
import { backoffMs, DELIVERY_LEASE_MS } from '../deliveries/pin-card-outbox.js';
import type { DeskServices } from '../dependencies.js';

/** How long a notice is tried before it is given up (audited). */
export const NOTICE_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * Records what `change` owes people, in the caller's transaction. `firstTry`: 'turn' when the turn
 * that made the change carries it right after (the sweep leaves it alone for one lease, so an
 * approval whose server call is still running is not announced early); 'sweep' when due at once.
 */
export async function recordNotice(store: Pick<Store, 'requestNotices'>, requestId: string, change: NoticeChange, now: Date, firstTry: 'turn' | 'sweep', leaseMs = DELIVERY_LEASE_MS): Promise<void> {
  const nextAttemptAt = new Date(now.getTime() + (firstTry === 'turn' ? leaseMs : 0));
  await store.requestNotices.record({ id: nanoid(), requestId, change, nextAttemptAt, giveUpAt: new Date(now.getTime() + NOTICE_LIFETIME_MS), createdAt: now });
}

/** How one try went, as the sender saw it. */
export interface NoticeProgress {
  /** Everything given up so far (card activity ids, 'note', approvers' conversation ids), this try's included. */
  dropped: string[];
  /** Given up in this try (a permanent 4xx): audited. */
  newlyDropped: Array<{ what: 'card' | 'note' | 'approval-card'; error: string }>;
  /** Something retryable failed: try again after the backoff (or what a 429 asked). */
  retry?: { error: string; afterMs?: number | undefined } | undefined;
}

export class RequestNotices {
  constructor(private readonly services: Pick<DeskServices, 'store' | 'clock'> & { settings?: Pick<DeskServices['settings'], 'deliveryLeaseMs'> }) {}

  now(): Date {
    return this.services.clock();
  }

  get leaseMs(): number {
    return this.services.settings?.deliveryLeaseMs ?? DELIVERY_LEASE_MS;
  }

  /** The turn that changed a request takes its notices now (even before they are due). */
  async claimOf(requestId: string): Promise<RequestNotice[]> {
    const claimed: RequestNotice[] = [];
    for (const id of await this.services.store.requestNotices.pendingOf(requestId)) {
      const notice = await this.claim(id, 'now');
      if (notice) claimed.push(notice);
    }
    return claimed;
  }

  /** Notices due for a try (not leased). */
  due(limit = 20): Promise<string[]> {
    return this.services.store.requestNotices.due(this.services.clock(), limit);
  }

  claim(id: string, when: 'due-only' | 'now' = 'due-only'): Promise<RequestNotice | undefined> {
    return this.services.store.requestNotices.claim(id, nanoid(), this.services.clock(), this.leaseMs, when);
  }

  /** Right before a post (the note, an approval card): renews the lease; false when it ran out (another sender may have it). */
  hold(notice: RequestNotice): Promise<boolean> {
    return this.services.store.requestNotices.hold(notice.id, notice.leaseToken!, this.services.clock(), this.leaseMs);
  }

  noteSent(notice: RequestNotice): Promise<void> {
    return this.services.store.requestNotices.noteSent(notice.id, notice.leaseToken!, this.services.clock());
  }

  /** The PIN card answering an approved reset, as the outbox has it now ('held': its server has not answered yet). */
  async delivery(requestId: string): Promise<{ state: DeliveryState; notice: boolean } | undefined> {
    const found = await this.services.store.requestNotices.deliveryOf(requestId);
    return found && { state: found.state as DeliveryState, notice: found.notice };
  }

  /** Housekeeping: notices that ended more than two lifetimes ago are deleted (the audit keeps what failed). */
  purgeEnded(): Promise<number> {
    return this.services.store.requestNotices.purgeEnded(new Date(this.services.clock().getTime() - 2 * NOTICE_LIFETIME_MS), 500);
  }

  /** Ends a try: done, again later, or given up for good once its time is over (audited). */
  async finish(notice: RequestNotice, target: string | undefined, progress: NoticeProgress): Promise<NoticeState> {
    const { store, clock } = this.services;
    const now = clock();
    const { retry, dropped } = progress;
    const waitMs = retry ? Math.max(retry.afterMs ?? 0, backoffMs(notice.attempts)) : 0;
    const state: NoticeState = !retry ? 'done' : now.getTime() + waitMs >= notice.giveUpAt.getTime() ? 'failed' : 'pending';
    return store.transaction(async (tx) => {
      const released = await tx.requestNotices.release(notice.id, notice.leaseToken!, { state, nextAttemptAt: new Date(now.getTime() + waitMs), error: retry?.error, dropped });
      // A holder whose lease was taken over records nothing: the new holder does.
      if (!released) return state;
      const audit = (why: string) =>
        tx.audit.append({ at: now, actor: 'pindesk', action: 'request-notice-failed', target, outcome: 'failed', reason: `${notice.change}:${notice.requestId}:${why}`, requestId: notice.requestId });
      for (const given of progress.newlyDropped) await audit(`undeliverable-${given.what}:${given.error}`);
      if (state === 'failed') await audit(`gave-up:${retry!.error}`);
      return state;
    });
  }
}
