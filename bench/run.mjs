// `npm run bench`: PinDesk against the floor — a bare botbuilder echo bot on the same stack, with
// the same fake connector and load generator, in the same run — then how cost grows with the
// directory (1 000 / 10 000 / 100 000 users; file and, where slapd is installed, LDAP), and a
// 20 000-turn soak for leaks. Prints one table and writes the same as JSON under bench/results/.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSlapdConfig } from '../scripts/slapd-config.mjs';
import { generateDirectory, syntheticUser } from './generate-directory.mjs';
import { load, processStats, startConnector, startServer, summarize } from './harness.mjs';
import { benchSfb, renderSfb } from './sfb-worker.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const DEMO = path.join(root, 'demo', 'directory.json');
const QUICK = process.argv.includes('--quick');
// Warm-up matters: V8 needs a few thousand turns before either bot reaches steady speed, and both
// get the same.
const N = { c1: QUICK ? 200 : 800, c32: QUICK ? 1000 : 4000, warm: QUICK ? 300 : 2000, sizes: QUICK ? 200 : 600, soak: QUICK ? 4000 : 20000 };
const VERIFY_KEY = 'bench-verify-key-0123456789abcdef';
const KNOWN_PIN = '48261739';
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

async function measure(server, row, { count, concurrency, body, path: route = '/api/messages', headers }) {
  const before = processStats(server.pid);
  const { latencies, seconds } = await load({ url: `${server.url}${route}`, count, concurrency, body, headers });
  const after = processStats(server.pid);
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
console.error(`soak: ${N.soak} turns`);
const half = N.soak / 2;
await load({ url: `${desk.url}/api/messages`, count: half, concurrency: 32, body: say((i) => `pin status ${user(i, SIZE).sam}`) });
const rssFirst = processStats(desk.pid).rssMb;
await load({ url: `${desk.url}/api/messages`, count: half, concurrency: 32, body: say((i) => `pin status ${user(i, SIZE).sam}`) });
const rssSecond = processStats(desk.pid).rssMb;
await desk.stop();

// ---- 4. how cost grows with the directory ----------------------------------------------------
const growth = [];
const sizes = [1000, 10000, 100000];
for (const size of sizes) {
  console.error(`directory file with ${size} users`);
  const server = await pindesk({ DIRECTORY_FILE: directoryFile(size) });
  growth.push(...(await sizeScenarios(server, 'file', size)));
  await server.stop();
}
if (existsSync('/usr/sbin/slapd') && existsSync('/usr/sbin/slapadd')) {
  for (const size of sizes) {
    console.error(`OpenLDAP (slapd) with ${size} users`);
    const ldap = await startSlapdWith(size);
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

async function startSlapdWith(size) {
  const dir = mkdtempSync(path.join(work, 'slapd-'));
  mkdirSync(path.join(dir, 'db'));
  const baseDn = 'dc=contoso,dc=com';
  const bindDn = `cn=admin,${baseDn}`;
  const password = 'bench-secret';
  const conf = writeSlapdConfig({ dir, baseDn, bindDn, password });
  const directory = JSON.parse(readFileSync(directoryFile(size), 'utf8'));
  const lines = [`dn: ${baseDn}`, 'objectClass: dcObject', 'objectClass: organization', 'o: Contoso', 'dc: contoso', '', `dn: ou=Users,${baseDn}`, 'objectClass: organizationalUnit', 'ou: Users', '', `dn: ou=Groups,${baseDn}`, 'objectClass: organizationalUnit', 'ou: Groups', ''];
  const dnOf = new Map();
  for (const u of directory.users) {
    const dn = `uid=${u.sAMAccountName},ou=Users,${baseDn}`;
    dnOf.set(u.sAMAccountName.toLowerCase(), dn);
    lines.push(`dn: ${dn}`, 'objectClass: inetOrgPerson', 'objectClass: pinDeskUser', `uid: ${u.sAMAccountName}`, `cn: ${u.displayName}`, `sn: ${u.sn ?? u.displayName}`, `displayName: ${u.displayName}`);
    if (u.givenName) lines.push(`givenName: ${u.givenName}`);
    if (u.mail) lines.push(`mail: ${u.mail}`);
    lines.push(`sAMAccountName: ${u.sAMAccountName}`, `userPrincipalName: ${u.userPrincipalName}`, `msRTCSIP-UserEnabled: ${u['msRTCSIP-UserEnabled'] ? 'TRUE' : 'FALSE'}`);
    for (const a of ['msRTCSIP-PrimaryUserAddress', 'msRTCSIP-Line', 'msRTCSIP-PrimaryHomeServer']) if (u[a]) lines.push(`${a}: ${u[a]}`);
    lines.push('');
  }
  for (const g of directory.groups) dnOf.set(g.sAMAccountName.toLowerCase(), `cn=${g.sAMAccountName},ou=Groups,${baseDn}`);
  for (const g of directory.groups) {
    lines.push(`dn: cn=${g.sAMAccountName},ou=Groups,${baseDn}`, 'objectClass: groupOfNames', `cn: ${g.sAMAccountName}`, ...g.members.map((m) => `member: ${dnOf.get(m.toLowerCase())}`), '');
  }
  const ldif = path.join(dir, 'users.ldif');
  writeFileSync(ldif, lines.join('\n'));
  execFileSync('/usr/sbin/slapadd', ['-q', '-f', conf, '-l', ldif], { stdio: 'ignore' });
  const port = await freePort();
  const child = spawn('/usr/sbin/slapd', ['-f', conf, '-h', `ldap://127.0.0.1:${port}/`, '-d', '0'], { stdio: 'ignore' });
  for (let i = 0; i < 150 && !(await listening(port)); i++) await new Promise((r) => setTimeout(r, 100));
  const sites = path.join(dir, 'sites.json');
  writeFileSync(sites, JSON.stringify({ pools: directory.pools }));
  return {
    env: { DIRECTORY: 'ldap', LDAP_URL: `ldap://127.0.0.1:${port}`, LDAP_BIND_DN: bindDn, LDAP_BIND_PASSWORD: password, LDAP_BASE_DN: baseDn, LDAP_FLAVOR: 'openldap', LDAP_NETBIOS_DOMAIN: 'CONTOSO', LDAP_SITES_FILE: sites },
    stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))),
  };
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// ---- 5. through the Skype for Business worker (real pwsh, fake module) -------------------------
const sfb = await benchSfb({ connector, message, quick: QUICK });
const sfbReport = renderSfb(sfb);

// ---- report ----------------------------------------------------------------------------------
await connector.close();
rmSync(work, { recursive: true, force: true });

const fmt = (n, d = 2) => (n === undefined ? '' : n.toFixed(d));
const ratio = (row) => {
  const base = row.concurrency === 1 ? floor.c1 : floor.c32;
  return { latency: row.p50 / base.p50, throughput: row.rps / base.rps };
};
const table = [['scenario', 'c', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'CPU ms/req', 'peak RSS MB', 'p50 ÷ echo', 'req/s ÷ echo']];
for (const row of rows.filter((r) => r.target === 'echo bot' || r.target === 'PinDesk')) {
  const r = row.target === 'PinDesk' ? ratio(row) : undefined;
  table.push([`${row.target === 'echo bot' ? 'echo bot (floor)' : row.scenario}`, String(row.concurrency), fmt(row.p50), fmt(row.p95), fmt(row.p99), fmt(row.rps, 0), fmt(row.cpuMsPerRequest), fmt(row.peakRssMb, 0), r ? fmt(r.latency) : '1.00', r ? fmt(r.throughput) : '1.00']);
}
const growthTable = [['directory', 'users', 'scenario', 'p50 ms', 'p95 ms', 'req/s']];
for (const g of growth) growthTable.push([g.directory, String(g.users), g.scenario, fmt(g.p50), fmt(g.p95), fmt(g.rps, 0)]);

const p95 = (kind, users, scenario) => growth.find((g) => g.directory === kind && g.users === users && g.scenario === scenario)?.p95;
const targets = [
  target('pin status median latency ≤ 1.5 × echo (c32)', deskRows['pin status'].c32.p50 / floor.c32.p50, (v) => v <= 1.5, '×'),
  target('set pin median latency ≤ 1.5 × echo (c32)', deskRows['set pin'].c32.p50 / floor.c32.p50, (v) => v <= 1.5, '×'),
  target('pin status throughput ≥ 0.6 × echo (c32)', deskRows['pin status'].c32.rps / floor.c32.rps, (v) => v >= 0.6, '×'),
  target('set pin throughput ≥ 0.6 × echo (c32)', deskRows['set pin'].c32.rps / floor.c32.rps, (v) => v >= 0.6, '×'),
  target('verify throughput ≥ echo turn throughput (c32)', Math.min(deskRows['verify (right PIN)'].c32.rps, deskRows['verify (wrong PIN)'].c32.rps) / floor.c32.rps, (v) => v >= 1, '×'),
  target('find user p95 at 100 000 ≤ 2 × p95 at 1 000 (file)', p95('file', 100000, 'find user') / p95('file', 1000, 'find user'), (v) => v <= 2, '×'),
  ...(growth.some((g) => g.directory === 'ldap')
    ? [target('find user p95 at 100 000 ≤ 2 × p95 at 1 000 (LDAP)', p95('ldap', 100000, 'find user') / p95('ldap', 1000, 'find user'), (v) => v <= 2, '×')]
    : []),
  target(`RSS growth between the two ${half}-turn halves < 5 %`, ((rssSecond - rssFirst) / rssFirst) * 100, (v) => v < 5, '%'),
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
  `PinDesk benchmark — ${new Date().toISOString()} — ${machine}${QUICK ? ' (quick run)' : ''}`,
  '',
  render(table),
  '',
  'How cost grows with the directory (concurrency 1):',
  '',
  render(growthTable),
  '',
  `RSS after the first ${half} turns: ${fmt(rssFirst, 1)} MB; after the second: ${fmt(rssSecond, 1)} MB.`,
  '',
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
writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, quick: QUICK, rows, growth, rss: { first: rssFirst, second: rssSecond }, sfb, targets, notes: [...notes, ...sfb.notes] }, null, 2));
console.log(`\nJSON: ${path.relative(root, file)}`);
