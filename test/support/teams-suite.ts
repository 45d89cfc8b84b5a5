// Teams as the Bot Connector presents it: roster look-ups for identity, Action.Execute invokes
// answered with a card for the clicker only, channels with @mentions, private 1:1 delivery.
// Parametrised by directory (and by store: the environment may name a PostgreSQL database).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard, sentText, startHarness, type Harness, type TeamsMember } from './harness.js';

/** The newest audit record, read straight from the server's store. */
async function latestAudit(h: Harness): Promise<Record<string, unknown>> {
  const rows = await h.rows('select actor, action, outcome, reason from audit order by id desc limit 1');
  expect(rows).toHaveLength(1);
  return rows[0];
}

export function teamsSuite(directory: string, env: () => Record<string, string> | Promise<Record<string, string>>): void {
  describe(`Teams (${directory})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(await env());
    });
    afterAll(async () => h?.stop());

    const pilar: TeamsMember = { id: '29:pilar', name: 'Pilar Ackerman', userPrincipalName: 'pilar.ackerman@contoso.com', aadObjectId: 'aad-pilar' };
    const anne: TeamsMember = { id: '29:anne', name: 'Anne Wallace', userPrincipalName: 'anne.wallace@contoso.com', aadObjectId: 'aad-anne' };
    const pinOnCard = (card: any): string | undefined => card?.body.find((b: any) => b.fontType === 'Monospace' && b.size === 'ExtraLarge')?.text;
    const mention = (name: string, id: string) => ({ type: 'mention', text: `<at>${name}</at>`, mentioned: { id, name } });

    describe('personal chat', () => {
      it('identifies the caller through the roster and reveals through Action.Execute', async () => {
        const chat = h.teams(pilar);
        const turn = await chat.say('set pin Ken Myer');
        expect(turn.sent).toHaveLength(1);
        expect(turn.sent[0]!.conversationId).toBe('personal:29:pilar');
        const card = cardOf(turn.sent[0]);
        expect(pinOnCard(card)).toBeUndefined();
        // Teams gets Universal Actions, with the Submit fallback carrying the same data.
        const button = action(card, 'Reveal PIN');
        expect(button).toMatchObject({ type: 'Action.Execute', verb: 'pin.reveal', fallback: { type: 'Action.Submit', data: button.data } });

        const reveal = await chat.execute(action(card, 'Reveal PIN'));
        expect(reveal.status).toBe(200);
        expect(reveal.sent).toHaveLength(0);
        const shown = invokeCard(reveal);
        expect(pinOnCard(shown)).toMatch(/^\d{5}$/);

        const hide = await chat.execute(action(shown, 'Hide PIN'));
        expect(pinOnCard(invokeCard(hide))).toBeUndefined();
        expect(cardText(invokeCard(hide))).toContain('PIN hidden');
      });

      it('someone else pressing Reveal (a forwarded card) gets a refusal, not the PIN', async () => {
        const card = cardOf((await h.teams(pilar).say('set pin Ken Meyer')).sent[0]);
        const attempt = await h.teams(anne).execute(action(card, 'Reveal PIN'));
        expect(attempt.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
        expect(attempt.body.value).toMatch(/This card is for Pilar Ackerman only/);
        expect(JSON.stringify(attempt.body)).not.toMatch(/\d{5}/);
      });

      it('a Teams user missing from the directory is told so', async () => {
        const stranger: TeamsMember = { id: '29:guest', name: 'Guest', userPrincipalName: 'guest@fabrikam.com' };
        const turn = await h.teams(stranger).say('help');
        expect(turn.sent[0]!.activity.text).toMatch(/You appear as "guest@fabrikam.com", and that account is not in the directory/);
      });

      it('when the roster look-up fails, says so, and audits the Teams id, never the display name (issue 12, item 15)', async () => {
        h.connector.rosterFailure = 500;
        try {
          // Claims Anne's display name; the roster would have said who this really is.
          const turn = await h.teams({ id: '29:mallory', name: 'Anne Wallace', userPrincipalName: 'mallory@fabrikam.com' }).say('lock pin Ken Myer');
          expect(turn.sent[0]!.activity.text).toBe("I couldn't look you up in Teams just now, so I did nothing. Try again in a minute.");
          const row = await latestAudit(h);
          expect(row).toMatchObject({ actor: '29:mallory', action: 'command', outcome: 'failed', reason: 'unknown-caller:roster-unavailable' });
          // The object id the activity carries still identifies a directory user.
          const veraId = await h.userId('vera');
          const vera = await h.teams({ id: '29:vera3', name: 'Vera Lee', userPrincipalName: 'vera.lee@contoso.com', aadObjectId: veraId }).say('whoami');
          expect(vera.sent[0]!.activity.text).toContain('You are **Vera Lee**');
        } finally {
          h.connector.rosterFailure = undefined;
        }
        expect(cardText(cardOf((await h.teams(anne).say('pin status Ken Myer')).sent[0]))).toMatch(/IsLockedOut: No/);
      }, 40_000);

      it('falls back to the object id when the roster has no UPN, and never guesses from names', async () => {
        const veraId = await h.userId('vera');
        const known = await h.teams({ id: '29:vera', name: 'Vera Lee', userPrincipalName: '', aadObjectId: veraId }).say('whoami');
        expect(known.sent[0]!.activity.text).toContain('You are **Vera Lee**');
        const unknown = await h.teams({ id: '29:vera2', name: 'Vera Lee', userPrincipalName: '', aadObjectId: 'c0a6bd1a-3d7b-5dfb-b1fb-9b1b8d2a4b8f' }).say('whoami');
        expect(unknown.sent[0]!.activity.text).toMatch(/not in the directory/);
      });
    });

    describe('channels and group chats', () => {
      for (const type of ['channel', 'groupChat'] as const) {
        it(`${type}: the 1:1 chat is opened first, the card goes there, the ${type} gets an acknowledgement without the PIN`, async () => {
          // A Teams account that has never written to PinDesk in a 1:1 chat: Teams opens one.
          const member = { ...pilar, id: `29:pilar-${type}` };
          const chat = h.teams(member, { type });
          const opened = h.connector.createdConversations.length;
          const turn = await chat.say('<at>PinDesk</at> set pin Ken Myer', { entities: [mention('PinDesk', 'pindesk-bot')] });
          expect(h.connector.createdConversations).toHaveLength(opened + 1);
          expect(h.connector.createdConversations.at(-1)).toMatchObject({ isGroup: false, members: [{ id: member.id }], tenantId: 'tenant-1' });
          const privateCard = turn.sent.find((s) => s.conversationId === `personal:${member.id}`);
          const shared = turn.sent.filter((s) => s.conversationId !== `personal:${member.id}`);
          expect(cardText(cardOf(privateCard))).toContain('PIN set for Ken Myer');
          expect(shared).toHaveLength(1);
          expect(shared[0]!.activity.text).toMatch(/^PIN set for Ken Myer\. I sent the details to you in our 1:1 chat\.$/);
          expect(shared[0]!.activity.attachments).toBeUndefined();

          const reveal = await h.teams(member).execute(action(cardOf(privateCard), 'Reveal PIN'));
          expect(pinOnCard(invokeCard(reveal))).toMatch(/^\d{5}$/);

          // The next time, the 1:1 chat is known: nothing is opened again.
          const again = await chat.say('<at>PinDesk</at> set pin Ken Myer', { entities: [mention('PinDesk', 'pindesk-bot')] });
          expect(h.connector.createdConversations).toHaveLength(opened + 1);
          expect(again.sent.map((s) => s.conversationId).sort()).toEqual([chat.base.conversation.id, `personal:${member.id}`].sort());
        });
      }

      it('a manual PIN typed in a channel is refused and nothing changes', async () => {
        const chat = h.teams(pilar, { type: 'channel' });
        const before = cardText(cardOf((await h.teams(pilar).say('pin status Chris Cannon')).sent[0]));
        const turn = await chat.say('<at>PinDesk</at> set pin Chris Cannon 730194', { entities: [mention('PinDesk', 'pindesk-bot')] });
        expect(turn.sent).toHaveLength(1);
        expect(turn.sent[0]!.activity.text).toMatch(/visible to everyone in this conversation/);
        expect(turn.sent[0]!.activity.text).not.toContain('730194');
        expect(cardText(cardOf((await h.teams(pilar).say('pin status Chris Cannon')).sent[0]))).toBe(before);
      });

      it('a mention of the target user keeps their name', async () => {
        const chat = h.teams(pilar, { type: 'channel' });
        const turn = await chat.say('<at>PinDesk</at> pin status <at>Ken Myer</at>', {
          entities: [mention('PinDesk', 'pindesk-bot'), mention('Ken Myer', '29:kmyer')],
        });
        expect(cardText(cardOf(turn.sent[0]))).toContain('PIN status for Ken Myer');
      });

      it('a picker in a channel continues privately when a PIN is involved', async () => {
        const chat = h.teams(pilar, { type: 'channel' });
        const turn = await chat.say('<at>PinDesk</at> set pin Ken', { entities: [mention('PinDesk', 'pindesk-bot')] });
        const picker = cardOf(turn.sent[0]);
        const chosen = await chat.execute(action(picker, 'Choose Ken Myer'));
        expect(cardText(invokeCard(chosen))).toContain('Done for Ken Myer: the result is in our 1:1 chat');
        const privateCard = chosen.sent.find((s) => s.conversationId === 'personal:29:pilar');
        expect(cardText(cardOf(privateCard))).toContain('PIN set for Ken Myer');
        expect(sentText({ ...chosen, sent: chosen.sent.filter((s) => s.conversationId !== 'personal:29:pilar') })).not.toMatch(/\d{5}/);
      });

      it('an Action.Submit reveal from a shared conversation is refused (its answer would be public)', async () => {
        const card = cardOf((await h.teams(pilar).say('set pin Kendra Sato')).sent[0]);
        const chat = h.teams(pilar, { type: 'channel' });
        const turn = await chat.submit(action(card, 'Reveal PIN'));
        expect(sentText(turn)).toMatch(/only send PINs in a 1:1 chat/);
        expect(JSON.stringify(turn.sent)).not.toMatch(/"text":"\d{5}"/);
      });
    });
  });
}
