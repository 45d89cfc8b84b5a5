// A proactive turn (continueConversation) whose failures reach the caller. The adapter hands an
// error thrown inside such a turn to onTurnError and returns normally, which would make a failed
// send look delivered; the error is carried out of the turn instead.
import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';

export async function continueTurn(adapter: CloudAdapter, appId: string, reference: unknown, logic: (context: TurnContext) => Promise<void>): Promise<void> {
  let failure: { error: unknown } | undefined;
  await adapter.continueConversationAsync(appId, reference as Partial<ConversationReference>, async (context) => {
    try {
      await logic(context);
    } catch (error) {
      failure = { error };
    }
  });
  if (failure) throw failure.error;
}
