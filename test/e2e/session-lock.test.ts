/**
 * A nurse walks away from a shared ward workstation mid-conversation. Real server, a real
 * browser host running the core under a short idle policy, and Chromium: after the idle
 * period the page holds no message text and no name, the PIN brings the thread back, and a
 * physician switching in sees only their own conversations while the nurse's vault is closed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import { OPEN_VAULTS_PATH } from '../../main/browser-host/browser-host';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { createUser, freshTotpCode, startTestServer, type TestServer, type TestUser } from '../support/server-fixtures';
import { startTcpRelay, type TcpRelay } from '../support/tcp-relay';
import {
  accessibilityViolations,
  openClinicianPage,
  signInWithCode,
  snapshot,
  snapshotAtSizes,
  type ClinicianPage,
} from './clinician-page';

const TEXT = 'Bay 2 bed 6: BP 88/50, repeat obs in 15 min and call if below 85 systolic.';
const PIN = '2468';

let target: TestServer;
let nurse: TestUser;
let registrar: TestUser;
let doctor: TestUser;
let host: HostProcess;
let broken: HostProcess;
/** A host that reaches the server over a slow link (the relay holds each answer back). */
let slow: HostProcess;
let slowLink: TcpRelay;
let browser: Browser;
let ward: ClinicianPage;

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  nurse = await createUser(target, {
    userId: 'nurse.okoro',
    displayName: 'Ada Okoro',
    role: 'nurse',
    department: 'Ward 7',
    title: 'Charge Nurse',
  });
  registrar = await createUser(target, {
    userId: 'dr.silva',
    displayName: 'Dr. Marta Silva',
    role: 'physician',
    department: 'Acute Medicine',
    title: 'Registrar',
  });
  doctor = await createUser(target, {
    userId: 'dr.wong',
    displayName: 'Dr. Lee Wong',
    role: 'physician',
    department: 'Surgery',
    title: 'Consultant',
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wardline-policy-'));
  const policy = path.join(dir, 'policy.json');
  writeFileSync(
    policy,
    JSON.stringify({
      idleLockSeconds: 8,
      autoLogoffSeconds: 600,
      pinMinLength: 4,
      // RFC 7748's X25519 public key for Alice, as the hospital's archive key.
      archivePublicKey: 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=',
      archiveKeyFingerprint: '300c9c9603b92a4b39ed3958bf9240114804db4fd373012c0ca47432d63425ae',
    }),
  );
  const invalid = path.join(dir, 'invalid.json');
  writeFileSync(invalid, JSON.stringify({ idleLockSeconds: 8, notificationContent: 'everything' }));
  const serverArgs = ['--server', target.server.url, '--ca', target.server.caCertPath];
  slowLink = await startTcpRelay(target.server.url);
  [host, broken, slow] = await Promise.all([
    startHostProcess([...serverArgs, '--policy', policy]),
    startHostProcess([...serverArgs, '--policy', invalid]),
    startHostProcess(['--server', slowLink.url, '--ca', target.server.caCertPath]),
  ]);
  browser = await launchChromium();
  ward = await openClinicianPage(browser, host.url);
  // The registrar has signed in once somewhere, so the nurse can message them.
  const desk = await openClinicianPage(browser, host.url);
  await signInWithCode(desk.page, target, registrar);
  await desk.page.getByRole('button', { name: 'Sign out' }).click();
  await desk.page.getByRole('button', { name: 'Sign in' }).waitFor();
  await desk.page.context().close();
}, 120_000);

afterAll(async () => {
  await browser.close();
  await Promise.all([host.stop(), broken.stop(), slow.stop()]);
  await slowLink.close();
  await target.dispose();
}, 60_000);

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });

async function openVaults(page: Page): Promise<string[]> {
  const answer = await page.request.get(new URL(OPEN_VAULTS_PATH, host.url).toString());
  const body = (await answer.json()) as { openVaults: { userId: string | null }[] };
  return body.openVaults.map((vault) => vault.userId ?? '');
}

describe('a shared ward workstation', () => {
  it('offers a PIN after the first sign-in, and the nurse sets one', async () => {
    const { page } = ward;
    await signInWithCode(page, target, nurse);
    const offer = page.getByRole('region', { name: 'Choose an unlock PIN' });
    await offer.waitFor();
    await snapshot(page, 'pin-offer');
    // One line above the work; the form opens in a dialog.
    await offer.getByRole('button', { name: 'Set a PIN…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose an unlock PIN' });
    await dialog.getByLabel('New PIN').fill(PIN);
    await dialog.getByLabel('Repeat PIN').fill(PIN);
    await dialog.getByRole('button', { name: 'Set PIN' }).click();
    await offer.waitFor({ state: 'detached' });
    await expect(dialog.count()).resolves.toBe(0);
  });

  it('locks itself when idle, after a countdown, leaving no PHI in the page', async () => {
    const { page } = ward;
    await page.getByRole('button', { name: 'New message' }).click();
    await page.getByRole('combobox', { name: 'To' }).fill('Silva');
    await page.getByRole('option', { name: /Marta Silva/ }).click();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(TEXT);
    await page.getByRole('button', { name: 'Send' }).click();
    await log(page).getByText(TEXT).waitFor({ timeout: 30_000 });

    // Hands off: the countdown shows, then the lock screen.
    await page.getByRole('alertdialog', { name: 'Locking soon' }).waitFor({ timeout: 20_000 });
    await snapshot(page, 'lock-countdown');
    await page.getByRole('heading', { name: 'Locked' }).waitFor({ timeout: 20_000 });
    await snapshot(page, 'locked');
    const html = await page.content();
    const tree = await page.locator('body').ariaSnapshot();
    for (const secret of [TEXT, 'BP 88/50', 'Marta Silva', 'Ada Okoro', 'Silva', 'Okoro']) {
      expect(html).not.toContain(secret);
      expect(tree).not.toContain(secret);
    }
    expect(await page.title()).toBe('Wardline');
    await expect(page.getByRole('button', { name: 'Unlock' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Switch user' }).isVisible()).resolves.toBe(true);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    // The screen drops PHI first and the vault closes just after it (session-service.ts).
    await expect.poll(() => openVaults(page), { timeout: 10_000 }).toEqual([]);
  });

  it('unlocks with the PIN and the thread is back', async () => {
    const { page } = ward;
    await page.getByLabel('PIN').fill('0000');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'PIN is not correct' }).waitFor();
    await page.getByLabel('PIN').fill(PIN);
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: /Marta Silva/ }).click();
    await log(page).getByText(TEXT).waitFor({ timeout: 30_000 });
    expect(await openVaults(page)).toEqual([nurse.userId]);
  });

  it('locks from the keyboard; Switch user lets a physician in, who sees only their own conversations', async () => {
    const { page } = ward;
    await page.keyboard.press('Control+Shift+L');
    await page.getByRole('heading', { name: 'Locked' }).waitFor();
    await page.getByRole('button', { name: 'Switch user' }).click();
    await signInWithCode(page, target, doctor);
    const list = page.getByRole('listbox', { name: 'Conversations' });
    await expect(list.getByRole('option').count()).resolves.toBe(0);
    expect(await page.content()).not.toContain(TEXT);
    // The nurse's vault is closed; only the physician's is open.
    expect(await openVaults(page)).toEqual([doctor.userId]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expect.poll(() => openVaults(page), { timeout: 10_000 }).toEqual([]);
  });

  it('gives the nurse their conversation back at their next sign-in', async () => {
    const { page } = ward;
    await signInWithCode(page, target, nurse);
    await page.getByRole('option', { name: /Marta Silva/ }).click();
    await log(page).getByText(TEXT).waitFor({ timeout: 30_000 });
  });

  it('shows the policy in force, read-only, in Settings', async () => {
    const { page } = ward;
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('region', { name: 'Settings' });
    await settings.getByText('Lock after idle').waitFor();
    await expect(settings.getByText('8 s', { exact: true }).isVisible()).resolves.toBe(true);
    await settings.getByRole('region', { name: 'Where you are signed in' }).getByText('(this workstation)').waitFor();
    // Read-only: the policy is a list of terms and values, nothing to edit.
    await expect(settings.locator('dl input, dl select, dl button').count()).resolves.toBe(0);
    // The HIPAA self-test of this policy: a 4-digit PIN weakens authentication, and no server
    // is pinned by policy (the browser host's --server is not policy).
    const safeguards = settings.getByRole('region', { name: 'HIPAA safeguards under this policy' });
    const safeguard = (title: string) => safeguards.getByRole('listitem').filter({ hasText: title }).first();
    await expect(safeguard('Automatic logoff').textContent()).resolves.toMatch(/^Met/);
    await expect(safeguard('Person or entity authentication').textContent()).resolves.toMatch(
      /^Weakened.*PINs may have fewer than 6 digits/,
    );
    await expect(safeguard('Transmission security').textContent()).resolves.toMatch(/^Off/);
    // Policy names an archive key: the clinician is told, in words, with its fingerprint.
    const archive = settings.getByRole('region', { name: 'Message archive' });
    await archive.getByText('Your hospital can read your messages for eDiscovery', { exact: false }).waitFor();
    await archive
      .getByText('300c 9c96 03b9 2a4b 39ed 3958 bf92 4011 4804 db4f d373 012c 0ca4 7432 d634 25ae', { exact: true })
      .waitFor();
    await snapshotAtSizes(page, 'settings');
    await safeguards.scrollIntoViewIfNeeded();
    await snapshotAtSizes(page, 'settings-safeguards');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await settings.getByRole('button', { name: 'Close settings' }).click();
  });
});

describe('a sign-in that takes more than a second', () => {
  it('says which step it is at, in a live region, and nothing once the step has ended', async () => {
    const { page } = await openClinicianPage(browser, slow.url);
    const progress = page.getByRole('status').filter({ hasText: /Checking|Unlocking|Opening/ });
    // Each answer from the server is held back 1.5 s: the password step takes over a second.
    slowLink.delay(1500);
    await page.getByLabel('User ID').fill(registrar.userId);
    await page.getByLabel('Password').fill(registrar.password);
    await page.keyboard.press('Enter');
    await progress.filter({ hasText: 'Checking your password…' }).waitFor({ timeout: 10_000 });
    await snapshot(page, 'sign-in-progress');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await page.getByLabel('Authentication code').waitFor({ timeout: 30_000 });
    // Nothing said once the step has ended.
    await expect(progress.count()).resolves.toBe(0);

    await page.getByLabel('Authentication code').fill(freshTotpCode(target, registrar));
    await page.keyboard.press('Enter');
    await progress
      .filter({ hasText: /Checking your code…|Unlocking your encryption keys…|Opening your messages…/ })
      .waitFor({
        timeout: 10_000,
      });
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor({ timeout: 30_000 });
    await expect(progress.count()).resolves.toBe(0);

    slowLink.delay(0);
    await page.context().close();
  });
});

describe('an invalid policy', () => {
  it('shows why on an error screen, and offers no sign-in', async () => {
    const page = (await openPage(browser, broken.url)).page;
    await page
      .getByRole('heading', { name: 'Wardline cannot be used on this workstation' })
      .waitFor({ timeout: 30_000 });
    await expect(page.getByText('notificationContent').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Sign in' }).count()).resolves.toBe(0);
    await expect(page.getByLabel('Password').count()).resolves.toBe(0);
    await snapshot(page, 'policy-invalid');
  });
});

/** A page that does not wait for the sign-in form (there is none under an invalid policy). */
async function openPage(chromium: Browser, url: string): Promise<{ page: Page }> {
  const context = await chromium.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(url);
  return { page };
}
