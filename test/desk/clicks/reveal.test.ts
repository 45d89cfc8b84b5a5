// Reveal / Hide: the PIN is shown only to the person it was set for, who must still hold the
// permission it was set under, only where nobody else reads the answer, and only until REVEAL_TTL;
// then the sealed PIN is deleted. A local (`pindesk`) PIN is shown once.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CardExpiredError, MissingRoleError, NoPrivateChatError, NotAddresseeError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
let ref: string;
beforeEach(async () => {
  f = await deskFixture();
  ref = ofKind(await f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer 730194'), 'pin-set').revealRef;
});
afterEach(() => f.close());

const sealed = async () => (await f.store.db.selectFrom('reveals').select('sealed').where('id', '=', ref).executeTakeFirstOrThrow()).sealed;

it('shows the PIN to its addressee, and Hide hides it', async () => {
  const { result, record } = await succeeds(f, () => f.desk.reveal(f.turn('pilar'), ref, true));
  expect(result).toMatchObject({ pin: '730194', expired: false, details: { addresseeName: 'Pilar Ackerman' } });
  expect(record).toMatchObject({ actor: 'pilar.ackerman@contoso.com', action: 'reveal', target: 'sip:ken.myer@contoso.com', outcome: 'ok' });
  expect(JSON.stringify(record)).not.toContain('730194');
  const hidden = await succeeds(f, () => f.desk.reveal(f.turn('pilar'), ref, false));
  expect(hidden.result.pin).toBeUndefined();
  expect(hidden.record).toMatchObject({ action: 'hide', outcome: 'ok' });
});

it('refuses anyone else, even an administrator', async () => {
  const { error, record } = await fails(f, () => f.desk.reveal(f.turn('anne'), ref, true));
  expect(error).toBeInstanceOf(NotAddresseeError);
  expect((error as NotAddresseeError).addresseeName).toBe('Pilar Ackerman');
  expect(record).toMatchObject({ actor: 'anne.wallace@contoso.com', action: 'reveal', target: 'sip:ken.myer@contoso.com', outcome: 'refused', reason: 'not-addressee' });
});

it('refuses an addressee who lost the role since', async () => {
  f.directory.removed.add('pilar');
  const { error, record } = await fails(f, () => f.desk.reveal(f.turn('pilar'), ref, true));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ action: 'reveal', outcome: 'refused', reason: 'missing-role:pin.set' });
});

it('refuses to show it where others could read the answer', async () => {
  const { error } = await fails(f, () => f.desk.reveal(f.turn('pilar', { shared: true, privateReply: false }), ref, true));
  expect(error).toBeInstanceOf(NoPrivateChatError);
});

it('after REVEAL_TTL: nothing shown, the sealed PIN deleted', async () => {
  f.clock.advance(10 * 60_000 - 1);
  expect((await f.desk.reveal(f.turn('pilar'), ref, true)).pin).toBe('730194');
  f.clock.advance(1);
  const { result, record } = await succeeds(f, () => f.desk.reveal(f.turn('pilar'), ref, true));
  expect(result.expired).toBe(true);
  expect(result.pin).toBeUndefined();
  expect(record).toMatchObject({ action: 'reveal', outcome: 'ok', reason: 'expired' });
  expect(await sealed()).toBeNull();
});

it('an unknown card is expired', async () => {
  const { error, record } = await fails(f, () => f.desk.reveal(f.turn('pilar'), 'no-such-ref', true));
  expect(error).toBeInstanceOf(CardExpiredError);
  expect(record).toMatchObject({ action: 'reveal', outcome: 'refused', reason: 'card-expired:reveal' });
});

it('a local set-pin is taken once, by the local administrator who set it', async () => {
  const set = ofKind(await f.desk.runLocal('root', { kind: 'set-pin', identity: 'kmeyer', ignoreHistory: false }), 'pin-set');
  expect(await f.desk.takeLocalPin('someone', set.revealRef)).toBeUndefined();
  expect(await f.desk.takeLocalPin('root', set.revealRef)).toMatch(/^\d{5}$/);
  expect(await f.desk.takeLocalPin('root', set.revealRef)).toBeUndefined();
});
