// The composition root: configuration in, a running server out. Tests start the same thing.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { DestinationStream, Logger } from 'pino';
import { PinDeskBot } from './chat/bot.js';
import { PrivateDelivery } from './chat/conversation.js';
import { RequestMessenger } from './chat/request-messenger.js';
import type { Config } from './config.js';
import { openDesk, type OpenDeskOptions } from './open-desk.js';
import type { RandomInt } from './domain/pin-generator.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { registerVerifyApi } from './http/verify-api.js';
import { createLogger } from './logger.js';
import { errorMessage } from './cards/error-messages.js';

export interface AppOptions {
  clock?: () => Date;
  randomInt?: RandomInt;
  logDestination?: DestinationStream;
  /** Test seam only: wraps the store the desk uses (see OpenDeskOptions). */
  decorateStore?: OpenDeskOptions['decorateStore'];
}

export interface App {
  url: string;
  log: Logger;
  /** Expire what is due (reveal secrets, choices, requests) now, as the timer does. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/** How often expiry runs: sealed secrets, choices, requests (each click also checks the time). */
const SWEEP_INTERVAL_MS = 30_000;

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = createLogger(config.logLevel, options.logDestination);
  const clock = options.clock ?? (() => new Date());
  const { desk, verifier, store, directory, close: closeDesk } = await openDesk(config, log, { clock, randomInt: options.randomInt, decorateStore: options.decorateStore });

  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: config.app.id ?? '',
      MicrosoftAppPassword: config.app.password ?? '',
      MicrosoftAppType: config.app.type,
      MicrosoftAppTenantId: config.app.tenantId ?? '',
    }),
  );
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log.error({ err: error, channelId: context.activity.channelId, activityType: context.activity.type }, 'turn failed');
    if (context.activity.type === 'message') await context.sendActivity(errorMessage(error)).catch(() => undefined);
  };
  const requests = new RequestMessenger(adapter, config.app.id ?? '', desk, log);
  const bot = new PinDeskBot({
    desk,
    delivery: new PrivateDelivery(adapter, config.app.id ?? '', store.conversations),
    requests,
    callers: { trustedChannels: config.trustedChannels },
    log,
  });

  const http: HttpServer = await createHttpServer({
    adapter,
    bot,
    log,
    ready: async () => {
      await store.ping();
      await directory.ping();
    },
    port: config.port,
    host: config.host,
    routes: (server) => registerVerifyApi(server, { verifier, apiKeys: config.verify.apiKeys, log }),
  });
  // Say now, not at the first message, when the directory cannot be reached or refuses our bind.
  directory.ping().catch((err: unknown) => log.error({ err }, 'the directory is not answering; /readyz reports 503 until it does'));
  const sweep = async () => {
    await desk.sweep();
    await requests.sweep();
  };
  const sweeper = setInterval(() => sweep().catch((err: unknown) => log.warn({ err }, 'sweep failed')), SWEEP_INTERVAL_MS);
  sweeper.unref();
  log.info(
    { url: http.url, directory: describeDirectory(config), dataDir: config.dataDir, authenticated: config.production },
    'PinDesk is listening',
  );

  return {
    url: http.url,
    log,
    sweep,
    async close() {
      clearInterval(sweeper);
      await http.close();
      await closeDesk();
    },
  };
}

function describeDirectory(config: Config): string {
  if (config.directory.kind === 'ldap') return `${config.directory.ldap.flavor} at ${config.directory.ldap.urls.join(', ')}`;
  return config.directory.isDemo ? 'demo file' : config.directory.file;
}
