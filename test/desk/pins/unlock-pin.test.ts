// `unlock pin`: clears every lock and both failure counters, says truthfully whether the PIN was
// locked, and is open to CsHelpDesk but not to view-only admins or out-of-scope helpdesks.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MissingRoleError, OutOfScopeError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

const record = async (sam: string) => {
  const user = await f.user(sam);
  return f.store.db.selectFrom('pin_records').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
};

it('unlocks a locked PIN (wasLocked true), then reports wasLocked false', async () => {
  await f.desk.handleText(f.turn('pilar'), 'lock pin Ken Myer');
  const first = await succeeds(f, () => f.desk.handleText(f.turn('chris'), 'unlock pin Ken Myer'));
  expect(ofKind(first.result, 'pin-unlocked').wasLocked).toBe(true);
  expect(first.record).toMatchObject({ actor: 'chris.cannon@contoso.com', action: 'unlock-pin', target: 'sip:ken.myer@contoso.com', outcome: 'ok' });
  expect(await record('kmyer')).toMatchObject({ admin_locked: 0 });
  const again = await succeeds(f, () => f.desk.handleText(f.turn('chris'), 'Unlock-CsClientPin -Identity kmyer'));
  expect(ofKind(again.result, 'pin-unlocked').wasLocked).toBe(false);
});

it('resets both failure counters', async () => {
  await f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer 730194');
  for (let i = 0; i < 3; i++) expect(await f.verifier.verify({ line: '+14255550100' }, '111333', 'spec')).toBe('invalid');
  expect(await record('kmyer')).toMatchObject({ local_failures: 3, global_failures: 3 });
  await f.desk.handleText(f.turn('chris'), 'unlock pin Ken Myer');
  expect(await record('kmyer')).toMatchObject({ local_failures: 0, global_failures: 0, window_started_at: null, failure_locked: 0 });
});

it('is refused to a view-only admin, and to a scoped helpdesk outside its OU', async () => {
  await f.desk.handleText(f.turn('pilar'), 'lock pin Ken Myer');
  const vera = await fails(f, () => f.desk.handleText(f.turn('vera'), 'unlock pin Ken Myer'));
  expect(vera.error).toBeInstanceOf(MissingRoleError);
  expect(vera.record).toMatchObject({ action: 'unlock-pin', target: 'sip:ken.myer@contoso.com', outcome: 'refused', reason: 'missing-role:pin.unlock' });
  // Oscar Ward: CsHelpDesk for OU=Dublin only (demo/roles.json); Ken Myer is in Redmond.
  const oward = await fails(f, () => f.desk.handleText(f.turn('oward'), 'unlock pin Ken Myer'));
  expect(oward.error).toBeInstanceOf(OutOfScopeError);
  expect(oward.record).toMatchObject({ outcome: 'refused', reason: 'out-of-scope:pin.unlock' });
  expect(await record('kmyer')).toMatchObject({ admin_locked: 1 });
});
