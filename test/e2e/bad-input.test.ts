// Bad input gets a short, clear answer and changes nothing; the server keeps serving. On SQLite and
// PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf, cardText, startHarness, type Harness } from '../support/harness.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

let h: Harness;

/** PINs set so far, for anyone (every set adds a history row). */
async function pinsEverSet(): Promise<number> {
  const [{ n }] = await h.rows('select count(*) as n from pin_history');
  return n;
}

async function kenStatus(): Promise<string> {
  return cardText(cardOf((await h.emulator('anne').say('pin status Ken Myer')).sent[0]));
}

eachStoreDialect((dialect) => {
  beforeAll(async () => {
    h = await startHarness(await databaseEnv(dialect));
  });
  afterAll(async () => h?.stop());

  describe('messages', () => {
    it.each([
      ['', /empty/],
      ['   ', /empty/],
      ['x'.repeat(20_000), /too long/],
      ['🔐 set pin 👨‍💼', /don't know the command/],
      ['set pin Ḱén Mÿer', /No user matches/],
      ['set pin مرحبا', /No user matches/],
      ['set pin *)(objectClass=*', /No user matches/],
      ['set pin \\\\00', /No user matches/],
      // NUL is dropped before parsing (grammar normalizeText), so this names "KenMyer": nobody. It
      // must never reach Ken Myer by way of a filter that stops at the NUL.
      ['set pin Ken\u0000Myer', /^No user matches "KenMyer"\. Did you mean Ken Myer\b/],
    ])('%#: a clear answer, and nothing changes', async (text, answer) => {
      const before = await kenStatus();
      const pinsSetBefore = await pinsEverSet();
      const turn = await h.emulator('pilar').say(text);
      expect(turn.status).toBe(200);
      expect(turn.sent).toHaveLength(1);
      const reply = turn.sent[0]!.activity.text ?? cardText(cardOf(turn.sent[0]));
      expect(reply).toMatch(answer);
      expect(reply.length).toBeLessThan(400);
      expect(turn.sent[0]!.activity.attachments ?? []).toEqual([]);
      expect(await kenStatus()).toBe(before);
      expect(await pinsEverSet()).toBe(pinsSetBefore);
    });

    it('a message without text (an attachment only) is answered', async () => {
      const turn = await h.emulator('pilar').say(undefined as unknown as string, { attachments: [{ contentType: 'image/png', contentUrl: 'http://127.0.0.1/x.png' }] });
      expect(turn.sent[0]!.activity.text).toMatch(/empty/);
    });

    it('an activity without `from` gets "who are you", not a crash', async () => {
      const before = h.connector.activities.length;
      const { status } = await h.post({
        type: 'message',
        text: 'set pin Ken Myer',
        channelId: 'emulator',
        serviceUrl: h.connector.url,
        conversation: { id: 'no-from' },
        recipient: { id: 'pindesk-bot' },
      });
      expect(status).toBe(200);
      const reply = h.connector.activities.slice(before);
      expect(reply[0]!.activity.text).toMatch(/can't tell who you are/);
    });

    it('a forged or stale card button is refused', async () => {
      const turn = await h.emulator('pilar').submit({ type: 'Action.Submit', title: 'x', data: { verb: 'pin.reveal', ref: 'AAAAAAAAAAAAAAAAAAAAA' } });
      expect(turn.sent[0]!.activity.text).toMatch(/can no longer be revealed/);
      const junk = await h.emulator('pilar').submit({ type: 'Action.Submit', title: 'x', data: { verb: 'pin.reveal', ref: '../../etc/passwd' } });
      expect(junk.sent[0]!.activity.text).toMatch(/not valid any more/);
      const invoke = await h.emulator('pilar').execute({ type: 'Action.Execute', title: 'x', verb: 'drop.tables', data: {} });
      expect(invoke.body.value).toMatch(/not valid any more/);
    });
  });

  describe('HTTP', () => {
    const postRaw = (body: string, contentType = 'application/json') =>
      fetch(`${h.app.url}/api/messages`, { method: 'POST', headers: { 'content-type': contentType }, body });

    it('malformed JSON is a 400 and the server serves the next request', async () => {
      const bad = await postRaw('{"type": "message", ');
      expect(bad.status).toBe(400);
      const turn = await h.emulator('pilar').say('help');
      expect(turn.status).toBe(200);
      expect(turn.sent).toHaveLength(1);
    });

    it.each([
      ['[]', 400],
      ['"text"', 400],
      ['{"text":"no type"}', 400],
      ['{"type": 5}', 400],
    ])('%s → %i', async (body, status) => {
      expect((await postRaw(body)).status).toBe(status);
    });

    it('an oversized body is refused before parsing', async () => {
      const response = await postRaw(JSON.stringify({ type: 'message', text: 'x'.repeat(400_000) }));
      expect(response.status).toBe(413);
    });

    it('an unknown activity type or invoke is handled quietly', async () => {
      const typing = await h.emulator('pilar').say('', { type: 'typing' });
      expect(typing.status).toBe(200);
      expect(typing.sent).toHaveLength(0);
      const unknownInvoke = await h.post({ type: 'invoke', name: 'composeExtension/query', channelId: 'emulator', serviceUrl: h.connector.url, from: { id: 'pilar' }, conversation: { id: 'c' }, recipient: { id: 'b' } });
      expect(unknownInvoke.status).toBe(501);
    });

    it('health and readiness', async () => {
      expect((await fetch(`${h.app.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${h.app.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
    });
  });
});
