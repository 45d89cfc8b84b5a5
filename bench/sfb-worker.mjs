// `set pin` and `pin status` through the Skype for Business worker (PIN_AUTHORITY=sfb, local
// transport, real pwsh running sfb/pindesk-worker.ps1 against the FAKE module in test/fixtures/sfb)
// next to the built-in authority, same directory, same users, concurrency 1; and the worker's cold
// start (spawn → ready, → first ping) and its bare round trips. Part of `npm run bench`; alone:
// `npm run bench:sfb`. Skips, saying so, when PowerShell is not installed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDirectory, syntheticUser } from './generate-directory.mjs';
import { load, startConnector, startServer, summarize } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const FAKE_MODULE = path.join(root, 'test', 'fixtures', 'sfb', 'SkypeForBusiness');
const WORKER_SCRIPT = path.join(root, 'sfb', 'pindesk-worker.ps1');
/** Users on the fake server (and the ones the scenarios act on). */
const USERS = 40;

export function findPwsh() {
  if (process.env.SFB_PWSH) return existsSync(process.env.SFB_PWSH) ? process.env.SFB_PWSH : undefined;
  const local = path.join(root, '.tools', 'pwsh', 'pwsh');
  if (existsSync(local)) return local;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir && existsSync(path.join(dir, 'pwsh'))) return path.join(dir, 'pwsh');
  return undefined;
}

const median = (values) => summarize(values, 1).p50;

/**
 * Runs the Skype for Business scenarios. `message(from, text, i)` builds a chat activity for the
 * shared connector. Returns { rows, coldStart, roundTrips, cmdlets, notes } (rows: one per authority and scenario).
 */
export async function benchSfb({ connector, message, quick = false, log = (line) => console.error(line) }) {
  const pwsh = findPwsh();
  if (!pwsh) {
    const note = 'SKIPPED the Skype for Business worker scenarios: PowerShell (pwsh) was not found (SFB_PWSH, .tools/pwsh/pwsh or PATH); .ci/run installs it.';
    log(`\n${'!'.repeat(100)}\n!!! ${note}\n${'!'.repeat(100)}\n`);
    return { rows: [], coldStart: undefined, roundTrips: undefined, notes: [note] };
  }
  const n = { c1: quick ? 100 : 300, warm: quick ? 40 : 100, cold: quick ? 3 : 5, trips: quick ? 200 : 500 };
  const work = mkdtempSync(path.join(tmpdir(), 'pindesk-bench-sfb-'));
  try {
    const directory = path.join(work, 'directory.json');
    const demo = generateDirectory(path.join(root, 'demo', 'directory.json'), 1000, directory);
    const fake = seedFakeServer(work, demo);
    const workerEnv = { SFB_FAKE_STATE: fake.state, SFB_FAKE_CALLS: fake.calls, SFB_MODULE: FAKE_MODULE };

    log('Skype for Business worker: cold start and round trips (fake module)');
    const { coldStart, roundTrips, cmdlets } = await workerTimings(pwsh, workerEnv, n);

    const sam = (i) => syntheticUser(i % USERS).sam;
    const scenarios = [
      ['pin status', (i) => message('pilar', `pin status ${sam(i)}`, i)],
      ['set pin', (i) => message('pilar', `set pin ${sam(i)}`, i)],
    ];
    const rows = [];
    for (const [authority, env] of [
      ['built-in', { PIN_AUTHORITY: 'builtin' }],
      ['Skype for Business worker', { PIN_AUTHORITY: 'sfb', SFB_PWSH: pwsh, SFB_MODULE: FAKE_MODULE, SFB_FAKE_STATE: fake.state, SFB_FAKE_CALLS: fake.calls }],
    ]) {
      log(`PinDesk with the ${authority} authority (${USERS} users acted on)`);
      const server = await startServer(path.join(here, 'pindesk-server.mjs'), { DATA_DIR: mkdtempSync(path.join(work, 'data-')), DIRECTORY_FILE: directory, ...env });
      try {
        await waitReady(server.url);
        for (const [scenario, body] of scenarios) {
          const url = `${server.url}/api/messages`;
          await load({ url, count: n.warm, concurrency: 1, body });
          const callsBefore = countLines(fake.calls);
          const { latencies, seconds } = await load({ url, count: n.c1, concurrency: 1, body });
          const calls = countLines(fake.calls) - callsBefore;
          const row = { target: `PinDesk (${authority})`, authority, scenario, concurrency: 1, requests: n.c1, ...summarize(latencies, seconds), serverCallsPerTurn: calls / n.c1 };
          rows.push(row);
          log(`  ${authority} ${scenario} c1: p50 ${row.p50.toFixed(2)} ms, p95 ${row.p95.toFixed(2)} ms`);
        }
      } finally {
        await server.stop();
      }
    }
    return { rows, coldStart, roundTrips, cmdlets, notes: [] };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The fake server's state: the seed's pools and Global policy, and the first USERS synthetic users. */
function seedFakeServer(work, demo) {
  const state = path.join(work, 'sfb-state.json');
  const calls = path.join(work, 'sfb-calls.jsonl');
  const pools = Object.values(demo.pools).map((site, i) => ({ Identity: `pool0${i + 1}.contoso.com`, Site: `Site:${site}` }));
  const users = Array.from({ length: USERS }, (_, i) => {
    const u = syntheticUser(i);
    return { SipAddress: `sip:${u.upn}`, DisplayName: u.display, Enabled: true, RegistrarPool: pools[i % pools.length].Identity, PinPolicy: null, PinSha256: null, LastPinChangeTime: null, IsLockedOut: false, FailedAttempts: 0 };
  });
  const policies = [{ Identity: 'Global', Description: null, MinPasswordLength: 5, PINHistoryCount: 0, PINLifetime: 0, AllowCommonPatterns: false, MaximumLogonAttempts: null }];
  writeFileSync(state, JSON.stringify({ users, pools, policies, faults: {} }, null, 2));
  writeFileSync(calls, '');
  return { state, calls };
}

/** Cold starts of the worker itself (dist/'s PowerShellWorker) and its bare round trips. */
async function workerTimings(pwsh, env, n) {
  const { PowerShellWorker, workerEnvironment } = await import('../dist/adapters/sfb/powershell-worker.js');
  const ready = [];
  const firstPing = [];
  const sip = `sip:${syntheticUser(0).upn}`;
  let roundTrips;
  for (let i = 0; i < n.cold; i++) {
    let readyMs;
    const worker = new PowerShellWorker({ pwsh, script: WORKER_SCRIPT, env: workerEnvironment(process.env, env), onEvent: (e) => e.type === 'started' && (readyMs = e.ms) });
    const t0 = performance.now();
    await worker.start();
    await worker.call('ping', {});
    firstPing.push(performance.now() - t0);
    ready.push(readyMs);
    if (i === n.cold - 1) {
      const time = async (op, args) => {
        const ms = [];
        for (let j = 0; j < n.trips; j++) {
          const t = performance.now();
          await worker.call(op, args);
          ms.push(performance.now() - t);
        }
        const s = summarize(ms, 1);
        return { p50: s.p50, p95: s.p95 };
      };
      roundTrips = { ping: await time('ping', {}), status: await time('status', { identity: sip }), set: await time('set', { identity: sip, pin: '80417' }) };
    }
    await worker.close();
  }
  // The same cmdlets in-process, without the worker: the fake's own time.
  const cmdlets = JSON.parse(execFileSync(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', path.join(here, 'sfb-cmdlet-time.ps1'), '-Identity', sip, '-Count', String(n.trips)], { env: workerEnvironment(process.env, env), encoding: 'utf8' }).trim());
  return { coldStart: { runs: n.cold, readyMs: median(ready), firstPingMs: median(firstPing) }, roundTrips, cmdlets };
}

async function waitReady(url) {
  for (let i = 0; i < 600; i++) {
    const response = await fetch(`${url}/readyz`).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}/readyz did not answer 200 within 60 s`);
}

function countLines(file) {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
}

/** The table and the target, as `npm run bench` prints them. */
export function renderSfb({ rows, coldStart, roundTrips, cmdlets, notes }, fmt = (v) => (v === undefined ? '' : v.toFixed(2))) {
  if (rows.length === 0) return { lines: notes.map((note) => `- note: ${note}`), targets: [] };
  const lines = ['Skype for Business worker (PIN_AUTHORITY=sfb, local transport, real pwsh, FAKE module), concurrency 1:', ''];
  const table = [['scenario', 'authority', 'p50 ms', 'p95 ms', 'server calls/turn', 'p50 − built-in']];
  const builtIn = (scenario) => rows.find((r) => r.authority === 'built-in' && r.scenario === scenario);
  for (const r of rows) table.push([r.scenario, r.authority, fmt(r.p50), fmt(r.p95), fmt(r.serverCallsPerTurn), r.authority === 'built-in' ? '' : `${fmt(r.p50 - builtIn(r.scenario).p50)} ms`]);
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  lines.push(...table.map((r, i) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |${i === 0 ? `\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|` : ''}`));
  lines.push('', `Worker cold start (median of ${coldStart.runs}): spawn → ready ${fmt(coldStart.readyMs)} ms, spawn → first ping answered ${fmt(coldStart.firstPingMs)} ms.`);
  lines.push('', 'Where a worker call goes (warm worker, p50 / p95 ms): the round trip from Node, and the same cmdlet in-process (the fake module alone):');
  lines.push(`- ping (no cmdlet): ${fmt(roundTrips.ping.p50)} / ${fmt(roundTrips.ping.p95)}`);
  for (const [op, cmdlet] of [['status', 'Get-CsClientPinInfo'], ['set', 'Set-CsClientPin']]) {
    lines.push(`- ${op}: round trip ${fmt(roundTrips[op].p50)} / ${fmt(roundTrips[op].p95)}; ${cmdlet} in-process ${fmt(cmdlets[op].p50)} / ${fmt(cmdlets[op].p95)}; the worker adds ≈ ${fmt(roundTrips[op].p50 - cmdlets[op].p50)} at p50`);
  }
  const targets = ['pin status', 'set pin'].map((scenario) => {
    const sfb = rows.find((r) => r.authority !== 'built-in' && r.scenario === scenario);
    const value = sfb.p50 - builtIn(scenario).p50;
    return { name: `${scenario} through the worker within 30 ms of the built-in authority's median (c1)`, value, met: value <= 30, unit: 'ms' };
  });
  return { lines, targets };
}

// Alone: `npm run bench:sfb` (after a build).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const connector = await startConnector();
  const message = (from, text, i) => ({ type: 'message', id: `m${i}`, channelId: 'emulator', serviceUrl: connector.url, from: { id: from }, recipient: { id: 'bot' }, conversation: { id: `emulator-${from}` }, text });
  const result = await benchSfb({ connector, message, quick: process.argv.includes('--quick') });
  await connector.close();
  const { lines, targets } = renderSfb(result);
  console.log([...lines, '', ...targets.map((t) => `- ${t.met ? 'met' : 'MISSED'}: ${t.name} — ${t.value.toFixed(2)} ms`)].join('\n'));
  const resultsDir = path.join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `bench-sfb-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), ...result, targets }, null, 2));
  console.log(`\nJSON: ${path.relative(root, file)}`);
}
