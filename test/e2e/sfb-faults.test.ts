// PIN_AUTHORITY=sfb end to end, faults of a running worker: killed mid-operation, writing garbage
// or a stray line on stdout, exiting inside a cmdlet, refused by the server (role-based access
// control, remoting, an error the worker does not know), a slow restart; hung past SFB_TIMEOUT. Each gives a clear chat
// answer that says truthfully what changed, and a working worker afterwards.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, sentText, type Harness, type Turn } from '../support/harness.js';
import { alive, dbRows, groupMembers, KEN, logged, startSfbHarness, waitFor, workerPid } from '../support/sfb/chat.js';
import { FakeSfb, pwshAvailable } from '../support/sfb/pwsh.js';

/** The answer to a change whose outcome PinDesk cannot know (a lock: no intent is kept for it). */
const UNKNOWN = /can't tell whether the change was made/;
const NOTHING = /nothing was changed/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Ken's PIN on the fake server (its SHA-256), to hold each answer against what really happened. */
const pinOnServer = (fake: FakeSfb): string | null => fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN).PinSha256;

describe.runIf(pwshAvailable())('PIN_AUTHORITY=sfb: faults of a running worker, through chat', () => {
  let h: Harness;
  let fake: FakeSfb;
  beforeAll(async () => {
    fake = new FakeSfb();
    h = await startSfbHarness(fake, { SFB_TIMEOUT: '20s' });
  }, 90_000);
  afterAll(async () => {
    await h?.stop();
    await fake?.dispose();
  });
  afterEach(() => {
    const state = fake.state();
    state.faults = {};
    fake.writeState(state);
  });

  /** `pin status Ken Myer` answers from the server (the worker works). */
  async function statusWorks(): Promise<void> {
    const text = cardText(cardOf((await h.emulator('anne').say('pin status Ken Myer')).sent[0]));
    expect(text).toContain('IsLockedOut: No');
  }

  const setCalls = () => fake.calls().filter((c) => c.cmdlet === 'Set-CsClientPin').length;

  it('killed mid-set before the server applied it (kill -9 of its process group): PinDesk asks the server at once, "nothing was changed" is true; a new worker answers next', async () => {
    const first = workerPid(h)!;
    expect(alive(first)).toBe(true);
    const before = setCalls();
    const pinBefore = pinOnServer(fake);
    fake.fault('Set-CsClientPin', 'sleep:120000');
    const answer = h.emulator('pilar').say('set pin Ken Myer');
    expect(await waitFor(() => setCalls() > before)).toBe(true);
    const members = groupMembers(first);
    process.kill(-first, 'SIGKILL');
    const text = sentText(await answer);
    expect(text).toMatch(/the Skype for Business worker stopped during the operation and is restarted for the next one, so nothing was changed/);
    expect(text).not.toMatch(/PIN set for/);
    expect(pinOnServer(fake)).toBe(pinBefore);
    expect(await waitFor(() => members.every((pid) => !alive(pid)))).toBe(true);
    fake.fault('Set-CsClientPin', undefined);
    await statusWorks();
    expect(workerPid(h)).not.toBe(first);
    expect(alive(workerPid(h)!)).toBe(true);
    expect(dbRows(h, "select outcome, reason from audit where action = 'set-pin' order by id desc limit 1")).toEqual([{ outcome: 'failed', reason: 'backend-error' }]);
    // No sealed PIN and no intent stay behind.
    expect(dbRows(h, 'select count(*) as n from pin_intents')).toEqual([{ n: 0 }]);
  }, 90_000);

  it('killed mid-set after the server applied it: PinDesk asks the server at once and delivers the PIN it set', async () => {
    const first = workerPid(h)!;
    const before = setCalls();
    fake.fault('Set-CsClientPin', 'after:sleep:120000');
    const pilar = h.emulator('pilar');
    const answer = pilar.say('set pin Ken Myer');
    expect(await waitFor(() => setCalls() > before && pinOnServer(fake) !== null)).toBe(true);
    const pinAfterSet = pinOnServer(fake);
    expect(await waitFor(() => { const s = fake.state(); return s.users.find((u: { SipAddress: string }) => u.SipAddress === KEN).PinSha256 === pinAfterSet; })).toBe(true);
    process.kill(-first, 'SIGKILL');
    const turn = await answer;
    const card = cardOf(turn.sent.find((s) => s.kind === 'send'));
    expect(cardText(card)).toContain('PIN set for Ken Myer');
    const revealed = cardOf((await pilar.submit(action(card, 'Reveal PIN'))).sent[0]);
    const pin = revealed.body.find((b: any) => b.fontType === 'Monospace' && b.size === 'ExtraLarge')?.text as string;
    expect(sha256(pin)).toBe(pinOnServer(fake));
    fake.fault('Set-CsClientPin', undefined);
    await statusWorks();
    expect(workerPid(h)).not.toBe(first);
  }, 90_000);

  it('a stray line on stdout during a read: restarted, "nothing was changed" (a read), the next command works', async () => {
    const first = workerPid(h)!;
    fake.fault('Get-CsClientPinInfo', 'stdout');
    const text = sentText(await h.emulator('anne').say('pin status Ken Myer'));
    expect(text).toMatch(/the Skype for Business worker misbehaved and was restarted, so nothing was changed/);
    fake.fault('Get-CsClientPinInfo', undefined);
    await statusWorks();
    expect(workerPid(h)).not.toBe(first);
    expect(await waitFor(() => !alive(first))).toBe(true);
    expect(logged(h, 'Skype for Business worker killed').at(-1)).toMatchObject({ pid: first, reason: expect.stringMatching(/not protocol JSON/) });
  }, 90_000);

  it('garbage on stdout during a set (half a JSON object, invalid UTF-8, a NUL): restarted; the answer matches what the server holds', async () => {
    const first = workerPid(h)!;
    const pinBefore = pinOnServer(fake);
    fake.fault('Set-CsClientPin', 'garbage');
    const turn = await h.emulator('pilar').say('set pin Ken Myer');
    const text = sentText(turn);
    fake.fault('Set-CsClientPin', undefined);
    // The cmdlet may or may not have applied the PIN before the worker was killed: PinDesk asked the
    // server, and its answer must agree with it.
    if (pinOnServer(fake) === pinBefore) {
      expect(text).toMatch(/misbehaved and was restarted, so nothing was changed/);
    } else {
      expect(cardText(cardOf(turn.sent.find((s) => s.kind === 'send')))).toContain('PIN set for Ken Myer');
    }
    const again = cardText(cardOf((await h.emulator('pilar').say('set pin Ken Myer')).sent[0]));
    expect(again).toContain('PIN set for Ken Myer');
    expect(workerPid(h)).not.toBe(first);
  }, 90_000);

  it('the worker exits inside a lock: outcome unknown, said so; the next command starts a new one', async () => {
    const first = workerPid(h)!;
    fake.fault('Lock-CsClientPin', 'exit');
    const text = sentText(await h.emulator('anne').say('lock pin Ken Myer'));
    expect(text).toMatch(/the Skype for Business worker stopped during the operation/);
    expect(text).toMatch(UNKNOWN);
    expect(text).not.toMatch(/PIN locked for/);
    fake.fault('Lock-CsClientPin', undefined);
    await statusWorks();
    expect(workerPid(h)).not.toBe(first);
  }, 90_000);

  it('access denied by the server (RBAC): names the cmdlet and the role; nothing changed; the same worker goes on', async () => {
    const pid = workerPid(h);
    const stateBefore = JSON.stringify(fake.state().users);
    fake.fault('Set-CsClientPin', 'access-denied');
    const set = sentText(await h.emulator('pilar').say('set pin Ken Myer'));
    expect(set).toMatch(/the PinDesk service account lacks a role that allows Set-CsClientPin for this user, so nothing was changed/);
    fake.fault('Get-CsClientPinInfo', 'access-denied');
    const status = sentText(await h.emulator('anne').say('pin status Ken Myer'));
    expect(status).toMatch(/lacks a role that allows Get-CsClientPinInfo for this user/);
    expect(JSON.stringify(fake.state().users)).toBe(stateBefore);
    fake.fault('Get-CsClientPinInfo', undefined);
    await statusWorks();
    expect(workerPid(h)).toBe(pid);
  }, 60_000);

  it('a remoting failure during a change: PinDesk could not reach the server and cannot tell whether it acted (a session may break after the cmdlet ran); the same worker goes on', async () => {
    const pid = workerPid(h);
    const stateBefore = JSON.stringify(fake.state().users);
    fake.fault('Unlock-CsClientPin', 'remoting');
    const text = sentText(await h.emulator('anne').say('unlock pin Ken Myer'));
    expect(text).toMatch(/PinDesk could not reach the Skype for Business server\. I can't tell whether the change was made/);
    expect(text).not.toMatch(NOTHING);
    expect(JSON.stringify(fake.state().users)).toBe(stateBefore);
    fake.fault('Unlock-CsClientPin', undefined);
    await statusWorks();
    expect(workerPid(h)).toBe(pid);
  }, 60_000);

  it('an error the worker does not know: "the Skype for Business server refused: <short reason>" in chat, the full error in the log, no PIN in either', async () => {
    const pin = '740185296318';
    const long = `Internal server fault while writing the PIN {pin} for the user: ${'the back-end database rejected the write. '.repeat(6)}`;
    fake.fault('Set-CsClientPin', `error:${long}`);
    const text = sentText(await h.emulator('pilar').say(`set pin Ken Myer ${pin}`));
    expect(text).toMatch(/the Skype for Business server refused: Internal server fault while writing the PIN \*+ for the user/);
    expect(text).toMatch(NOTHING);
    expect(text).not.toContain(pin);
    expect(text.length).toBeLessThan(400);
    const entry = logged(h, 'the Skype for Business server refused').at(-1);
    const logText = JSON.stringify(entry);
    // The full error (as the worker passed it on, whitespace collapsed, up to 300 characters).
    expect(logText).toMatch(/UnexpectedServerFault/);
    expect(logText).toMatch(/the back-end database rejected the write\. the back-end database rejected the write\. the back-end database rejected the write\./);
    expect(h.logLines.join('\n')).not.toContain(pin);
  }, 60_000);

  /** Locks Ken's PIN, then `set pin` is refused with "Unlock and set" on the card: clicks it under `fault` on Set-CsClientPin. */
  async function unlockAndSetUnder(fault: string, during?: () => Promise<void>): Promise<string> {
    const anne = h.emulator('anne');
    await anne.say('lock pin Ken Myer');
    const refusal = cardOf((await anne.say('set pin Ken Myer')).sent[0]);
    fake.fault('Set-CsClientPin', fault);
    const before = setCalls();
    const answer = anne.submit(action(refusal, 'Unlock and set'));
    if (during) {
      expect(await waitFor(() => setCalls() > before)).toBe(true);
      await during();
    }
    const text = sentText(await answer);
    fake.fault('Set-CsClientPin', undefined);
    expect(fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN).IsLockedOut).toBe(false);
    return text;
  }

  it('Unlock and set, the set refused by RBAC: "unlocked, but setting the PIN failed", the old PIN unchanged', async () => {
    const pinBefore = fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN).PinSha256;
    const text = await unlockAndSetUnder('access-denied');
    expect(text).toMatch(/The PIN was unlocked, but setting the PIN failed: the PinDesk service account lacks a role that allows Set-CsClientPin for this user\. The old PIN is unchanged and now unlocked/);
    expect(fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN).PinSha256).toBe(pinBefore);
    await statusWorks();
  }, 90_000);

  it('Unlock and set, the worker killed during the set (before the server applied it): says the PIN was unlocked and the old PIN is unchanged', async () => {
    const first = workerPid(h)!;
    const pinBefore = pinOnServer(fake);
    const text = await unlockAndSetUnder('sleep:120000', async () => void process.kill(-first, 'SIGKILL'));
    expect(text).toMatch(/The PIN was unlocked, but setting the PIN failed: .*The old PIN is unchanged and now unlocked/);
    expect(pinOnServer(fake)).toBe(pinBefore);
    await statusWorks();
    expect(workerPid(h)).not.toBe(first);
  }, 90_000);

  it('a slow restart: commands sent while the new worker imports the module wait for it, then answer', async () => {
    const first = workerPid(h)!;
    const readyBefore = logged(h, 'Skype for Business worker ready').length;
    // Set before the kill: the pool starts the new worker at once, and its import is slow.
    fake.fault('Import-Module', 'sleep:2500');
    const killed = Date.now();
    process.kill(-first, 'SIGKILL');
    expect(await waitFor(() => logged(h, 'Skype for Business worker exited').some((e) => e['pid'] === first))).toBe(true);
    // Sent while the new worker still imports the module.
    expect(logged(h, 'Skype for Business worker ready').length).toBe(readyBefore);
    const answers = await Promise.all([h.emulator('anne').say('pin status Ken Myer'), h.emulator('chris').say('pin status Ken Myer')]);
    for (const turn of answers) expect(cardText(cardOf(turn.sent[0]))).toContain('IsLockedOut: No');
    expect(Date.now() - killed).toBeGreaterThanOrEqual(2_500);
    fake.fault('Import-Module', undefined);
    const ready = logged(h, 'Skype for Business worker ready').at(-1)!;
    expect(ready['pid']).not.toBe(first);
    expect(ready['ms']).toBeGreaterThanOrEqual(2_500);
    // One new worker for both.
    expect(logged(h, 'Skype for Business worker ready').length).toBe(readyBefore + 1);
  }, 90_000);
});

describe.runIf(pwshAvailable())('PIN_AUTHORITY=sfb: a hung worker, through chat (SFB_TIMEOUT=5s)', () => {
  let h: Harness;
  let fake: FakeSfb;
  beforeAll(async () => {
    fake = new FakeSfb();
    h = await startSfbHarness(fake, { SFB_TIMEOUT: '5s' });
  }, 90_000);
  afterAll(async () => {
    await h?.stop();
    await fake?.dispose();
  });

  async function hung(cmdlet: string, say: () => Promise<Turn>): Promise<string> {
    const first = workerPid(h)!;
    const members = groupMembers(first);
    expect(members).toContain(first);
    fake.fault(cmdlet, 'hang');
    const started = Date.now();
    const text = sentText(await say());
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(text).toMatch(/the Skype for Business server did not answer in time/);
    // The deadline killed the worker's whole process group.
    expect(await waitFor(() => members.every((pid) => !alive(pid)))).toBe(true);
    expect(logged(h, 'Skype for Business worker killed').at(-1)).toMatchObject({ pid: first, reason: expect.stringMatching(/did not answer within 5000 ms/) });
    fake.fault(cmdlet, undefined);
    const next = cardText(cardOf((await h.emulator('anne').say('pin status Ken Myer')).sent[0]));
    expect(next).toContain('IsLockedOut: No');
    expect(workerPid(h)).not.toBe(first);
    return text;
  }

  it('a hung read: "nothing was changed" (true for a read), the group killed, the next command works on a new worker', async () => {
    expect(await hung('Get-CsClientPinInfo', () => h.emulator('anne').say('pin status Ken Myer'))).toMatch(NOTHING);
  }, 90_000);

  it('a hung set (never applied): PinDesk asks the server after the deadline, "nothing was changed" is true; the next command works', async () => {
    const pinBefore = fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN).PinSha256;
    const text = await hung('Set-CsClientPin', () => h.emulator('pilar').say('set pin Ken Myer'));
    expect(text).toMatch(NOTHING);
    expect(text).not.toMatch(/PIN set for/);
    expect(fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN).PinSha256).toBe(pinBefore);
  }, 90_000);
});
