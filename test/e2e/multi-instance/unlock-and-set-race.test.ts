// "Unlock and set" pressed on two PinDesk processes at the same moment, round after round: one
// press unlocks and sets one PIN (one history row, one record, one card); the other is told the
// button was used. The continuation is consumed by compare-and-set (`used_at is null`): both
// instances read it unused before either consumes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard, type Turn } from '../../support/harness.js';
import { demoUserId, member, startInstances, waitFor, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const ROUNDS = Number(process.env.UNLOCK_AND_SET_RACE_ROUNDS ?? 100);
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
const ANNE_CHAT = `personal:${anne.id}`;

/** A press's own answer: the card or the text it returned. */
const answerOf = (press: Turn): string => (typeof press.body?.value === 'string' ? press.body.value : cardText(invokeCard(press)));

describe.runIf(postgresAvailable())('"Unlock and set" pressed on two instances at once (separate processes)', () => {
  let m: Instances;
  const ken = demoUserId('kmyer');
  beforeAll(async () => {
    m = await startInstances();
  }, 120_000);
  afterAll(async () => m?.stop());

  it(`one unlock and one PIN each time (${ROUNDS} rounds)`, async () => {
    const won = { A: 0, B: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const lock = await m.a.teams(anne).say('lock pin kmyer');
      expect(lock.status, `round ${round}`).toBe(200);
      const refused = (await m.b.teams(anne).say('set pin kmyer')).sent.find((s) => s.conversationId === ANNE_CHAT && cardOf(s));
      const button = action(cardOf(refused), 'Unlock and set');
      const history = await m.count('select coalesce(max(id), 0) n from pin_history where user_id = ?', ken);
      const records = await m.count("select count(*) n from audit where action = 'unlock-and-set' and outcome = 'ok'");
      const onA = () => m.a.teams(anne).execute(button);
      const onB = () => m.b.teams(anne).execute(button);
      // Sent in turn A-first and B-first, so neither has a head start overall.
      const presses = round % 2 === 0 ? await Promise.all([onA(), onB()]) : (await Promise.all([onB(), onA()])).reverse();
      const answers = presses.map(answerOf);
      const set = answers.map((a) => /Done for Ken Myer/.test(a));
      expect(set.filter(Boolean), `round ${round}: ${answers.join(' | ')}`).toHaveLength(1);
      // The other press is told the button was used.
      expect(answers[set[0] ? 1 : 0], `round ${round}`).toMatch(/expired or was already made/);
      won[set[0] ? 'A' : 'B']++;
      // One PIN set (one new history row), one record of it done (the other press's is a refusal), the PIN unlocked.
      expect(await m.count('select count(*) n from pin_history where id > ? and user_id = ?', history, ken), `round ${round}`).toBe(1);
      expect(await m.count("select count(*) n from audit where action = 'unlock-and-set' and outcome = 'ok'"), `round ${round}`).toBe(records + 1);
      expect(await m.rows('select admin_locked from pin_records where user_id = ?', ken), `round ${round}`).toEqual([{ admin_locked: 0 }]);
    }
    await waitFor('an empty outbox', async () => (await m.count("select count(*) n from deliveries where state <> 'delivered'")) === 0);
    const cards = await m.count('select count(*) n from deliveries');
    console.log(`unlock-and-set race (2 processes): ${ROUNDS} rounds, won by A ${won.A}, by B ${won.B}; ${cards} PIN cards`);
    expect(cards).toBe(ROUNDS);
    expect(won.A).toBeGreaterThan(0);
    expect(won.B).toBeGreaterThan(0);
  }, 300_000);
});
