// Carries the request-notice outbox (desk/requests/request-notices.ts) to people: a new request's
// approval cards to every approver conversation still without one; after a change, every card of a
// request redrawn from the store's current state (idempotent: a retry redraws again, harmlessly),
// then the requester's note, at most once per notice — recorded as sent the moment its post
// returned, and never posted again after that. What remains: a post that reached Teams but whose
// answer never came back (the instance killed at that moment, or no answer within the lease) is
// sent again by the next try. Failures are sorted as for PIN cards (send-failure.ts).
import type { Activity, CloudAdapter } from 'botbuilder';
import type { Logger } from 'pino';
import { approvalCard, requesterCard } from '../cards/request-cards.js';
import type { CardLocations } from '../desk/card-locations.js';
import type { RequestDelivery } from '../desk/requests/request-delivery.js';
import type { NoticeProgress } from '../desk/requests/request-notices.js';
import type { RequestView } from '../desk/results.js';
import type { RequestNotice } from '../ports/request-notice-store.js';
import type { DeliveryState, PostedCard } from '../ports/store.js';
import { continueTurn } from './continue-turn.js';
import { withDeadline } from './deadline.js';
import { cardMessage, textMessage } from './render.js';
import { requesterNote } from './requester-note.js';
import { classifySendFailure } from './send-failure.js';
import { OWN_DEADLINE } from './send-deadline.js';

export class NoticeCarrier {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly requests: RequestDelivery,
    private readonly cards: CardLocations,
    private readonly log: Logger,
  ) {}

  /** The turn that changed a request: its notices now. `delivery`: the new PIN card's state, as the turn knows it. */
  async carryNow(requestId: string, delivery?: DeliveryState): Promise<void> {
    for (const notice of await this.requests.notices.claimOf(requestId)) await this.carrySafely(notice, delivery);
  }

  /** The turn that made a request: its approval cards now. How many approvers' conversations hold one. */
  async announceNow(requestId: string): Promise<number> {
    for (const notice of await this.requests.notices.claimOf(requestId)) await this.carrySafely(notice);
    return (await this.cards.ofRequest(requestId)).filter((c) => c.audience === 'approvers').length;
  }

  /** Notices due again (the sweep, on every instance: each is carried by the one that claims it). */
  async carryDue(): Promise<void> {
    const { notices } = this.requests;
    for (const id of await notices.due()) {
      const notice = await notices.claim(id);
      if (notice) await this.carrySafely(notice);
    }
  }

  /** Every card of a request, redrawn as `view` shows it (best effort: a press on a stale card). */
  async redraw(view: RequestView): Promise<void> {
    for (const { audience, card } of await this.cards.ofRequest(view.request.id)) {
      await this.update(card, this.drawn(audience, view)).catch((err: unknown) => this.log.warn({ err, requestId: view.request.id }, 'could not update a request card'));
    }
  }

  /** A failure of the store mid-way leaves the notice leased: it is tried again when the lease ends. */
  private async carrySafely(notice: RequestNotice, turnDelivery?: DeliveryState): Promise<void> {
    await this.carry(notice, turnDelivery).catch((err: unknown) => this.log.error({ err, requestId: notice.requestId }, 'could not carry a request notice; it is tried again after its lease'));
  }

  private async carry(notice: RequestNotice, turnDelivery?: DeliveryState): Promise<void> {
    const { notices } = this.requests;
    const progress: NoticeProgress = { dropped: [...notice.dropped], newlyDropped: [], retry: undefined };
    const view = await this.requests.view(notice.requestId);
    // An approval undone (its server refused the change) owes nobody anything; nor does a request
    // decided before its approval cards all went out.
    if (!view || view.request.state !== (notice.change === 'created' ? 'pending' : notice.change)) return void (await notices.finish(notice, view?.request.requesterUpn, progress));
    if (notice.change === 'created') {
      await this.postApprovalCards(notice, view, progress);
      return void (await notices.finish(notice, view.request.requesterUpn, progress));
    }
    let shown = view;
    if (notice.change === 'approved' && view.request.kind === 'reset') {
      const delivery = turnDelivery ?? (await this.deliveryOf(notice.requestId));
      // The PIN change waits for its server's outcome: say nothing until it is known.
      if (delivery === 'held') return void (await notices.finish(notice, view.request.requesterUpn, { ...progress, retry: { error: 'pin-outcome-unknown' } }));
      shown = { ...view, delivery };
    }
    const cards = await this.cards.ofRequest(notice.requestId);
    for (const { audience, card } of cards) {
      if (!card.activityId || progress.dropped.includes(card.activityId)) continue;
      await this.update(card, this.drawn(audience, shown)).catch((error: unknown) => this.failed(progress, 'card', card.activityId, error, notice));
    }
    const note = requesterNote(shown, notice.change);
    const conversation = cards.find((c) => c.audience === 'requester')?.card.conversation;
    if (note && conversation && !notice.noteSentAt && !progress.dropped.includes('note')) {
      // Our lease ran out meanwhile: another sender may have the notice now; it finishes it.
      if (!(await notices.hold(notice))) return;
      const sent = await this.post(conversation, textMessage(note), notices.leaseMs).then(
        () => true,
        (error: unknown) => this.failed(progress, 'note', 'note', error, notice),
      );
      if (sent) await notices.noteSent(notice);
    }
    await notices.finish(notice, view.request.requesterUpn, progress);
  }

  /**
   * The approval card, in every approver conversation that has none yet (a retry skips those that
   * got it). A post that reached Teams but whose answer was lost is posted again: a second card
   * for the same request, which works just the same.
   */
  private async postApprovalCards(notice: RequestNotice, view: RequestView, progress: NoticeProgress): Promise<void> {
    const holding = new Set((await this.cards.ofRequest(notice.requestId)).filter((c) => c.audience === 'approvers').map((c) => conversationIdOf(c.card.conversation)));
    for (const reference of await this.requests.approverConversations(view.request)) {
      const key = conversationIdOf(reference) ?? 'unknown';
      if (holding.has(key) || progress.dropped.includes(key)) continue;
      // Each post renews the lease (many approver chats on a slow connector could outlast it), and
      // stops once another sender has the notice: it posts what is still missing.
      if (!(await this.requests.notices.hold(notice))) return;
      const activityId = await this.send(reference, cardMessage(approvalCard(view), `PIN request from ${view.request.requesterName}`)).catch((error: unknown) =>
        this.failed(progress, 'approval-card', key, error, notice),
      );
      if (activityId === false) continue;
      await this.cards.requestPosted(notice.requestId, 'approvers', { conversation: reference, activityId });
      holding.add(key);
    }
  }

  private async deliveryOf(requestId: string): Promise<DeliveryState | undefined> {
    const found = await this.requests.notices.delivery(requestId);
    // A notice that the PIN was not set goes out on its own: here, no PIN was set.
    return found && !found.notice ? found.state : undefined;
  }

  private failed(progress: NoticeProgress, what: 'card' | 'note' | 'approval-card', key: string, error: unknown, notice: RequestNotice): false {
    const failure = classifySendFailure(error, this.requests.notices.now());
    this.log.warn({ err: error, requestId: notice.requestId, attempt: notice.attempts, what, retry: failure.kind === 'retry' }, 'could not carry a request notice');
    if (failure.kind === 'permanent') {
      progress.dropped.push(key);
      progress.newlyDropped.push({ what, error: failure.error });
    } else if (!progress.retry || (failure.afterMs ?? 0) > (progress.retry.afterMs ?? 0)) {
      progress.retry = { error: failure.error, afterMs: failure.afterMs };
    }
    return false;
  }

  private drawn(audience: string, view: RequestView): Partial<Activity> {
    return cardMessage(audience === 'requester' ? requesterCard(view) : approvalCard(view));
  }

  /** The note: its real outcome is waited for (no send deadline), within most of the lease. */
  private async post(reference: unknown, message: Partial<Activity>, leaseMs: number): Promise<void> {
    const posting = continueTurn(this.adapter, this.appId, reference, async (context) => {
      context.turnState.set(OWN_DEADLINE, true);
      await context.sendActivity(message);
    });
    await withDeadline(posting, Math.max(1_000, leaseMs - 2_000));
  }

  private async send(reference: unknown, message: Partial<Activity>): Promise<string> {
    let activityId = '';
    await continueTurn(this.adapter, this.appId, reference, async (context) => {
      activityId = (await context.sendActivity(message))?.id ?? '';
    });
    return activityId;
  }

  private async update(card: PostedCard, message: Partial<Activity>): Promise<void> {
    if (!card.activityId) return;
    await continueTurn(this.adapter, this.appId, card.conversation, async (context) => {
      await context.updateActivity({ ...message, id: card.activityId });
    });
  }
}

function conversationIdOf(reference: unknown): string | undefined {
  const id = (reference as { conversation?: { id?: unknown } } | undefined)?.conversation?.id;
  return typeof id === 'string' ? id : undefined;
}
