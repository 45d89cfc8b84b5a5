// PIN_AUTHORITY=sfb, SFB_TRANSPORT=local, end to end: the real server started with real pwsh
// running sfb/pindesk-worker.ps1 against the fake SkypeForBusiness module (test/fixtures/sfb),
// driven through the Emulator. The fake records every cmdlet call (a PIN only as its SHA-256).
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, sentText, startHarness, type Harness } from '../support/harness.js';
import { FakeSfb, fakeModulePath, pwsh, pwshAvailable, type CallRecord } from '../support/sfb/pwsh.js';
import { waitForReadyz } from '../support/sfb/readiness.js';

const KEN = 'sip:ken.myer@contoso.com';
const PIN_CMDLET = /ClientPin/;
const pinCalls = (calls: CallRecord[]) => calls.filter((c) => PIN_CMDLET.test(c.cmdlet));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const pinOnCard = (card: any): string | undefined =>
  card.body.filter((b: any) => b.type === 'TextBlock' && b.fontType === 'Monospace' && b.size === 'ExtraLarge')[0]?.text;

describe.runIf(pwshAvailable())('PIN_AUTHORITY=sfb over the local worker (real pwsh, fake module)', () => {
  let h: Harness;
  let fake: FakeSfb;
  const saved = { state: process.env.SFB_FAKE_STATE, calls: process.env.SFB_FAKE_CALLS };
  beforeAll(async () => {
    fake = new FakeSfb();
    // Ken Meyer is enabled in the directory but not on the server.
    const state = fake.state();
    state.users.find((u: { SipAddress: string }) => u.SipAddress === 'sip:ken.meyer@contoso.com').Enabled = false;
    fake.writeState(state);
    // The worker inherits PinDesk's environment: that is how the fake finds its files.
    process.env.SFB_FAKE_STATE = fake.stateFile;
    process.env.SFB_FAKE_CALLS = fake.callsFile;
    h = await startHarness({ PIN_AUTHORITY: 'sfb', SFB_PWSH: pwsh(), SFB_MODULE: path.join(fakeModulePath, 'SkypeForBusiness'), SFB_TIMEOUT: '15s' });
    // The worker starts in the background: /readyz says when it has answered ping.
    await waitForReadyz(h, 200);
  }, 90_000);
  afterAll(async () => {
    await h?.stop();
    await fake?.dispose();
    for (const [name, value] of [['SFB_FAKE_STATE', saved.state], ['SFB_FAKE_CALLS', saved.calls]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('starts one worker at boot', () => {
    expect(h.logLines.some((line) => line.includes('Skype for Business worker ready'))).toBe(true);
  });

  it('set pin: the PIN revealed on the card is the one the server recorded, for the SIP address', async () => {
    const before = fake.calls().length;
    const pilar = h.emulator('pilar');
    const turn = await pilar.say('set pin Ken Myer');
    const card = cardOf(turn.sent[0]);
    expect(cardText(card)).toContain('PIN set for Ken Myer');
    const pin = pinOnCard(cardOf((await pilar.submit(action(card, 'Reveal PIN'))).sent[0]))!;
    expect(pin).toMatch(/^\d{5,}$/);
    const sets = fake.calls().slice(before).filter((c) => c.cmdlet === 'Set-CsClientPin');
    expect(sets).toEqual([expect.objectContaining({ parameters: expect.objectContaining({ Identity: KEN, Pin: { sha256: sha(pin), length: pin.length } }) })]);
    expect(fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN).PinSha256).toBe(sha(pin));
  });

  it('pin status reads Get-CsClientPinInfo', async () => {
    const before = fake.calls().length;
    const text = cardText(cardOf((await h.emulator('pilar').say('pin status Ken Myer')).sent[0]));
    expect(text).toContain('IsPinSet: Yes');
    expect(text).toContain('IsLockedOut: No');
    const calls = fake.calls().slice(before);
    expect(pinCalls(calls)).toEqual([expect.objectContaining({ cmdlet: 'Get-CsClientPinInfo', parameters: { Identity: KEN } })]);
    // The governing policy shown is the server's: the user's PinPolicy and pool, the pool's site, the policies.
    expect(calls.filter((c) => !PIN_CMDLET.test(c.cmdlet)).map((c) => [c.cmdlet, c.parameters['Identity'] ?? null])).toEqual([
      ['Get-CsUser', KEN],
      ['Get-CsPool', 'pool01.contoso.com'],
      ['Get-CsPinPolicy', null],
    ]);
  });

  it('lock pin, then set pin is refused and offers Unlock and set, which unlocks then sets on the server', async () => {
    const anne = h.emulator('anne');
    expect(cardText(cardOf((await anne.say('lock pin Ken Myer')).sent[0]))).toContain('PIN locked for Ken Myer');
    expect(cardText(cardOf((await anne.say('pin status Ken Myer')).sent[0]))).toContain('IsLockedOut: Yes');
    const refused = await anne.say('set pin Ken Myer');
    const refusal = cardOf(refused.sent[0]);
    expect(cardText(refusal)).toContain('you must unlock the PIN before you can set it');
    const before = fake.calls().length;
    const done = await anne.submit(action(refusal, 'Unlock and set'));
    expect(cardText(cardOf(done.sent.find((s) => s.kind === 'send')))).toContain('PIN unlocked and set for Ken Myer');
    // LastPinChangeTime is read first (the intent's mark for crash reconciliation), then unlock, then set.
    expect(pinCalls(fake.calls().slice(before)).map((c) => [c.cmdlet, c.parameters['Identity']])).toEqual([
      ['Get-CsClientPinInfo', KEN],
      ['Unlock-CsClientPin', KEN],
      ['Set-CsClientPin', KEN],
    ]);
    expect(cardText(cardOf((await anne.say('pin status Ken Myer')).sent[0]))).toContain('IsLockedOut: No');
  });

  it('unlock pin runs Unlock-CsClientPin', async () => {
    const chris = h.emulator('chris');
    await chris.say('lock pin Ken Myer');
    const before = fake.calls().length;
    expect(cardText(cardOf((await chris.say('unlock pin Ken Myer')).sent[0]))).toContain('PIN unlocked for Ken Myer');
    expect(fake.calls().slice(before).map((c) => c.cmdlet)).toContain('Unlock-CsClientPin');
    expect(fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN).IsLockedOut).toBe(false);
  });

  it('a user not enabled, in the directory or only on the server, is refused with that reason', async () => {
    const before = fake.calls().length;
    expect(sentText(await h.emulator('pilar').say('set pin Mark Hanson'))).toMatch(/Mark Hanson is not enabled for Skype for Business/);
    expect(fake.calls().slice(before)).toEqual([]);
    expect(sentText(await h.emulator('pilar').say('set pin Ken Meyer'))).toMatch(/Ken Meyer is not enabled for Skype for Business/);
    // The status read before the set (LastPinChangeTime) is refused already: no set is sent.
    expect(pinCalls(fake.calls().slice(before))).toEqual([expect.objectContaining({ cmdlet: 'Get-CsClientPinInfo', parameters: { Identity: 'sip:ken.meyer@contoso.com' } })]);
  });

  it('the server only ever got SIP addresses, never a display name or free text', () => {
    // Besides the PIN cmdlets, only the reads of the governing policy (Get-CsPool gets a pool's FQDN).
    expect(new Set(fake.calls().filter((c) => !PIN_CMDLET.test(c.cmdlet)).map((c) => c.cmdlet))).toEqual(new Set(['Get-CsUser', 'Get-CsPool', 'Get-CsPinPolicy']));
    const identities = fake.calls().filter((c) => PIN_CMDLET.test(c.cmdlet) || c.cmdlet === 'Get-CsUser').map((c) => c.parameters['Identity']);
    expect(identities.length).toBeGreaterThan(5);
    for (const identity of identities) expect(identity).toMatch(/^sip:[a-z.]+@contoso\.com$/);
    expect(JSON.stringify(fake.calls())).not.toMatch(/Ken Myer|Mark Hanson|Ken Meyer/);
  });
});
