// The PIN-card outbox, as the chat surface uses it: what to send for a delivery record, and what
// happened — each outcome in the store and the audit trail. Retries back off (or wait what a 429
// asked), last until the PIN can no longer be revealed, and survive restarts: the records are the
// only state. A lease taken by compare-and-set lets exactly one sender try a record at a time.
import { cmdletIdentity } from '../../domain/user.js';
import type { Delivery, DeliveryNotice, DeliveryState, Store } from '../../ports/store.js';
import type { DeskServices } from '../dependencies.js';
import type { IssuedPin, PinCard, PinSetDetails } from '../results.js';

import { DELIVERY_LEASE_MS } from './delivery-lease.js';

export { DELIVERY_LEASE_MS } from './delivery-lease.js';

/** Waits between tries: 2 s, 4 s, 8 s ... at most a minute. */
export function backoffMs(attempts: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.max(1, attempts));
}

/** A card to post: the delivery, and the PIN card it carries (never the PIN) — or, with `notice`, a short notice about it instead. */
export interface PinCardToSend {
  delivery: Delivery;
  details: PinSetDetails;
  revealRef: string;
  revealExpiresAt: Date;
  /** 'pin-not-set': the PIN change did not happen (a remote server never took it); no card. */
  notice?: DeliveryNotice | undefined;
}

/** A PIN just set, whose card is to be tried now: its record, and whether it was written claimed. */
export type PinToDeliver = Pick<IssuedPin, 'details' | 'revealRef' | 'revealExpiresAt' | 'deliveryId' | 'claimed'>;

/** How a try ended, as the sender saw it. */
export type SendFailure = { kind: 'retry'; error: string; afterMs?: number | undefined } | { kind: 'permanent'; error: string };

export class PinCardOutbox {
  constructor(private readonly services: Pick<DeskServices, 'store' | 'atomically' | 'clock'> & { settings?: Pick<DeskServices['settings'], 'deliveryLeaseMs'> }) {}

  /** Takes a record to try now (`now`: even before its next try is due, for the sender of the turn). */
  async claim(id: string, when: 'due-only' | 'now' = 'due-only'): Promise<PinCardToSend | undefined> {
    const { store, clock } = this.services;
    const delivery = await store.deliveries.claim(id, clock(), this.leaseMs, when);
    if (!delivery) return undefined;
    const reveal = await store.reveals.get(delivery.revealId);
    if (delivery.notice && reveal) return { delivery, details: reveal.details as PinSetDetails, revealRef: reveal.id, revealExpiresAt: reveal.expiresAt, notice: delivery.notice };
    if (!reveal?.sealed || reveal.expiresAt <= clock()) {
      await this.close(delivery, 'expired', 'the PIN can no longer be revealed');
      return undefined;
    }
    return { delivery, details: reveal.details as PinSetDetails, revealRef: reveal.id, revealExpiresAt: reveal.expiresAt };
  }

  /**
   * The card of a record its issuing transaction wrote already claimed: no claim, no reveal read —
   * the turn has the details. Undefined when there is none, or half its lease is gone already (a
   * stalled process; it may be taken over soon): then it is claimed as any other.
   */
  claimedCard(pin: PinToDeliver): PinCardToSend | undefined {
    const { claimed } = pin;
    if (!claimed?.leaseUntil || claimed.id !== pin.deliveryId) return undefined;
    const leaseMs = this.leaseMs;
    if (claimed.leaseUntil.getTime() - this.services.clock().getTime() < leaseMs / 2) return undefined;
    return { delivery: claimed, details: pin.details, revealRef: pin.revealRef, revealExpiresAt: pin.revealExpiresAt };
  }

  /** Keeps the lease of a record whose post is still running, so no other sender posts it again; false once lost. */
  keep(card: PinCardToSend): Promise<boolean> {
    const { store, clock } = this.services;
    return store.deliveries.renew(card.delivery.id, card.delivery.attempts, clock(), this.leaseMs);
  }

  /** How long a sender holds a record (DELIVERY_LEASE). */
  get leaseMs(): number {
    return this.services.settings?.deliveryLeaseMs ?? DELIVERY_LEASE_MS;
  }

  /** Records due for a try (not leased). */
  due(limit = 20): Promise<string[]> {
    return this.services.store.deliveries.due(this.services.clock(), limit);
  }

  /** Delivered: the record, where the card is (for Reveal to update it) and the audit record, in one transaction. */
  async sent(card: PinCardToSend, activityId: string): Promise<void> {
    const { atomically, clock } = this.services;
    await atomically(async ({ store }) => {
      await store.deliveries.delivered(card.delivery.id, activityId, clock());
      if (card.notice) return this.audit(card.delivery, card.details, 'ok', `told-${card.notice}:${card.delivery.attempts}`, store);
      await store.reveals.attachCard(card.revealRef, { conversation: card.delivery.conversation, activityId });
      await this.audit(card.delivery, card.details, 'ok', `delivered:${card.delivery.attempts}`, store);
    });
  }

  /** The card was posted again by hand (`my pins`): its delivery is done, and a Reveal updates that copy. */
  async sentAgain(card: PinCard, conversation: unknown, activityId: string): Promise<void> {
    const { store, clock } = this.services;
    const delivery = await store.deliveries.ofReveal(card.revealRef);
    if (delivery && delivery.state !== 'delivered') await store.deliveries.delivered(delivery.id, activityId, clock());
    await store.reveals.attachCard(card.revealRef, { conversation, activityId });
  }

  /** A failed try: retried later (the first failure is audited), or given up for good. */
  async notSent(card: PinCardToSend, failure: SendFailure): Promise<DeliveryState> {
    const { store, clock } = this.services;
    const { delivery } = card;
    if (failure.kind === 'permanent') {
      await store.deliveries.failed(delivery.id, failure.error, delivery.attempts);
      await this.audit(delivery, card.details, 'failed', `undeliverable:${failure.error}`);
      return 'failed';
    }
    const waitMs = Math.max(failure.afterMs ?? 0, backoffMs(delivery.attempts));
    await store.deliveries.retryLater(delivery.id, new Date(clock().getTime() + waitMs), failure.error, delivery.attempts);
    if (delivery.attempts === 1) await this.audit(delivery, card.details, 'failed', `retrying:${failure.error}`);
    return 'pending';
  }

  /** Records whose PIN can no longer be revealed: expired, audited (the PIN stays set). */
  async expireDue(): Promise<number> {
    const { store, clock } = this.services;
    const expired = await store.deliveries.expireDue(clock());
    for (const delivery of expired) await this.audit(delivery, undefined, 'failed', 'expired-undelivered');
    return expired.length;
  }

  state(id: string): Promise<DeliveryState | undefined> {
    return this.services.store.deliveries.get(id).then((d) => d?.state);
  }

  private async close(delivery: Delivery, state: 'expired', why: string): Promise<void> {
    await this.services.store.deliveries.failed(delivery.id, why, delivery.attempts);
    await this.audit(delivery, undefined, 'failed', `${state}-undelivered`);
  }

  private async audit(delivery: Delivery, details: PinSetDetails | undefined, outcome: 'ok' | 'failed', reason: string, store: Store = this.services.store): Promise<void> {
    const { clock } = this.services;
    // A request's delivery is recorded like the request's other steps: the requester, `reset:<id>`.
    const target = details && (delivery.requestId ? details.target.userPrincipalName : cmdletIdentity(details.target));
    await store.audit.append({
      at: clock(),
      actor: 'pindesk',
      action: delivery.notice ? 'pin-not-set-told' : delivery.requestId ? 'request-delivered' : 'pin-card-delivered',
      target: target ?? (await this.targetOf(delivery, store)),
      outcome,
      reason: delivery.requestId ? `reset:${delivery.requestId}${outcome === 'ok' && !delivery.notice ? '' : `:${reason}`}` : reason,
      requestId: delivery.requestId ?? delivery.id,
    });
  }

  private async targetOf(delivery: Delivery, store: Store): Promise<string | undefined> {
    const details = (await store.reveals.get(delivery.revealId))?.details as PinSetDetails | undefined;
    if (!details) return undefined;
    return delivery.requestId ? details.target.userPrincipalName : cmdletIdentity(details.target);
  }
}
