// The Microsoft 365 Agents Playground (a local page that behaves like Teams) driven in headless
// Chromium exactly as a person would: type in the compose box, wait for the card, press its
// buttons, read what is shown. Two Playgrounds — Pilar's and Ken's — talk to one PinDesk, so the
// self-service flow crosses users as it does in Teams.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { DEMO_DIRECTORY_FILE, loadConfig } from '../../src/config.js';
import { isPinAcceptable } from '../../src/domain/pin-rules.js';
import { phoneNumberOf } from '../../src/domain/common-patterns.js';
import { GLOBAL_DEFAULTS } from '../../src/domain/policy.js';
import { playgroundConfig, TEAM, teamsUserId } from '../../scripts/playground-config.mjs';
import { startPlayground } from '../../scripts/start-playground.mjs';
import { card, chromiumAvailable, launchBrowser, message, openConversation, openPlayground, say, screenshot } from '../support/browser.js';
import { freePort } from '../support/ldap/tools.js';

const PIN_ON_CARD = /\n(\d{4,24})\n/;

describe.runIf(chromiumAvailable())('Microsoft 365 Agents Playground in Chromium', () => {
  let dir: string;
  let app: App;
  let browser: Browser;
  let pilar: Page;
  let ken: Page;
  const playgrounds: Array<{ url: string; stop(): Promise<void> }> = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pindesk-playground-'));
    app = await startApp(loadConfig({ DATA_DIR: path.join(dir, 'data'), PORT: '0', LOG_LEVEL: 'warn' }));
    const endpoint = `${app.url}/api/messages`;
    for (const as of ['pilar', 'kmyer']) {
      playgrounds.push(await startPlayground({ endpoint, config: playgroundConfig(DEMO_DIRECTORY_FILE, as), dir: path.join(dir, as), port: await freePort() }));
    }
    browser = await launchBrowser();
    // One page per person, reused across tests (each takes seconds to load).
    pilar = await openPlayground(browser, playgrounds[0]!.url);
    ken = await openPlayground(browser, playgrounds[1]!.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const p of playgrounds) await p.stop();
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('Pilar, personal chat: set pin → a card without the PIN → Reveal → a valid PIN → Hide', async () => {
    await openConversation(pilar, 'Personal Chat');
    await say(pilar, 'set pin Ken Myer');
    const result = card(pilar, 'PIN set for Ken Myer');
    await result.getByRole('button', { name: 'Reveal PIN' }).waitFor();
    expect(await result.innerText()).toContain('PIN hidden');
    expect(await result.innerText()).not.toMatch(PIN_ON_CARD);
    await screenshot(pilar, 'set-pin-hidden');

    await result.getByRole('button', { name: 'Reveal PIN' }).click();
    await result.getByRole('button', { name: 'Hide PIN' }).waitFor();
    const pin = PIN_ON_CARD.exec(await result.innerText())?.[1];
    expect(pin).toMatch(/^\d{5}$/);
    expect(isPinAcceptable(pin!, { policy: GLOBAL_DEFAULTS, phone: phoneNumberOf('tel:+14255550100') })).toBe(true);
    await screenshot(pilar, 'set-pin-revealed');

    await result.getByRole('button', { name: 'Hide PIN' }).click();
    await result.getByRole('button', { name: 'Reveal PIN' }).waitFor();
    expect(await result.innerText()).not.toContain(pin!);
    await screenshot(pilar, 'set-pin-hidden-again');
  });

  it('Pilar, in a channel with an @mention: the channel gets an acknowledgement, the card is in the 1:1 chat', async () => {
    await openConversation(pilar, 'Helpdesk - General');
    await say(pilar, 'set pin Ken Meyer', { mention: true });
    await message(pilar, 'PIN set for Ken Meyer. I sent the details to you in our 1:1 chat.').waitFor();
    expect(await pilar.locator('.ac-adaptiveCard', { hasText: 'PIN set for Ken Meyer' }).count()).toBe(0);
    await screenshot(pilar, 'channel-acknowledgement');
    await openConversation(pilar, 'Personal Chat');
    await card(pilar, 'PIN set for Ken Meyer').getByRole('button', { name: 'Reveal PIN' }).waitFor();
    await screenshot(pilar, 'channel-result-in-personal-chat');
  });

  it('Pilar: several matches show a picker; choosing continues the command', async () => {
    await openConversation(pilar, 'Personal Chat');
    await say(pilar, 'set pin Ken');
    const picker = card(pilar, 'Several users match "Ken"');
    await picker.getByRole('button', { name: 'Choose Kendra Sato' }).waitFor();
    await screenshot(pilar, 'picker');
    await picker.getByRole('button', { name: 'Choose Kendra Sato' }).click();
    await card(pilar, 'PIN set for Kendra Sato').getByRole('button', { name: 'Reveal PIN' }).waitFor();
    await card(pilar, 'Done for Kendra Sato').waitFor();
    await screenshot(pilar, 'picker-chosen');
  });

  it('Pilar: unlock pin', async () => {
    await say(pilar, 'unlock pin Ken Myer');
    await card(pilar, 'PIN unlocked for Ken Myer').waitFor();
    expect(await card(pilar, 'PIN unlocked for Ken Myer').innerText()).toContain('Unlock-CsClientPin -Identity "sip:ken.myer@contoso.com"');
    await screenshot(pilar, 'unlock');
  });

  it('Ken (no admin role): set pin is refused, naming the role', async () => {
    await openConversation(ken, 'Personal Chat');
    await say(ken, 'set pin Ken Meyer');
    await message(ken, /You can't set PINs: that needs CsAdministrator or CsUserAdministrator/).waitFor();
    await screenshot(ken, 'refused-without-role');
  });

  it('self-service: Ken asks, Pilar approves in the Approvals channel, Ken reveals his PIN', async () => {
    // Anne (CsAdministrator) registers the approvals channel: a message from her, through the
    // Playground's custom-activity API, since this page is signed in as Pilar.
    const pilarPlayground = playgrounds[0]!.url;
    const template = (await (await fetch(`${pilarPlayground}/_internal/v1/customActivities/template?conversationId=${TEAM.approvalsChannel}`)).json()) as Record<string, unknown>;
    const anne = playgroundConfig(DEMO_DIRECTORY_FILE, 'pilar').users.find((u) => u.id === teamsUserId('anne'))!;
    const registered = await fetch(`${pilarPlayground}/_internal/v1/customActivities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...template,
        type: 'message',
        from: { id: anne.id, name: anne.name, aadObjectId: anne.aadObjectId },
        text: '<at>PinDesk</at> approvals here',
        entities: [{ type: 'mention', text: '<at>PinDesk</at>', mentioned: template.recipient }],
      }),
    });
    expect(registered.status).toBe(200);

    await say(ken, 'reset my pin - new phone');
    const request = card(ken, 'Your request to reset your dial-in PIN');
    await request.getByRole('button', { name: 'Cancel request' }).waitFor();
    await screenshot(ken, 'request-pending');

    await openConversation(pilar, 'Helpdesk - Approvals');
    const approval = card(pilar, 'Ken Myer asks to reset their dial-in PIN');
    await approval.getByRole('button', { name: 'Approve' }).waitFor({ timeout: 20_000 });
    expect(await approval.innerText()).toContain('new phone');
    await screenshot(pilar, 'approval-card');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await card(pilar, /Approved by Pilar Ackerman/).waitFor();
    expect(await card(pilar, /Approved by Pilar Ackerman/).innerText()).not.toMatch(PIN_ON_CARD);
    await screenshot(pilar, 'approved');

    const pinCard = card(ken, 'Your new dial-in PIN');
    await pinCard.getByRole('button', { name: 'Reveal PIN' }).waitFor({ timeout: 20_000 });
    await pinCard.getByRole('button', { name: 'Reveal PIN' }).click();
    await pinCard.getByRole('button', { name: 'Hide PIN' }).waitFor();
    expect(PIN_ON_CARD.exec(await pinCard.innerText())?.[1]).toMatch(/^\d{5}$/);
    await screenshot(ken, 'requester-revealed');
  });
});
