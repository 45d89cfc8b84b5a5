// SFB_POOL_FQDN on the worker's host: the worker opens a session to https://<pool>/OcsPowershell with
// the credential in SFB_CREDENTIAL_FILE instead of importing the module. Opening a real session
// cannot be tested here (no Skype for Business pool, and WinRM remoting from Linux is unsupported):
// these tests cover what happens BEFORE any connection, with real pwsh: a bad setting stops the
// worker with a clear fatal line naming it, nothing is imported, nothing runs, nothing is contacted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfbError } from '../../src/adapters/sfb/protocol.js';
import { FakeSfb, pwshAvailable } from '../support/sfb/pwsh.js';

async function startFailure(fake: FakeSfb, extraEnv: Record<string, string>): Promise<SfbError> {
  try {
    await fake.worker({ extraEnv }).start();
  } catch (error) {
    if (error instanceof SfbError) return error;
    throw error;
  }
  throw new Error('expected the worker not to start');
}

describe.runIf(pwshAvailable())('worker with SFB_POOL_FQDN (the remote endpoint): settings checked before any connection', () => {
  let fake: FakeSfb;
  let dir: string;
  beforeAll(() => {
    fake = new FakeSfb();
    dir = mkdtempSync(path.join(tmpdir(), 'pindesk-pool-'));
  });
  afterAll(async () => {
    await fake?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [{ SFB_POOL_FQDN: 'pool01.contoso.com' }, /SFB_CREDENTIAL_FILE: required with SFB_POOL_FQDN/],
    [{ SFB_POOL_FQDN: 'pool01' }, /SFB_POOL_FQDN: not a fully qualified host name/],
    [{ SFB_POOL_FQDN: 'pool01.contoso.com/x?y' }, /SFB_POOL_FQDN: not a fully qualified host name/],
    [{ SFB_POOL_FQDN: 'pool01.contoso.com', SFB_CREDENTIAL_FILE: '/nonexistent/cred.xml' }, /SFB_CREDENTIAL_FILE: the file does not exist/],
  ])('%o: the worker stops with a fatal line naming the setting', async (env, message) => {
    const error = await startFailure(fake, env);
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(/^the Skype for Business worker could not start: /);
    expect(error.message).toMatch(message);
    expect(fake.calls()).toEqual([]);
  }, 30_000);

  it('a credential file that holds something else than a credential is refused', async () => {
    const file = path.join(dir, 'not-a-credential.xml');
    writeFileSync(file, '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><S>hello</S></Objs>\n');
    const error = await startFailure(fake, { SFB_POOL_FQDN: 'pool01.contoso.com', SFB_CREDENTIAL_FILE: file });
    expect(error.message).toMatch(/SFB_CREDENTIAL_FILE: the file does not hold a credential/);
    expect(fake.calls()).toEqual([]);
  }, 30_000);

  it('without SFB_POOL_FQDN the module is imported as before, and ping says where the cmdlets run', async () => {
    const worker = fake.worker();
    expect(await worker.call('ping', {})).toMatchObject({ pong: true, target: 'module SkypeForBusiness' });
  }, 30_000);
});
