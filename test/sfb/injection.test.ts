// PowerShell injection at the worker (sfb/pindesk-worker.ps1 under real pwsh, the fake module): the
// one free-text value the protocol carries (a policy Description) reaches the cmdlet as the same
// literal string, through New- and Set-CsPinPolicy, and runs nothing; every other value is
// checked by pattern on both sides and refused, even when a client skips its own checks.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PowerShellWorker } from '../../src/adapters/sfb/powershell-worker.js';
import { FakeSfb, pwsh, pwshAvailable, refusal, workerScript } from '../support/sfb/pwsh.js';

const INJECTIONS = [
  'Ken"; Remove-CsUser -Identity x; "',
  '$(Stop-Process -Id $PID)',
  '`whoami`',
  'a; Remove-CsUser x',
  'a | Remove-CsUser x',
  'line one\nRemove-CsUser -Identity x\r\nline three',
  '@{Identity="x"}',
  "'; Remove-CsUser x; '",
  '& Remove-CsUser x',
  '${function:Remove-CsUser}',
  '$env:SFB_FAKE_STATE',
  '--% Remove-CsUser x',
  '-Confirm:$true -WhatIf',
  "@'\nRemove-CsUser x\n'@",
  'nul\u0000byte, tab\there, \u202Eright-to-left, 🔐',
  `${'x'.repeat(990)}; Remove-CsUser x`,
];


describe.runIf(pwshAvailable())('Skype for Business worker: injection in values (real pwsh, fake module)', () => {
  let fake: FakeSfb;
  let worker: PowerShellWorker;
  let pid: number;
  beforeAll(async () => {
    fake = new FakeSfb();
    worker = fake.worker();
    await worker.start();
    pid = worker.pid!;
  }, 60_000);
  afterAll(async () => fake?.dispose());

  it('a Description reaches New-CsPinPolicy and Set-CsPinPolicy as the same literal string; nothing else runs; same worker', async () => {
    const before = fake.calls().length;
    for (const [i, text] of INJECTIONS.entries()) {
      await worker.call('policy-new', { identity: `tag:Inj${i}`, description: text });
      await worker.call('policy-set', { identity: `tag:Inj${i}`, description: `${text}!` });
      const [policy] = (await worker.call('policy-get', { identity: `tag:Inj${i}` })).policies;
      expect(policy?.Description, JSON.stringify(text)).toBe(`${text}!`);
    }
    const calls = fake.calls().slice(before);
    expect(calls.filter((c) => c.cmdlet === 'New-CsPinPolicy').map((c) => c.parameters['Description'])).toEqual(INJECTIONS);
    expect(calls.filter((c) => c.cmdlet === 'Set-CsPinPolicy').map((c) => c.parameters['Description'])).toEqual(INJECTIONS.map((t) => `${t}!`));
    expect(new Set(calls.map((c) => c.cmdlet))).toEqual(new Set(['New-CsPinPolicy', 'Set-CsPinPolicy', 'Get-CsPinPolicy']));
    expect(calls.every((c) => c.pid === calls[0]!.pid)).toBe(true);
    expect(worker.pid).toBe(pid);
    expect(await worker.call('ping', {})).toMatchObject({ pong: true });
    for (const i of INJECTIONS.keys()) await worker.call('policy-remove', { identity: `tag:Inj${i}` });
  }, 60_000);

  it('as an identity, a PIN, a policy name or a policy identity: refused by the client (bad-request), nothing sent', async () => {
    const before = fake.calls().length;
    for (const text of INJECTIONS) {
      expect((await refusal(worker.call('status', { identity: text }))).kind).toBe('bad-request');
      expect((await refusal(worker.call('set', { identity: 'sip:ken.myer@contoso.com', pin: text }))).kind).toBe('bad-request');
      expect((await refusal(worker.call('policy-grant', { identity: 'sip:ken.myer@contoso.com', policyName: text }))).kind).toBe('bad-request');
      expect((await refusal(worker.call('policy-new', { identity: text }))).kind).toBe('bad-request');
    }
    expect(fake.calls().slice(before)).toEqual([]);
    expect(worker.pid).toBe(pid);
  }, 60_000);

  it('the worker refuses them itself when a client skips its checks (raw request lines); a non-string or too long Description too', async () => {
    const child = spawn(pwsh(), ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', workerScript], { env: fake.env(), stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const before = fake.calls().length;
    const requests: Array<Record<string, unknown>> = [];
    for (const [i, text] of INJECTIONS.entries()) {
      requests.push(
        { id: `s${i}`, op: 'status', args: { identity: text } },
        { id: `g${i}`, op: 'policy-grant', args: { identity: 'sip:ken.myer@contoso.com', policyName: text } },
        { id: `n${i}`, op: 'policy-new', args: { identity: text } },
        { id: `r${i}`, op: 'policy-remove', args: { identity: `tag:x${text}` } },
      );
    }
    requests.push(
      { id: 'd1', op: 'policy-new', args: { identity: 'tag:Obj', description: { '@{}': 1 } } },
      { id: 'd2', op: 'policy-new', args: { identity: 'tag:Arr', description: ['Remove-CsUser', 'x'] } },
      { id: 'd3', op: 'policy-new', args: { identity: 'tag:Long', description: 'y'.repeat(1025) } },
      { id: 'c1', op: 'policy-new', args: { identity: 'tag:Extra', description: 'ok', Cmdlet: 'Remove-CsUser' } },
    );
    child.stdin.end(requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await new Promise((resolve) => child.once('close', resolve));
    const answers = out.split('\n').filter(Boolean).slice(1).map((line) => JSON.parse(line) as { id: string; ok: boolean; error?: { kind: string } });
    expect(answers.map((a) => a.id)).toEqual(requests.map((r) => r.id));
    for (const answer of answers) expect([answer.id, answer.ok, answer.error?.kind]).toEqual([answer.id, false, 'bad-request']);
    expect(fake.calls().slice(before)).toEqual([]);
  }, 60_000);
});
