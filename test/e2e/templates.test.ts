/**
 * Approved message templates from the Administration view to a physician's inbox (issue 19,
 * item 2), in Chromium through three browser hosts: the IT admin writes a template, meets an
 * inline mistake and saves it; at reception, where policy restricts front desk to templates
 * (`templatesOnlyRoles`), the receptionist finds no free-text box and no subject, picks the
 * template by typing, fills its fields with Tab and sends with Enter; the physician receives the
 * rendered text. A nurse elsewhere opens the same picker with `/` in an empty message. Keyboard
 * only after the first click into a field, axe clean in every state, screenshots of the picker
 * and the admin section at 1366×768 in /tmp/templates-*.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
  startTestServer,
  type TestServer,
  type TestUser,
} from '../support/server-fixtures';
import { IT_ADMIN } from './admin-page';
import {
  accessibilityViolations,
  focused,
  openClinicianPage,
  signInWithCode,
  submitPassword,
  type ClinicianPage,
} from './clinician-page';

const BODY = 'Patient in bed {bed:number} is ready for transport at {time:time}.';

let target: TestServer;
let admin: TestUser;
let desk: TestUser;
let nurse: TestUser;
let patel: TestUser;
let policyDir: string;
let hosts: HostProcess[];
let browser: Browser;
let office: ClinicianPage;
let reception: ClinicianPage;
let ward: ClinicianPage;

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  admin = await createUser(target, IT_ADMIN);
  desk = await createUser(target, {
    userId: 'desk.morgan',
    displayName: 'Rhys Morgan',
    role: 'front-desk',
    department: 'Reception',
  });
  nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
  [patel] = (await readyUsers(target, [
    { userId: 'dr.patel', displayName: 'Dr. Anika Patel', role: 'physician', department: 'Cardiology' },
  ])) as [TestUser];
  policyDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-policy-'));
  const restricted = path.join(policyDir, 'policy.json');
  writeFileSync(restricted, JSON.stringify({ templatesOnlyRoles: 'front-desk' }));
  const serverArgs = ['--server', target.server.url, '--ca', target.server.caCertPath];
  hosts = await Promise.all([
    startHostProcess(serverArgs),
    startHostProcess([...serverArgs, '--policy', restricted]),
    startHostProcess(serverArgs),
  ]);
  browser = await launchChromium();
  [office, reception, ward] = (await Promise.all(hosts.map((host) => openClinicianPage(browser, host.url)))) as [
    ClinicianPage,
    ClinicianPage,
    ClinicianPage,
  ];
  for (const at of [office, reception, ward]) await at.page.setViewportSize({ width: 1366, height: 768 });
}, 180_000);

afterAll(async () => {
  await browser.close();
  await Promise.all(hosts.map((host) => host.stop()));
  await target.dispose();
  rmSync(policyDir, { recursive: true, force: true });
}, 60_000);

const noViolations = async (page: Page) => expect(accessibilityViolations(page)).resolves.toEqual([]);

async function startMessageToPatel(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'New message' }).click();
  await page.getByRole('combobox', { name: 'To' }).fill('Patel');
  await page.getByRole('option', { name: /Dr\. Anika Patel/ }).waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
}

describe('IT writes a template in Administration', () => {
  it('refuses a broken field inline, then saves the template with a live preview', async () => {
    const { page } = office;
    await submitPassword(page, admin);
    await page.getByLabel('Authentication code').fill(freshTotpCode(target, admin));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor({ timeout: 30_000 });
    const offer = page.getByRole('region', { name: 'Choose an unlock PIN' });
    if ((await offer.count()) > 0) await offer.getByRole('button', { name: 'Not now' }).click();
    await page.getByRole('tab', { name: 'Templates' }).click();
    await page.getByText('No templates yet.').waitFor();
    await page.getByRole('button', { name: 'New template' }).click();
    const editor = page.getByRole('region', { name: 'New template' });
    await editor.getByLabel('Name').fill('Ready for transport');
    await editor.getByLabel('Text', { exact: true }).fill('Patient in bed {bed:number is ready.');
    await editor.getByRole('button', { name: 'Create template' }).click();
    await editor.getByText('A field opened with { is not closed with }').waitFor();
    expect(await focused(page)).toMatch(/-body$/);
    await noViolations(page);

    await editor.getByLabel('Text', { exact: true }).fill(BODY);
    await editor.getByText('Patient in bed [Bed] is ready for transport at [Time].').waitFor();
    await editor.getByRole('button', { name: 'Create template' }).click();
    await page.getByText('Saved “Ready for transport”.', { exact: false }).waitFor();
    await page.getByRole('row', { name: /Ready for transport Everyone Offered/ }).waitFor();
    await noViolations(page);
    await page.screenshot({ path: '/tmp/templates-admin-1366x768.png', fullPage: false });
  });
});

describe('front desk restricted to templates', () => {
  it('has no free-text box or subject, and sends the template by keyboard', async () => {
    const { page } = reception;
    await signInWithCode(page, target, desk);
    await startMessageToPatel(page);
    await page.getByText('Hospital policy lets your role send only approved templates.').waitFor();
    await expect(page.getByRole('textbox', { name: 'Message', exact: true }).count()).resolves.toBe(0);
    await expect(page.getByLabel('Subject').count()).resolves.toBe(0);

    const filter = page.getByRole('combobox', { name: 'Templates' });
    await filter.click();
    await page.keyboard.type('transport');
    await page.getByRole('option', { name: /Ready for transport/, selected: true }).waitFor();
    await noViolations(page);
    await page.screenshot({ path: '/tmp/templates-picker-1366x768.png', fullPage: false });
    await page.keyboard.press('Enter');

    await page.getByRole('group', { name: 'Template: Ready for transport' }).waitFor();
    expect(await focused(page)).toMatch(/-bed$/);
    await page.keyboard.type('12');
    await page.keyboard.press('Tab');
    await page.keyboard.type('25:00');
    await page.keyboard.press('Enter');
    await page.getByText('A time as HH:MM, 24-hour (for example 14:30).').waitFor();
    await noViolations(page);
    await page.getByLabel('Time', { exact: true }).fill('14:30');
    await page.getByText('Patient in bed 12 is ready for transport at 14:30.').waitFor();
    await page.screenshot({ path: '/tmp/templates-fields-1366x768.png', fullPage: false });
    await page.getByLabel('Time', { exact: true }).press('Enter');
    await page.getByRole('log', { name: 'Messages' }).waitFor({ timeout: 30_000 });

    await expect
      .poll(() => textsFrom(target, patel, 'desk.morgan'), { timeout: 30_000 })
      .toEqual(['Patient in bed 12 is ready for transport at 14:30.']);
  });

  it('replies only with a template too', async () => {
    const { page } = reception;
    await page
      .getByRole('form', { name: 'Reply' })
      .getByText('Hospital policy lets your role send only approved templates.')
      .waitFor();
    await expect(page.getByRole('textbox', { name: 'Message', exact: true }).count()).resolves.toBe(0);
    await noViolations(page);
  });
});

describe('a nurse who may also write her own', () => {
  it('opens the picker with / in the empty message and gets the template’s fields', async () => {
    const { page } = ward;
    await signInWithCode(page, target, nurse);
    await startMessageToPatel(page);
    const message = page.getByRole('textbox', { name: 'Message', exact: true });
    await message.click();
    await page.keyboard.press('/');
    await page.getByRole('combobox', { name: 'Templates' }).waitFor();
    expect(await message.inputValue()).toBe('');
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: 'Template: Ready for transport' }).waitFor();
    await page.getByRole('button', { name: 'Write my own instead' }).click();
    await expect(message.inputValue()).resolves.toBe('');
    await noViolations(page);
  });
});
