// How a failed post or update to the Bot Connector is treated: 429 (waits what Retry-After asks),
// 408, 5xx, timeouts and network errors are worth another try; any other 4xx (blocked, not in the
// roster, no such conversation or activity) will not get better by trying again.
import { DeadlineError, retryAfterMs, statusOf } from './deadline.js';

export type SendFailureKind = { kind: 'retry'; error: string; afterMs?: number | undefined } | { kind: 'permanent'; error: string };

export function classifySendFailure(error: unknown, now: Date): SendFailureKind {
  const status = statusOf(error);
  if (error instanceof DeadlineError || status === undefined) return { kind: 'retry', error: error instanceof DeadlineError ? 'timeout' : 'unreachable' };
  if (status === 429) return { kind: 'retry', error: '429', afterMs: retryAfterMs(error, now) };
  if (status === 408 || status >= 500) return { kind: 'retry', error: String(status) };
  return { kind: 'permanent', error: String(status) };
}
