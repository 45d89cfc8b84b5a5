// PIN_AUTHORITY=sfb with the REAL bot process killed (kill -9) between the Skype for Business
// server call and the record of its result, then started again on the same DATA_DIR: real pwsh
// runs sfb/pindesk-worker.ps1 against the fake module, which applies the set and then stalls
// (`after:hang`), or stalls before applying it (`hang`). On restart PinDesk asks the server
// (LastPinChangeTime): set → the PIN card reaches the fake connector once, with the PIN the fake
// recorded; not set → the addressee is told, and no sealed PIN stays in the store. While a set is
// stalled on the server, the store takes other writes: no transaction is held across the call.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeConnector } from '../support/fake-connector.js';
import { action } from '../support/harness.js';
import { startBotProcess, type BotProcess } from '../support/sfb/bot-process.js';
import { FakeSfb, pwshAvailable } from '../support/sfb/pwsh.js';

const KEN = 'sip:ken.myer@contoso.com';
const SFB_TIMEOUT_MS = 3_000;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pinOnCard = (card: any): string | undefined => card?.body.find((b: any) => b.fontType === 'Monospace' && b.size === 'ExtraLarge')?.text;

describe.runIf(pwshAvailable())('PIN_AUTHORITY=sfb: the bot killed between the server call and its recorded result', () => {
  const bots: BotProcess[] = [];
  let dataDir: string;
  let connector: FakeConnector;
  let fake: FakeSfb;
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.kill();
    killWorkers();
    await connector?.stop();
    await fake?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  function rows(sql: string, ...params: unknown[]): any[] {
    const db = new Database(path.join(dataDir, 'pindesk.sqlite'), { readonly: true });
    try {
      return db.prepare(sql).all(...params);
    } finally {
      db.close();
    }
  }

  /** Takes SQLite's write lock from this process (a second writer), and lets it go: fails if the bot holds it. */
  function writeLockFree(): boolean {
    const db = new Database(path.join(dataDir, 'pindesk.sqlite'), { timeout: 1_000 });
    try {
      db.prepare('begin immediate').run();
      db.prepare('rollback').run();
      return true;
    } catch {
      return false;
    } finally {
      db.close();
    }
  }

  /** The workers the killed bot left behind (their process groups): gone with their host, as on a crashed machine. */
  function killWorkers(): void {
    for (const pid of new Set((fake?.calls() ?? []).map((c) => c.pid))) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  async function startBot(): Promise<string> {
    const bot = await startBotProcess({ dataDir, fake, env: { SFB_TIMEOUT: `${SFB_TIMEOUT_MS}ms` } });
    bots.push(bot);
    return bot.url;
  }

  async function killBot(): Promise<void> {
    await bots.pop()!.kill();
    killWorkers();
  }

  let sequence = 0;
  async function say(url: string, user: string, body: Record<string, unknown>): Promise<number> {
    const response = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `crash-${++sequence}`,
        channelId: 'emulator',
        serviceUrl: connector.url,
        from: { id: user, name: user },
        recipient: { id: 'pindesk-bot', name: 'PinDesk' },
        conversation: { id: `emulator-${user}` },
        ...body,
      }),
    });
    return response.status;
  }

  async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  }

  const kenOnServer = () => fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === KEN);
  const sent = (text: string) => connector.activities.filter((a) => a.conversationId === 'emulator-pilar' && JSON.stringify(a.activity).includes(text));

  /** `set pin Ken Myer` by Pilar, left in flight; resolves once the server has the set (and its intent is recorded). */
  async function setPinInFlight(url: string): Promise<any> {
    void say(url, 'pilar', { text: 'set pin Ken Myer' }).catch(() => undefined);
    await until('the Set-CsClientPin call', () => fake.calls().some((c) => c.cmdlet === 'Set-CsClientPin'));
    return until('the intent', () => rows('select * from pin_intents')[0]);
  }

  /** Restarts once the dead bot's call can no longer be running (the intent's settle time). */
  async function restartAfterSettle(intent: { settle_by: number }): Promise<string> {
    const wait = Number(intent.settle_by) - Date.now();
    if (wait > 0) await sleep(wait + 200);
    return startBot();
  }

  async function setUp(): Promise<string> {
    dataDir = await mkdtemp(path.join(tmpdir(), 'pindesk-sfb-crash-'));
    connector = await new FakeConnector().start();
    fake = new FakeSfb();
    fake.state();
    return startBot();
  }

  it('applied on the server, then killed: after the restart the card with the PIN the server recorded arrives once', async () => {
    let url = await setUp();
    fake.fault('Set-CsClientPin', 'after:hang');
    const intent = await setPinInFlight(url);
    await until('the set applied on the server', () => kenOnServer().PinSha256);
    // Stalled on the server: the store is free — PinDesk answers and writes, another process can write.
    expect(await say(url, 'anne', { text: 'whoami' })).toBe(200);
    expect(rows("select outcome from audit where action = 'whoami'")).toEqual([{ outcome: 'ok' }]);
    expect(writeLockFree()).toBe(true);
    expect(rows('select state from deliveries')).toEqual([{ state: 'held' }]);
    expect(rows("select outcome from audit where action = 'set-pin'")).toEqual([{ outcome: 'pending' }]);

    await killBot();
    fake.fault('Set-CsClientPin', undefined);
    url = await restartAfterSettle(intent);
    const [card] = await until('the PIN card', () => (sent('Reveal PIN').length > 0 ? sent('Reveal PIN') : undefined));
    await sleep(3_000);
    expect(sent('Reveal PIN')).toHaveLength(1);
    expect(rows('select * from pin_intents')).toEqual([]);
    expect(rows('select state from deliveries')).toEqual([{ state: 'delivered' }]);
    // The attempt's one row, 'pending' while PinDesk checked, now holds the outcome.
    expect(rows("select outcome, reason from audit where action = 'set-pin' order by id")).toEqual([{ outcome: 'ok', reason: 'generated,reconciled' }]);

    const reveal = action(card!.activity.attachments[0].content, 'Reveal PIN');
    const before = connector.activities.length;
    expect(await say(url, 'pilar', { value: reveal.data })).toBe(200);
    const pin = pinOnCard(connector.activities.slice(before).find((a) => a.kind === 'update')?.activity.attachments[0].content);
    expect(pin).toMatch(/^\d{5,}$/);
    const sets = fake.calls().filter((c) => c.cmdlet === 'Set-CsClientPin');
    expect(sets).toEqual([expect.objectContaining({ parameters: expect.objectContaining({ Identity: KEN, Pin: { sha256: sha(pin!), length: pin!.length } }) })]);
    expect(kenOnServer().PinSha256).toBe(sha(pin!));
  }, 150_000);

  it('killed before the server applied it: after the restart the addressee is told it was NOT set, and no sealed PIN stays', async () => {
    let url = await setUp();
    fake.fault('Set-CsClientPin', 'hang');
    const intent = await setPinInFlight(url);
    expect(writeLockFree()).toBe(true);
    expect(rows('select count(*) n from reveals where sealed is not null')).toEqual([{ n: 1 }]);

    await killBot();
    fake.fault('Set-CsClientPin', undefined);
    await restartAfterSettle(intent);
    await until('the notice', () => (sent('was NOT set').length > 0 ? true : undefined));
    await sleep(3_000);
    expect(sent('was NOT set')).toHaveLength(1);
    expect(sent('was NOT set')[0]!.activity.text).toContain('The PIN for Ken Myer was NOT set');
    expect(sent('Reveal PIN')).toHaveLength(0);
    expect(rows('select count(*) n from reveals where sealed is not null')).toEqual([{ n: 0 }]);
    expect(rows('select * from pin_intents')).toEqual([]);
    expect(rows("select outcome, reason from audit where action = 'set-pin' order by id")).toEqual([{ outcome: 'failed', reason: 'reconciled:not-set' }]);
    // The server received the call and never acted on it.
    expect(fake.calls().filter((c) => c.cmdlet === 'Set-CsClientPin')).toHaveLength(1);
    expect(kenOnServer()).toMatchObject({ PinSha256: null, LastPinChangeTime: null });
  }, 150_000);
});
