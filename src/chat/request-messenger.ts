// Carries the self-service flow to everyone involved: approval cards to the approval channels and
// approvers' 1:1 chats, the new PIN's card to the requester alone, and a redraw of every card of a
// request whenever its state changes. All the addresses come from the store, so a restart between
// any two steps loses nothing.
import type { Activity, CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { approvalCard, requesterCard } from '../cards/request-cards.js';
import type { CardLocations } from '../desk/card-locations.js';
import type { RequestDelivery } from '../desk/requests/request-delivery.js';
import type { IssuedPin, RequestView } from '../desk/results.js';
import type { PostedCard } from '../ports/store.js';
import { escapeMarkdown } from '../cards/markdown.js';
import type { CardCourier } from './card-courier.js';
import { continueTurn } from './continue-turn.js';
import { cardMessage, textMessage } from './render.js';

export class RequestMessenger {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly requests: RequestDelivery,
    private readonly cards: CardLocations,
    private readonly courier: Pick<CardCourier, 'deliverNow'>,
    private readonly log: Logger,
  ) {}

  /** Posts the approval card everywhere approvers look; returns how many places that was. */
  async announce(view: RequestView): Promise<number> {
    let posted = 0;
    for (const reference of await this.requests.approverConversations(view.request)) {
      try {
        const card = await this.send(reference, cardMessage(approvalCard(view), `PIN request from ${view.request.requesterName}`));
        await this.cards.requestPosted(view.request.id, 'approvers', card);
        posted++;
      } catch (err) {
        this.log.warn({ err, requestId: view.request.id }, 'could not post an approval card');
      }
    }
    return posted;
  }

  /** After a decision, cancellation or expiry: the PIN to the requester, every card redrawn, a word to the requester. */
  async settle(view: RequestView, change: 'approved' | 'denied' | 'cancelled' | 'expired' | 'unchanged', pin?: IssuedPin): Promise<void> {
    const { request } = view;
    const cards = await this.cards.ofRequest(request.id);
    const requesterConversation = cards.find((c) => c.audience === 'requester')?.card.conversation;
    // The PIN was set with its card in the outbox; one try now (the courier keeps trying after).
    const delivery = pin ? await this.courier.deliverNow(pin) : undefined;
    const shown: RequestView = delivery ? { ...view, delivery } : view;
    for (const { audience, card } of cards) {
      const message = cardMessage(audience === 'requester' ? requesterCard(shown) : approvalCard(shown));
      await this.update(card, message).catch((err: unknown) => this.log.warn({ err, requestId: request.id }, 'could not update a request card'));
    }
    const note = requesterNote(shown, change);
    if (note && requesterConversation) await this.send(requesterConversation, textMessage(note)).catch((err: unknown) => this.log.warn({ err, requestId: request.id }, 'could not tell the requester'));
  }

  /** Expires requests whose time is up and tells everyone (run on a timer; safe on many instances). */
  async sweep(): Promise<void> {
    for (const view of await this.requests.expireDue()) await this.settle(view, 'expired');
  }

  private async send(reference: unknown, message: Partial<Activity>): Promise<PostedCard> {
    let posted: PostedCard | undefined;
    await this.continueIn(reference, async (context) => {
      const sent = await context.sendActivity(message);
      posted = { conversation: reference, activityId: sent?.id ?? '' };
    });
    return posted!;
  }

  private async update(card: PostedCard, message: Partial<Activity>): Promise<void> {
    if (!card.activityId) return;
    await this.continueIn(card.conversation, async (context) => {
      await context.updateActivity({ ...message, id: card.activityId });
    });
  }

  private continueIn(reference: unknown, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    return continueTurn(this.adapter, this.appId, reference, logic);
  }
}

function requesterNote(view: RequestView, change: string): string | undefined {
  const { request } = view;
  switch (change) {
    case 'approved':
      if (request.kind === 'unlock') return `Your dial-in PIN is unlocked (approved by ${request.decidedByName}). You can use it again.`;
      if (view.delivery === 'delivered') return undefined;
      if (view.delivery === undefined) return `Your request was approved by ${request.decidedByName}, but I could not set a new PIN. Ask your helpdesk.`;
      if (view.delivery === 'pending') return `Your request was approved by ${request.decidedByName} and your new PIN is set, but I couldn't post its card yet. I'll keep trying — type \`my requests\` to get it now.`;
      return `Your request was approved by ${request.decidedByName} and your new PIN is set, but its card could not be posted here. Type \`my requests\` to get it while it can still be revealed.`;
    case 'denied':
      return `Your request was denied by ${request.decidedByName}${request.decisionNote ? `: ${escapeMarkdown(request.decisionNote)}` : '.'}`;
    case 'expired':
      return 'Your PIN request expired before anyone decided. You can ask again with `reset my pin`.';
    default:
      return undefined;
  }
}
