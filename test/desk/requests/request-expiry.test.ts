// Expiry after REQUEST_TTL is driven by the store: by the sweep or on the spot when someone acts on
// a request past its time — each request expired, and audited, exactly once, even when both race.
import { afterEach, expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { ofKind, overriding, withRepository } from '../../support/desk-expect.js';

const TTL = 24 * 3_600_000;
let f: DeskFixture;
afterEach(() => f.close());

async function ask(sam: string): Promise<string> {
  return ofKind(await f.desk.handleText(f.turn(sam), 'reset my pin'), 'request-created').view.request.id;
}
const expiries = () => f.store.db.selectFrom('audit').select(['actor', 'target', 'outcome', 'reason']).where('action', '=', 'request-expired').execute();
const stateOf = async (id: string) => (await f.store.db.selectFrom('pin_requests').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;

it('the sweep expires a request at its time, once', async () => {
  f = await deskFixture();
  const id = await ask('kmyer');
  f.clock.advance(TTL - 1);
  expect(await f.requests.expireDue()).toEqual([]);
  f.clock.advance(1);
  expect((await f.requests.expireDue()).map((v) => [v.request.id, v.request.state])).toEqual([[id, 'expired']]);
  expect(await f.requests.expireDue()).toEqual([]);
  expect(await expiries()).toEqual([{ actor: 'pindesk', target: 'ken.myer@contoso.com', outcome: 'ok', reason: `reset:${id}` }]);
});

it('a press and the sweep racing expire it once: the press read it pending, the sweep wins', async () => {
  // The press reads the request, then the sweep runs before the press goes on.
  let between: (() => Promise<unknown>) | undefined;
  f = await deskFixture({
    decorateStore: (store: Store) =>
      withRepository(store, 'requests', overriding(store.requests, {
        get: async (id: string) => {
          const read = await store.requests.get(id);
          const run = between;
          between = undefined;
          await run?.();
          return read;
        },
      })),
  });
  const id = await ask('kmyer');
  f.clock.advance(TTL + 1);
  let swept = 0;
  between = async () => (swept = (await f.requests.expireDue()).length);
  const press = ofKind(await f.desk.decideRequest(f.turn('anne'), id, 'approve'), 'request-updated');
  expect(swept).toBe(1);
  // The press shows the expiry, but it did not make it: the sweep that did tells everyone (a
  // second 'expired' would tell the requester twice).
  expect(press).toMatchObject({ change: 'unchanged', view: { request: { state: 'expired' } } });
  expect(await stateOf(id)).toBe('expired');
  expect(await expiries()).toHaveLength(1);
  const pressed = await f.store.db.selectFrom('audit').select(['action', 'outcome', 'reason']).where('action', '=', 'request-approve').execute();
  expect(pressed).toEqual([{ action: 'request-approve', outcome: 'refused', reason: 'stale:expired' }]);
});

it('presses and sweeps at once: one expiry, no decision', async () => {
  f = await deskFixture();
  const id = await ask('kmyer');
  f.clock.advance(TTL);
  const results = await Promise.all([
    f.desk.decideRequest(f.turn('anne'), id, 'approve'),
    f.requests.expireDue(),
    f.desk.decideRequest(f.turn('pilar'), id, 'deny'),
    f.requests.expireDue(),
  ]);
  expect(await stateOf(id)).toBe('expired');
  expect(await expiries()).toHaveLength(1);
  expect(results.flatMap((r) => (Array.isArray(r) ? r : []))).toHaveLength(1);
  expect(await f.store.db.selectFrom('pin_history').select('id').execute()).toHaveLength(0);
});

it('asking again after the time is up expires the old request (once) and creates a new one', async () => {
  f = await deskFixture();
  const old = await ask('kmyer');
  f.clock.advance(TTL + 1);
  const again = ofKind(await f.desk.handleText(f.turn('kmyer'), 'reset my pin'), 'request-created');
  expect(again.expired?.request).toMatchObject({ id: old, state: 'expired' });
  expect(again.view.request.id).not.toBe(old);
  expect(await f.requests.expireDue()).toEqual([]);
  expect(await expiries()).toHaveLength(1);
});

it('an expiry whose audit record cannot be written does not happen: the request stays pending, expired later with its record', async () => {
  f = await deskFixture();
  const id = await ask('kmyer');
  f.clock.advance(TTL + 1);
  // A real failure at the database: the audit insert of an expiry is refused.
  const { sql } = await import('kysely');
  await sql`create trigger refuse_expiry_audit before insert on audit when new.action = 'request-expired' begin select raise(abort, 'audit refused'); end`.execute(f.store.db);
  await expect(f.requests.expireDue()).rejects.toThrow();
  // A press that would expire it on the spot fails the same way, and changes nothing either.
  await expect(f.desk.decideRequest(f.turn('anne'), id, 'approve')).rejects.toMatchObject({ code: 'backend-error' });
  expect(await stateOf(id)).toBe('pending');
  expect(await expiries()).toEqual([]);
  await sql`drop trigger refuse_expiry_audit`.execute(f.store.db);
  expect((await f.requests.expireDue()).map((v) => v.request.id)).toEqual([id]);
  expect(await expiries()).toHaveLength(1);
});
