// Which channels may vouch for a caller by `from.id`: only trusted ones.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ TRUSTED_CHANNELS: 'webchat' });
});
afterAll(async () => h?.stop());

it('an untrusted channel cannot claim to be an admin, and nothing changes', async () => {
  const turn = await h.emulator('anne').say('lock pin Ken Myer');
  expect(turn.sent[0]!.activity.text).toMatch(/can't verify who you are on this channel \(you appear as "anne"\)/);
  const status = await h.teams({ id: '29:anne', name: 'Anne Wallace', userPrincipalName: 'anne.wallace@contoso.com' }).say('pin status Ken Myer');
  const facts = status.sent[0]!.activity.attachments[0].content.body.find((b: any) => b.type === 'FactSet').facts;
  expect(facts.find((f: any) => f.title === 'IsLockedOut').value).toBe('No');
});

it('a listed channel is trusted', async () => {
  const turn = await h.post({
    type: 'message',
    text: 'whoami',
    channelId: 'webchat',
    serviceUrl: h.connector.url,
    from: { id: 'vera' },
    conversation: { id: 'webchat-vera' },
    recipient: { id: 'pindesk-bot' },
  });
  expect(turn.status).toBe(200);
  expect(h.connector.activities.at(-1)!.activity.text).toContain('You are **Vera Lee**');
});
