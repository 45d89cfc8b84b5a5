// /readyz and the worker pool's log, as the Skype for Business end-to-end suites watch them.
import type { Harness } from '../harness.js';

export async function readyz(h: Harness): Promise<{ status: number; body: { status: string; reason?: string } }> {
  const response = await fetch(`${h.app.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
}

/** Polls /readyz until it answers `status` (and `reason`, when given); throws after `ms`. */
export async function waitForReadyz(h: Harness, status: number, reason?: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    const answer = await readyz(h);
    if (answer.status === status && (reason === undefined || answer.body.reason === reason)) return;
    last = answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`/readyz did not answer ${status} ${reason ?? ''} within ${ms} ms; last: ${JSON.stringify(last)}`);
}

/** Waits until `test()` holds (polling); throws after `ms`. */
export async function waitUntil(test: () => boolean, what: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The log entries with this message (the harness logs JSON lines). */
export function logged(h: Harness, msg: string): Array<Record<string, any>> {
  return h.logLines.map((line) => JSON.parse(line) as Record<string, any>).filter((entry) => entry.msg === msg);
}

/** The process id of each worker that last answered ping, by worker index. */
export function warmPids(h: Harness): Map<number, number> {
  const pids = new Map<number, number>();
  for (const entry of logged(h, 'Skype for Business worker answered ping')) pids.set(entry.worker, entry.pid);
  return pids;
}
