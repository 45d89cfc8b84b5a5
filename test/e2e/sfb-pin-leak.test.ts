// PIN_AUTHORITY=sfb end to end: a PIN travels only inside the JSON on the worker's stdin. During
// and after a set (generated and typed), it is in no /proc/<pid>/cmdline or environ of the bot's
// children and grandchildren (the pwsh launcher and PowerShell itself), no log line, no audit row,
// no byte of the SQLite files, no file of the fake server, and no chat answer but the Reveal.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, sentText, type Harness, type Turn } from '../support/harness.js';
import { dbRows, descendants, processTexts, startSfbHarness, waitFor } from '../support/sfb/chat.js';
import { FakeSfb, pwshAvailable } from '../support/sfb/pwsh.js';

/** Long PINs, so that no timestamp, pid or id in a log line can hold one by chance. */
const LENGTH = 12;
const pinOnCard = (card: any): string | undefined => card?.body.find((b: any) => b.fontType === 'Monospace' && b.size === 'ExtraLarge')?.text;

describe.runIf(pwshAvailable())('PIN_AUTHORITY=sfb: a PIN never leaves the worker protocol (real pwsh, fake module)', () => {
  let h: Harness;
  let fake: FakeSfb;
  beforeAll(async () => {
    fake = new FakeSfb();
    h = await startSfbHarness(fake);
    expect(sentText(await h.emulator('anne').say(`Set-CsPinPolicy -MinPasswordLength ${LENGTH}`))).toContain(`MinPasswordLength: ${LENGTH}`);
  }, 90_000);
  afterAll(async () => {
    await h?.stop();
    await fake?.dispose();
  });

  /**
   * Runs `say` while the server holds Set-CsClientPin, and snapshots /proc of every descendant of
   * this process (the bot runs here) while the PIN is in flight.
   */
  async function duringSet(say: () => Promise<Turn>): Promise<{ turn: Turn; during: ReturnType<typeof processTexts> }> {
    const before = fake.calls().filter((c) => c.cmdlet === 'Set-CsClientPin').length;
    fake.fault('Set-CsClientPin', 'sleep:1500');
    try {
      const answer = say();
      expect(await waitFor(() => fake.calls().filter((c) => c.cmdlet === 'Set-CsClientPin').length > before)).toBe(true);
      const during = processTexts(descendants());
      // The scan saw the worker: PowerShell running the worker script, in the bot's process tree.
      expect(during.some((p) => p.cmdline.includes('pindesk-worker.ps1'))).toBe(true);
      // And its environment could be read (the fake's state file is named there).
      expect(during.some((p) => p.environ.includes(`SFB_FAKE_STATE=${fake.stateFile}`))).toBe(true);
      return { turn: await answer, during };
    } finally {
      fake.fault('Set-CsClientPin', undefined);
    }
  }

  function expectNowhere(pin: string, during: ReturnType<typeof processTexts>): void {
    expect(pin).toMatch(new RegExp(`^\\d{${LENGTH}}$`));
    for (const p of [...during, ...processTexts(descendants())]) {
      expect(p.cmdline.includes(pin), `cmdline of ${p.pid}`).toBe(false);
      expect(p.environ.includes(pin), `environ of ${p.pid}`).toBe(false);
    }
    expect(Object.values(process.env).some((value) => value?.includes(pin))).toBe(false);
    expect(h.logLines.filter((line) => line.includes(pin))).toEqual([]);
    expect(JSON.stringify(dbRows(h, 'select * from audit'))).not.toContain(pin);
    for (const file of ['pindesk.sqlite', 'pindesk.sqlite-wal']) {
      const full = path.join(h.dataDir, file);
      if (existsSync(full)) expect(readFileSync(full).includes(pin), file).toBe(false);
    }
    for (const file of [fake.callsFile, fake.stateFile]) expect(readFileSync(file, 'utf8')).not.toContain(pin);
  }

  it('a generated PIN: only on the revealed card', async () => {
    const pilar = h.emulator('pilar');
    const { turn, during } = await duringSet(() => pilar.say('set pin Ken Myer'));
    const card = cardOf(turn.sent[0]);
    expect(cardText(card)).toContain('PIN set for Ken Myer');
    const revealed = await pilar.submit(action(card, 'Reveal PIN'));
    const pin = pinOnCard(cardOf(revealed.sent[0]))!;
    expect(sentText(turn)).not.toContain(pin);
    expectNowhere(pin, during);
  }, 90_000);

  it('a typed PIN: never echoed, and nowhere else either', async () => {
    const pin = '730194628517';
    const pilar = h.emulator('pilar');
    const { turn, during } = await duringSet(() => pilar.say(`set pin Ken Myer ${pin}`));
    expect(cardText(cardOf(turn.sent[0]))).toContain('PIN set for Ken Myer');
    expect(JSON.stringify(turn.sent)).not.toContain(pin);
    expectNowhere(pin, during);
  }, 90_000);

  it('Unlock and set (a typed PIN, the cmdlet form): nowhere', async () => {
    const pin = '594027361845';
    const anne = h.emulator('anne');
    await anne.say('lock pin Ken Myer');
    const refusal = cardOf((await anne.say(`Set-CsClientPin -Identity "Ken Myer" -Pin ${pin}`)).sent[0]);
    const { turn, during } = await duringSet(() => anne.submit(action(refusal, 'Unlock and set')));
    expect(sentText(turn)).toContain('PIN unlocked and set for Ken Myer');
    expect(JSON.stringify(turn.sent)).not.toContain(pin);
    expect(JSON.stringify(refusal)).not.toContain(pin);
    expectNowhere(pin, during);
  }, 90_000);
});
