// Adapter middleware: every send and update of a turn — replies and proactive messages alike —
// fails with DeadlineError when the connector does not answer within SEND_DEADLINE_MS, so no
// inbound request (or approver's press) waits on a slow connector.
import type { Middleware, TurnContext } from 'botbuilder';
import { SEND_DEADLINE_MS, withDeadline } from './deadline.js';

/**
 * Set in a turn's state by a sender that bounds its own waiting (the PIN-card courier): its sends
 * run to their end, so their real outcome — delivered, or the connector's final status and
 * Retry-After — is what gets recorded, and a late success is never sent twice.
 */
export const OWN_DEADLINE = Symbol('pindesk.ownDeadline');

export class SendDeadline implements Middleware {
  constructor(private readonly ms = SEND_DEADLINE_MS) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    context.onSendActivities((turn, activities, send) =>
      // An invoke response is not sent anywhere: it is the HTTP answer itself.
      activities.every((a) => a.type === 'invokeResponse') || turn.turnState.get(OWN_DEADLINE) ? send() : withDeadline(send(), this.ms),
    );
    context.onUpdateActivity((_context, _activity, update) => withDeadline(update(), this.ms));
    await next();
  }
}
