// Cancel: only the requester withdraws a request (approvers deny), only while it is pending.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CardExpiredError, NotAddresseeError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

async function ask(sam: string): Promise<string> {
  return ofKind(await f.desk.handleText(f.turn(sam), 'reset my pin'), 'request-created').view.request.id;
}
const stateOf = async (id: string) => (await f.store.db.selectFrom('pin_requests').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;

it('the requester cancels with the button', async () => {
  const id = await ask('kmyer');
  const { result, record } = await succeeds(f, () => f.desk.cancelRequest(f.turn('kmyer'), id));
  expect(ofKind(result, 'request-updated')).toMatchObject({ change: 'cancelled', view: { request: { state: 'cancelled' } } });
  expect(record).toMatchObject({ actor: 'ken.myer@contoso.com', action: 'request-cancelled', target: 'ken.myer@contoso.com', outcome: 'ok', reason: `reset:${id}` });
  expect(await stateOf(id)).toBe('cancelled');
});

it('the requester cancels by typing, which finds their pending request', async () => {
  const id = await ask('kmyer');
  ofKind((await succeeds(f, () => f.desk.handleText(f.turn('kmyer'), 'cancel my request'))).result, 'request-updated');
  expect(await stateOf(id)).toBe('cancelled');
});

it('nobody else may cancel, not even an administrator', async () => {
  const id = await ask('kmyer');
  const { error, record } = await fails(f, () => f.desk.cancelRequest(f.turn('anne'), id));
  expect(error).toBeInstanceOf(NotAddresseeError);
  expect(record).toMatchObject({ actor: 'anne.wallace@contoso.com', action: 'request-cancel', target: 'ken.myer@contoso.com', outcome: 'refused', reason: 'not-addressee' });
  expect(await stateOf(id)).toBe('pending');
});

it('a decided request stays decided; with nothing pending there is nothing to cancel', async () => {
  const id = await ask('kmyer');
  await f.desk.decideRequest(f.turn('anne'), id, 'deny');
  const stale = await succeeds(f, () => f.desk.cancelRequest(f.turn('kmyer'), id));
  expect(ofKind(stale.result, 'request-updated').change).toBe('unchanged');
  expect(stale.record).toMatchObject({ outcome: 'refused', reason: 'stale:denied' });
  expect(await stateOf(id)).toBe('denied');
  const none = await fails(f, () => f.desk.handleText(f.turn('kmyer'), 'cancel my request'));
  expect(none.error).toBeInstanceOf(CardExpiredError);
  expect(none.record).toMatchObject({ action: 'cancel-request', outcome: 'refused', reason: 'card-expired:request' });
});
