// Logon attempts from several processes on one SQLite file at once (the server and `pindesk verify`
// share DATA_DIR), and from several instances on one PostgreSQL database. In one process the
// attempts cannot overlap on SQLite: better-sqlite3 is synchronous and Kysely hands its single
// connection to one transaction at a time. Separate processes really interleave their reads and
// writes, so a lost update or a refused upgrade shows here.
// Runs the built desk (dist/) in the workers: npm test builds it first.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, PACKAGE_ROOT, type Config } from '../../src/config.js';
import { openDesk } from '../../src/open-desk.js';
import { databaseEnv, eachStoreDialect, queryRows } from '../support/store.js';

const WORKER = path.join(PACKAGE_ROOT, 'test', 'support', 'verify-worker.mjs');
const PROCESSES = 4;
const ATTEMPTS = 150;
/** Ken Meyer's line; his PIN is 6 digits (global limit 5000) under a policy allowing 999 local failures. */
const LINE = '+14255550110';

let dataDir: string;
let database: Record<string, string>;
let config: Config;

interface WorkerReport {
  results: Record<string, number>;
  errors: string[];
}

/** Starts every worker, waits until all have opened the desk, then lets them go at once. */
async function runWorkers(count: number, attempts: number, pin: string): Promise<WorkerReport[]> {
  const workers: Array<ChildProcessByStdio<Writable, Readable, null>> = Array.from({ length: count }, () =>
    spawn(process.execPath, [WORKER, dataDir, LINE, pin, String(attempts)], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...database } }),
  );
  const lines = workers.map((worker) => {
    const received: string[] = [];
    let buffered = '';
    const waiters: Array<() => void> = [];
    worker.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let end: number;
      while ((end = buffered.indexOf('\n')) >= 0) {
        received.push(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        waiters.splice(0).forEach((wake) => wake());
      }
    });
    return async (index: number): Promise<string> => {
      while (received.length <= index) await new Promise<void>((wake) => waiters.push(wake));
      return received[index]!;
    };
  });
  const exited = workers.map((worker) => new Promise<number | null>((resolve) => worker.on('exit', resolve)));
  expect(await Promise.all(lines.map((line) => line(0)))).toEqual(Array(count).fill('ready'));
  for (const worker of workers) worker.stdin.end('go\n');
  const reports = await Promise.all(lines.map(async (line) => JSON.parse(await line(1)) as WorkerReport));
  expect(await Promise.all(exited)).toEqual(Array(count).fill(0));
  return reports;
}

const rows = (sql: string) => queryRows(config.database, dataDir, sql);

eachStoreDialect((dialect) => {
  beforeAll(async () => {
    if (!existsSync(path.join(PACKAGE_ROOT, 'dist', 'open-desk.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    dataDir = await mkdtemp(path.join(tmpdir(), 'pindesk-processes-'));
    database = await databaseEnv(dialect);
    config = loadConfig({ DATA_DIR: dataDir, ...database });
    const { desk, close } = await openDesk(config, pino({ level: 'silent' }));
    try {
      expect((await desk.runLocal('test', { kind: 'new-policy', policy: 'tag:Lenient', change: { minPasswordLength: 5, maximumLogonAttempts: 999 } })).kind).toBe('policy-changed');
      expect((await desk.runLocal('test', { kind: 'grant-policy', identity: 'kmeyer', policyName: 'Lenient' })).kind).toBe('policy-granted');
      expect((await desk.runLocal('test', { kind: 'set-pin', identity: 'kmeyer', pin: '730194', ignoreHistory: false })).kind).toBe('pin-set');
    } finally {
      await close();
    }
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  describe('logon attempts from several processes at once', () => {
    it(`${PROCESSES} processes × ${ATTEMPTS} wrong PINs: every attempt answered and counted exactly once`, async () => {
      const reports = await runWorkers(PROCESSES, ATTEMPTS, '121212');
      // No attempt may fail (SQLITE_BUSY, a lock timeout): an unanswered wrong guess would also be an uncounted one.
      expect(reports.flatMap((r) => r.errors)).toEqual([]);
      expect(reports.map((r) => r.results)).toEqual(Array(PROCESSES).fill({ invalid: ATTEMPTS }));
      const total = PROCESSES * ATTEMPTS;
      // Ken Meyer's is the only PIN record.
      expect(await rows('select local_failures, global_failures, failure_locked from pin_records')).toEqual([{ local_failures: total, global_failures: total, failure_locked: 0 }]);
      expect(await rows("select count(*) n from audit where action = 'verify' and reason = 'invalid'")).toEqual([{ n: total }]);
    });
  });
});
