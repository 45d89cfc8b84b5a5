// Refusals the bot answers without an audit record — a card press whose data is not ours (forged,
// tampered, or from an older card format) and an invoke PinDesk does not handle — are logged at
// warn, through the refusal log's bucket per class, so they are seen and cannot flood the log.
// Adapter middleware: it only looks; the bot answers as before.
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { readCardData } from '../cards/elements.js';
import type { RefusalLog } from '../logger.js';
import { Invokes } from './bot.js';

export class RefusalWatch implements Middleware {
  constructor(private readonly refusals: RefusalLog) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const refusal = classify(context.activity);
    if (refusal) {
      const { activity } = context;
      this.refusals.warn(
        refusal.kind,
        { channelId: String(activity.channelId).slice(0, 64), activityType: String(activity.type).slice(0, 32), ...(refusal.name ? { name: refusal.name } : {}) },
        refusal.kind === 'unknown-invoke' ? 'invoke PinDesk does not handle' : 'card press with data that is not a valid PinDesk button',
      );
    }
    await next();
  }
}

function classify(activity: Activity): { kind: 'unknown-invoke' | 'malformed-card-press'; name?: string } | undefined {
  if (activity.type === 'invoke') {
    if (activity.name !== Invokes.cardAction) return { kind: 'unknown-invoke', name: String(activity.name).slice(0, 64) };
    const action = (activity.value as { action?: { verb?: unknown; data?: Record<string, unknown> } } | undefined)?.action;
    return readCardData({ ...action?.data, verb: action?.verb ?? action?.data?.verb }) ? undefined : { kind: 'malformed-card-press' };
  }
  if (activity.type === 'message' && activity.value !== undefined && activity.value !== null && !activity.text && !readCardData(activity.value)) {
    return { kind: 'malformed-card-press' };
  }
  return undefined;
}
