/**
 * A thread on a ward PC's screen: at 1366×768 (and at 1920×1080) a nurse reads several messages
 * and the reply box at once, with the first-sign-in PIN offer still showing; a STAT message and a
 * STAT conversation say so in words and an icon, not colour alone; and the workspace works from
 * the keyboard. The counts are measured in the page (getBoundingClientRect), not guessed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import {
  createUser,
  readyUsers,
  sealMessage,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../support/server-fixtures';
import {
  accessibilityViolations,
  openClinicianPage,
  signInWithCode,
  snapshot,
  snapshotAtSizes,
  type ClinicianPage,
} from './clinician-page';

const SUBJECT = 'Bed 14 post-op observations and analgesia plan for tonight';
const PATIENT = { ref: 'pat-4HX8M2', label: 'Bed 14, R. Castellanos-Whitfield' };
/** Ordinary one-line ward messages; one of them STAT, one urgent. */
const LINES = [
  { text: 'Back from theatre at 13:40, obs stable.', priority: 'routine' },
  { text: 'Pain score 6/10, PRN oxycodone given 14:05.', priority: 'routine' },
  { text: 'Drain output 40 ml in the first hour.', priority: 'routine' },
  { text: 'Urine output 25 ml/h, below target.', priority: 'urgent' },
  { text: 'Repeat obs at 15:00: BP 118/72, HR 88.', priority: 'routine' },
  { text: 'Family visiting until 17:00.', priority: 'routine' },
  { text: 'Sats dropped to 89% on room air, on 2 L now.', priority: 'stat' },
  { text: 'Sats back to 95%, will recheck in 30 min.', priority: 'routine' },
  { text: 'Bloods sent: FBC, U&E, CRP.', priority: 'routine' },
  { text: 'Tolerating sips of water.', priority: 'routine' },
  { text: 'Mobilised to the chair with help.', priority: 'routine' },
  { text: 'Handover to night staff at 19:30.', priority: 'routine' },
] as const;

let target: TestServer;
let nurse: TestUser;
let doctor: TestUser;
let host: HostProcess;
let browser: Browser;
let ward: ClinicianPage;

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  nurse = await createUser(target, {
    userId: 'nurse.achterberg',
    displayName: 'Willemijn Achterberg-Oyelaran',
    role: 'nurse',
    department: 'Surgical Ward 6 (Orthopaedics and Trauma)',
    title: 'Senior Staff Nurse',
  });
  const [physician] = await readyUsers(target, [
    {
      userId: 'dr.ferreira',
      displayName: 'Dr. Joaquim Ferreira da Silva',
      role: 'physician',
      department: 'Orthopaedic Surgery',
      title: 'Specialty Registrar',
    },
  ]);
  if (physician === undefined) throw new Error('no physician');
  doctor = physician;
  host = await startHostProcess(['--server', target.server.url, '--ca', target.server.caCertPath]);
  browser = await launchChromium();
  ward = await openClinicianPage(browser, host.url);
  await ward.page.setViewportSize({ width: 1366, height: 768 });
}, 120_000);

afterAll(async () => {
  await browser.close();
  await host.stop();
  await target.dispose();
}, 60_000);

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
const offer = (page: Page) => page.getByRole('region', { name: 'Choose an unlock PIN' });

/** Message items wholly inside the log's visible box, and whether the reply box is wholly on screen. */
function measure(page: Page) {
  return page.evaluate(() => {
    const logBox = document.querySelector('[role="log"]')!.getBoundingClientRect();
    const items = [...document.querySelectorAll('[role="log"] li.message')].map((item) => item.getBoundingClientRect());
    const visible = items.filter((box) => box.top >= logBox.top && box.bottom <= logBox.bottom).length;
    const reply = document.querySelector('form[aria-label="Reply"]')!.getBoundingClientRect();
    const root = document.scrollingElement!;
    return {
      items: items.length,
      visible,
      replyOnScreen: reply.top >= 0 && reply.bottom <= window.innerHeight && reply.height > 0,
      pageScrolls: root.scrollHeight > window.innerHeight,
    };
  });
}

describe('a thread on a ward screen', () => {
  it('offers a PIN in one line above the workspace after the first sign-in', async () => {
    const { page } = ward;
    await signInWithCode(page, target, nurse);
    await offer(page).waitFor();
    await expect(offer(page).innerText()).resolves.toContain(
      'Set an unlock PIN so Wardline unlocks quickly when it locks.',
    );
    // One line: no taller than its buttons and a little padding.
    const height = await offer(page).evaluate((element) => element.getBoundingClientRect().height);
    expect(height).toBeLessThan(60);
    await expect(offer(page).getByLabel('New PIN').count()).resolves.toBe(0);
  });

  it('lists a STAT conversation with its word, icon, unread count and time', async () => {
    const { page } = ward;
    // The nurse's thread about a patient, twelve one-line messages.
    const [first, ...rest] = LINES;
    const started = await page.evaluate(
      ({ line, subject, patient }) =>
        window.wardline!.message.send({
          to: [{ kind: 'user', userId: 'dr.ferreira' }],
          title: subject,
          patient,
          text: line.text,
          priority: line.priority,
          expiresInSeconds: null,
        }),
      { line: first, subject: SUBJECT, patient: PATIENT },
    );
    if (!started.ok) throw new Error(started.error.code);
    const { conversationId } = started.value;
    for (const line of rest) {
      const sent = await page.evaluate(
        ({ id, line: next }) =>
          window.wardline!.message.send({
            conversationId: id,
            text: next.text,
            priority: next.priority,
            expiresInSeconds: null,
          }),
        { id: conversationId, line },
      );
      expect(sent.ok).toBe(true);
    }
    // And a STAT message from the registrar in a thread of its own, unread.
    const envelope = await sealMessage(target, {
      from: doctor,
      to: [nurse],
      text: 'Please call me about bed 9 now.',
      priority: 'stat',
    });
    await target.api.ok('send', { envelope }, token(doctor));

    const list = page.getByRole('listbox', { name: 'Conversations' });
    const stat = list.getByRole('option', { name: /Dr\. Joaquim Ferreira da Silva.*STAT.*1 unread/ });
    await stat.waitFor({ timeout: 30_000 });
    await expect(stat.locator('.priority-marker svg[aria-hidden="true"]').count()).resolves.toBe(1);
    await expect(stat.locator('time').count()).resolves.toBe(1);
    await expect(list.getByRole('option').count()).resolves.toBe(2);
  });

  it('shows at least five messages and the reply box at 1366×768, with the PIN offer showing', async () => {
    const { page } = ward;
    const list = page.getByRole('listbox', { name: 'Conversations' });
    await list.getByRole('option').filter({ hasText: SUBJECT }).click();
    await log(page).getByText(LINES[11].text).waitFor({ timeout: 30_000 });
    await expect(offer(page).isVisible()).resolves.toBe(true);
    await snapshotAtSizes(page, 'ward-thread-pin-offer');
    const small = await measure(page);
    console.info(`1366×768: ${String(small.visible)} of ${String(small.items)} messages fully visible`);
    expect(small.items).toBe(LINES.length);
    expect(small.visible).toBeGreaterThanOrEqual(5);
    expect(small.replyOnScreen).toBe(true);
    expect(small.pageScrolls).toBe(false);

    // The header keeps every word in the page: names, subject and patient wrap, not cut.
    const header = await page.locator('.thread-header').innerText();
    for (const words of [SUBJECT, PATIENT.label, PATIENT.ref, 'Dr. Joaquim Ferreira da Silva'])
      expect(header).toContain(words);

    // STAT in the thread: the word, an icon hidden from assistive technology, and the colour.
    const statItem = log(page).getByRole('listitem').filter({ hasText: 'Sats dropped' });
    await expect(statItem.locator('.priority-marker').innerText()).resolves.toMatch(/^STAT$/i);
    await expect(statItem.locator('.priority-marker svg[aria-hidden="true"]').count()).resolves.toBe(1);

    await page.setViewportSize({ width: 1920, height: 1080 });
    const large = await measure(page);
    console.info(`1920×1080: ${String(large.visible)} of ${String(large.items)} messages fully visible`);
    expect(large.visible).toBeGreaterThanOrEqual(8);
    expect(large.replyOnScreen).toBe(true);
    expect(large.pageScrolls).toBe(false);
    await page.setViewportSize({ width: 1366, height: 768 });

    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });

  it('grows the reply box as a longer reply is typed, and keeps it on screen', async () => {
    const { page } = ward;
    const field = page.getByRole('textbox', { name: 'Message', exact: true });
    const before = await field.evaluate((element) => element.getBoundingClientRect().height);
    await field.fill('Line one\nLine two\nLine three\nLine four');
    const after = await field.evaluate((element) => element.getBoundingClientRect().height);
    expect(after).toBeGreaterThan(before + 40);
    const shown = await measure(page);
    expect(shown.replyOnScreen).toBe(true);
    expect(shown.visible).toBeGreaterThanOrEqual(3);
    // The log shrank under the reader: the newest message is still wholly in view.
    await expect
      .poll(() =>
        page.getByRole('log', { name: 'Messages' }).evaluate((log) => {
          const items = log.querySelectorAll('li.message');
          const newest = items[items.length - 1]?.getBoundingClientRect();
          const box = log.getBoundingClientRect();
          return newest !== undefined && newest.bottom <= box.bottom + 1 && newest.top >= box.top - 1;
        }),
      )
      .toBe(true);
    await snapshot(page, 'ward-reply-growing');
    await field.fill('');
  });

  it('reaches the list, the log and the reply box with Tab alone', async () => {
    const { page } = ward;
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const reached = new Set<string>();
    for (let step = 0; step < 60 && reached.size < 3; step += 1) {
      await page.keyboard.press('Tab');
      const where = await page.evaluate(() => {
        const element = document.activeElement;
        if (element === null) return '';
        if (element.id === 'conversation-listbox' || element.closest('#conversation-listbox')) return 'list';
        if (element.getAttribute('role') === 'log') return 'log';
        if (element.closest('form[aria-label="Reply"]') && element.tagName === 'TEXTAREA') return 'reply';
        return '';
      });
      if (where !== '') reached.add(where);
    }
    expect([...reached].sort()).toEqual(['list', 'log', 'reply']);
  });

  it('opens the PIN form in a dialog from the keyboard, and Escape closes it', async () => {
    const { page } = ward;
    const setPin = offer(page).getByRole('button', { name: 'Set a PIN…' });
    await setPin.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Choose an unlock PIN' });
    await dialog.waitFor();
    // Focus is in the form, on its first field.
    await expect(dialog.getByLabel('New PIN').evaluate((element) => element === document.activeElement)).resolves.toBe(
      true,
    );
    await snapshotAtSizes(page, 'ward-pin-dialog');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => setPin.evaluate((element) => element === document.activeElement)).toBe(true);

    // Cancel closes it too; then a PIN is set and the offer is gone, focus kept in the page.
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).press('Enter');
    await dialog.waitFor({ state: 'detached' });
    // Focus comes back to the button that opened it (after the dialog has gone).
    await expect.poll(() => setPin.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await dialog.getByLabel('New PIN').fill('579135');
    await dialog.getByLabel('Repeat PIN').fill('579135');
    await dialog.getByRole('button', { name: 'Set PIN' }).press('Enter');
    await offer(page).waitFor({ state: 'detached', timeout: 30_000 });
    await expect(dialog.count()).resolves.toBe(0);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');

    const settled = await measure(page);
    console.info(`1366×768 without the offer: ${String(settled.visible)} messages fully visible`);
    expect(settled.visible).toBeGreaterThanOrEqual(5);
    await snapshotAtSizes(page, 'ward-thread');
  });
});
