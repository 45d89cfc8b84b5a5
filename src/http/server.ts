// HTTP: the Bot Framework endpoint and health probes, on restify (what the Bot Framework samples use).
import type { AddressInfo } from 'node:net';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import restify from 'restify';

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

export interface HttpOptions {
  adapter: CloudAdapter;
  bot: { run(context: TurnContext): Promise<void> };
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
  const { adapter, bot, log } = options;
  const server = restify.createServer({ name: 'PinDesk', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: MAX_BODY_BYTES, rejectUnknown: false }));

  server.post('/api/messages', async (req, res) => {
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
      log.warn({ err }, 'not ready');
      res.send(503, { status: 'not ready', reason: err instanceof Error ? err.message.slice(0, 300) : 'unknown' });
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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
