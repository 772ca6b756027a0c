/**
 * Acknowledgement as clinicians meet it, on a real server with two workstations: a nurse's STAT
 * message waits, visibly, on both sides ("Awaiting acknowledgement", "1 to acknowledge") until the
 * physician acknowledges it from the keyboard with "On my way"; the nurse's thread then says who
 * and when. A routine reply asks for acknowledgement only when the sender ticks the box.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { createUser, startTestServer, type TestServer, type TestUser } from '../support/server-fixtures';
import {
  accessibilityViolations,
  focused,
  openClinicianPage,
  signInWithCode,
  snapshotAtSizes,
  type ClinicianPage,
} from './clinician-page';

const STAT_TEXT = 'Bed 7 K+ 6.8 on the repeat sample, ECG changes.';
const ROUTINE_TEXT = 'Family would like an update before 18:00.';

let target: TestServer;
let nurse: TestUser;
let doctor: TestUser;
let hostA: HostProcess;
let hostB: HostProcess;
let browser: Browser;
let a: ClinicianPage;
let b: ClinicianPage;

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  nurse = await createUser(target, {
    userId: 'nurse.okonjo',
    displayName: 'Ada Okonjo',
    role: 'nurse',
    department: 'Cardiology Ward 4B',
    title: 'Charge Nurse',
  });
  doctor = await createUser(target, {
    userId: 'dr.lindqvist',
    displayName: 'Dr. Elin Lindqvist',
    role: 'physician',
    department: 'Cardiology',
    title: 'Registrar',
  });
  const serverArgs = ['--server', target.server.url, '--ca', target.server.caCertPath];
  [hostA, hostB] = await Promise.all([startHostProcess(serverArgs), startHostProcess(serverArgs)]);
  browser = await launchChromium();
  [a, b] = await Promise.all([openClinicianPage(browser, hostA.url), openClinicianPage(browser, hostB.url)]);
  await Promise.all([
    a.page.setViewportSize({ width: 1366, height: 768 }),
    b.page.setViewportSize({ width: 1366, height: 768 }),
  ]);
  // The physician signs in first, so their keys are published before the nurse writes.
  await signInWithCode(b.page, target, doctor);
  await signInWithCode(a.page, target, nurse);
}, 120_000);

afterAll(async () => {
  await browser.close();
  await Promise.all([hostA.stop(), hostB.stop()]);
  await target.dispose();
}, 60_000);

const list = (page: Page) => page.getByRole('listbox', { name: 'Conversations' });
const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
const item = (page: Page, text: string) => log(page).getByRole('listitem').filter({ hasText: text });

describe('acknowledging a STAT message', () => {
  let conversationId: string;

  it('waits, visibly, on both sides until someone acknowledges', async () => {
    const sent = await a.page.evaluate(
      (text) =>
        window.wardline!.message.send({
          to: [{ kind: 'user', userId: 'dr.lindqvist' }],
          title: null,
          patient: null,
          text,
          priority: 'stat',
          expiresInSeconds: null,
        }),
      STAT_TEXT,
    );
    if (!sent.ok) throw new Error(sent.error.code);
    conversationId = sent.value.conversationId;

    await list(a.page)
      .getByRole('option', { name: /Dr\. Elin Lindqvist.*Awaiting acknowledgement/ })
      .waitFor({ timeout: 30_000 });
    await list(a.page)
      .getByRole('option', { name: /Dr\. Elin Lindqvist/ })
      .click();
    await item(a.page, STAT_TEXT).getByText('Awaiting acknowledgement').waitFor({ timeout: 30_000 });
    // The sender is not offered to acknowledge their own message.
    await expect(
      item(a.page, STAT_TEXT).getByRole('group', { name: 'Acknowledge this message' }).count(),
    ).resolves.toBe(0);

    const incoming = list(b.page).getByRole('option', { name: /Ada Okonjo.*STAT.*1 unread.*1 to acknowledge/ });
    await incoming.waitFor({ timeout: 30_000 });
    // Unmistakable in the list: the word and an icon, not colour alone.
    await expect(incoming.locator('.list-acknowledgement').innerText()).resolves.toContain('1 to acknowledge');
  });

  it('is acknowledged from the keyboard with a quick reply, and the nurse sees who and when', async () => {
    const { page } = b;
    await list(page)
      .getByRole('option', { name: /Ada Okonjo/ })
      .click();
    const stat = item(page, STAT_TEXT);
    await stat.getByText('Acknowledgement requested').waitFor({ timeout: 30_000 });
    await expect(page.locator('li.message[data-awaiting]').count()).resolves.toBe(1);
    await snapshotAtSizes(page, 'ack-stat-awaiting');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    // Keyboard only: from the Acknowledge button, Tab to "On my way", then Enter.
    await stat.getByRole('button', { name: 'Acknowledge', exact: true }).focus();
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toBe('Acknowledge: On my way');
    await page.keyboard.press('Enter');
    await stat.getByText(/Acknowledged by Dr\. Elin Lindqvist: On my way, /).waitFor({ timeout: 30_000 });
    await expect(stat.getByRole('group', { name: 'Acknowledge this message' }).count()).resolves.toBe(0);
    // The alarm ends once it is taken; the list no longer asks for it.
    await expect(page.locator('li.message[data-awaiting]').count()).resolves.toBe(0);
    await list(page)
      .getByRole('option', { name: /Ada Okonjo/ })
      .filter({ hasNotText: 'to acknowledge' })
      .waitFor();

    await item(a.page, STAT_TEXT)
      .getByText(/Acknowledged by Dr\. Elin Lindqvist: On my way, /)
      .waitFor({ timeout: 30_000 });
    await list(a.page)
      .getByRole('option', { name: /Dr\. Elin Lindqvist/ })
      .filter({ hasNotText: 'Awaiting acknowledgement' })
      .waitFor();
    await snapshotAtSizes(a.page, 'ack-stat-acknowledged');
  });

  it('asks for acknowledgement of a routine reply only when the sender ticks the box', async () => {
    const { page } = a;
    const field = page.getByRole('textbox', { name: 'Message', exact: true });
    await field.fill('Thanks, see you shortly.');
    await page.keyboard.press('Control+Enter');
    await item(page, 'Thanks, see you shortly.').waitFor({ timeout: 30_000 });
    await expect(item(page, 'Thanks, see you shortly.').getByText('Awaiting acknowledgement').count()).resolves.toBe(0);

    await field.fill(ROUTINE_TEXT);
    const box = page.getByRole('checkbox', { name: 'Ask for acknowledgement' });
    await box.focus();
    await page.keyboard.press('Space');
    await expect(box.isChecked()).resolves.toBe(true);
    await field.press('Control+Enter');
    await item(page, ROUTINE_TEXT).getByText('Awaiting acknowledgement').waitFor({ timeout: 30_000 });
    // The box clears for the next message.
    await expect(box.isChecked()).resolves.toBe(false);

    const routine = item(b.page, ROUTINE_TEXT);
    await routine.getByRole('button', { name: 'Acknowledge', exact: true }).waitFor({ timeout: 30_000 });
    await expect(
      item(b.page, 'Thanks, see you shortly.').getByRole('button', { name: 'Acknowledge', exact: true }).count(),
    ).resolves.toBe(0);
    await routine.getByRole('button', { name: 'Acknowledge', exact: true }).press('Enter');
    await item(page, ROUTINE_TEXT)
      .getByText(/Acknowledged by Dr\. Elin Lindqvist, /)
      .waitFor({ timeout: 30_000 });
    // Focus went back to the log, not to the body of the page.
    await expect(b.page.evaluate(() => document.activeElement?.getAttribute('role'))).resolves.toBe('log');
    expect(conversationId).toBeTruthy();
  });

  it('shows urgent and STAT as always asking, in the reply box', async () => {
    const { page } = a;
    await page.getByLabel('Priority').selectOption('stat');
    const box = page.getByRole('checkbox', { name: 'Ask for acknowledgement' });
    await expect(box.isChecked()).resolves.toBe(true);
    await expect(box.isDisabled()).resolves.toBe(true);
    await page.getByLabel('Priority').selectOption('routine');
    await expect(box.isChecked()).resolves.toBe(false);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    expect([...(await a.violations()), ...(await b.violations())]).toEqual([]);
  });
});
