// SFB_WORKERS and /readyz end to end: the real server with real pwsh running sfb/pindesk-worker.ps1
// against the fake module. Starts are held with the fake's import gate (a file the test creates),
// slow cmdlets with its `gate:<file>` fault: no timing decides an outcome.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf, cardText, sentText, startHarness, type Harness } from '../support/harness.js';
import { FakeSfb, fakeModulePath, pwsh, pwshAvailable, type CallRecord } from '../support/sfb/pwsh.js';
import { logged, readyz, waitForReadyz, waitUntil, warmPids } from '../support/sfb/readiness.js';

const KEN = 'sip:ken.myer@contoso.com';
const PILAR = 'sip:pilar.ackerman@contoso.com';

/** A fake server and PinDesk on it; `importGate` holds every worker's module import until opened. */
async function deskOn(fake: FakeSfb, env: Record<string, string>, importGate?: string): Promise<Harness> {
  fake.state(); // seeded now, before any gate is in the environment
  const saved = { ...process.env };
  // The worker inherits PinDesk's environment: that is how the fake finds its files.
  process.env.SFB_FAKE_STATE = fake.stateFile;
  process.env.SFB_FAKE_CALLS = fake.callsFile;
  if (importGate) process.env.SFB_FAKE_IMPORT_GATE = importGate;
  try {
    return await startHarness({ PIN_AUTHORITY: 'sfb', SFB_PWSH: pwsh(), SFB_MODULE: path.join(fakeModulePath, 'SkypeForBusiness'), SFB_TIMEOUT: '20s', ...env });
  } finally {
    for (const name of ['SFB_FAKE_STATE', 'SFB_FAKE_CALLS', 'SFB_FAKE_IMPORT_GATE']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

const statusCalls = (calls: CallRecord[]) => calls.filter((c) => c.cmdlet === 'Get-CsClientPinInfo');

describe.runIf(pwshAvailable())('SFB_WORKERS=1: readiness while starting and restarting, one operation at a time', () => {
  let h: Harness;
  let fake: FakeSfb;
  let importGate: string;
  let callGate: string;
  beforeAll(async () => {
    fake = new FakeSfb();
    importGate = path.join(fake.dir, 'import-gate');
    callGate = path.join(fake.dir, 'call-gate');
    h = await deskOn(fake, { SFB_WORKERS: '1', SFB_QUEUE: '1' }, importGate);
  }, 60_000);
  afterAll(async () => {
    writeFileSync(importGate, '');
    writeFileSync(callGate, '');
    await h?.stop();
    await fake?.dispose();
  });

  it('/readyz is 503 (sfb-worker-starting) while the worker is starting, 200 once it answered ping', async () => {
    expect(await readyz(h)).toEqual({ status: 503, body: { status: 'unavailable', reason: 'sfb-worker-starting' } });
    expect(logged(h, 'not ready').at(-1)).toMatchObject({ level: 50, reason: 'sfb-worker-starting' });
    writeFileSync(importGate, '');
    await waitForReadyz(h, 200);
    expect(warmPids(h).size).toBe(1);
  }, 60_000);

  it('one worker serialises two overlapping slow operations: the second begins after the first is let go', async () => {
    rmSync(callGate, { force: true });
    fake.fault('Get-CsClientPinInfo', `gate:${callGate}`);
    const before = fake.calls().length;
    const turns = [h.emulator('pilar').say('pin status Ken Myer'), h.emulator('anne').say('pin status Pilar Ackerman')];
    await waitUntil(() => statusCalls(fake.calls().slice(before)).length === 1, 'the first status call');
    const released = Date.now();
    writeFileSync(callGate, '');
    const answers = await Promise.all(turns);
    for (const turn of answers) expect(cardText(cardOf(turn.sent[0]))).toContain('IsLockedOut: No');
    const calls = statusCalls(fake.calls().slice(before));
    expect(calls.map((c) => c.parameters['Identity']).sort()).toEqual([KEN, PILAR]);
    expect(new Set(calls.map((c) => c.pid)).size).toBe(1);
    expect(Date.parse(calls[1]!.at)).toBeGreaterThanOrEqual(released);
    fake.fault('Get-CsClientPinInfo', undefined);
  }, 60_000);

  it('/readyz is 503 (sfb-worker-unavailable) while the only worker is dead and restarting, 200 once it is warm again', async () => {
    rmSync(importGate); // the restarted worker's import now waits
    const [pid] = [...warmPids(h).values()];
    process.kill(-pid!, 'SIGKILL');
    await waitForReadyz(h, 503, 'sfb-worker-unavailable');
    writeFileSync(importGate, '');
    await waitForReadyz(h, 200);
    expect(warmPids(h).get(0)).not.toBe(pid);
    expect(cardText(cardOf((await h.emulator('pilar').say('pin status Ken Myer')).sent[0]))).toContain('IsPinSet');
  }, 60_000);
});

describe.runIf(pwshAvailable())('SFB_WORKERS=2, SFB_QUEUE=0: overlapping operations, busy, one lost and replaced', () => {
  let h: Harness;
  let fake: FakeSfb;
  let callGate: string;
  beforeAll(async () => {
    fake = new FakeSfb();
    callGate = path.join(fake.dir, 'call-gate');
    h = await deskOn(fake, { SFB_WORKERS: '2', SFB_QUEUE: '0' });
    await waitUntil(() => warmPids(h).size === 2, 'two warm workers', 60_000);
  }, 90_000);
  afterAll(async () => {
    writeFileSync(callGate, '');
    await h?.stop();
    await fake?.dispose();
  });

  it('both workers are warm and /readyz is 200', async () => {
    expect(new Set(warmPids(h).values()).size).toBe(2);
    expect((await readyz(h)).status).toBe(200);
  });

  it('two overlapping slow operations run at once, in two worker processes', async () => {
    rmSync(callGate, { force: true });
    fake.fault('Get-CsClientPinInfo', `gate:${callGate}`);
    const before = fake.calls().length;
    const turns = [h.emulator('pilar').say('pin status Ken Myer'), h.emulator('anne').say('pin status Pilar Ackerman')];
    // Both calls reach the server while neither can finish: they overlap.
    await waitUntil(() => statusCalls(fake.calls().slice(before)).length === 2, 'both status calls under way');
    const released = Date.now();
    writeFileSync(callGate, '');
    for (const turn of await Promise.all(turns)) expect(cardText(cardOf(turn.sent[0]))).toContain('IsLockedOut: No');
    const calls = statusCalls(fake.calls().slice(before));
    // (The fake records PowerShell's own $PID: under a launcher it is a child of the worker's process.)
    expect(new Set(calls.map((c) => c.pid)).size).toBe(2);
    for (const call of calls) expect(Date.parse(call.at)).toBeLessThan(released);
    fake.fault('Get-CsClientPinInfo', undefined);
  }, 60_000);

  it('both workers busy and no room to wait (SFB_QUEUE=0): "busy, try again" in chat, nothing changed', async () => {
    rmSync(callGate, { force: true });
    fake.fault('Get-CsClientPinInfo', `gate:${callGate}`);
    const before = fake.calls().length;
    const held = [h.emulator('pilar').say('pin status Ken Myer'), h.emulator('chris').say('pin status Ken Myer')];
    await waitUntil(() => statusCalls(fake.calls().slice(before)).length === 2, 'both workers held');
    const text = sentText(await h.emulator('anne').say('set pin Pilar Ackerman'));
    expect(text).toMatch(/busy, try again/);
    expect(text).toMatch(/nothing (was )?changed/i);
    writeFileSync(callGate, '');
    await Promise.all(held);
    // Only the two held status reads (and their policy reads) reached the server: nothing about Pilar, no change.
    const calls = fake.calls().slice(before);
    expect(calls.filter((c) => !c.cmdlet.startsWith('Get-'))).toEqual([]);
    expect(calls.filter((c) => c.parameters['Identity'] === PILAR)).toEqual([]);
    expect(statusCalls(calls).map((c) => c.parameters['Identity'])).toEqual([KEN, KEN]);
    expect(fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === PILAR).PinSha256).toBeNull();
    fake.fault('Get-CsClientPinInfo', undefined);
  }, 60_000);

  it('a worker killed is replaced; the other keeps serving and /readyz stays 200', async () => {
    const pids = warmPids(h);
    const lost = pids.get(0)!;
    const kept = pids.get(1)!;
    process.kill(-lost, 'SIGKILL');
    await waitUntil(() => logged(h, 'Skype for Business worker exited').some((e) => e.pid === lost), 'the kill seen');
    expect((await readyz(h)).status).toBe(200);
    expect(cardText(cardOf((await h.emulator('pilar').say('pin status Ken Myer')).sent[0]))).toContain('IsPinSet');
    await waitUntil(() => warmPids(h).get(0) !== lost, 'worker 0 warm again', 60_000);
    expect(warmPids(h).get(1)).toBe(kept);
    expect(existsSync(`/proc/${kept}`)).toBe(true);
  }, 90_000);
});

describe.runIf(pwshAvailable())('the module fails to import', () => {
  let h: Harness;
  let fake: FakeSfb;
  beforeAll(async () => {
    fake = new FakeSfb();
    h = await deskOn(fake, { SFB_MODULE: path.join(fake.dir, 'NoSuchSkypeModule') });
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await fake?.dispose();
  });

  it('/readyz is 503 (sfb-worker-unavailable), the cause is logged, and chat says the worker is not available', async () => {
    await waitForReadyz(h, 503, 'sfb-worker-unavailable');
    expect(JSON.stringify(logged(h, 'not ready').at(-1))).toMatch(/cannot import module/);
    expect(logged(h, 'the Skype for Business worker could not start').length).toBeGreaterThan(0);
    const text = sentText(await h.emulator('pilar').say('pin status Ken Myer'));
    expect(text).toMatch(/Skype for Business worker is not available/);
  }, 60_000);
});
