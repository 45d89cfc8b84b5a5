// PIN_AUTHORITY=sfb end to end, faults of a worker's start: the Skype for Business module failing
// to import at boot (PinDesk still starts, answers that the worker is not available and that
// nothing changed, and starts a worker once the module loads), and a slow module import (PinDesk
// does not wait for it: /readyz is 503 until the worker answered ping; a command waits for it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf, cardText, sentText, type Harness } from '../support/harness.js';
import { alive, groupMembers, logged, startSfbHarness, waitFor, workerPid } from '../support/sfb/chat.js';
import { readyz, waitForReadyz } from '../support/sfb/readiness.js';
import { FakeSfb, pwshAvailable } from '../support/sfb/pwsh.js';

describe.runIf(pwshAvailable())('PIN_AUTHORITY=sfb: the module fails to import at boot, through chat', () => {
  let h: Harness;
  let fake: FakeSfb;
  beforeAll(async () => {
    fake = new FakeSfb();
    fake.fault('Import-Module', 'fail');
    h = await startSfbHarness(fake, { SFB_TIMEOUT: '20s' }, { ready: false });
  }, 90_000);
  afterAll(async () => {
    await h?.stop();
    await fake?.dispose();
  });

  it('PinDesk starts anyway, logs why the worker could not start, and /readyz says 503 (sfb-worker-unavailable)', async () => {
    expect(await waitFor(() => logged(h, 'the Skype for Business worker could not start').length > 0)).toBe(true);
    const [entry] = logged(h, 'the Skype for Business worker could not start');
    expect(entry).toMatchObject({ worker: 0, failure: { kind: 'unavailable', message: expect.stringMatching(/cannot import module .*Could not load file or assembly 'Microsoft\.Rtc\.Management/) } });
    expect(workerPid(h)).toBeUndefined();
    expect(await readyz(h)).toMatchObject({ status: 503, body: { reason: 'sfb-worker-unavailable' } });
  });

  it('set, status, lock and unlock answer that the worker is not available and that nothing was changed; the server got nothing', async () => {
    const stateBefore = JSON.stringify(fake.state().users);
    // (Seeding the fake's state ran Get-CsPinPolicy in a pwsh of the test's own: those calls are not PinDesk's.)
    const callsBefore = fake.calls().length;
    for (const [who, text] of [
      ['pilar', 'set pin Ken Myer'],
      ['pilar', 'set pin Ken Myer 740185'],
      ['anne', 'pin status Ken Myer'],
      ['anne', 'lock pin Ken Myer'],
      ['anne', 'unlock pin Ken Myer'],
    ] as const) {
      const answer = sentText(await h.emulator(who).say(text));
      expect(answer, text).toMatch(/the Skype for Business worker is not available, so nothing was changed/);
      expect(answer, text).not.toMatch(/PIN set|PIN locked|PIN unlocked|IsPinSet/);
    }
    expect(fake.calls().slice(callsBefore)).toEqual([]);
    expect(JSON.stringify(fake.state().users)).toBe(stateBefore);
    expect(workerPid(h)).toBeUndefined();
  }, 90_000);

  it('once the module loads (slowly), the next command waits for a worker to start and works; /readyz turns 200', async () => {
    fake.fault('Import-Module', 'sleep:1500');
    const text = cardText(cardOf((await h.emulator('pilar').say('set pin Ken Myer')).sent[0]));
    expect(text).toContain('PIN set for Ken Myer');
    const pid = workerPid(h)!;
    expect(alive(pid)).toBe(true);
    expect(logged(h, 'Skype for Business worker ready').at(-1)!['ms']).toBeGreaterThanOrEqual(1_500);
    const sets = fake.calls().filter((c) => c.cmdlet === 'Set-CsClientPin');
    expect(sets).toEqual([expect.objectContaining({ parameters: expect.objectContaining({ Identity: 'sip:ken.myer@contoso.com' }) })]);
    // Run by that worker (pwsh may be a launcher with PowerShell in a child: same process group).
    expect(groupMembers(pid)).toContain(sets[0]!.pid);
    await waitForReadyz(h, 200);
  }, 90_000);
});

describe.runIf(pwshAvailable())('PIN_AUTHORITY=sfb: a slow module import at boot', () => {
  let h: Harness;
  let fake: FakeSfb;
  const DELAY = 2_500;
  let bootMs = 0;
  let booted = 0;
  beforeAll(async () => {
    fake = new FakeSfb();
    fake.fault('Import-Module', `sleep:${DELAY}`);
    const started = Date.now();
    h = await startSfbHarness(fake, { SFB_TIMEOUT: '20s' }, { ready: false });
    booted = Date.now();
    bootMs = booted - started;
  }, 90_000);
  afterAll(async () => {
    await h?.stop();
    await fake?.dispose();
  });

  it('boot does not wait; /readyz is 503 while the import is slow; the first command waits for that start and answers; then 200; one worker process', async () => {
    expect(bootMs).toBeLessThan(DELAY);
    // Still importing: not ready, no worker logged.
    expect(await readyz(h)).toEqual({ status: 503, body: { status: 'unavailable', reason: 'sfb-worker-starting' } });
    expect(logged(h, 'Skype for Business worker ready')).toEqual([]);
    const turn = await h.emulator('anne').say('pin status Ken Myer');
    expect(cardText(cardOf(turn.sent[0]))).toContain('IsLockedOut: No');
    // The answer came from the worker whose start was under way at boot: it waited for its import.
    expect(Date.now() - booted).toBeGreaterThanOrEqual(DELAY - bootMs);
    const ready = logged(h, 'Skype for Business worker ready');
    expect(ready).toHaveLength(1);
    expect(ready[0]!['ms']).toBeGreaterThanOrEqual(DELAY);
    const status = fake.calls().filter((c) => c.cmdlet === 'Get-CsClientPinInfo');
    expect(status).toHaveLength(1);
    expect(groupMembers(ready[0]!['pid'])).toContain(status[0]!.pid);
    await waitForReadyz(h, 200);
    // One worker process was started, not a second one for the command.
    expect(logged(h, 'Skype for Business worker ready')).toHaveLength(1);
    expect(logged(h, 'Skype for Business worker answered ping').map((e) => e['pid'])).toEqual([ready[0]!['pid']]);
  }, 60_000);
});
