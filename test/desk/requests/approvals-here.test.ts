// `approvals here` / `approvals off`: where approval cards go is an organisation-wide setting, for
// CsAdministrator only, about the conversation it is typed in.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MissingRoleError, NoPrivateChatError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

const room = (sam: string) => f.turn(sam, { shared: true, privateReply: false, conversation: { id: '19:approvals', channelId: 'msteams', reference: { conversation: { id: '19:approvals' } } } });
const channels = () => f.store.db.selectFrom('approval_channels').select(['conversation_id', 'registered_by']).execute();

it('registers the conversation, then stops; a second `off` changes nothing', async () => {
  const on = await succeeds(f, () => f.desk.handleText(room('anne'), 'approvals here'));
  expect(ofKind(on.result, 'approvals-channel')).toMatchObject({ on: true, changed: true });
  expect(on.record).toMatchObject({ action: 'approvals-here', target: '19:approvals', outcome: 'ok' });
  expect(await channels()).toEqual([{ conversation_id: '19:approvals', registered_by: 'anne.wallace@contoso.com' }]);
  expect(ofKind(await f.desk.handleText(room('anne'), 'approvals off'), 'approvals-channel')).toMatchObject({ on: false, changed: true });
  expect(await channels()).toEqual([]);
  expect(ofKind(await f.desk.handleText(room('anne'), 'approvals off'), 'approvals-channel')).toMatchObject({ on: false, changed: false });
});

it('is refused to a CsUserAdministrator', async () => {
  const { error, record } = await fails(f, () => f.desk.handleText(room('pilar'), 'approvals here'));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ action: 'approvals-here', outcome: 'refused', reason: 'missing-role:approvals.manage' });
  expect(await channels()).toEqual([]);
});

it('needs a conversation to post to', async () => {
  const { error } = await fails(f, () => f.desk.handleText(f.turn('anne', { conversation: undefined }), 'approvals here'));
  expect(error).toBeInstanceOf(NoPrivateChatError);
});
