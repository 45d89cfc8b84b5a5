// Questions PinDesk asked with a card: sealed in the store, answered only by the person asked,
// before CHOICE_TTL, and (for one-time kinds) only once.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Caller } from '../../../src/desk/callers.js';
import { CardExpiredError, NotAddresseeError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';

let f: DeskFixture;
let pilar: Caller;
let anne: Caller;
beforeEach(async () => {
  f = await deskFixture();
  pilar = await f.services.callers.identify(f.turn('pilar').caller);
  anne = await f.services.callers.identify(f.turn('anne').caller);
});
afterEach(() => f.close());

const payload = { command: { kind: 'set-pin', identity: 'Ken', pin: '730194', ignoreHistory: false }, candidateIds: ['a', 'b'] };

it('is kept sealed, and read back by the person asked', async () => {
  const ref = await f.services.continuations.save(pilar, 'choose-user', payload);
  expect(JSON.stringify(await f.store.db.selectFrom('continuations').selectAll().execute())).not.toContain('730194');
  expect(await f.services.continuations.read(pilar, ref, 'choose-user')).toEqual(payload);
  await expect(f.services.continuations.read(anne, ref, 'choose-user')).rejects.toBeInstanceOf(NotAddresseeError);
  await expect(f.services.continuations.read(pilar, ref, 'user-list')).rejects.toBeInstanceOf(CardExpiredError);
});

it('is taken once, even by two presses at the same moment', async () => {
  const ref = await f.services.continuations.save(pilar, 'unlock-and-set', payload);
  const presses = await Promise.allSettled([f.services.continuations.take(pilar, ref, 'unlock-and-set'), f.services.continuations.take(pilar, ref, 'unlock-and-set')]);
  expect(presses.map((p) => p.status).sort()).toEqual(['fulfilled', 'rejected']);
  await expect(f.services.continuations.take(pilar, ref, 'unlock-and-set')).rejects.toBeInstanceOf(CardExpiredError);
});

it('expires after CHOICE_TTL', async () => {
  const ref = await f.services.continuations.save(pilar, 'user-list', { userIds: [] });
  f.clock.advance(15 * 60_000 - 1);
  await f.services.continuations.read(pilar, ref, 'user-list');
  f.clock.advance(1);
  await expect(f.services.continuations.read(pilar, ref, 'user-list')).rejects.toBeInstanceOf(CardExpiredError);
});

it('asked of someone no longer in the directory: refused as "someone else"; a wrong kind or a second take is an expired choice', async () => {
  const now = new Date(f.clock.now);
  await f.store.continuations.put({ id: 'ghost-ref', actorId: 'left-the-company', kind: 'choose-user', sealed: 'x', createdAt: now, expiresAt: new Date(f.clock.now + 60_000) });
  await expect(f.services.continuations.read(pilar, 'ghost-ref', 'choose-user')).rejects.toMatchObject({ constructor: NotAddresseeError, addresseeName: 'someone else' });
  const ref = await f.services.continuations.save(pilar, 'choose-user', payload);
  await expect(f.services.continuations.take(pilar, ref, 'unlock-and-set')).rejects.toMatchObject({ constructor: CardExpiredError, what: 'choice' });
  // Two presses at once: the loser learns the choice was used.
  const presses = await Promise.allSettled([f.services.continuations.take(pilar, ref, 'choose-user'), f.services.continuations.take(pilar, ref, 'choose-user')]);
  expect(presses.flatMap((p) => (p.status === 'rejected' ? [p.reason] : []))).toMatchObject([{ constructor: CardExpiredError, what: 'choice' }]);
  await expect(f.services.continuations.take(pilar, ref, 'choose-user')).rejects.toMatchObject({ constructor: CardExpiredError, what: 'choice' });
});
