// PIN_AUTHORITY=sfb, SFB_TRANSPORT=ssh, end to end: the real server started with its SFB_SSH_*
// settings runs the real OpenSSH client to a throwaway sshd on 127.0.0.1, whose authorized_keys
// entry forces real pwsh on sfb/pindesk-worker.ps1 against the fake module. A smaller suite than
// test/e2e/sfb.test.ts (the local transport): the same answers, now over SSH.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, sentText, startHarness, type Harness } from '../support/harness.js';
import { pwshAvailable, scriptHash, type CallRecord } from '../support/sfb/pwsh.js';
import { logged, readyz, waitForReadyz, waitUntil } from '../support/sfb/readiness.js';
import { Sshd, sshdAvailable } from '../support/sfb/sshd.js';

const KEN = 'sip:ken.myer@contoso.com';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
/** The calls about the user, in order: the governing-policy reads of the pool and policy left out. */
const userCalls = (calls: CallRecord[]) =>
  calls.filter((c) => c.cmdlet !== 'Get-CsPool' && c.cmdlet !== 'Get-CsPinPolicy').map((c) => [c.cmdlet, c.parameters['Identity']]);
const pinOnCard = (card: any): string | undefined =>
  card.body.filter((b: any) => b.type === 'TextBlock' && b.fontType === 'Monospace' && b.size === 'ExtraLarge')[0]?.text;

describe.runIf(pwshAvailable() && sshdAvailable())('PIN_AUTHORITY=sfb over SFB_TRANSPORT=ssh (real ssh and sshd, real pwsh, fake module)', () => {
  let h: Harness;
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await new Sshd().start();
    // Ken Meyer is enabled in the directory but not on the server.
    const state = sshd.fake.state();
    state.users.find((u: { SipAddress: string }) => u.SipAddress === 'sip:ken.meyer@contoso.com').Enabled = false;
    sshd.fake.writeState(state);
    // PinDesk itself gets only the SFB_SSH_* settings: the fake's files reach the worker through the host's forced command.
    h = await startHarness({ PIN_AUTHORITY: 'sfb', SFB_TIMEOUT: '15s', ...sshd.env() });
    // PinDesk does not wait for its worker at boot: /readyz says when it answered.
    await waitForReadyz(h, 200);
  }, 90_000);
  afterAll(async () => {
    await h?.stop();
    await sshd?.stop();
  });

  it('starts the worker over ssh at boot', () => {
    expect(h.logLines.some((line) => line.includes('Skype for Business worker ready') && line.includes(`ssh ${sshd.user}@127.0.0.1:${sshd.port}`))).toBe(true);
  });

  it('set pin: the PIN revealed is the one the server recorded; it never reached the ssh client or the far worker other than on stdin', async () => {
    const before = sshd.fake.calls().length;
    const pilar = h.emulator('pilar');
    const card = cardOf((await pilar.say('set pin Ken Myer')).sent[0]);
    expect(cardText(card)).toContain('PIN set for Ken Myer');
    const pin = pinOnCard(cardOf((await pilar.submit(action(card, 'Reveal PIN'))).sent[0]))!;
    expect(pin).toMatch(/^\d{5,}$/);
    expect(sshd.fake.calls().slice(before).filter((c) => c.cmdlet === 'Set-CsClientPin')).toEqual([
      expect.objectContaining({ parameters: expect.objectContaining({ Identity: KEN, Pin: { sha256: sha(pin), length: pin.length } }) }),
    ]);
    expect(sshd.fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN).PinSha256).toBe(sha(pin));
    const sshClients = childrenOf(process.pid).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('/usr/bin/ssh\0'));
    expect(sshClients.length).toBe(1);
    for (const pid of [...sshClients, ...sshd.forcedCommandPids()]) {
      for (const file of ['cmdline', 'environ']) expect(readFileSync(`/proc/${pid}/${file}`, 'utf8')).not.toContain(pin);
    }
    expect(h.logLines.join('\n')).not.toContain(pin);
  });

  it('pin status reads Get-CsClientPinInfo', async () => {
    const before = sshd.fake.calls().length;
    const text = cardText(cardOf((await h.emulator('pilar').say('pin status Ken Myer')).sent[0]));
    expect(text).toContain('IsPinSet: Yes');
    expect(text).toContain('IsLockedOut: No');
    expect(sshd.fake.calls().slice(before).filter((c) => /ClientPin/.test(c.cmdlet))).toEqual([expect.objectContaining({ cmdlet: 'Get-CsClientPinInfo', parameters: { Identity: KEN } })]);
    // The governing policy is read for the user by the same SIP address.
    expect(userCalls(sshd.fake.calls().slice(before))).toEqual([['Get-CsClientPinInfo', KEN], ['Get-CsUser', KEN]]);
  });

  it('lock pin, then Unlock and set unlocks then sets on the server', async () => {
    const anne = h.emulator('anne');
    expect(cardText(cardOf((await anne.say('lock pin Ken Myer')).sent[0]))).toContain('PIN locked for Ken Myer');
    const refusal = cardOf((await anne.say('set pin Ken Myer')).sent[0]);
    expect(cardText(refusal)).toContain('you must unlock the PIN before you can set it');
    const before = sshd.fake.calls().length;
    const done = await anne.submit(action(refusal, 'Unlock and set'));
    expect(cardText(cardOf(done.sent.find((s) => s.kind === 'send')))).toContain('PIN unlocked and set for Ken Myer');
    // The policy, the server's mark of the last PIN change (read before the set), then unlock and set.
    expect(userCalls(sshd.fake.calls().slice(before))).toEqual([
      ['Get-CsUser', KEN],
      ['Get-CsClientPinInfo', KEN],
      ['Unlock-CsClientPin', KEN],
      ['Set-CsClientPin', KEN],
    ]);
    expect(cardText(cardOf((await anne.say('pin status Ken Myer')).sent[0]))).toContain('IsLockedOut: No');
  });

  it('a user not enabled on the server is refused with that reason', async () => {
    expect(sentText(await h.emulator('pilar').say('set pin Ken Meyer'))).toMatch(/Ken Meyer is not enabled for Skype for Business/);
  });

  it('a stale copy of the worker script on the host: refused at boot with a clear log line, and chat says the worker is not available', async () => {
    const stale = await startHarness({ PIN_AUTHORITY: 'sfb', SFB_TIMEOUT: '15s', ...sshd.env({ SFB_SSH_KEY_FILE: sshd.staleKey }) });
    try {
      const failed = 'the Skype for Business worker could not start';
      await waitUntil(() => logged(stale, failed).length > 0, 'the failed start logged');
      const log = logged(stale, failed)[0]!.failure.message as string;
      const here = scriptHash().slice(0, 16).match(/../g)!.join(':');
      expect(await readyz(stale)).toEqual({ status: 503, body: { status: 'unavailable', reason: 'sfb-worker-unavailable' } });
      expect(log).toMatch(/differs from PinDesk's copy of sfb\/pindesk-worker.ps1 \(SHA-256 ([0-9a-f]{2}:){7}[0-9a-f]{2}… there, ([0-9a-f]{2}:){7}[0-9a-f]{2}… here\): install this PinDesk version's script there/);
      expect(log).toContain(`${here}… here`);
      const before = sshd.fake.calls().length;
      expect(sentText(await stale.emulator('pilar').say('pin status Ken Myer'))).toMatch(/the Skype for Business worker is not available/);
      expect(sshd.fake.calls().length).toBe(before);
    } finally {
      await stale.stop();
    }
  }, 60_000);
});

/** Direct children of `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
