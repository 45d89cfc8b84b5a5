// The Bot Framework endpoint (POST /api/messages). Before any logic runs, in this order: the body
// is an activity whose stored fields are bounded (400 naming the field); in local development its
// serviceUrl is on this machine (403); its token is valid (401, or 503 when the token metadata
// cannot be fetched — never the library's text); its tenant is allowed (403, audited at a bounded
// rate, before any directory or roster look-up). Only then does the turn run. Lives in chat/ so
// the HTTP server never imports botbuilder.
import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Request, Response } from 'restify';
import { isLoopbackUrl } from '../http/loopback.js';
import type { RefusalLog } from '../logger.js';
import type { AuthenticatedAdapter, Authenticated } from './authenticated-adapter.js';

/** The route handler for POST /api/messages, registered by the HTTP server. */
export type MessagesEndpoint = (req: Request, res: Response) => Promise<void>;

export interface MessagesEndpointOptions {
  adapter: AuthenticatedAdapter;
  bot: { run(context: TurnContext): Promise<void> };
  log: Logger;
  refusals: RefusalLog;
  /**
   * Local development: only activities whose serviceUrl is on this machine (replies, and revealed
   * PINs, go to the serviceUrl an activity names; without a token anyone could name any).
   */
  loopbackServiceUrlOnly: boolean;
  /** ALLOWED_TENANTS (lower case); undefined = any tenant (local development without the setting). */
  allowedTenants?: ReadonlySet<string> | undefined;
  /** Records a refused tenant (within a budget). */
  onTenantRefused?: ((refused: { senderId: string; tenantId: string; requestId: string }) => Promise<void>) | undefined;
  /** Longest wait for the token check (fetching token metadata included). */
  authenticationTimeoutMs?: number;
}

/** What a name in an activity may be; longer names are cut (display names are at most 256 in Entra ID). */
const MAX_NAME = 256;
/** Largest `from`, `recipient` or `conversation` object (JSON): they are stored in conversation references. */
const MAX_PARTY_BYTES = 2048;
const MAX_TEXT_FIELDS: Record<string, number> = { id: 256, channelId: 64, locale: 32, serviceUrl: 2048 };

export function messagesEndpoint(options: MessagesEndpointOptions): MessagesEndpoint {
  const { adapter, bot, log, refusals } = options;
  const authenticationTimeoutMs = options.authenticationTimeoutMs ?? 10_000;

  return async (req, res) => {
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
      refusals.warn('activity', { reason: 'not an activity' }, 'activity refused');
      res.send(400, { error: 'The body must be a Bot Framework activity: a JSON object with a "type".' });
      return;
    }
    const activity = body as Activity & Record<string, unknown>;
    const unbounded = boundActivity(activity);
    if (unbounded) {
      refusals.warn('activity', { field: unbounded }, 'activity refused: a field is too long');
      res.send(400, { error: `${unbounded}: too long`, field: unbounded });
      return;
    }
    if (options.loopbackServiceUrlOnly && activity.serviceUrl !== undefined && !(typeof activity.serviceUrl === 'string' && isLoopbackUrl(activity.serviceUrl))) {
      refusals.warn('service-url', { serviceUrl: String(activity.serviceUrl).slice(0, 100) }, 'activity naming a serviceUrl off this machine refused (local development)');
      res.send(403, { error: 'Without credentials PinDesk only answers a serviceUrl on this machine (http://localhost:PORT).' });
      return;
    }
    fixTimestamps(activity);

    let authenticated: Authenticated;
    try {
      const header = req.headers.authorization;
      authenticated = await withDeadline(adapter.authenticate(activity, typeof header === 'string' ? header : ''), authenticationTimeoutMs);
    } catch (err) {
      const unavailable = isMetadataUnavailable(err);
      // The reason, never the token (library messages do not carry it; the header is not logged).
      refusals.warn(unavailable ? 'token-metadata' : 'bad-token', { reason: reasonOf(err), channelId: String(activity.channelId).slice(0, 64) }, unavailable ? 'cannot check tokens: metadata unreachable' : 'token refused');
      if (unavailable) {
        res.header('Retry-After', '30');
        res.send(503, { error: 'Cannot check the request\'s token right now (the token signing keys cannot be fetched).' });
      } else {
        res.header('WWW-Authenticate', 'Bearer');
        res.send(401, { error: 'Unauthorized.' });
      }
      return;
    }

    if (options.allowedTenants) {
      const refusedTenant = tenantRefused(activity, options.allowedTenants);
      if (refusedTenant !== undefined) {
        const senderId = typeof activity.from?.id === 'string' && activity.from.id ? activity.from.id : 'unknown';
        refusals.warn('tenant', { tenantId: refusedTenant.slice(0, 64), channelId: String(activity.channelId).slice(0, 64) }, 'activity from a tenant not in ALLOWED_TENANTS refused');
        await options.onTenantRefused?.({ senderId, tenantId: refusedTenant, requestId: typeof activity.id === 'string' && activity.id ? activity.id : `tenant-${Date.now()}` }).catch((err: unknown) => log.warn({ err }, 'could not audit a refused tenant'));
        res.send(403, { error: 'This tenant is not allowed to use PinDesk.' });
        return;
      }
    }

    try {
      const invokeResponse = await adapter.runAuthenticated(authenticated, activity, (context) => bot.run(context));
      if (res.headersSent) return;
      if (invokeResponse?.body !== undefined) res.send(invokeResponse.status ?? 200, invokeResponse.body);
      else res.send(invokeResponse?.status ?? 200);
    } catch (err) {
      log.error({ err, channelId: String(activity.channelId).slice(0, 64), activityType: String(activity.type).slice(0, 32) }, 'activity failed');
      if (!res.headersSent) res.send(500, { error: 'The activity could not be processed.' });
    }
  };
}

/**
 * Cuts display names to MAX_NAME; returns the first field that is too long to keep (ids, URLs,
 * whole parties), if any. These fields end up in stored conversation references and audit records.
 */
function boundActivity(activity: Record<string, unknown>): string | undefined {
  for (const [field, max] of Object.entries(MAX_TEXT_FIELDS)) {
    const value = activity[field];
    if (value !== undefined && (typeof value !== 'string' || value.length > max)) return field;
  }
  for (const field of ['from', 'recipient', 'conversation'] as const) {
    const party = activity[field];
    if (party === undefined || party === null) continue;
    if (typeof party !== 'object' || Array.isArray(party)) return field;
    const named = party as Record<string, unknown>;
    if (typeof named.name === 'string' && named.name.length > MAX_NAME) named.name = `${named.name.slice(0, MAX_NAME - 1)}…`;
    if (Buffer.byteLength(JSON.stringify(party)) > MAX_PARTY_BYTES) return field;
  }
  return undefined;
}

/** As botbuilder's validateAndFixActivity: ISO timestamps become Dates (the raw text kept). */
function fixTimestamps(activity: Record<string, unknown>): void {
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    if (typeof activity[field] === 'string') {
      activity[raw] = activity[field];
      activity[field] = new Date(activity[field]);
    }
  }
}

/** The tenant that is not allowed, if any: every tenant id the activity names must be listed; Teams must name one. */
function tenantRefused(activity: Activity, allowed: ReadonlySet<string>): string | undefined {
  const named = [(activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id, (activity.conversation as { tenantId?: unknown } | undefined)?.tenantId].filter(
    (id) => id !== undefined && id !== null,
  );
  if (named.length === 0) return activity.channelId === 'msteams' ? '(none)' : undefined;
  return named.map((id) => String(id)).find((id) => !allowed.has(id.trim().toLowerCase()));
}

/** The token could not be checked because its signing keys could not be fetched (not the caller's fault). */
function isMetadataUnavailable(err: unknown): boolean {
  if (err instanceof DeadlineError) return true;
  const { name, statusCode, message } = err as { name?: unknown; statusCode?: unknown; message?: unknown };
  if (name === 'FetchError') return true;
  return statusCode === 500 && typeof message === 'string' && /^Failed to load/.test(message);
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  return `${err.name}: ${err.message}`.replace(/eyJ[\w-]*\.[\w-]*\.?[\w-]*/g, '[token]').slice(0, 160);
}

class DeadlineError extends Error {}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
