// Every attempt leaves exactly one audit record — allowed, refused or failed — with the turn's
// request id and the error's code as the reason; a failure that is not a desk error is a backend
// error. Nothing from the attempt is lost when it fails half-way (the target it named).
import { afterEach, expect, it } from 'vitest';
import { audited } from '../../src/desk/audit-trail.js';
import { BackendError, DirectoryUnavailableError, UnknownCallerError } from '../../src/domain/errors.js';
import type { Store } from '../../src/ports/store.js';
import { deskFixture, type DeskFixture } from '../support/desk-fixture.js';
import { fails, overriding, succeeds, withRepository } from '../support/desk-expect.js';

let f: DeskFixture;
afterEach(() => f.close());

it('ok: one record with the time, actor, action, target and request id', async () => {
  f = await deskFixture();
  const turn = f.turn('vera');
  const { record } = await succeeds(f, () => f.desk.handleText(turn, 'pin status Ken Myer'));
  expect(record).toEqual({ actor: 'vera.lee@contoso.com', action: 'pin-status', target: 'sip:ken.myer@contoso.com', outcome: 'ok', reason: null, request_id: turn.requestId });
  const [row] = await f.store.db.selectFrom('audit').select('at').execute();
  expect(Number(row!.at)).toBe(f.clock.now);
});

it('refused: one record with the rule as the reason', async () => {
  f = await deskFixture();
  const { record } = await fails(f, () => f.desk.handleText(f.turn('vera'), 'lock pin Ken Myer'));
  expect(record).toMatchObject({ outcome: 'refused', reason: 'missing-role:pin.lock' });
});

it('refused before the caller is known: the record names who they appeared as', async () => {
  f = await deskFixture();
  // The caller is identified before the text is read: the action is still just `command`.
  const stranger = await fails(f, () => f.desk.handleText(f.turn('nobody'), 'help'));
  expect(stranger.error).toBeInstanceOf(UnknownCallerError);
  expect(stranger.record).toMatchObject({ actor: 'nobody', action: 'command', outcome: 'refused', reason: 'unknown-caller:not-in-directory' });
  const untrusted = await fails(f, () => f.desk.handleText({ ...f.turn('anne'), caller: { appearsAs: 'anne?', trusted: false, account: { samAccountName: 'anne' } } }, 'help'));
  expect(untrusted.record).toMatchObject({ actor: 'anne?', outcome: 'refused', reason: 'unknown-caller:untrusted-channel' });
});

it('failed (the store): one record, outcome failed, the error code as reason, the target kept', async () => {
  f = await deskFixture({
    decorateStore: (store: Store) => withRepository(store, 'policies', overriding(store.policies, { policies: () => Promise.reject(new Error('disk I/O error')) })),
  });
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('vera'), 'pin status Ken Myer'));
  expect(error).toBeInstanceOf(BackendError);
  expect(record).toMatchObject({ action: 'pin-status', target: 'sip:ken.myer@contoso.com', outcome: 'failed', reason: 'backend-error' });
});

it('failed (the directory): outcome failed, directory-unavailable', async () => {
  f = await deskFixture();
  f.directory.search = () => Promise.reject(new Error('connect ECONNREFUSED'));
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('vera'), 'pin status Ken Myer'));
  expect(error).toBeInstanceOf(DirectoryUnavailableError);
  expect(record).toMatchObject({ action: 'pin-status', outcome: 'failed', reason: 'directory-unavailable' });
});

it('a failure that is no desk error becomes a backend error', async () => {
  f = await deskFixture();
  const deps = { audit: f.services.store.audit, clock: f.services.clock };
  const { error, record } = await fails(f, () => audited(deps, f.turn('anne'), 'anything', async () => { throw new TypeError('oops'); }));
  expect(error).toBeInstanceOf(BackendError);
  expect(record).toMatchObject({ actor: 'anne', action: 'anything', outcome: 'failed', reason: 'backend-error' });
});

it('the local command line: one record per command, as local:<user>', async () => {
  f = await deskFixture();
  const { record } = await succeeds(f, () => f.desk.runLocal('root', { kind: 'unlock-pin', identity: 'Ken Myer' }));
  expect(record).toMatchObject({ actor: 'local:root', action: 'unlock-pin', target: 'sip:ken.myer@contoso.com', outcome: 'ok' });
  const refused = await fails(f, () => f.desk.runLocal('root', { kind: 'set-pin', identity: 'Ken Myer', pin: '123456', ignoreHistory: false }));
  expect(refused.record).toMatchObject({ actor: 'local:root', action: 'set-pin', outcome: 'refused', reason: 'pin-rule:common-pattern:sequence' });
});
