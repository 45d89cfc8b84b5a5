// The request-notice outbox over HTTP (issue 14): after a Deny, the redraws of every card and the
// requester's note are a store row; when the Bot Connector answers 500 or 429 they are carried
// later by the sweep, the note exactly once; a note already sent is never repeated by a retry; a
// card the connector refuses for good (403) is given up and audited; a notice past its day is
// given up and audited. On SQLite and PostgreSQL.
import { afterEach, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard, startHarness, type Harness, type TeamsMember } from '../support/harness.js';
import type { ConnectorFault } from '../support/fake-connector.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

const member = (sam: string, name: string, upn: string): TeamsMember => ({ id: `29:${sam}`, name, userPrincipalName: upn });
const ken = member('kmyer', 'Ken Myer', 'ken.myer@contoso.com');
const pilar = member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com');
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
const APPROVALS = '19:approvals@thread.tacv2';
const KENS_CHAT = 'personal:29:kmyer';
const mention = { type: 'mention', text: '<at>PinDesk</at>', mentioned: { id: 'pindesk-bot', name: 'PinDesk' } };
const DENIED = 'Your request was denied by Pilar Ackerman.';

const updatesOf = (posts: string, method: string, path: string) => method === 'PUT' && path.startsWith(`/v3/conversations/${posts}/activities/`);
const noteTo = (method: string, path: string) => method === 'POST' && path.startsWith(`/v3/conversations/${KENS_CHAT}/activities`);

/** Polls the store until `check` holds (the 2-second delivery timer may be the one carrying). */
async function until<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  for (const started = Date.now(); ; ) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > 10_000) throw new Error(`waited 10 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

eachStoreDialect((dialect) => {
  describe('what a Deny owes people, when the connector fails', () => {
    let h: Harness;
    afterEach(async () => h?.stop());

    /** Ken asks, the connector starts failing as `fault` says, Pilar denies. */
    async function denyKensRequest(...faults: ConnectorFault[]): Promise<{ requestId: string }> {
      await h.teams(anne, { type: 'channel', id: APPROVALS }).say('<at>PinDesk</at> approvals here', { entities: [mention] });
      const requested = await h.teams(ken).say('reset my pin - new phone');
      const approval = cardOf(requested.sent.find((s) => s.conversationId === APPROVALS));
      for (const fault of faults) h.connector.fail(fault);
      const turn = await h.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Deny'));
      // The press is answered with the truth whatever happens to the redraws.
      expect(cardText(invokeCard(turn))).toContain('Denied by Pilar Ackerman');
      const [request] = await h.rows('select id from pin_requests');
      return { requestId: request.id };
    }
    const notices = () => h.rows("select request_id, change, state, attempts, note_sent_at, last_error, dropped from request_notices where change = 'denied'");
    const notesToKen = () => h.connector.activities.filter((a) => a.conversationId === KENS_CHAT && a.kind === 'send' && a.activity.text === DENIED);
    const redrawsIn = (conversation: string) => h.connector.activities.filter((a) => a.conversationId === conversation && a.kind === 'update' && cardText(cardOf(a)).includes('Denied by Pilar Ackerman'));

    it('500 to the note and to every card update: the sweep carries them later, the note exactly once', async () => {
      h = await startHarness(await databaseEnv(dialect));
      const { requestId } = await denyKensRequest({ match: (m, p) => noteTo(m, p) || updatesOf(KENS_CHAT, m, p) || updatesOf(APPROVALS, m, p), status: 500 });
      // Nothing reached anyone; what is owed is in the store, with the denial.
      expect(notesToKen()).toHaveLength(0);
      expect(redrawsIn(APPROVALS)).toHaveLength(0);
      const [owed] = await notices();
      expect(owed).toMatchObject({ request_id: requestId, change: 'denied', state: 'pending', attempts: 1, note_sent_at: null });
      // The connector client retries a 500 itself until the send deadline: either is the truth.
      expect(owed.last_error).toMatch(/^(500|timeout)$/);

      // Still failing: a sweep after the backoff tries again, and keeps the notice.
      h.clock.advance(2_001);
      await h.app.sweep();
      await until('a second try', async () => (await notices())[0].attempts === 2 && (await notices())[0].state === 'pending');
      expect(notesToKen()).toHaveLength(0);

      h.connector.heal();
      h.clock.advance(4_001);
      await h.app.sweep();
      await until('the notice done', async () => (await notices())[0].state === 'done');
      expect(notesToKen()).toHaveLength(1);
      expect(redrawsIn(APPROVALS)).toHaveLength(1);
      expect(h.connector.activities.filter((a) => a.conversationId === KENS_CHAT && a.kind === 'update').map((a) => cardText(cardOf(a)))).toEqual([expect.stringContaining('Denied by Pilar Ackerman')]);
      expect((await notices())[0].note_sent_at).not.toBeNull();

      // Nothing more, however many sweeps follow.
      h.clock.advance(120_000);
      await h.app.sweep();
      await h.app.sweep();
      expect(notesToKen()).toHaveLength(1);
      expect(redrawsIn(APPROVALS)).toHaveLength(1);
    }, 60_000);

    it('429 with Retry-After: the note waits what the connector asked, and goes out once', async () => {
      h = await startHarness(await databaseEnv(dialect));
      await denyKensRequest({ match: noteTo, status: 429, headers: { 'retry-after': '2' }, times: 1 });
      const throttled = h.connector.faulted.at(-1)!;
      const note = h.connector.posted.find((p) => p.activityId === notesToKen()[0]?.activityId);
      expect(note!.at - throttled.at).toBeGreaterThanOrEqual(1_900);
      expect(notesToKen()).toHaveLength(1);
      expect((await notices())[0]).toMatchObject({ state: 'done', attempts: 1 });
    }, 60_000);

    it('a note that went out is never sent again: a retry for a failed redraw redraws only', async () => {
      h = await startHarness(await databaseEnv(dialect));
      await denyKensRequest({ match: (m, p) => updatesOf(APPROVALS, m, p), status: 500 });
      expect(notesToKen()).toHaveLength(1);
      expect((await notices())[0]).toMatchObject({ state: 'pending', last_error: expect.stringMatching(/^(500|timeout)$/) });
      expect((await notices())[0].note_sent_at).not.toBeNull();
      h.connector.heal();
      h.clock.advance(2_001);
      await h.app.sweep();
      await until('the notice done', async () => (await notices())[0].state === 'done');
      expect(redrawsIn(APPROVALS)).toHaveLength(1);
      expect(notesToKen()).toHaveLength(1);
    }, 60_000);

    it('a card the connector refuses for good (403) is given up and audited; the rest is done', async () => {
      h = await startHarness(await databaseEnv(dialect));
      const { requestId } = await denyKensRequest({ match: (m, p) => updatesOf(APPROVALS, m, p), status: 403 });
      expect(notesToKen()).toHaveLength(1);
      const [done] = await notices();
      expect(done.state).toBe('done');
      expect(JSON.parse(done.dropped)).toHaveLength(1);
      expect(await h.rows("select outcome, reason from audit where action = 'request-notice-failed'")).toEqual([{ outcome: 'failed', reason: `denied:${requestId}:undeliverable-card:403` }]);
    }, 60_000);

    it('a notice still failing after a day is given up, and audited', async () => {
      h = await startHarness(await databaseEnv(dialect));
      const { requestId } = await denyKensRequest({ match: noteTo, status: 500 });
      h.clock.advance(24 * 3_600_000);
      await h.app.sweep();
      await until('the notice given up', async () => (await notices())[0].state === 'failed');
      expect(notesToKen()).toHaveLength(0);
      expect(await h.rows("select outcome, reason from audit where action = 'request-notice-failed'")).toEqual([{ outcome: 'failed', reason: `denied:${requestId}:gave-up:${(await notices())[0].last_error}` }]);
    }, 60_000);
  });

  describe('approval cards a new request owes approvers, when the connector fails', () => {
    let h: Harness;
    afterEach(async () => h?.stop());
    const approvalCards = () => h.connector.activities.filter((a) => a.conversationId === APPROVALS && a.kind === 'send' && cardText(cardOf(a)).includes('Ken Myer'));

    it('the approvals channel answers 500: the request waits, the sweep posts its card once, and it can be decided', async () => {
      h = await startHarness(await databaseEnv(dialect));
      await h.teams(anne, { type: 'channel', id: APPROVALS }).say('<at>PinDesk</at> approvals here', { entities: [mention] });
      h.connector.fail({ match: (m, p) => m === 'POST' && p.startsWith(`/v3/conversations/${APPROVALS}/activities`), status: 500 });
      const requested = await h.teams(ken).say('reset my pin - new phone');
      expect(requested.sent.map((s) => s.activity.text ?? '').join('\n')).toContain('No approver could be reached yet');
      expect(approvalCards()).toHaveLength(0);
      const [owed] = await h.rows('select change, state, attempts from request_notices');
      expect(owed).toEqual({ change: 'created', state: 'pending', attempts: 1 });

      h.connector.heal();
      h.clock.advance(2_001);
      await h.app.sweep();
      await until('the approval card', async () => (await h.rows('select state from request_notices'))[0].state === 'done');
      expect(approvalCards()).toHaveLength(1);
      h.clock.advance(120_000);
      await h.app.sweep();
      expect(approvalCards()).toHaveLength(1);

      const denied = await h.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(cardOf(approvalCards()[0]), 'Deny'));
      expect(cardText(invokeCard(denied))).toContain('Denied by Pilar Ackerman');
      expect(notesTo()).toEqual([DENIED]);
    }, 60_000);

    const notesTo = () => h.connector.activities.filter((a) => a.conversationId === KENS_CHAT && a.kind === 'send' && a.activity.text?.startsWith('Your request')).map((a) => a.activity.text);
  });
});
