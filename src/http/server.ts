// HTTP: the Bot Framework endpoint and health probes, on restify (what the Bot Framework samples use).
// The endpoint's handler comes from chat/messages-endpoint.ts: this file does not import botbuilder.
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import restify from 'restify';

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

export interface HttpOptions {
  /** POST /api/messages: the Bot Framework endpoint (chat/messages-endpoint.ts). */
  messages: (req: restify.Request, res: restify.Response) => Promise<void>;
  log: Logger;
  ready: () => Promise<void>;
  port: number;
  host: string;
  /** More routes (the verify API), registered after the parsers. */
  routes?: (server: restify.Server) => void;
}

/** Larger than any real activity (a card submit is a few KB), small enough to refuse floods early. */
const MAX_BODY_BYTES = 256 * 1024;

export async function createHttpServer(options: HttpOptions): Promise<HttpServer> {
  const { log } = options;
  const server = restify.createServer({ name: 'PinDesk', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: MAX_BODY_BYTES, rejectUnknown: false }));

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
