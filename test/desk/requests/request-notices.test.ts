// What each request change owes people is recorded in the change's own transaction: a notice row
// (ids and the change, nothing else) for a new request, a decision, a withdrawal and an expiry;
// when the row cannot be written, the change does not happen either (a real SQLite trigger refuses
// the insert). Rows are claimed by one holder at a time (lease and token); only the holder ends them.
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { ofKind } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

const TTL = 24 * 3_600_000;
async function ask(sam: string): Promise<string> {
  return ofKind(await f.desk.handleText(f.turn(sam), 'reset my pin - new phone'), 'request-created').view.request.id;
}
const stateOf = async (id: string) => (await f.store.db.selectFrom('pin_requests').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
const noticesOf = async (id: string) => (await f.store.db.selectFrom('request_notices').selectAll().where('request_id', '=', id).orderBy('created_at').execute()).map((n) => n.change);
const refuse = (change: string) => sql`create trigger refuse_notice before insert on request_notices when new.change = ${sql.lit(change)} begin select raise(abort, 'notice refused'); end`.execute(f.store.db);
const allow = () => sql`drop trigger refuse_notice`.execute(f.store.db);

it('a new request, a Deny, a withdrawal and an expiry each record their notice', async () => {
  const denied = await ask('kmyer');
  await f.desk.decideRequest(f.turn('pilar'), denied, 'deny');
  expect(await noticesOf(denied)).toEqual(['created', 'denied']);
  const cancelled = await ask('kmyer');
  await f.desk.cancelRequest(f.turn('kmyer'), cancelled);
  expect(await noticesOf(cancelled)).toEqual(['created', 'cancelled']);
  const expired = await ask('kmyer');
  f.clock.advance(TTL + 1);
  await f.requests.expireDue();
  expect(await noticesOf(expired)).toEqual(['created', 'expired']);
  // Ids and the change only: no requester name, no reason, no PIN.
  const rows = JSON.stringify(await f.store.db.selectFrom('request_notices').selectAll().execute());
  expect(rows).not.toMatch(/Ken|new phone|kmyer/);
});

it('an approval records its notice with the PIN it issues', async () => {
  const id = await ask('kmyer');
  const approved = ofKind(await f.desk.decideRequest(f.turn('pilar'), id, 'approve'), 'request-updated');
  expect(approved.pin).toBeDefined();
  expect(await noticesOf(id)).toEqual(['created', 'approved']);
});

it('a Deny whose notice cannot be written does not happen', async () => {
  const id = await ask('kmyer');
  await refuse('denied');
  await expect(f.desk.decideRequest(f.turn('pilar'), id, 'deny')).rejects.toMatchObject({ code: 'backend-error' });
  expect(await stateOf(id)).toBe('pending');
  await allow();
  await f.desk.decideRequest(f.turn('pilar'), id, 'deny');
  expect(await stateOf(id)).toBe('denied');
});

it('an approval whose notice cannot be written sets no PIN', async () => {
  const id = await ask('kmyer');
  await refuse('approved');
  await expect(f.desk.decideRequest(f.turn('pilar'), id, 'approve')).rejects.toMatchObject({ code: 'backend-error' });
  expect(await stateOf(id)).toBe('pending');
  expect(await f.store.db.selectFrom('pin_history').select('id').execute()).toHaveLength(0);
  expect(await f.store.db.selectFrom('deliveries').select('id').execute()).toHaveLength(0);
});

it('a withdrawal, an expiry and a request whose notice cannot be written do not happen', async () => {
  const id = await ask('kmyer');
  await refuse('cancelled');
  await expect(f.desk.cancelRequest(f.turn('kmyer'), id)).rejects.toMatchObject({ code: 'backend-error' });
  expect(await stateOf(id)).toBe('pending');
  await allow();
  await refuse('expired');
  f.clock.advance(TTL + 1);
  await expect(f.requests.expireDue()).rejects.toThrow();
  expect(await stateOf(id)).toBe('pending');
  await allow();
  await refuse('created');
  await expect(f.desk.handleText(f.turn('pilar'), 'reset my pin')).rejects.toMatchObject({ code: 'backend-error' });
  expect(await f.store.db.selectFrom('pin_requests').select('id').where('requester_upn', '=', 'pilar.ackerman@contoso.com').execute()).toEqual([]);
});

it('one holder at a time: a second claim waits for the lease; only the holder ends the notice', async () => {
  const id = await ask('kmyer');
  const [noticeId] = await f.store.requestNotices.pendingOf(id);
  const first = await f.store.requestNotices.claim(noticeId!, 'one', new Date(f.clock.now), 30_000, 'now');
  expect(first).toMatchObject({ change: 'created', attempts: 1, leaseToken: 'one' });
  expect(await f.store.requestNotices.claim(noticeId!, 'two', new Date(f.clock.now), 30_000, 'now')).toBeUndefined();
  expect(await f.store.requestNotices.due(new Date(f.clock.now + 29_000), 10)).toEqual([]);
  // The lease ran out: another holder takes it; the first can no longer end it or post the note.
  const later = new Date(f.clock.now + 30_001);
  const second = await f.store.requestNotices.claim(noticeId!, 'two', later, 30_000, 'due-only');
  expect(second).toMatchObject({ attempts: 2, leaseToken: 'two' });
  expect(await f.store.requestNotices.hold(noticeId!, 'one', later, 30_000)).toBe(false);
  expect(await f.store.requestNotices.release(noticeId!, 'one', { state: 'done', dropped: [] })).toBe(false);
  expect(await f.store.requestNotices.hold(noticeId!, 'two', later, 30_000)).toBe(true);
  await f.store.requestNotices.noteSent(noticeId!, 'two', later);
  expect(await f.store.requestNotices.hold(noticeId!, 'two', later, 30_000)).toBe(false);
  expect(await f.store.requestNotices.release(noticeId!, 'two', { state: 'done', dropped: [] })).toBe(true);
  expect(await f.store.requestNotices.due(new Date(later.getTime() + 3_600_000), 10)).toEqual([]);
});

it('notices that ended are deleted two days later; pending ones stay', async () => {
  const denied = await ask('kmyer');
  await f.desk.decideRequest(f.turn('pilar'), denied, 'deny');
  for (const id of await f.store.requestNotices.pendingOf(denied)) {
    const notice = await f.store.requestNotices.claim(id, 't', new Date(f.clock.now), 30_000, 'now');
    await f.store.requestNotices.release(id, 't', { state: notice!.change === 'denied' ? 'failed' : 'done', dropped: [] });
  }
  const pending = await ask('kmyer');
  f.clock.advance(2 * TTL - 1);
  expect(await f.requests.notices.purgeEnded()).toBe(0);
  f.clock.advance(2);
  expect(await f.requests.notices.purgeEnded()).toBe(2);
  expect(await noticesOf(denied)).toEqual([]);
  expect(await noticesOf(pending)).toEqual(['created']);
});
