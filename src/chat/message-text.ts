// The command text of a message: without the @mention of the bot that Teams puts in front of it
// in channels and group chats, and without the HTML entities Teams may send.
import { TurnContext, type Activity } from 'botbuilder';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };

export function messageText(activity: Activity): string {
  const raw = typeof activity.text === 'string' ? activity.text : '';
  const withoutBot = activity.entities?.length ? TurnContext.removeRecipientMention({ ...activity, text: raw }) ?? raw : raw;
  return withoutBot
    .replace(/<at>([^<]*)<\/at>/gi, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (entity) => ENTITIES[entity] ?? entity);
}
