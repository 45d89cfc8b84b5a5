// Reading policies: anyone may see the one governing their own PIN; a user's policy, a policy by
// identity and the list need a view role (pin.status).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MissingRoleError, PolicyConflictError } from '../../../src/domain/errors.js';
import { GLOBAL_DEFAULTS } from '../../../src/domain/policy.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
  const policies = f.services.store.policies;
  await policies.savePolicy({ identity: 'site:Redmond', ...GLOBAL_DEFAULTS, minPasswordLength: 6 });
  await policies.savePolicy({ identity: 'tag:StrictPin', ...GLOBAL_DEFAULTS, minPasswordLength: 8 });
});
afterEach(() => f.close());

it('`pin policy`: anyone sees the policy governing their own PIN and where it comes from', async () => {
  const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('kmyer'), 'pin policy'));
  expect(ofKind(result, 'policy')).toMatchObject({ source: 'site', policy: { identity: 'site:Redmond', minPasswordLength: 6 }, user: { displayName: 'Ken Myer' } });
  expect(record).toMatchObject({ action: 'show-policy', outcome: 'ok' });
  // Ken Meyer sits in Dublin, which has no policy of its own.
  expect(ofKind(await f.desk.handleText(f.turn('kmeyer'), 'pin policy'), 'policy')).toMatchObject({ source: 'global', policy: { identity: 'Global' } });
});

it('a policy by identity needs a view role', async () => {
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('kmyer'), 'Get-CsPinPolicy -Identity site:Redmond'));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ action: 'show-policy', outcome: 'refused', reason: 'missing-role:pin.status' });
  expect(ofKind(await f.desk.handleText(f.turn('vera'), 'Get-CsPinPolicy -Identity site:Redmond'), 'policy')).toMatchObject({ source: 'site', policy: { minPasswordLength: 6 } });
  const unknown = await fails(f, () => f.desk.handleText(f.turn('vera'), 'Get-CsPinPolicy -Identity site:Paris'));
  expect(unknown.error).toBeInstanceOf(PolicyConflictError);
  expect(unknown.record).toMatchObject({ outcome: 'refused', reason: 'policy-conflict:missing' });
});

it("a user's policy follows their grant, else their site, else Global", async () => {
  await f.services.store.policies.grant((await f.user('kmyer')).id, 'StrictPin');
  const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('vera'), 'pin policy Ken Myer'));
  expect(ofKind(result, 'policy')).toMatchObject({ source: 'tag', policy: { identity: 'tag:StrictPin' }, user: { displayName: 'Ken Myer' } });
  expect(record).toMatchObject({ action: 'user-policy', target: 'sip:ken.myer@contoso.com', outcome: 'ok' });
  expect(ofKind(await f.desk.handleText(f.turn('vera'), 'pin policy Jeff Smith'), 'policy').source).toBe('site');
  const refused = await fails(f, () => f.desk.handleText(f.turn('kmeyer'), 'pin policy Ken Myer'));
  expect(refused.record).toMatchObject({ action: 'user-policy', target: 'sip:ken.myer@contoso.com', outcome: 'refused', reason: 'missing-role:pin.status' });
});

it('`pin policies` lists Global, then sites, then per-user policies, to view roles only', async () => {
  const list = ofKind(await f.desk.handleText(f.turn('vera'), 'pin policies'), 'policies');
  expect(list.policies.map((p) => p.identity)).toEqual(['Global', 'site:Redmond', 'tag:StrictPin']);
  const { error } = await fails(f, () => f.desk.handleText(f.turn('kmyer'), 'pin policies'));
  expect(error).toBeInstanceOf(MissingRoleError);
});
