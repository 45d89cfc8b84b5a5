// A PinDesk killed outright (kill -9, the OOM killer) leaves its PowerShell workers behind, and one
// stalled inside a cmdlet does not see its input close until the cmdlet returns: it could still
// apply a set after the reconciler decided it had not. The next PinDesk on the same DATA_DIR kills
// them before anything else talks to the server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBotProcess, type BotProcess } from '../support/sfb/bot-process.js';
import { alive, waitFor } from '../support/sfb/chat.js';
import { FakeSfb, pwshAvailable } from '../support/sfb/pwsh.js';

describe.runIf(pwshAvailable())('PIN_AUTHORITY=sfb: workers a killed PinDesk left running', () => {
  const bots: BotProcess[] = [];
  let dataDir: string | undefined;
  let fake: FakeSfb | undefined;
  let stalled: number | undefined;
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.kill();
    if (stalled !== undefined && alive(stalled)) process.kill(-stalled, 'SIGKILL');
    await fake?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('are killed (their whole process group) by the next start on the same DATA_DIR, before it serves', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'pindesk-sfb-leftover-'));
    fake = new FakeSfb();
    fake.state();
    const first = await startBotProcess({ dataDir, fake });
    bots.push(first);
    fake.fault('Set-CsClientPin', 'hang');
    void fetch(`${first.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', id: 'm1', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9', from: { id: 'pilar', name: 'pilar' }, recipient: { id: 'pindesk-bot' }, conversation: { id: 'emulator-pilar' }, text: 'set pin Ken Myer' }),
    }).catch(() => undefined);
    expect(await waitFor(() => fake!.calls().some((c) => c.cmdlet === 'Set-CsClientPin'), 60_000)).toBe(true);
    stalled = fake.calls().find((c) => c.cmdlet === 'Set-CsClientPin')!.pid;
    // The worker's process group: the pwsh launcher leads it (PowerShell runs in its child).
    const leader = Number(/"pid":(\d+)[^\n]*Skype for Business worker ready/.exec(first.log())?.[1]);
    expect(leader).toBeGreaterThan(1);

    await bots.pop()!.kill();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Its input is closed, yet it is still inside the cmdlet.
    expect(alive(stalled)).toBe(true);
    expect(alive(leader)).toBe(true);

    fake.fault('Set-CsClientPin', undefined);
    const second = await startBotProcess({ dataDir, fake });
    bots.push(second);
    expect(await waitFor(() => !alive(stalled!) && !alive(leader), 10_000)).toBe(true);
    expect(second.log()).toContain('killed Skype for Business workers a previous PinDesk left running');
    expect(JSON.parse(second.log().split('\n').find((l) => l.includes('a previous PinDesk left running'))!).pids).toEqual([leader]);
    // The set it was stalled in never happened.
    expect(fake.state().users.find((u: { SipAddress: string }) => u.SipAddress === 'sip:ken.myer@contoso.com').PinSha256).toBeNull();
  }, 150_000);
});
