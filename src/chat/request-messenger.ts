// Carries the self-service flow to everyone involved: approval cards to the approval channels and
// approvers' 1:1 chats, the new PIN's card to the requester alone, and a redraw of every card of a
// request whenever its state changes (with a note to the requester), from the store's outboxes. All
// the addresses come from the store, so a restart between any two steps loses nothing.
import type { CloudAdapter } from 'botbuilder';
import type { Logger } from 'pino';
import type { CardLocations } from '../desk/card-locations.js';
import type { RequestDelivery } from '../desk/requests/request-delivery.js';
import type { IssuedPin, RequestView } from '../desk/results.js';
import type { CardCourier } from './card-courier.js';
import { NoticeCarrier } from './notice-carrier.js';

export class RequestMessenger {
  private readonly carrier: NoticeCarrier;

  constructor(
    adapter: CloudAdapter,
    appId: string,
    private readonly requests: RequestDelivery,
    cards: CardLocations,
    private readonly courier: Pick<CardCourier, 'deliverNow'>,
    log: Logger,
  ) {
    this.carrier = new NoticeCarrier(adapter, appId, requests, cards, log);
  }

  /**
   * Posts the approval card everywhere approvers look, from the request's notice (written with the
   * request): what fails now is posted by the sweep later. Returns how many places have it.
   */
  announce(view: RequestView): Promise<number> {
    return this.carrier.announceNow(view.request.id);
  }

  /**
   * After a decision, cancellation or expiry: the PIN to the requester, then what the change owes
   * people — every card redrawn, a word to the requester — from the store's notice outbox, so a
   * failure or a crash here is carried later by the sweep of any instance (notice-carrier.ts).
   */
  async settle(view: RequestView, change: 'approved' | 'denied' | 'cancelled' | 'expired' | 'unchanged', pin?: IssuedPin): Promise<void> {
    // A press on a stale card changed nothing: redraw what is there, once, best effort.
    if (change === 'unchanged') return this.carrier.redraw(view);
    // The PIN was set with its card in the outbox; one try now (the courier keeps trying after).
    const delivery = pin ? await this.courier.deliverNow(pin) : undefined;
    await this.carrier.carryNow(view.request.id, delivery);
  }

  /** Expires requests whose time is up, carries every notice due, deletes long-ended ones (run on a timer; safe on many instances). */
  async sweep(): Promise<void> {
    await this.requests.expireDue();
    await this.carrier.carryDue();
    await this.requests.notices.purgeEnded();
  }

  /** Notices due again (the frequent delivery timer). */
  retryDue(): Promise<void> {
    return this.carrier.carryDue();
  }
}
