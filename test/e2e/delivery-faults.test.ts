// Never change a PIN that nobody can learn (issue 12, A.1): faults injected for real at the Bot
// Connector (403 on opening the 1:1 chat, 500, 429 with Retry-After, no answer at all). The private
// chat is reached before anything changes; the PIN, its sealed reveal, its audit record and its
// delivery record commit together; the card goes out from that record until delivered; every
// answer says what really changed. On SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardOf, cardText, startHarness, type Harness, type TeamsMember } from '../support/harness.js';
import { overriding, withRepository } from '../support/desk-expect.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

let h: Harness;

const rows = (sql: string, ...params: unknown[]) => h.rows(sql, ...params);
const history = async () => (await rows('select count(*) n from pin_history'))[0].n as number;
const deliveries = () => rows('select state, attempts, last_error from deliveries order by created_at');
const audit = (action: string) => rows('select action, outcome, reason from audit where action = ? order by id', action);
const posts = (conversation: string) => (method: string, p: string) => method === 'POST' && p.startsWith(`/v3/conversations/${conversation}/activities`);

const pilar: TeamsMember = { id: '29:pilar-new', name: 'Pilar Ackerman', userPrincipalName: 'pilar.ackerman@contoso.com', aadObjectId: 'aad-pilar' };
const mention = { type: 'mention', text: '<at>PinDesk</at>', mentioned: { id: 'pindesk-bot', name: 'PinDesk' } };
const inChannel = () => h.teams(pilar, { type: 'channel' });
const setPinInChannel = () => inChannel().say('<at>PinDesk</at> set pin Ken Myer', { entities: [mention] });

eachStoreDialect((dialect) => {
  beforeEach(async () => {
    h = await startHarness(await databaseEnv(dialect));
  });
  afterEach(async () => h?.stop());

  describe('the private chat is reached before anything changes', () => {
    it('Teams will not open a 1:1 chat (403 BotNotInConversationRoster): nothing changes, and the answer says how to fix it', async () => {
      h.connector.fail({ match: (m, p) => m === 'POST' && p === '/v3/conversations', status: 403, body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } } });
      const turn = await setPinInChannel();
      expect(turn.sent).toHaveLength(1);
      const text = turn.sent[0]!.activity.text as string;
      expect(text).toMatch(/I can't open a 1:1 chat with you, so I changed nothing: PinDesk isn't installed for you personally\./);
      expect(text).toContain('https://teams.microsoft.com/l/app/6f3a1c52-8d3e-4d4b-9f0e-2a7c1e5b9d10');
      expect(await history()).toBe(0);
      expect((await rows('select count(*) n from reveals'))[0].n).toBe(0);
      expect(await deliveries()).toEqual([]);
      expect(await audit('set-pin')).toEqual([{ action: 'set-pin', outcome: 'refused', reason: 'no-private-chat:not-installed' }]);
    });

    it('opening the 1:1 chat fails (500): nothing changes, and the answer says so', async () => {
      h.connector.fail({ match: (m, p) => m === 'POST' && p === '/v3/conversations', status: 500 });
      const turn = await setPinInChannel();
      expect(turn.sent.map((s) => s.activity.text)).toEqual(["I couldn't open our 1:1 chat just now (Teams didn't answer), so I changed nothing. Try again in a minute, or write to me in our 1:1 chat."]);
      expect(await history()).toBe(0);
      expect(await audit('set-pin')).toEqual([{ action: 'set-pin', outcome: 'refused', reason: 'no-private-chat:unreachable' }]);
    });
  });

  describe('the card goes out from the outbox, and the answer is true', () => {
    it('the card post fails (500): the PIN is set, the channel is told the truth, and the card arrives once the connector recovers', async () => {
      h.connector.fail({ match: posts(`personal:${pilar.id}`), status: 500 });
      const turn = await setPinInChannel();
      expect(await history()).toBe(1);
      expect(turn.sent.filter((s) => s.conversationId !== `personal:${pilar.id}`).map((s) => s.activity.text)).toEqual([
        "PIN set for Ken Myer; I couldn't post the card to our 1:1 chat yet and will keep trying — type `my pins` there to get it now.",
      ]);
      expect(await deliveries()).toMatchObject([{ state: 'pending', attempts: 1, last_error: '500' }]);
      expect(await audit('set-pin')).toEqual([{ action: 'set-pin', outcome: 'ok', reason: 'generated' }]);
      expect(await audit('pin-card-delivered')).toEqual([{ action: 'pin-card-delivered', outcome: 'failed', reason: 'retrying:500' }]);

      // Not due yet: nothing is tried.
      h.connector.heal();
      const before = h.connector.activities.length;
      await h.app.sweep();
      expect(h.connector.activities.length).toBe(before);
      // Past the backoff, the card goes out, once.
      h.clock.advance(5_000);
      await h.app.sweep();
      await h.app.sweep();
      const cards = h.connector.activities.slice(before).filter((a) => a.conversationId === `personal:${pilar.id}`);
      expect(cards).toHaveLength(1);
      expect(cardText(cardOf(cards[0]))).toContain('PIN set for Ken Myer');
      expect(await deliveries()).toMatchObject([{ state: 'delivered', attempts: 2 }]);
      expect((await audit('pin-card-delivered')).map((r) => r.outcome)).toEqual(['failed', 'ok']);
    });

    it('429 with Retry-After: the card is posted again only after the wait the connector asked for', async () => {
      h.connector.fail({ match: posts('emulator-pilar'), status: 429, headers: { 'retry-after': '2' }, times: 1 });
      const turn = await h.emulator('pilar').say('set pin Ken Myer');
      expect(await history()).toBe(1);
      const throttled = h.connector.faulted.at(-1)!;
      const card = h.connector.posted.find((p) => p.path.startsWith('/v3/conversations/emulator-pilar/activities'))!;
      expect(card.at - throttled.at).toBeGreaterThanOrEqual(1_900);
      expect(cardText(cardOf(turn.sent.find((s) => s.activity.attachments)))).toContain('PIN set for Ken Myer');
      expect(await deliveries()).toMatchObject([{ state: 'delivered', attempts: 1 }]);
    });

    it('a connector that does not answer holds no turn for long, and the card is delivered once it does', async () => {
      // The 1:1 chat's posts get no answer for 8 s (then 503) until the connector heals.
      h.connector.fail({ match: posts(`personal:${pilar.id}`), hang: 8_000 });
      setTimeout(() => h.connector.heal(), 6_000).unref();
      const turn = await setPinInChannel();
      // Answered after the send deadline (3 s, and a second for the bookkeeping), not the connector's 8 s.
      expect(turn.ms).toBeLessThan(6_000);
      expect(turn.status).toBe(200);
      expect(await history()).toBe(1);
      expect(turn.sent.find((s) => s.conversationId !== `personal:${pilar.id}`)?.activity.text).toMatch(/^PIN set for Ken Myer; I couldn't post the card to our 1:1 chat yet/);
      // The send went on after the turn's answer and got through: one card, recorded once.
      expect(turn.sent.filter((s) => s.conversationId === `personal:${pilar.id}`)).toHaveLength(1);
      expect(await deliveries()).toMatchObject([{ state: 'delivered', attempts: 1 }]);
    }, 30_000);

    it('`my pins` sends the waiting card again in the 1:1 chat (never anyone else\'s), and the outbox stops trying', async () => {
      h.connector.fail({ match: posts(`personal:${pilar.id}`), status: 503 });
      await setPinInChannel();
      expect(await deliveries()).toMatchObject([{ state: 'pending' }]);
      h.connector.heal();
      const mine = await h.teams(pilar).say('my pins');
      expect(mine.sent[0]!.activity.text).toBe('One PIN card is waiting for you; here it is again, hidden until you press Reveal.');
      expect(cardText(cardOf(mine.sent[1]))).toContain('PIN set for Ken Myer');
      expect(await deliveries()).toMatchObject([{ state: 'delivered' }]);
      h.clock.advance(60_000);
      const before = h.connector.activities.length;
      await h.app.sweep();
      expect(h.connector.activities.length).toBe(before);
      // Someone else's `my pins` shows none of Pilar's cards.
      const anne = await h.teams({ id: '29:anne', name: 'Anne Wallace', userPrincipalName: 'anne.wallace@contoso.com', aadObjectId: 'aad-anne' }).say('my pins');
      expect(anne.sent.map((s) => s.activity.text)).toEqual(['You have no PIN cards waiting: every PIN set for you has been revealed, or can no longer be.']);
      // In a channel, `my pins` is refused: the cards would be public.
      const shared = await inChannel().say('<at>PinDesk</at> my pins', { entities: [mention] });
      expect(shared.sent.map((s) => s.activity.text)).toEqual(['I can only send PINs in a 1:1 chat. Message me directly and try again; nothing was changed.']);
    });

    it('the outbox survives a restart: a card not delivered before is delivered after', async () => {
      h.connector.fail({ match: posts(`personal:${pilar.id}`), status: 502 });
      await setPinInChannel();
      await h.restart();
      h.connector.heal();
      h.clock.advance(5_000);
      await h.app.sweep();
      expect(await deliveries()).toMatchObject([{ state: 'delivered' }]);
    });

    it('a card never delivered before its PIN can no longer be revealed is expired and audited, and the PIN stays set', async () => {
      h.connector.fail({ match: posts(`personal:${pilar.id}`), status: 500 });
      await setPinInChannel();
      h.clock.advance(11 * 60_000);
      await h.app.sweep();
      expect(await deliveries()).toMatchObject([{ state: 'expired' }]);
      expect((await audit('pin-card-delivered')).map((r) => `${r.outcome}:${r.reason}`)).toEqual(['failed:retrying:500', 'failed:expired-undelivered']);
      expect(await history()).toBe(1);
    });
  });

  describe('a store failure after the PIN is set', () => {
    it("the first try's outcome cannot be recorded (busy, full): the answer still says the PIN is set, and the card goes out once that try's lease ends", async () => {
      await h.stop();
      let failing = 1;
      h = await startHarness(
        await databaseEnv(dialect),
        {
          decorateStore: (store) =>
            withRepository(
              store,
              'deliveries',
              overriding(store.deliveries, {
                retryLater: (...args: Parameters<typeof store.deliveries.retryLater>) =>
                  failing-- > 0 ? Promise.reject(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })) : store.deliveries.retryLater(...args),
              }),
            ),
        },
      );
      h.connector.fail({ match: posts(`personal:${pilar.id}`), status: 500 });
      const turn = await setPinInChannel();
      expect(await history()).toBe(1);
      expect(turn.sent.filter((s) => s.conversationId !== `personal:${pilar.id}`).map((s) => s.activity.text)).toEqual([
        "PIN set for Ken Myer; I couldn't post the card to our 1:1 chat yet and will keep trying — type `my pins` there to get it now.",
      ]);
      expect(await audit('set-pin')).toEqual([{ action: 'set-pin', outcome: 'ok', reason: 'generated' }]);
      // The record still holds the first try's lease (written with the PIN): nobody sends it before that ends.
      expect(await deliveries()).toMatchObject([{ state: 'pending', attempts: 1 }]);
      h.connector.heal();
      await h.app.sweep();
      expect(await deliveries()).toMatchObject([{ state: 'pending', attempts: 1 }]);
      h.clock.advance(30_000);
      await h.app.sweep();
      expect(await deliveries()).toMatchObject([{ state: 'delivered', attempts: 2 }]);
      expect(h.connector.activities.filter((a) => a.conversationId === `personal:${pilar.id}` && a.activity.attachments)).toHaveLength(1);
    });
  });

  describe("the channel's acknowledgement cannot be posted once", () => {
    it('the PIN is set and its card delivered: no later answer says nothing was changed', async () => {
      const channel = '19:channel@thread.tacv2';
      h.connector.fail({ match: posts(channel), hang: 4_000, times: 1 });
      const turn = await setPinInChannel();
      expect(await history()).toBe(1);
      expect(await deliveries()).toMatchObject([{ state: 'delivered' }]);
      const said = turn.sent.filter((s) => s.conversationId === channel).map((s) => s.activity.text as string);
      expect(said.filter((text) => /nothing was changed|changed nothing/.test(text))).toEqual([]);
    });
  });

  describe('the 1:1 chat refuses the card for good', () => {
    it('(403, the user blocked PinDesk): the answer does not promise to keep trying, and `my pins` still brings the card', async () => {
      await h.teams(pilar).say('help');
      h.connector.fail({ match: posts(`personal:${pilar.id}`), status: 403, body: { error: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' } } });
      const turn = await setPinInChannel();
      expect(await history()).toBe(1);
      expect(await deliveries()).toMatchObject([{ state: 'failed', last_error: '403' }]);
      const said = turn.sent.filter((s) => s.conversationId !== `personal:${pilar.id}`).map((s) => s.activity.text as string);
      expect(said).toHaveLength(1);
      expect(said[0]).not.toMatch(/keep trying/);
      expect(said[0]).toMatch(/^PIN set for Ken Myer/);
      expect(said[0]).toContain('`my pins`');
      h.connector.heal();
      const mine = await h.teams(pilar).say('my pins');
      expect(cardText(cardOf(mine.sent[1]))).toContain('PIN set for Ken Myer');
    });
  });
});
