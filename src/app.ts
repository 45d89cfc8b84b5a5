// The composition root: configuration in, a running server out. Tests start the same thing.
import { ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { DestinationStream, Logger } from 'pino';
import { boundStore, type Bounds } from './bounded-store.js';
import { AuthenticatedAdapter } from './chat/authenticated-adapter.js';
import { PinDeskBot } from './chat/bot.js';
import { RefusalWatch } from './chat/refusal-watch.js';
import { ChannelCards } from './chat/channel-cards.js';
import { BackgroundWork } from './chat/background.js';
import { CardCourier } from './chat/card-courier.js';
import { teamsInstallLink } from './chat/install-link.js';
import { SendDeadline } from './chat/send-deadline.js';
import { PrivateDelivery } from './chat/conversation.js';
import { messagesEndpoint } from './chat/messages-endpoint.js';
import { ProactiveTurns } from './chat/proactive-turns.js';
import { RequestMessenger } from './chat/request-messenger.js';
import { PACKAGE_ROOT, type Config } from './config.js';
import { openDesk } from './open-desk.js';
import { sweepSecrets } from './desk/sweep-secrets.js';
import type { Directory } from './ports/directory.js';
import type { Store } from './ports/store.js';
import type { RandomInt } from './domain/pin-generator.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { registerVerifyApi, VERIFY_NOT_APPLICABLE } from './http/verify-api.js';
import { createLogger, RefusalLog } from './logger.js';
import { checkStoreWritable } from './adapters/sql/open-store.js';
import { checkReadiness } from './readiness.js';
import { failureText } from './chat/render.js';
import { Periodic } from './periodic.js';

export interface AppOptions {
  clock?: () => Date;
  randomInt?: RandomInt;
  logDestination?: DestinationStream;
  /** Test seam: wraps the store the desk uses (race tests pause between a read and a write). */
  decorateStore?: ((store: Store) => Store) | undefined;
  /**
   * Test seam: where Bot Framework tokens are checked (OpenID metadata documents), instead of
   * Microsoft's public endpoints — a local fake in tests, so nothing but loopback is contacted.
   */
  tokenMetadata?: { channelOpenIdMetadataUrl: string; emulatorOpenIdMetadataUrl: string } | undefined;
}

export interface App {
  url: string;
  /** The address actually bound (host:port). */
  address: string;
  log: Logger;
  /**
   * What the timers do, now: expire what is due (reveal secrets, choices, requests), retry due PIN
   * cards, write the summaries of audit records left out by budgets, delete audit records past
   * AUDIT_RETENTION_DAYS and rate-limit counters past their window.
   */
  sweep(): Promise<void>;
  /** Resolves when the work turns left running (request redraws, late sends) has ended. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
/** Most audit records deleted by one sweep (every SWEEP_INTERVAL, 30 s by default). */
const AUDIT_PURGE_BATCH = 5_000;
/** Audit records of refused tenants: at most this many a minute, across instances (the rest are counted). */
const TENANT_REFUSALS = { key: 'budget:audit-tenant-refused', limit: 30, windowMs: 60_000 };

/** Microsoft's public-cloud settings, with the token metadata documents somewhere else (tests). */
function publicCloudWith(metadata: NonNullable<AppOptions['tokenMetadata']>): Record<string, string | boolean> {
  return {
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    OAuthUrl: 'https://api.botframework.com',
    ToBotFromChannelOpenIdMetadataUrl: metadata.channelOpenIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: metadata.emulatorOpenIdMetadataUrl,
    CallerId: 'urn:botframework:azure',
    ValidateAuthority: true,
  };
}

/** How often PIN cards and request notices waiting in their outboxes are tried again (each has its own backoff). */
const DELIVERY_INTERVAL_MS = 2_000;

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = createLogger(config.logLevel, options.logDestination);
  const clock = options.clock ?? (() => new Date());
  const refusals = new RefusalLog(log, { now: () => clock().getTime() });
  // Every value stored is bounded; unrecognised callers add rows only within budgets.
  let bounds: (Store & Bounds) | undefined;
  let senders: Directory | undefined;
  const decorateStore = (raw: Store): Store => {
    bounds = boundStore(raw, {
      clock,
      log,
      refusals,
      unrecognisedPerHour: config.unrecognisedCallersPerHour,
      isRecognisedSender: async (userId, channelId) => {
        // Teams assigns its ids, to members of an allowed tenant only; elsewhere the id names the account.
        if (channelId === 'msteams') return config.allowedTenants !== undefined;
        const account = { userPrincipalName: userId.includes('@') ? userId : undefined, samAccountName: userId };
        return (await senders?.findAccount(account)) !== undefined;
      },
    });
    return options.decorateStore ? options.decorateStore(bounds) : bounds;
  };
  const { desk, cards, outbox, requests: requestDelivery, verifier, intents, store, directory, fingerprint, authorityReady, close: closeDesk } = await openDesk(config, log, { clock, randomInt: options.randomInt, decorateStore });
  const boundedStore = bounds!;
  senders = directory;

  const adapter = new AuthenticatedAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: config.app.id ?? '',
      MicrosoftAppPassword: config.app.password ?? '',
      MicrosoftAppType: config.app.type,
      MicrosoftAppTenantId: config.app.tenantId ?? '',
      ...(options.tokenMetadata ? publicCloudWith(options.tokenMetadata) : {}),
    }),
  );
  adapter.use(new SendDeadline());
  adapter.use(new ChannelCards());
  adapter.use(new ProactiveTurns());
  adapter.use(new RefusalWatch(refusals));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log.error({ err: error, channelId: context.activity.channelId, activityType: context.activity.type }, 'turn failed');
    if (context.activity.type === 'message') await context.sendActivity(failureText(error)).catch(() => undefined);
  };
  const courier = new CardCourier(adapter, config.app.id ?? '', outbox, log, clock);
  const background = new BackgroundWork(log);
  const requests = new RequestMessenger(adapter, config.app.id ?? '', requestDelivery, cards, courier, log);
  const bot = new PinDeskBot({
    desk,
    cards,
    courier,
    background,
    delivery: new PrivateDelivery(adapter, config.app.id ?? '', boundedStore.conversations, teamsInstallLink(PACKAGE_ROOT)),
    requests,
    callers: { trustedChannels: config.trustedChannels },
    log,
  });

  const http: HttpServer = await createHttpServer({
    messages: messagesEndpoint({
      adapter,
      bot,
      log,
      refusals,
      loopbackServiceUrlOnly: !config.production && !config.unauthenticatedNetwork,
      allowedTenants: config.allowedTenants,
      onTenantRefused: async ({ senderId, tenantId, requestId }) => {
        await boundedStore.auditWithin(TENANT_REFUSALS, {
          at: clock(),
          actor: senderId,
          action: 'tenant-refused',
          target: `tenant:${tenantId}`,
          outcome: 'refused',
          reason: 'tenant-not-allowed',
          requestId,
        });
      },
    }),
    log,
    refusals,
    localOnly: config.production ? undefined : { checkHost: !config.unauthenticatedNetwork },
    // The store can write now, the directory answers, a Skype for Business worker is warm (with
    // PIN_AUTHORITY=sfb); a reason code otherwise (readiness.ts).
    ready: () => checkReadiness({ store: () => checkStoreWritable(config.database, store, config.dataDir, clock()), directory: () => directory.ping(), authority: authorityReady }),
    port: config.port,
    host: config.host,
    routes: (server) =>
      registerVerifyApi(server, {
        verifier,
        apiKeys: config.verify.apiKeys,
        log,
        refusals,
        rateLimits: store.rateLimits,
        rates: config.verify.rates,
        clock,
        fingerprint,
        // The server checks dial-in PINs itself: PinDesk holds none to check.
        notApplicable: config.authority.kind === 'sfb' ? VERIFY_NOT_APPLICABLE : undefined,
      }),
  });
  // Say now, not at the first message, when the directory cannot be reached or refuses our bind.
  directory.ping().catch((err: unknown) => log.error({ err }, 'the directory is not answering; /readyz reports 503 until it does'));
  const sweep = async () => {
    const now = clock();
    await sweepSecrets(store, now);
    await reconcileIntents();
    await requests.sweep();
    await courier.sweep();
    await boundedStore.flushSuppressed();
    // Audit retention (AUDIT_RETENTION_DAYS), in batches so a first sweep never holds the store long.
    await store.audit.purgeBefore(new Date(now.getTime() - config.auditRetentionDays * DAY_MS), AUDIT_PURGE_BATCH);
    await store.rateLimits.purgeStale(new Date(now.getTime() - DAY_MS));
  };
  // Remote PIN changes a crash left without a recorded outcome: checked now, and by every sweep.
  const reconcileIntents = async () => {
    const done = await intents.sweep();
    if (done.set + done.notSet + done.unanswered > 0) log.info(done, 'checked unfinished Skype for Business PIN changes with the server');
  };
  reconcileIntents().catch((err: unknown) => log.error({ err }, 'checking unfinished PIN changes failed'));
  // SWEEP_INTERVAL: how often expiry runs (sealed secrets, choices, requests; each click also checks the time).
  const sweeper = new Periodic(sweep, config.timers.sweepIntervalMs, (err) => log.error({ err }, 'sweep failed'));
  // The outboxes survive restarts: PIN cards and request notices not delivered before are tried again from here.
  const deliverer = new Periodic(
    async () => {
      await Promise.all([
        courier.sweep().catch((err: unknown) => log.error({ err }, 'PIN card delivery failed')),
        requests.retryDue().catch((err: unknown) => log.error({ err }, 'request notice delivery failed')),
      ]);
    },
    DELIVERY_INTERVAL_MS,
    (err) => log.error({ err }, 'delivery failed'),
  );
  const idle = async () => {
    await background.idle();
    await courier.settled();
  };
  log.info(
    { url: http.url, address: http.address, directory: describeDirectory(config), dataDir: config.dataDir, store: config.database.kind === 'postgres' ? `PostgreSQL ${config.database.target}` : 'SQLite', authenticated: config.production },
    `PinDesk is listening on ${http.address}`,
  );
  if (config.unauthenticatedNetwork) {
    log.warn(
      { address: http.address, setting: 'ALLOW_UNAUTHENTICATED_NETWORK' },
      `ALLOW_UNAUTHENTICATED_NETWORK=true: PinDesk has no credentials and listens on ${http.address}; anyone who can reach it can act as anyone, set PINs and read them`,
    );
  }

  return {
    url: http.url,
    address: http.address,
    log,
    sweep,
    idle,
    async close() {
      await Promise.all([sweeper.stop(), deliverer.stop()]);
      await idle();
      courier.stop();
      await http.close();
      await closeDesk();
    },
  };
}

function describeDirectory(config: Config): string {
  if (config.directory.kind === 'ldap') return `${config.directory.ldap.flavor} at ${config.directory.ldap.urls.join(', ')}`;
  return config.directory.isDemo ? 'demo file' : config.directory.file;
}
