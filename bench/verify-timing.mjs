// `npm run bench:verify-timing`: can a caller of the verify API tell a number with an account from
// one without by how long the answer takes? (Issue 12, item 10.) Starts the built PinDesk on its
// defaults (uniform answers), then sends wrong PINs for three kinds of number, interleaved so drift
// hits all alike: a user with a PIN, a user without one, and numbers nobody has. Prints the
// medians and fails (exit 1) when the unknown numbers' median is outside 0.8–1.25 × the known
// user's. A coarse check: the point is "no tell-tale step", not microseconds.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startConnector, startServer } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const KEY = 'bench-verify-key-0123456789abcdef';
const ROUNDS = Number(process.argv[2] ?? 800);
const WARM = 200;
const work = mkdtempSync(path.join(tmpdir(), 'pindesk-verify-timing-'));
const unlimited = '1000000/1m';

const connector = await startConnector();
const server = await startServer(path.join(here, 'pindesk-server.mjs'), {
  DATA_DIR: path.join(work, 'data'),
  VERIFY_API_KEYS: KEY,
  VERIFY_RATE_PER_KEY: unlimited,
  VERIFY_RATE_TOTAL: unlimited,
  VERIFY_RATE_PER_NUMBER: unlimited,
});
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(route, body, headers = {}) {
  const data = Buffer.from(JSON.stringify(body));
  const url = new URL(`${server.url}${route}`);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const say = (text, i) =>
  post('/api/messages', { type: 'message', id: `m${i}`, channelId: 'emulator', serviceUrl: connector.url, from: { id: 'anne' }, recipient: { id: 'bot' }, conversation: { id: 'emulator-anne' }, text });
const verify = (line) => post('/api/pins/verify', { line, pin: '11223399' }, { authorization: `Bearer ${KEY}` });

// Ken Myer: a PIN, and a policy lenient enough that 1 000 wrong PINs do not lock him (a lock
// would change what he costs, not what an unknown number costs).
let i = 0;
for (const text of ['new pin policy BenchLenient min 5 attempts 999', 'grant pin policy BenchLenient to Ken Myer', 'set pin kmyer 48261']) await say(text, i++);

const kinds = {
  'user with a PIN': () => '+14255550100',
  'user without a PIN': () => '+14255550101',
  'unknown number': (n) => `+1999555${String(n % 10000).padStart(4, '0')}`,
};
const times = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
for (let round = 0; round < WARM + ROUNDS; round++) {
  // A fresh order every round.
  const order = Object.keys(kinds).sort(() => Math.random() - 0.5);
  for (const kind of order) {
    const { status, body, ms } = await verify(kinds[kind](round));
    if (status !== 200 || body !== '{"result":"invalid"}') throw new Error(`${kind}: ${status} ${body}`);
    if (round >= WARM) times[kind].push(ms);
  }
}
await server.stop();
await connector.close();
agent.destroy();
rmSync(work, { recursive: true, force: true });

const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))];
const rows = Object.entries(times).map(([kind, ms]) => ({ kind, p50: quantile(ms, 0.5), p90: quantile(ms, 0.9) }));
const known = rows.find((r) => r.kind === 'user with a PIN');
console.log(`verify timing, ${ROUNDS} interleaved rounds (after ${WARM} warm-up), wrong PIN each time, uniform answers:`);
for (const r of rows) console.log(`  ${r.kind.padEnd(20)} p50 ${r.p50.toFixed(3)} ms   p90 ${r.p90.toFixed(3)} ms   p50 ratio to the user with a PIN ${(r.p50 / known.p50).toFixed(2)}`);
const ratio = rows.find((r) => r.kind === 'unknown number').p50 / known.p50;
const ok = ratio >= 0.8 && ratio <= 1.25;
console.log(`${ok ? 'PASS' : 'FAIL'}: unknown number / user with a PIN, median ${ratio.toFixed(2)} (must be 0.8–1.25)`);
process.exit(ok ? 0 : 1);
