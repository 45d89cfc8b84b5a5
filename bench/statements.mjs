// `npm run bench:statements`: how many SQL statements, and how many transactions (commits), one
// turn of each benchmarked scenario costs — counted at the driver (better-sqlite3, or pg with
// DATABASE_URL set), with the statements listed (`--list`). The cheapest turn is the goal of
// "one transaction per use case"; `--list` shows each statement of one turn and, on SQLite, the
// time spent in the driver per statement. TURNS=n sets how many turns are averaged (default 20).
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDirectory, syntheticUser } from './generate-directory.mjs';
import { load, startConnector } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const LIST = process.argv.includes('--list');
const TURNS = Number(process.env.TURNS ?? 20);

const seen = [];
let counting = false;
const times = new Map();
const note = (sql, ms = 0) => {
  if (!counting) return;
  const text = sql.replace(/\s+/g, ' ').trim();
  seen.push(text);
  const key = text.slice(0, 70);
  times.set(key, (times.get(key) ?? 0) + ms);
};
// Every statement passes through one of these (Kysely's SQLite driver runs prepared statements).
const Statement = Object.getPrototypeOf(new SQLite(':memory:').prepare('select 1'));
for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = Statement[method];
  Statement[method] = function counted(...args) {
    const t0 = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      note(this.source, performance.now() - t0);
    }
  };
}
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function counted(config, ...rest) {
  note(typeof config === 'string' ? config : config.text);
  return query.call(this, config, ...rest);
};

const { startApp } = await import('../dist/app.js');
const { loadConfig } = await import('../dist/config.js');
const work = mkdtempSync(path.join(tmpdir(), 'pindesk-statements-'));
const directory = path.join(work, 'directory.json');
generateDirectory(path.join(here, '..', 'demo', 'directory.json'), 1000, directory);
const connector = await startConnector();
const app = await startApp(loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'warn', DATA_DIR: path.join(work, 'data'), DIRECTORY_FILE: directory }));
const message = (text, i) => ({
  type: 'message',
  id: `m${i}`,
  channelId: 'emulator',
  serviceUrl: connector.url,
  from: { id: 'pilar' },
  recipient: { id: 'bot' },
  conversation: { id: 'emulator-pilar' },
  text,
});
// Within the directory (the demo's users come first): every name is found.
const user = (i) => syntheticUser(i % 900);
const scenarios = [
  ['pin status', (i) => `pin status ${user(i).sam}`],
  ['set pin', (i) => `set pin ${user(i + 300).sam}`],
  ['find user', (i) => `find user Bench000${i % 9}`],
];
const url = `${app.url}/api/messages`;
// Warm: the caller's conversation is known, the role cache is filled, statements are prepared.
await load({ url, count: 30, concurrency: 1, body: (i) => message(`pin status ${user(i).sam}`, i) });
await app.idle();
const kinds = (sqls) => {
  const begin = sqls.filter((s) => /^begin/i.test(s)).length;
  const commit = sqls.filter((s) => /^commit/i.test(s)).length;
  return { statements: sqls.length, transactions: begin, commits: commit };
};
const rows = [];
for (const [scenario, text] of scenarios) {
  seen.length = 0;
  times.clear();
  counting = true;
  await load({ url, count: TURNS, concurrency: 1, body: (i) => message(text(i + 40), i + 1000) });
  await app.idle();
  counting = false;
  const sqls = [...seen];
  const { statements, transactions, commits } = kinds(sqls);
  // A write outside a transaction is its own (autocommit) commit.
  const autocommitWrites = sqls.filter((s, i) => /^(insert|update|delete)/i.test(s) && !insideAt(sqls, i)).length;
  rows.push({ scenario, statements: statements / TURNS, transactions: transactions / TURNS, commits: (commits + autocommitWrites) / TURNS, reads: sqls.filter((s) => /^select/i.test(s)).length / TURNS });
  if (LIST) {
    console.log(`\n--- ${scenario}: time in the driver per turn (SQLite only)`);
    for (const [k, ms] of [...times].sort((a, b) => b[1] - a[1])) console.log(`  ${((1000 * ms) / TURNS).toFixed(0).padStart(5)} µs  ${k}`);
    times.clear();
    console.log(`\n--- ${scenario}: one turn`);
    const per = sqls.slice(0, Math.round(sqls.length / TURNS));
    for (const s of per) console.log(`  ${s.slice(0, 160)}`);
  }
}

function insideAt(sqls, index) {
  let depth = 0;
  for (let i = 0; i < index; i++) {
    if (/^begin/i.test(sqls[i])) depth = 1;
    else if (/^(commit|rollback)/i.test(sqls[i])) depth = 0;
  }
  return depth === 1;
}

console.log(`\nper turn (mean of ${TURNS}; ${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}):`);
console.table(rows);
await app.close();
await connector.close();
rmSync(work, { recursive: true, force: true });
