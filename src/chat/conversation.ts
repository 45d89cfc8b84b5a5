// Where an answer may go. Results that carry a PIN go to the caller's 1:1 chat; in Teams we open
// it if needed. Other channels have no way to do that, so a shared conversation there is refused.
import { TurnContext, type Activity, type CloudAdapter, type ConversationParameters, type ConversationReference } from 'botbuilder';
import { NoPrivateChatError } from '../domain/errors.js';
import type { ConversationStore, PostedCard } from '../ports/store.js';

export function isShared(activity: Activity): boolean {
  const type = activity.conversation?.conversationType;
  if (type) return type !== 'personal';
  return activity.conversation?.isGroup === true;
}

export class PrivateDelivery {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly conversations: ConversationStore,
  ) {}

  /** Remember the 1:1 conversation with whoever writes to us there (to reach them later). */
  async rememberPersonal(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (isShared(activity) || !activity.from?.id) return;
    await this.conversations.savePersonal(activity.from.id, activity.channelId, TurnContext.getConversationReference(activity), new Date());
  }

  /** Sends to the caller's 1:1 chat and says where the message landed. */
  async send(context: TurnContext, message: Partial<Activity>): Promise<PostedCard & { elsewhere: boolean }> {
    const { activity } = context;
    if (!isShared(activity)) {
      const sent = await context.sendActivity(message);
      return { conversation: TurnContext.getConversationReference(activity), activityId: sent?.id ?? '', elsewhere: false };
    }
    if (activity.channelId !== 'msteams') throw new NoPrivateChatError();
    const tenantId = activity.conversation.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    const parameters = {
      isGroup: false,
      bot: activity.recipient,
      members: [activity.from],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as ConversationParameters;
    let posted: (PostedCard & { elsewhere: boolean }) | undefined;
    await this.adapter.createConversationAsync(this.appId, activity.channelId, activity.serviceUrl, '', parameters, async (privateContext) => {
      const sent = await privateContext.sendActivity(message);
      const reference = TurnContext.getConversationReference(privateContext.activity) as ConversationReference;
      await this.conversations.savePersonal(activity.from.id, activity.channelId, reference, new Date());
      posted = { conversation: reference, activityId: sent?.id ?? '', elsewhere: true };
    });
    if (!posted) throw new NoPrivateChatError();
    return posted;
  }
}
