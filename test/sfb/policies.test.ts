// PIN policies on the Skype for Business server (SfbPolicies, PIN_AUTHORITY=sfb) over the real
// worker script under real PowerShell, against the fake SkypeForBusiness module: identities and
// settings mapped both ways, the governing policy found as the server finds it, every change made
// by the server's own cmdlet, and the server's errors as the desk's.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadFileDirectory } from '../../src/adapters/directory/file-directory.js';
import type { PowerShellWorker } from '../../src/adapters/sfb/powershell-worker.js';
import { fromServer, identityFromServer, SfbPolicies, toServer } from '../../src/adapters/sfb/sfb-policies.js';
import type { SfbError } from '../../src/adapters/sfb/protocol.js';
import { errorMessage } from '../../src/cards/error-messages.js';
import { DEMO_DIRECTORY_FILE } from '../../src/config.js';
import { BackendError, PolicyConflictError, UserNotEnabledError } from '../../src/domain/errors.js';
import { GLOBAL_DEFAULTS } from '../../src/domain/policy.js';
import type { DirectoryUser } from '../../src/domain/user.js';
import type { Directory } from '../../src/ports/directory.js';
import { FakeSfb, pwshAvailable } from '../support/sfb/pwsh.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('mapping PinDesk policies to the server and back (pure)', () => {
  it('reads Global, Site: and Tag: identities, and fills unset values with the defaults', () => {
    expect(['Global', 'global', 'Site:Redmond', 'site:Dublin', 'Tag:StrictPin', 'StrictPin'].map(identityFromServer)).toEqual([
      'Global',
      'Global',
      'site:Redmond',
      'site:Dublin',
      'tag:StrictPin',
      'tag:StrictPin',
    ]);
    const server = { Identity: 'Tag:Execs', Description: null, MinPasswordLength: 8, PINHistoryCount: null, PINLifetime: null, AllowCommonPatterns: null, MaximumLogonAttempts: null };
    expect(fromServer(server)).toEqual({ identity: 'tag:Execs', ...GLOBAL_DEFAULTS, minPasswordLength: 8 });
    expect(() => fromServer({ ...server, MinPasswordLength: 40 })).toThrow(BackendError);
  });

  it('sends every setting; a change clears an unset MaximumLogonAttempts with null, a creation leaves it out', () => {
    const policy = { identity: 'site:Redmond', ...GLOBAL_DEFAULTS, pinHistoryCount: 3, pinLifetimeDays: 90 };
    expect(toServer(policy, 'create')).toEqual({ minPasswordLength: 5, pinHistoryCount: 3, pinLifetime: 90, allowCommonPatterns: false });
    expect(toServer(policy, 'change')).toEqual({ minPasswordLength: 5, pinHistoryCount: 3, pinLifetime: 90, allowCommonPatterns: false, maximumLogonAttempts: null });
    expect(toServer({ ...policy, maximumLogonAttempts: 7, description: 'x' }, 'change')).toMatchObject({ maximumLogonAttempts: 7, description: 'x' });
  });
});

describe.runIf(pwshAvailable())('Skype for Business PIN policies (real pwsh, fake module)', () => {
  let fake: FakeSfb;
  let worker: PowerShellWorker;
  let directory: Directory;
  let policies: SfbPolicies;
  const failures: SfbError[] = [];
  const users: Record<string, DirectoryUser> = {};
  beforeAll(async () => {
    fake = new FakeSfb();
    worker = fake.worker();
    directory = await loadFileDirectory(DEMO_DIRECTORY_FILE);
    policies = new SfbPolicies(worker, (error) => failures.push(error));
    for (const sam of ['kmyer', 'kmeyer', 'mhanson', 'nlane', 'vera']) users[sam] = (await directory.findAccount({ samAccountName: sam }))!;
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
  const newCalls = () => fake.calls().slice(callsBefore).map((c) => [c.cmdlet, c.parameters]);
  const serverPolicy = (identity: string) => fake.state().policies.find((p: { Identity: string }) => p.Identity === identity);
  const serverUser = (sip: string) => fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === sip);

  it('lists the policies (Get-CsPinPolicy), in PinDesk identities', async () => {
    const all = await policies.policies();
    expect([...all.keys()]).toEqual(['Global']);
    expect(all.get('Global')).toEqual({ identity: 'Global', ...GLOBAL_DEFAULTS });
    expect(newCalls()).toEqual([['Get-CsPinPolicy', {}]]);
  });

  it('creates (New-CsPinPolicy) and changes (Set-CsPinPolicy) with every setting; null clears MaximumLogonAttempts', async () => {
    await policies.save({ identity: 'site:Dublin', ...GLOBAL_DEFAULTS, minPasswordLength: 7, maximumLogonAttempts: 10 }, 'create');
    await policies.save({ identity: 'tag:StrictPin', ...GLOBAL_DEFAULTS, minPasswordLength: 6, pinHistoryCount: 3, pinLifetimeDays: 90, description: 'Executives' }, 'create');
    expect(serverPolicy('Site:Dublin')).toMatchObject({ MinPasswordLength: 7, MaximumLogonAttempts: 10 });
    expect(serverPolicy('Tag:StrictPin')).toMatchObject({ MinPasswordLength: 6, PINHistoryCount: 3, PINLifetime: 90, Description: 'Executives' });
    await policies.save({ identity: 'site:Dublin', ...GLOBAL_DEFAULTS, minPasswordLength: 8 }, 'change');
    expect(serverPolicy('Site:Dublin')).toMatchObject({ MinPasswordLength: 8, MaximumLogonAttempts: null });
    expect(newCalls().map(([cmdlet, p]) => [cmdlet, (p as Record<string, unknown>)['Identity']])).toEqual([
      ['New-CsPinPolicy', 'site:Dublin'],
      ['New-CsPinPolicy', 'tag:StrictPin'],
      ['Set-CsPinPolicy', 'site:Dublin'],
    ]);
    expect((await policies.policies()).get('tag:StrictPin')).toEqual({ identity: 'tag:StrictPin', ...GLOBAL_DEFAULTS, minPasswordLength: 6, pinHistoryCount: 3, pinLifetimeDays: 90, description: 'Executives' });
  });

  it('finds the governing policy as the server does: per-user, else the registrar pool\'s site, else Global', async () => {
    // Vera's pool (pool02) is in Dublin; Ken Myer's (pool01) in Redmond, which has no policy.
    expect(await policies.governing(users['vera']!)).toMatchObject({ policy: { identity: 'site:Dublin', minPasswordLength: 8 }, scope: 'site', grantedTag: undefined });
    expect(await policies.governing(users['kmyer']!)).toMatchObject({ policy: { identity: 'Global' }, scope: 'global' });
    await policies.grant(users['kmyer']!, 'StrictPin');
    expect(serverUser('sip:ken.myer@contoso.com').PinPolicy).toBe('StrictPin');
    expect(await policies.governing(users['kmyer']!)).toMatchObject({ policy: { identity: 'tag:StrictPin', pinLifetimeDays: 90 }, scope: 'tag', grantedTag: 'StrictPin' });
    await policies.grant(users['kmyer']!, undefined);
    expect(serverUser('sip:ken.myer@contoso.com').PinPolicy).toBeNull();
    expect(newCalls().map(([cmdlet]) => cmdlet)).toContain('Grant-CsPinPolicy');
    // Only SIP addresses reach the server for a user.
    for (const [cmdlet, p] of newCalls()) if (cmdlet === 'Get-CsUser' || cmdlet === 'Grant-CsPinPolicy') expect((p as Record<string, unknown>)['Identity']).toMatch(/^sip:/);
  });

  it('removes a policy (Remove-CsPinPolicy); removing Global resets it to the defaults', async () => {
    await policies.save({ identity: 'Global', ...GLOBAL_DEFAULTS, minPasswordLength: 9, pinHistoryCount: 2 }, 'change');
    await policies.remove('Global');
    expect((await policies.policies()).get('Global')).toEqual({ identity: 'Global', ...GLOBAL_DEFAULTS });
    await policies.remove('site:Dublin');
    expect(serverPolicy('Site:Dublin')).toBeUndefined();
  });

  it('a policy that is not there: PolicyConflictError naming it', async () => {
    for (const attempt of [policies.remove('tag:Nope'), policies.save({ identity: 'tag:Nope', ...GLOBAL_DEFAULTS }, 'change'), policies.grant(users['kmyer']!, 'Nope')]) {
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(PolicyConflictError);
      expect(errorMessage(error)).toMatch(/There is no PIN policy tag:Nope/);
    }
  });

  it('a user the server cannot resolve, or without a SIP address: not enabled, and the server gets nothing for the latter', async () => {
    // Nora Lane is in the directory, not on the server.
    expect(await rejection(policies.governing(users['nlane']!))).toBeInstanceOf(UserNotEnabledError);
    const before = fake.calls().length;
    const noSip = { ...users['kmyer']!, sipAddress: undefined };
    expect(await rejection(policies.governing(noSip))).toBeInstanceOf(UserNotEnabledError);
    expect(await rejection(policies.grant(noSip, 'StrictPin'))).toBeInstanceOf(UserNotEnabledError);
    expect(fake.calls().length).toBe(before);
  });

  it('the server refusing (role-based access control, a server fault): BackendError naming the cmdlet, nothing changed, logged', async () => {
    fake.fault('New-CsPinPolicy', 'access-denied');
    try {
      const error = await rejection(policies.save({ identity: 'tag:Denied', ...GLOBAL_DEFAULTS }, 'create'));
      expect(error).toBeInstanceOf(BackendError);
      expect(errorMessage(error)).toBe('the PinDesk service account lacks a role that allows New-CsPinPolicy, so nothing was changed. Try again in a minute; if it keeps failing, tell your PinDesk administrator.');
      expect(failures.map((f) => f.kind)).toEqual(['access-denied']);
    } finally {
      fake.fault('New-CsPinPolicy', undefined);
    }
    expect(serverPolicy('Tag:Denied')).toBeUndefined();
    fake.fault('Get-CsPinPolicy', 'fail');
    try {
      expect(errorMessage(await rejection(policies.policies()))).toMatch(/^the Skype for Business server refused: The operation could not be completed: the user store is not available, so nothing was changed/);
    } finally {
      fake.fault('Get-CsPinPolicy', undefined);
    }
  });

  it('says the server applies the PIN history', () => {
    expect(policies.history).toBe('server');
  });
});
