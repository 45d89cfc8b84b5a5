// The worker pool over real PowerShell workers (sfb/pindesk-worker.ps1, fake module): warm-up in
// parallel, replacement of a lost worker while the other serves, the shared queue, readiness, and
// close() leaving no PowerShell process behind, even in the middle of a start.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PowerShellWorker } from '../../src/adapters/sfb/powershell-worker.js';
import { SfbError } from '../../src/adapters/sfb/protocol.js';
import { WorkerPool, WorkersNotReadyError } from '../../src/adapters/sfb/worker-pool.js';
import { FakeSfb, pwsh, pwshAvailable, workerScript } from '../support/sfb/pwsh.js';
import { waitUntil } from '../support/sfb/readiness.js';

const KEN = 'sip:ken.myer@contoso.com';

/** Processes (of this user) whose environment names `marker`: the workers of one fake server. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').includes(marker)) found.push(Number(entry));
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

function notReady(pool: WorkerPool): WorkersNotReadyError | undefined {
  try {
    pool.readiness();
    return undefined;
  } catch (error) {
    return error as WorkersNotReadyError;
  }
}

describe.runIf(pwshAvailable())('worker pool (real pwsh, fake module)', () => {
  let fake: FakeSfb;
  const pools: WorkerPool[] = [];
  beforeAll(() => {
    fake = new FakeSfb();
    fake.state();
  }, 60_000);
  afterAll(async () => {
    writeFileSync(path.join(fake.dir, 'gate'), '');
    await Promise.all(pools.map((p) => p.close()));
    await fake?.dispose();
  });

  const poolOf = (size: number, maxQueue: number, extraEnv: Record<string, string> = {}) => {
    const pool = new WorkerPool({
      size,
      maxQueue,
      retryMs: { first: 100, max: 400 },
      create: (_index, lost) =>
        new PowerShellWorker({ pwsh: pwsh(), script: workerScript, env: fake.env(extraEnv), timeoutMs: 15_000, onEvent: (e) => (e.type === 'killed' || e.type === 'exited') && lost() }),
    });
    pools.push(pool);
    return pool;
  };

  it('starts every worker, warm, in parallel; a lost worker is replaced while the other serves; close() stops all', async () => {
    const pool = poolOf(2, 4);
    expect(notReady(pool)?.reason).toBe('sfb-worker-starting');
    await pool.start();
    expect(notReady(pool)).toBeUndefined();
    const [first, second] = pool.pids;
    expect(pool.pids).toHaveLength(2);
    process.kill(-first!, 'SIGKILL');
    await waitUntil(() => !pool.pids.includes(first!), 'the kill seen');
    expect(notReady(pool)).toBeUndefined(); // the other is warm
    expect(await pool.call('status', { identity: KEN })).toMatchObject({ Identity: KEN });
    await waitUntil(() => pool.pids.length === 2, 'a replacement', 60_000);
    expect(pool.pids).toContain(second);
    expect(processesWith(fake.dir).length).toBeGreaterThanOrEqual(2);
    await pool.close();
    await waitUntil(() => processesWith(fake.dir).length === 0, 'no worker process left');
    expect(await pool.call('ping', {}).catch((e: SfbError) => e.kind)).toBe('unavailable');
  }, 90_000);

  it('one shared queue: full → busy, nothing sent; waiting requests run as workers free up', async () => {
    const pool = poolOf(1, 1);
    await pool.start();
    const gate = path.join(fake.dir, 'call-gate');
    fake.fault('Get-CsClientPinInfo', `gate:${gate}`);
    const before = fake.calls().length;
    const running = pool.call('status', { identity: KEN });
    await waitUntil(() => fake.calls().length > before, 'the first call under way');
    const waiting = pool.call('status', { identity: KEN });
    const busy = await pool.call('status', { identity: KEN }).catch((e: SfbError) => e);
    expect(busy).toMatchObject({ kind: 'busy', message: 'the Skype for Business worker is busy, try again' });
    writeFileSync(gate, '');
    expect((await Promise.all([running, waiting])).map((r) => r.Identity)).toEqual([KEN, KEN]);
    expect(fake.calls().slice(before)).toHaveLength(2);
    fake.fault('Get-CsClientPinInfo', undefined);
    await pool.close();
  }, 60_000);

  it('a module that cannot be imported: not ready (unavailable, with the cause), retried with a pause, calls answer clearly', async () => {
    const pool = poolOf(1, 4, { SFB_MODULE: 'NoSuchSkypeModule' });
    await pool.start();
    const error = notReady(pool);
    expect(error?.reason).toBe('sfb-worker-unavailable');
    expect(error?.message).toMatch(/cannot import module 'NoSuchSkypeModule'/);
    expect(await pool.call('ping', {}).catch((e: SfbError) => e.kind)).toBe('unavailable');
    await pool.close();
  }, 60_000);

  it('close() during a start kills the starting process', async () => {
    const gate = path.join(fake.dir, 'gate');
    const marker = `close-during-start:${fake.dir}`;
    const pool = poolOf(2, 4, { SFB_FAKE_IMPORT_GATE: gate, PINDESK_POOL_TEST: marker });
    const started = pool.start();
    await waitUntil(() => processesWith(marker).length >= 2, 'both starts under way', 30_000);
    await pool.close();
    await started;
    await waitUntil(() => processesWith(marker).length === 0, 'no starting process left');
    writeFileSync(gate, '');
  }, 60_000);
});
