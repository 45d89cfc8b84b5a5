// Posts PIN cards (or a notice that a PIN was not set) from the outbox (desk/deliveries) to the
// addressee's private chat: right after the change for the turn that made it — as that turn's own
// reply when the private chat is the turn's conversation, else as a proactive message — then on a
// timer until delivered or the PIN can no longer be revealed. Failures are sorted by
// send-failure.ts (429, 5xx, timeouts retried; other 4xx given up); a post in flight keeps its
// record's lease, so no other sender posts the same card meanwhile.
import { TurnContext, type Activity, type CloudAdapter } from 'botbuilder';
import type { PinCard } from '../desk/results.js';
import type { Logger } from 'pino';
import { pinSetCard } from '../cards/pin-set-card.js';
import type { PinCardOutbox, PinCardToSend, PinToDeliver } from '../desk/deliveries/pin-card-outbox.js';
import type { DeliveryState } from '../ports/store.js';
import { SEND_DEADLINE_MS, withDeadline } from './deadline.js';
import { classifySendFailure } from './send-failure.js';
import { OWN_DEADLINE, replyOnOwnDeadline } from './send-deadline.js';
import { continueTurn } from './continue-turn.js';
import { cardMessage, textMessage } from './render.js';
import { pinNotSetNotice } from '../cards/pin-not-set-notice.js';

/** The longest a post keeps its record's lease: a connector that has not answered by then is given up on, and the card may be tried again. */
const MAX_KEEP_MS = 5 * 60_000;

export class CardCourier {
  /** Sends still running past their deadline: their outcome is recorded when they end. */
  private readonly late = new Set<Promise<unknown>>();
  /** Lease renewals of posts in flight (keepLeased). */
  private readonly keeping = new Set<NodeJS.Timeout>();

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly outbox: PinCardOutbox,
    private readonly log: Logger,
    private readonly clock: () => Date,
    private readonly deadlineMs = SEND_DEADLINE_MS,
  ) {}

  /**
   * One try now, for the turn that set the PIN: delivered, pending (retried later) or failed.
   * `here`: that turn, whose reply the card becomes when the addressee's chat is its conversation.
   */
  async deliverNow(pin: PinToDeliver, here?: TurnContext): Promise<DeliveryState> {
    const id = pin.deliveryId;
    if (!id) return 'failed';
    let card = this.outbox.claimedCard(pin);
    try {
      card ??= await this.outbox.claim(id, 'now');
      if (!card) return (await this.outbox.state(id)) ?? 'failed';
    } catch (err) {
      // The PIN and its delivery record are committed already: the timer tries again. Never let
      // this become the turn's answer ("nothing was changed" would be a lie).
      this.log.error({ err, deliveryId: id }, 'could not take a PIN card from the outbox; it will be tried again');
      return 'pending';
    }
    return this.attempt(card, here && isConversationOf(here, card.delivery.conversation) ? here : undefined);
  }

  /** Every record that is due, and expiry of those whose PIN can no longer be revealed (timer). */
  async sweep(): Promise<void> {
    await this.outbox.expireDue();
    for (const id of await this.outbox.due()) {
      const card = await this.outbox.claim(id);
      if (card) await this.attempt(card);
    }
  }

  /** Posts a waiting PIN card again, here (`my pins`, `my requests` in the addressee's 1:1 chat). */
  async postHere(context: TurnContext, card: PinCard): Promise<void> {
    const message = cardMessage(pinSetCard(card.details, card.revealRef, card.revealExpiresAt, { shown: 'hidden' }), 'Your PIN card, again');
    const activityId = (await context.sendActivity(message))?.id ?? '';
    await this.outbox.sentAgain(card, TurnContext.getConversationReference(context.activity), activityId);
  }

  /** Shutdown, after `settled`: no more lease renewals (a post still running is taken over after its lease). */
  stop(): void {
    for (const timer of this.keeping) clearInterval(timer);
    this.keeping.clear();
  }

  /** Waits (at most `ms`) for sends that outlived their deadline (shutdown, tests). */
  async settled(ms = 30_000): Promise<void> {
    await withDeadline(Promise.allSettled([...this.late]), ms).catch(() => undefined);
  }

  private async attempt(card: PinCardToSend, here?: TurnContext): Promise<DeliveryState> {
    const summary = card.delivery.requestId ? 'Your new dial-in PIN' : `PIN set for ${card.details.target.displayName}`;
    const message = card.notice
      ? textMessage(pinNotSetNotice(card.details, card.delivery.requestId !== undefined))
      : cardMessage(pinSetCard(card.details, card.revealRef, card.revealExpiresAt, { shown: 'hidden' }), summary);
    const posting = here ? replyOnOwnDeadline(here, message) : this.post(card.delivery.conversation, message);
    this.keepLeased(card, posting);
    const sending = posting.then(
      async (activityId) => {
        await this.outbox.sent(card, activityId);
        return 'delivered' as const;
      },
      async (error: unknown) => {
        const failure = classifySendFailure(error, this.clock());
        this.log.warn({ err: error, deliveryId: card.delivery.id, attempt: card.delivery.attempts, retry: failure.kind === 'retry' }, 'could not post a PIN card');
        return this.outbox.notSent(card, failure);
      },
    );
    try {
      // The turn waits this long; the send itself runs on (the connector client retries 429 and
      // 5xx on its own), and the lease keeps other senders off the record until it has ended.
      return await withDeadline(sending, this.deadlineMs + 1_000);
    } catch {
      const late = sending.catch((err: unknown) => this.log.error({ err, deliveryId: card.delivery.id }, 'recording a PIN card delivery failed'));
      this.late.add(late);
      void late.finally(() => this.late.delete(late));
      return 'pending';
    }
  }

  /**
   * While a post runs, its record's lease is renewed (every third of DELIVERY_LEASE), so a slow
   * connector never lets another sender post the card a second time; a killed instance renews
   * nothing and is taken over when the lease ends. Past MAX_KEEP_MS the post counts as lost.
   */
  private keepLeased(card: PinCardToSend, posting: Promise<unknown>): void {
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > MAX_KEEP_MS) return clearInterval(timer);
      this.outbox.keep(card).then(
        (kept) => kept || clearInterval(timer),
        (err: unknown) => this.log.warn({ err, deliveryId: card.delivery.id }, 'could not renew the lease of a PIN card being sent'),
      );
    }, Math.max(500, this.outbox.leaseMs / 3));
    timer.unref();
    this.keeping.add(timer);
    const done = () => {
      clearInterval(timer);
      this.keeping.delete(timer);
    };
    void posting.then(done, done);
  }

  private async post(reference: unknown, message: Partial<Activity>): Promise<string> {
    let activityId = '';
    await continueTurn(this.adapter, this.appId, reference, async (context) => {
      context.turnState.set(OWN_DEADLINE, true);
      activityId = (await context.sendActivity(message))?.id ?? '';
    });
    return activityId;
  }
}

/** The turn's own conversation is the addressee's chat (a reply buffered for an expectReplies request is no post). */
function isConversationOf(context: TurnContext, reference: unknown): boolean {
  const { activity } = context;
  const to = reference as { channelId?: unknown; conversation?: { id?: unknown } } | undefined;
  return activity.deliveryMode !== 'expectReplies' && to?.channelId === activity.channelId && typeof to?.conversation?.id === 'string' && to.conversation.id === activity.conversation?.id;
}
