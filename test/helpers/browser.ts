import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/*
 * Browser tests drive Debian's Chromium (never a downloaded browser) through playwright-core.
 * A missing browser or an unbuilt console is a test FAILURE with a clear message, never a skip.
 */

export const CHROMIUM_PATH = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOT_DIR = join(ROOT, 'test-results');
export const CONSOLE_INDEX = join(ROOT, 'web/dist/index.html');

/**
 * Launches headless Chromium from `/usr/bin/chromium` (or `SLUICE_CHROMIUM`).
 * @example const browser = await launchChromium(); … await browser.close();
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is required for the console browser tests and was not found at ${CHROMIUM_PATH}. ` +
        `Install Debian's package (apt-get install -y chromium) or set SLUICE_CHROMIUM to its path.`,
    );
  }
  if (!existsSync(CONSOLE_INDEX)) {
    throw new Error(`The console is not built (${CONSOLE_INDEX} is missing): run \`npm run build:web\` before the browser tests.`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** A fresh, cookie-less browser context at laptop width, in a fixed timezone, allowed to use the clipboard. */
export async function newContext(browser: Browser, baseURL: string, timezoneId = 'America/New_York'): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 860 }, timezoneId, locale: 'en-US' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  return context;
}

/** Saves a full-page screenshot as `test-results/<name>.png` (gitignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // A full-page capture of a scrolled page would paint the sticky header mid-page.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

/**
 * Opens `hash` as a fresh page: first My data, waited for, then `hash`. Two hash navigations in a row
 * can reach the page as one (the first hashchange fires after the second URL is set), which would keep
 * the wizard mounted at the step it was on instead of starting it again.
 */
export async function openFresh(page: Page, hash: string): Promise<void> {
  await showMyData(page);
  await page.goto(hash);
}

/** Goes to My data and waits until it is drawn (a page to leave from; see openFresh). */
export async function showMyData(page: Page): Promise<void> {
  await page.goto('/#/my-data');
  await page.getByTestId('download-my-data').waitFor();
}

/** Signs in through the login form and waits for the header. */
export async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/#/new');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('whoami').waitFor();
}

/** Fetches a same-origin URL from inside the page (with its session cookie), following redirects. */
export async function fetchInPage(page: Page, url: string): Promise<{ status: number; contentType: string | null; disposition: string | null; text: string }> {
  return page.evaluate(async (u) => {
    const res = await fetch(u, { credentials: 'same-origin' });
    return { status: res.status, contentType: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text: await res.text() };
  }, url);
}
