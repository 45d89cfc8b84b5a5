// The invariant: a PIN never reaches a log line, an audit record, a channel message, a card before
// Reveal, an error, or the store in clear text. Checked with a known manual PIN and with a
// generated one, over everything the running server wrote.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard, startHarness, type Harness, type TeamsMember } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

const pilar: TeamsMember = { id: '29:pilar', name: 'Pilar Ackerman', userPrincipalName: 'pilar.ackerman@contoso.com' };
// Eight digits: too long to turn up by chance inside a timestamp or an id.
const MANUAL_PIN = '73950418';

/** Every value of every row of every table, as text. */
function storeDump(): string[] {
  const db = new Database(path.join(h.dataDir, 'pindesk.sqlite'), { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>;
    return tables.flatMap(({ name }) => (db.prepare(`select * from "${name}"`).all() as Record<string, unknown>[]).flatMap((row) => Object.entries(row).map(([column, value]) => `${name}.${column}=${String(value)}`)));
  } finally {
    db.close();
  }
}

function everywhereButTheRevealedCard(): { logs: string; connector: string; store: string[] } {
  return { logs: h.logLines.join('\n'), connector: h.connector.rawBodies.join('\n'), store: storeDump() };
}

describe('a PIN is never written in clear text', () => {
  it('a manual PIN: not before Reveal, not in logs, audit, channel or store', async () => {
    const chat = h.teams(pilar);
    const turn = await chat.say(`Set-CsClientPin -Identity "Ken Myer" -Pin ${MANUAL_PIN}`);
    // A refusal with the same PIN in a channel (exposure) and a rule error must not echo it either.
    await h.teams(pilar, { type: 'channel' }).say(`set pin Ken Myer ${MANUAL_PIN}`);
    await chat.say(`set pin Ken Myer ${MANUAL_PIN}x`);
    // And an ambiguous target: the PIN waits, sealed, in the picker's continuation.
    const picker = await chat.say(`set pin Ken ${MANUAL_PIN}`);
    expect(cardText(cardOf(picker.sent[0]))).toContain('Several users match "Ken"');

    const before = everywhereButTheRevealedCard();
    expect(before.connector).not.toContain(MANUAL_PIN);
    expect(before.logs).not.toContain(MANUAL_PIN);
    expect(before.store.filter((value) => value.includes(MANUAL_PIN))).toEqual([]);
    expect(before.store.some((v) => v.startsWith('audit.'))).toBe(true);

    // The test can see a PIN when there is one: the revealed card carries it, to the clicker only.
    const reveal = await chat.execute(action(cardOf(turn.sent[0]), 'Reveal PIN'));
    expect(JSON.stringify(invokeCard(reveal))).toContain(MANUAL_PIN);

    const after = everywhereButTheRevealedCard();
    expect(after.logs).not.toContain(MANUAL_PIN);
    expect(after.connector).not.toContain(MANUAL_PIN);
    expect(after.store.filter((value) => value.includes(MANUAL_PIN))).toEqual([]);
  });

  it('a generated PIN: the same, found through Reveal', async () => {
    const chat = h.teams(pilar);
    const store = await import('../../src/adapters/sql/sqlite.js');
    const s = await store.openSqliteStore(h.dataDir);
    await s.policies.savePolicy({ identity: 'site:Redmond', minPasswordLength: 9, pinHistoryCount: 1, pinLifetimeDays: 0, allowCommonPatterns: false });
    await s.close();
    const turn = await chat.say('set pin Chris Cannon');
    const reveal = await chat.execute(action(cardOf(turn.sent[0]), 'Reveal PIN'));
    const pin = invokeCard(reveal).body.find((b: any) => b.size === 'ExtraLarge').text as string;
    expect(pin).toMatch(/^\d{9}$/);
    const after = everywhereButTheRevealedCard();
    expect(after.logs).not.toContain(pin);
    expect(after.connector).not.toContain(pin);
    expect(after.store.filter((value) => value.includes(pin))).toEqual([]);
  });

  it('the logs were really captured (so the checks above mean something)', () => {
    expect(h.logLines.filter((line) => line.includes('"msg":"turn"')).length).toBeGreaterThan(5);
  });
});
