// `npm start`: PinDesk on its configuration (the embedded default when nothing is set).
import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { StartupError } from './startup-error.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`PinDesk cannot start: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const app = await startApp(config);
  if (!config.production) {
    const reach = config.unauthenticatedNetwork ? 'NOT loopback only (ALLOW_UNAUTHENTICATED_NETWORK=true)' : 'loopback only';
    app.log.info(`Local development mode: no credentials, listening on ${app.address}, ${reach}. Point the Bot Framework Emulator at ${app.url}/api/messages`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  // Something the operator must fix (a path, a damaged file, a key that does not match the data):
  // said with what and where, exit 2 like a bad setting.
  if (error instanceof StartupError || error instanceof ConfigError) {
    console.error(`PinDesk cannot start: ${error.message}`);
    process.exit(2);
  }
  console.error(`PinDesk failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
