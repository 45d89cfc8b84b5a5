// Two PinDesk processes on one PostgreSQL database: an Approve pressed on both at the same moment,
// round after round, decides once, sets one PIN and sends one PIN card. The compare-and-set on the
// request's state is what makes it so: each instance reads "pending" before either writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard } from '../../support/harness.js';
import { APPROVALS, atPinDesk, member, pinCardsTo, startInstances, waitFor, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const ROUNDS = Number(process.env.APPROVE_RACE_ROUNDS ?? 201);
// Three requesters in turn: REQUESTS_PER_DAY allows at most 100 requests a day each.
const requesters = [member('kmyer', 'Ken Myer', 'ken.myer@contoso.com'), member('kmeyer', 'Ken Meyer', 'ken.meyer@contoso.com'), member('kendra', 'Kendra Sato', 'kendra.sato@contoso.com')];
const pilar = member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com');
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');

describe.runIf(postgresAvailable())('an Approve pressed on two instances at once (separate processes)', () => {
  let m: Instances;
  beforeAll(async () => {
    m = await startInstances({ REQUESTS_PER_DAY: '100', DECISIONS_PER_MINUTE: '1000' });
    const turn = await m.a.teams(anne, { type: 'channel', id: APPROVALS }).say('<at>PinDesk</at> approvals here', atPinDesk);
    expect(turn.sent[0]!.activity.text).toMatch(/Approval requests will be posted in this conversation/);
  }, 120_000);
  afterAll(async () => m?.stop());

  it(`one decision, one PIN, one card each time (${ROUNDS} rounds)`, async () => {
    const won = { A: 0, B: 0 };
    const started = m.connector.activities.length;
    for (let round = 0; round < ROUNDS; round++) {
      const requester = requesters[round % requesters.length]!;
      const personal = `personal:${requester.id}`;
      const asking = m.connector.activities.length;
      await m.a.teams(requester).say('reset my pin - new phone');
      const approval = cardOf(await waitFor('the approval card', () => m.connector.activities.slice(asking).find((s) => s.conversationId === APPROVALS && s.kind === 'send' && cardOf(s))));
      const ref: string = action(approval, 'Approve').data.ref;
      const requesterId = (await m.rows('select requester_id from pin_requests where id = ?', ref))[0].requester_id;
      // The newest history id: one PIN set adds exactly one row (the history itself is trimmed).
      const history = await m.count('select coalesce(max(id), 0) n from pin_history where user_id = ?', requesterId);
      const before = m.connector.activities.length;
      const onA = () => m.a.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve'));
      const onB = () => m.b.teams(anne, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve'));
      // Sent in turn A-first and B-first, so neither has a head start overall.
      const presses = round % 2 === 0 ? await Promise.all([onA(), onB()]) : (await Promise.all([onB(), onA()])).reverse();
      const answers = presses.map((press) => cardText(invokeCard(press)));
      // Both presses show the one decision, whoever made it.
      expect(answers[0], `round ${round}`).toMatch(/Approved by (Pilar Ackerman|Anne Wallace)/);
      expect(answers[1], `round ${round}`).toBe(answers[0]);
      won[/Pilar/.test(answers[0]!) ? 'A' : 'B']++;
      expect(await m.count("select count(*) n from audit where action = 'request-approved' and reason = ?", `reset:${ref}`), `round ${round}`).toBe(1);
      // One PIN set: one new history row for the requester.
      expect(await m.count('select count(*) n from pin_history where id > ? and user_id = ?', history, requesterId), `round ${round}`).toBe(1);
      await waitFor('the PIN card', () => pinCardsTo(m.connector, personal, before).length >= 1);
      expect(pinCardsTo(m.connector, personal, before), `round ${round}`).toHaveLength(1);
    }
    // Nothing left to send that could still arrive as a second card; then the totals.
    await waitFor('an empty outbox', async () => (await m.count("select count(*) n from deliveries where state <> 'delivered'")) === 0);
    const cards = requesters.flatMap((r) => pinCardsTo(m.connector, `personal:${r.id}`, started));
    expect(cards).toHaveLength(ROUNDS);
    expect(await m.count("select count(*) n from pin_requests where state = 'approved'")).toBe(ROUNDS);
    expect(await m.count("select count(*) n from audit where action = 'request-approved'")).toBe(ROUNDS);
    console.log(`approve race (2 processes): ${ROUNDS} rounds, won by A ${won.A}, by B ${won.B}; ${ROUNDS} decisions, ${ROUNDS} PINs, ${cards.length} cards`);
    // Each instance won some rounds: the presses really raced.
    expect(won.A).toBeGreaterThan(0);
    expect(won.B).toBeGreaterThan(0);
  }, 600_000);
});
