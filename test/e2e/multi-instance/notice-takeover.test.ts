// A request's notice whose instance dies while carrying it (issue 14, "killing one instance
// mid-flow loses nothing"): instance A records a Deny with its notice, redraws the cards and posts
// the requester's note, but the Bot Connector never answers the note; A is killed (kill -9). B,
// running beside it, leaves the notice alone while A's lease (DELIVERY_LEASE) holds, then takes it
// over and finishes it: the cards redrawn again (harmless), the note sent — exactly once. The same
// for a new request's approval card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard } from '../../support/harness.js';
import { APPROVALS, approvalsChannel, askForReset, member, startInstances, waitFor, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const LEASE_MS = 8_000;
/** How often an instance retries due notices (DELIVERY_INTERVAL_MS in src/app.ts). */
const DELIVERY_INTERVAL_MS = 2_000;
const ken = member('kmyer', 'Ken Myer', 'ken.myer@contoso.com');
const pilar = member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com');
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
const KENS_CHAT = 'personal:29:kmyer';
const DENIED = 'Your request was denied by Pilar Ackerman.';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe.runIf(postgresAvailable())('the request-notice outbox across instances (separate processes)', () => {
  let m: Instances;
  beforeAll(async () => {
    m = await startInstances({ DELIVERY_LEASE: `${LEASE_MS / 1000}s` });
    await approvalsChannel(m.a, anne);
  }, 120_000);
  afterAll(async () => m?.stop());

  const notesToKen = () => m.connector.activities.filter((a) => a.conversationId === KENS_CHAT && a.kind === 'send' && a.activity.text === DENIED);

  it('a notice claimed by an instance killed while posting the note is finished by the other, the note sent once', async () => {
    const approval = await askForReset(m, m.b, ken);
    // The note to Ken's chat gets no answer, once.
    m.connector.fail({ match: (method, path) => method === 'POST' && path.startsWith(`/v3/conversations/${KENS_CHAT}/activities`), hang: true, times: 1 });
    const denied = await m.a.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Deny'));
    expect(cardText(invokeCard(denied))).toContain('Denied by Pilar Ackerman');
    const hung = await waitFor("A's try to post the note", () => m.connector.faulted.find((f) => f.path.includes(KENS_CHAT)));
    // The denial and its notice are committed; the notice is leased by A, its note not sent.
    expect(await m.rows("select change, state, attempts, note_sent_at from request_notices where change = 'denied'")).toEqual([{ change: 'denied', state: 'pending', attempts: 1, note_sent_at: null }]);
    // A redrew both cards before the note.
    const redrawnBy = (from: number) => m.connector.activities.slice(from).filter((a) => a.kind === 'update' && cardText(cardOf(a)).includes('Denied by Pilar Ackerman'));
    expect(redrawnBy(0).map((a) => a.conversationId).sort()).toEqual([APPROVALS, KENS_CHAT].sort());
    const beforeTakeover = m.connector.activities.length;

    // B's timers run all along; A's lease keeps B off while A lives.
    await sleep(hung.at + LEASE_MS - 2_000 - Date.now());
    expect(notesToKen()).toHaveLength(0);
    await m.a.kill();

    const [note] = await waitFor('the note from B', () => notesToKen().length > 0 && notesToKen());
    const sentAt = m.connector.posted.find((p) => p.activityId === note!.activityId)!.at;
    console.log(`notice take-over: A's note hung at +0 ms, A killed, B sent it at +${sentAt - hung.at} ms (lease ${LEASE_MS} ms)`);
    // Not before A's lease ended (A renewed it right before its post reached the connector).
    expect(sentAt - hung.at).toBeGreaterThanOrEqual(LEASE_MS - 500);
    expect(m.b.log()).not.toContain('"level":50');
    // Nothing more comes, however long the timers run.
    await sleep(2 * DELIVERY_INTERVAL_MS + 500);
    expect(notesToKen()).toHaveLength(1);
    expect(redrawnBy(beforeTakeover).map((a) => a.conversationId).sort()).toEqual([APPROVALS, KENS_CHAT].sort());
    const [done] = await m.rows("select state, attempts, note_sent_at from request_notices where change = 'denied'");
    expect(done).toMatchObject({ state: 'done', attempts: 2 });
    expect(done.note_sent_at).not.toBeNull();
    await m.a.restart();
  }, 120_000);

  it("a request whose instance is killed while posting its approval card gets the card from the other, once", async () => {
    const from = m.connector.activities.length;
    const cardsForKen = () => m.connector.activities.slice(from).filter((a) => a.conversationId === APPROVALS && a.kind === 'send' && cardText(cardOf(a)).includes('Ken Myer'));
    m.connector.fail({ match: (method, path) => method === 'POST' && path.startsWith(`/v3/conversations/${APPROVALS}/activities`), hang: true, times: 1 });
    const asked = m.a.teams(ken).say('reset my pin - lost it').catch((error: unknown) => error);
    const hung = await waitFor("A's approval card post", () => m.connector.faulted.find((f) => f.path.includes(APPROVALS)));
    // The request and its notice are committed before the post: nothing is lost with A.
    expect(await m.rows("select change, state, attempts from request_notices where change = 'created' and state = 'pending'")).toEqual([{ change: 'created', state: 'pending', attempts: 1 }]);
    await m.a.kill();
    await asked;

    const [card] = await waitFor('the approval card from B', () => cardsForKen().length > 0 && cardsForKen());
    const sentAt = m.connector.posted.find((p) => p.activityId === card!.activityId)!.at;
    console.log(`announcement take-over: A's post hung at +0 ms, A killed, B posted the card at +${sentAt - hung.at} ms (lease ${LEASE_MS} ms)`);
    expect(sentAt - hung.at).toBeGreaterThanOrEqual(LEASE_MS - 500);
    await sleep(2 * DELIVERY_INTERVAL_MS + 500);
    expect(cardsForKen()).toHaveLength(1);
    // It is the real card: Deny on it works (on B), and Ken is told once.
    const denied = await m.b.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(cardOf(card), 'Deny'));
    expect(cardText(invokeCard(denied))).toContain('Denied by Pilar Ackerman');
    await waitFor("Ken's note", () => m.connector.activities.slice(from).some((a) => a.conversationId === KENS_CHAT && a.activity.text === DENIED));
    expect(m.connector.activities.slice(from).filter((a) => a.conversationId === KENS_CHAT && a.activity.text === DENIED)).toHaveLength(1);
  }, 120_000);
});
