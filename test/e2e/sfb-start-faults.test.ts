// PIN_AUTHORITY=sfb end to end, faults of a worker's start: the Skype for Business module failing
// to import at boot (PinDesk still starts, answers that the worker is not available and that
// nothing changed, and starts a worker once the module loads), and a slow module import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf, cardText, sentText, type Harness } from '../support/harness.js';
import { alive, groupMembers, logged, startSfbHarness, workerPid } from '../support/sfb/chat.js';
import { FakeSfb, pwshAvailable } from '../support/sfb/pwsh.js';

describe.runIf(pwshAvailable())('PIN_AUTHORITY=sfb: the module fails to import at boot, through chat', () => {
  let h: Harness;
  let fake: FakeSfb;
  beforeAll(async () => {
    fake = new FakeSfb();
    fake.fault('Import-Module', 'fail');
    h = await startSfbHarness(fake, { SFB_TIMEOUT: '20s' });
  }, 90_000);
  afterAll(async () => {
    await h?.stop();
    await fake?.dispose();
  });

  it('PinDesk starts anyway and logs why the worker could not start', () => {
    expect(workerPid(h)).toBeUndefined();
    const [entry] = logged(h, 'the Skype for Business worker could not start');
    expect(JSON.stringify(entry)).toMatch(/cannot import module .*Could not load file or assembly 'Microsoft\.Rtc\.Management/);
  });

  it('set, status, lock and unlock answer that the worker is not available and that nothing was changed; the server got nothing', async () => {
    const stateBefore = JSON.stringify(fake.state().users);
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
    expect(fake.calls().filter((c) => c.cmdlet !== 'Get-CsPinPolicy')).toEqual([]);
    expect(JSON.stringify(fake.state().users)).toBe(stateBefore);
    expect(workerPid(h)).toBeUndefined();
  }, 90_000);

  it('once the module loads (slowly), the next command starts a worker and works', async () => {
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
  }, 90_000);
});

describe.runIf(pwshAvailable())('PIN_AUTHORITY=sfb: a slow module import at boot', () => {
  let h: Harness;
  let fake: FakeSfb;
  const DELAY = 2_500;
  let bootMs = 0;
  beforeAll(async () => {
    fake = new FakeSfb();
    fake.fault('Import-Module', `sleep:${DELAY}`);
    const started = Date.now();
    h = await startSfbHarness(fake, { SFB_TIMEOUT: '20s' });
    bootMs = Date.now() - started;
  }, 90_000);
  afterAll(async () => {
    await h?.stop();
    await fake?.dispose();
  });

  it('boot waits for the worker (warmed at boot), then the first command answers at once from it', async () => {
    expect(bootMs).toBeGreaterThanOrEqual(DELAY);
    const ready = logged(h, 'Skype for Business worker ready');
    expect(ready).toHaveLength(1);
    expect(ready[0]!['ms']).toBeGreaterThanOrEqual(DELAY);
    const turn = await h.emulator('anne').say('pin status Ken Myer');
    expect(cardText(cardOf(turn.sent[0]))).toContain('IsLockedOut: No');
    // The first command used the worker warmed at boot: no second start.
    expect(logged(h, 'Skype for Business worker ready')).toHaveLength(1);
  }, 60_000);
});
