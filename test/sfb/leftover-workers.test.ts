// Worker process groups a PinDesk leaves behind: the next start kills those of a PinDesk that is
// gone (whole group), and leaves alone those of one still running on the same DATA_DIR (the server
// while `pindesk` runs beside it) and any pid now running another program.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { LeftoverWorkers } from '../../src/adapters/sfb/leftover-workers.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.pid && alive(child.pid)) process.kill(-child.pid, 'SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A long-lived process leading its own group, running `program` (node here). */
function longLived(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { detached: true, stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return !alive(pid);
}

it("kills a dead PinDesk's worker groups, spares a live one's, and never a pid now running another program", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pindesk-leftover-'));
  dirs.push(dataDir);
  const registry = new LeftoverWorkers(dataDir);
  registry.killAll(process.execPath); // creates the run directory
  const run = path.join(dataDir, 'run', 'sfb-workers');

  const orphan = longLived();
  const deadOwner = longLived();
  process.kill(-deadOwner, 'SIGKILL');
  expect(await gone(deadOwner)).toBe(true);
  writeFileSync(path.join(run, String(orphan)), String(deadOwner));

  const busy = longLived();
  const liveOwner = longLived();
  writeFileSync(path.join(run, String(busy)), String(liveOwner));

  const other = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  children.push(other);
  writeFileSync(path.join(run, String(other.pid)), String(deadOwner));

  expect(registry.killAll(process.execPath)).toEqual([orphan]);
  expect(await gone(orphan)).toBe(true);
  expect(alive(busy)).toBe(true);
  expect(alive(other.pid!)).toBe(true);
  // The live owner's record stays for a later start to judge; the others are forgotten.
  expect(registry.killAll(process.execPath)).toEqual([]);
  expect(alive(busy)).toBe(true);
});
