// Adapter middleware: every send and update of a turn — replies and proactive messages alike —
// fails with DeadlineError when the connector does not answer within SEND_DEADLINE_MS, so no
// inbound request (or approver's press) waits on a slow connector.
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { SEND_DEADLINE_MS, withDeadline } from './deadline.js';

/**
 * Set in a turn's state, or on one activity, by a sender that bounds its own waiting (the PIN-card
 * courier): its sends run to their end, so their real outcome — delivered, or the connector's final
 * status and Retry-After — is what gets recorded, and a late success is never sent twice.
 */
export const OWN_DEADLINE = Symbol('pindesk.ownDeadline');

/** Registered once per turn by `replyOnOwnDeadline`. */
const DETACHED_POSTS = Symbol('pindesk.detachedPosts');

export class SendDeadline implements Middleware {
  constructor(private readonly ms = SEND_DEADLINE_MS) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    context.onSendActivities((turn, activities, send) =>
      // An invoke response is not sent anywhere: it is the HTTP answer itself.
      activities.every((a) => a.type === 'invokeResponse' || ownDeadline(a)) || turn.turnState.get(OWN_DEADLINE) ? send() : withDeadline(send(), this.ms),
    );
    context.onUpdateActivity((_context, _activity, update) => withDeadline(update(), this.ms));
    await next();
  }
}

/**
 * A reply of this turn whose sender bounds its own waiting, so the post may outlive the turn.
 * botbuilder revokes a turn's context when the turn ends, and TurnContext touches it again after
 * the connector answers: a post still running then would fail after it succeeded (and be sent
 * twice). So every middleware still sees the reply (cards adapted for the channel), and then the
 * post goes straight to the adapter, which reads the context only before it posts.
 */
export async function replyOnOwnDeadline(context: TurnContext, message: Partial<Activity>): Promise<string> {
  if (!context.turnState.get(DETACHED_POSTS)) {
    context.turnState.set(DETACHED_POSTS, true);
    // Registered now, after every middleware's: it runs last, just before the post.
    context.onSendActivities((turn, activities, send) => (activities.some(ownDeadline) ? turn.adapter.sendActivities(turn, activities) : send()));
  }
  const sent = await context.sendActivity({ ...message, [OWN_DEADLINE]: true } as Partial<Activity>);
  return sent?.id ?? '';
}

function ownDeadline(activity: Partial<Activity>): boolean {
  return (activity as { [OWN_DEADLINE]?: boolean })[OWN_DEADLINE] === true;
}
