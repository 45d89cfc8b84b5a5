// A PIN card whose instance dies while sending it: instance A approves a request, claims the card
// from the outbox and posts it, but the Bot Connector never answers; A is killed (kill -9). B, running
// beside it, leaves the card alone while A's lease (DELIVERY_LEASE) holds, then takes it over and
// sends it — exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, invokeCard } from '../../support/harness.js';
import { APPROVALS, approvalsChannel, askForReset, member, pinCardsTo, pinOnCard, startInstances, waitFor, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const LEASE_MS = 8_000;
/** How often an instance retries due cards (DELIVERY_INTERVAL_MS in src/app.ts). */
const DELIVERY_INTERVAL_MS = 2_000;
const ken = member('kmyer', 'Ken Myer', 'ken.myer@contoso.com');
const pilar = member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com');
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
const KENS_CHAT = 'personal:29:kmyer';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe.runIf(postgresAvailable())('the outbox across instances (separate processes)', () => {
  let m: Instances;
  beforeAll(async () => {
    m = await startInstances({ DELIVERY_LEASE: `${LEASE_MS / 1000}s` });
    await approvalsChannel(m.a, anne);
  }, 120_000);
  afterAll(async () => m?.stop());

  it('a card claimed by an instance killed before it was sent is sent exactly once by the other', async () => {
    const approval = await askForReset(m, m.b, ken);
    // B is down while A approves, so the first try is certainly A's.
    await m.b.kill();
    // The card goes to Ken's chat as a reply (…/activities/<id>); the first post there never gets an answer.
    m.connector.fail({ match: (method, path) => method === 'POST' && path.startsWith(`/v3/conversations/${KENS_CHAT}/activities`), hang: true, times: 1 });
    const press = m.a.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve')).catch((error: unknown) => error);
    const hung = await waitFor("A's try to send the card", () => m.connector.faulted.find((f) => f.path.includes(KENS_CHAT)));
    // The approval and its card are committed; the card is claimed (leased), not sent.
    expect(await m.count("select count(*) n from audit where action = 'request-approved'")).toBe(1);
    expect(await m.rows('select state, attempts from deliveries')).toEqual([{ state: 'pending', attempts: 1 }]);

    // B comes back while A is alive and still waiting on the connector: A's lease keeps B off.
    await m.b.restart();
    await sleep(hung.at + LEASE_MS - 2_000 - Date.now());
    expect(pinCardsTo(m.connector, KENS_CHAT)).toHaveLength(0);
    await m.a.kill();
    await press;

    const [card] = await waitFor('the card from B', () => {
      const cards = pinCardsTo(m.connector, KENS_CHAT);
      return cards.length > 0 && cards;
    });
    const sentAt = m.connector.posted.find((p) => p.activityId === card!.activityId)!.at;
    console.log(`outbox take-over: A's try hung at +0 ms, A killed, B sent the card at +${sentAt - hung.at} ms (lease ${LEASE_MS} ms)`);
    // Not before A's lease ended (A claimed a moment before its post reached the connector).
    expect(sentAt - hung.at).toBeGreaterThanOrEqual(LEASE_MS - 500);
    // Nothing more comes, however long the timers run.
    await sleep(2 * DELIVERY_INTERVAL_MS + 500);
    expect(pinCardsTo(m.connector, KENS_CHAT)).toHaveLength(1);
    expect(await m.rows('select state, attempts from deliveries')).toEqual([{ state: 'delivered', attempts: 2 }]);
    expect(await m.count("select count(*) n from audit where action = 'request-delivered' and outcome = 'ok'")).toBe(1);
    // It is the real card: Reveal works (on B; A is gone).
    expect(pinOnCard(invokeCard(await m.b.teams(ken).execute(action(cardOf(card), 'Reveal PIN'))))).toMatch(/^\d{5,}$/);
  }, 120_000);
});
