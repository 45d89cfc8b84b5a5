// The Bot Framework endpoint (POST /api/messages): hands each activity to the CloudAdapter, which
// authenticates it and runs the bot. Lives in chat/ so the HTTP server never imports botbuilder.
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Request, Response } from 'restify';

/** The route handler for POST /api/messages, registered by the HTTP server. */
export type MessagesEndpoint = (req: Request, res: Response) => Promise<void>;

export function messagesEndpoint(adapter: CloudAdapter, bot: { run(context: TurnContext): Promise<void> }, log: Logger): MessagesEndpoint {
  return async (req, res) => {
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
      res.send(400, { error: 'The body must be a Bot Framework activity: a JSON object with a "type".' });
      return;
    }
    try {
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (err) {
      // The adapter rejects activities it cannot parse before any logic runs.
      log.warn({ err }, 'activity rejected');
      if (!res.headersSent) res.send(400, { error: 'The activity is not valid.' });
    }
  };
}
