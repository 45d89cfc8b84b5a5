// Rate limits hit from two PinDesk processes at the same moment stop exactly at the limit: the
// counters live in the shared database and each hit counts in one statement (rate_limits upsert),
// or, for requests a day, counts and creates in one transaction. A counter kept per process, or
// read then written back, would let the two instances together go past it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard, type Turn } from '../../support/harness.js';
import { APPROVALS, approvalsChannel, askForReset, member, startInstances, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const KEY = 'multi-instance-verify-key-0123456789';
const VERIFY_LIMIT = 50;
const VERIFY_CALLS = 200;
const VERIFY_ROUNDS = 5;
const DECISIONS_PER_MINUTE = 3;
const DECISION_ROUNDS = 4;
const REQUESTS_PER_DAY = 5;
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
// Six requesters whose requests Anne denies all at once (she may decide three a minute).
const denied = [
  member('vera', 'Vera Lee', 'vera.lee@contoso.com'),
  member('dbox', 'Dana Box', 'dana.box@contoso.com'),
  member('jsmith', 'Jeff Smith', 'jeff.smith@contoso.com'),
  member('asmith', 'Alice Smith', 'alice.smith@contoso.com'),
  member('oward', 'Oscar Ward', 'oscar.ward@contoso.com'),
  member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com'),
];
// Four requesters who each ask and withdraw in a burst, until the daily limit stops them.
const askers = [
  member('kmyer', 'Ken Myer', 'ken.myer@contoso.com'),
  member('kmeyer', 'Ken Meyer', 'ken.meyer@contoso.com'),
  member('kendra', 'Kendra Sato', 'kendra.sato@contoso.com'),
  member('chris', 'Chris Cannon', 'chris.cannon@contoso.com'),
];

/** Everything a turn showed: its invoke answer, and the texts and cards sent since it began (one turn at a time). */
const shown = (turn: Turn): string => [ ...turn.sent.map((s) => `${s.activity.text ?? ''} ${cardText(cardOf(s))}`)].join('\n');

describe.runIf(postgresAvailable())('rate limits hit from two instances at once (separate processes)', () => {
  let m: Instances;
  beforeAll(async () => {
    m = await startInstances({
      VERIFY_API_KEYS: KEY,
      VERIFY_RATE_PER_KEY: `${VERIFY_LIMIT}/1m`,
      VERIFY_RATE_TOTAL: '1000000/1m',
      VERIFY_RATE_PER_NUMBER: '1000000/1m',
      DECISIONS_PER_MINUTE: String(DECISIONS_PER_MINUTE),
      REQUESTS_PER_DAY: String(REQUESTS_PER_DAY),
    });
    await approvalsChannel(m.a, anne);
  }, 120_000);
  afterAll(async () => m?.stop());

  it(`verify calls per API key: exactly ${VERIFY_LIMIT} of ${VERIFY_CALLS} answered, the rest 429 (${VERIFY_ROUNDS} windows)`, async () => {
    for (let round = 0; round < VERIFY_ROUNDS; round++) {
      // A fresh window: the counters of the last round are gone (as a minute later).
      await m.rows('delete from rate_limits');
      // A number nobody has: checked against the stand-in, so no account's counters get in the way.
      const calls = Array.from({ length: VERIFY_CALLS }, (_, i) => (i % 2 === 0 ? m.a : m.b).verify({ line: '+14255559999', pin: '8642' }, KEY));
      const statuses: Record<number, number> = {};
      for (const { status } of await Promise.all(calls)) statuses[status] = (statuses[status] ?? 0) + 1;
      console.log(`verify rate race (2 processes), window ${round}: ${VERIFY_CALLS} calls, limit ${VERIFY_LIMIT} -> ${JSON.stringify(statuses)}`);
      expect(statuses, `round ${round}`).toEqual({ 200: VERIFY_LIMIT, 429: VERIFY_CALLS - VERIFY_LIMIT });
    }
  }, 120_000);

  it(`decisions per minute: Deny pressed on ${denied.length} requests at once over both, exactly ${DECISIONS_PER_MINUTE} decided (${DECISION_ROUNDS} minutes)`, async () => {
    for (let round = 0; round < DECISION_ROUNDS; round++) {
      await m.rows("delete from rate_limits where key like 'decide:%'");
      const cards = [];
      for (const [i, requester] of denied.entries()) cards.push(await askForReset(m, i % 2 === 0 ? m.a : m.b, requester));
      const presses = await Promise.all(cards.map((card, i) => (i % 2 === 0 ? m.b : m.a).teams(anne, { type: 'channel', id: APPROVALS }).execute(action(card, 'Deny'))));
      // Each press's own answer (what it sent elsewhere mixes with the others' in the connector).
      const answers = presses.map((p) => (typeof p.body?.value === 'string' ? p.body.value : cardText(invokeCard(p))));
      const decided = answers.filter((a) => /Denied by Anne Wallace/.test(a)).length;
      const limited = answers.filter((a) => a.includes(`more than ${DECISIONS_PER_MINUTE} decisions in a minute`)).length;
      console.log(`decision rate race (2 processes), minute ${round}: ${denied.length} Deny presses, limit ${DECISIONS_PER_MINUTE} -> ${decided} denied, ${limited} refused`);
      expect({ decided, limited }, `round ${round}`).toEqual({ decided: DECISIONS_PER_MINUTE, limited: denied.length - DECISIONS_PER_MINUTE });
      expect(await m.count("select count(*) n from pin_requests where state = 'denied'"), `round ${round}`).toBe(DECISIONS_PER_MINUTE * (round + 1));
      // The ones left pending are withdrawn, so every requester can ask again next round.
      for (const requester of denied) await m.a.teams(requester).say('cancel my request');
      expect(await m.count("select count(*) n from pin_requests where state = 'pending'"), `round ${round}`).toBe(0);
    }
  }, 120_000);

  it(`requests a day: at one short of ${REQUESTS_PER_DAY}, asks and withdrawals in a burst over both instances make exactly one more`, async () => {
    const made = (requester: (typeof askers)[number]) => m.count('select count(*) n from pin_requests where requester_upn = ?', requester.userPrincipalName);
    for (const requester of askers) {
      // One short of the limit, one at a time.
      for (let i = 0; i < REQUESTS_PER_DAY - 1; i++) {
        expect(shown(await m.a.teams(requester).say('reset my pin - earlier'))).not.toMatch(/the most allowed/);
        await m.b.teams(requester).say('cancel my request');
      }
      expect(await made(requester)).toBe(REQUESTS_PER_DAY - 1);
      // Then ten asks and ten withdrawals, all at once, two by two to A and to B: a withdrawal lets
      // the next ask through, so only the count, read and written under one lock, holds them back.
      const burst = Array.from({ length: 20 }, (_, i) => (i % 4 < 2 ? m.a : m.b).teams(requester).say(i % 2 === 0 ? 'reset my pin - burst' : 'cancel my request'));
      const turns = await Promise.all(burst);
      expect(turns.map((t) => t.status)).toEqual(Array(20).fill(200));
      console.log(`requests a day race (2 processes): ${requester.name} at ${REQUESTS_PER_DAY - 1} of ${REQUESTS_PER_DAY}, then 10 asks and 10 withdrawals at once -> ${await made(requester)} requests`);
      expect(await made(requester), requester.name).toBe(REQUESTS_PER_DAY);
      await m.a.teams(requester).say('cancel my request');
      expect(shown(await m.b.teams(requester).say('reset my pin - once more'))).toMatch(/the most allowed/);
    }
  }, 120_000);
});
