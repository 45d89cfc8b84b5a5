// Self-service under faults (issue 12, A.2): the approval, the new PIN, its sealed reveal, its
// delivery record and the audit commit together; the approver's press is answered at once; the
// requester's card says where the PIN is; `my requests` sends a card that never arrived; and a bot
// killed (kill -9) between approval and delivery delivers the card after it restarts. On SQLite and
// PostgreSQL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseSettings } from '../../src/database-settings.js';
import { startBotChild, type BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { action, cardOf, cardText, invokeCard, startHarness, type Harness, type TeamsMember } from '../support/harness.js';
import { databaseEnv, eachStoreDialect, queryRows } from '../support/store.js';

const member = (sam: string, name: string, upn: string): TeamsMember => ({ id: `29:${sam}`, name, userPrincipalName: upn });
const ken = member('kmyer', 'Ken Myer', 'ken.myer@contoso.com');
const pilar = member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com');
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
const APPROVALS = '19:approvals@thread.tacv2';
const mention = { type: 'mention', text: '<at>PinDesk</at>', mentioned: { id: 'pindesk-bot', name: 'PinDesk' } };
const pinOnCard = (card: any): string | undefined => card?.body.find((b: any) => b.fontType === 'Monospace' && b.size === 'ExtraLarge')?.text;

eachStoreDialect((dialect) => {
  describe('self-service when the requester cannot be reached', () => {
    let h: Harness;
    afterEach(async () => h?.stop());

    it("the approver's press is answered at once; the requester's card says the truth; `my requests` brings the PIN card", async () => {
      h = await startHarness(await databaseEnv(dialect));
      await h.teams(anne, { type: 'channel', id: APPROVALS }).say('<at>PinDesk</at> approvals here', { entities: [mention] });
      const requested = await h.teams(ken).say('reset my pin - new phone');
      const approval = cardOf(requested.sent.find((s) => s.conversationId === APPROVALS));
      // New messages to Ken's chat fail; updates of the cards already there still work.
      h.connector.fail({ match: (m, p) => m === 'POST' && p.startsWith('/v3/conversations/personal:29:kmyer/activities'), status: 500 });

      const approved = await h.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve'));
      // Answered before the PIN card's delivery is even tried (that runs after the answer).
      expect(approved.ms).toBeLessThan(1_500);
      expect(cardText(invokeCard(approved))).toMatch(/Approved by Pilar Ackerman/);
      const [request] = await h.rows('select id, state from pin_requests');
      expect(request.state).toBe('approved');
      expect(await h.rows('select state, request_id from deliveries')).toEqual([{ state: 'pending', request_id: request.id }]);
      expect((await h.rows('select action, outcome from audit where action like ? order by id', 'request-%')).map((r) => `${r.action}:${r.outcome}`)).toEqual([
        'request-created:ok',
        'request-approved:ok',
        'request-delivered:failed',
      ]);
      // Ken's request card, redrawn in place, does not claim a card that is not there.
      const redrawn = approved.sent.filter((s) => s.conversationId === 'personal:29:kmyer' && s.kind === 'update').at(-1);
      expect(cardText(cardOf(redrawn))).toContain("Your new PIN is set. I couldn't post its card here yet and will keep trying — type `my requests` to get it now.");
      expect(cardText(cardOf(redrawn))).not.toContain('in the card below');

      h.connector.heal();
      const mine = await h.teams(ken).say('my requests');
      const pinCard = mine.sent.find((s) => cardText(cardOf(s)).includes('Reveal') || JSON.stringify(cardOf(s) ?? {}).includes('Reveal PIN'));
      expect(pinCard).toBeDefined();
      expect(await h.rows('select state from deliveries')).toEqual([{ state: 'delivered' }]);
      const revealed = await h.teams(ken).execute(action(cardOf(pinCard), 'Reveal PIN'));
      expect(pinOnCard(invokeCard(revealed))).toMatch(/^\d{5,}$/);
    }, 30_000);
  });

  describe("the requester's card could not be posted when the request was made", () => {
    let h: Harness;
    afterEach(async () => h?.stop());

    it('an approval still writes a delivery record for the requester, and the PIN card reaches them', async () => {
      h = await startHarness(await databaseEnv(dialect));
      // The answer to `reset my pin` (the requester's card) gets no answer in time, once.
      h.connector.fail({ match: (m, p) => m === 'POST' && p.startsWith('/v3/conversations/personal:29:kmyer/activities'), hang: 4_000, times: 1 });
      await h.teams(ken).say('reset my pin - new phone');
      const [request] = await h.rows('select id, state from pin_requests');
      expect(request.state).toBe('pending');
      // An approver finds it with `requests` and approves it.
      const pending = cardOf((await h.teams(pilar).say('requests')).sent[0]);
      await h.teams(pilar).execute(action(pending, 'Approve'));
      expect(await h.rows('select state from pin_requests')).toEqual([{ state: 'approved' }]);
      expect(await h.rows('select state, request_id from deliveries')).toEqual([{ state: 'delivered', request_id: request.id }]);
      const cards = h.connector.activities.filter((a) => a.conversationId === 'personal:29:kmyer' && a.kind === 'send' && JSON.stringify(cardOf(a) ?? {}).includes('Reveal PIN'));
      expect(cards).toHaveLength(1);
    }, 30_000);
  });

  describe('a bot killed between approval and delivery', () => {
    const bots: BotProcess[] = [];
    let dataDir: string | undefined;
    let database: Record<string, string> = {};
    let connector: FakeConnector | undefined;
    afterEach(async () => {
      for (const bot of bots.splice(0)) await bot.kill();
      await connector?.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    async function startBot(): Promise<string> {
      const bot = await startBotChild({ DATA_DIR: dataDir!, ...database });
      bots.push(bot);
      return bot.url;
    }

    let sequence = 0;
    async function say(url: string, user: string, body: Record<string, unknown>): Promise<number> {
      const response = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: `kill-${++sequence}`,
          channelId: 'emulator',
          serviceUrl: connector!.url,
          from: { id: user, name: user },
          recipient: { id: 'pindesk-bot', name: 'PinDesk' },
          conversation: { id: `emulator-${user}` },
          ...body,
        }),
      });
      return response.status;
    }

    const rows = (sql: string) => queryRows(databaseSettings(database), dataDir!, sql);
    const cardsIn = (conversation: string) => connector!.activities.filter((a) => a.conversationId === conversation && a.activity.attachments);

    it('the card arrives after the restart, and the requester can reveal it', async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'pindesk-kill-'));
      database = await databaseEnv(dialect);
      connector = await new FakeConnector().start();
      let url = await startBot();
      expect(await say(url, 'anne', { text: 'approvals here', conversation: { id: 'emulator-approvals' } })).toBe(200);
      expect(await say(url, 'kmyer', { text: 'reset my pin - new phone' })).toBe(200);
      const approval = cardsIn('emulator-approvals').at(-1)!.activity.attachments[0].content;
      const approve = action(approval, 'Approve');

      // Ken's chat takes new messages but never answers: the approval commits, the card hangs in flight.
      connector.fail({ match: (m, p) => m === 'POST' && p.startsWith('/v3/conversations/emulator-kmyer/activities'), hang: true });
      expect(await say(url, 'pilar', { value: approve.data })).toBe(200);
      expect(await rows('select state from pin_requests')).toEqual([{ state: 'approved' }]);
      expect(await rows('select state from deliveries')).toEqual([{ state: 'pending' }]);
      expect((await rows('select count(*) n from pin_history'))[0].n).toBe(1);
      expect(cardsIn('emulator-kmyer').filter((a) => JSON.stringify(a.activity).includes('Reveal PIN'))).toHaveLength(0);

      await bots.at(-1)!.kill();
      connector.heal();
      url = await startBot();
      // The dead instance's claim on the card ends with its lease (30 s); then the card goes out.
      const deadline = Date.now() + 45_000;
      while (Date.now() < deadline && !cardsIn('emulator-kmyer').some((a) => JSON.stringify(a.activity).includes('Reveal PIN'))) {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const delivered = cardsIn('emulator-kmyer').filter((a) => JSON.stringify(a.activity).includes('Reveal PIN'));
      expect(delivered).toHaveLength(1);
      expect(await rows('select state from deliveries')).toEqual([{ state: 'delivered' }]);
      const reveal = action(delivered[0]!.activity.attachments[0].content, 'Reveal PIN');
      const before = connector.activities.length;
      expect(await say(url, 'kmyer', { value: reveal.data })).toBe(200);
      const shown = connector.activities.slice(before).find((a) => a.kind === 'update');
      expect(pinOnCard(shown?.activity.attachments[0].content)).toMatch(/^\d{5,}$/);
    }, 90_000);
  });
});
