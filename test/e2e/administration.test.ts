/**
 * The Administration view as the IT admin meets it: a real server, a browser host running the
 * real core, and Chromium driving the screens by role and label. The admin signs in, finds a
 * physician locked out by failed sign-ins and unlocks her, deactivates a nurse signed in at two
 * workstations (the server asks for the password and a code again, in a dialog, and a wrong
 * password is refused there), reactivates her, ends one session, and finds each action in Recent
 * actions, read back from the server's audit trail. Axe runs on every state; with
 * WARDLINE_E2E_SCREENSHOTS=<dir> each state is saved at 1366×768 and 1920×1080.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_THROTTLE } from '../../server/accounts/attempt-throttle';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import { REAUTHENTICATION_WINDOW_MS } from '../../shared/protocol/route-spec';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import {
  createUser,
  freshTotpCode,
  loginProof,
  newDevice,
  signIn as apiSignIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../support/server-fixtures';
import {
  accessibilityViolations,
  focused,
  openClinicianPage,
  submitPassword,
  type ClinicianPage,
} from './clinician-page';
import { CARDIOLOGIST, IT_ADMIN, openRecentActions } from './admin-page';

/** Failed sign-ins that lock an account on this server (production: 100). */
const LOCK_AFTER = 3;
const SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

let target: TestServer;
let admin: TestUser;
let nurse: TestUser;
let doctor: TestUser;
let host: HostProcess;
let browser: Browser;
let office: ClinicianPage;

beforeAll(async () => {
  target = await startTestServer('pglite', {
    accountKdf: DEFAULT_ACCOUNT_KDF,
    throttle: { account: { ...ACCOUNT_THROTTLE, freeFailures: LOCK_AFTER, hardLockAt: LOCK_AFTER } },
  });
  admin = await createUser(target, IT_ADMIN);
  nurse = await createUser(target, {
    userId: 'nurse.adams',
    displayName: 'Grace Adams',
    role: 'nurse',
    department: 'Cardiology Ward 4B',
    title: 'Registered Nurse',
  });
  doctor = await createUser(target, CARDIOLOGIST);
  for (const [userId, displayName, role, department, title] of [
    ['nurse.okafor', 'Ngozi Okafor', 'nurse', 'Renal Ward 9', 'Staff Nurse'],
    ['dr.mensah', 'Kofi Mensah', 'physician', 'Renal', 'Consultant Nephrologist'],
    ['desk.morgan', 'Rhys Morgan', 'front-desk', 'Outpatients Reception', 'Receptionist'],
    ['compliance.lee', 'Jin Lee', 'compliance-officer', 'Information Governance', 'Privacy Officer'],
    ['nurse.fitzgerald-ohare', 'Siobhan Fitzgerald-O’Hare', 'nurse', 'Paediatric Intensive Care Unit', 'Charge Nurse'],
  ] as const)
    await createUser(target, { userId, displayName, role, department, title });

  // The nurse is signed in at two workstations.
  await apiSignIn(target, nurse);
  nurse.device = await newDevice('Ward 7 nurses station');
  await apiSignIn(target, nurse);
  // The physician mistypes her password until the account locks.
  for (let attempt = 0; attempt < LOCK_AFTER; attempt += 1)
    await target.api.refused('login', {
      userId: doctor.userId,
      authKey: Buffer.alloc(32, 7).toString('base64'),
      device: { publicKey: doctor.device.publicKey, name: doctor.device.name },
      proof: await loginProof(doctor.device, doctor.userId, target.clock.now() + attempt),
    });
  expect((await target.server.admin.signInThrottle(doctor.userId))?.lockedAt).not.toBeNull();

  host = await startHostProcess(['--server', target.server.url, '--ca', target.server.caCertPath]);
  browser = await launchChromium();
  office = await openClinicianPage(browser, host.url);
  await office.page.setViewportSize(SIZES[0]);
}, 120_000);

afterAll(async () => {
  await browser.close();
  await host.stop();
  await target.dispose();
}, 60_000);

/** Saves what the admin sees now at each size, when asked to (WARDLINE_E2E_SCREENSHOTS). */
async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.WARDLINE_E2E_SCREENSHOTS;
  if (!dir) return;
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(dir, `admin-${name}-${String(size.width)}x${String(size.height)}.png`) });
  }
  await page.setViewportSize(SIZES[0]);
}

const peopleTable = (page: Page) => page.getByRole('grid', { name: 'People' });
const detail = (page: Page, name: string) => page.getByRole('region', { name });
const status = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text });

/** Searches, then opens the one person found: by keyboard (Tab past Search and New person into the table, Enter), or by a click. */
async function openPerson(page: Page, query: string, name: string, by: 'keyboard' | 'mouse' = 'mouse'): Promise<void> {
  const field = page.getByRole('searchbox', { name: 'Name or user ID' });
  await field.fill(query);
  await field.press('Enter');
  const row = peopleTable(page).getByRole('row', { name: new RegExp(name) });
  await row.waitFor({ timeout: 30_000 });
  await expect(peopleTable(page).locator('tbody tr').count()).resolves.toBe(1);
  if (by === 'mouse') await row.click();
  else {
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(row.evaluate((element) => element.contains(document.activeElement))).resolves.toBe(true);
    await page.keyboard.press('Enter');
  }
  await page.getByRole('heading', { level: 2, name }).waitFor({ timeout: 30_000 });
}

describe('the IT admin', () => {
  it('signs in to the Administration view, not messaging, and sees everyone', async () => {
    const { page } = office;
    await submitPassword(page, admin);
    await page.getByLabel('Authentication code').fill(freshTotpCode(target, admin));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor({ timeout: 30_000 });
    const offer = page.getByRole('region', { name: 'Choose an unlock PIN' });
    if ((await offer.count()) > 0) await offer.getByRole('button', { name: 'Not now' }).click();
    await expect(page.getByRole('listbox', { name: 'Conversations' }).count()).resolves.toBe(0);
    await expect(page.getByText('Messaging is not part of your role').count()).resolves.toBe(0);
    const tabs = page.getByRole('tablist', { name: 'Administration sections' }).getByRole('tab');
    await expect(tabs.allInnerTexts()).resolves.toEqual([
      'People',
      'Role addresses',
      'Workstations',
      'Templates',
      'Recent actions',
    ]);
    await expect(tabs.first().getAttribute('aria-selected')).resolves.toBe('true');
    await peopleTable(page)
      .getByRole('row', { name: /Anika Patel/ })
      .waitFor({ timeout: 30_000 });
    await expect(peopleTable(page).locator('tbody tr').count()).resolves.toBe(8);
    const locked = peopleTable(page).getByRole('row', { name: /Anika Patel/ });
    await expect(locked.innerText()).resolves.toMatch(
      /dr\.patel[\s\S]*Physician[\s\S]*Cardiology[\s\S]*Active[\s\S]*Locked/,
    );
    await shoot(page, 'people');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });

  it('moves between the sections by keyboard', async () => {
    const { page } = office;
    await page.getByRole('tab', { name: 'People' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('grid', { name: 'Role addresses' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('ArrowRight');
    await page.getByRole('grid', { name: 'Workstations' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('End');
    await page.getByRole('heading', { level: 2, name: 'Your recent actions' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Home');
    await peopleTable(page).waitFor();
  });

  it('finds the locked-out physician and unlocks her, with no re-authentication for that', async () => {
    const { page } = office;
    await openPerson(page, 'patel', 'Anika Patel', 'keyboard');
    const panel = detail(page, 'Anika Patel');
    await expect(panel.locator('.status-badge').allInnerTexts()).resolves.toEqual(['Active', 'Locked']);
    await panel.getByText('Not signed in anywhere now.').waitFor();
    await shoot(page, 'person-locked');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    await panel.getByRole('button', { name: 'Unlock sign-in' }).click();
    await status(page, 'Anika Patel’s sign-in is unlocked: their failed attempts were cleared.').waitFor({
      timeout: 30_000,
    });
    await expect(panel.locator('.status-badge').allInnerTexts()).resolves.toEqual(['Active']);
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    expect((await target.server.admin.signInThrottle(doctor.userId))?.lockedAt ?? null).toBeNull();
    await shoot(page, 'person-unlocked');
  });

  it('deactivates the nurse after confirming what happens and proving who they are, a wrong password first', async () => {
    const { page } = office;
    // The sign-in's proof ages past the window: the server will ask again.
    target.clock.advance(REAUTHENTICATION_WINDOW_MS + 10_000);
    await openPerson(page, 'adams', 'Grace Adams');
    const panel = detail(page, 'Grace Adams');
    const sessions = panel.getByRole('grid', { name: 'Live sessions of Grace Adams' });
    const ends = sessions.getByRole('button', { name: /^End session on / });
    await expect.poll(() => ends.count(), { timeout: 30_000 }).toBe(2);
    await expect(sessions.innerText()).resolves.toMatch(/Ward 7 nurses station[\s\S]*Ward 4B workstation/);
    await shoot(page, 'person-sessions');

    await panel.getByRole('button', { name: 'Deactivate…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Deactivate Grace Adams?' });
    await confirm.waitFor();
    await expect(confirm.innerText()).resolves.toContain(
      'Grace Adams (nurse.adams) is signed out of every workstation at once (2 live sessions end now) and cannot sign in again until an administrator reactivates the account.',
    );
    // The safe choice has focus.
    await expect(focused(page)).resolves.toBe('Cancel');
    await shoot(page, 'confirm-deactivate');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await confirm.getByRole('button', { name: 'Deactivate account' }).click();

    const prove = page.getByRole('dialog', { name: 'Confirm it is you' });
    await prove.waitFor({ timeout: 30_000 });
    await expect(focused(page)).resolves.not.toBe('');
    await shoot(page, 'reauthenticate');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await prove.getByLabel('Password').fill(`${admin.password}-not`);
    await prove.getByLabel('Authentication code').fill(freshTotpCode(target, admin));
    await prove.getByLabel('Authentication code').press('Enter');
    await prove
      .getByRole('alert')
      .filter({ hasText: 'That password is not correct. Check it and try again.' })
      .waitFor({ timeout: 30_000 });
    await expect(prove.getByLabel('Authentication code').inputValue()).resolves.toBe('');
    await shoot(page, 'reauthenticate-refused');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    // Nothing happened to the nurse meanwhile.
    expect((await target.api.ok('listSessions', {}, token(nurse))).sessions).toHaveLength(2);

    await prove.getByLabel('Password').fill(admin.password);
    await prove.getByLabel('Authentication code').fill(freshTotpCode(target, admin));
    await prove.getByRole('button', { name: 'Confirm and continue' }).click();
    await status(page, 'Grace Adams is deactivated: 2 sessions ended.').waitFor({ timeout: 30_000 });
    await expect(prove.count()).resolves.toBe(0);
    await expect(panel.locator('.status-badge').allInnerTexts()).resolves.toEqual(['Deactivated']);
    await panel.getByText('Not signed in anywhere now.').waitFor({ timeout: 30_000 });
    // Focus stays in the panel, on its heading, now that Deactivate is gone.
    await expect(
      page.evaluate(
        () => document.activeElement?.closest('.person-detail')?.querySelector('h2') === document.activeElement,
      ),
    ).resolves.toBe(true);
    expect((await target.api.refused('listSessions', {}, token(nurse))).status).toBe(401);
    await shoot(page, 'person-deactivated');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });

  it('reactivates her, and ends one of her sessions without being asked again', async () => {
    const { page } = office;
    const panel = detail(page, 'Grace Adams');
    await panel.getByRole('button', { name: 'Reactivate' }).click();
    await status(page, /Grace Adams is active again/).waitFor({ timeout: 30_000 });
    await expect(panel.locator('.status-badge').allInnerTexts()).resolves.toEqual(['Active']);

    await apiSignIn(target, nurse);
    await openPerson(page, 'nurse.adams', 'Grace Adams');
    const sessions = detail(page, 'Grace Adams').getByRole('grid', { name: 'Live sessions of Grace Adams' });
    await expect
      .poll(() => sessions.getByRole('button', { name: /^End session on / }).count(), { timeout: 30_000 })
      .toBe(1);
    await sessions.getByRole('button', { name: 'End session on Ward 7 nurses station' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'End this session?' });
    await expect(confirm.innerText()).resolves.toContain(
      'Grace Adams is signed out of Wardline on Ward 7 nurses station now',
    );
    await shoot(page, 'confirm-end-session');
    await confirm.getByRole('button', { name: 'End session' }).click();
    await status(page, 'Grace Adams’s session on Ward 7 nurses station ended.').waitFor({ timeout: 30_000 });
    await expect(page.getByRole('dialog', { name: 'Confirm it is you' }).count()).resolves.toBe(0);
    expect((await target.api.refused('listSessions', {}, token(nurse))).status).toBe(401);
  });

  it('finds each action in Recent actions, read back from the audit trail', async () => {
    const { page } = office;
    const recent = await openRecentActions(page);
    await page.getByText('A new action may take a few seconds to appear here.').waitFor({ timeout: 30_000 });
    await recent.until(
      (read) => read(2),
      ['Ended sessions', 'Reactivated the account', 'Deactivated the account', 'Unlocked sign-in'],
    );
    await expect(recent.column(3)).resolves.toEqual([
      'Account nurse.adams',
      'Account nurse.adams',
      'Account nurse.adams',
      'Account dr.patel',
    ]);
    await expect(recent.column(4)).resolves.toEqual(['Success', 'Success', 'Success', 'Success']);
    await shoot(page, 'recent-actions');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    // People kept its search while Recent actions was open.
    await page.getByRole('tab', { name: 'People' }).click();
    await detail(page, 'Grace Adams').waitFor();
  });

  it('keeps the title plain, breaks no CSP rule, and drops everything on sign-out', async () => {
    const { page } = office;
    await expect(page.title()).resolves.toBe('Wardline');
    expect(await office.violations()).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const text = await page.evaluate(() => document.body.innerText);
    for (const shown of ['Grace Adams', 'nurse.adams', 'Anika Patel']) expect(text).not.toContain(shown);
  });
});
