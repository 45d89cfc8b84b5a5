// Where an answer may go. Results that carry a PIN go to the caller's 1:1 chat; in Teams we open
// it if needed — before anything changes. Other channels have no way to do that, so a shared
// conversation there is refused.
import { TurnContext, type Activity, type CloudAdapter, type ConversationParameters, type ConversationReference } from 'botbuilder';
import { NoPrivateChatError } from '../domain/errors.js';
import type { PrivateChat } from '../desk/turn.js';
import type { ConversationStore } from '../ports/store.js';
import { SEND_DEADLINE_MS, statusOf, withDeadline } from './deadline.js';

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
    /** The Teams deep link that installs PinDesk (from the app manifest's id). */
    private readonly installLink?: string,
  ) {}

  /** Remember the 1:1 conversation with whoever writes to us there (to reach them later). */
  async rememberPersonal(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (isShared(activity) || !activity.from?.id) return;
    await this.conversations.savePersonal(activity.from.id, activity.channelId, TurnContext.getConversationReference(activity), new Date());
  }

  /**
   * The caller's 1:1 chat, reached before anything changes: this conversation when it is one; in a
   * Teams channel or group chat, the 1:1 chat remembered from an earlier message, or one opened now
   * (refused when Teams will not open it: PinDesk is not installed for the user).
   */
  async open(context: TurnContext): Promise<PrivateChat> {
    const { activity } = context;
    if (!isShared(activity)) return { channelId: activity.channelId, reference: TurnContext.getConversationReference(activity), elsewhere: false };
    if (activity.channelId !== 'msteams') throw new NoPrivateChatError();
    const known = await this.conversations.personal(activity.from.id, activity.channelId);
    if (known) return { channelId: activity.channelId, reference: known, elsewhere: true };
    const tenantId = activity.conversation.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    const parameters = {
      isGroup: false,
      bot: activity.recipient,
      members: [activity.from],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as ConversationParameters;
    let reference: ConversationReference | undefined;
    try {
      await withDeadline(
        this.adapter.createConversationAsync(this.appId, activity.channelId, activity.serviceUrl, '', parameters, async (privateContext) => {
          reference = TurnContext.getConversationReference(privateContext.activity) as ConversationReference;
        }),
        SEND_DEADLINE_MS,
      );
    } catch (error) {
      // 403 (BotNotInConversationRoster and the like): Teams will not open a chat the user has not allowed.
      const status = statusOf(error);
      throw new NoPrivateChatError(status === 403 || status === 404 ? 'not-installed' : 'unreachable', this.installLink);
    }
    if (!reference) throw new NoPrivateChatError('unreachable');
    await this.conversations.savePersonal(activity.from.id, activity.channelId, reference, new Date());
    return { channelId: activity.channelId, reference, elsewhere: true };
  }
}
