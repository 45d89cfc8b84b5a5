// SFB_TRANSPORT=ssh: the real OpenSSH client, started with PinDesk's fixed arguments, to a throwaway
// sshd on 127.0.0.1 whose authorized_keys entry forces the real worker script under real pwsh
// against the fake module. Host keys, client keys, the script's hash, and a hung or killed client.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pwshAvailable, refusal, scriptHash } from '../support/sfb/pwsh.js';
import { Sshd, sshdAvailable } from '../support/sfb/sshd.js';

const KEN = 'sip:ken.myer@contoso.com';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');


const proc = (pid: number, file: 'cmdline' | 'environ') => readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0').filter(Boolean);

describe.runIf(pwshAvailable() && sshdAvailable())('SFB_TRANSPORT=ssh (real ssh, throwaway sshd, forced command, real pwsh)', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await new Sshd().start();
  }, 30_000);
  afterAll(async () => sshd?.stop());

  it('runs the forced worker: ready with the script hash, then the fixed command table; the PIN only on stdin', async () => {
    const worker = sshd.worker();
    await worker.start();
    expect(worker.hash).toBe(scriptHash());
    expect(await worker.call('ping', {})).toMatchObject({ pong: true });
    const before = sshd.fake.calls().length;
    expect(await worker.call('set', { identity: KEN, pin: '80417' })).toEqual({ done: true });
    expect(sshd.fake.calls().slice(before)).toEqual([expect.objectContaining({ cmdlet: 'Set-CsClientPin', parameters: { Identity: KEN, Pin: { sha256: sha('80417'), length: 5 }, Confirm: false } })]);
    expect((await worker.call('status', { identity: KEN })).IsPinSet).toBe(true);
    // The ssh child: exactly PinDesk's fixed arguments, PATH only in its environment, and no PIN.
    const cmdline = proc(worker.pid!, 'cmdline');
    expect(cmdline).toEqual(expect.arrayContaining(['-T', 'BatchMode=yes', 'StrictHostKeyChecking=yes', `UserKnownHostsFile=${sshd.knownHosts}`, 'GlobalKnownHostsFile=/dev/null', 'IdentitiesOnly=yes', `IdentityFile=${sshd.clientKey}`, '--', '127.0.0.1']));
    expect(cmdline.at(-1)).toBe('127.0.0.1');
    expect(proc(worker.pid!, 'environ').map((v) => v.split('=')[0])).toEqual(['PATH']);
    // The forced command's processes (the worker) too: the PIN is in none.
    const remote = sshd.forcedCommandPids();
    expect(remote.length).toBeGreaterThan(0);
    for (const pid of [worker.pid!, ...remote]) for (const file of ['cmdline', 'environ'] as const) expect(proc(pid, file).join(' ')).not.toContain('80417');
    await worker.close();
  }, 60_000);

  it('the worker exits when the ssh client ends its input (stdin EOF on the far side)', async () => {
    const worker = sshd.worker();
    await worker.start();
    expect(sshd.forcedCommandPids().length).toBeGreaterThan(0);
    await worker.close();
    await expect.poll(() => sshd.forcedCommandPids().filter(isAlive), { timeout: 10_000, interval: 100 }).toEqual([]);
  }, 60_000);

  it('an unknown host key is refused: the connection stops before anything runs', async () => {
    const pidsBefore = sshd.workerPids().length;
    const worker = sshd.worker({ SFB_SSH_KNOWN_HOSTS: sshd.wrongKnownHosts });
    const error = await refusal(worker.start());
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(/^ssh \S+@127\.0\.0\.1:\d+ exited before the worker was ready \(code 255\): .*Host key verification failed/s);
    expect(sshd.workerPids().length).toBe(pidsBefore);
  }, 30_000);

  it('a client key the host does not authorise is refused, nothing runs', async () => {
    const pidsBefore = sshd.workerPids().length;
    const error = await refusal(sshd.worker({ SFB_SSH_KEY_FILE: sshd.strangerKey }).start());
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(/Permission denied \(publickey\)/);
    expect(sshd.workerPids().length).toBe(pidsBefore);
  }, 30_000);

  it('a stale copy of the script on the host (another hash) is refused with both hashes named', async () => {
    const callsBefore = sshd.fake.calls().length;
    const error = await refusal(sshd.worker({ SFB_SSH_KEY_FILE: sshd.staleKey }).start());
    expect(error.kind).toBe('unavailable');
    const fingerprint = (hash: string) => hash.slice(0, 16).match(/../g)!.join(':');
    const staleHash = createHash('sha256').update(readFileSync(`${sshd.dir}/stale-worker.ps1`)).digest('hex');
    expect(error.message).toContain(`differs from PinDesk's copy of sfb/pindesk-worker.ps1 (SHA-256 ${fingerprint(staleHash)}… there, ${fingerprint(scriptHash())}… here)`);
    expect(sshd.fake.calls().length).toBe(callsBefore);
  }, 60_000);

  it('a hung operation: deadline, the ssh client killed, a clear answer; the next call opens a new connection', async () => {
    const worker = sshd.worker({}, { timeoutMs: 6_000 });
    await worker.start();
    const firstClient = worker.pid!;
    sshd.fake.fault('Lock-CsClientPin', 'hang');
    try {
      const error = await refusal(worker.call('lock', { identity: KEN }));
      expect(error.kind).toBe('timeout');
      expect(error.details.outcomeUnknown).toBe(true);
      await expect.poll(() => isAlive(firstClient), { timeout: 5_000, interval: 50 }).toBe(false);
    } finally {
      sshd.fake.fault('Lock-CsClientPin', undefined);
    }
    expect((await worker.call('status', { identity: KEN })).Identity).toBe(KEN);
    expect(worker.pid).not.toBe(firstClient);
    expect(worker.starts).toBe(2);
    await worker.close();
  }, 60_000);

  it('the ssh client killed from outside mid-operation: a clear answer, the far worker ends, then a new connection', async () => {
    const earlier = new Set(sshd.forcedCommandPids());
    const worker = sshd.worker();
    await worker.start();
    sshd.fake.fault('Unlock-CsClientPin', 'sleep:3000');
    const before = sshd.fake.calls().length;
    try {
      const pending = refusal(worker.call('unlock', { identity: KEN }));
      await expect.poll(() => sshd.fake.calls().slice(before).some((c) => c.cmdlet === 'Unlock-CsClientPin'), { timeout: 10_000, interval: 50 }).toBe(true);
      const farSide = sshd.forcedCommandPids().filter((pid) => !earlier.has(pid));
      expect(farSide.length).toBeGreaterThan(0);
      process.kill(worker.pid!, 'SIGKILL');
      const error = await pending;
      expect(error.kind).toBe('unavailable');
      expect(error.details.outcomeUnknown).toBe(true);
      // The far side sees its input end: once the cmdlet returns, the worker exits by itself.
      await expect.poll(() => farSide.filter(isAlive), { timeout: 20_000, interval: 200 }).toEqual([]);
    } finally {
      sshd.fake.fault('Unlock-CsClientPin', undefined);
    }
    expect(await worker.call('ping', {})).toMatchObject({ pong: true });
    expect(worker.starts).toBe(2);
    await worker.close();
  }, 60_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
