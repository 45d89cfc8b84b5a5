// The PIN-card outbox as the chat surface drives it: a record is written claimed by the turn that
// tries it first, a claim takes a lease (one sender at a time, taken over when the lease ends), a failed try backs off (or waits what a 429 asked), the first
// failure and every final outcome are audited, and a card whose PIN can no longer be revealed is
// closed instead of sent. Real SQLite, a controlled clock, deliveries written by `set pin`.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backoffMs, DELIVERY_LEASE_MS } from '../../../src/desk/deliveries/pin-card-outbox.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { ofKind } from '../../support/desk-expect.js';
import type { DeskResult } from '../../../src/desk/results.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

const ANNE_CHAT = { conversation: { id: 'personal:anne' } };

/** `set pin Ken Myer` by Anne with her 1:1 chat known: a PIN card in the outbox, claimed for the turn's own try. */
async function pinCardFor(): Promise<{ deliveryId: string; revealRef: string; set: Extract<DeskResult, { kind: 'pin-set' }> }> {
  const turn = f.turn('anne', { privateChat: async () => ({ channelId: 'emulator', reference: ANNE_CHAT, elsewhere: false }) });
  const set = ofKind(await f.desk.handleText(turn, 'set pin Ken Myer'), 'pin-set');
  return { deliveryId: set.deliveryId!, revealRef: set.revealRef, set };
}
/** The same, as left by a turn that died before its try: its lease has ended, anyone may claim it. */
async function abandonedPinCard(): Promise<{ deliveryId: string; revealRef: string }> {
  const card = await pinCardFor();
  f.clock.advance(DELIVERY_LEASE_MS);
  return card;
}
const deliveryRow = (id: string) => f.store.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const auditOf = async (action: string) =>
  (await f.store.db.selectFrom('audit').selectAll().where('action', '=', action).orderBy('id').execute()).map(({ outcome, reason, target, actor }) => ({ outcome, reason, target, actor }));

it('backs off 2 s, 4 s, 8 s ... and never more than a minute', () => {
  expect([0, 1, 2, 3, 4, 5, 6, 20].map(backoffMs)).toEqual([2_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
});

describe('a claim', () => {
  it('the turn that set the PIN holds its card already (written claimed: no claim, no reveal read); no second sender until the lease ends', async () => {
    const { deliveryId, revealRef, set } = await pinCardFor();
    const card = f.outbox.claimedCard(set)!;
    expect(card).toMatchObject({ revealRef, delivery: { id: deliveryId, attempts: 1, channelId: 'emulator', conversation: ANNE_CHAT }, details: { addresseeName: 'Anne Wallace' } });
    expect(JSON.stringify(card)).not.toMatch(/sealed/);
    expect(await deliveryRow(deliveryId)).toMatchObject({ state: 'pending', attempts: 1, lease_until: f.clock.now + DELIVERY_LEASE_MS });
    expect(await f.outbox.due()).toEqual([]);
    expect(await f.outbox.claim(deliveryId, 'now')).toBeUndefined();
    // Half its lease gone (a stalled process): the turn no longer counts on it, and claims as anyone would.
    f.clock.advance(DELIVERY_LEASE_MS / 2 + 1);
    expect(f.outbox.claimedCard(set)).toBeUndefined();
    f.clock.advance(DELIVERY_LEASE_MS / 2 - 1);
    const taken = (await f.outbox.claim(deliveryId))!;
    expect(taken).toMatchObject({ revealRef, delivery: { id: deliveryId, attempts: 2 }, details: { addresseeName: 'Anne Wallace' } });
  });

  it('hands over the card to post (never the PIN) and holds a lease: no second sender until it ends', async () => {
    const { deliveryId, revealRef } = await abandonedPinCard();
    expect(await f.outbox.due()).toEqual([deliveryId]);
    const card = (await f.outbox.claim(deliveryId))!;
    expect(card).toMatchObject({ revealRef, delivery: { id: deliveryId, attempts: 2, channelId: 'emulator', conversation: ANNE_CHAT }, details: { addresseeName: 'Anne Wallace' } });
    expect(JSON.stringify(card)).not.toMatch(/sealed/);
    expect(await f.outbox.due()).toEqual([]);
    expect(await f.outbox.claim(deliveryId)).toBeUndefined();
    expect(await f.outbox.claim(deliveryId, 'now')).toBeUndefined();
    f.clock.advance(DELIVERY_LEASE_MS - 1);
    expect(await f.outbox.claim(deliveryId)).toBeUndefined();
    f.clock.advance(1);
    // A sender that died is taken over when its lease ends.
    expect(await f.outbox.due()).toEqual([deliveryId]);
    expect((await f.outbox.claim(deliveryId))?.delivery.attempts).toBe(3);
  });

  it('of a card whose PIN can no longer be revealed closes it, audited, instead of sending it', async () => {
    const { deliveryId, revealRef } = await abandonedPinCard();
    // The reveal ends exactly now while the delivery record would still run.
    await f.store.db.updateTable('reveals').set({ expires_at: f.clock.now }).where('id', '=', revealRef).execute();
    expect(await f.outbox.claim(deliveryId, 'now')).toBeUndefined();
    expect(await f.outbox.state(deliveryId)).toBe('failed');
    expect((await deliveryRow(deliveryId)).last_error).toBe('the PIN can no longer be revealed');
    expect(await auditOf('pin-card-delivered')).toEqual([{ outcome: 'failed', reason: 'expired-undelivered', target: 'sip:ken.myer@contoso.com', actor: 'pindesk' }]);
  });
  it('of a card whose PIN was already shown once and forgotten closes it too, though its time runs', async () => {
    const { deliveryId, revealRef } = await abandonedPinCard();
    await f.store.reveals.forget(revealRef);
    expect(await f.outbox.claim(deliveryId)).toBeUndefined();
    expect(await f.outbox.state(deliveryId)).toBe('failed');
    expect(await auditOf('pin-card-delivered')).toMatchObject([{ outcome: 'failed', reason: 'expired-undelivered' }]);
  });
});

describe('a try that failed', () => {
  it('is retried after the back-off, or after what a 429 asked when longer; only the first failure is audited', async () => {
    const { deliveryId, set } = await pinCardFor();
    const first = f.outbox.claimedCard(set)!;
    expect(await f.outbox.notSent(first, { kind: 'retry', error: 'socket hang up' })).toBe('pending');
    const row = await deliveryRow(deliveryId);
    expect(row).toMatchObject({ state: 'pending', lease_until: null, last_error: 'socket hang up', next_attempt_at: f.clock.now + 2_000 });
    expect(await auditOf('pin-card-delivered')).toEqual([{ outcome: 'failed', reason: 'retrying:socket hang up', target: 'sip:ken.myer@contoso.com', actor: 'pindesk' }]);

    // Not due before its time; the sender of the turn may still try at once.
    f.clock.advance(1_999);
    expect(await f.outbox.due()).toEqual([]);
    expect(await f.outbox.claim(deliveryId)).toBeUndefined();
    const second = (await f.outbox.claim(deliveryId, 'now'))!;
    expect(second.delivery.attempts).toBe(2);
    // A shorter Retry-After than the back-off: the back-off (4 s at the second try).
    await f.outbox.notSent(second, { kind: 'retry', error: '429', afterMs: 1_000 });
    expect((await deliveryRow(deliveryId)).next_attempt_at).toBe(f.clock.now + 4_000);
    f.clock.advance(4_000);
    const third = (await f.outbox.claim(deliveryId))!;
    // A longer one: what the 429 asked.
    await f.outbox.notSent(third, { kind: 'retry', error: '429', afterMs: 45_000 });
    expect((await deliveryRow(deliveryId)).next_attempt_at).toBe(f.clock.now + 45_000);
    expect(await auditOf('pin-card-delivered')).toHaveLength(1);
  });

  it('for good: failed, audited as undeliverable, never tried again', async () => {
    const { deliveryId, set } = await pinCardFor();
    const card = f.outbox.claimedCard(set)!;
    expect(await f.outbox.notSent(card, { kind: 'permanent', error: 'bot blocked' })).toBe('failed');
    expect(await f.outbox.state(deliveryId)).toBe('failed');
    expect(await auditOf('pin-card-delivered')).toEqual([{ outcome: 'failed', reason: 'undeliverable:bot blocked', target: 'sip:ken.myer@contoso.com', actor: 'pindesk' }]);
    f.clock.advance(DELIVERY_LEASE_MS);
    expect(await f.outbox.due()).toEqual([]);
    expect(await f.outbox.claim(deliveryId, 'now')).toBeUndefined();
  });
});

it('a card sent: delivered, attached to its reveal (a Reveal updates that copy), audited with its tries', async () => {
  const { deliveryId, revealRef, set } = await pinCardFor();
  const first = f.outbox.claimedCard(set)!;
  await f.outbox.notSent(first, { kind: 'retry', error: 'timeout' });
  const second = (await f.outbox.claim(deliveryId, 'now'))!;
  await f.outbox.sent(second, 'activity-7');
  expect(await deliveryRow(deliveryId)).toMatchObject({ state: 'delivered', activity_id: 'activity-7', delivered_at: f.clock.now, lease_until: null, last_error: null });
  expect((await f.store.reveals.get(revealRef))?.card).toEqual({ conversation: ANNE_CHAT, activityId: 'activity-7' });
  expect((await auditOf('pin-card-delivered')).at(-1)).toEqual({ outcome: 'ok', reason: 'delivered:2', target: 'sip:ken.myer@contoso.com', actor: 'pindesk' });
  expect(await f.outbox.claim(deliveryId, 'now')).toBeUndefined();
});

it('a card posted again by hand completes a pending delivery, and leaves a delivered one as it was', async () => {
  const pending = await pinCardFor();
  const card = { details: (await f.store.reveals.get(pending.revealRef))!.details as never, revealRef: pending.revealRef, revealExpiresAt: new Date(f.clock.now + 60_000) };
  await f.outbox.sentAgain(card, { conversation: { id: 'elsewhere' } }, 'by-hand-1');
  expect(await deliveryRow(pending.deliveryId)).toMatchObject({ state: 'delivered', activity_id: 'by-hand-1' });
  expect((await f.store.reveals.get(pending.revealRef))?.card).toEqual({ conversation: { conversation: { id: 'elsewhere' } }, activityId: 'by-hand-1' });
  await f.outbox.sentAgain(card, { conversation: { id: 'elsewhere' } }, 'by-hand-2');
  expect(await deliveryRow(pending.deliveryId)).toMatchObject({ state: 'delivered', activity_id: 'by-hand-1' });
  expect((await f.store.reveals.get(pending.revealRef))?.card).toMatchObject({ activityId: 'by-hand-2' });
});

it('cards whose PIN can no longer be revealed expire once each, audited against the user', async () => {
  const a = await pinCardFor();
  const b = await pinCardFor();
  const { expires_at } = await deliveryRow(a.deliveryId);
  f.clock.now = Number(expires_at) - 1;
  expect(await f.outbox.expireDue()).toBe(0);
  f.clock.now = Number(expires_at);
  expect(await f.outbox.expireDue()).toBe(2);
  expect(await f.outbox.expireDue()).toBe(0);
  expect([await f.outbox.state(a.deliveryId), await f.outbox.state(b.deliveryId)]).toEqual(['expired', 'expired']);
  expect(await auditOf('pin-card-delivered')).toEqual([
    { outcome: 'failed', reason: 'expired-undelivered', target: 'sip:ken.myer@contoso.com', actor: 'pindesk' },
    { outcome: 'failed', reason: 'expired-undelivered', target: 'sip:ken.myer@contoso.com', actor: 'pindesk' },
  ]);
});

it("a request's PIN card is audited as the request's step: against the requester, `reset:<id>`", async () => {
  const ask = ofKind(await f.desk.handleText(f.turn('kmyer'), 'reset my pin'), 'request-created').view.request.id;
  const kenChat = { channelId: 'emulator', conversation: { id: 'personal:kmyer' } };
  await f.store.requests.addCard(ask, 'requester', { conversation: kenChat, activityId: 'request-card' });
  const approved = ofKind(await f.desk.decideRequest(f.turn('anne'), ask, 'approve'), 'request-updated');
  const deliveryId = approved.pin!.deliveryId!;
  const first = f.outbox.claimedCard(approved.pin!)!;
  expect(first.delivery).toMatchObject({ requestId: ask, conversation: kenChat, channelId: 'emulator' });
  await f.outbox.notSent(first, { kind: 'retry', error: 'timeout' });
  const second = (await f.outbox.claim(deliveryId, 'now'))!;
  await f.outbox.sent(second, 'activity-9');
  expect(await auditOf('request-delivered')).toEqual([
    { outcome: 'failed', reason: `reset:${ask}:retrying:timeout`, target: 'ken.myer@contoso.com', actor: 'pindesk' },
    { outcome: 'ok', reason: `reset:${ask}`, target: 'ken.myer@contoso.com', actor: 'pindesk' },
  ]);
  expect(await auditOf('pin-card-delivered')).toEqual([]);

  // Another approved request whose card is never sent: its expiry names the requester too.
  const again = ofKind(await f.desk.handleText(f.turn('kmyer'), 'reset my pin'), 'request-created').view.request.id;
  await f.store.requests.addCard(again, 'requester', { conversation: kenChat, activityId: 'request-card-2' });
  const second2 = ofKind(await f.desk.decideRequest(f.turn('anne'), again, 'approve'), 'request-updated').pin!.deliveryId!;
  f.clock.now = Number((await deliveryRow(second2)).expires_at);
  expect(await f.outbox.expireDue()).toBe(1);
  expect((await auditOf('request-delivered')).at(-1)).toEqual({ outcome: 'failed', reason: `reset:${again}:expired-undelivered`, target: 'ken.myer@contoso.com', actor: 'pindesk' });
});

it('a record whose reveal is gone altogether is closed without a name; an unknown record has no state', async () => {
  await f.store.deliveries.enqueue({ id: 'orphan', revealId: 'no-such-reveal', addresseeId: 'a', conversation: ANNE_CHAT, channelId: 'emulator', createdAt: new Date(f.clock.now), expiresAt: new Date(f.clock.now + 60_000) });
  expect(await f.outbox.claim('orphan')).toBeUndefined();
  expect(await f.outbox.state('orphan')).toBe('failed');
  expect(await auditOf('pin-card-delivered')).toEqual([{ outcome: 'failed', reason: 'expired-undelivered', target: null, actor: 'pindesk' }]);
  expect(await f.outbox.state('no-such-delivery')).toBeUndefined();
});
