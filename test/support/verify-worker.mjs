// One of several processes making dial-in logon attempts on the same DATA_DIR at once, through the
// built desk (dist/, as `pindesk verify` does). It opens the desk, says "ready", waits for "go" on
// stdin (so every process starts together), makes COUNT attempts back to back, and prints what it
// got as one JSON line. Run by test/e2e/verify-processes.test.ts; needs `npm run build`. The store is
// PostgreSQL when DATABASE_URL is set in its environment.
//   node test/support/verify-worker.mjs <dataDir> <line> <pin> <count>
import { pino } from 'pino';
import { loadConfig } from '../../dist/config.js';
import { openDesk } from '../../dist/open-desk.js';

const [dataDir, line, pin, countText] = process.argv.slice(2);
const count = Number(countText);
const { verifier, close } = await openDesk(loadConfig({ DATA_DIR: dataDir, ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}) }), pino({ level: 'silent' }));
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const results = {};
const errors = [];
for (let i = 0; i < count; i++) {
  try {
    const result = await verifier.verify({ line }, pin, `worker-${process.pid}`);
    results[result] = (results[result] ?? 0) + 1;
  } catch (error) {
    errors.push(String(error?.cause?.code ?? error?.code ?? error?.message ?? error));
  }
}
await close();
process.stdout.write(`${JSON.stringify({ results, errors })}\n`);
process.exit(0);
