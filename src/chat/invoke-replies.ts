// Invoke responses (Teams Universal Actions) and where a posted card is, for the click handler.
import type { InvokeResponse } from 'botbuilder';
import { CARD_CONTENT_TYPE, type AdaptiveCard } from '../cards/elements.js';

/** The card that replaces the clicked one, for the clicker only. */
export function invokeCard(card: AdaptiveCard): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: CARD_CONTENT_TYPE, value: card } };
}

/** A message the client shows without replacing the card (the card stays as it was). */
export function invokeMessage(text: string): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } };
}

export function postedIn(posted: { conversation: unknown; activityId: string } | undefined): { conversationId: string; activityId: string } | undefined {
  const conversationId = (posted?.conversation as { conversation?: { id?: string } } | undefined)?.conversation?.id;
  return posted && conversationId && posted.activityId ? { conversationId, activityId: posted.activityId } : undefined;
}
