// Launches Debian's Chromium through playwright-core for browser tests (no downloaded browser, no network).
import { existsSync } from 'node:fs';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Quiet, offline flags: no GPU, no QUIC, no first-run, background networking, component updates or sync, so the
 * browser talks only to the test's own server. Playwright itself adds a fresh temporary --user-data-dir per launch
 * (it refuses the flag in args) and removes it on close.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (.ci/run does this)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface PageProbe {
  context: BrowserContext;
  page: Page;
  /** Browser console errors, page errors and dialogs seen so far (a dialog would mean injected script ran). */
  errors: string[];
  dialogs: string[];
}

/** A fresh context and page that records console errors, uncaught page errors and dialogs (dismissing them). */
export async function openProbedPage(browser: Browser): Promise<PageProbe> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return { context, page, errors, dialogs };
}

/** The page's own display formatting (public/assets/format.js), to state what a figure must look like on the page. */
export interface DashboardFormat {
  count(n: unknown): string;
  percent(p: unknown): string;
  ratio(r: unknown): string;
  units(units: unknown, decimals: unknown): string;
  ms(n: unknown): string;
  clock(t: number | string | Date): string;
  dateTime(t: number | string | Date): string;
}

export const dashboardFormat = require('../../public/assets/format.js') as DashboardFormat;
