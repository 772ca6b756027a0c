/**
 * A role address's on-call schedule as the IT admin meets it, keyboard only, at 1366×768: a real
 * server, a browser host running the real core, and Chromium. The admin opens "On-call
 * cardiology", imports the rota tool's .ics file (a weekly series and a night shift), reads the
 * preview, replaces the shifts, sees them in the table with the shift covering now marked; adds
 * and deletes a shift. The directory then names the physician on call now and their backup. A
 * member who leaves takes their shifts (and backup duty) along. Every state is checked with axe.
 * Who is on call once the clock has moved is test/integration/server/directory-on-call.test.ts:
 * moving this server's clock would end the admin's browser session whenever one of its calls
 * landed in the moved window (it did, under CI load).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import type { DirectoryRole } from '../../shared/protocol/api';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import {
  createUser,
  freshTotpCode,
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
  snapshotAtSizes,
  submitPassword,
  type ClinicianPage,
} from './clinician-page';
import { CARDIOLOGIST, IT_ADMIN } from './admin-page';

const HOUR = 3_600_000;
const ADDRESS = 'role:oncall-cardiology';

let target: TestServer;
let admin: TestUser;
let nurse: TestUser;
let host: HostProcess;
let browser: Browser;
let office: ClinicianPage;
let start: number;

const icsTime = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** What a rota tool exports: Patel's weekly day shift (from an hour ago) and Nguyen's night. */
function rotaFile(): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//QGenda//Schedule Export//EN',
    'BEGIN:VEVENT',
    'UID:cardio-day@qgenda.example',
    'DTSTAMP:20261101T000000Z',
    `DTSTART:${icsTime(start - HOUR)}`,
    `DTEND:${icsTime(start + 11 * HOUR)}`,
    'RRULE:FREQ=WEEKLY;COUNT=2',
    'SUMMARY:Cardiology On Call - Day',
    'ATTENDEE;CN=Anika Patel;ROLE=REQ-PARTICIPANT:mailto:a.patel@hospital.example',
    'ATTENDEE;CN=Minh Nguyen;ROLE=OPT-PARTICIPANT:mailto:m.nguyen@hospital.example',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:cardio-night@qgenda.example',
    'DTSTAMP:20261101T000000Z',
    `DTSTART:${icsTime(start + 11 * HOUR)}`,
    `DTEND:${icsTime(start + 23 * HOUR)}`,
    'SUMMARY:Cardiology On Call - Night: Minh Nguyen',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  admin = await createUser(target, IT_ADMIN);
  nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
  await createUser(target, CARDIOLOGIST);
  await createUser(target, {
    userId: 'dr.nguyen',
    displayName: 'Minh Nguyen',
    role: 'physician',
    department: 'Cardiology',
    title: 'Registrar',
  });
  await target.server.admin.createRoleAddress({
    addressId: ADDRESS,
    displayName: 'On-call cardiology',
    department: 'Cardiology',
    description: 'The cardiologist on call',
    members: ['dr.patel', 'dr.nguyen'],
  });
  await apiSignIn(target, nurse);
  // iCalendar times are whole seconds.
  start = Math.floor(target.clock.now() / 1000) * 1000;

  host = await startHostProcess(['--server', target.server.url, '--ca', target.server.caCertPath]);
  browser = await launchChromium();
  office = await openClinicianPage(browser, host.url);
  await office.page.setViewportSize({ width: 1366, height: 768 });
}, 120_000);

afterAll(async () => {
  await browser.close();
  await host.stop();
  await target.dispose();
}, 60_000);

const noViolations = async (page: Page) => expect(accessibilityViolations(page)).resolves.toEqual([]);
const status = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text });

/** Who the directory says is on call for the address now, as a nurse's workstation asks. */
async function onCallNow(): Promise<DirectoryRole['onCall']> {
  const found = await target.api.ok('searchDirectory', { query: 'on-call cardiology', limit: 10 }, token(nurse));
  const role = found.entries.find((entry): entry is DirectoryRole => entry.kind === 'role');
  return role?.onCall ?? [];
}

describe('the on-call schedule', () => {
  it('opens the role address and its empty schedule', async () => {
    const { page } = office;
    await submitPassword(page, admin);
    await page.getByLabel('Authentication code').fill(freshTotpCode(target, admin));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor({ timeout: 30_000 });
    const offer = page.getByRole('region', { name: 'Choose an unlock PIN' });
    if ((await offer.count()) > 0) await offer.getByRole('button', { name: 'Not now' }).click();
    await page.getByRole('tab', { name: 'Role addresses' }).click();
    await page
      .getByRole('grid', { name: 'Role addresses' })
      .getByRole('row', { name: /On-call cardiology/ })
      .click();
    const panel = page.getByRole('region', { name: 'On-call cardiology' });
    await panel.getByText('No shifts in the next two weeks: messages reach every member.').waitFor({ timeout: 30_000 });
    expect(await onCallNow()).toEqual([]);
  });

  it('imports an .ics rota with the keyboard: preview first, then Replace shifts', async () => {
    const { page } = office;
    const panel = page.getByRole('region', { name: 'On-call cardiology' });
    await panel.getByRole('button', { name: 'Import schedule…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Import a schedule for On-call cardiology' });
    await dialog.waitFor();
    // The native file chooser is the operating system's: the test hands the file to the field.
    await dialog.getByLabel('Rota file (.ics or .csv)').setInputFiles({
      name: 'cardiology-rota.ics',
      mimeType: 'text/calendar',
      buffer: Buffer.from(rotaFile()),
    });
    const summary = dialog.getByRole('heading', { level: 3, name: /^3 shifts from .* no problems$/ });
    await summary.waitFor({ timeout: 30_000 });
    // The preview takes focus; the next stop is Replace shifts.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName), { timeout: 10_000 }).toBe('H3');
    await snapshotAtSizes(page, 'schedule-import-preview');
    await noViolations(page);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Replace shifts');
    await page.keyboard.press('Enter');
    await status(page, 'Imported 3 shifts, replacing 0 earlier shifts.').waitFor({ timeout: 30_000 });

    const table = panel.getByRole('grid', { name: 'On-call shifts of On-call cardiology, the next two weeks' });
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 30_000 }).toBe(3);
    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows[0]).toMatch(/On call now[\s\S]*Anika Patel[\s\S]*dr\.patel[\s\S]*Minh Nguyen/);
    expect(rows[1]).toMatch(/Minh Nguyen[\s\S]*dr\.nguyen[\s\S]*None/);
    expect(rows[2]).toMatch(/Anika Patel/);
    await snapshotAtSizes(page, 'schedule-table');
    await noViolations(page);
  });

  it('the directory names who is on call now, with their backup', async () => {
    expect(await onCallNow()).toEqual([{ userId: 'dr.patel', backupUserId: 'dr.nguyen', endsAt: start + 11 * HOUR }]);
  });

  it('adds and deletes a shift with the keyboard', async () => {
    const { page } = office;
    const panel = page.getByRole('region', { name: 'On-call cardiology' });
    const table = panel.getByRole('grid', { name: 'On-call shifts of On-call cardiology, the next two weeks' });
    await panel.getByRole('button', { name: 'Add shift…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Add a shift' });
    await dialog.waitFor();
    // Save with nobody chosen: the form says so and puts focus on the field.
    await dialog.getByRole('button', { name: 'Save shift' }).focus();
    await page.keyboard.press('Enter');
    await dialog.getByText('Choose who is on call.').waitFor();
    await noViolations(page);
    // The person: open the list, the second member (Minh Nguyen), choose.
    await page.keyboard.press('ArrowDown');
    await page.getByRole('listbox').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(dialog.getByRole('button', { name: /Minh Nguyen/ }).count()).resolves.toBe(1);
    const day = new Date(start + 3 * 24 * HOUR);
    const local = (hour: number) =>
      `${String(day.getFullYear())}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00`;
    await dialog.getByLabel('Starts (local time)').fill(local(8));
    await dialog.getByLabel('Ends (local time)').fill(local(20));
    await dialog.getByRole('button', { name: 'Save shift' }).focus();
    await page.keyboard.press('Enter');
    await status(page, 'Shift added.').waitFor({ timeout: 30_000 });
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 30_000 }).toBe(4);

    // Into the table from the button before it, down the rows to the new shift, across to Delete.
    const deleteLabel = /^Delete Minh Nguyen’s shift .*08:00 – .*20:00$/;
    await panel.getByRole('button', { name: 'Import schedule…' }).focus();
    await page.keyboard.press('Tab');
    const active = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        return element === null ? '' : (element.getAttribute('aria-label') ?? element.textContent);
      });
    for (let step = 0; step < 6 && !/08:00 – [\s\S]*Minh Nguyen/.test(await active()); step += 1)
      await page.keyboard.press('ArrowDown');
    for (let step = 0; step < 8 && !deleteLabel.test(await active()); step += 1)
      await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toMatch(deleteLabel);
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('alertdialog', { name: 'Delete Minh Nguyen’s shift?' });
    await confirm.waitFor();
    expect(await focused(page)).toBe('Cancel');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('Delete shift');
    await page.keyboard.press('Enter');
    await status(page, /^Deleted Minh Nguyen’s shift from /).waitFor({ timeout: 30_000 });
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 30_000 }).toBe(3);
    await noViolations(page);
  });

  it('takes a member’s shifts off the schedule when they leave the address', async () => {
    const { page } = office;
    const panel = page.getByRole('region', { name: 'On-call cardiology' });
    const table = panel.getByRole('grid', { name: 'On-call shifts of On-call cardiology, the next two weeks' });
    await panel
      .getByRole('grid', { name: 'Members of On-call cardiology' })
      .getByRole('button', { name: 'Remove Minh Nguyen' })
      .click();
    await page
      .getByRole('alertdialog', { name: 'Remove Minh Nguyen from On-call cardiology?' })
      .getByRole('button', { name: 'Remove member' })
      .click();
    await status(page, 'Minh Nguyen no longer answers On-call cardiology.').waitFor({ timeout: 30_000 });
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 30_000 }).toBe(2);
    const rows = await table.locator('tbody tr').allInnerTexts();
    for (const row of rows) expect(row).toMatch(/Anika Patel[\s\S]*None/);
    expect(await onCallNow()).toEqual([{ userId: 'dr.patel', backupUserId: null, endsAt: start + 11 * HOUR }]);
    expect(await office.violations()).toEqual([]);
  });
});
