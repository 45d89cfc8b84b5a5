// HTTP: the Bot Framework endpoint and health probes, on restify (what the Bot Framework samples use).
// The endpoint's handler comes from chat/messages-endpoint.ts: this file does not import botbuilder.
// Bodies are read by ./body.ts (JSON only, bounded after decompression), not by restify's parsers.
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import restify from 'restify';
import type { RefusalLog } from '../logger.js';
import { readJsonBody, sendRefusal } from './body.js';
import { hostOfHostHeader, isLoopbackHost, isLoopbackUrl } from './loopback.js';

export interface HttpServer {
  /** Where a client on this machine reaches the server (0.0.0.0 becomes 127.0.0.1). */
  url: string;
  /** The address actually bound, as host:port (`0.0.0.0:3978` when listening on every interface). */
  address: string;
  close(): Promise<void>;
}

export interface HttpOptions {
  /** POST /api/messages: the Bot Framework endpoint (chat/messages-endpoint.ts). */
  messages: (req: restify.Request, res: restify.Response) => Promise<void>;
  log: Logger;
  refusals: RefusalLog;
  ready: () => Promise<void>;
  port: number;
  host: string;
  /**
   * Local development (no credentials): refuse requests a browser page could send from elsewhere —
   * an `Origin` that is not a loopback origin and, unless the network is explicitly allowed, a
   * `Host` that is not a loopback name (DNS rebinding).
   */
  localOnly?: { checkHost: boolean } | undefined;
  /** More routes (the verify API), registered after the parsers. */
  routes?: (server: restify.Server) => void;
}

/** Larger than any real activity (a card submit is a few KB), small enough to refuse floods early. */
export const MAX_BODY_BYTES = 256 * 1024;
/** A verify request is a phone number and a PIN. */
export const MAX_VERIFY_BODY_BYTES = 8 * 1024;

const BODY_LIMITS: Record<string, number> = { '/api/pins/verify': MAX_VERIFY_BODY_BYTES };
const METHODS_WITH_BODIES = new Set(['POST', 'PUT', 'PATCH']);

export async function createHttpServer(options: HttpOptions): Promise<HttpServer> {
  const { log, refusals } = options;
  const server = restify.createServer({ name: 'PinDesk', handleUncaughtExceptions: false });

  if (options.localOnly) {
    const { checkHost } = options.localOnly;
    server.use((req, res, next) => {
      const origin = req.headers.origin;
      if (origin !== undefined && !isLoopbackUrl(String(origin))) {
        refusals.warn('origin', { path: req.path(), origin: String(origin).slice(0, 100) }, 'request from a page on another site refused (local development)');
        res.send(403, { error: 'Without credentials PinDesk only answers pages on this machine.' });
        return next(false);
      }
      if (checkHost && !isLoopbackHost(hostOfHostHeader(String(req.headers.host ?? '')))) {
        refusals.warn('origin', { path: req.path(), host: String(req.headers.host ?? '').slice(0, 100) }, 'request for a non-loopback host name refused (local development)');
        res.send(403, { error: 'Without credentials PinDesk only answers requests for localhost.' });
        return next(false);
      }
      return next();
    });
  }

  server.use((req, res, next) => {
    if (!METHODS_WITH_BODIES.has(req.method ?? '')) return next();
    readJsonBody(req, { maxBytes: BODY_LIMITS[req.path()] ?? MAX_BODY_BYTES }).then(
      (read) => {
        if ('refusal' in read) {
          refusals.warn('body', { path: req.path(), status: read.refusal.status, reason: read.refusal.error }, 'request body refused');
          sendRefusal(res, read.refusal);
          return next(false);
        }
        req.body = read.value;
        return next();
      },
      (err: unknown) => {
        log.error({ err }, 'reading a request body failed');
        sendRefusal(res, { status: 400, error: 'The request body could not be read.', close: true });
        next(false);
      },
    );
  });

  server.post('/api/messages', async (req, res) => {
    await options.messages(req, res);
  });

  options.routes?.(server);

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req, res) => {
    try {
      await withTimeout(options.ready(), 2000);
      res.send(200, { status: 'ready' });
    } catch (err) {
      // Anyone can ask: they get a short reason code; what failed, and why, goes to the log.
      const reason = readinessReason(err);
      log.error({ err, reason }, 'not ready');
      res.send(503, { status: 'unavailable', reason });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`,
    address: `${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets would hold close() open until they time out.
        (server.server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}

/** The error's own short code (`store-disk-full`, `directory-bind-refused`, ...), never its message. */
function readinessReason(err: unknown): string {
  const reason = (err as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' && /^[a-z][a-z-]{0,40}$/.test(reason) ? reason : 'unavailable';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
