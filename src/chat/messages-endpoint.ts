// The Bot Framework endpoint (POST /api/messages): checks what can be checked before any logic
// runs, then hands the activity to the CloudAdapter, which authenticates it and runs the bot.
// Lives in chat/ so the HTTP server never imports botbuilder.
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Request, Response } from 'restify';
import { isLoopbackUrl } from '../http/loopback.js';
import type { RefusalLog } from '../logger.js';

/** The route handler for POST /api/messages, registered by the HTTP server. */
export type MessagesEndpoint = (req: Request, res: Response) => Promise<void>;

export interface MessagesEndpointOptions {
  adapter: CloudAdapter;
  bot: { run(context: TurnContext): Promise<void> };
  log: Logger;
  refusals: RefusalLog;
  /**
   * Local development: only activities whose serviceUrl is on this machine (replies, and revealed
   * PINs, go to the serviceUrl an activity names; without a token anyone could name any).
   */
  loopbackServiceUrlOnly: boolean;
}

export function messagesEndpoint(options: MessagesEndpointOptions): MessagesEndpoint {
  const { adapter, bot, log, refusals } = options;
  return async (req, res) => {
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
      res.send(400, { error: 'The body must be a Bot Framework activity: a JSON object with a "type".' });
      return;
    }
    const activity = body as { serviceUrl?: unknown };
    if (options.loopbackServiceUrlOnly && activity.serviceUrl !== undefined && !(typeof activity.serviceUrl === 'string' && isLoopbackUrl(activity.serviceUrl))) {
      refusals.warn('service-url', { serviceUrl: String(activity.serviceUrl).slice(0, 100) }, 'activity naming a serviceUrl off this machine refused (local development)');
      res.send(403, { error: 'Without credentials PinDesk only answers a serviceUrl on this machine (http://localhost:PORT).' });
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
