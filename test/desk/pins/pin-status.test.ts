// `pin status`: Get-CsClientPinInfo's fields, why and until when a PIN is locked, and the governing
// policy — never the PIN, not even one just set.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MissingRoleError } from '../../../src/domain/errors.js';
import { GLOBAL_DEFAULTS } from '../../../src/domain/policy.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

it('reports a user without a PIN, under Global', async () => {
  const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('vera'), 'pin status Ken Myer'));
  const status = ofKind(result, 'pin-status');
  expect(status.status).toMatchObject({ isPinSet: false, isLockedOut: false });
  expect(status.policy).toMatchObject({ scope: 'global', policy: { identity: 'Global' } });
  expect(record).toMatchObject({ actor: 'vera.lee@contoso.com', action: 'pin-status', target: 'sip:ken.myer@contoso.com', outcome: 'ok' });
});

it('shows set, locked by an admin, changed and expiry times, and the site policy — never the PIN', async () => {
  await f.services.store.policies.savePolicy({ identity: 'site:Redmond', ...GLOBAL_DEFAULTS, pinHistoryCount: 1, pinLifetimeDays: 30 });
  await f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer 730194');
  await f.desk.handleText(f.turn('pilar'), 'lock pin Ken Myer');
  const status = ofKind(await f.desk.handleText(f.turn('chris'), 'Get-CsClientPinInfo -Identity kmyer'), 'pin-status');
  expect(status.status).toMatchObject({
    isPinSet: true,
    isLockedOut: true,
    lockReason: 'admin',
    lastPinChangeTime: new Date(f.clock.now),
    pinExpirationTime: new Date(f.clock.now + 30 * 86_400_000),
  });
  expect(status.policy).toMatchObject({ scope: 'site', policy: { identity: 'site:Redmond' } });
  expect(JSON.stringify(status)).not.toContain('730194');
});

it('is refused to a user without a role', async () => {
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('kmeyer'), 'pin status Ken Myer'));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ actor: 'ken.meyer@contoso.com', action: 'pin-status', target: 'sip:ken.myer@contoso.com', outcome: 'refused', reason: 'missing-role:pin.status' });
});
