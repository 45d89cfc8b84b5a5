// The sweep over remote PIN changes left without a recorded outcome: only once their call can no
// longer be running (settleBy), the server is asked; changed → the PIN card goes out as usual;
// unchanged → the sealed PIN is dropped and the addressee gets a "not set" notice; unreachable →
// left for the next sweep. Two sweeps at once record each outcome exactly once.
import { afterEach, expect, it } from 'vitest';
import { BackendError } from '../../../src/domain/errors.js';
import { IntentReconciler, INTENT_LEASE_MS } from '../../../src/desk/intents/intent-reconciler.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { auditRows } from '../../support/desk-expect.js';
import { Gate, StandInServer, type SetBehaviour } from '../../support/stand-in-server.js';

let f: DeskFixture;
let server: StandInServer;
afterEach(() => f.close());

const ANNE_CHAT = { conversation: { id: 'personal:anne' } };

/** `set pin Ken Myer` whose answer is lost and whose status cannot be read: the intent stays. */
async function leftBehind(behaviour: SetBehaviour): Promise<void> {
  server = new StandInServer();
  f = await deskFixture({ remoteAuthority: server });
  server.behaviour = behaviour;
  server.setGate = new Gate();
  const turn = f.turn('anne', { privateChat: async () => ({ channelId: 'emulator', reference: ANNE_CHAT, elsewhere: false }) });
  const setting = f.desk.handleText(turn, 'set pin Ken Myer').catch((e: unknown) => e);
  await server.setGate.reached;
  server.statusFails = true;
  server.setGate.release();
  expect(((await setting) as BackendError).detail?.changed).toBe('checking');
  server.behaviour = 'apply';
}

const tables = {
  pin_intents: () => f.store.db.selectFrom('pin_intents').selectAll().execute(),
  reveals: () => f.store.db.selectFrom('reveals').selectAll().execute(),
  deliveries: () => f.store.db.selectFrom('deliveries').selectAll().execute(),
};
const table = <T extends keyof typeof tables>(name: T): ReturnType<(typeof tables)[T]> => tables[name]() as ReturnType<(typeof tables)[T]>;
const reconciler = () => new IntentReconciler(f.services);

it('waits until the call can no longer be running, and while the server cannot be asked', async () => {
  await leftBehind('no-answer-after');
  server.statusFails = false;
  expect(await reconciler().sweep()).toEqual({ set: 0, notSet: 0, unanswered: 0 });
  expect(await table('pin_intents')).toHaveLength(1);

  f.clock.advance(server.settlesWithinMs);
  server.statusFails = true;
  expect(await reconciler().sweep()).toEqual({ set: 0, notSet: 0, unanswered: 1 });
  expect(await table('pin_intents')).toHaveLength(1);
  expect((await table('deliveries')).map((d) => d.state)).toEqual(['held']);
  // Still checking: the attempt's one audit row says so.
  expect((await auditRows(f)).filter((r) => r.action === 'set-pin').map((r) => `${r.outcome}:${r.reason}`)).toEqual(['pending:generated']);
});

it('the server changed the PIN: the held card goes out as usual, the change is audited ok (reconciled)', async () => {
  await leftBehind('no-answer-after');
  f.clock.advance(server.settlesWithinMs);
  server.statusFails = false;
  expect(await reconciler().sweep()).toEqual({ set: 1, notSet: 0, unanswered: 0 });
  expect(await table('pin_intents')).toEqual([]);
  const [delivery] = await table('deliveries');
  expect(delivery).toMatchObject({ state: 'pending', notice: null });
  const card = await f.outbox.claim(delivery!.id, 'now');
  expect(card?.notice).toBeUndefined();
  const pin = (await f.desk.reveal(f.turn('anne'), card!.revealRef, true)).pin;
  expect(pin).toBe(server.pins.get((await f.user('kmyer')).id)!.pin);
  expect((await auditRows(f)).filter((r) => r.action === 'set-pin').map((r) => `${r.outcome}:${r.reason}`)).toEqual(['ok:generated,reconciled']);
  // A second sweep finds nothing.
  expect(await reconciler().sweep()).toEqual({ set: 0, notSet: 0, unanswered: 0 });
});

it('learnt after the reveal window (the server unreachable for long): the sealed PIN survives the purge, and the card goes out with a full window', async () => {
  await leftBehind('no-answer-after');
  const [reveal] = await table('reveals');
  const window = Number(reveal!.expires_at) - Number(reveal!.created_at);
  f.clock.advance(window + server.settlesWithinMs);
  server.statusFails = true;
  expect(await reconciler().sweep()).toEqual({ set: 0, notSet: 0, unanswered: 1 });
  // The periodic purge of expired sealed PINs leaves one whose change waits for its outcome.
  await f.store.reveals.purgeExpired(new Date(f.clock.now));
  expect((await table('reveals'))[0]!.sealed).toBeTruthy();
  server.statusFails = false;
  f.clock.advance(INTENT_LEASE_MS);
  expect(await reconciler().sweep()).toEqual({ set: 1, notSet: 0, unanswered: 0 });
  const [delivery] = await table('deliveries');
  expect(Number(delivery!.expires_at)).toBe(f.clock.now + window);
  expect(Number((await table('reveals'))[0]!.expires_at)).toBe(f.clock.now + window);
  const card = await f.outbox.claim(delivery!.id, 'now');
  const pin = (await f.desk.reveal(f.turn('anne'), card!.revealRef, true)).pin;
  expect(pin).toBe(server.pins.get((await f.user('kmyer')).id)!.pin);
});

it('the server never changed the PIN: no sealed PIN stays, and the addressee is told through the outbox', async () => {
  await leftBehind('no-answer-before');
  f.clock.advance(server.settlesWithinMs);
  server.statusFails = false;
  expect(await reconciler().sweep()).toEqual({ set: 0, notSet: 1, unanswered: 0 });
  expect(await table('pin_intents')).toEqual([]);
  expect((await table('reveals')).map((r) => r.sealed)).toEqual([null]);
  const [delivery] = await table('deliveries');
  expect(delivery).toMatchObject({ state: 'pending', notice: 'pin-not-set' });
  const notice = await f.outbox.claim(delivery!.id, 'now');
  expect(notice).toMatchObject({ notice: 'pin-not-set', details: { target: { displayName: 'Ken Myer' } } });
  await f.outbox.sent(notice!, 'activity-1');
  expect((await auditRows(f)).filter((r) => r.actor === 'pindesk' || r.action === 'set-pin').map((r) => `${r.action}:${r.outcome}:${r.reason}`)).toEqual([
    'set-pin:failed:reconciled:not-set',
    'pin-not-set-told:ok:told-pin-not-set:1',
  ]);
});

it('two sweeps at once: the one that claimed records the outcome, the other finds nothing to do', async () => {
  await leftBehind('no-answer-after');
  f.clock.advance(server.settlesWithinMs);
  server.statusFails = false;
  server.statusGate = new Gate();
  const first = reconciler().sweep();
  await server.statusGate.reached;
  expect(await reconciler().sweep()).toEqual({ set: 0, notSet: 0, unanswered: 0 });
  server.statusGate.release();
  expect(await first).toEqual({ set: 1, notSet: 0, unanswered: 0 });
  expect((await auditRows(f)).filter((r) => r.reason === 'generated,reconciled')).toHaveLength(1);
});

it('a sweep that outlived its claim loses to the one that took the intent over: one outcome only', async () => {
  await leftBehind('no-answer-after');
  f.clock.advance(server.settlesWithinMs);
  server.statusFails = false;
  const gate = new Gate();
  server.statusGate = gate;
  const slow = reconciler().sweep();
  await gate.reached;
  f.clock.advance(INTENT_LEASE_MS);
  server.statusGate = undefined;
  expect(await reconciler().sweep()).toEqual({ set: 1, notSet: 0, unanswered: 0 });
  gate.release();
  expect(await slow).toEqual({ set: 0, notSet: 0, unanswered: 0 });
  expect((await auditRows(f)).filter((r) => r.reason === 'generated,reconciled')).toHaveLength(1);
  expect((await auditRows(f)).filter((r) => r.action === 'set-pin')).toHaveLength(1);
  expect((await table('deliveries')).map((d) => d.state)).toEqual(['pending']);
});
