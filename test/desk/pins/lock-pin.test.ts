// `lock pin`: the PIN stops working until an administrator unlocks it; the answer says whether it
// was already locked; view-only admins may not lock.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MissingRoleError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  // Detailed verify answers, so the lock itself is what the dial-in system is told.
  f = await deskFixture({ env: { VERIFY_ANSWERS: 'detailed' } });
});
afterEach(() => f.close());

it('locks (wasLocked false), and a second lock reports wasLocked true; the right PIN then fails', async () => {
  await f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer 730194');
  const first = await succeeds(f, () => f.desk.handleText(f.turn('chris'), 'lock pin Ken Myer'));
  expect(ofKind(first.result, 'pin-locked').wasLocked).toBe(false);
  expect(first.record).toMatchObject({ action: 'lock-pin', target: 'sip:ken.myer@contoso.com', outcome: 'ok' });
  const second = await succeeds(f, () => f.desk.handleText(f.turn('chris'), 'Lock-CsClientPin -Identity kmyer'));
  expect(ofKind(second.result, 'pin-locked').wasLocked).toBe(true);
  expect(await f.verifier.verify({ line: '+14255550100' }, '730194', 'spec')).toBe('locked');
});

it('is refused to a view-only admin, and nothing is locked', async () => {
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('vera'), 'lock pin Ken Myer'));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ action: 'lock-pin', target: 'sip:ken.myer@contoso.com', outcome: 'refused', reason: 'missing-role:pin.lock' });
  expect(await f.store.db.selectFrom('pin_records').select('user_id').execute()).toHaveLength(0);
});
