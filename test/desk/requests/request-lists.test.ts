// `my requests` shows the caller's own requests (anyone); `requests` shows pending ones still within
// their time, to approvers only.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MissingRoleError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

async function ask(sam: string, text = 'reset my pin'): Promise<string> {
  return ofKind(await f.desk.handleText(f.turn(sam), text), 'request-created').view.request.id;
}

it("`my requests` lists only the caller's own, newest first", async () => {
  const first = await ask('kmyer');
  await f.desk.cancelRequest(f.turn('kmyer'), first);
  f.clock.advance(1_000);
  const second = await ask('kmyer', 'unlock my pin');
  await ask('kmeyer');
  const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('kmyer'), 'my requests'));
  const list = ofKind(result, 'requests');
  expect(list.mine).toBe(true);
  expect(list.views.map((v) => [v.request.id, v.request.state])).toEqual([
    [second, 'pending'],
    [first, 'cancelled'],
  ]);
  expect(record).toMatchObject({ action: 'my-requests', outcome: 'ok' });
});

it('`requests` shows approvers the pending requests within their time', async () => {
  const denied = await ask('kmyer');
  await f.desk.decideRequest(f.turn('anne'), denied, 'deny');
  const pending = await ask('kmeyer');
  f.clock.advance(12 * 3_600_000);
  const later = await ask('jsmith');
  f.clock.advance(12 * 3_600_000);
  // Ken Meyer's request is past its 24 hours now, though no sweep has run.
  const list = ofKind(await f.desk.handleText(f.turn('pilar'), 'requests'), 'requests');
  expect(list.mine).toBe(false);
  expect(list.views.map((v) => v.request.id)).toEqual([later]);
  expect(pending).not.toBe(later);
});

it('`requests` is refused to callers who may not decide', async () => {
  await ask('kmeyer');
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('chris'), 'requests'));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ action: 'pending-requests', outcome: 'refused', reason: 'missing-role:request.decide' });
});
