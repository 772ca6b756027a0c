/**
 * Availability as clinicians meet it (issue 18 item 4): a physician, by keyboard only, sets Off
 * duty until the end of the shift covered by a colleague; a nurse finds the physician in the
 * directory, sees "Off duty … covered by …", is told before sending that the cover will also
 * receive it, and sends; the cover receives it and is a participant of the conversation. Then Do
 * not disturb: a routine message raises no notice on the physician's workstation, a STAT one does.
 * Axe finds nothing in the status dialog, the picker or compose; screenshots at 1366×768.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import {
  createUser,
  readyUsers,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../support/server-fixtures';
import {
  accessibilityViolations,
  focused,
  openClinicianPage,
  signInWithCode,
  snapshot,
  type ClinicianPage,
} from './clinician-page';

let target: TestServer;
let nurse: TestUser;
let doctor: TestUser;
let colleague: TestUser;
let hostA: HostProcess;
let hostB: HostProcess;
let browser: Browser;
let a: ClinicianPage;
let b: ClinicianPage;
let conversationId = '';

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  nurse = await createUser(target, {
    userId: 'nurse.adams',
    displayName: 'Grace Adams',
    role: 'nurse',
    department: 'Cardiology Ward 4B',
    title: 'Registered Nurse',
  });
  doctor = await createUser(target, {
    userId: 'dr.patel',
    displayName: 'Dr. Anika Patel',
    role: 'physician',
    department: 'Cardiology',
    title: 'Consultant Cardiologist',
  });
  // The colleague has signed in before (published keys) but is not at a workstation now.
  const [cover] = await readyUsers(target, [
    {
      userId: 'dr.nguyen',
      displayName: 'Dr. Minh Nguyen',
      role: 'physician',
      department: 'Cardiology',
      title: 'Registrar',
    },
  ]);
  if (cover === undefined) throw new Error('no colleague');
  colleague = cover;
  const serverArgs = ['--bundled', '--server', target.server.url, '--ca', target.server.caCertPath];
  [hostA, hostB] = await Promise.all([startHostProcess(serverArgs), startHostProcess(serverArgs)]);
  browser = await launchChromium();
  [a, b] = await Promise.all([openClinicianPage(browser, hostA.url), openClinicianPage(browser, hostB.url)]);
  for (const { page } of [a, b]) await page.setViewportSize({ width: 1366, height: 768 });
  await signInWithCode(a.page, target, nurse);
  await signInWithCode(b.page, target, doctor);
  // Notices main raises for the physician's workstation (the OS shows them; here they are kept).
  await b.page.evaluate(() => {
    const seen: unknown[] = [];
    Object.defineProperty(window, '__notices', { value: seen });
    window.wardline!.events.subscribe('notification.show', (notice) => seen.push(notice));
  });
}, 180_000);

afterAll(async () => {
  await browser.close();
  await Promise.all([hostA.stop(), hostB.stop()]);
  await target.dispose();
}, 60_000);

const statusButton = (page: Page) => page.getByRole('button', { name: /^Your status: / });
const notices = (page: Page) =>
  page.evaluate(() => [...((window as unknown as { __notices?: unknown[] }).__notices ?? [])]);

describe('a physician goes off duty, covered by a colleague', () => {
  it('sets Off duty until the end of the shift with a cover, by keyboard only', async () => {
    const { page } = b;
    await expect(statusButton(page).innerText()).resolves.toContain('Available');
    await expect(statusButton(page).getAttribute('aria-label')).resolves.toBe('Your status: Available');
    await statusButton(page).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Your status' });
    await dialog.waitFor();
    // Into the status choices (Available is chosen), then three steps to Off duty.
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toBe('INPUT');
    for (let step = 0; step < 3; step += 1) await page.keyboard.press('ArrowRight');
    await expect(dialog.getByRole('radio', { name: 'Off duty' }).isChecked()).resolves.toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowRight');
    await expect(dialog.getByRole('radio', { name: 'End of shift (8 hours)' }).isChecked()).resolves.toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Nguyen');
    const option = page.getByRole('option', { name: /Dr\. Minh Nguyen/ });
    await option.waitFor();
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshot(page, 'availability-dialog-1366x768');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await dialog.getByText('Covering colleague: Dr. Minh Nguyen').waitFor();
    await expect(focused(page)).resolves.toMatch(/^Remove/);
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toBe('Save');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    // The word in the header; the whole line (until when, who covers) is the control's name.
    await expect(statusButton(page).innerText()).resolves.toBe('Off duty');
    await expect(statusButton(page).getAttribute('aria-label')).resolves.toMatch(
      /^Your status: Off duty until .*, covered by Dr\. Minh Nguyen$/,
    );
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshot(page, 'availability-header-1366x768');
  });

  it('shows the nurse the physician off duty in the picker, and names the cover before sending', async () => {
    const { page } = a;
    await page.getByRole('button', { name: 'New message' }).click();
    await page.getByRole('combobox', { name: 'To' }).fill('Patel');
    const option = page.getByRole('option', { name: /Dr\. Anika Patel/ });
    await option.waitFor();
    await expect(option.innerText()).resolves.toMatch(/Off duty until .*, covered by Dr\. Minh Nguyen/);
    // With the suggestions open React Aria hides the rest of the page (see messaging.test.ts): the
    // field and its suggestions are what is on offer, and those are scanned.
    await expect(accessibilityViolations(page, '.recipient-field')).resolves.toEqual([]);
    await expect(accessibilityViolations(page, '.combo-popover')).resolves.toEqual([]);
    await snapshot(page, 'availability-picker-1366x768');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByText('Dr. Anika Patel is off duty; Dr. Minh Nguyen (covering) will also receive this').waitFor();
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshot(page, 'availability-compose-1366x768');
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Bed 12 K+ 6.1 on repeat, please review');
    await page.getByRole('textbox', { name: 'Message', exact: true }).press('Control+Enter');
    await page.getByRole('heading', { level: 2, name: /Dr\. Anika Patel/ }).waitFor({ timeout: 30_000 });
    // The cover is a participant of the conversation the nurse sees, and the thread header says,
    // in words beside an icon, that the physician is off duty and who covers.
    await page.locator('.participant-name', { hasText: 'Dr. Minh Nguyen' }).waitFor();
    await page
      .locator('.participant', { hasText: 'Dr. Anika Patel' })
      .getByText(/^Off duty until .*, covered by Dr\. Minh Nguyen$/)
      .waitFor();
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshot(page, 'availability-thread-1366x768');
    const list = await page.evaluate(() => window.wardline!.conversations.list({ offset: 0, limit: 10 }));
    conversationId = list.ok ? (list.value.items[0]?.id ?? '') : '';
    expect(conversationId).not.toBe('');
  });

  it('the colleague receives it, sealed to them', async () => {
    await expect
      .poll(
        async () => {
          const feed = await target.api.ok('feed', { after: 0, limit: 50 }, token(colleague));
          return feed.events.flatMap((event) =>
            event.type === 'envelope' && event.envelope.header.conversationId === conversationId
              ? [[...event.envelope.header.recipients].sort()]
              : [],
          );
        },
        { timeout: 30_000 },
      )
      .toEqual([[colleague.userId, doctor.userId].sort()]);
  });
});

describe('do not disturb', () => {
  const send = (page: Page, text: string, priority: 'routine' | 'stat') =>
    page.evaluate(
      ({ conversationId, text, priority }) =>
        window.wardline!.message.send({ conversationId, text, priority, expiresInSeconds: null }).then((r) => r.ok),
      { conversationId, text, priority },
    );

  it('holds back the notice of a routine message, never of a STAT one', async () => {
    const set = await b.page.evaluate(() =>
      window.wardline!.availability.set({ availability: { state: 'dnd', until: Date.now() + 3_600_000 } }),
    );
    expect(set.ok).toBe(true);
    const before = (await notices(b.page)).length;
    expect(await send(a.page, 'Routine: obs due at 16:00', 'routine')).toBe(true);
    // Arrived (the thread shows it on the physician's screen), and no notice was raised.
    await b.page
      .getByRole('option', { name: /Grace Adams/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await expect
      .poll(async () =>
        b.page.evaluate(async (id) => {
          const thread = await window.wardline!.conversation.open({ conversationId: id });
          return thread.ok ? thread.value.messages.length : 0;
        }, conversationId),
      )
      .toBe(2);
    expect((await notices(b.page)).length).toBe(before);

    expect(await send(a.page, 'STAT: Bed 12 arrest', 'stat')).toBe(true);
    await expect.poll(async () => (await notices(b.page)).length, { timeout: 30_000 }).toBe(before + 1);
    expect((await notices(b.page)).at(-1)).toMatchObject({ title: 'Wardline' });
  });
});
