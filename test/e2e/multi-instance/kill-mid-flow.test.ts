// One of two PinDesk processes killed (kill -9) in the middle of a burst of approvals, one of its PIN
// cards claimed and on its way: nothing is lost. The presses it dropped are answered by the other
// (as a load balancer retries them), every approved request sets one PIN and sends one card, the
// survivor keeps serving, and the killed instance restarts on the same database and rejoins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard, type TeamsMember, type Turn } from '../../support/harness.js';
import { APPROVALS, approvalsChannel, askForReset, member, pinCardsTo, pinOnCard, startInstances, waitFor, type BotInstance, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const requesters = [
  member('kmyer', 'Ken Myer', 'ken.myer@contoso.com'),
  member('kmeyer', 'Ken Meyer', 'ken.meyer@contoso.com'),
  member('kendra', 'Kendra Sato', 'kendra.sato@contoso.com'),
  member('asmith', 'Alice Smith', 'alice.smith@contoso.com'),
  member('jsmith', 'Jeff Smith', 'jeff.smith@contoso.com'),
  member('chris', 'Chris Cannon', 'chris.cannon@contoso.com'),
  member('vera', 'Vera Lee', 'vera.lee@contoso.com'),
  member('oward', 'Oscar Ward', 'oscar.ward@contoso.com'),
];
const pilar = member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com');
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
const chatOf = (requester: TeamsMember) => `personal:${requester.id}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(postgresAvailable())('an instance killed mid-flow (separate processes)', () => {
  let m: Instances;
  beforeAll(async () => {
    m = await startInstances({ DELIVERY_LEASE: '2s', REQUESTS_PER_DAY: '10' });
    await approvalsChannel(m.a, anne);
  }, 120_000);
  afterAll(async () => m?.stop());

  /** A press sent to `first`; if that instance is gone (connection refused or cut), sent again to the other, as a load balancer would. */
  const balanced = async (first: BotInstance, approver: TeamsMember, card: any): Promise<{ turn: Turn; retried: boolean }> => {
    const press = (on: BotInstance) => on.teams(approver, { type: 'channel', id: APPROVALS }).execute(action(card, 'Approve'));
    try {
      return { turn: await press(first), retried: false };
    } catch {
      return { turn: await press(first === m.a ? m.b : m.a), retried: true };
    }
  };

  it('loses nothing; the other continues; the killed one restarts and rejoins', async () => {
    const started = m.connector.activities.length;
    const approvals = [];
    for (const [i, requester] of requesters.entries()) approvals.push(await askForReset(m, i % 2 === 0 ? m.a : m.b, requester));

    // Ken Myer's card: A claims it and posts it, and the connector does not answer before A dies.
    m.connector.fail({ match: (method, path) => method === 'POST' && path.startsWith(`/v3/conversations/${chatOf(requesters[0]!)}/activities`), hang: true, times: 1 });
    const first = balanced(m.a, pilar, approvals[0]);
    await waitFor("A's try to send Ken Myer's card", () => m.connector.faulted.length > 0);
    // The rest at once, every other one to A; A is killed while they run.
    const burst = approvals.slice(1).map((card, i) => (i % 2 === 0 ? balanced(m.a, pilar, card) : balanced(m.b, anne, card)));
    await sleep(30);
    await m.a.kill();
    const presses = await Promise.all([first, ...burst]);
    for (const { turn } of presses) expect(cardText(invokeCard(turn))).toMatch(/Approved by (Pilar Ackerman|Anne Wallace)/);

    // B carries on alone: a new request, asked and approved there.
    const again = await askForReset(m, m.b, requesters[2]!);
    expect(cardText(invokeCard((await balanced(m.b, anne, again)).turn))).toMatch(/Approved by Anne Wallace/);

    // Every approval set one PIN and its card arrives once (those A held, after their lease).
    await waitFor('every PIN card', () => requesters.every((r, i) => pinCardsTo(m.connector, chatOf(r), started).length === (i === 2 ? 2 : 1)), 30_000);
    await waitFor('an empty outbox', async () => (await m.count("select count(*) n from deliveries where state <> 'delivered'")) === 0);
    await sleep(2_500);
    expect(requesters.map((r) => pinCardsTo(m.connector, chatOf(r), started).length)).toEqual([1, 1, 2, 1, 1, 1, 1, 1]);
    const decided = requesters.length + 1;
    expect(await m.count("select count(*) n from pin_requests where state = 'approved'")).toBe(decided);
    expect(await m.count("select count(*) n from audit where action = 'request-approved'")).toBe(decided);
    expect(await m.count("select count(*) n from audit where action = 'request-delivered' and outcome = 'ok'")).toBe(decided);
    const takenOver = await m.count('select count(*) n from deliveries where attempts > 1');
    const retried = presses.filter((p) => p.retried).length;
    console.log(`kill mid-flow: ${presses.length} presses (${Math.ceil(presses.length / 2)} to A), ${retried} dropped by the killed A and answered by B, ${takenOver} PIN cards taken over after A's lease; ${decided} decisions, ${decided} cards`);
    expect(takenOver).toBeGreaterThanOrEqual(1);

    // A restarts on the same database and takes its share again: asked on A, approved on B, revealed on A.
    await m.a.restart();
    expect((await fetch(`${m.a.url}/readyz`)).status).toBe(200);
    const from = m.connector.activities.length;
    const approval = await askForReset(m, m.a, requesters[1]!);
    expect(cardText(invokeCard((await balanced(m.b, anne, approval)).turn))).toMatch(/Approved by Anne Wallace/);
    const [card] = await waitFor('the PIN card', () => {
      const cards = pinCardsTo(m.connector, chatOf(requesters[1]!), from);
      return cards.length > 0 && cards;
    });
    expect(pinOnCard(invokeCard(await m.a.teams(requesters[1]!).execute(action(cardOf(card), 'Reveal PIN'))))).toMatch(/^\d{5,}$/);
  }, 180_000);
});
