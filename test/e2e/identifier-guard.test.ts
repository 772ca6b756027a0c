/**
 * The minimum-necessary guard as clinicians meet it (issue 19, item 3), in Chromium through two
 * browser hosts: a nurse (policy: warn) types a social security number, is asked, edits it out
 * with the flagged text selected for her, then in a conversation about a patient is told the text
 * needs no name or MRN and sends a phone number anyway; front desk (policy: block) is refused and
 * told why. By keyboard, with focus where it should be, axe finding nothing, and screenshots at
 * 1366×768 and 1920×1080 with WARDLINE_E2E_SCREENSHOTS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { createUser, readyUsers, startTestServer, type TestServer, type TestUser } from '../support/server-fixtures';
import {
  accessibilityViolations,
  focused,
  openClinicianPage,
  signInWithCode,
  snapshotAtSizes,
  type ClinicianPage,
} from './clinician-page';

const SSN = '219-09-9999';
const PATIENT = { ref: 'pat-4BX7Q2', label: 'Bed 4, M. Kowalski' };

let target: TestServer;
let nurse: TestUser;
let desk: TestUser;
let policyDir: string;
let ward: HostProcess;
let reception: HostProcess;
let browser: Browser;
let a: ClinicianPage;
let b: ClinicianPage;

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  nurse = await createUser(target, {
    userId: 'nurse.adams',
    displayName: 'Grace Adams',
    role: 'nurse',
    department: 'Cardiology Ward 4B',
    title: 'Registered Nurse',
  });
  desk = await createUser(target, {
    userId: 'desk.morgan',
    displayName: 'Rhys Morgan',
    role: 'front-desk',
    department: 'Reception',
    title: 'Receptionist',
  });
  // The physician has signed in before (published keys) but is not at a workstation now.
  await readyUsers(target, [
    {
      userId: 'dr.patel',
      displayName: 'Dr. Anika Patel',
      role: 'physician',
      department: 'Cardiology',
      title: 'Consultant Cardiologist',
    },
  ]);
  policyDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-policy-'));
  const blocking = path.join(policyDir, 'policy.json');
  writeFileSync(blocking, JSON.stringify({ identifierGuardFrontDesk: 'block' }));
  const serverArgs = ['--server', target.server.url, '--ca', target.server.caCertPath];
  [ward, reception] = await Promise.all([
    startHostProcess(serverArgs),
    startHostProcess([...serverArgs, '--policy', blocking]),
  ]);
  browser = await launchChromium();
  [a, b] = await Promise.all([openClinicianPage(browser, ward.url), openClinicianPage(browser, reception.url)]);
  for (const { page } of [a, b]) await page.setViewportSize({ width: 1366, height: 768 });
  await signInWithCode(a.page, target, nurse);
  await signInWithCode(b.page, target, desk);
}, 180_000);

afterAll(async () => {
  await browser.close();
  await Promise.all([ward.stop(), reception.stop()]);
  await target.dispose();
  rmSync(policyDir, { recursive: true, force: true });
}, 60_000);

const messageField = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });

async function startMessageToPatel(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'New message' }).click();
  await page.getByRole('combobox', { name: 'To' }).fill('Patel');
  await page.getByRole('option', { name: /Dr\. Anika Patel/ }).waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
}

/** The selected text of the focused field. */
const selection = (page: Page) =>
  page.evaluate(() => {
    const field = document.activeElement;
    if (!(field instanceof HTMLTextAreaElement || field instanceof HTMLInputElement)) return null;
    return field.value.slice(field.selectionStart ?? 0, field.selectionEnd ?? 0);
  });

describe('a nurse warned before sending an identifier', () => {
  it('asks before a social security number goes, and Edit message selects it in the text', async () => {
    const { page } = a;
    await startMessageToPatel(page);
    await page.getByLabel('Patient reference').fill(PATIENT.ref);
    await page.getByLabel('Name or bed').fill(PATIENT.label);
    await page
      .locator('.compose-patient-note')
      .getByText('This conversation will be about Bed 4, M. Kowalski: no name or MRN is needed in the text.')
      .waitFor();
    await messageField(page).fill(`Insurance asked for his SSN ${SSN}. K+ 6.1 at 14:30, bed 4.`);
    await messageField(page).press('Control+Enter');

    const dialog = page.getByRole('alertdialog', {
      name: 'This message contains a social security number. Send anyway?',
    });
    await dialog.waitFor();
    await expect(dialog.getByText('This conversation will be about Bed 4, M. Kowalski').count()).resolves.toBe(1);
    // The safe choice has focus; nothing was sent.
    await expect(focused(page)).resolves.toBe('Edit message');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshotAtSizes(page, 'guard-warning');

    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expect(selection(page)).resolves.toBe(SSN);
    const flagged = page.getByRole('status').filter({ hasText: 'Flagged in your message' });
    await expect(flagged.innerText()).resolves.toBe(
      'Flagged in your message: a social security number. Selected: 1 of 1.',
    );
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshotAtSizes(page, 'guard-edit');

    // Typed over: nothing is flagged, and the message goes without a question.
    await page.keyboard.type('(on file)');
    await page.getByRole('status').filter({ hasText: 'Nothing is flagged now.' }).waitFor();
    await messageField(page).press('Control+Enter');
    await page.getByRole('heading', { level: 2, name: /Dr\. Anika Patel/ }).waitFor({ timeout: 30_000 });
    await page.getByRole('log', { name: 'Messages' }).getByText('Insurance asked for his SSN (on file).').waitFor();
  });

  it('in the patient’s conversation says no name or MRN is needed, and Send anyway sends', async () => {
    const { page } = a;
    // Nothing flagged, nothing said: the ward screen keeps its lines for messages.
    await expect(page.locator('.reply-patient-note').count()).resolves.toBe(0);
    const text = 'Daughter asks you call her on (212) 555-0143 or 212-555-0199 after the round';
    await messageField(page).fill(text);
    await messageField(page).press('Control+Enter');
    const dialog = page.getByRole('alertdialog', { name: 'This message contains two phone numbers. Send anyway?' });
    await dialog.waitFor();
    await page
      .locator('.reply-patient-note')
      .getByText('This conversation is already about Bed 4, M. Kowalski: no name or MRN is needed in the text.')
      .waitFor();
    await expect(messageField(page).getAttribute('aria-describedby')).resolves.toContain(
      await page.locator('.reply-patient-note').getAttribute('id'),
    );
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshotAtSizes(page, 'guard-warning-reply');
    // By keyboard: from Edit message to Send anyway.
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toBe('Send anyway');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('log', { name: 'Messages' }).getByText(text).waitFor({ timeout: 30_000 });
    await expect(messageField(page).inputValue()).resolves.toBe('');
    await expect(page.getByRole('status').filter({ hasText: 'Flagged in your message' }).count()).resolves.toBe(0);
  });

  it('Escape is Edit message', async () => {
    const { page } = a;
    await messageField(page).fill('Wife is on jane.kowalski@example.org');
    await messageField(page).press('Control+Enter');
    const dialog = page.getByRole('alertdialog', { name: 'This message contains an email address. Send anyway?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(selection(page)).resolves.toBe('jane.kowalski@example.org');
    await messageField(page).fill('');
  });
});

describe('front desk, where policy blocks identifiers', () => {
  it('cannot send one, is told why, and can select it to remove it', async () => {
    const { page } = b;
    await startMessageToPatel(page);
    await messageField(page).fill('Mr Kowalski rang from 212-555-0143 to move his clinic to Thursday');
    await messageField(page).press('Control+Enter');
    await page
      .getByRole('alert')
      .getByText(
        'This message cannot be sent: it contains a phone number, which hospital policy does not allow in messages. Remove it, then send.',
      )
      .waitFor();
    await expect(page.getByRole('alertdialog').count()).resolves.toBe(0);
    await expect(messageField(page).getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshotAtSizes(page, 'guard-blocked');

    await page.getByRole('button', { name: 'Select flagged text' }).click();
    await expect(selection(page)).resolves.toBe('212-555-0143');
    await page.keyboard.type('the ward');
    await page.getByRole('status').filter({ hasText: 'Nothing is flagged now.' }).waitFor();
    await expect(messageField(page).getAttribute('aria-invalid')).resolves.toBe('false');
    await messageField(page).press('Control+Enter');
    await page.getByRole('heading', { level: 2, name: /Dr\. Anika Patel/ }).waitFor({ timeout: 30_000 });
  });
});
