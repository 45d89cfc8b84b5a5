// Headless Chromium (Debian's) driven by playwright-core, as a person uses a page: type, wait,
// press, read. Screenshots go to test-artifacts/ (ignored by git) so a failure can be looked at.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/config.js';
import { requireBinary } from './ldap/tools.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(PACKAGE_ROOT, 'test-artifacts', 'playground');

export const chromiumAvailable = () => requireBinary(CHROMIUM, 'chromium');

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Opens the Playground page (it takes a few seconds) with its font downloads blocked: no network here. */
export async function openPlayground(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (route) => route.abort());
  await page.goto(url, { waitUntil: 'load' });
  await page.getByRole('textbox').first().waitFor({ timeout: 30_000 });
  return page;
}

export async function openConversation(page: Page, label: 'Personal Chat' | 'Group Chat' | `Helpdesk - ${string}`): Promise<void> {
  await page.locator(`[aria-label="${label}"]`).click();
  await page.getByRole('textbox').first().waitFor();
}

/** Types into the compose box and sends, as a person would; `@PinDesk` is picked from the mention list. */
export async function say(page: Page, text: string, options: { mention?: boolean } = {}): Promise<void> {
  const box = page.getByRole('textbox').last();
  await box.click();
  if (options.mention) {
    await page.keyboard.type('@PinD');
    await page.getByRole('menuitem', { name: 'PinDesk' }).click();
    await page.keyboard.type(' ');
  }
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

export function card(page: Page, text: string | RegExp): Locator {
  return page.locator('.ac-adaptiveCard', { hasText: text }).last();
}

export function message(page: Page, text: string | RegExp): Locator {
  return page.getByText(text).last();
}

let shot = 0;
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
