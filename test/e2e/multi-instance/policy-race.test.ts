// An administrator changes two settings of one PIN policy at the same moment, one on each
// PinDesk process, round after round: both changes stay, as both were told. A change reads the
// policy, applies the setting and writes the whole policy back; that read and write are one store
// transaction (one at a time across instances), or the later write would silently undo the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf, cardText } from '../../support/harness.js';
import { startInstances, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const ROUNDS = Number(process.env.POLICY_RACE_ROUNDS ?? 100);

describe.runIf(postgresAvailable())('one policy changed on two instances at once (separate processes)', () => {
  let m: Instances;
  beforeAll(async () => {
    m = await startInstances();
    const created = await m.a.emulator('anne').say('new pin policy StrictPin min 6 history 1');
    expect(created.sent.map((s) => s.activity.text ?? cardText(cardOf(s))).join('\n')).toMatch(/StrictPin/);
  }, 120_000);
  afterAll(async () => m?.stop());

  it(`both changes stay (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const min = 6 + (round % 4);
      const history = 1 + ((round + 1) % 5);
      const onA = () => m.a.emulator('anne').say(`set pin policy StrictPin min ${min}`);
      const onB = () => m.b.emulator('anne').say(`set pin policy StrictPin history ${history}`);
      // Sent in turn A-first and B-first, so neither has a head start overall.
      const turns = round % 2 === 0 ? await Promise.all([onA(), onB()]) : await Promise.all([onB(), onA()]);
      expect(turns.map((t) => t.status), `round ${round}`).toEqual([200, 200]);
      const [row] = await m.rows("select settings from pin_policies where identity = 'tag:StrictPin'");
      const settings = JSON.parse(row.settings);
      expect({ min: settings.minPasswordLength, history: settings.pinHistoryCount }, `round ${round}`).toEqual({ min, history });
    }
    console.log(`policy race (2 processes): ${ROUNDS} rounds of two concurrent changes to one policy -> both kept every time`);
  }, 300_000);
});
