/**
 * A clinician at a workstation, in Chromium through a real browser host: signs in through the
 * screens (password, then the authenticator code), and records any CSP violation the page hits.
 */
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freshTotpCode, type TestServer, type TestUser } from '../support/server-fixtures';

export interface ClinicianPage {
  readonly page: Page;
  /** CSP violations reported in the page, as `directive source:line`. */
  violations(): Promise<string[]>;
}

/**
 * The host's cookie, by the one-time address that earned it. The address opens the app once
 * (main/browser-host/host-token.ts); a further page of the same host gets the cookie, as a
 * second tab of the same browser would, and opens the address without its token.
 */
const earned = new Map<string, Awaited<ReturnType<BrowserContext['cookies']>>>();

export async function openClinicianPage(browser: Browser, url: string): Promise<ClinicianPage> {
  // A context per page: what axe-core's runner expects.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const cookies = earned.get(url);
  if (cookies !== undefined) await context.addCookies(cookies);
  const page = await context.newPage();
  await page.addInitScript(() => {
    const seen: string[] = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.violatedDirective} ${event.sourceFile}:${String(event.lineNumber)}`);
    });
  });
  await page.goto(cookies === undefined ? url : new URL('/', url).toString());
  if (cookies === undefined) earned.set(url, await context.cookies());
  await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 60_000 });
  return {
    page,
    violations: () =>
      page.evaluate(() => [...((window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])]),
  };
}

/** Password step; answers the heading of whatever screen comes next. */
export async function submitPassword(page: Page, user: Pick<TestUser, 'userId' | 'password'>): Promise<void> {
  await page.getByLabel('User ID').fill(user.userId);
  await page.getByLabel('Password').fill(user.password);
  await page.keyboard.press('Enter');
  await page.getByLabel('Authentication code').waitFor({ timeout: 30_000 });
}

export async function signInWithCode(page: Page, target: TestServer, user: TestUser): Promise<void> {
  await submitPassword(page, user);
  await page.getByLabel('Authentication code').fill(freshTotpCode(target, user));
  await page.keyboard.press('Enter');
  await page.getByRole('listbox', { name: 'Conversations' }).waitFor({ timeout: 30_000 });
}

/** The element that has focus: a button by its text, anything else by its id. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (element === null) return '';
    if (element.tagName === 'BUTTON') return element.getAttribute('aria-label') ?? element.textContent.trim();
    return element.id || element.tagName;
  });
}

/** With WARDLINE_E2E_SCREENSHOTS=<dir>, saves a screenshot for a person to look at; else nothing. */
export async function snapshot(page: Page, name: string): Promise<void> {
  const dir = process.env.WARDLINE_E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

/** The ward PC's common resolution and a full-HD desk; a screen must read well at both. */
export const SCREEN_SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

/** `snapshot` at each of SCREEN_SIZES (then back to the first). */
export async function snapshotAtSizes(page: Page, name: string): Promise<void> {
  if (!process.env.WARDLINE_E2E_SCREENSHOTS) return;
  for (const size of SCREEN_SIZES) {
    await page.setViewportSize(size);
    await snapshot(page, `${name}-${String(size.width)}x${String(size.height)}`);
  }
  await page.setViewportSize(SCREEN_SIZES[0]);
}

/** WCAG 2.1 A and AA violations axe-core finds on the page as it is now, one line each. */
/** WCAG 2.1 A and AA violations on the page, or only within `include` (a CSS selector). */
export async function accessibilityViolations(page: Page, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  const result = await (include === undefined ? builder : builder.include(include)).analyze();
  return result.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
}
