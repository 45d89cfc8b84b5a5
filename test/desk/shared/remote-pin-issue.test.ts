// `set pin` on an authority that cannot join the store's transaction (a stand-in for Skype for
// Business Server): the server call runs outside any transaction, between an intent committed
// before it and the outcome recorded after it. Set: the card is released. A clear refusal: nothing
// stays. No answer: the server is asked at once; if it cannot say, the intent waits for the sweep.
// Each attempt has one audit row: written 'pending' with the intent, it becomes the outcome.
import { afterEach, expect, it } from 'vitest';
import { BackendError, PinLockedError, PinRuleError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { auditRows } from '../../support/desk-expect.js';
import { Gate, StandInServer } from '../../support/stand-in-server.js';

let f: DeskFixture;
let server: StandInServer;
afterEach(() => f.close());

const ANNE_CHAT = { conversation: { id: 'personal:anne' } };
const anne = () => f.turn('anne', { privateChat: async () => ({ channelId: 'emulator', reference: ANNE_CHAT, elsewhere: false }) });

async function open(): Promise<void> {
  server = new StandInServer();
  f = await deskFixture({ remoteAuthority: server });
}

const tables = {
  pin_intents: () => f.store.db.selectFrom('pin_intents').selectAll().execute(),
  reveals: () => f.store.db.selectFrom('reveals').selectAll().execute(),
  deliveries: () => f.store.db.selectFrom('deliveries').selectAll().execute(),
};
const table = <T extends keyof typeof tables>(name: T): ReturnType<(typeof tables)[T]> => tables[name]() as ReturnType<(typeof tables)[T]>;

/** Resolves to 'done' if `work` finishes within 5 s, 'stuck' otherwise (a store write blocked by a transaction held open). */
async function finishes(work: Promise<unknown>): Promise<'done' | 'stuck'> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), 5_000)));
  const outcome = await Promise.race([work.then(() => 'done' as const), stuck]);
  clearTimeout(timer);
  return outcome;
}

it('while the server works on the set, no transaction is held: other store writes complete; the card is held back until the server answered', async () => {
  await open();
  server.setGate = new Gate();
  const setting = f.desk.handleText(anne(), 'set pin Ken Myer');
  await server.setGate.reached;
  expect(await finishes(f.store.audit.append({ at: new Date(), actor: 'other', action: 'whoami', outcome: 'ok', requestId: 'other' }))).toBe('done');
  // In flight: the intent, the sealed PIN and its card, held; not listed in `my pins`; audit pending.
  const [intent] = await table('pin_intents');
  expect(intent).toMatchObject({ target_sip: 'sip:ken.myer@contoso.com', target_name: 'Ken Myer', addressee_id: (await f.user('anne')).id, before_mark: 'unset:never' });
  expect((await table('deliveries')).map((d) => d.state)).toEqual(['held']);
  expect((await table('reveals'))[0]!.sealed).toBeTruthy();
  expect(await f.store.reveals.openFor((await f.user('anne')).id, new Date(f.clock.now), 10)).toEqual([]);
  const setPinRows = () => f.store.db.selectFrom('audit').select(['id', 'outcome', 'reason']).where('action', '=', 'set-pin').orderBy('id').execute();
  const [pending] = await setPinRows();
  expect(pending).toMatchObject({ outcome: 'pending', reason: 'generated' });

  server.setGate.release();
  const result = await setting;
  expect(result.kind).toBe('pin-set');
  expect(await table('pin_intents')).toEqual([]);
  expect((await table('deliveries')).map((d) => d.state)).toEqual(['pending']);
  // The same row, now the outcome: no second record of the attempt.
  expect(await setPinRows()).toEqual([{ id: pending!.id, outcome: 'ok', reason: 'generated' }]);
  // The card reveals the PIN the server holds.
  const ref = (result as { revealRef: string }).revealRef;
  expect((await f.desk.reveal(anne(), ref, true)).pin).toBe(server.pins.get((await f.user('kmyer')).id)!.pin);
});

it('a clear refusal (the server policy) leaves nothing: no sealed PIN, no card, no intent; the turn says why', async () => {
  await open();
  server.behaviour = 'refuse';
  await expect(f.desk.handleText(anne(), 'set pin Ken Myer')).rejects.toBeInstanceOf(PinRuleError);
  expect(await table('pin_intents')).toEqual([]);
  expect(await table('reveals')).toEqual([]);
  expect(await table('deliveries')).toEqual([]);
  expect((await auditRows(f)).filter((r) => r.action === 'set-pin').map((r) => [r.outcome, r.reason])).toEqual([['refused', 'pin-rule:server-policy']]);
});

it('a locked PIN is refused from the status read alone: nothing is written and nothing is sent to the server', async () => {
  await open();
  server.locked.add((await f.user('kmyer')).id);
  await expect(f.desk.handleText(anne(), 'set pin Ken Myer')).rejects.toBeInstanceOf(PinLockedError);
  expect(server.calls.filter((c) => c.startsWith('set'))).toEqual([]);
  expect(await table('pin_intents')).toEqual([]);
  expect(await table('reveals')).toEqual([]);
});

it('no answer, but the server applied the set: asked at once, it is delivered as set', async () => {
  await open();
  server.behaviour = 'no-answer-after';
  const result = await f.desk.handleText(anne(), 'set pin Ken Myer');
  expect(result.kind).toBe('pin-set');
  expect(await table('pin_intents')).toEqual([]);
  expect((await table('deliveries')).map((d) => d.state)).toEqual(['pending']);
  expect((await auditRows(f)).filter((r) => r.action === 'set-pin').map((r) => [r.outcome, r.reason])).toEqual([['ok', 'generated,reconciled']]);
});

it('no answer, and the server never applied it: asked at once, the turn says nothing changed and nothing stays', async () => {
  await open();
  server.behaviour = 'no-answer-before';
  const error = await f.desk.handleText(anne(), 'set pin Ken Myer').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BackendError);
  expect((error as BackendError).detail).toEqual({ reason: 'the Skype for Business server did not answer in time', changed: 'nothing' });
  expect(await table('pin_intents')).toEqual([]);
  expect(await table('reveals')).toEqual([]);
  expect(await table('deliveries')).toEqual([]);
  expect((await auditRows(f)).filter((r) => r.action === 'set-pin').map((r) => [r.outcome, r.reason])).toEqual([['failed', 'backend-error']]);
});

it('no answer, nothing changed yet, but the call may still run elsewhere (ssh, a remote session): never "nothing was changed" — PinDesk checks later', async () => {
  await open();
  server.failedCallsEnd = false;
  server.behaviour = 'no-answer-before';
  const error = await f.desk.handleText(anne(), 'set pin Ken Myer').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BackendError);
  expect((error as BackendError).detail?.changed).toBe('checking');
  expect(await table('pin_intents')).toHaveLength(1);
  expect((await table('reveals'))[0]!.sealed).toBeTruthy();
  expect((await auditRows(f)).filter((r) => r.action === 'set-pin').map((r) => [r.outcome, r.reason])).toEqual([['pending', 'generated']]);
});

it('no answer and no status either: the turn says PinDesk will check; the intent, the sealed PIN and the held card wait for the sweep', async () => {
  await open();
  server.behaviour = 'no-answer-after';
  server.setGate = new Gate();
  const setting = f.desk.handleText(anne(), 'set pin Ken Myer').catch((e: unknown) => e);
  await server.setGate.reached;
  server.statusFails = true;
  server.setGate.release();
  const error = await setting;
  expect(error).toBeInstanceOf(BackendError);
  expect((error as BackendError).detail?.changed).toBe('checking');
  expect(await table('pin_intents')).toHaveLength(1);
  expect((await table('deliveries')).map((d) => d.state)).toEqual(['held']);
  expect((await table('reveals'))[0]!.sealed).toBeTruthy();
  // The attempt's one row stays 'pending': PinDesk is checking (the sweep writes the outcome into it).
  expect((await auditRows(f)).filter((r) => r.action === 'set-pin').map((r) => [r.outcome, r.reason])).toEqual([['pending', 'generated']]);
});

it('while one change of a PIN waits for its outcome, a second one is refused (the server could not tell them apart); nothing is sent', async () => {
  await open();
  server.behaviour = 'no-answer-after';
  server.setGate = new Gate();
  const first = f.desk.handleText(anne(), 'set pin Ken Myer').catch((e: unknown) => e);
  await server.setGate.reached;
  server.statusFails = true;
  server.setGate.release();
  expect(((await first) as BackendError).detail?.changed).toBe('checking');
  server.statusFails = false;
  server.behaviour = 'apply';
  const sets = server.calls.filter((c) => c.startsWith('set ')).length;
  const second = await f.desk.handleText(anne(), 'set pin Ken Myer 730194').catch((e: unknown) => e);
  expect(second).toBeInstanceOf(BackendError);
  expect((second as BackendError).detail).toEqual({ reason: 'a PIN change for Ken Myer is still being checked with the Skype for Business server', changed: 'nothing' });
  expect(server.calls.filter((c) => c.startsWith('set ')).length).toBe(sets);
  expect(await table('pin_intents')).toHaveLength(1);
});

it('approving a reset: a clear refusal on the server reopens the request, so it can be decided again', async () => {
  await open();
  const id = (await f.desk.handleText(f.turn('kmyer'), 'reset my pin')) as { view: { request: { id: string } } };
  server.behaviour = 'refuse';
  await expect(f.desk.decideRequest(f.turn('pilar'), id.view.request.id, 'approve')).rejects.toBeInstanceOf(PinRuleError);
  expect((await f.store.requests.get(id.view.request.id))!.state).toBe('pending');
  expect(await table('reveals')).toEqual([]);
  server.behaviour = 'apply';
  const approved = await f.desk.decideRequest(f.turn('pilar'), id.view.request.id, 'approve');
  expect(approved).toMatchObject({ kind: 'request-updated', change: 'approved' });
  expect(server.pins.has((await f.user('kmyer')).id)).toBe(true);
  // One row per attempt: the refused one, then the approval.
  expect((await auditRows(f)).filter((r) => r.actor.startsWith('pilar')).map((r) => `${r.action}:${r.outcome}`)).toEqual(['request-approve:refused', 'request-approved:ok']);
});

it('approving an unlock on a server holds no transaction across the call; a failure reopens the request', async () => {
  await open();
  const request = (await f.desk.handleText(f.turn('kmyer'), 'unlock my pin')) as { view: { request: { id: string } } };
  const id = request.view.request.id;
  server.behaviour = 'refuse';
  await expect(f.desk.decideRequest(f.turn('pilar'), id, 'approve')).rejects.toBeInstanceOf(BackendError);
  expect((await f.store.requests.get(id))!.state).toBe('pending');

  server.behaviour = 'apply';
  server.unlockGate = new Gate();
  const approving = f.desk.decideRequest(f.turn('pilar'), id, 'approve');
  await server.unlockGate.reached;
  expect(await finishes(f.store.audit.append({ at: new Date(), actor: 'other', action: 'whoami', outcome: 'ok', requestId: 'other' }))).toBe('done');
  server.unlockGate.release();
  expect(await approving).toMatchObject({ kind: 'request-updated', change: 'approved' });
  // Each attempt: one row, 'pending' when the decision committed, then what the server did.
  expect((await auditRows(f)).filter((r) => r.actor.startsWith('pilar')).map((r) => `${r.action}:${r.outcome}`)).toEqual([
    'request-approve:failed',
    'request-approved:ok',
  ]);
});
