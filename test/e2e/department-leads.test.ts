/**
 * Department leads end to end (issue 19, item 2), in Chromium through three browser hosts and a
 * real server: IT ticks "Department lead" on the nurse in charge of Ward 4B; she finds Templates
 * in her banner, writes a template for her ward (the department fixed to hers) and saves it; a
 * nurse of Ward 4B picks it with / and sends it to a physician, who receives the rendered text;
 * a nurse of Ward 7 is offered IT's hospital-wide template but not the ward's. Then IT clears the
 * lead, and her next change is refused in words that say why. Axe clean in every state; with
 * WARDLINE_E2E_SCREENSHOTS=<dir> the lead's screens at 1366×768 and 1920×1080.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import { textsFrom } from '../support/api-correspondent';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { launchChromium } from '../support/chromium';
import {
  createUser,
  freshTotpCode,
  readyUsers,
  signIn as apiSignIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../support/server-fixtures';
import { IT_ADMIN } from './admin-page';
import {
  accessibilityViolations,
  openClinicianPage,
  SCREEN_SIZES,
  signInWithCode,
  snapshotAtSizes,
  submitPassword,
  type ClinicianPage,
} from './clinician-page';

const WARD = 'Ward 4B';

let target: TestServer;
let admin: TestUser;
let lead: TestUser;
let nurse: TestUser;
let elsewhere: TestUser;
let patel: TestUser;
let hosts: HostProcess[];
let browser: Browser;
let office: ClinicianPage;
let leadDesk: ClinicianPage;
let ward: ClinicianPage;

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  admin = await createUser(target, IT_ADMIN);
  const nurseOf = (userId: string, displayName: string, department: string) =>
    createUser(target, { userId, displayName, role: 'nurse', department, title: 'Registered Nurse' });
  lead = await nurseOf('nurse.lee', 'Min Lee', WARD);
  nurse = await nurseOf('nurse.adams', 'Grace Adams', WARD);
  elsewhere = await nurseOf('nurse.okafor', 'Chidi Okafor', 'Ward 7');
  [patel] = (await readyUsers(target, [
    { userId: 'dr.patel', displayName: 'Dr. Anika Patel', role: 'physician', department: 'Cardiology' },
  ])) as [TestUser];
  // IT's own hospital-wide template, by another admin: every nurse is offered it.
  const ops = await createUser(target, { userId: 'it.ops', displayName: 'Ops Desk', role: 'it-admin' });
  await apiSignIn(target, ops);
  await target.api.ok(
    'adminCreateTemplate',
    { name: 'Lift out of order', body: 'The lift is out of order.', audience: { roles: [], departments: [] } },
    token(ops),
  );
  const serverArgs = ['--server', target.server.url, '--ca', target.server.caCertPath];
  hosts = await Promise.all([startHostProcess(serverArgs), startHostProcess(serverArgs), startHostProcess(serverArgs)]);
  browser = await launchChromium();
  [office, leadDesk, ward] = (await Promise.all(hosts.map((host) => openClinicianPage(browser, host.url)))) as [
    ClinicianPage,
    ClinicianPage,
    ClinicianPage,
  ];
  for (const at of [office, leadDesk, ward]) await at.page.setViewportSize(SCREEN_SIZES[0]);
}, 180_000);

afterAll(async () => {
  await browser.close();
  await Promise.all(hosts.map((host) => host.stop()));
  await target.dispose();
}, 60_000);

const noViolations = async (page: Page) => expect(accessibilityViolations(page)).resolves.toEqual([]);
const bannerButton = (page: Page, name: string) => page.getByRole('banner').getByRole('button', { name, exact: true });

/** IT's People tab, one person's panel open. */
async function openPanel(page: Page, userId: string, name: string): Promise<void> {
  const field = page.getByRole('searchbox', { name: 'Name or user ID' });
  await field.fill(userId);
  await field.press('Enter');
  await page
    .getByRole('grid', { name: 'People' })
    .getByRole('row', { name: new RegExp(name) })
    .click();
  await page.getByRole('heading', { level: 2, name }).waitFor({ timeout: 30_000 });
}

/** New message to Dr Patel, the picker opened with / in the empty message: the names offered. */
async function templatesOffered(page: Page): Promise<string[]> {
  await page.getByRole('button', { name: 'New message' }).click();
  await page.getByRole('combobox', { name: 'To' }).fill('Patel');
  await page.getByRole('option', { name: /Dr\. Anika Patel/ }).waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByRole('textbox', { name: 'Message', exact: true }).click();
  await page.keyboard.press('/');
  const list = page.getByRole('listbox', { name: 'Templates' });
  await list.getByRole('option').first().waitFor();
  return list.locator('.template-option-name').allInnerTexts();
}

describe('IT makes a department lead', () => {
  it('ticks Department lead on the nurse in charge, and cannot on someone who sends no messages', async () => {
    const { page } = office;
    await submitPassword(page, admin);
    await page.getByLabel('Authentication code').fill(freshTotpCode(target, admin));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor({ timeout: 30_000 });
    const offer = page.getByRole('region', { name: 'Choose an unlock PIN' });
    if ((await offer.count()) > 0) await offer.getByRole('button', { name: 'Not now' }).click();
    // An IT admin sends no messages, so leads no department: the box is off, and says why.
    await openPanel(page, 'it.ops', 'Ops Desk');
    await expect(page.getByRole('checkbox', { name: 'Department lead' }).isDisabled()).resolves.toBe(true);
    await page.getByText('Only someone with a department and a role that sends messages can lead one.').waitFor();
    await openPanel(page, 'nurse.lee', 'Min Lee');
    const box = page.getByRole('checkbox', { name: 'Department lead' });
    await expect(box.isChecked()).resolves.toBe(false);
    await page.getByText(`Keeps the approved templates for ${WARD}.`).waitFor();
    await box.check();
    await page
      .getByRole('status')
      .filter({ hasText: `Min Lee now leads ${WARD}` })
      .waitFor({ timeout: 30_000 });
    await expect(box.isChecked()).resolves.toBe(true);
    await noViolations(page);
    await snapshotAtSizes(page, 'lead-admin-person');
  });
});

describe('the lead keeps her ward’s templates', () => {
  it('opens Templates from her banner and writes one for her ward, the department fixed', async () => {
    const { page } = leadDesk;
    await signInWithCode(page, target, lead);
    await bannerButton(page, 'Templates').click();
    await page.getByRole('heading', { level: 1, name: 'Department templates' }).waitFor();
    await page.getByRole('heading', { level: 2, name: `Templates for ${WARD}` }).waitFor();
    await page.getByText('No templates for your department yet.').waitFor();
    await noViolations(page);
    await snapshotAtSizes(page, 'lead-templates-empty');
    await page.getByRole('button', { name: 'New template' }).click();
    const editor = page.getByRole('region', { name: 'New template' });
    await editor.getByLabel('Name').fill('Handover');
    await editor.getByLabel('Text', { exact: true }).fill('Handover in the day room at {time:time}.');
    await editor.getByRole('checkbox', { name: 'Nurses' }).check();
    const department = editor.getByLabel('For department');
    await expect(department.inputValue()).resolves.toBe(WARD);
    await expect(department.getAttribute('readonly')).resolves.not.toBeNull();
    await editor.getByText('Handover in the day room at [Time].').waitFor();
    await noViolations(page);
    await snapshotAtSizes(page, 'lead-templates-editor');
    await editor.getByRole('button', { name: 'Create template' }).click();
    await page.getByText('Saved “Handover”.', { exact: false }).waitFor({ timeout: 30_000 });
    await page.getByRole('row', { name: new RegExp(`Handover Nurses in ${WARD} Offered`) }).waitFor();
    // IT's hospital-wide template is not hers to keep, so not listed here.
    await expect(page.getByRole('row', { name: /Lift out of order/ }).count()).resolves.toBe(0);
    await noViolations(page);
    await snapshotAtSizes(page, 'lead-templates-list');
    await page.getByRole('button', { name: 'Back to messages' }).click();
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
    await snapshotAtSizes(page, 'lead-messaging-banner');
  });
});

describe('the ward’s nurses', () => {
  it('a nurse of Ward 4B is offered it, fills it in and sends it', async () => {
    const { page } = ward;
    await signInWithCode(page, target, nurse);
    // She leads nothing: no Templates in her banner.
    await expect(bannerButton(page, 'Templates').count()).resolves.toBe(0);
    expect(await templatesOffered(page)).toEqual(['Handover', 'Lift out of order']);
    await page.keyboard.type('handover');
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: 'Template: Handover' }).waitFor();
    await page.keyboard.type('14:30');
    await page.getByText('Handover in the day room at 14:30.').waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('log', { name: 'Messages' }).waitFor({ timeout: 30_000 });
    await expect
      .poll(() => textsFrom(target, patel, 'nurse.adams'), { timeout: 30_000 })
      .toEqual(['Handover in the day room at 14:30.']);
  });

  it('a nurse of Ward 7 is offered IT’s template, not Ward 4B’s', async () => {
    const { page } = ward;
    await bannerButton(page, 'Sign out').click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 30_000 });
    await signInWithCode(page, target, elsewhere);
    expect(await templatesOffered(page)).toEqual(['Lift out of order']);
    await noViolations(page);
  });
});

describe('IT clears the lead', () => {
  it('and her next change is refused in words that say why, and the entry goes', async () => {
    const { page } = leadDesk;
    await bannerButton(page, 'Templates').click();
    await page.getByRole('button', { name: 'Edit Handover' }).click();
    const editor = page.getByRole('region', { name: 'Edit “Handover”' });
    await editor.waitFor();

    await office.page.getByRole('checkbox', { name: 'Department lead' }).uncheck();
    await office.page
      .getByRole('status')
      .filter({ hasText: `Min Lee no longer leads ${WARD}` })
      .waitFor({ timeout: 30_000 });

    // The same session, the screen still open: the server refuses at once.
    await editor.getByRole('button', { name: 'Retire' }).click();
    await page.getByRole('alert').filter({ hasText: 'You no longer lead a department' }).waitFor({ timeout: 30_000 });
    await noViolations(page);
    await page.getByRole('button', { name: 'Back to messages' }).click();
    await bannerButton(page, 'Templates').click();
    await expect.poll(() => bannerButton(page, 'Templates').count(), { timeout: 30_000 }).toBe(0);
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
  });
});
