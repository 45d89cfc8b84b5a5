// Where approval cards go: every approvals channel, and the 1:1 chat of each APPROVERS member who
// has written to PinDesk — never the requester's own.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { ofKind } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture({ env: { APPROVERS: 'pilar.ackerman@contoso.com, Anne.Wallace@contoso.com, chris.cannon@contoso.com' } });
});
afterEach(() => f.close());

const personal = (sam: string) => ({ conversation: { id: `personal:${sam}` } });

async function ask(sam: string) {
  return ofKind(await f.desk.handleText(f.turn(sam), 'reset my pin'), 'request-created').view.request;
}

it("approvals channels, then listed approvers' 1:1 chats, without the requester's", async () => {
  const channel = { conversation: { id: '19:approvals' } };
  await f.desk.handleText(f.turn('anne', { shared: true, privateReply: false, conversation: { id: '19:approvals', channelId: 'msteams', reference: channel } }), 'approvals here');
  // Pilar and Anne have written to PinDesk in 1:1; Chris (listed, but may not decide) has too.
  for (const sam of ['pilar', 'anne', 'chris']) await f.desk.handleText(f.turn(sam), 'whoami');
  expect(await f.requests.approverConversations(await ask('kmyer'))).toEqual([channel, personal('pilar'), personal('anne')]);
  expect(await f.requests.approverConversations(await ask('pilar'))).toEqual([channel, personal('anne')]);
});

it("shows a request's current view, and nothing for an unknown id", async () => {
  const request = await ask('kmyer');
  expect((await f.requests.view(request.id))?.request.state).toBe('pending');
  expect(await f.requests.view('no-such-request')).toBeUndefined();
});
