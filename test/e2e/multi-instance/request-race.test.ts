// `reset my pin` sent by one user to two PinDesk processes at the same moment, round after round:
// one pending request, one approval card, and both answers show that one request. The partial
// unique index on (requester_id) where state = 'pending' is what makes it so: both instances read
// "nothing pending" before either writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, type Turn } from '../../support/harness.js';
import { APPROVALS, approvalsChannel, member, startInstances, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const ROUNDS = Number(process.env.REQUEST_RACE_ROUNDS ?? 200);
// Four requesters in turn: REQUESTS_PER_DAY allows at most 100 requests a day each.
const requesters = [
  member('kmyer', 'Ken Myer', 'ken.myer@contoso.com'),
  member('kmeyer', 'Ken Meyer', 'ken.meyer@contoso.com'),
  member('kendra', 'Kendra Sato', 'kendra.sato@contoso.com'),
  member('chris', 'Chris Cannon', 'chris.cannon@contoso.com'),
];
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');

/** The request a requester's card is about (its Cancel button names it). */
const requestOn = (turn: Turn): string => {
  const card = turn.sent.map((s) => cardOf(s)).find((c) => c && /Cancel request/.test(JSON.stringify(c)));
  if (!card) throw new Error(`no request card in ${JSON.stringify(turn.sent.map((s) => s.activity.text ?? cardText(cardOf(s))))}`);
  return action(card, 'Cancel request').data.ref;
};

describe.runIf(postgresAvailable())('`reset my pin` sent to two instances at once (separate processes)', () => {
  let m: Instances;
  beforeAll(async () => {
    m = await startInstances({ REQUESTS_PER_DAY: '100' });
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
});
