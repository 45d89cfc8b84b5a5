// Real Bot Framework Web Chat — the renderer of the Bot Framework Emulator — in headless Chromium,
// used as a person uses it: type in the send box, wait for the card, press its buttons, read what
// is shown. Two Web Chat versions from npm, each page served from its UMD bundle (no CDN):
// 4.15.x, the line the Emulator bundles (adaptivecards 2.11), and the newest 4.x (adaptivecards 3).
// The pages talk to one PinDesk per version through a Direct Line stand-in written for the test
// (support/webchat/): it forwards what Web Chat posts to /api/messages and plays the Bot Connector
// for the bot's replies and in-place updates. Three people, each in their own conversation:
// Pilar (CsUserAdministrator), Anne (CsAdministrator, approves) and Ken (no admin role).
//
// What Web Chat posts for an Action.Submit press (checked below, the same in 4.15.9 and 4.18.1):
//   { type: 'message', channelId: 'webchat', from: { id, name, role: 'user' },
//     value: <the button's data, e.g. { verb: 'pin.reveal', ref: '…' }>,
//     channelData: { postBack: true, clientActivityID }, locale, localTimestamp, localTimezone,
//     attachments: [] }
// — no `text` (so PinDesk reads it as a click, not a command), no `replyToId` (so PinDesk finds the
// card to update from its own record of where it posted it). An input of the card that was filled
// in is merged into `value` (the approval card's reason: `note`); an empty one is left out. The
// bot's answer to a click is a PUT of the posted activity's id; Web Chat replaces that card where
// it stands (asserted: still one card). Every page's console must stay clean: that is how the
// 5-second hold of proactive messages was found (src/chat/proactive-turns.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { Verbs } from '../../src/cards/elements.js';
import { loadConfig } from '../../src/config.js';
import { phoneNumberOf } from '../../src/domain/common-patterns.js';
import { isPinAcceptable } from '../../src/domain/pin-rules.js';
import { GLOBAL_DEFAULTS } from '../../src/domain/policy.js';
import { card, chromiumAvailable, launchBrowser, message } from '../support/browser.js';
import { DirectLineStandIn, webChatBundle, type PostedByClient } from '../support/webchat/direct-line-stand-in.js';
import { openWebChat, say, screenshots, type WebChatPage } from '../support/webchat/webchat-page.js';

/** The Emulator's line (npm alias in package.json) and the newest 4.x. */
const BUNDLES = [webChatBundle('botframework-webchat-4-15'), webChatBundle('botframework-webchat')];

const PEOPLE = {
  pilar: { id: 'pilar', name: 'Pilar Ackerman' },
  anne: { id: 'anne', name: 'Anne Wallace' },
  ken: { id: 'kmyer', name: 'Ken Myer' },
} as const;
type Person = keyof typeof PEOPLE;

/** The revealed PIN stands alone on its line of the card's text. */
const PIN_ON_CARD = /\n(\d{4,24})\n/;
const KEN_PHONE = phoneNumberOf('tel:+14255550100');
// Web Chat's Markdown (markdown-it, typographer on) curls quotes and apostrophes: match either.
const LOCKED = /Ken Myer.s PIN is locked/;

function expectValidPin(pin: string | undefined): string {
  expect(pin).toMatch(new RegExp(`^\\d{${GLOBAL_DEFAULTS.minPasswordLength},24}$`));
  expect(isPinAcceptable(pin!, { policy: GLOBAL_DEFAULTS, phone: KEN_PHONE })).toBe(true);
  return pin!;
}

describe.runIf(chromiumAvailable())('Bot Framework Web Chat in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe.each(BUNDLES)('Web Chat $version', ({ version }) => {
    let dir: string;
    let app: App;
    let standIn: DirectLineStandIn;
    const pages = {} as Record<Person, WebChatPage>;
    const page = (who: Person): Page => pages[who].page;
    const shot = screenshots(version);
    /** A screenshot of the person's page, scrolled to the card the step is about. */
    const screenshot = async (who: Person, name: string, show?: Locator) => {
      await show?.scrollIntoViewIfNeeded();
      return shot(page(who), `${who}-${name}`);
    };
    const conversationOf = (who: Person) => `${who}-${version}`;

    /** The last thing Web Chat posted from this person's page: a click, when called after one. */
    function lastPosted(who: Person): PostedByClient {
      const posted = standIn.posted.filter((p) => p.conversationId === conversationOf(who)).at(-1);
      if (!posted) throw new Error(`nothing posted by ${who}`);
      return posted;
    }

    function expectClick(who: Person, verb: string, extra: Record<string, unknown> = {}): PostedByClient {
      const click = lastPosted(who);
      expect(click.activity).toMatchObject({
        type: 'message',
        channelId: 'webchat',
        from: { id: PEOPLE[who].id, role: 'user' },
        value: { verb, ref: expect.stringMatching(/^[\w-]{10,64}$/), ...extra },
        channelData: { postBack: true },
      });
      expect(click.activity.text).toBeUndefined();
      expect(click.activity.replyToId).toBeUndefined();
      return click;
    }

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'pindesk-webchat-'));
      // The embedded default: demo directory, SQLite in a temp DATA_DIR, no credentials (so the
      // webchat channel's from.id is believed, as in the Emulator). Ken asks three times below.
      app = await startApp(loadConfig({ DATA_DIR: path.join(dir, 'data'), PORT: '0', LOG_LEVEL: 'warn', REQUESTS_PER_DAY: '10' }));
      standIn = await new DirectLineStandIn(`${app.url}/api/messages`, BUNDLES).start();
      for (const who of Object.keys(PEOPLE) as Person[]) {
        pages[who] = await openWebChat(browser, standIn.pageUrl(version, PEOPLE[who], conversationOf(who)));
        await standIn.join(conversationOf(who), PEOPLE[who]);
        await message(page(who), /I.m PinDesk/).waitFor();
      }
    }, 60_000);

    afterAll(async () => {
      for (const opened of Object.values(pages)) await opened.page.context().close();
      await standIn?.stop();
      await app?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('Pilar: set pin → a card without the PIN → Reveal → a valid PIN, same card → Hide → gone', async () => {
      const pilar = page('pilar');
      await say(pilar, 'set pin Ken Myer');
      const result = card(pilar, 'PIN set for Ken Myer');
      await result.getByRole('button', { name: 'Reveal PIN' }).waitFor();
      expect(await result.innerText()).toContain('PIN hidden');
      expect(await result.innerText()).not.toMatch(PIN_ON_CARD);
      const posted = standIn.sent.filter((s) => s.conversationId === conversationOf('pilar') && s.kind === 'send').at(-1)!;
      await screenshot('pilar', 'set-pin-hidden');

      await result.getByRole('button', { name: 'Reveal PIN' }).click();
      await result.getByRole('button', { name: 'Hide PIN' }).waitFor();
      const pin = expectValidPin(PIN_ON_CARD.exec(await result.innerText())?.[1]);
      // Updated in place: one card, the one PinDesk posted, now with the PIN.
      expect(await pilar.locator('.ac-adaptiveCard', { hasText: 'PIN set for Ken Myer' }).count()).toBe(1);
      expect(Object.keys(expectClick('pilar', Verbs.reveal).activity.value).sort()).toEqual(['ref', 'verb']);
      const update = standIn.sent.at(-1)!;
      expect(update).toMatchObject({ kind: 'update', conversationId: conversationOf('pilar'), activityId: posted.activityId });
      await screenshot('pilar', 'set-pin-revealed');

      await result.getByRole('button', { name: 'Hide PIN' }).click();
      await result.getByRole('button', { name: 'Reveal PIN' }).waitFor();
      expect(await result.innerText()).not.toContain(pin);
      expect(await pilar.locator('body').innerText()).not.toContain(pin);
      expectClick('pilar', Verbs.hide);
      await screenshot('pilar', 'set-pin-hidden-again');
    });

    it('Pilar: set pin Ken → a picker of three → Choose Ken Myer → the result; the picker is used up', async () => {
      const pilar = page('pilar');
      await say(pilar, 'set pin Ken');
      const picker = card(pilar, /Several users match .Ken./);
      await picker.getByRole('button', { name: 'Choose Kendra Sato' }).waitFor();
      for (const name of ['Ken Myer', 'Ken Meyer', 'Kendra Sato']) await expect(picker.getByRole('button', { name: `Choose ${name}` }).count()).resolves.toBe(1);
      await screenshot('pilar', 'picker');

      await picker.getByRole('button', { name: 'Choose Ken Myer' }).click();
      await card(pilar, 'Done for Ken Myer: the result is below.').waitFor();
      expect(await pilar.locator('.ac-adaptiveCard', { hasText: 'Several users match' }).count()).toBe(0);
      expectClick('pilar', Verbs.choose, { choice: expect.any(Number) });
      const result = card(pilar, 'PIN set for Ken Myer');
      await result.getByRole('button', { name: 'Reveal PIN' }).click();
      expectValidPin(PIN_ON_CARD.exec(await result.getByRole('button', { name: 'Hide PIN' }).waitFor().then(() => result.innerText()))?.[1]);
      await screenshot('pilar', 'picker-chosen-revealed', result);
    });

    it('Pilar: lock pin kmyer, set pin kmyer → refused with Unlock and set → pressed → the PIN card', async () => {
      const pilar = page('pilar');
      await say(pilar, 'lock pin kmyer');
      await card(pilar, 'PIN locked for Ken Myer').waitFor();
      await say(pilar, 'set pin kmyer');
      const refusal = card(pilar, LOCKED);
      await refusal.getByRole('button', { name: 'Unlock and set' }).waitFor();
      expect(await refusal.innerText()).toContain('If the PIN is locked, you must unlock the PIN before you can set it.');
      await screenshot('pilar', 'locked-refusal');

      await refusal.getByRole('button', { name: 'Unlock and set' }).click();
      const result = card(pilar, 'PIN unlocked and set for Ken Myer');
      await result.getByRole('button', { name: 'Reveal PIN' }).waitFor();
      expectClick('pilar', Verbs.unlockAndSet);
      await expect(pilar.locator('.ac-adaptiveCard', { hasText: LOCKED }).count()).resolves.toBe(0);
      await result.getByRole('button', { name: 'Reveal PIN' }).click();
      await result.getByRole('button', { name: 'Hide PIN' }).waitFor();
      expectValidPin(PIN_ON_CARD.exec(await result.innerText())?.[1]);
      await screenshot('pilar', 'unlock-and-set-revealed', result);
    });

    it('Pilar: find user Smith → a button per user and action → Set PIN for Jeff Smith; the list stays', async () => {
      const pilar = page('pilar');
      await say(pilar, 'find user Smith');
      const found = card(pilar, /users match .Smith./);
      const jeff = found.locator('.ac-container', { hasText: 'Jeff Smith' }).last();
      await jeff.getByRole('button', { name: 'Set PIN' }).waitFor();
      expect(await found.innerText()).toContain('Alice Smith');
      await screenshot('pilar', 'find-user', found);

      await jeff.getByRole('button', { name: 'Set PIN' }).click();
      const result = card(pilar, 'PIN set for Jeff Smith');
      await result.getByRole('button', { name: 'Reveal PIN' }).waitFor();
      expectClick('pilar', Verbs.act, { act: 'set-pin', choice: expect.any(Number) });
      expect(await found.getByRole('button', { name: 'Set PIN' }).count()).toBe(2);
      await screenshot('pilar', 'find-user-set-pin', result);
    });

    it('Ken (no admin role): set pin Pilar Ackerman is refused, naming the role', async () => {
      await say(page('ken'), 'set pin Pilar Ackerman');
      await message(page('ken'), /You can.t set PINs: that needs CsAdministrator or CsUserAdministrator/).waitFor();
      expect(await page('ken').locator('.ac-adaptiveCard').count()).toBe(0);
      await screenshot('ken', 'refused-without-role');
    });

    it('self-service: Ken asks, Anne approves in her conversation, Ken reveals his PIN (Anne never sees it)', async () => {
      const [anne, ken] = [page('anne'), page('ken')];
      await say(anne, 'approvals here');
      await message(anne, 'Approval requests will be posted in this conversation.').waitFor();

      await say(ken, 'reset my pin - new phone');
      const request = card(ken, 'Your request to reset your dial-in PIN');
      await request.getByRole('button', { name: 'Cancel request' }).waitFor();
      expect(await request.innerText()).toContain('Waiting for approval');
      await screenshot('ken', 'request-pending');

      const approval = card(anne, 'Ken Myer asks to reset their dial-in PIN');
      await approval.getByRole('button', { name: 'Approve' }).waitFor();
      expect(await approval.innerText()).toContain('new phone');
      await screenshot('anne', 'approval-card');
      await approval.getByRole('button', { name: 'Approve' }).click();
      await approval.getByText(/Approved by Anne Wallace at/).waitFor();
      expect(await approval.getByRole('button').count()).toBe(0);
      await message(anne, /Request from Ken Myer: Approved by Anne Wallace/).waitFor();
      expect(Object.keys(expectClick('anne', Verbs.approve).activity.value).sort()).toEqual(['ref', 'verb']);
      await screenshot('anne', 'approved');

      await request.getByText(/Approved by Anne Wallace at/).waitFor();
      const pinCard = card(ken, 'Your new dial-in PIN');
      await pinCard.getByRole('button', { name: 'Reveal PIN' }).click();
      await pinCard.getByRole('button', { name: 'Hide PIN' }).waitFor();
      const pin = expectValidPin(PIN_ON_CARD.exec(await pinCard.innerText())?.[1]);
      expectClick('ken', Verbs.reveal);
      expect(await anne.locator('body').innerText()).not.toContain(pin);
      expect(JSON.stringify(standIn.sent.filter((s) => s.conversationId === conversationOf('anne')))).not.toContain(pin);
      await screenshot('ken', 'requester-revealed');
    });

    it('self-service: Anne denies with a reason typed into the card; Ken cancels another request', async () => {
      const [anne, ken] = [page('anne'), page('ken')];
      await say(ken, 'reset my pin - forgot it');
      const approval = card(anne, /Ken Myer asks to reset their dial-in PIN[\s\S]*forgot it/);
      await approval.getByRole('button', { name: 'Deny' }).waitFor();
      await approval.getByPlaceholder('Reason for denying (optional)').pressSequentially('call the helpdesk, please');
      await approval.getByRole('button', { name: 'Deny' }).click();
      await approval.getByText('Denied by Anne Wallace').waitFor();
      expectClick('anne', Verbs.deny, { note: 'call the helpdesk, please' });
      await message(ken, /Your request was denied by Anne Wallace: call the helpdesk, please/).waitFor();
      await card(ken, /Your request to reset[\s\S]*forgot it/).getByText(/Denied by Anne Wallace/).waitFor();
      await screenshot('anne', 'denied');
      await screenshot('ken', 'denied');

      await say(ken, 'reset my pin - just checking');
      const request = card(ken, /Your request to reset[\s\S]*just checking/);
      await request.getByRole('button', { name: 'Cancel request' }).click();
      await request.getByText(/Cancelled by the requester/).waitFor();
      expectClick('ken', Verbs.cancel);
      await card(anne, /Ken Myer asks[\s\S]*just checking/).getByText(/Cancelled by the requester/).waitFor();
      await screenshot('ken', 'cancelled');
    });

    it('nothing went wrong on the way: no console errors or warnings, no request outside loopback, every bot turn answered 200', () => {
      for (const who of Object.keys(PEOPLE) as Person[]) {
        expect(pages[who].console, who).toEqual([]);
        expect(pages[who].blocked, who).toEqual([]);
      }
      expect(standIn.problems).toEqual([]);
    });
  });
});
