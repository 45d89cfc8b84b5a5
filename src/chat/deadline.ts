// Nothing PinDesk sends to the Bot Connector may hold a user's turn for long: every send and update
// has a deadline, and a connector that does not answer in time counts as a failed send.

/** How long one send or update to the connector may take before it counts as failed. */
export const SEND_DEADLINE_MS = 3_000;

export class DeadlineError extends Error {
  constructor(readonly ms: number) {
    super(`no answer from the Bot Connector within ${ms} ms`);
  }
}

export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(ms)), ms);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** The HTTP status of a connector failure, when it has one. */
export function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } } | undefined;
  const status = e?.statusCode ?? e?.response?.status ?? e?.status;
  return typeof status === 'number' ? status : undefined;
}

/** A 429's Retry-After, in milliseconds (seconds or an HTTP date), when the connector sent one. */
export function retryAfterMs(error: unknown, now: Date): number | undefined {
  const headers = (error as { response?: { headers?: unknown } } | undefined)?.response?.headers as
    | { get?: (name: string) => string | undefined | null; [name: string]: unknown }
    | undefined;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : (headers?.['retry-after'] as string | undefined);
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
