/** The sign-in screen as a clinician meets it, in Chromium through the browser host. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { accessibilityViolations, snapshotAtSizes } from './clinician-page';

let host: HostProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  host = await startHostProcess();
  browser = await launchChromium();
  // A context of its own: axe-core's Playwright builder needs one.
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(host.url);
  // isVisible() does not wait: let React paint the form before the first assertion.
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
});

afterAll(async () => {
  await browser.close();
  await host.stop();
});

describe('sign-in screen', () => {
  it('on the embedded demo server, says where the demo accounts are', async () => {
    const note = page.getByRole('complementary', { name: 'Demo accounts' });
    await note.waitFor();
    await expect(note.innerText()).resolves.toContain('npm run demo:code');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });

  it('shows labelled User ID and Password fields and a Sign in button', async () => {
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('User ID').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Password').getAttribute('type')).resolves.toBe('password');
    await expect(page.getByRole('button', { name: 'Sign in' }).isEnabled()).resolves.toBe(true);
  });

  it('has banner, main and contentinfo landmarks and a generic title', async () => {
    for (const role of ['banner', 'main', 'contentinfo'] as const) {
      await expect(page.getByRole(role).count(), role).resolves.toBe(1);
    }
    await expect(page.title()).resolves.toBe('Wardline');
  });

  it('asks for both fields before calling main', async () => {
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toBe('Enter your user ID and password.');
  });

  it('answers a wrong password with the fixed message, keeps the user ID and clears the password', async () => {
    await page.getByLabel('User ID').fill('nurse.adams');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'That user ID and password did not match' }).waitFor();
    await expect(page.getByLabel('User ID').inputValue()).resolves.toBe('nurse.adams');
    await expect(page.getByLabel('Password').inputValue()).resolves.toBe('');
  });

  it('starts in the User ID field and moves through the form by keyboard alone', async () => {
    await page.reload();
    await page.getByLabel('User ID').waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
    await expect(focused()).resolves.toBe('user-id');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('password');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('Sign in');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await expect(focused()).resolves.toBe('Skip to main content');
  });

  it('reports the app info of the browser host', async () => {
    const info = await page.evaluate(() => window.wardline!.app.getInfo());
    expect(info).toEqual({
      ok: true,
      value: { name: 'Wardline', version: '0.1.0', host: 'browser-host', environment: 'development' },
    });
  });
});

describe('first sign-in with an enrollment code', () => {
  it('is offered from the sign-in form and checks the new password before calling main', async () => {
    await page.reload();
    await page.getByRole('button', { name: 'Use an enrollment code' }).click();
    await page.getByRole('heading', { name: 'First sign-in' }).waitFor();
    await expect(page.getByLabel('User ID').evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.getByLabel('User ID').fill('nurse.new');
    await page.getByLabel('Enrollment code').fill('k7qm-3xpd-0a1b-2c3d-4e5f');
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('short');
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toBe('Choose a password of at least 12 characters.');
    await page.getByLabel('New password', { exact: true }).fill('a long enough passphrase');
    await page.getByLabel('New password again').fill('a long enough passphrase, not');
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toBe(
      'The two passwords are not the same. Type them again.',
    );
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshotAtSizes(page, 'first-sign-in');
  });

  it('answers a code that is not one with the fixed message, clears both passwords, and goes back', async () => {
    await page.getByLabel('New password', { exact: true }).fill('a long enough passphrase');
    await page.getByLabel('New password again').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    await page.getByRole('alert').filter({ hasText: 'That enrollment code did not work' }).waitFor();
    await expect(page.getByLabel('New password', { exact: true }).inputValue()).resolves.toBe('');
    await expect(page.getByLabel('New password again').inputValue()).resolves.toBe('');
    await page.getByRole('button', { name: 'Back to sign-in' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});
