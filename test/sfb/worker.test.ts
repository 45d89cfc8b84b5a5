// The Skype for Business worker (sfb/pindesk-worker.ps1) under real PowerShell, against the fake
// SkypeForBusiness module (test/fixtures/sfb), through the TypeScript client.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PowerShellWorker } from '../../src/adapters/sfb/powershell-worker.js';
import { FakeSfb, pwshAvailable, refusal, scriptHash } from '../support/sfb/pwsh.js';

const KEN = 'sip:ken.myer@contoso.com';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');


describe.runIf(pwshAvailable())('Skype for Business worker (real pwsh, fake module)', () => {
  let fake: FakeSfb;
  let worker: PowerShellWorker;
  beforeAll(async () => {
    fake = new FakeSfb();
    worker = fake.worker();
    await worker.start();
  }, 60_000);
  afterAll(async () => fake?.dispose());
  let callsBefore = 0;
  beforeEach(() => {
    callsBefore = fake.calls().length;
  });
  const newCalls = () => fake.calls().slice(callsBefore);

  it('announces ready with protocol 1 and the SHA-256 of the script', async () => {
    expect(worker.hash).toBe(scriptHash());
    expect(await worker.call('ping', {})).toMatchObject({ pong: true, psVersion: expect.stringMatching(/^\d+\.\d+/) });
  });

  it('status: Get-CsClientPinInfo with the SIP address exactly, the real property names', async () => {
    const info = await worker.call('status', { identity: 'sip:pilar.ackerman@contoso.com' });
    expect(info).toEqual({ Identity: 'sip:pilar.ackerman@contoso.com', IsPinSet: false, IsLockedOut: false, LastPinChangeTime: null, PinExpirationTime: null });
    expect(newCalls()).toEqual([{ cmdlet: 'Get-CsClientPinInfo', parameters: { Identity: 'sip:pilar.ackerman@contoso.com' }, pid: expect.any(Number), at: expect.any(String) }]);
  });

  it('set: Set-CsClientPin -Identity -Pin; the fake receives the PIN (recorded only as a hash), status shows the change', async () => {
    const before = Date.now();
    expect(await worker.call('set', { identity: KEN, pin: '80417' })).toEqual({ done: true });
    expect(newCalls()).toEqual([{ cmdlet: 'Set-CsClientPin', parameters: { Identity: KEN, Pin: { sha256: sha('80417'), length: 5 }, Confirm: false }, pid: expect.any(Number), at: expect.any(String) }]);
    const info = await worker.call('status', { identity: KEN });
    expect(info.IsPinSet).toBe(true);
    expect(Date.parse(info.LastPinChangeTime ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(info.PinExpirationTime).toBeNull();
  });

  it('lock and unlock: a locked PIN must be unlocked before it can be set', async () => {
    await worker.call('lock', { identity: KEN });
    expect((await worker.call('status', { identity: KEN })).IsLockedOut).toBe(true);
    const locked = await refusal(worker.call('set', { identity: KEN, pin: '80419' }));
    expect(locked.kind).toBe('locked');
    expect(locked.details.fqid).toMatch(/^PinLockedOut,/);
    await worker.call('unlock', { identity: KEN });
    expect((await worker.call('status', { identity: KEN })).IsLockedOut).toBe(false);
    await worker.call('set', { identity: KEN, pin: '80419' });
    expect(newCalls().map((c) => c.cmdlet)).toEqual(['Lock-CsClientPin', 'Get-CsClientPinInfo', 'Set-CsClientPin', 'Unlock-CsClientPin', 'Get-CsClientPinInfo', 'Set-CsClientPin']);
  });

  it('the server enforces its policy on Set-CsClientPin: length and common patterns (policy); an admin-set PIN skips history', async () => {
    for (const pin of ['1234', '55555', '12345', '98765']) {
      const error = await refusal(worker.call('set', { identity: 'sip:chris.cannon@contoso.com', pin }));
      expect(error.kind, pin).toBe('policy');
      expect(error.message).not.toContain(pin);
    }
    await worker.call('policy-set', { identity: 'Global', pinHistoryCount: 5 });
    await worker.call('set', { identity: 'sip:chris.cannon@contoso.com', pin: '27182' });
    await worker.call('set', { identity: 'sip:chris.cannon@contoso.com', pin: '27182' });
    await worker.call('policy-set', { identity: 'Global', pinHistoryCount: 0 });
  });

  it('policies: new, get (the real property names), set, grant, user-policy (per-user, else site, else Global), remove', async () => {
    const global = await worker.call('policy-get', { identity: 'Global' });
    expect(global.policies).toEqual([{ Identity: 'Global', Description: null, MinPasswordLength: 5, PINHistoryCount: 0, PINLifetime: 0, AllowCommonPatterns: false, MaximumLogonAttempts: null }]);
    const anne = 'sip:anne.wallace@contoso.com';
    expect(await worker.call('user-policy', { identity: anne })).toMatchObject({ SipAddress: anne, PinPolicy: null, RegistrarPool: 'pool02.contoso.com', Site: 'Site:Dublin', Policy: { Identity: 'Global' } });
    await worker.call('policy-new', { identity: 'site:Dublin', minPasswordLength: 6, pinHistoryCount: 3, pinLifetime: 90, description: 'Dublin site' });
    expect((await worker.call('user-policy', { identity: anne })).Policy).toMatchObject({ Identity: 'Site:Dublin', MinPasswordLength: 6, PINLifetime: 90 });
    await worker.call('policy-new', { identity: 'tag:Executives', minPasswordLength: 8, allowCommonPatterns: true });
    await worker.call('policy-grant', { identity: anne, policyName: 'Executives' });
    expect(await worker.call('user-policy', { identity: anne })).toMatchObject({ PinPolicy: 'Executives', Policy: { Identity: 'Tag:Executives', MinPasswordLength: 8, AllowCommonPatterns: true } });
    const short = await refusal(worker.call('set', { identity: anne, pin: '2718281' }));
    expect(short.kind).toBe('policy');
    await worker.call('set', { identity: anne, pin: '12345678' });
    const info = await worker.call('status', { identity: anne });
    expect(info.PinExpirationTime).toBeNull();
    await worker.call('policy-grant', { identity: anne, policyName: null });
    expect((await worker.call('user-policy', { identity: anne })).Policy?.Identity).toBe('Site:Dublin');
    expect(Date.parse((await worker.call('status', { identity: anne })).PinExpirationTime ?? '')).toBeGreaterThan(Date.now() + 80 * 86_400_000);
    await worker.call('policy-set', { identity: 'tag:Executives', description: 'changed' });
    expect((await worker.call('policy-get', {})).policies.map((p) => p.Identity)).toEqual(['Global', 'Site:Dublin', 'Tag:Executives']);
    await worker.call('policy-remove', { identity: 'tag:Executives' });
    await worker.call('policy-remove', { identity: 'site:Dublin' });
    expect((await worker.call('policy-get', {})).policies.map((p) => p.Identity)).toEqual(['Global']);
  });

  it('policy validation ranges are the server\'s (bad-request), and lifetime needs history', async () => {
    expect((await refusal(worker.call('policy-new', { identity: 'tag:Bad', minPasswordLength: 25 }))).kind).toBe('bad-request');
    expect((await refusal(worker.call('policy-new', { identity: 'tag:Bad', pinHistoryCount: 21 }))).kind).toBe('bad-request');
    const lifetime = await refusal(worker.call('policy-new', { identity: 'tag:Bad', pinLifetime: 30 }));
    expect(lifetime.message).toMatch(/PINHistoryCount/);
    expect((await worker.call('policy-get', {})).policies.map((p) => p.Identity)).toEqual(['Global']);
  });

  it('maps errors: not-found (the documented text), not-enabled, access-denied and remoting (fake faults)', async () => {
    const missing = await refusal(worker.call('status', { identity: 'sip:nobody@contoso.com' }));
    expect(missing).toMatchObject({ kind: 'not-found', message: 'Management object not found for identity "sip:nobody@contoso.com".', details: { fqid: 'Identity,Get-CsClientPinInfo', category: 'InvalidData' } });
    expect((await refusal(worker.call('set', { identity: 'sip:mark.hanson@contoso.com', pin: '80417' }))).kind).toBe('not-enabled');
    fake.fault('Set-CsClientPin', 'access-denied');
    const denied = await refusal(worker.call('set', { identity: KEN, pin: '80417' }));
    expect(denied).toMatchObject({ kind: 'access-denied', details: { category: 'PermissionDenied' } });
    fake.fault('Set-CsClientPin', 'remoting');
    expect((await refusal(worker.call('set', { identity: KEN, pin: '80417' }))).kind).toBe('remoting');
    fake.fault('Set-CsClientPin', undefined);
  });

  it('progress, warning, verbose, information and host output never reach stdout', async () => {
    fake.fault('Get-CsClientPinInfo', 'noisy');
    const pid = worker.pid;
    expect((await worker.call('status', { identity: KEN })).Identity).toBe(KEN);
    expect(await worker.call('ping', {})).toMatchObject({ pong: true });
    expect(worker.pid).toBe(pid);
    fake.fault('Get-CsClientPinInfo', undefined);
  });

  const injections = [`Ken"; Remove-CsUser -Identity x; "`, '$(Stop-Process -Id $PID)', '`whoami`', 'a;b', 'a|b', 'a\nRemove-CsUser x', '@{}', "'; Remove-CsUser x; '", 'sip:*@contoso.com', 'sip:ken.myer@contoso.com; Remove-CsUser x'];

  it('refuses injection strings as identities (validation), before and inside the worker; nothing runs', async () => {
    for (const text of injections) {
      expect((await refusal(worker.call('status', { identity: text }))).kind, text).toBe('bad-request');
      expect((await refusal(worker.call('set', { identity: KEN, pin: text }))).kind, text).toBe('bad-request');
    }
    expect(newCalls()).toEqual([]);
  });

  it('free text (a policy Description) reaches the fake module as the same literal string and runs nothing', async () => {
    const pid = worker.pid;
    for (const [i, text] of injections.entries()) {
      await worker.call('policy-new', { identity: `tag:Inj${i}`, description: text });
      const [policy] = (await worker.call('policy-get', { identity: `tag:Inj${i}` })).policies;
      expect(policy?.Description).toBe(text);
    }
    const recorded = newCalls().filter((c) => c.cmdlet === 'New-CsPinPolicy').map((c) => c.parameters['Description']);
    expect(recorded).toEqual(injections);
    expect(fake.calls().some((c) => c.cmdlet === 'Remove-CsUser')).toBe(false);
    expect(worker.pid).toBe(pid);
    for (const i of injections.keys()) await worker.call('policy-remove', { identity: `tag:Inj${i}` });
  });

  it('the worker re-validates what a client sends: raw lines with bad values, unknown ops or arguments, an over-long line', async () => {
    const { spawn } = await import('node:child_process');
    const { pwsh, workerScript } = await import('../support/sfb/pwsh.js');
    const child = spawn(pwsh(), ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', workerScript], { env: fake.env(), stdio: ['pipe', 'pipe', 'inherit'] });
    const lines: string[] = [];
    let rest = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
    });
    const requests = [
      { id: 'a', op: 'status', args: { identity: 'Ken Myer' } },
      { id: 'b', op: 'status', args: { identity: 'sip:ken*@contoso.com' } },
      { id: 'c', op: 'set', args: { identity: KEN, pin: '12a45' } },
      { id: 'd', op: 'Remove-CsUser', args: { identity: KEN } },
      { id: 'e', op: 'status', args: { identity: KEN, Confirm: true } },
      { id: 'f', v: 2, op: 'ping' },
    ];
    child.stdin.write(requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
    child.stdin.write('x'.repeat(70_000) + '\n');
    child.stdin.write('not json\n');
    child.stdin.end(JSON.stringify({ id: 'g', op: 'ping' }) + '\n');
    await new Promise((resolve) => child.once('close', resolve));
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toMatchObject({ type: 'ready', protocol: 1, hash: scriptHash() });
    expect(parsed.slice(1).map((r) => [r.id, r.ok, r.error?.kind])).toEqual([
      ['a', false, 'bad-request'],
      ['b', false, 'bad-request'],
      ['c', false, 'bad-request'],
      ['d', false, 'bad-request'],
      ['e', false, 'bad-request'],
      ['f', false, 'bad-request'],
      [null, false, 'bad-request'],
      [null, false, 'bad-request'],
      ['g', true, undefined],
    ]);
    expect(newCalls()).toEqual([]);
  }, 30_000);
});
