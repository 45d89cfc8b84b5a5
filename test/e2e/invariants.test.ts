// The invariant: a PIN never reaches a log line, an audit record, a channel message, a card before
// Reveal, an error, or the store in clear text. Checked with a known manual PIN and with a
// generated one, over everything the running server wrote. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard, startHarness, type Harness, type TeamsMember } from '../support/harness.js';
import { storeDump } from '../support/store-dump.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

let h: Harness;

const pilar: TeamsMember = { id: '29:pilar', name: 'Pilar Ackerman', userPrincipalName: 'pilar.ackerman@contoso.com' };
// Eight digits: too long to turn up by chance inside a timestamp or an id.
const MANUAL_PIN = '73950418';

async function everywhereButTheRevealedCard(): Promise<{ logs: string; connector: string; store: string[] }> {
  return { logs: h.logLines.join('\n'), connector: h.connector.rawBodies.join('\n'), store: await storeDump(h) };
}

eachStoreDialect((dialect) => {
  describe('a PIN is never written in clear text', () => {
    beforeAll(async () => {
      h = await startHarness(await databaseEnv(dialect));
    });
    afterAll(async () => h?.stop());

    it('a manual PIN: not before Reveal, not in logs, audit, channel or store', async () => {
      const chat = h.teams(pilar);
      const turn = await chat.say(`Set-CsClientPin -Identity "Ken Myer" -Pin ${MANUAL_PIN}`);
      // A refusal with the same PIN in a channel (exposure) and a rule error must not echo it either.
      await h.teams(pilar, { type: 'channel' }).say(`set pin Ken Myer ${MANUAL_PIN}`);
      await chat.say(`set pin Ken Myer ${MANUAL_PIN}x`);
      // And an ambiguous target: the PIN waits, sealed, in the picker's continuation.
      const picker = await chat.say(`set pin Ken ${MANUAL_PIN}`);
      expect(cardText(cardOf(picker.sent[0]))).toContain('Several users match "Ken"');

      const before = await everywhereButTheRevealedCard();
      expect(before.connector).not.toContain(MANUAL_PIN);
      expect(before.logs).not.toContain(MANUAL_PIN);
      expect(before.store.filter((value) => value.includes(MANUAL_PIN))).toEqual([]);
      // The dump reaches every table, the sealed picker and reveal rows included.
      expect(before.store.some((v) => v.startsWith('audit.'))).toBe(true);
      expect(before.store.some((v) => v.startsWith('continuations.sealed='))).toBe(true);
      expect(before.store.some((v) => v.startsWith('reveals.sealed='))).toBe(true);

      // The test can see a PIN when there is one: the revealed card carries it, to the clicker only.
      const reveal = await chat.execute(action(cardOf(turn.sent[0]), 'Reveal PIN'));
      expect(JSON.stringify(invokeCard(reveal))).toContain(MANUAL_PIN);

      const after = await everywhereButTheRevealedCard();
      expect(after.logs).not.toContain(MANUAL_PIN);
      expect(after.connector).not.toContain(MANUAL_PIN);
      expect(after.store.filter((value) => value.includes(MANUAL_PIN))).toEqual([]);
    });

    it('a generated PIN: the same, found through Reveal', async () => {
      const chat = h.teams(pilar);
      const s = await h.openStore();
      await s.policies.savePolicy({ identity: 'site:Redmond', minPasswordLength: 9, pinHistoryCount: 1, pinLifetimeDays: 0, allowCommonPatterns: false });
      await s.close();
      const turn = await chat.say('set pin Chris Cannon');
      const reveal = await chat.execute(action(cardOf(turn.sent[0]), 'Reveal PIN'));
      const pin = invokeCard(reveal).body.find((b: any) => b.size === 'ExtraLarge').text as string;
      expect(pin).toMatch(/^\d{9}$/);
      const after = await everywhereButTheRevealedCard();
      expect(after.logs).not.toContain(pin);
      expect(after.connector).not.toContain(pin);
      expect(after.store.filter((value) => value.includes(pin))).toEqual([]);
    });

    it('the logs were really captured (so the checks above mean something)', () => {
      expect(h.logLines.filter((line) => line.includes('"msg":"turn"')).length).toBeGreaterThan(5);
    });
  });
});
