// Approve pressed on both PinDesk processes just around the moment a request expires, while both
// instances' sweeps expire due requests (every second): each request ends approved or expired,
// never both — one decision on record, a PIN set and its card sent only if approved, the requester
// told of the expiry only if expired, and each only once. Deciding and expiring are compare-and-set
// on the request's state, approving only before `expires_at` and expiring only from it on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardText, invokeCard } from '../../support/harness.js';
import { APPROVALS, approvalsChannel, askForReset, demoUserId, member, pinCardsTo, startInstances, waitFor, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const ROUNDS = Number(process.env.REQUEST_EXPIRY_RACE_ROUNDS ?? 5);
const requesters = [
  member('kmyer', 'Ken Myer', 'ken.myer@contoso.com'),
  member('kmeyer', 'Ken Meyer', 'ken.meyer@contoso.com'),
  member('kendra', 'Kendra Sato', 'kendra.sato@contoso.com'),
  member('chris', 'Chris Cannon', 'chris.cannon@contoso.com'),
  member('vera', 'Vera Lee', 'vera.lee@contoso.com'),
  member('oward', 'Oscar Ward', 'oscar.ward@contoso.com'),
];
const pilar = member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com');
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const told = (m: Instances, chat: string, from: number) =>
  m.connector.activities.slice(from).filter((s) => s.conversationId === chat && /expired before anyone decided/.test(s.activity.text ?? ''));

describe.runIf(postgresAvailable())('Approve on two instances at the moment a request expires (separate processes)', () => {
  let m: Instances;
  beforeAll(async () => {
    m = await startInstances({ REQUEST_TTL: '2s', SWEEP_INTERVAL: '1s', REQUESTS_PER_DAY: '100', DECISIONS_PER_MINUTE: '1000' });
    await approvalsChannel(m.a, anne);
  }, 120_000);
  afterAll(async () => m?.stop());

  it(`approved or expired, once, with only its own effects (${ROUNDS} rounds of ${requesters.length} requests)`, async () => {
    const totals = { approved: 0, expired: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const from = m.connector.activities.length;
      const asked = [];
      for (const [i, requester] of requesters.entries()) {
        const card = await askForReset(m, i % 2 === 0 ? m.a : m.b, requester);
        const ref: string = action(card, 'Approve').data.ref;
        const expiresAt = await m.count('select expires_at from pin_requests where id = ?', ref);
        const history = await m.count('select count(*) n from pin_history where user_id = ?', demoUserId(requester.id.slice(3)));
        asked.push({ requester, card, ref, expiresAt, history });
      }
      // Two presses per request, one on each instance, around its expiry: both just before it,
      // one either side, or both just after (then only the press or a sweep can expire it).
      await Promise.all(
        asked.flatMap(({ card, expiresAt }, n) =>
          [m.a, m.b].map(async (on, i) => {
            const offsets = [[-40, -5], [-15, 5], [5, 30]][(n + round) % 3]!;
            await sleep(expiresAt + offsets[(i + round) % 2]! - Date.now());
            const press = await on.teams(on === m.a ? pilar : anne, { type: 'channel', id: APPROVALS }).execute(action(card, 'Approve'));
            expect(cardText(invokeCard(press))).toMatch(/Approved by|Expired/i);
          }),
        ),
      );
      // Every request settled (the sweep expires those nobody approved in time).
      await waitFor('every request decided', async () => (await m.count("select count(*) n from pin_requests where state = 'pending'")) === 0, 10_000);
      for (const { requester, ref, history } of asked) {
        const label = `round ${round}, ${requester.name}`;
        const [{ state }] = await m.rows('select state from pin_requests where id = ?', ref);
        expect(['approved', 'expired'], label).toContain(state);
        const decisions = await m.rows("select action from audit where action in ('request-approved', 'request-expired') and reason = ?", `reset:${ref}`);
        expect(decisions.map((d) => d.action), label).toEqual([`request-${state}`]);
        const approved = state === 'approved';
        expect(await m.count('select count(*) n from pin_history where user_id = ?', demoUserId(requester.id.slice(3))), label).toBe(Math.min(history + (approved ? 1 : 0), 20));
        const chat = `personal:${requester.id}`;
        if (approved) await waitFor(`${label}: the PIN card`, () => pinCardsTo(m.connector, chat, from).length > 0);
        else await waitFor(`${label}: told of the expiry`, () => told(m, chat, from).length > 0);
        totals[approved ? 'approved' : 'expired']++;
      }
      // Nothing more arrives: one PIN card or one expiry notice each.
      await waitFor('an empty outbox', async () => (await m.count("select count(*) n from deliveries where state <> 'delivered'")) === 0);
      await sleep(1_200);
      for (const { requester, ref } of asked) {
        const chat = `personal:${requester.id}`;
        const [{ state }] = await m.rows('select state from pin_requests where id = ?', ref);
        expect([pinCardsTo(m.connector, chat, from).length, told(m, chat, from).length], `round ${round}, ${requester.name}`).toEqual(state === 'approved' ? [1, 0] : [0, 1]);
      }
    }
    console.log(`request expiry race (2 processes): ${ROUNDS} rounds x ${requesters.length} requests, Approve on both around the expiry while both sweep -> ${totals.approved} approved, ${totals.expired} expired; each once`);
    expect(totals.approved).toBeGreaterThan(0);
    expect(totals.expired).toBeGreaterThan(0);
  }, 180_000);
});
