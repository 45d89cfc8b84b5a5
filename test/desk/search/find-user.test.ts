// `find user`: each user found comes with a button per action the caller may take on them (role
// and scope allowing), none for users not enabled; the list keeps a reference for its buttons only
// when there is a button; at most FIND_LIMIT users.
import { afterEach, expect, it } from 'vitest';
import { MissingRoleError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
afterEach(() => f.close());

async function find(sam: string, text: string) {
  return ofKind(await f.desk.handleText(f.turn(sam), text), 'users-found');
}
const buttons = (found: Awaited<ReturnType<typeof find>>) => Object.fromEntries(found.users.map((l) => [l.user.displayName, l.actions]));

it('offers each role exactly the actions it allows', async () => {
  f = await deskFixture();
  const all = ['set-pin', 'unlock-pin', 'lock-pin', 'pin-status'];
  const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('pilar'), 'find user Ken'));
  const found = ofKind(result, 'users-found');
  expect(buttons(found)).toEqual({ 'Ken Myer': all, 'Ken Meyer': all, 'Kendra Sato': all });
  expect(record).toMatchObject({ action: 'find-user', outcome: 'ok', reason: '3 found' });
  expect(await f.store.db.selectFrom('continuations').select('kind').where('id', '=', found.ref!).execute()).toEqual([{ kind: 'user-list' }]);
  expect(buttons(await find('chris', 'find user Ken Myer'))).toEqual({ 'Ken Myer': ['unlock-pin', 'lock-pin', 'pin-status'] });
  expect(buttons(await find('vera', 'find user Ken Myer'))).toEqual({ 'Ken Myer': ['pin-status'] });
});

it('offers a scoped helpdesk actions only on users in its scope', async () => {
  f = await deskFixture();
  // Oscar Ward: CsHelpDesk for OU=Dublin (demo/roles.json). Ken Meyer is in Dublin, Ken Myer in Redmond.
  expect(buttons(await find('oward', 'find user Ken M'))).toEqual({ 'Ken Myer': [], 'Ken Meyer': ['unlock-pin', 'lock-pin', 'pin-status'] });
});

it('offers nothing for users not enabled, and keeps no list reference when nothing is offered', async () => {
  f = await deskFixture();
  const found = await find('anne', 'find user where enabled = false');
  expect(buttons(found)).toEqual({ 'Mark Hanson': [], 'Nora Lane': [] });
  expect(found.ref).toBeUndefined();
  expect(await f.store.db.selectFrom('continuations').select('id').execute()).toEqual([]);
});

it('shows at most FIND_LIMIT users and says there are more', async () => {
  f = await deskFixture({ settings: { findLimit: 2 } });
  const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('vera'), 'find user Ken'));
  expect(ofKind(result, 'users-found')).toMatchObject({ more: true, users: { length: 2 } });
  expect(record.reason).toBe('more than 2 found');
});

it('is refused to a user without a role', async () => {
  f = await deskFixture();
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('kmyer'), 'find user Ken'));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ action: 'find-user', outcome: 'refused', reason: 'missing-role:user.find' });
});
