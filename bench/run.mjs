// `npm run bench`: PinDesk against the floor — a bare botbuilder echo bot on the same stack, with
// the same fake connector and load generator, in the same run — then how cost grows with the
// directory (1 000 / 10 000 / 100 000 users; file and, where slapd is installed, LDAP), and a
// 20 000-turn soak for leaks. The chat scenarios run again on PostgreSQL (a throwaway cluster), on
// one instance and on two behind the load generator (round-robin). `--core` runs only the floor and
// the chat scenarios on both stores. Prints one table and writes the same as JSON under bench/results/.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDirectory, syntheticUser } from './generate-directory.mjs';
import { load, processStats, startConnector, startServer, summarize } from './harness.mjs';
import { benchSfb, renderSfb } from './sfb-worker.mjs';
import { benchPostgres, TARGET_SCENARIOS } from './postgres-bench.mjs';
import { startSlapdWith } from './slapd.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const DEMO = path.join(root, 'demo', 'directory.json');
const QUICK = process.argv.includes('--quick');
// --core: the floor, the chat scenarios on SQLite and PostgreSQL, two instances; no soak, sizes or sfb.
const CORE = process.argv.includes('--core');
// Warm-up matters: V8 needs a few thousand turns before either bot reaches steady speed, and both
// get the same.
const N = { c1: QUICK ? 200 : 800, c32: QUICK ? 1000 : 4000, warm: QUICK ? 300 : 2000, sizes: QUICK ? 200 : 600, soak: QUICK ? 4000 : 20000 };
const VERIFY_KEY = 'bench-verify-key-0123456789abcdef';
const KNOWN_PIN = '48261739';
// Other work on the machine skews every row: the report says how busy it was when the run began.
const loadBefore = loadavg().map((l) => l.toFixed(2)).join(', ');
const work = mkdtempSync(path.join(tmpdir(), 'pindesk-bench-'));
const rows = [];
const notes = [];

const connector = await startConnector();
const message = (from, text, i) => ({
  type: 'message',
  id: `m${i}`,
  channelId: 'emulator',
  serviceUrl: connector.url,
  from: { id: from },
  recipient: { id: 'bot' },
  conversation: { id: `emulator-${from}` },
  text,
});
const reveal = (ref, i) => ({
  type: 'invoke',
  name: 'adaptiveCard/action',
  id: `i${i}`,
  channelId: 'emulator',
  serviceUrl: connector.url,
  from: { id: 'pilar' },
  recipient: { id: 'bot' },
  conversation: { id: 'emulator-pilar' },
  value: { action: { type: 'Action.Execute', verb: 'pin.reveal', data: { verb: 'pin.reveal', ref } } },
});
const user = (i, size) => syntheticUser(i % Math.max(1, size - 20));

/** One row: `server` may be several instances (round-robin; CPU summed, the largest peak RSS). */
async function measure(server, row, { count, concurrency, body, path: route = '/api/messages', headers }) {
  const servers = [server].flat();
  const stats = () => servers.map((s) => processStats(s.pid)).reduce((a, b) => ({ cpuMs: a.cpuMs + b.cpuMs, peakRssMb: Math.max(a.peakRssMb, b.peakRssMb) }));
  const before = stats();
  const { latencies, seconds } = await load({ url: servers.map((s) => `${s.url}${route}`), count, concurrency, body, headers });
  const after = stats();
  const result = { ...row, concurrency, requests: count, ...summarize(latencies, seconds), cpuMsPerRequest: (after.cpuMs - before.cpuMs) / count, peakRssMb: after.peakRssMb };
  rows.push(result);
  console.error(`  ${row.target} ${row.scenario} c${concurrency}: p50 ${result.p50.toFixed(2)} ms, ${result.rps.toFixed(0)} req/s`);
  return result;
}

async function pindesk(env) {
  // No verify rate limits: the benchmark measures what a request costs, not the limits.
  const unlimited = '1000000/1m';
  return startServer(path.join(here, 'pindesk-server.mjs'), {
    DATA_DIR: mkdtempSync(path.join(work, 'data-')),
    VERIFY_API_KEYS: VERIFY_KEY,
    VERIFY_RATE_PER_KEY: unlimited,
    VERIFY_RATE_TOTAL: unlimited,
    VERIFY_RATE_PER_NUMBER: unlimited,
    ...env,
  });
}

function directoryFile(size) {
  const file = path.join(work, `directory-${size}.json`);
  if (!existsSync(file)) generateDirectory(DEMO, size, file);
  return file;
}

// ---- 1. the floor ---------------------------------------------------------------------------
console.error('echo bot (the floor)');
const echo = await startServer(path.join(here, 'echo-bot.mjs'));
const echoBody = (i) => message('pilar', `hello ${i}`, i);
await load({ url: `${echo.url}/api/messages`, count: N.warm, concurrency: 32, body: echoBody });
const floor = {
  c1: await measure(echo, { target: 'echo bot', scenario: 'echo' }, { count: N.c1, concurrency: 1, body: echoBody }),
  c32: await measure(echo, { target: 'echo bot', scenario: 'echo' }, { count: N.c32, concurrency: 32, body: echoBody }),
};
await echo.stop();

// ---- 2. PinDesk, each scenario at concurrency 1 and 32 ---------------------------------------
const SIZE = 1000;
console.error(`PinDesk (embedded default, ${SIZE} users)`);
const desk = await pindesk({ DIRECTORY_FILE: directoryFile(SIZE) });
const say = (text) => (i) => message('pilar', typeof text === 'function' ? text(i) : text, i);
// Known PINs for the verify scenarios (300 users, so wrong PINs stay under every local limit).
await load({ url: `${desk.url}/api/messages`, count: 300, concurrency: 4, body: say((i) => `set pin ${user(i, SIZE).sam} ${KNOWN_PIN}`) });
const scenarios = [
  ['pin status', { body: say((i) => `pin status ${user(i, SIZE).sam}`) }],
  ['set pin', { body: say((i) => `set pin ${user(i + 300, SIZE).sam}`) }],
  ['reveal', { body: (i) => reveal(connector.state.revealRefs[i % connector.state.revealRefs.length], i) }],
  ['find user', { body: say((i) => `find user Bench000${i % 9}`) }],
  ['verify (right PIN)', { route: '/api/pins/verify', body: (i) => ({ line: user(i % 300, SIZE).line, pin: KNOWN_PIN }) }],
  ['verify (wrong PIN)', { route: '/api/pins/verify', body: (i) => ({ line: user(i % 300, SIZE).line, pin: '11223399' }) }],
];
const headers = { authorization: `Bearer ${VERIFY_KEY}` };
const deskRows = {};
for (const [scenario, { body, route }] of scenarios) {
  const opts = { body, path: route, headers: route ? headers : undefined };
  await load({ url: `${desk.url}${route ?? '/api/messages'}`, count: N.warm, concurrency: 32, body, headers: opts.headers });
  deskRows[scenario] = {
    c1: await measure(desk, { target: 'PinDesk', scenario }, { ...opts, count: N.c1, concurrency: 1 }),
    c32: await measure(desk, { target: 'PinDesk', scenario }, { ...opts, count: N.c32, concurrency: 32 }),
  };
}

// ---- 3. no leak: 20 000 turns ----------------------------------------------------------------
const half = N.soak / 2;
let rssFirst;
let rssSecond;
if (!CORE) {
  console.error(`soak: ${N.soak} turns`);
  await load({ url: `${desk.url}/api/messages`, count: half, concurrency: 32, body: say((i) => `pin status ${user(i, SIZE).sam}`) });
  rssFirst = processStats(desk.pid).rssMb;
  await load({ url: `${desk.url}/api/messages`, count: half, concurrency: 32, body: say((i) => `pin status ${user(i, SIZE).sam}`) });
  rssSecond = processStats(desk.pid).rssMb;
}
await desk.stop();

// ---- 3b. the same chat scenarios on PostgreSQL: one instance, then two round-robin ---------------
const pgRows = await benchPostgres({
  scenarios: scenarios.filter(([name]) => TARGET_SCENARIOS.includes(name)).map(([name, { body }]) => [name, body]),
  measure,
  pindesk,
  directory: directoryFile(SIZE),
  N,
  notes,
});

// ---- 4. how cost grows with the directory ----------------------------------------------------
const growth = [];
const sizes = CORE ? [] : [1000, 10000, 100000];
for (const size of sizes) {
  console.error(`directory file with ${size} users`);
  const server = await pindesk({ DIRECTORY_FILE: directoryFile(size) });
  growth.push(...(await sizeScenarios(server, 'file', size)));
  await server.stop();
}
if (CORE) {
  notes.push('--core: the soak, the directory sizes and the Skype for Business worker were not measured.');
} else if (existsSync('/usr/sbin/slapd') && existsSync('/usr/sbin/slapadd')) {
  for (const size of sizes) {
    console.error(`OpenLDAP (slapd) with ${size} users`);
    const ldap = await startSlapdWith(work, directoryFile(size));
    const server = await pindesk(ldap.env);
    growth.push(...(await sizeScenarios(server, 'ldap', size)));
    await server.stop();
    await ldap.stop();
  }
} else {
  notes.push('slapd is not installed: LDAP directory sizes were not measured.');
}

async function sizeScenarios(server, kind, size) {
  const find = say((i) => `find user Bench000${i % 9}`);
  const set = say((i) => `set pin ${user(i * 7 + 1, size).sam}`);
  await load({ url: `${server.url}/api/messages`, count: N.warm / 2, concurrency: 4, body: find });
  await load({ url: `${server.url}/api/messages`, count: N.warm / 2, concurrency: 4, body: set });
  return [
    { directory: kind, users: size, scenario: 'find user', ...(await measure(server, { target: `PinDesk ${kind} ${size}`, scenario: 'find user' }, { count: N.sizes, concurrency: 1, body: find })) },
    { directory: kind, users: size, scenario: 'set pin', ...(await measure(server, { target: `PinDesk ${kind} ${size}`, scenario: 'set pin' }, { count: N.sizes, concurrency: 1, body: set })) },
  ];
}

// ---- 5. through the Skype for Business worker (real pwsh, fake module) -------------------------
const sfb = CORE ? { notes: [] } : await benchSfb({ connector, message, quick: QUICK });
const sfbReport = CORE ? { lines: [], targets: [] } : renderSfb(sfb);

// ---- report ----------------------------------------------------------------------------------
await connector.close();
rmSync(work, { recursive: true, force: true });

const fmt = (n, d = 2) => (n === undefined ? '' : n.toFixed(d));
const ratio = (row) => {
  const base = row.concurrency === 1 ? floor.c1 : floor.c32;
  return { latency: row.p50 / base.p50, throughput: row.rps / base.rps };
};
const table = [['scenario', 'c', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'CPU ms/req', 'peak RSS MB', 'p50 ÷ echo', 'req/s ÷ echo']];
const label = { 'echo bot': () => 'echo bot (floor)', PinDesk: (r) => r.scenario, 'PinDesk PostgreSQL': (r) => `${r.scenario} (PostgreSQL)`, 'PinDesk PostgreSQL × 2': (r) => `${r.scenario} (PostgreSQL, 2 instances)` };
for (const row of rows.filter((r) => label[r.target])) {
  const r = row.target !== 'echo bot' ? ratio(row) : undefined;
  table.push([label[row.target](row), String(row.concurrency), fmt(row.p50), fmt(row.p95), fmt(row.p99), fmt(row.rps, 0), fmt(row.cpuMsPerRequest), fmt(row.peakRssMb, 0), r ? fmt(r.latency) : '1.00', r ? fmt(r.throughput) : '1.00']);
}
const growthTable = [['directory', 'users', 'scenario', 'p50 ms', 'p95 ms', 'req/s']];
for (const g of growth) growthTable.push([g.directory, String(g.users), g.scenario, fmt(g.p50), fmt(g.p95), fmt(g.rps, 0)]);

const p95 = (kind, users, scenario) => growth.find((g) => g.directory === kind && g.users === users && g.scenario === scenario)?.p95;
// One transaction per use case (issue 14): each chat scenario against the floor of the same run.
const useCaseTargets = TARGET_SCENARIOS.flatMap((scenario) => {
  const { p50, rps } = deskRows[scenario].c32;
  return [
    target(`${scenario} median latency ≤ 1.5 × echo (c32; ${fmt(p50)} vs ${fmt(floor.c32.p50)} ms)`, p50 / floor.c32.p50, (v) => v <= 1.5, '×'),
    target(`${scenario} throughput ≥ 0.6 × echo (c32; ${fmt(rps, 0)} vs ${fmt(floor.c32.rps, 0)} req/s)`, rps / floor.c32.rps, (v) => v >= 0.6, '×'),
  ];
});
// PostgreSQL is reported beside them, not held to them: the two-instance row shows what a second instance adds.
const pgLines = !pgRows
  ? []
  : [
      'PostgreSQL (c32; a throwaway local cluster with fsync off, on the same 2 cores as everything else):',
      ...TARGET_SCENARIOS.map((scenario) => {
        const one = pgRows.single[scenario].c32;
        const two = pgRows.pair[scenario];
        return `- ${scenario}: one instance p50 ${fmt(one.p50)} ms (${fmt(one.p50 / floor.c32.p50)} × echo), ${fmt(one.rps, 0)} req/s (${fmt(one.rps / floor.c32.rps)} × echo); two instances round-robin ${fmt(two.rps, 0)} req/s combined (${fmt(two.rps / one.rps)} × one instance), p50 ${fmt(two.p50)} ms`;
      }),
    ];
const targets = [
  ...useCaseTargets,
  target('verify throughput ≥ echo turn throughput (c32)', Math.min(deskRows['verify (right PIN)'].c32.rps, deskRows['verify (wrong PIN)'].c32.rps) / floor.c32.rps, (v) => v >= 1, '×'),
  ...(CORE ? [] : [target('find user p95 at 100 000 ≤ 2 × p95 at 1 000 (file)', p95('file', 100000, 'find user') / p95('file', 1000, 'find user'), (v) => v <= 2, '×')]),
  ...(growth.some((g) => g.directory === 'ldap')
    ? [target('find user p95 at 100 000 ≤ 2 × p95 at 1 000 (LDAP)', p95('ldap', 100000, 'find user') / p95('ldap', 1000, 'find user'), (v) => v <= 2, '×')]
    : []),
  ...(CORE ? [] : [target(`RSS growth between the two ${half}-turn halves < 5 %`, ((rssSecond - rssFirst) / rssFirst) * 100, (v) => v < 5, '%')]),
  ...sfbReport.targets,
];

function target(name, value, ok, unit) {
  return { name, value, met: ok(value), unit };
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const render = (t) => {
  const widths = t[0].map((_, c) => Math.max(...t.map((r) => r[c].length)));
  return t.map((r, i) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |${i === 0 ? `\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|` : ''}`).join('\n');
};
const report = [
  `PinDesk benchmark — ${new Date().toISOString()} — ${machine}${QUICK ? ' (quick run)' : ''}${CORE ? ' (core only)' : ''}; load average before: ${loadBefore}`,
  '',
  render(table),
  '',
  ...pgLines,
  '',
  ...(CORE
    ? []
    : ['How cost grows with the directory (concurrency 1):', '', render(growthTable), '', `RSS after the first ${half} turns: ${fmt(rssFirst, 1)} MB; after the second: ${fmt(rssSecond, 1)} MB.`, '']),
  ...sfbReport.lines,
  '',
  'Targets:',
  ...targets.map((t) => `- ${t.met ? 'met' : 'MISSED'}: ${t.name} — ${fmt(t.value)}${{ '%': ' %', ms: ' ms' }[t.unit] ?? ' ×'}`),
  ...notes.map((n) => `- note: ${n}`),
].join('\n');
console.log(report);
const resultsDir = path.join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, quick: QUICK, core: CORE, loadBefore, rows, growth, rss: { first: rssFirst, second: rssSecond }, sfb, targets, notes: [...notes, ...sfb.notes] }, null, 2));
console.log(`\nJSON: ${path.relative(root, file)}`);
