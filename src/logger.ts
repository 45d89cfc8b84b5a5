// Structured JSON logs (pino). Nothing PIN-shaped gets through: message text and card values are
// never passed to the logger, fields that could hold them are redacted, and error messages from
// libraries have long digit runs masked before they are written.
import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      // Host and process tell apart the instances sharing one database (one field: `pid` in a
      // line is the process it is about, such as a Skype for Business worker).
      base: { service: 'pindesk', instance: `${hostname()}/${process.pid}` },
      redact: { paths: ['pin', '*.pin', 'text', '*.text', 'value', '*.value', 'body', '*.body', 'attachments', '*.attachments'], censor: '[redacted]' },
      serializers: { err: safeError },
    },
    destination,
  );
}

/** Keeps what helps an operator (type, code, status) and masks anything that could be a PIN. */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  return {
    type: error.name,
    message: maskDigitRuns(error.message).slice(0, 300),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(typeof statusCode === 'number' ? { statusCode } : {}),
    ...(error.cause instanceof Error ? { cause: safeError(error.cause) } : {}),
  };
}

function maskDigitRuns(text: string): string {
  return text.replace(/\d{4,}/g, '####');
}

/** Refusals that carry no audit record of their own; each is logged at warn, at a bounded rate. */
export type RefusalClass =
  | 'body'
  | 'origin'
  | 'service-url'
  | 'activity'
  | 'bad-token'
  | 'token-metadata'
  | 'tenant'
  | 'wrong-api-key'
  | 'bad-verify-body'
  | 'verify-rate'
  | 'malformed-card-press'
  | 'unknown-invoke'
  | 'store-bound';

export interface RefusalLogOptions {
  /** Lines one class may write at once (the bucket's size). */
  burst?: number;
  /** Lines one class may write per minute, on average (the bucket's refill). */
  perMinute?: number;
  now?: () => number;
}

/**
 * A warn line per refusal, through a small token bucket per class, so a flood of bad requests
 * cannot flood the log: past the bucket, lines are counted and the next line written says how
 * many were left out (`suppressed`). Never pass a token, key, PIN or body in `fields`.
 */
export class RefusalLog {
  private readonly buckets = new Map<RefusalClass, { tokens: number; at: number; suppressed: number }>();
  private readonly burst: number;
  private readonly perMs: number;
  private readonly now: () => number;

  constructor(
    private readonly log: Logger,
    options: RefusalLogOptions = {},
  ) {
    this.burst = options.burst ?? 10;
    this.perMs = (options.perMinute ?? 10) / 60_000;
    this.now = options.now ?? (() => Date.now());
  }

  warn(kind: RefusalClass, fields: Record<string, unknown>, message: string): void {
    const now = this.now();
    const bucket = this.buckets.get(kind) ?? { tokens: this.burst, at: now, suppressed: 0 };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.set(kind, bucket);
    if (bucket.tokens < 1) {
      bucket.suppressed++;
      return;
    }
    bucket.tokens -= 1;
    const suppressed = bucket.suppressed;
    bucket.suppressed = 0;
    this.log.warn({ refusal: kind, ...fields, ...(suppressed ? { suppressed } : {}) }, message);
  }
}
