// The PIN card of a `set pin` typed in the caller's own 1:1 chat is that turn's reply (issue 14):
// no proactive turn, the same conversation, recorded delivered where Reveal finds it. A connector
// that fails that reply (500, 429) leaves the card pending in the outbox, and the timer delivers it
// exactly once. Faults injected for real at the fake Bot Connector; SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, startHarness, type Harness, type TeamsMember } from '../support/harness.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

let h: Harness;

const deliveries = () => h.rows('select state, attempts, last_error from deliveries order by created_at');
const delivered = () => h.rows("select outcome, reason from audit where action = 'pin-card-delivered' order by id");
const history = async () => (await h.rows('select count(*) n from pin_history'))[0].n as number;
const pinCards = (conversation: string) => h.connector.activities.filter((a) => a.kind === 'send' && a.conversationId === conversation && cardText(cardOf(a)).includes('PIN set for Ken Myer'));
/** Posts of a PIN card (a card attachment) to the 1:1 chat; the turn's other answers get through. */
const cardPosts = (conversation: string) => (method: string, path: string, body?: any) =>
  method === 'POST' && path.startsWith(`/v3/conversations/${conversation}/activities`) && Array.isArray(body?.attachments) && body.attachments.length > 0;

const pilar: TeamsMember = { id: '29:pilar-new', name: 'Pilar Ackerman', userPrincipalName: 'pilar.ackerman@contoso.com', aadObjectId: 'aad-pilar' };

eachStoreDialect((dialect) => {
  beforeEach(async () => {
    h = await startHarness(await databaseEnv(dialect));
  });
  afterEach(async () => h?.stop());

  describe('the card is the reply of the turn that set the PIN', () => {
    it('Emulator 1:1 chat: one post, in this conversation, answering the command; delivered, and Reveal updates that card', async () => {
      const chat = h.emulator('pilar');
      const turn = await chat.say('set pin Ken Myer', { id: 'set-1' });
      // The card alone: delivered here, so there is nothing more to say.
      expect(turn.sent).toHaveLength(1);
      const [card] = turn.sent;
      expect(card!.conversationId).toBe('emulator-pilar');
      expect(card!.activity.replyToId).toBe('set-1');
      expect(cardText(cardOf(card))).toContain('PIN set for Ken Myer');
      // A reply to the command (…/activities/set-1), not a proactive message (…/activities).
      expect(h.connector.posted.map((p) => p.path)).toEqual(['/v3/conversations/emulator-pilar/activities/set-1']);
      expect(await deliveries()).toEqual([{ state: 'delivered', attempts: 1, last_error: null }]);
      expect(await delivered()).toEqual([{ outcome: 'ok', reason: 'delivered:1' }]);

      const revealed = await chat.submit(action(cardOf(card), 'Reveal PIN'));
      expect(revealed.sent).toHaveLength(1);
      expect(revealed.sent[0]).toMatchObject({ kind: 'update', conversationId: 'emulator-pilar', activityId: card!.activityId });
      expect(cardText(cardOf(revealed.sent[0]))).toMatch(/\b\d{5,}\b/);
    });

    it('Teams 1:1 chat: the card is posted in it as the reply, no chat is opened', async () => {
      const turn = await h.teams(pilar).say('set pin Ken Myer', { id: 'set-2' });
      expect(turn.sent).toHaveLength(1);
      expect(turn.sent[0]).toMatchObject({ conversationId: `personal:${pilar.id}`, activity: { replyToId: 'set-2' } });
      expect(cardText(cardOf(turn.sent[0]))).toContain('PIN set for Ken Myer');
      expect(h.connector.createdConversations).toEqual([]);
      expect(await deliveries()).toEqual([{ state: 'delivered', attempts: 1, last_error: null }]);
    });
  });

  describe('the connector does not answer the reply', () => {
    it('the turn waits no longer than its deadline; the post outlives the turn, is recorded delivered once and not sent again', async () => {
      // The card's post gets no answer for 8 s (then 503, retried by the connector client) until the connector heals.
      h.connector.fail({ match: cardPosts('emulator-pilar'), hang: 8_000 });
      setTimeout(() => h.connector.heal(), 6_000).unref();
      const turn = await h.emulator('pilar').say('set pin Ken Myer', { id: 'set-4' });
      expect(turn.ms).toBeLessThan(6_000);
      expect(turn.sent.filter((s) => !s.activity.attachments).map((s) => s.activity.text)).toEqual([
        "PIN set for Ken Myer; I couldn't post the card yet and will keep trying — type `my pins` to get it now.",
      ]);
      // The turn had ended when the connector answered: the card got through once, and that is what is recorded.
      expect(pinCards('emulator-pilar')).toHaveLength(1);
      expect(await deliveries()).toEqual([{ state: 'delivered', attempts: 1, last_error: null }]);
      h.clock.advance(60_000);
      await h.app.sweep();
      expect(pinCards('emulator-pilar')).toHaveLength(1);
    }, 30_000);
  });

  describe('the reply fails: the card waits in the outbox and the timer delivers it once', () => {
    for (const fault of [
      { name: '500', status: 500, headers: undefined, error: '500' },
      { name: '429 with Retry-After', status: 429, headers: { 'retry-after': '1' }, error: '429' },
    ]) {
      it(`${fault.name}: the PIN is set, the answer says so truthfully, and the card arrives exactly once`, async () => {
        // Every try fails (the connector client's own retries included) until the connector heals.
        h.connector.fail({ match: cardPosts('emulator-pilar'), status: fault.status, headers: fault.headers });
        const turn = await h.emulator('pilar').say('set pin Ken Myer', { id: 'set-3' });
        expect(h.connector.faulted.every((f) => f.path === '/v3/conversations/emulator-pilar/activities/set-3')).toBe(true);
        expect(await history()).toBe(1);
        expect(turn.sent.map((s) => s.activity.text)).toEqual(["PIN set for Ken Myer; I couldn't post the card yet and will keep trying — type `my pins` to get it now."]);
        expect(await deliveries()).toEqual([{ state: 'pending', attempts: 1, last_error: fault.error }]);
        expect(await delivered()).toEqual([{ outcome: 'failed', reason: `retrying:${fault.error}` }]);
        expect(pinCards('emulator-pilar')).toHaveLength(0);

        // Not due yet: nothing is tried. Past the backoff: the card goes out once, however often the timer runs.
        h.connector.heal();
        await h.app.sweep();
        expect(pinCards('emulator-pilar')).toHaveLength(0);
        h.clock.advance(5_000);
        await h.app.sweep();
        await h.app.sweep();
        h.clock.advance(60_000);
        await h.app.sweep();
        expect(pinCards('emulator-pilar')).toHaveLength(1);
        expect(await deliveries()).toEqual([{ state: 'delivered', attempts: 2, last_error: null }]);
        expect(await delivered()).toEqual([
          { outcome: 'failed', reason: `retrying:${fault.error}` },
          { outcome: 'ok', reason: 'delivered:2' },
        ]);
      });
    }
  });
});
