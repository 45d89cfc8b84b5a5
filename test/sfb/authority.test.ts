// The Skype for Business PIN authority (PIN_AUTHORITY=sfb) over the real worker script under real
// PowerShell, against the fake SkypeForBusiness module (test/fixtures/sfb), with the demo directory.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadFileDirectory } from '../../src/adapters/directory/file-directory.js';
import type { PowerShellWorker } from '../../src/adapters/sfb/powershell-worker.js';
import type { SfbError } from '../../src/adapters/sfb/protocol.js';
import { SfbPinAuthority } from '../../src/adapters/sfb/sfb-authority.js';
import { errorMessage } from '../../src/cards/error-messages.js';
import { DEMO_DIRECTORY_FILE } from '../../src/config.js';
import { BackendError, PinRuleError, UserNotEnabledError } from '../../src/domain/errors.js';
import type { Directory } from '../../src/ports/directory.js';
import { FakeSfb, pwshAvailable } from '../support/sfb/pwsh.js';

const KEN = 'sip:ken.myer@contoso.com';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const at = new Date();

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe.runIf(pwshAvailable())('Skype for Business PIN authority (real pwsh, fake module)', () => {
  let fake: FakeSfb;
  let worker: PowerShellWorker;
  let directory: Directory;
  let authority: SfbPinAuthority;
  const failures: SfbError[] = [];
  let ken: string;
  let mark: string;
  let nora: string;
  beforeAll(async () => {
    fake = new FakeSfb();
    worker = fake.worker();
    directory = await loadFileDirectory(DEMO_DIRECTORY_FILE);
    authority = new SfbPinAuthority(worker, directory, (error) => failures.push(error));
    ken = (await directory.findAccount({ samAccountName: 'kmyer' }))!.id;
    mark = (await directory.findAccount({ samAccountName: 'mhanson' }))!.id;
    nora = (await directory.findAccount({ samAccountName: 'nlane' }))!.id;
    await worker.start();
  }, 60_000);
  afterAll(async () => {
    await fake?.dispose();
    await directory?.close();
  });
  let callsBefore = 0;
  beforeEach(() => {
    callsBefore = fake.calls().length;
    failures.length = 0;
  });
  const newCalls = () => fake.calls().slice(callsBefore);
  const setPin = (pin: string, extra: { unlockFirst?: boolean; sipAddress?: string } = {}) =>
    authority.setPin({ userId: ken, pin, at, historyCount: 0, sipAddress: KEN, ...extra });

  it('reads the state from Get-CsClientPinInfo, by SIP address (a lock shows as an admin lock, no counters)', async () => {
    expect(await authority.state(ken, at, KEN)).toEqual({ isPinSet: false, adminLocked: false, failureLocked: false, localFailures: 0, globalFailures: 0, lastChangedAt: undefined, expiresAt: undefined });
    expect(newCalls()).toEqual([expect.objectContaining({ cmdlet: 'Get-CsClientPinInfo', parameters: { Identity: KEN } })]);
  });

  it('sets a PIN with Set-CsClientPin; the server records exactly that PIN for the SIP address', async () => {
    expect(await setPin('482913')).toBe('set');
    expect(newCalls()).toEqual([expect.objectContaining({ cmdlet: 'Set-CsClientPin', parameters: expect.objectContaining({ Identity: KEN, Pin: { sha256: sha('482913'), length: 6 } }) })]);
    const state = await authority.state(ken, at, KEN);
    expect(state.isPinSet).toBe(true);
    expect(Math.abs(state.lastChangedAt!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('looks the SIP address up in the directory when the caller gives none', async () => {
    expect(await authority.setPin({ userId: ken, pin: '573920', at, historyCount: 0 })).toBe('set');
    expect(newCalls()[0]).toMatchObject({ cmdlet: 'Set-CsClientPin', parameters: { Identity: KEN } });
  });

  it('never checks history itself: the server keeps it (and skips it for an admin-set PIN)', async () => {
    expect((await authority.historyMatcher())('482913')).toBe(false);
  });

  it('lock and unlock tell whether the PIN was locked before; set on a locked PIN answers locked and changes nothing', async () => {
    expect(await authority.lock(ken, at, KEN)).toEqual({ wasLocked: false });
    expect(await authority.lock(ken, at, KEN)).toEqual({ wasLocked: true });
    expect((await authority.state(ken, at, KEN)).adminLocked).toBe(true);
    const before = fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN).PinSha256;
    expect(await setPin('619382')).toBe('locked');
    expect(fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN).PinSha256).toBe(before);
    expect(await authority.unlock(ken, at, KEN)).toEqual({ wasLocked: true });
    expect(await authority.unlock(ken, at, KEN)).toEqual({ wasLocked: false });
    expect(newCalls().map((c) => c.cmdlet)).toEqual([
      'Get-CsClientPinInfo', 'Lock-CsClientPin', 'Get-CsClientPinInfo', 'Lock-CsClientPin', 'Get-CsClientPinInfo',
      'Set-CsClientPin',
      'Get-CsClientPinInfo', 'Unlock-CsClientPin', 'Get-CsClientPinInfo', 'Unlock-CsClientPin',
    ]);
  });

  it('"Unlock and set" runs Unlock-CsClientPin then Set-CsClientPin', async () => {
    await authority.lock(ken, at, KEN);
    callsBefore = fake.calls().length;
    expect(await setPin('739104', { unlockFirst: true })).toBe('set');
    expect(newCalls().map((c) => [c.cmdlet, c.parameters['Identity']])).toEqual([['Unlock-CsClientPin', KEN], ['Set-CsClientPin', KEN]]);
    expect(await authority.state(ken, at, KEN)).toMatchObject({ isPinSet: true, adminLocked: false });
  });

  it('a set refused after the unlock says truthfully that the PIN was unlocked', async () => {
    await authority.lock(ken, at, KEN);
    const error = await rejection(setPin('1234', { unlockFirst: true }));
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).detail?.changed).toBe('unlocked');
    expect(errorMessage(error)).toMatch(/^The PIN was unlocked, but setting the PIN failed: /);
    expect((await authority.state(ken, at, KEN)).adminLocked).toBe(false);
  });

  it("a PIN the server's policy refuses is a PIN rule error naming the server's policy", async () => {
    const error = await rejection(setPin('1111'));
    expect(error).toBeInstanceOf(PinRuleError);
    expect((error as PinRuleError).rule).toBe('server-policy');
    expect(errorMessage(error)).toMatch(/Skype for Business server's PIN policy refused it/);
    expect(errorMessage(error)).not.toContain('1111');
    expect(failures).toHaveLength(1);
  });

  it('a user the server does not know, or not enabled there, or without a SIP address, is "not enabled"', async () => {
    const unknown = await rejection(authority.state(ken, at, 'sip:nobody@contoso.com'));
    expect(unknown).toBeInstanceOf(UserNotEnabledError);
    expect((unknown as UserNotEnabledError).user.displayName).toBe('Ken Myer');
    const disabled = await rejection(authority.setPin({ userId: mark, pin: '482913', at, historyCount: 0, sipAddress: 'sip:mark.hanson@contoso.com' }));
    expect(disabled).toBeInstanceOf(UserNotEnabledError);
    expect(failures.map((f) => f.kind)).toEqual(['not-found', 'not-enabled']);
    callsBefore = fake.calls().length;
    expect(await rejection(authority.state(nora, at))).toBeInstanceOf(UserNotEnabledError);
    expect(newCalls()).toEqual([]);
  });

  it('server failures are backend errors with a short reason; access denied names the cmdlet', async () => {
    fake.fault('Set-CsClientPin', 'access-denied');
    try {
      const error = await rejection(setPin('482913'));
      expect(error).toBeInstanceOf(BackendError);
      expect(errorMessage(error)).toMatch(/lacks a role that allows Set-CsClientPin for this user, so nothing was changed/);
    } finally {
      fake.fault('Set-CsClientPin', undefined);
    }
  });

  it('a deadline during a change says that whether it was made is unknown, and the next call works', async () => {
    const impatient = new SfbPinAuthority(fake.worker({ timeoutMs: 2_000 }), directory);
    fake.fault('Set-CsClientPin', 'hang');
    try {
      const error = await rejection(impatient.setPin({ userId: ken, pin: '482913', at, historyCount: 0, sipAddress: KEN }));
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).detail?.changed).toBe('unknown');
      expect(errorMessage(error)).toMatch(/did not answer in time\. I can't tell whether the change was made/);
    } finally {
      fake.fault('Set-CsClientPin', undefined);
    }
    expect((await impatient.state(ken, at, KEN)).isPinSet).toBe(true);
  }, 30_000);

  it('verify does not apply: the server verifies dial-in PINs itself', async () => {
    expect(await rejection(authority.verify())).toBeInstanceOf(BackendError);
  });
});
