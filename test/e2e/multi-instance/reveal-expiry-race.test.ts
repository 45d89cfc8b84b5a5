// Reveal pressed again and again on both PinDesk processes across the moment its sealed PIN expires,
// while both instances' sweeps purge expired PINs (every second): every press that finished before
// the expiry shows the PIN, the same PIN on both; every press that started after it is told the
// PIN is gone; and the sealed copy is purged. The expiry is one stored time that both instances
// compare against (and the purge is one conditional UPDATE), so they cannot disagree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard } from '../../support/harness.js';
import { member, pinOnCard, startInstances, waitFor, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const ROUNDS = Number(process.env.REVEAL_RACE_ROUNDS ?? 8);
/** Presses per round, one every PRESS_EVERY_MS from 700 ms before the expiry. */
const PRESSES = 36;
const PRESS_EVERY_MS = 40;
const KEY = 'multi-instance-verify-key-0123456789';
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
const ANNE_CHAT = `personal:${anne.id}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(postgresAvailable())('Reveal on two instances at the moment the PIN expires (separate processes)', () => {
  let m: Instances;
  beforeAll(async () => {
    m = await startInstances({ REVEAL_TTL: '2s', SWEEP_INTERVAL: '1s', VERIFY_API_KEYS: KEY, VERIFY_ANSWERS: 'detailed', VERIFY_RATE_PER_NUMBER: '1000/1m' });
  }, 120_000);
  afterAll(async () => m?.stop());

  it(`before the expiry the PIN on both, after it on neither (${ROUNDS} rounds of ${PRESSES} presses)`, async () => {
    const totals = { shown: 0, expired: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const before = m.connector.activities.length;
      await m.a.teams(anne).say('set pin kmyer');
      const card = cardOf(
        await waitFor('the PIN card', () => m.connector.activities.slice(before).find((s) => s.conversationId === ANNE_CHAT && JSON.stringify(cardOf(s) ?? {}).includes('Reveal PIN'))),
      );
      const reveal = action(card, 'Reveal PIN');
      const expiresAt = await m.count('select expires_at from reveals where id = ?', reveal.data.ref);
      await sleep(expiresAt - 700 - Date.now());
      const presses = await Promise.all(
        Array.from({ length: PRESSES }, async (_, i) => {
          await sleep(i * PRESS_EVERY_MS);
          const startedAt = Date.now();
          const turn = await (i % 2 === 0 ? m.a : m.b).teams(anne).execute(reveal);
          const answer = invokeCard(turn);
          return { startedAt, endedAt: Date.now(), pin: pinOnCard(answer), expired: /can no longer be revealed/.test(cardText(answer)) };
        }),
      );
      const label = `round ${round}`;
      for (const press of presses) expect(press.pin !== undefined || press.expired, `${label}: every press shows the PIN or says it expired`).toBe(true);
      const pins = new Set(presses.flatMap((p) => (p.pin ? [p.pin] : [])));
      expect(pins.size, label).toBe(1);
      // The PIN shown is the one that was set.
      expect((await m.b.verify({ line: '+14255550100', pin: [...pins][0] }, KEY)).json.result, label).toBe('ok');
      for (const press of presses.filter((p) => p.endedAt < expiresAt)) expect(press.pin, `${label}: finished before the expiry`).toBeDefined();
      for (const press of presses.filter((p) => p.startedAt > expiresAt)) expect(press.pin, `${label}: started after the expiry`).toBeUndefined();
      // The race really straddled the expiry.
      expect(presses.some((p) => p.endedAt < expiresAt) && presses.some((p) => p.startedAt > expiresAt), label).toBe(true);
      totals.shown += presses.filter((p) => p.pin).length;
      totals.expired += presses.filter((p) => p.expired).length;
      // A sweep (either instance's) deletes the sealed copy.
      await waitFor('the sealed PIN purged', async () => (await m.count('select count(*) n from reveals where id = ? and sealed is not null', reveal.data.ref)) === 0, 5_000);
    }
    console.log(`reveal at expiry race (2 processes): ${ROUNDS} rounds x ${PRESSES} presses -> ${totals.shown} showed the PIN, ${totals.expired} said it expired; none after the expiry showed it`);
  }, 120_000);
});
