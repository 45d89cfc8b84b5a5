// Approve / Deny, everything checked at the press: the request is still pending, the presser may
// decide it and is not the requester, and is under DECISIONS_PER_MINUTE. An approved reset issues
// a PIN sealed for the requester alone; an approved unlock unlocks; a stale press changes nothing.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { CardExpiredError, MissingRoleError, NotAddresseeError, OutOfScopeError, RateLimitedError, SelfApprovalError, UserNotEnabledError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture({ env: { DECISIONS_PER_MINUTE: '2' } });
});
afterEach(() => f.close());

async function ask(sam: string, text = 'reset my pin'): Promise<string> {
  return ofKind(await f.desk.handleText(f.turn(sam), text), 'request-created').view.request.id;
}
const stateOf = async (id: string) => (await f.store.db.selectFrom('pin_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).state;
const historyOf = async (sam: string) => (await f.store.db.selectFrom('pin_history').select('id').where('user_id', '=', (await f.user(sam)).id).execute()).length;

it('approving a reset issues a PIN sealed for the requester, who alone may reveal it', async () => {
  await f.desk.handleText(f.turn('anne'), 'lock pin Ken Myer');
  const id = await ask('kmyer');
  const { result, record } = await succeeds(f, () => f.desk.decideRequest(f.turn('pilar'), id, 'approve'));
  const updated = ofKind(result, 'request-updated');
  expect(updated.change).toBe('approved');
  expect(updated.view.request).toMatchObject({ state: 'approved', decidedByName: 'Pilar Ackerman' });
  expect(record).toMatchObject({ actor: 'pilar.ackerman@contoso.com', action: 'request-approved', target: 'ken.myer@contoso.com', outcome: 'ok', reason: `reset:${id}` });

  const pin = updated.pin!;
  expect(pin.details).toMatchObject({ addresseeName: 'Ken Myer', generated: true, unlockedFirst: true, permission: 'request.own' });
  const sealed = await f.store.db.selectFrom('reveals').selectAll().where('id', '=', pin.revealRef).executeTakeFirstOrThrow();
  expect(sealed.addressee_id).toBe((await f.user('kmyer')).id);
  await expect(f.desk.reveal(f.turn('pilar'), pin.revealRef, true)).rejects.toBeInstanceOf(NotAddresseeError);
  const shown = (await f.desk.reveal(f.turn('kmyer'), pin.revealRef, true)).pin!;
  expect(await f.verifier.verify({ line: '+14255550100' }, shown, 'spec')).toBe('ok');
  expect(await historyOf('kmyer')).toBe(1);
});

it('approving is refused, and nothing is set, when the requester is no longer enabled for Skype for Business', async () => {
  const id = await ask('kmyer');
  f.directory.disabled.add('kmyer');
  const { error, record } = await fails(f, () => f.desk.decideRequest(f.turn('pilar'), id, 'approve'));
  expect(error).toBeInstanceOf(UserNotEnabledError);
  expect(record).toMatchObject({ action: 'request-approve', outcome: 'refused', reason: 'user-not-enabled' });
  expect(await stateOf(id)).toBe('pending');
  expect(await historyOf('kmyer')).toBe(0);
});

it('approving an unlock unlocks and issues no PIN', async () => {
  await f.desk.handleText(f.turn('anne'), 'lock pin Ken Myer');
  const id = await ask('kmyer', 'unlock my pin');
  const updated = ofKind(await f.desk.decideRequest(f.turn('anne'), id, 'approve'), 'request-updated');
  expect(updated).toMatchObject({ change: 'approved', pin: undefined });
  const ken = await f.user('kmyer');
  expect(await f.store.db.selectFrom('pin_records').select('admin_locked').where('user_id', '=', ken.id).executeTakeFirstOrThrow()).toEqual({ admin_locked: 0 });
  expect(await historyOf('kmyer')).toBe(0);
});

it('denying keeps the note and changes no PIN', async () => {
  const id = await ask('kmyer');
  const { result, record } = await succeeds(f, () => f.desk.decideRequest(f.turn('anne'), id, 'deny', 'call the helpdesk, please'));
  expect(ofKind(result, 'request-updated')).toMatchObject({ change: 'denied', pin: undefined, view: { request: { state: 'denied', decisionNote: 'call the helpdesk, please' } } });
  expect(record).toMatchObject({ action: 'request-denied', outcome: 'ok', reason: `reset:${id}` });
  expect(await historyOf('kmyer')).toBe(0);
});

it('refuses the requester approving their own request', async () => {
  const id = await ask('pilar');
  const { error, record } = await fails(f, () => f.desk.decideRequest(f.turn('pilar'), id, 'approve'));
  expect(error).toBeInstanceOf(SelfApprovalError);
  expect(record).toMatchObject({ action: 'request-approve', target: 'pilar.ackerman@contoso.com', outcome: 'refused', reason: 'self-approval' });
  expect(await stateOf(id)).toBe('pending');
  expect(await historyOf('pilar')).toBe(0);
});

it('refuses an approver without the role (CsHelpDesk may unlock but not decide)', async () => {
  const id = await ask('kmyer', 'unlock my pin');
  const { error, record } = await fails(f, () => f.desk.decideRequest(f.turn('chris'), id, 'approve'));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ actor: 'chris.cannon@contoso.com', action: 'request-approve', target: 'ken.myer@contoso.com', outcome: 'refused', reason: 'missing-role:request.decide' });
  expect(await stateOf(id)).toBe('pending');
});

it('a press on a decided request answers its state, changes nothing, and is audited as refused', async () => {
  const id = await ask('kmyer');
  await f.desk.decideRequest(f.turn('anne'), id, 'deny');
  const { result, record } = await succeeds(f, () => f.desk.decideRequest(f.turn('pilar'), id, 'approve'));
  const updated = ofKind(result, 'request-updated');
  expect(updated).toMatchObject({ change: 'unchanged', view: { request: { state: 'denied', decidedByName: 'Anne Wallace' } } });
  expect(updated.pin).toBeUndefined();
  expect(record).toMatchObject({ action: 'request-approve', target: 'ken.myer@contoso.com', outcome: 'refused', reason: 'stale:denied' });
  expect(await historyOf('kmyer')).toBe(0);
});

it('limits decisions per approver per minute (DECISIONS_PER_MINUTE = 2)', async () => {
  const [a, b, c] = [await ask('kmyer'), await ask('kmeyer'), await ask('jsmith')];
  await f.desk.decideRequest(f.turn('anne'), a, 'deny');
  await f.desk.decideRequest(f.turn('anne'), b, 'deny');
  const { error, record } = await fails(f, () => f.desk.decideRequest(f.turn('anne'), c, 'deny'));
  expect(error).toBeInstanceOf(RateLimitedError);
  expect(record).toMatchObject({ action: 'request-deny', outcome: 'refused', reason: 'rate-limited:decisions-per-minute' });
  expect(await stateOf(c)).toBe('pending');
  // Another approver has their own budget; the same one again after the minute.
  ofKind(await f.desk.decideRequest(f.turn('pilar'), c, 'deny'), 'request-updated');
  const d = await ask('asmith');
  f.clock.advance(60_000);
  expect(ofKind(await f.desk.decideRequest(f.turn('anne'), d, 'deny'), 'request-updated').change).toBe('denied');
});

it('refuses an approver whose role does not cover the requester (scoped roles)', async () => {
  await f.close();
  f = await deskFixture({ settings: { scopedRoles: [{ group: 'Dublin Helpdesk', template: 'CsUserAdministrator', userScopes: ['OU:OU=Dublin,DC=contoso,DC=com'] }] } });
  const redmond = await ask('kmyer');
  const { error, record } = await fails(f, () => f.desk.decideRequest(f.turn('oward'), redmond, 'approve'));
  expect(error).toBeInstanceOf(OutOfScopeError);
  expect(record).toMatchObject({ action: 'request-approve', target: 'ken.myer@contoso.com', outcome: 'refused', reason: 'out-of-scope:pin.set' });
  expect(await stateOf(redmond)).toBe('pending');
  expect(ofKind(await f.desk.decideRequest(f.turn('oward'), await ask('kmeyer'), 'approve'), 'request-updated').change).toBe('approved');
});

it('two approvers pressing at once: one decision, one PIN', async () => {
  const id = await ask('kmyer');
  const presses = await Promise.all([f.desk.decideRequest(f.turn('anne'), id, 'approve'), f.desk.decideRequest(f.turn('pilar'), id, 'approve')]);
  expect(presses.map((p) => ofKind(p, 'request-updated').change).sort()).toEqual(['approved', 'unchanged']);
  expect(presses.filter((p) => ofKind(p, 'request-updated').pin)).toHaveLength(1);
  expect(await historyOf('kmyer')).toBe(1);
});

it('a press at the very moment the request runs out expires it, whoever presses, and spends no decision', async () => {
  const created = ofKind(await f.desk.handleText(f.turn('kmyer'), 'reset my pin'), 'request-created').view.request;
  f.clock.now = created.expiresAt.getTime();
  // Even the requester's own press (no role, self-approval): the time is checked first.
  expect(ofKind(await f.desk.decideRequest(f.turn('kmyer'), created.id, 'approve'), 'request-updated')).toMatchObject({ change: 'expired', view: { request: { state: 'expired' } } });
  expect(await stateOf(created.id)).toBe('expired');
  // Later presses on the expired card: unchanged, and no decision spent (DECISIONS_PER_MINUTE = 2).
  for (let press = 0; press < 3; press++) {
    const { result, record } = await succeeds(f, () => f.desk.decideRequest(f.turn('anne'), created.id, 'approve'));
    expect(ofKind(result, 'request-updated').change).toBe('unchanged');
    expect(record).toMatchObject({ outcome: 'refused', reason: 'stale:expired' });
  }
  expect(ofKind(await f.desk.decideRequest(f.turn('anne'), await ask('kmeyer'), 'deny'), 'request-updated').change).toBe('denied');
});

it('a press one moment before the end still decides; the decider is kept, and only a denial keeps a note', async () => {
  const created = ofKind(await f.desk.handleText(f.turn('kmyer'), 'unlock my pin'), 'request-created').view.request;
  f.clock.now = created.expiresAt.getTime() - 1;
  const approved = ofKind(await f.desk.decideRequest(f.turn('anne'), created.id, 'approve', 'not kept'), 'request-updated');
  expect(approved.change).toBe('approved');
  expect(approved.view.request).toMatchObject({ decidedById: (await f.user('anne')).id, decidedAt: new Date(f.clock.now) });
  expect(approved.view.request.decisionNote).toBeUndefined();
});

it("the PIN card goes to the requester's chat, not to the approvers'; no card when that chat has no channel", async () => {
  const kenChat = { channelId: 'msteams', conversation: { id: 'personal:kmyer' } };
  const id = await ask('kmyer');
  await f.store.requests.addCard(id, 'approvers', { conversation: { channelId: 'msteams', conversation: { id: 'approvers-channel' } }, activityId: 'a1' });
  await f.store.requests.addCard(id, 'requester', { conversation: kenChat, activityId: 'r1' });
  const pin = ofKind(await f.desk.decideRequest(f.turn('anne'), id, 'approve'), 'request-updated').pin!;
  expect(await f.store.deliveries.get(pin.deliveryId!)).toMatchObject({ conversation: kenChat, channelId: 'msteams', requestId: id });

  const other = await ask('kmeyer');
  await f.store.requests.addCard(other, 'requester', { conversation: { conversation: { id: 'no-channel' } }, activityId: 'r2' });
  const issued = ofKind(await f.desk.decideRequest(f.turn('anne'), other, 'approve'), 'request-updated');
  expect(issued).toMatchObject({ change: 'approved' });
  expect(issued.pin?.deliveryId).toBeUndefined();
});

it('a press on a request unknown, or whose requester left the directory, is refused as expired; nothing changes', async () => {
  const unknown = await fails(f, () => f.desk.decideRequest(f.turn('anne'), 'no-such-request', 'approve'));
  expect(unknown.error).toBeInstanceOf(CardExpiredError);
  expect(unknown.error).toMatchObject({ what: 'request' });
  const id = await ask('kmyer');
  const ken = await f.user('kmyer');
  const getById = f.directory.getById.bind(f.directory);
  vi.spyOn(f.directory, 'getById').mockImplementation(async (userId) => (userId === ken.id ? undefined : getById(userId)));
  const { error } = await fails(f, () => f.desk.decideRequest(f.turn('anne'), id, 'approve'));
  expect(error).toBeInstanceOf(CardExpiredError);
  expect(error).toMatchObject({ what: 'request' });
  expect(await stateOf(id)).toBe('pending');
});

it('a press on a decided request is answered before any check: even the requester gets its state, and no decision is spent', async () => {
  const id = await ask('kmyer');
  await f.desk.decideRequest(f.turn('anne'), id, 'deny');
  expect(ofKind(await f.desk.decideRequest(f.turn('kmyer'), id, 'approve'), 'request-updated')).toMatchObject({ change: 'unchanged', view: { request: { state: 'denied' } } });
  ofKind(await f.desk.decideRequest(f.turn('anne'), id, 'approve'), 'request-updated');
  expect(ofKind(await f.desk.decideRequest(f.turn('anne'), await ask('kmeyer'), 'deny'), 'request-updated').change).toBe('denied');
});

it('two approvers pressing an unlock at once: one approval, one record', async () => {
  const id = await ask('kmyer', 'unlock my pin');
  const presses = await Promise.all([f.desk.decideRequest(f.turn('anne'), id, 'approve'), f.desk.decideRequest(f.turn('pilar'), id, 'approve')]);
  expect(presses.map((p) => ofKind(p, 'request-updated').change).sort()).toEqual(['approved', 'unchanged']);
  expect(await f.store.db.selectFrom('audit').select('outcome').where('action', '=', 'request-approved').execute()).toEqual([{ outcome: 'ok' }]);
});
