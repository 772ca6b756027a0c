/**
 * Message search as a nurse meets it, on a real server (PGlite) with two workstations in Chromium:
 * a physician writes about a patient; the nurse presses Ctrl+K, types, sees the conversation,
 * sender, time and the matched words marked, and Enter opens the message in its thread, scrolled
 * to it and marked, even when it is older than the newest page. A recalled message is not found;
 * Escape closes the dialog and focus goes back; the dialog passes axe; and the words searched for
 * are nowhere in the address or the window title.
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

const TARGET = 'Potassium 5.9 on the repeat sample, please recheck at 18:00';
/** After the target: more than a thread's first page, so the target is not in it. */
const LATER_MESSAGES = 101;

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
  await a.page.setViewportSize({ width: 1366, height: 768 });
  // The nurse signs in first, so her keys are published before the physician writes.
  await signInWithCode(a.page, target, nurse);
  await signInWithCode(b.page, target, doctor);
}, 120_000);

afterAll(async () => {
  await browser.close();
  await Promise.all([hostA.stop(), hostB.stop()]);
  await target.dispose();
}, 60_000);

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Search messages' });
const searchBox = (page: Page) => dialog(page).getByRole('combobox', { name: 'Search messages' });
const results = (page: Page) => dialog(page).getByRole('listbox', { name: 'Found messages' });

/** The physician's workstation sends, as its compose would; answers the message id. */
async function send(
  page: Page,
  request: Record<string, unknown>,
): Promise<{ conversationId: string; messageId: string }> {
  const sent = await page.evaluate((body) => window.wardline!.message.send(body as never), request);
  if (!sent.ok) throw new Error(sent.error.code);
  return sent.value;
}

describe('searching messages', () => {
  let conversationId: string;

  it('opens on Ctrl+K, finds the words with conversation, sender and time, and passes axe', async () => {
    const first = await send(b.page, {
      to: [{ kind: 'user', userId: nurse.userId }],
      title: 'Overnight electrolytes',
      patient: { ref: 'pat-KX7Q21', label: 'Bartholomew Quigley, bed 4' },
      text: TARGET,
      priority: 'urgent',
      expiresInSeconds: null,
    });
    conversationId = first.conversationId;
    await b.page.evaluate(
      async ({ id, count }) => {
        for (let i = 1; i <= count; i += 1) {
          const sent = await window.wardline!.message.send({
            conversationId: id,
            text: `Observations stable, round ${String(i)}`,
            priority: 'routine',
            expiresInSeconds: null,
          });
          if (!sent.ok) throw new Error(sent.error.code);
        }
      },
      { id: conversationId, count: LATER_MESSAGES },
    );
    const insulin = await send(b.page, {
      conversationId,
      text: 'Give 10 units insulin now',
      priority: 'routine',
      expiresInSeconds: null,
    });
    const recalled = await b.page.evaluate(
      (messageId) => window.wardline!.message.recall({ messageId }),
      insulin.messageId,
    );
    expect(recalled.ok).toBe(true);

    const { page } = a;
    await page
      .getByRole('listbox', { name: 'Conversations' })
      .getByRole('option', { name: /Dr\. Elin Lindqvist/ })
      .waitFor({ timeout: 60_000 });
    await page.getByRole('listbox', { name: 'Conversations' }).focus();
    await page.keyboard.press('Control+k');
    await searchBox(page).waitFor();
    await expect(searchBox(page).evaluate((input) => input === document.activeElement)).resolves.toBe(true);
    await page.keyboard.type('quigley potas');
    const option = results(page).getByRole('option');
    await option.first().waitFor({ timeout: 30_000 });
    await expect(option.count()).resolves.toBe(1);
    await expect(option.first().locator('.search-result-conversation').innerText()).resolves.toBe('Dr. Elin Lindqvist');
    await expect(option.first().locator('.search-result-sender').innerText()).resolves.toContain('Dr. Elin Lindqvist');
    await expect(option.first().locator('time').count()).resolves.toBe(1);
    await expect(option.first().locator('mark').allInnerTexts()).resolves.toEqual(['Potassium']);
    await expect(dialog(page).getByRole('status').innerText()).resolves.toBe('1 message found.');
    // The words are PHI: nowhere in the address or the window title.
    expect(page.url()).not.toMatch(/quigley|potas/i);
    await expect(page.title()).resolves.not.toMatch(/quigley|potas/i);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshotAtSizes(page, 'search-dialog');
  }, 180_000);

  it('opens the message in its thread with Enter, older than the newest page, scrolled to and marked', async () => {
    const { page } = a;
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(dialog(page).count()).resolves.toBe(0);
    const message = page.locator('li.message[data-revealed]');
    await message.waitFor({ timeout: 30_000 });
    await expect(message.locator('.message-text').innerText()).resolves.toBe(TARGET);
    await expect(page.evaluate(() => document.activeElement?.classList.contains('message'))).resolves.toBe(true);
    // In view in the log, which holds more than its first page now.
    const box = await message.boundingBox();
    const log = await page.getByRole('log', { name: 'Messages' }).boundingBox();
    expect(
      box !== null && log !== null && box.y >= log.y && box.y + Math.min(box.height, 40) <= log.y + log.height,
    ).toBe(true);
    await expect(page.locator('li.message').count()).resolves.toBeGreaterThan(LATER_MESSAGES);
    await snapshotAtSizes(page, 'search-revealed');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    // The mark is brief.
    await page.locator('li.message[data-revealed]').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('never finds a recalled message, says so, and Escape closes with focus back where it was', async () => {
    const { page } = a;
    const button = page.getByRole('button', { name: 'Search', exact: true });
    await button.click();
    await searchBox(page).fill('insulin');
    await dialog(page).getByText('No messages match.').waitFor({ timeout: 30_000 });
    await expect(results(page).getByRole('option').count()).resolves.toBe(0);
    await page.keyboard.press('Escape');
    await expect(dialog(page).count()).resolves.toBe(0);
    await expect(focused(page)).resolves.toBe('Search');

    // Ctrl+F opens it too, empty: the last query went with the dialog.
    await page.keyboard.press('Control+f');
    await expect(searchBox(page).inputValue()).resolves.toBe('');
    await page.keyboard.press('Escape');
  });

  it('drops an open search when the screen locks', async () => {
    const { page } = a;
    await page.keyboard.press('Control+k');
    await searchBox(page).fill('quigley');
    await results(page).getByRole('option').first().waitFor({ timeout: 30_000 });
    await page.evaluate(() => window.wardline!.session.lock());
    await page.getByRole('heading', { name: /locked/i }).waitFor({ timeout: 30_000 });
    await expect(page.locator('body').innerText()).resolves.not.toMatch(/quigley|potassium/i);
    await expect(
      page.locator('input').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)),
    ).resolves.not.toContain('quigley');
  });
});
