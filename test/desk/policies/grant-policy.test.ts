// Grant-CsPinPolicy: a per-user policy that exists, for one user (revoking: back to site or
// Global), audited with the grant before and after; CsAdministrator and CsUserAdministrator only.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MissingRoleError, PolicyConflictError } from '../../../src/domain/errors.js';
import { GLOBAL_DEFAULTS } from '../../../src/domain/policy.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
  await f.services.store.policies.savePolicy({ identity: 'tag:StrictPin', ...GLOBAL_DEFAULTS, minPasswordLength: 8 });
});
afterEach(() => f.close());

const grants = () => f.store.db.selectFrom('policy_grants').selectAll().execute();

it('grants, then revokes; each audited with before and after', async () => {
  const ken = await f.user('kmyer');
  const granted = await succeeds(f, () => f.desk.handleText(f.turn('pilar'), 'grant pin policy StrictPin to Ken Myer'));
  expect(ofKind(granted.result, 'policy-granted')).toMatchObject({ policyName: 'StrictPin', effective: { scope: 'tag', policy: { identity: 'tag:StrictPin' } } });
  expect(granted.record).toMatchObject({ action: 'grant-policy', target: 'sip:ken.myer@contoso.com', outcome: 'ok', reason: '{"PinPolicy":[null,"StrictPin"]}' });
  expect(await grants()).toEqual([{ user_id: ken.id, tag: 'StrictPin' }]);

  const revoked = await succeeds(f, () => f.desk.handleText(f.turn('pilar'), 'Grant-CsPinPolicy -Identity kmyer -PolicyName $null'));
  expect(ofKind(revoked.result, 'policy-granted')).toMatchObject({ policyName: undefined, effective: { scope: 'global' } });
  expect(revoked.record).toMatchObject({ action: 'revoke-policy', outcome: 'ok', reason: '{"PinPolicy":["StrictPin",null]}' });
  expect(await grants()).toEqual([]);
});

it('refuses a policy that does not exist', async () => {
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('pilar'), 'grant pin policy NoSuchPin to Ken Myer'));
  expect(error).toBeInstanceOf(PolicyConflictError);
  expect(record).toMatchObject({ action: 'grant-policy', target: 'sip:ken.myer@contoso.com', outcome: 'refused', reason: 'policy-conflict:missing' });
  expect(await grants()).toEqual([]);
});

it('applies to users not enabled for Skype for Business too, and is refused to CsHelpDesk', async () => {
  ofKind(await f.desk.handleText(f.turn('anne'), 'grant pin policy StrictPin to Mark Hanson'), 'policy-granted');
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('chris'), 'revoke pin policy from Mark Hanson'));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ action: 'grant-policy', target: 'sip:mark.hanson@contoso.com', outcome: 'refused', reason: 'missing-role:policy.grant' });
  expect(await grants()).toHaveLength(1);
});
