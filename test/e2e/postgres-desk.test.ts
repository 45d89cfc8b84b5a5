// The real server on PostgreSQL (DATABASE_URL): a PIN is set and revealed with everything kept in the
// database (no SQLite file in DATA_DIR), survives a restart, and while the database is down the chat
// says so (and that nothing changed) and /readyz answers 503; when it returns, both recover by
// themselves. A restart with queries in flight does not end the process.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/adapters/sql/sqlite.js';
import { action, cardOf, cardText, sentText, startHarness, type Harness } from '../support/harness.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from '../support/postgres.js';

describe.runIf(postgresAvailable())('PinDesk on PostgreSQL', () => {
  let cluster: PostgresCluster;
  let h: Harness;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    h = await startHarness({ DATABASE_URL: await cluster.createDatabase() });
  });
  afterAll(async () => {
    await h?.stop();
    await cluster?.stop();
  });

  const ready = async () => {
    const response = await fetch(`${h.app.url}/readyz`);
    return { status: response.status, body: await response.json() };
  };

  it('sets and reveals a PIN with everything in the database; a restart keeps it', async () => {
    expect((await ready()).status).toBe(200);
    const pilar = h.emulator('pilar');
    const turn = await pilar.say('set pin Ken Myer');
    const card = cardOf(turn.sent[0]);
    expect(cardText(card)).toContain('PIN set for Ken Myer');
    const revealed = await pilar.submit(action(card, 'Reveal PIN'));
    expect(cardText(cardOf(revealed.sent[0]))).toMatch(/\b\d{5,}\b/);

    expect(existsSync(path.join(h.dataDir, DATABASE_FILE))).toBe(false);
    const store = await h.openStore();
    try {
      const ken = await h.userId('kmyer');
      expect(await store.db.selectFrom('pin_records').select('user_id').where('pin_hash', 'is not', null).execute()).toEqual([{ user_id: ken }]);
      expect((await store.audit.recent({ target: 'sip:ken.myer@contoso.com', limit: 10 })).map((r) => [r.action, r.outcome])).toEqual([
        ['reveal', 'ok'],
        ['pin-card-delivered', 'ok'],
        ['set-pin', 'ok'],
      ]);
    } finally {
      await store.close();
    }

    await h.restart();
    const status = await h.emulator('pilar').say('pin status Ken Myer');
    expect(cardText(cardOf(status.sent[0]))).toContain('IsPinSet: Yes');
  });

  it('while the database is down: chat says so and that nothing changed, a button press too, /readyz 503; both recover when it returns', async () => {
    const pilar = h.emulator('pilar');
    const card = cardOf((await pilar.say('set pin Ken Myer')).sent[0]);
    await cluster.pause();
    try {
      const turn = await pilar.say('set pin Ken Myer');
      expect(sentText(turn)).toMatch(/PinDesk's database isn't answering right now, so nothing was changed/);
      expect(turn.sent.some((s) => s.activity.attachments)).toBe(false);
      const press = await pilar.submit(action(card, 'Reveal PIN'));
      expect(JSON.stringify(press.sent.map((s) => s.activity))).toMatch(/database isn't answering/);
      expect(sentText(press)).not.toMatch(/\d{5,}/);
      expect(await ready()).toEqual({ status: 503, body: { status: 'unavailable', reason: 'store-unavailable' } });
    } finally {
      await cluster.resume();
    }
    expect((await ready()).status).toBe(200);
    const again = await pilar.say('set pin Ken Myer');
    expect(cardText(cardOf(again.sent[0]))).toContain('PIN set for Ken Myer');
  });

  it('a database restart with turns in flight: the bot keeps running, every answer is a PIN card or says the database failed', async () => {
    const turns = Array.from({ length: 24 }, (_, i) => h.emulator('pilar').say(i % 2 ? 'set pin Ken Myer' : 'pin status Ken Myer'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    // A fast shutdown ends every session at once (SQLSTATE 57P01), queries in flight included.
    await cluster.pause();
    await cluster.resume();
    for (const turn of await Promise.all(turns)) {
      const text = sentText(turn) + JSON.stringify(turn.sent.map((s) => s.activity.attachments ?? []));
      if (!/PIN set for Ken Myer|IsPinSet|database isn't answering|lost its database connection/.test(text)) {
        console.log(text, h.logLines.filter((l) => /"level":(50|40)/.test(l)).join('\n').slice(0, 6000));
      }
      expect(text).toMatch(/PIN set for Ken Myer|IsPinSet|database isn't answering|lost its database connection/);
    }
    expect((await fetch(`${h.app.url}/healthz`)).status).toBe(200);
    await expect.poll(async () => (await ready()).status, { timeout: 10_000 }).toBe(200);
    const after = await h.emulator('pilar').say('set pin Ken Myer');
    expect(cardText(cardOf(after.sent[0]))).toContain('PIN set for Ken Myer');
  });
});
