// A full disk under DATA_DIR (issue 12, A.3): a PIN change is all or nothing — never a PIN set with
// no sealed reveal, no delivery record or no audit record — the answer says nothing changed, and the
// cause is logged at error level. A small tmpfs makes the disk really full (root only: CI runs as
// root; elsewhere the suite says loudly that it did not run).
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot) {
  if (process.env.CI) throw new Error('the disk-full suite needs root (to mount a tmpfs); CI runs as root');
  console.warn('\n*** SKIPPED: test/e2e/disk-full.test.ts needs root to mount a small tmpfs ***\n');
}

describe.runIf(isRoot)('a full disk under DATA_DIR', () => {
  let mountPoint: string;
  let h: Harness;
  beforeAll(async () => {
    mountPoint = mkdtempSync(path.join(tmpdir(), 'pindesk-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', mountPoint]);
    h = await startHarness({ DATA_DIR: mountPoint });
  });
  afterAll(async () => {
    await h?.app.close();
    await h?.connector.stop();
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  const database = () => new Database(path.join(mountPoint, 'pindesk.sqlite'));
  const count = (table: string) => {
    const db = database();
    try {
      return (db.prepare(`select count(*) n from ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  /** Fills the filesystem to the last byte; returns the filler's path. */
  function fill(): string {
    // Checkpoint first, so the next write needs new space (not room left in the write-ahead log).
    const db = database();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const filler = path.join(mountPoint, 'filler');
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(64 * 1024);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    // The last partial chunk too.
    const last = openSync(filler, 'a');
    try {
      for (;;) writeSync(last, Buffer.alloc(512));
    } catch {
      // full
    } finally {
      closeSync(last);
    }
    return filler;
  }

  it('set pin changes nothing at all, says so, and logs the cause; with space again it works', async () => {
    const pilar = h.emulator('pilar');
    expect((await pilar.say('pin status Ken Myer')).sent).toHaveLength(1);
    const before = { history: count('pin_history'), reveals: count('reveals'), deliveries: count('deliveries'), audit: count('audit') };
    const filler = fill();
    const logged = h.logLines.length;

    const turn = await pilar.say('set pin Ken Myer');
    const text = turn.sent.map((s) => s.activity.text ?? '').join('\n');
    expect(text).toMatch(/nothing was changed/);
    expect(turn.sent.some((s) => s.activity.attachments)).toBe(false);
    expect(h.logLines.slice(logged).some((line) => /"level":50/.test(line) && /SQLITE_FULL|database or disk is full/.test(line))).toBe(true);

    rmSync(filler);
    // Nothing of the change was written: no PIN, no sealed PIN, no delivery record.
    expect({ history: count('pin_history'), reveals: count('reveals'), deliveries: count('deliveries') }).toEqual({
      history: before.history,
      reveals: before.reveals,
      deliveries: before.deliveries,
    });

    const again = await pilar.say('set pin Ken Myer');
    expect(again.sent.some((s) => s.activity.attachments)).toBe(true);
    expect(count('pin_history')).toBe(before.history + 1);
    expect(count('reveals')).toBe(before.reveals + 1);
    expect(count('deliveries')).toBe(before.deliveries + 1);
  });
});
