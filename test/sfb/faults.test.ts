// Faults of the Skype for Business worker under real PowerShell: killed mid-operation, hung,
// stray stdout, module import failure, a full queue; and where a PIN may never appear.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSfb, pwshAvailable, refusal } from '../support/sfb/pwsh.js';

const KEN = 'sip:ken.myer@contoso.com';


function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Process ids whose process group is `pgid` (Linux /proc). */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return members;
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

describe.runIf(pwshAvailable())('Skype for Business worker faults (real pwsh, fake module)', () => {
  let fake: FakeSfb;
  beforeAll(() => {
    fake = new FakeSfb();
    fake.state();
  }, 60_000);
  afterAll(async () => fake?.dispose());

  it('killed mid-operation: the call fails with an unknown outcome, the next call starts a new worker', async () => {
    const worker = fake.worker();
    await worker.start();
    const first = worker.pid as number;
    fake.fault('Set-CsClientPin', 'sleep:5000');
    const call = refusal(worker.call('set', { identity: KEN, pin: '80417' }));
    await waitFor(() => fake.calls().some((c) => c.cmdlet === 'Set-CsClientPin'), 10_000);
    process.kill(-first, 'SIGKILL');
    const error = await call;
    expect(error).toMatchObject({ kind: 'unavailable', details: { op: 'set', outcomeUnknown: true } });
    fake.fault('Set-CsClientPin', undefined);
    expect((await worker.call('status', { identity: KEN })).Identity).toBe(KEN);
    expect(worker.pid).not.toBe(first);
    expect(worker.starts).toBe(2);
  }, 60_000);

  it('hung: the deadline kills the whole process group and the next call works', async () => {
    const worker = fake.worker({ timeoutMs: 1_500 });
    await worker.start();
    const first = worker.pid as number;
    const members = groupMembers(first);
    expect(members.length).toBeGreaterThanOrEqual(1);
    fake.fault('Get-CsClientPinInfo', 'hang');
    const started = Date.now();
    const error = await refusal(worker.call('status', { identity: KEN }));
    expect(error).toMatchObject({ kind: 'timeout', details: { op: 'status', outcomeUnknown: false } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await waitFor(() => members.every((pid) => !alive(pid)), 5_000)).toBe(true);
    fake.fault('Get-CsClientPinInfo', undefined);
    expect((await worker.call('status', { identity: KEN }, { timeoutMs: 15_000 })).Identity).toBe(KEN);
    expect(worker.pid).not.toBe(first);
  }, 60_000);

  it('a stray line on stdout is a protocol violation: killed, restarted, next call works', async () => {
    const worker = fake.worker();
    await worker.start();
    const first = worker.pid as number;
    fake.fault('Get-CsClientPinInfo', 'stdout');
    const error = await refusal(worker.call('status', { identity: KEN }));
    expect(error.kind).toBe('protocol');
    fake.fault('Get-CsClientPinInfo', undefined);
    expect((await worker.call('status', { identity: KEN })).Identity).toBe(KEN);
    expect(worker.pid).not.toBe(first);
  }, 60_000);

  it('the worker exiting inside a cmdlet: unavailable, then a new worker', async () => {
    const worker = fake.worker();
    await worker.start();
    fake.fault('Lock-CsClientPin', 'exit');
    expect(await refusal(worker.call('lock', { identity: KEN }))).toMatchObject({ kind: 'unavailable', details: { outcomeUnknown: true } });
    fake.fault('Lock-CsClientPin', undefined);
    expect(await worker.call('ping', {})).toMatchObject({ pong: true });
  }, 60_000);

  it('the module fails to import: a clear fatal error, no worker left running', async () => {
    const worker = fake.worker({ extraEnv: { SFB_MODULE: 'NoSuchSkypeModule' } });
    const error = await refusal(worker.start());
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(/could not start: cannot import module 'NoSuchSkypeModule'/);
    expect(error.details.fqid).toMatch(/ModuleNotFound/);
    expect(worker.pid).toBeUndefined();
    expect((await refusal(worker.call('ping', {}))).kind).toBe('unavailable');
  }, 60_000);

  it('PowerShell missing or too slow to start: unavailable / timeout', async () => {
    const missing = fake.worker({ pwsh: '/nonexistent/pwsh' });
    expect((await refusal(missing.start())).kind).toBe('unavailable');
    const slow = fake.worker({ startTimeoutMs: 50 });
    expect((await refusal(slow.start())).kind).toBe('timeout');
  }, 60_000);

  it('one request at a time; a full queue answers busy without sending anything', async () => {
    const worker = fake.worker({ maxQueue: 2 });
    await worker.start();
    fake.fault('Get-CsClientPinInfo', 'sleep:600');
    const running = [worker.call('status', { identity: KEN }), worker.call('status', { identity: KEN }), worker.call('status', { identity: KEN })];
    const busy = await refusal(worker.call('status', { identity: KEN }));
    expect(busy.kind).toBe('busy');
    expect((await Promise.all(running)).map((r) => r.Identity)).toEqual([KEN, KEN, KEN]);
    fake.fault('Get-CsClientPinInfo', undefined);
  }, 60_000);

  it('a set still queued at its startBy is never sent (busy, nothing changed), so its outcome is fixed by startBy plus the deadline', async () => {
    const worker = fake.worker();
    await worker.start();
    fake.fault('Get-CsClientPinInfo', 'sleep:1500');
    const before = fake.calls().length;
    const slow = worker.call('status', { identity: KEN });
    const late = await refusal(worker.call('set', { identity: KEN, pin: '73019468' }, { startBy: Date.now() + 100 }));
    expect(late.kind).toBe('busy');
    expect(late.details.outcomeUnknown).toBeUndefined();
    await slow;
    fake.fault('Get-CsClientPinInfo', undefined);
    expect(fake.calls().slice(before).map((c) => c.cmdlet)).toEqual(['Get-CsClientPinInfo']);
  }, 60_000);

  it('after:<fault> acts once the cmdlet has applied its change: the set is saved, then the worker stalls past its deadline', async () => {
    const worker = fake.worker({ timeoutMs: 2_000 });
    await worker.start();
    fake.fault('Set-CsClientPin', 'after:hang');
    const stalled = await refusal(worker.call('set', { identity: KEN, pin: '58203917' }));
    fake.fault('Set-CsClientPin', undefined);
    expect(stalled).toMatchObject({ kind: 'timeout', details: { outcomeUnknown: true } });
    const ken = fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN);
    expect(ken.PinSha256).toBe(createHash('sha256').update('58203917').digest('hex'));
  }, 60_000);

  it('a PIN never appears in /proc/<pid>/cmdline or environ of the worker processes', async () => {
    const pin = '93847261';
    const worker = fake.worker();
    await worker.start();
    fake.fault('Set-CsClientPin', 'sleep:1500');
    const call = worker.call('set', { identity: KEN, pin });
    await waitFor(() => fake.calls().some((c) => c.cmdlet === 'Set-CsClientPin'), 10_000);
    const members = groupMembers(worker.pid as number);
    expect(members.length).toBeGreaterThanOrEqual(1);
    for (const pid of members) {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`);
      const environ = readFileSync(`/proc/${pid}/environ`);
      expect(cmdline.includes(pin)).toBe(false);
      expect(environ.includes(pin)).toBe(false);
      expect(cmdline.toString('utf8')).toContain('pindesk-worker.ps1');
    }
    await call;
    fake.fault('Set-CsClientPin', undefined);
    expect(readFileSync(fake.callsFile, 'utf8')).not.toContain(pin);
    expect(readFileSync(fake.stateFile, 'utf8')).not.toContain(pin);
  }, 60_000);
});
