/// <reference lib="dom" />
/** The console's page in a real Chromium (playwright-core): launching, opening, its controls. */
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ConsoleServer } from './console-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type Db = number | null;
export const dbOf = (v: Db): number => v ?? -Infinity;
export interface InputState {
  id: number;
  name: string;
  gainDb: Db;
  pan: number;
  muted: boolean;
  solo: boolean;
  eq: { enabled: boolean; low: number; mid: number; high: number };
  compressor: { enabled: boolean; thresholdDb: number; ratio: number };
}

export async function launch(): Promise<Browser> {
  // The jest process runs with the real-time guard preloaded; the browser has no business with it.
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  return chromium.launch({ executablePath: CHROMIUM, env, args: ['--no-sandbox'] });
}

/** Opens the console in a new page once it is connected and shows its strips; script errors go to `errors`. */
export async function openConsole(
  browser: Browser,
  server: ConsoleServer,
  errors: string[],
  viewport = { width: 1100, height: 720 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(server.url);
  await page.waitForSelector('#conn[data-state="open"]', { timeout: 30000 });
  await page.waitForSelector('.strip[data-id]', { timeout: 30000 });
  return page;
}

export const strip = (page: Page, id: number) => page.locator(`.strip[data-id="${id}"]`);
export const control = (page: Page, id: number, param: string) => strip(page, id).locator(`[data-param="${param}"]`);

/** Waits until a page shows an attribute value (the broadcast state has reached it). */
export async function shows(page: Page, selector: string, attr: string, value: string): Promise<void> {
  await page.waitForFunction(
    ([s, a, v]) => {
      const el = document.querySelector(s!);
      return el !== null && (a === 'value' ? (el as HTMLInputElement).value === v : el.getAttribute(a!) === v);
    },
    [selector, attr, value],
    { timeout: 30000, polling: 50 },
  );
}

export async function setMuted(page: Page, id: number, muted: boolean): Promise<void> {
  if ((await control(page, id, 'muted').getAttribute('aria-pressed')) !== String(muted)) await control(page, id, 'muted').click();
  await shows(page, `.strip[data-id="${id}"] [data-param="muted"]`, 'aria-pressed', String(muted));
}

