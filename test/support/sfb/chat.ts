// End-to-end helpers for PIN_AUTHORITY=sfb: the real server (startHarness) on real pwsh and the
// fake SkypeForBusiness module, the worker's process id as the server logged it, this process's
// descendants in /proc, and polling (never a sleep as an assertion).
import Database from 'better-sqlite3';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startHarness, type Harness } from '../harness.js';
import { FakeSfb, fakeModulePath, pwsh } from './pwsh.js';
import { waitForReadyz } from './readiness.js';

export const KEN = 'sip:ken.myer@contoso.com';

/**
 * Starts PinDesk with PIN_AUTHORITY=sfb on `fake`. The worker inherits PinDesk's environment (that
 * is how the fake finds its files), taken when the worker client is made: restored right after.
 * PinDesk does not wait for its worker at boot: unless `ready` is false (a module that is expected
 * not to load, or to load slowly, watched by the test itself), this waits until /readyz says 200,
 * i.e. a worker answered ping and its pid is in the log.
 */
export async function startSfbHarness(fake: FakeSfb, env: Record<string, string> = {}, { ready = true }: { ready?: boolean } = {}): Promise<Harness> {
  fake.state();
  const saved = { SFB_FAKE_STATE: process.env.SFB_FAKE_STATE, SFB_FAKE_CALLS: process.env.SFB_FAKE_CALLS };
  process.env.SFB_FAKE_STATE = fake.stateFile;
  process.env.SFB_FAKE_CALLS = fake.callsFile;
  let h: Harness;
  try {
    h = await startHarness({ PIN_AUTHORITY: 'sfb', SFB_PWSH: pwsh(), SFB_MODULE: path.join(fakeModulePath, 'SkypeForBusiness'), SFB_TIMEOUT: '15s', ...env });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  if (ready) {
    try {
      await waitForReadyz(h, 200);
    } catch (error) {
      await h.stop();
      throw error;
    }
  }
  return h;
}

/** Parsed JSON log lines with the given message. */
export function logged(h: Harness, msg: string): Array<Record<string, any>> {
  return h.logLines.map((line) => JSON.parse(line) as Record<string, any>).filter((entry) => entry['msg'] === msg);
}

/** The pid of the worker the server last logged as ready. */
export function workerPid(h: Harness): number | undefined {
  return logged(h, 'Skype for Business worker ready').at(-1)?.['pid'] as number | undefined;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `condition` until true or `ms` passes; returns its last value. */
export async function waitFor(condition: () => boolean, ms = 20_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

function stat(pid: string): { ppid: number; pgid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Every live process below `root` (children, grandchildren, ...), from /proc. */
export function descendants(root = process.pid): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(entry);
    if (s) parent.set(Number(entry), s.ppid);
  }
  const found: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const current = frontier.pop()!;
    for (const [pid, ppid] of parent) {
      if (ppid === current && !found.includes(pid)) {
        found.push(pid);
        frontier.push(pid);
      }
    }
  }
  return found;
}

/** Members of a process group (the worker is its group's leader). */
export function groupMembers(pgid: number): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && stat(entry)?.pgid === pgid).map(Number);
}

/** /proc/<pid>/cmdline and environ of each process (those it may read); gone processes are skipped. */
export function processTexts(pids: readonly number[]): Array<{ pid: number; cmdline: string; environ: string }> {
  const texts: Array<{ pid: number; cmdline: string; environ: string }> = [];
  for (const pid of pids) {
    try {
      texts.push({ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'latin1'), environ: readFileSync(`/proc/${pid}/environ`, 'latin1') });
    } catch {
      /* gone */
    }
  }
  return texts;
}

/** Rows of the server's SQLite database (read-only). */
export function dbRows(h: Harness, sql: string): any[] {
  const db = new Database(path.join(h.dataDir, 'pindesk.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}
