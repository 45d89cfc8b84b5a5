// `pindesk` (the command line) with PIN_AUTHORITY=sfb: the same commands act on the Skype for
// Business server through the worker (real pwsh, the fake module), the PIN it prints is the one the
// server recorded, and verify does not apply. Each run starts and stops its own worker.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.js';
import { FakeSfb, fakeModulePath, pwsh, pwshAvailable } from '../support/sfb/pwsh.js';

const exec = promisify(execFile);
const KEN = 'sip:ken.myer@contoso.com';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe.runIf(pwshAvailable())('pindesk with PIN_AUTHORITY=sfb (real pwsh, fake module)', () => {
  let dataDir: string;
  let fake: FakeSfb;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'pindesk-cli-sfb-'));
    fake = new FakeSfb();
    fake.state();
  });
  afterAll(async () => {
    await fake?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function pindesk(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PIN_AUTHORITY: 'sfb',
      SFB_PWSH: pwsh(),
      SFB_MODULE: path.join(fakeModulePath, 'SkypeForBusiness'),
      SFB_FAKE_STATE: fake.stateFile,
      SFB_FAKE_CALLS: fake.callsFile,
    };
    try {
      const { stdout, stderr } = await exec(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'), ...args], { env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  const ken = () => fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN);

  it('set-pin prints the PIN the server recorded; pin-info, lock-pin and unlock-pin act on the server', async () => {
    const set = await pindesk('set-pin', 'Ken Myer', '--json');
    expect(set.code).toBe(0);
    const { pin } = JSON.parse(set.stdout) as { pin: string };
    expect(pin).toMatch(/^\d{5,}$/);
    expect(ken().PinSha256).toBe(sha(pin));
    expect(fake.calls().filter((c) => c.cmdlet === 'Set-CsClientPin')).toEqual([expect.objectContaining({ parameters: expect.objectContaining({ Identity: KEN }) })]);

    expect((await pindesk('lock-pin', 'kmyer')).code).toBe(0);
    expect(ken().IsLockedOut).toBe(true);
    const info = JSON.parse((await pindesk('pin-info', KEN, '--json')).stdout);
    expect(info).toMatchObject({ Identity: KEN, IsPinSet: true, IsLockedOut: true });
    expect((await pindesk('unlock-pin', 'Ken Myer')).stdout).toContain('PIN unlocked for Ken Myer');
    expect(ken().IsLockedOut).toBe(false);
  }, 120_000);

  it("a PIN the governing policy refuses exits 1 and changes nothing; policies are the server's", async () => {
    const before = ken().PinSha256;
    const refused = await pindesk('set-pin', 'Ken Myer', '--pin', '123456');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/consecutive digits/);
    expect(ken().PinSha256).toBe(before);
    const policies = await pindesk('policy', 'list');
    expect(policies.code).toBe(0);
    expect(fake.calls().some((c) => c.cmdlet === 'Get-CsPinPolicy')).toBe(true);
  }, 120_000);

  it('verify does not apply: exit 2 with the reason, and no worker is started for it', async () => {
    const calls = fake.calls().length;
    const verify = await pindesk('verify', KEN, '12345');
    expect(verify.code).toBe(2);
    expect(verify.stderr).toContain('does not apply with PIN_AUTHORITY=sfb: dial-in PINs are verified by the Skype for Business server itself');
    expect(fake.calls()).toHaveLength(calls);
  }, 60_000);
});
