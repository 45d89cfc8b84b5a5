// Real Web Chat pages in headless Chromium, used as a person uses them: type in the send box,
// press Enter, wait for the card, press its buttons, read what is shown. Each page keeps what
// Web Chat wrote to the console and every request it tried outside loopback (all blocked).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../../src/config.js';

export const WEBCHAT_ARTIFACTS = path.join(PACKAGE_ROOT, 'test-artifacts', 'webchat');

export interface WebChatPage {
  page: Page;
  /** Console errors and warnings, and page errors. */
  console: string[];
  /** Requests to anywhere but loopback (aborted: no CDN, no network). */
  blocked: string[];
}

export async function openWebChat(browser: Browser, url: string): Promise<WebChatPage> {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
  const page = await context.newPage();
  const opened: WebChatPage = { page, console: [], blocked: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') opened.console.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => opened.console.push(`pageerror: ${error.message}`));
  await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
    opened.blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  await sendBox(page).waitFor({ timeout: 20_000 });
  return opened;
}

/** Web Chat's send box: an input in 4.15, a textarea in newer versions; both a textbox by role. */
export function sendBox(page: Page) {
  return page.getByRole('textbox').last();
}

/** Types into the send box and sends with Enter, as a person would. */
export async function say(page: Page, text: string): Promise<void> {
  const box = sendBox(page);
  await box.click();
  await box.pressSequentially(text);
  await page.keyboard.press('Enter');
}

/** A screenshot per step: test-artifacts/webchat/<version>/NN-name.png (ignored by git). */
export function screenshots(version: string): (page: Page, name: string) => Promise<string> {
  const dir = path.join(WEBCHAT_ARTIFACTS, version);
  let shot = 0;
  return async (page, name) => {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${String(++shot).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file });
    return file;
  };
}
