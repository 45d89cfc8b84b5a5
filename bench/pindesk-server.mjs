// PinDesk as the benchmark runs it: the built server on its embedded default (SQLite, a directory
// file — the demo one enlarged — or LDAP), reporting its address on stdout.
import { startApp } from '../dist/app.js';
import { loadConfig } from '../dist/config.js';

const app = await startApp(loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'warn' }));
console.log(JSON.stringify({ url: app.url }));
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
