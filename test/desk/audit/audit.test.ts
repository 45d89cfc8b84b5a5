// The audit trail in chat: `audit` shows anyone their own actions only; `audit <user>` shows the
// actions on that user, to CsAdministrator and CsUserAdministrator.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MissingRoleError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
  await f.desk.handleText(f.turn('chris'), 'lock pin Ken Myer');
  await f.desk.handleText(f.turn('pilar'), 'unlock pin Ken Myer');
  await f.desk.handleText(f.turn('pilar'), 'pin status Ken Meyer');
});
afterEach(() => f.close());

it("`audit`: the caller's own actions, nobody else's", async () => {
  const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('chris'), 'audit'));
  const own = ofKind(result, 'audit');
  expect(own.records.map((r) => [r.actor, r.action])).toEqual([['chris.cannon@contoso.com', 'lock-pin']]);
  expect(record).toMatchObject({ action: 'audit', outcome: 'ok' });
});

it('`audit <user>`: every action on that user, for audit viewers only', async () => {
  const onKen = ofKind(await f.desk.handleText(f.turn('pilar'), 'audit Ken Myer'), 'audit');
  expect(onKen.about?.displayName).toBe('Ken Myer');
  expect(onKen.records.map((r) => r.action).sort()).toEqual(['lock-pin', 'unlock-pin']);
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('chris'), 'audit Ken Myer'));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ action: 'audit-user', target: 'sip:ken.myer@contoso.com', outcome: 'refused', reason: 'missing-role:audit.view' });
});
