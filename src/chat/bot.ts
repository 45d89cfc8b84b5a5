// The chat surface: a route table (select + handler, as in the Teams SDK) from Bot Framework
// activities to desk calls, and desk results back to messages. botbuilder is imported only under
// chat/ and by the composition root (app.ts), so the end-of-life SDK stays replaceable.
import { TurnContext, type Activity, type InvokeResponse } from 'botbuilder';
import { nanoid } from 'nanoid';
import type { Logger } from 'pino';
import { readCardData, Verbs, type AdaptiveCard, type CardData } from '../cards/elements.js';
import { pinSetNote } from '../cards/pin-set-note.js';
import { invokeCard, invokeMessage, postedIn } from './invoke-replies.js';
import { pinSetCardFor } from '../cards/pin-set-card.js';
import { pickerDoneCard } from '../cards/user-list-cards.js';
import type { CardLocations } from '../desk/card-locations.js';
import type { Desk, Turn } from '../desk/desk.js';
import type { DeskResult, IssuedPin, RequestView } from '../desk/results.js';
import type { BackgroundWork } from './background.js';
import type { CardCourier } from './card-courier.js';
import { callerOf, type CallerPolicy } from './caller.js';
import { isShared, PrivateDelivery } from './conversation.js';
import { cardMessage, failureText, renderError, renderResult, targetName, textMessage } from './render.js';
import { messageText } from './message-text.js';
import type { RequestMessenger } from './request-messenger.js';
import { escapeMarkdown } from '../cards/markdown.js';
import { approvalCard, requesterCard, stateLine } from '../cards/request-cards.js';

/** Invoke names PinDesk answers (typed aliases, as in the Teams SDK). */
export const Invokes = { cardAction: 'adaptiveCard/action' } as const;

interface Route {
  select: (activity: Activity) => boolean;
  handler: (context: TurnContext) => Promise<void>;
}

export interface BotDependencies {
  desk: Desk;
  cards: CardLocations;
  courier: Pick<CardCourier, 'deliverNow' | 'postHere'>;
  background: BackgroundWork;
  delivery: PrivateDelivery;
  requests: RequestMessenger;
  callers: CallerPolicy;
  log: Logger;
}

/** How a click reached us: Teams' Action.Execute invoke, or an Action.Submit message. */
type ClickKind = 'invoke' | 'submit';

export class PinDeskBot {
  private readonly routes: Route[] = [
    { select: (a) => a.type === 'invoke' && a.name === Invokes.cardAction, handler: (c) => this.onCardInvoke(c) },
    { select: (a) => a.type === 'message' && a.value !== undefined && a.value !== null && !a.text, handler: (c) => this.onCardSubmit(c) },
    { select: (a) => a.type === 'message', handler: (c) => this.onMessage(c) },
    { select: (a) => a.type === 'conversationUpdate', handler: (c) => this.onConversationUpdate(c) },
  ];

  constructor(private readonly deps: BotDependencies) {}

  async run(context: TurnContext): Promise<void> {
    const started = performance.now();
    const { activity } = context;
    const route = this.routes.find((r) => r.select(activity));
    if (route) await route.handler(context);
    else if (activity.type === 'invoke') await this.invokeReply(context, { status: 501 });
    // What happened is in the audit trail; the log says only that a turn ran, and how long it took.
    this.deps.log.debug(
      { activityId: activity.id, channelId: activity.channelId, type: activity.type, conversationType: activity.conversation?.conversationType, ms: Math.round(performance.now() - started) },
      'turn',
    );
  }

  // ---- messages -------------------------------------------------------------------------------

  private async onMessage(context: TurnContext): Promise<void> {
    const turn = await this.turnOf(context, 'submit');
    await this.deps.delivery.rememberPersonal(context);
    let result: DeskResult;
    try {
      result = await this.deps.desk.handleText(turn, messageText(context.activity));
    } catch (error) {
      await this.sendError(context, error);
      return;
    }
    await this.deliverDone(context, result);
  }

  /**
   * Posts the result of an action that has run: a failure to post it (a slow or failing connector)
   * is logged, never answered with the desk's "nothing was changed" — something was.
   */
  private async deliverDone(context: TurnContext, result: DeskResult): Promise<void> {
    try {
      await this.deliver(context, result);
    } catch (err) {
      this.deps.log.error({ err, result: result.kind }, 'could not post the answer of an action that ran');
    }
  }

  /** Posts a result where it belongs: PIN cards privately, everything else in place. */
  private async deliver(context: TurnContext, result: DeskResult): Promise<void> {
    const { cards, courier } = this.deps;
    const message = renderResult(result);
    if (result.kind === 'pin-set') {
      // The PIN is set and its card waits in the outbox: one try now, then the courier keeps trying.
      const state = await courier.deliverNow(result, context);
      const note = pinSetNote(result.details.target.displayName, state, result.elsewhere === true);
      if (note) await context.sendActivity(textMessage(note));
      return;
    }
    if (result.kind === 'request-updated') {
      await context.sendActivity(cardMessage(requesterCard(result.view)));
      this.settleLater(result.view, result.change, result.pin);
      return;
    }
    const conversation = TurnContext.getConversationReference(context.activity);
    if (result.kind === 'request-created') {
      // Where the requester is reached — their new PIN's card goes there — is kept before their
      // card is posted: a post that fails must not leave an approval with nowhere to deliver.
      await cards.requestPosted(result.view.request.id, 'requester', { conversation, activityId: '' });
    }
    const sent = await context.sendActivity(message);
    const here = { conversation, activityId: sent?.id ?? '' };
    if (result.kind === 'my-pins' || result.kind === 'requests') {
      for (const pin of result.pins ?? []) await courier.postHere(context, pin);
    }
    if (result.kind === 'choose-user' && sent?.id) await cards.posted('continuation', result.ref, here);
    if (result.kind === 'request-created' || result.kind === 'request-exists') {
      await cards.requestPosted(result.view.request.id, 'requester', here);
    }
    if (result.kind === 'request-created' && result.expired) await this.deps.requests.settle(result.expired, 'expired');
    if (result.kind === 'request-created' && (await this.deps.requests.announce(result.view)) === 0) {
      await context.sendActivity(
        textMessage('No approver could be reached yet. Your request waits, PinDesk keeps trying, and approvers see it with `requests`. If no one ever gets it, an administrator sets up where requests go with `approvals here`.'),
      );
    }
  }

  private async sendError(context: TurnContext, error: unknown): Promise<void> {
    const message = renderError(error);
    const sent = await context.sendActivity(message);
    const ref = (error as { unlockAndSetRef?: string }).unlockAndSetRef;
    if (ref && sent?.id) {
      await this.deps.cards.posted('continuation', ref, { conversation: TurnContext.getConversationReference(context.activity), activityId: sent.id });
    }
  }

  private async onConversationUpdate(context: TurnContext): Promise<void> {
    const added = context.activity.membersAdded ?? [];
    if (added.some((member) => member.id !== context.activity.recipient?.id)) {
      await context.sendActivity(textMessage("Hi, I'm PinDesk: I set, unlock and check dial-in conferencing PINs. Type `help` to see what you can do."));
    }
  }

  // ---- card clicks ------------------------------------------------------------------------------

  private async onCardInvoke(context: TurnContext): Promise<void> {
    const action = (context.activity.value as { action?: { verb?: unknown; data?: Record<string, unknown> } } | undefined)?.action;
    const data = readCardData({ ...action?.data, verb: action?.verb ?? action?.data?.verb });
    if (!data) return this.invokeReply(context, invokeMessage('That button is not valid any more. Send the command again.'));
    const outcome = await this.onClick(context, data, 'invoke');
    // Teams shows the returned card in place of the clicked one, to the clicker only.
    if (outcome) await this.invokeReply(context, invokeCard(outcome.replacement));
  }

  private async onCardSubmit(context: TurnContext): Promise<void> {
    const data = readCardData(context.activity.value);
    if (!data) {
      await context.sendActivity(textMessage('That button is not valid any more. Send the command again.'));
      return;
    }
    const outcome = await this.onClick(context, data, 'submit');
    if (!outcome) return;
    // Action.Submit clients cannot replace a card from a reply: update the posted card in place.
    const posted = outcome.posted;
    if (posted && posted.conversationId === context.activity.conversation.id) {
      await context.updateActivity({ ...cardMessage(outcome.replacement), id: posted.activityId });
    } else if (outcome.sendIfNotUpdated) {
      await context.sendActivity(cardMessage(outcome.replacement));
    }
  }

  /**
   * One handler for both click kinds. Returns the card that should replace the clicked one, or
   * undefined when the answer was already sent as a message.
   */
  private async onClick(
    context: TurnContext,
    data: CardData,
    kind: ClickKind,
  ): Promise<{ replacement: AdaptiveCard; posted?: { conversationId: string; activityId: string }; sendIfNotUpdated: boolean } | undefined> {
    const { desk, cards } = this.deps;
    const turn = await this.turnOf(context, kind);
    try {
      switch (data.verb) {
        case Verbs.reveal:
        case Verbs.hide: {
          const view = await desk.reveal(turn, data.ref, data.verb === Verbs.reveal);
          const posted = await cards.ofReveal(data.ref);
          return { replacement: pinSetCardFor(view), posted: postedIn(posted), sendIfNotUpdated: true };
        }
        case Verbs.choose:
        case Verbs.unlockAndSet: {
          const result =
            data.verb === Verbs.choose ? await desk.choose(turn, data.ref, data.choice ?? -1) : await desk.unlockAndSet(turn, data.ref);
          const posted = await cards.ofContinuation(data.ref).catch(() => undefined);
          await this.deliverDone(context, result);
          const name = targetName(result);
          const where = result.kind === 'pin-set' && turn.shared ? 'in our 1:1 chat' : 'below';
          const note = name ? `Done for ${name}: the result is ${where}.` : 'Done: the result is below.';
          return { replacement: pickerDoneCard(note), posted: postedIn(posted), sendIfNotUpdated: false };
        }
        case Verbs.approve:
        case Verbs.deny:
        case Verbs.cancel: {
          const result =
            data.verb === Verbs.cancel
              ? await desk.cancelRequest(turn, data.ref)
              : await desk.decideRequest(turn, data.ref, data.verb === Verbs.approve ? 'approve' : 'deny', data.note);
          if (result.kind !== 'request-updated') return undefined;
          // The press is answered now; the PIN's card and the redraws follow.
          this.settleLater(result.view, result.change, result.pin);
          const replacement = data.verb === Verbs.cancel ? requesterCard(result.view) : approvalCard(result.view);
          if (kind === 'submit') {
            // The posted cards were redrawn; say what happened where the button was pressed.
            const { request } = result.view;
            const note = request.decisionNote && escapeMarkdown(request.decisionNote);
            await context.sendActivity(textMessage(`Request from ${request.requesterName}: ${stateLine({ ...request, decisionNote: note })}`));
            return undefined;
          }
          return { replacement, sendIfNotUpdated: false };
        }
        case Verbs.act: {
          // A find result serves many clicks: it stays as it is; the result is a new message.
          const result = await desk.actOnListed(turn, data.ref, data.choice!, data.act!);
          await this.deliverDone(context, result);
          if (kind === 'invoke') await this.invokeReply(context, invokeMessage(`Done for ${targetName(result) ?? 'the user'}.`));
          return undefined;
        }
      }
    } catch (error) {
      if (kind === 'invoke') {
        await this.invokeReply(context, invokeMessage(failureText(error)));
        return undefined;
      }
      await this.sendError(context, error);
      return undefined;
    }
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private settleLater(view: RequestView, change: RequestChange, pin: IssuedPin | undefined): void {
    this.deps.background.run('settle a request', () => this.deps.requests.settle(view, change, pin));
  }

  private async turnOf(context: TurnContext, kind: ClickKind): Promise<Turn> {
    const { activity } = context;
    const shared = isShared(activity);
    return {
      caller: await callerOf(context, this.deps.callers),
      requestId: typeof activity.id === 'string' && activity.id ? activity.id.slice(0, 100) : nanoid(),
      shared,
      privateReply: !shared || kind === 'invoke',
      canReachPrivately: !shared || activity.channelId === 'msteams',
      conversation: activity.conversation?.id
        ? { id: activity.conversation.id, channelId: activity.channelId, reference: TurnContext.getConversationReference(activity) }
        : undefined,
      privateChat: () => this.deps.delivery.open(context),
    };
  }

  private async invokeReply(context: TurnContext, response: InvokeResponse): Promise<void> {
    if (context.turnState.get(INVOKE_RESPONDED)) return;
    context.turnState.set(INVOKE_RESPONDED, true);
    await context.sendActivity({ type: 'invokeResponse', value: response });
  }
}

const INVOKE_RESPONDED = Symbol('invokeResponded');

type RequestChange = Extract<DeskResult, { kind: 'request-updated' }>['change'];
