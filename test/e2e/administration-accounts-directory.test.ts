/**
 * The Administration view's account actions, role addresses and workstations as the IT admin
 * meets them: a real server, a browser host running the real core, and Chromium driving the
 * screens by role and label. The admin creates a nurse and reads her one-time code (copied, then
 * gone from the clipboard and the page once closed); resets a nurse's password after reading the
 * warning and proving who they are; creates a role address and adds and removes a member; and
 * revokes a workstation by typing its name. Every state is checked with axe; with
 * WARDLINE_E2E_SCREENSHOTS=<dir> each is saved at 1366×768 and 1920×1080.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import { REAUTHENTICATION_WINDOW_MS } from '../../shared/protocol/route-spec';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import {
  createUser,
  freshTotpCode,
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

const SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;
/** A code as the dialog shows it: five groups of four. */
const SHOWN_CODE = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/;

let target: TestServer;
let admin: TestUser;
let nurse: TestUser;
let doctor: TestUser;
let host: HostProcess;
let browser: Browser;
let office: ClinicianPage;

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  admin = await createUser(target, IT_ADMIN);
  nurse = await createUser(target, {
    userId: 'nurse.adams',
    displayName: 'Grace Adams',
    role: 'nurse',
    department: 'Cardiology Ward 4B',
    title: 'Registered Nurse',
  });
  doctor = await createUser(target, CARDIOLOGIST);
  await createUser(target, {
    userId: 'compliance.lee',
    displayName: 'Jin Lee',
    role: 'compliance-officer',
    department: 'Information Governance',
    title: 'Privacy Officer',
  });
  // The nurse is signed in on the ward; the physician at the nurses' station, which IT will revoke.
  await apiSignIn(target, nurse);
  doctor.device = await newDevice('Ward 7 nurses station');
  await apiSignIn(target, doctor);

  host = await startHostProcess(['--server', target.server.url, '--ca', target.server.caCertPath]);
  browser = await launchChromium();
  office = await openClinicianPage(browser, host.url);
  await office.page
    .context()
    .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(host.url).origin });
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
    await page.screenshot({ path: path.join(dir, `admin2-${name}-${String(size.width)}x${String(size.height)}.png`) });
  }
  await page.setViewportSize(SIZES[0]);
}

const status = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text });
const noViolations = async (page: Page) => expect(accessibilityViolations(page)).resolves.toEqual([]);

/** Searches People, then opens the one person found. */
async function openPerson(page: Page, query: string, name: string): Promise<void> {
  const field = page.getByRole('searchbox', { name: 'Name or user ID' });
  await field.fill(query);
  await field.press('Enter');
  const table = page.getByRole('grid', { name: 'People' });
  await expect.poll(() => table.locator('tbody tr').count(), { timeout: 30_000 }).toBe(1);
  await table.getByRole('row', { name: new RegExp(name) }).click();
  await page.getByRole('heading', { level: 2, name }).waitFor({ timeout: 30_000 });
}

/** The password and a code again, in the dialog the server's request for a fresh proof opens. */
async function proveItIsMe(page: Page): Promise<void> {
  const prove = page.getByRole('dialog', { name: 'Confirm it is you' });
  await prove.waitFor({ timeout: 30_000 });
  await prove.getByLabel('Password').fill(admin.password);
  await prove.getByLabel('Authentication code').fill(freshTotpCode(target, admin));
  await prove.getByRole('button', { name: 'Confirm and continue' }).click();
}

describe('the IT admin', () => {
  it('signs in to the Administration view and finds its five sections', async () => {
    const { page } = office;
    await submitPassword(page, admin);
    await page.getByLabel('Authentication code').fill(freshTotpCode(target, admin));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor({ timeout: 30_000 });
    const offer = page.getByRole('region', { name: 'Choose an unlock PIN' });
    if ((await offer.count()) > 0) await offer.getByRole('button', { name: 'Not now' }).click();
    const tabs = page.getByRole('tablist', { name: 'Administration sections' }).getByRole('tab');
    await expect(tabs.allInnerTexts()).resolves.toEqual([
      'People',
      'Role addresses',
      'Workstations',
      'Templates',
      'Recent actions',
    ]);
    await page
      .getByRole('grid', { name: 'People' })
      .getByRole('row', { name: /Grace Adams/ })
      .waitFor();
  });

  it('creates a nurse: the form says what is wrong, warns about the IT role, and shows the code once', async () => {
    const { page } = office;
    await page.getByRole('button', { name: 'New person…' }).click();
    const form = page.getByRole('dialog', { name: 'New person' });
    await form.waitFor();
    await expect(focused(page)).resolves.not.toBe('');
    await shoot(page, 'new-person');
    await noViolations(page);

    await form.getByRole('button', { name: 'Create and show the code' }).click();
    await form.getByRole('alert').filter({ hasText: 'Check the fields marked below.' }).waitFor();
    await expect(form.getByText('Enter a user ID.').count()).resolves.toBe(1);
    await expect(form.getByText('Choose a role.').count()).resolves.toBe(1);
    await form.getByLabel('User ID').fill('nurse okafor');
    await form.getByRole('button', { name: 'Create and show the code' }).click();
    await form.getByText(/Use lower-case letters, digits, dots/).waitFor();
    await shoot(page, 'new-person-invalid');
    await noViolations(page);

    await form.getByLabel('User ID').fill('Nurse.Okafor');
    await form.getByLabel('Name').fill('  Chidi   Okafor ');
    // The role by keyboard: open the list, choose IT administrator first, and read the warning.
    await form.getByRole('button', { name: /Role/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: 'IT administrator' }).click();
    await form.getByText(/Give this role only when IT has decided to/).waitFor();
    await shoot(page, 'new-person-it-admin');
    await form.getByRole('button', { name: /Role/ }).click();
    await page.getByRole('option', { name: 'Nurse' }).click();
    await expect(form.getByText(/Give this role only/).count()).resolves.toBe(0);
    await form.getByLabel('Department').fill('Renal Ward 9');
    await form.getByLabel('Title').fill('Staff Nurse');
    await form.getByRole('button', { name: 'Create and show the code' }).click();

    const shown = page.getByRole('dialog', { name: 'Account created' });
    await shown.waitFor({ timeout: 30_000 });
    await expect(focused(page)).resolves.toBe('Copy code');
    const code = await shown.locator('.enrollment-code').innerText();
    expect(code).toMatch(SHOWN_CODE);
    await expect(shown.innerText()).resolves.toMatch(
      /Give this code to Chidi Okafor in person or by phone\. They choose their own password with it at their first sign-in\. It works once and expires \w+day \d{1,2} \w+ \d{4} at \d{2}:\d{2}\./,
    );
    await shoot(page, 'code-new-person');
    await noViolations(page);

    await shown.getByRole('button', { name: 'Copy code' }).click();
    await status(page, 'Copied. It is cleared from the clipboard when you close this.').waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(code);
    await shown.getByRole('button', { name: 'Done' }).click();
    await expect(shown.count()).resolves.toBe(0);
    // Gone from the page and from the clipboard; focus back on the button that began it.
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe('');
    await expect(page.evaluate(() => document.body.innerText)).resolves.not.toContain(code);
    await expect(focused(page)).resolves.toBe('New person…');

    // The new person is found and opened, pending until they use the code.
    const panel = page.getByRole('region', { name: 'Chidi Okafor' });
    await panel.waitFor({ timeout: 30_000 });
    await expect(panel.innerText()).resolves.toMatch(/nurse\.okafor[\s\S]*Nurse[\s\S]*Renal Ward 9/);
    await panel.getByText(/^Pending enrollment — code expires /).waitFor();
    await expect(panel.getByRole('button', { name: 'New enrollment code…' }).count()).resolves.toBe(1);
    await expect(panel.getByRole('button', { name: 'Reset password…' }).count()).resolves.toBe(0);
    await shoot(page, 'person-pending');
    await noViolations(page);
  });

  it("resets the nurse's password after reading what it costs and proving who they are", async () => {
    const { page } = office;
    // The sign-in's proof ages past the window: the server will ask again.
    target.clock.advance(REAUTHENTICATION_WINDOW_MS + 10_000);
    await openPerson(page, 'adams', 'Grace Adams');
    const panel = page.getByRole('region', { name: 'Grace Adams' });
    await panel.getByText('Password and authenticator set up').waitFor();

    await panel.getByRole('button', { name: 'Reset authenticator…' }).click();
    const mfa = page.getByRole('alertdialog', { name: 'Reset the authenticator of Grace Adams?' });
    await expect(mfa.innerText()).resolves.toContain(
      'Grace Adams is signed out everywhere now. At their next sign-in, after their password, they set up an authenticator app again.',
    );
    await shoot(page, 'confirm-reset-authenticator');
    await mfa.getByRole('button', { name: 'Cancel' }).click();

    await panel.getByRole('button', { name: 'Reset password…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Reset the password of Grace Adams?' });
    await confirm.waitFor();
    const warning = await confirm.innerText();
    expect(warning).toContain('The old password of Grace Adams stops working now, and they are signed out everywhere.');
    expect(warning).toContain('They set a new password with a new enrollment code');
    expect(warning).toContain(
      'Their end-to-end encrypted message history cannot be recovered: they get new identity keys, their contacts will see a security key change for them, and their Wardline data on every workstation is shredded at that workstation’s next contact.',
    );
    await expect(focused(page)).resolves.toBe('Cancel');
    await shoot(page, 'confirm-reset-password');
    await noViolations(page);
    await confirm.getByRole('button', { name: 'Reset password' }).click();
    await proveItIsMe(page);

    const shown = page.getByRole('dialog', { name: 'Password reset' });
    await shown.waitFor({ timeout: 30_000 });
    await expect(shown.locator('.enrollment-code').innerText()).resolves.toMatch(SHOWN_CODE);
    await expect(shown.innerText()).resolves.toContain('Give this code to Grace Adams in person or by phone.');
    await shoot(page, 'code-password-reset');
    await noViolations(page);
    await page.keyboard.press('Escape');
    await expect(shown.count()).resolves.toBe(0);
    await status(page, /Grace Adams’s password is reset \(1 session ended\)/).waitFor();
    await panel.getByText(/^Pending enrollment — code expires /).waitFor({ timeout: 30_000 });
    expect((await target.api.refused('listSessions', {}, token(nurse))).status).toBe(401);
  });

  it('creates a role address, adds a physician to it and removes her again', async () => {
    const { page } = office;
    await page.getByRole('tab', { name: 'Role addresses' }).click();
    await page.getByText('No role address matches this search.').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'New role address…' }).click();
    const form = page.getByRole('dialog', { name: 'New role address' });
    await form.getByLabel('ID', { exact: true }).fill('Night-Pharmacy');
    await form.getByLabel('Name', { exact: true }).fill(' Night   pharmacy');
    await form.getByLabel('Department').fill('Pharmacy');
    await form.getByLabel('Description').fill('The pharmacist on duty\nfrom 20:00 to 08:00.');
    await shoot(page, 'new-role-address');
    await noViolations(page);
    await form.getByRole('button', { name: 'Create role address' }).click();

    const panel = page.getByRole('region', { name: 'Night pharmacy' });
    await panel.waitFor({ timeout: 30_000 });
    await expect(panel.innerText()).resolves.toContain('role:night-pharmacy');
    await expect(panel.getByLabel('Description').inputValue()).resolves.toBe(
      'The pharmacist on duty from 20:00 to 08:00.',
    );
    await panel.getByText(/No members yet/).waitFor();

    const picker = panel.getByRole('combobox', { name: 'Add a member' });
    await picker.fill('lee');
    // A compliance officer is listed but cannot be chosen.
    const lee = page.getByRole('option', { name: /Jin Lee/ });
    await lee.waitFor({ timeout: 30_000 });
    await expect(lee.getAttribute('aria-disabled')).resolves.toBe('true');
    await shoot(page, 'member-picker-refused');
    await picker.fill('patel');
    await page.getByRole('option', { name: /Anika Patel/ }).click();
    await status(page, 'Anika Patel now answers Night pharmacy.').waitFor({ timeout: 30_000 });
    const members = panel.getByRole('grid', { name: 'Members of Night pharmacy' });
    await expect(members.innerText()).resolves.toMatch(/Anika Patel[\s\S]*dr\.patel[\s\S]*Physician/);
    await expect(
      page
        .getByRole('grid', { name: 'Role addresses' })
        .getByRole('row', { name: /Night pharmacy/ })
        .innerText(),
    ).resolves.toContain('1 member');
    await shoot(page, 'role-address-member');
    await noViolations(page);

    await members.getByRole('button', { name: 'Remove Anika Patel' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Remove Anika Patel from Night pharmacy?' });
    await shoot(page, 'confirm-remove-member');
    await noViolations(page);
    await confirm.getByRole('button', { name: 'Remove member' }).click();
    await status(page, 'Anika Patel no longer answers Night pharmacy.').waitFor({ timeout: 30_000 });
    await panel.getByText(/No members yet/).waitFor();

    await panel.getByLabel('Name', { exact: true }).fill('Night  pharmacist ');
    await panel.getByRole('button', { name: 'Save changes' }).click();
    await status(page, 'Saved: Night pharmacist.').waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { level: 2, name: 'Night pharmacist' }).waitFor();
  });

  it('revokes the nurses’ station only after its name is typed', async () => {
    const { page } = office;
    await page.getByRole('tab', { name: 'Workstations' }).click();
    const table = page.getByRole('grid', { name: 'Workstations' });
    const station = table.getByRole('row', { name: /Ward 7 nurses station/ });
    await station.waitFor({ timeout: 30_000 });
    await expect(station.innerText()).resolves.toMatch(/Anika Patel[\s\S]*dr\.patel[\s\S]*Active/);
    const mine = table.getByRole('row').filter({ hasText: 'Active (you are using it)' });
    await expect(mine.count()).resolves.toBe(1);
    // People, kept with its search, stays out of sight though a popover elsewhere has come and gone.
    await expect(page.getByRole('grid', { name: 'People' }).isVisible()).resolves.toBe(false);
    await shoot(page, 'workstations');
    await noViolations(page);
    // The one this admin uses offers neither wipe nor revoke.
    await mine.click();
    await page.getByText('This is the workstation you are using.').waitFor();
    await expect(
      page
        .locator('.workstation-detail')
        .getByRole('button', { name: /Wipe|Revoke/ })
        .count(),
    ).resolves.toBe(0);

    await station.click();
    const panel = page.getByRole('region', { name: 'Ward 7 nurses station' });
    await panel.getByRole('grid', { name: 'Commands for Ward 7 nurses station' }).waitFor();
    await panel.getByText('Nothing has been asked of this workstation.').waitFor();
    await shoot(page, 'workstation-detail');
    await noViolations(page);
    await panel.getByRole('button', { name: 'Revoke Ward 7 nurses station' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Revoke Ward 7 nurses station?' });
    await expect(confirm.innerText()).resolves.toContain(
      'Every session on it ends now and it can no longer sign anyone in or send its audit records. Its stored data stays on the disk until it is wiped',
    );
    const typed = confirm.getByRole('textbox', { name: /To confirm, type the workstation’s name/ });
    await expect(typed.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
    await typed.fill('Ward 7');
    await typed.press('Enter');
    await confirm.getByText('That does not match. Type it as shown above the field.').waitFor();
    await shoot(page, 'confirm-revoke-mismatch');
    await noViolations(page);
    // Nothing was done.
    expect((await target.api.ok('listSessions', {}, token(doctor))).sessions).toHaveLength(1);

    await typed.fill('ward 7 nurses station');
    await confirm.getByRole('button', { name: 'Revoke workstation' }).click();
    await status(page, 'Ward 7 nurses station is revoked: 1 session ended.').waitFor({ timeout: 30_000 });
    await expect.poll(() => station.innerText(), { timeout: 30_000 }).toMatch(/Revoked \d{4}-\d{2}-\d{2}/);
    // Revoked: it can still be wiped, not revoked again.
    await expect(panel.getByRole('button', { name: 'Revoke Ward 7 nurses station' }).count()).resolves.toBe(0);
    await panel.getByRole('button', { name: 'Wipe Ward 7 nurses station' }).waitFor();
    // Its old token now says why it stopped working.
    expect(await target.api.refused('listSessions', {}, token(doctor))).toMatchObject({
      status: 403,
      body: { error: 'DEVICE_REVOKED' },
    });
    await shoot(page, 'workstation-revoked');
    await noViolations(page);
  });

  it('finds each action in Recent actions, with what it was about', async () => {
    const { page } = office;
    const recent = await openRecentActions(page);
    const { column } = recent;
    await recent.until(async (read) => (await read(2))[0], 'Revoked the workstation');
    const actions = await column(2);
    for (const action of [
      'Changed the role address',
      'Removed a role address member',
      'Added a role address member',
      'Created the role address',
      'Reset the password',
      'Issued an enrollment code',
      'Created the account',
    ])
      expect(actions).toContain(action);
    const about = await column(3);
    expect(about[0]).toMatch(/^Workstation [0-9a-f]{8}…$/);
    expect(about).toContain('Role address role:night-pharmacy, member dr.patel');
    expect(about).toContain('Account nurse.okafor');
    await shoot(page, 'recent-actions');
    await noViolations(page);
  });

  it('breaks no CSP rule, and drops everything on sign-out', async () => {
    const { page } = office;
    expect(await office.violations()).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const text = await page.evaluate(() => document.body.innerText);
    for (const shown of ['Chidi Okafor', 'Night pharmacist', 'Ward 7 nurses station'])
      expect(text).not.toContain(shown);
  });
});
