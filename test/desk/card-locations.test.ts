// Where cards were posted, kept in the store so a later click or state change can update them in
// place (after a restart too): reveals, continuations and every card of a request.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { deskFixture, type DeskFixture } from '../support/desk-fixture.js';
import { ofKind } from '../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

const at = (conversation: string, activityId: string) => ({ conversation: { conversation: { id: conversation } }, activityId });

it('a reveal card and a picker card round-trip; unknown ones have none', async () => {
  const set = ofKind(await f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer'), 'pin-set');
  const picker = ofKind(await f.desk.handleText(f.turn('pilar'), 'set pin Ken'), 'choose-user');
  expect(await f.cards.ofReveal(set.revealRef)).toBeUndefined();
  await f.cards.posted('reveal', set.revealRef, at('personal:pilar', 'a1'));
  await f.cards.posted('continuation', picker.ref, at('personal:pilar', 'a2'));
  expect(await f.cards.ofReveal(set.revealRef)).toEqual(at('personal:pilar', 'a1'));
  expect(await f.cards.ofContinuation(picker.ref)).toEqual(at('personal:pilar', 'a2'));
  expect(await f.cards.ofReveal(picker.ref)).toBeUndefined();
  expect(await f.cards.ofContinuation('nothing')).toBeUndefined();
});

it("a request's cards, in the order posted, with their audience", async () => {
  const id = ofKind(await f.desk.handleText(f.turn('kmyer'), 'reset my pin'), 'request-created').view.request.id;
  await f.cards.requestPosted(id, 'requester', at('personal:kmyer', 'r1'));
  await f.cards.requestPosted(id, 'approvers', at('19:approvals', 'r2'));
  await f.cards.requestPosted(id, 'approvers', at('personal:anne', 'r3'));
  expect(await f.cards.ofRequest(id)).toEqual([
    { audience: 'requester', card: at('personal:kmyer', 'r1') },
    { audience: 'approvers', card: at('19:approvals', 'r2') },
    { audience: 'approvers', card: at('personal:anne', 'r3') },
  ]);
  expect(await f.cards.ofRequest('other')).toEqual([]);
});
