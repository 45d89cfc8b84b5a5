// `reset my pin` sent by one user to two PinDesk processes at the same moment, round after round:
// one pending request, one approval card, and both answers show that one request. The partial
// unique index on (requester_id) where state = 'pending' is what makes it so: both instances read
// "nothing pending" before either writes. Then Approve on one instance and Deny on the other at
// the same moment: one decision, and a PIN only if it was the approval (compare-and-set on state).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard, type Turn } from '../../support/harness.js';
import { APPROVALS, approvalsChannel, askForReset, demoUserId, member, pinCardsTo, startInstances, waitFor, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const ROUNDS = Number(process.env.REQUEST_RACE_ROUNDS ?? 200);
const DECIDE_ROUNDS = Number(process.env.DECIDE_RACE_ROUNDS ?? 100);
// Four requesters in turn: REQUESTS_PER_DAY allows at most 100 requests a day each.
const requesters = [
  member('kmyer', 'Ken Myer', 'ken.myer@contoso.com'),
  member('kmeyer', 'Ken Meyer', 'ken.meyer@contoso.com'),
  member('kendra', 'Kendra Sato', 'kendra.sato@contoso.com'),
  member('chris', 'Chris Cannon', 'chris.cannon@contoso.com'),
];
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
const pilar = member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com');

/** The request a requester's card is about (its Cancel button names it). */
const requestOn = (turn: Turn): string => {
  const card = turn.sent.map((s) => cardOf(s)).find((c) => c && /Cancel request/.test(JSON.stringify(c)));
  if (!card) throw new Error(`no request card in ${JSON.stringify(turn.sent.map((s) => s.activity.text ?? cardText(cardOf(s))))}`);
  return action(card, 'Cancel request').data.ref;
};

describe.runIf(postgresAvailable())('`reset my pin` sent to two instances at once (separate processes)', () => {
  let m: Instances;
  beforeAll(async () => {
    m = await startInstances({ REQUESTS_PER_DAY: '100', DECISIONS_PER_MINUTE: '1000' });
    await approvalsChannel(m.a, anne);
  }, 120_000);
  afterAll(async () => m?.stop());

  it(`one pending request, one approval card, the same request on both answers (${ROUNDS} rounds)`, async () => {
    let created = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const requester = requesters[round % requesters.length]!;
      const before = m.connector.activities.length;
      const onA = () => m.a.teams(requester).say('reset my pin - new phone');
      const onB = () => m.b.teams(requester).say('reset my pin - new phone');
      // Sent in turn A-first and B-first, so neither has a head start overall.
      const turns = round % 2 === 0 ? await Promise.all([onA(), onB()]) : (await Promise.all([onB(), onA()])).reverse();
      expect(turns.map((t) => t.status), `round ${round}`).toEqual([200, 200]);
      const pending = await m.rows("select id from pin_requests where requester_id = (select requester_id from pin_requests where id = ?) and state = 'pending'", requestOn(turns[0]!));
      expect(pending, `round ${round}`).toHaveLength(1);
      // Both answers name the one request, whichever instance created it.
      expect(turns.map(requestOn), `round ${round}`).toEqual([pending[0].id, pending[0].id]);
      const approvals = m.connector.activities.slice(before).filter((s) => s.conversationId === APPROVALS && s.kind === 'send');
      expect(approvals, `round ${round}`).toHaveLength(1);
      created++;
      // Withdrawn, so that the next round of this requester starts with nothing pending.
      const cancelled = await (round % 2 === 0 ? m.b : m.a).teams(requester).say('cancel my request');
      expect(cancelled.sent.map((s) => cardText(cardOf(s))).join('\n'), `round ${round}`).toMatch(/cancel/i);
    }
    const total = await m.count('select count(*) n from pin_requests');
    console.log(`request race (2 processes): ${ROUNDS} rounds of two concurrent asks -> ${total} requests, ${created} approval cards`);
    expect(total).toBe(ROUNDS);
    expect(await m.count("select count(*) n from pin_requests where state = 'pending'")).toBe(0);
  }, 300_000);

  it(`Approve on one instance and Deny on the other at once: one decision, a PIN only if approved (${DECIDE_ROUNDS} rounds)`, async () => {
    const won = { approved: 0, denied: 0 };
    for (let round = 0; round < DECIDE_ROUNDS; round++) {
      const requester = requesters[round % requesters.length]!;
      const userId = demoUserId(requester.id.slice(3));
      const approval = await askForReset(m, round % 2 === 0 ? m.a : m.b, requester);
      const ref: string = action(approval, 'Approve').data.ref;
      const history = await m.count('select coalesce(max(id), 0) n from pin_history where user_id = ?', userId);
      const before = m.connector.activities.length;
      const approve = () => (round % 2 === 0 ? m.a : m.b).teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve'));
      const deny = () => (round % 2 === 0 ? m.b : m.a).teams(anne, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Deny'));
      const presses = round % 4 < 2 ? await Promise.all([approve(), deny()]) : (await Promise.all([deny(), approve()])).reverse();
      const [{ state }] = await m.rows('select state from pin_requests where id = ?', ref);
      const label = `round ${round}`;
      expect(['approved', 'denied'], label).toContain(state);
      // Both presses show the one decision.
      const shown = state === 'approved' ? /Approved by Pilar Ackerman/ : /Denied by Anne Wallace/;
      for (const press of presses) expect(cardText(invokeCard(press)), label).toMatch(shown);
      const decisions = await m.rows("select action from audit where action in ('request-approved', 'request-denied') and reason = ?", `reset:${ref}`);
      expect(decisions.map((d) => d.action), label).toEqual([`request-${state}`]);
      expect(await m.count('select count(*) n from pin_history where id > ? and user_id = ?', history, userId), label).toBe(state === 'approved' ? 1 : 0);
      if (state === 'approved') await waitFor(`${label}: the PIN card`, () => pinCardsTo(m.connector, `personal:${requester.id}`, before).length > 0);
      won[state as 'approved' | 'denied']++;
    }
    await waitFor('an empty outbox', async () => (await m.count("select count(*) n from deliveries where state <> 'delivered'")) === 0);
    expect(await m.count('select count(*) n from deliveries')).toBe(won.approved);
    console.log(`approve vs deny race (2 processes): ${DECIDE_ROUNDS} rounds -> ${won.approved} approved, ${won.denied} denied; one decision each, ${won.approved} PINs and cards`);
    expect(won.approved).toBeGreaterThan(0);
    expect(won.denied).toBeGreaterThan(0);
  }, 300_000);
});
