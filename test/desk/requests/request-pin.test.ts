// `reset my pin` / `unlock my pin`: only in private, only for someone who can dial in, one pending
// request per user, and at most REQUESTS_PER_DAY over a sliding 24 hours.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CannotDialInError, NoPrivateChatError, RateLimitedError, UserNotEnabledError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture({ env: { REQUESTS_PER_DAY: '1' } });
});
afterEach(() => f.close());

const requests = () => f.store.db.selectFrom('pin_requests').selectAll().execute();

it('creates one pending request with its reason, audited as request-created', async () => {
  const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('kmyer'), 'reset my pin - new phone'));
  const { view } = ofKind(result, 'request-created');
  expect(view.request).toMatchObject({ kind: 'reset', state: 'pending', reason: 'new phone', requesterUpn: 'ken.myer@contoso.com' });
  expect(view.request.expiresAt).toEqual(new Date(f.clock.now + 24 * 3_600_000));
  expect(record).toMatchObject({ actor: 'ken.myer@contoso.com', action: 'request-created', target: 'ken.myer@contoso.com', outcome: 'ok', reason: `reset:${view.request.id}` });
  expect(await requests()).toMatchObject([{ id: view.request.id, state: 'pending', kind: 'reset' }]);
});

it('answers with the pending request instead of a second one', async () => {
  const created = ofKind(await f.desk.handleText(f.turn('kmyer'), 'reset my pin'), 'request-created');
  const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('kmyer'), 'unlock my pin'));
  expect(ofKind(result, 'request-exists').view.request.id).toBe(created.view.request.id);
  expect(record).toMatchObject({ action: 'request-pin', target: 'ken.myer@contoso.com', outcome: 'ok' });
  expect(await requests()).toHaveLength(1);
});

it('counts requests over exactly 24 hours: refused at 23h59m, allowed at 24h + 1ms', async () => {
  const first = ofKind(await f.desk.handleText(f.turn('kmyer'), 'reset my pin'), 'request-created');
  await f.desk.cancelRequest(f.turn('kmyer'), first.view.request.id);
  f.clock.advance(23 * 3_600_000 + 59 * 60_000);
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('kmyer'), 'reset my pin'));
  expect(error).toBeInstanceOf(RateLimitedError);
  expect(record).toMatchObject({ action: 'request-pin', outcome: 'refused', reason: 'rate-limited:requests-per-day' });
  f.clock.advance(60_000 + 1);
  ofKind((await succeeds(f, () => f.desk.handleText(f.turn('kmyer'), 'reset my pin'))).result, 'request-created');
  expect(await requests()).toHaveLength(2);
});

it('is refused in a channel or group chat', async () => {
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('kmyer', { shared: true, privateReply: false }), 'reset my pin'));
  expect(error).toBeInstanceOf(NoPrivateChatError);
  expect(record).toMatchObject({ action: 'request-pin', target: 'ken.myer@contoso.com', outcome: 'refused', reason: 'no-private-chat' });
  expect(await requests()).toHaveLength(0);
});

it('is refused to users who cannot dial in or are not enabled', async () => {
  const nora = await fails(f, () => f.desk.handleText(f.turn('nlane'), 'reset my pin'));
  expect(nora.error).toBeInstanceOf(CannotDialInError);
  expect(nora.record).toMatchObject({ outcome: 'refused', reason: 'cannot-dial-in' });
  const mark = await fails(f, () => f.desk.handleText(f.turn('mhanson'), 'reset my pin'));
  expect(mark.error).toBeInstanceOf(UserNotEnabledError);
  expect(mark.record).toMatchObject({ outcome: 'refused', reason: 'user-not-enabled' });
  expect(await requests()).toHaveLength(0);
});

it('two requests at the same moment make one', async () => {
  const answers = await Promise.all([f.desk.handleText(f.turn('kmyer'), 'reset my pin'), f.desk.handleText(f.turn('kmyer'), 'reset my pin')]);
  expect(answers.map((a) => a.kind).sort()).toEqual(['request-created', 'request-exists']);
  expect(await requests()).toHaveLength(1);
});
