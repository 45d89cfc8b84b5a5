// Store faults as an operator meets them (issue 12, item A.3): DATA_DIR on a small file system that
// fills up, a read-only DATA_DIR, a read-only database file. /readyz answers 503 when the store cannot
// write, the failure is logged at error level with its cause, and a start that cannot work stops with
// the path and the cause. Needs root (tmpfs and bind mounts), as CI runs; elsewhere it is skipped with
// a banner (and fails under CI=true).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, open, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/adapters/sql/sqlite.js';
import { PACKAGE_ROOT } from '../src/config.js';
import { cardOf, cardText, startHarness, type Harness } from './support/harness.js';

const ROOT = process.getuid?.() === 0;
if (!ROOT) {
  const banner = '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!! test/store-faults.test.ts SKIPPED: it needs root (tmpfs, bind mounts) !!\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n';
  if (process.env.CI) throw new Error(`store fault tests need root under CI.${banner}`);
  console.warn(banner);
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** A tmpfs of `size` mounted on a new directory, unmounted after the test. */
async function smallFileSystem(size: string, options = ''): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pindesk-fs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${options ? `,${options}` : ''}`, 'tmpfs', dir]);
  cleanups.push(async () => {
    execFileSync('umount', ['-l', dir]);
    await rmdir(dir);
  });
  return dir;
}

/** Writes a filler file until the file system is full (ENOSPC); returns its path. */
async function fillUp(dir: string): Promise<string> {
  const filler = path.join(dir, 'filler');
  const handle = await open(filler, 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
  // The last partial block too.
  const small = await open(filler, 'a');
  try {
    for (;;) await small.write(Buffer.alloc(512, 1));
  } catch {
    // full
  } finally {
    await small.close();
  }
  return filler;
}

const logEntries = (h: Harness) => h.logLines.map((line) => JSON.parse(line) as Record<string, any>);

/** dist/main.js (npm test builds it) with DATA_DIR, until it exits. */
function start(dataDir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'main.js')], { env: { PATH: process.env.PATH, PORT: '0', DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe.skipIf(!ROOT)('a full disk under DATA_DIR', () => {
  it('/readyz answers 503 store-disk-full; a command fails, changes nothing, and the cause is logged at error level', async () => {
    const dataDir = await smallFileSystem('8m');
    const h = await startHarness({ DATA_DIR: dataDir });
    cleanups.push(() => h.stop());
    expect((await fetch(`${h.app.url}/readyz`)).status).toBe(200);
    await h.emulator('anne').say('pin status Ken Myer');

    // Empty the write-ahead log, so the next write needs new space, then fill the disk.
    const db = new Database(path.join(dataDir, 'pindesk.sqlite'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const filler = await fillUp(dataDir);

    const ready = await fetch(`${h.app.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'store-disk-full' });
    expect(logEntries(h).filter((e) => e.msg === 'not ready').at(-1)).toMatchObject({ level: 50, reason: 'store-disk-full' });

    const before = h.logLines.length;
    const lock = await h.emulator('anne').say('lock pin Ken Myer');
    expect(lock.sent[0]!.activity.text).toMatch(/nothing was changed/i);
    const errors = h.logLines.slice(before).map((line) => JSON.parse(line) as Record<string, any>).filter((e) => e.level >= 50);
    expect(errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(errors)).toMatch(/database or disk is full|SQLITE_FULL/);

    // Room again: ready again, and the lock that failed did not half-happen.
    await rm(filler);
    expect((await fetch(`${h.app.url}/readyz`)).status).toBe(200);
    expect(cardText(cardOf((await h.emulator('anne').say('pin status Ken Myer')).sent[0]))).toMatch(/IsLockedOut: No/);
  }, 60_000);
});

describe.skipIf(!ROOT)('a start that cannot work names the path and the cause (exit 2)', () => {
  it('DATA_DIR on a read-only file system', async () => {
    const readOnly = await smallFileSystem('1m', 'ro');
    const missing = await start(path.join(readOnly, 'data'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`PinDesk cannot start: DATA_DIR ${path.join(readOnly, 'data')}: cannot create it: read-only file system (EROFS) in ${readOnly}`);
    const existing = await start(readOnly);
    expect(existing.code).toBe(2);
    expect(existing.stderr).toContain(`PinDesk cannot start: DATA_DIR ${readOnly}: cannot write in it: read-only file system (EROFS)`);
  }, 40_000);

  it('a read-only database file', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'pindesk-rodb-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await (await openSqliteStore(dataDir)).close();
    await writeFile(path.join(dataDir, 'secrets.json'), JSON.stringify({ pinHashKey: Buffer.alloc(32, 1).toString('base64'), sealKey: Buffer.alloc(32, 2).toString('base64') }), { mode: 0o600 });
    const file = path.join(dataDir, 'pindesk.sqlite');
    execFileSync('mount', ['--bind', file, file]);
    cleanups.push(async () => void execFileSync('umount', ['-l', file]));
    execFileSync('mount', ['-o', 'remount,bind,ro', file]);
    const started = await start(dataDir);
    expect(started.code).toBe(2);
    expect(started.stderr).toContain(`PinDesk cannot start: database ${file}: cannot write to it:`);
    expect(started.stderr).toMatch(/read-only/);
  }, 40_000);
});
