// Every card leaves for the channel it goes to (cards/for-channel.ts): the replies of a turn, the
// updates of a posted card, and proactive messages (continueConversation turns carry the channel of
// the conversation they continue). Adapter middleware, so no sender can forget it.
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { CARD_CONTENT_TYPE, type AdaptiveCard } from '../cards/elements.js';
import { cardForChannel } from '../cards/for-channel.js';

export class ChannelCards implements Middleware {
  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const channelId = context.activity.channelId;
    context.onSendActivities(async (_context, activities, send) => {
      activities.forEach((activity) => adapt(activity, channelId));
      return send();
    });
    context.onUpdateActivity(async (_context, activity, update) => {
      adapt(activity, channelId);
      return update();
    });
    await next();
  }
}

function adapt(activity: Partial<Activity>, channelId: string | undefined): void {
  if (!activity.attachments) return;
  activity.attachments = activity.attachments.map((attachment) =>
    attachment.contentType === CARD_CONTENT_TYPE ? { ...attachment, content: cardForChannel(attachment.content as AdaptiveCard, channelId) } : attachment,
  );
}
