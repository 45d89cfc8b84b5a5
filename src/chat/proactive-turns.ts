// A proactive turn (continueConversation: approval cards, the requester's PIN card, every redraw of
// a request's cards, notes) replies to nothing. botbuilder gives its continuation activity a fresh
// random id, so everything sent or updated from the turn would carry that id as `replyToId`. Web
// Chat — the Emulator's renderer — holds an activity whose `replyToId` is not in its transcript for
// up to 5 seconds (queueIncomingActivitySaga; BotFramework-WebChat issue 3874), so each of those
// arrived 5 s late. Outside Teams they go out without it; Teams is left exactly as it was.
import { ActivityEventNames, ActivityTypes, type Activity, type Middleware, type TurnContext } from 'botbuilder';

export class ProactiveTurns implements Middleware {
  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { activity } = context;
    if (activity.type === ActivityTypes.Event && activity.name === ActivityEventNames.ContinueConversation && activity.channelId !== 'msteams') {
      context.onSendActivities(async (_context, activities, send) => {
        activities.forEach(repliesToNothing);
        return send();
      });
      context.onUpdateActivity(async (_context, update, send) => {
        repliesToNothing(update);
        return send();
      });
    }
    await next();
  }
}

function repliesToNothing(activity: Partial<Activity>): void {
  delete activity.replyToId;
}
