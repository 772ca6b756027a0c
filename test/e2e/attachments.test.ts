/**
 * Attachments as clinicians meet them (issue 19, item 1), in Chromium through two browser hosts
 * against a real server (PGlite): a nurse attaches a phone photo carrying GPS, a discharge PDF
 * and a hostile PDF (scripts, Launch, a remote link), sees them as chips and sends; the physician
 * sees the thumbnails and opens each in Wardline's viewer. Nothing runs, nothing remote is asked
 * for, no dialog opens, the CSP reports nothing; a 200 MB file is refused with the limit named
 * before a byte is read. The photo the physician's core holds has no metadata (checked through
 * the page's own bridge). Axe finds nothing; screenshots with WARDLINE_E2E_SCREENSHOTS.
 */
import { closeSync, mkdtempSync, openSync, rmSync, ftruncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import { hostilePdf, imageMetadataMarkers, jpegWithGps, pdfWithText } from '../support/attachment-fixtures';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { launchChromium } from '../support/chromium';
import { createUser, startTestServer, type TestServer, type TestUser } from '../support/server-fixtures';
import {
  accessibilityViolations,
  openClinicianPage,
  signInWithCode,
  snapshotAtSizes,
  type ClinicianPage,
} from './clinician-page';

let target: TestServer;
let nurse: TestUser;
let doctor: TestUser;
let hostA: HostProcess;
let hostB: HostProcess;
let browser: Browser;
let a: ClinicianPage;
let b: ClinicianPage;
let fileDir: string;
/** Every request either page made that did not go to its own host. */
const remote: string[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  nurse = await createUser(target, {
    userId: 'nurse.osei',
    displayName: 'Ama Osei',
    role: 'nurse',
    department: 'Surgical Ward 7',
    title: 'Staff Nurse',
  });
  doctor = await createUser(target, {
    userId: 'dr.lindqvist',
    displayName: 'Dr. Erik Lindqvist',
    role: 'physician',
    department: 'Surgery',
    title: 'Registrar',
  });
  fileDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-files-'));
  const serverArgs = ['--server', target.server.url, '--ca', target.server.caCertPath];
  [hostA, hostB] = await Promise.all([startHostProcess(serverArgs), startHostProcess(serverArgs)]);
  browser = await launchChromium();
  [a, b] = await Promise.all([openClinicianPage(browser, hostA.url), openClinicianPage(browser, hostB.url)]);
  for (const { page } of [a, b]) {
    await page.setViewportSize({ width: 1366, height: 768 });
    const own = new URL(page.url()).origin;
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(own) && !url.startsWith('data:') && !url.startsWith('blob:')) remote.push(url);
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('popup', (popup) => dialogs.push(`popup ${popup.url()}`));
  }
  await signInWithCode(a.page, target, nurse);
  await signInWithCode(b.page, target, doctor);
}, 180_000);

afterAll(async () => {
  await browser.close();
  await Promise.all([hostA.stop(), hostB.stop()]);
  await target.dispose();
  rmSync(fileDir, { recursive: true, force: true });
}, 60_000);

const list = (page: Page) => page.getByRole('listbox', { name: 'Conversations' });
const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
const fileInput = (page: Page) => page.locator('input[type="file"]').first();

/** Until the viewer's page canvas has ink on it: pdf.js has drawn the page, text included. */
const pageDrawn = (page: Page) =>
  page.waitForFunction(
    () => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas.viewer-page-canvas');
      const context = canvas?.getContext('2d');
      if (!canvas || !context || canvas.width === 0) return false;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 128 && data[i + 3]! > 0) return true;
      return false;
    },
    null,
    { timeout: 30_000 },
  );

describe('attachments between a nurse and a physician', () => {
  it('a 200 MB file is refused with the limit named, before anything is read', async () => {
    const { page } = a;
    await page.getByRole('button', { name: 'New message' }).click();
    await page.getByRole('combobox', { name: 'To' }).fill('Lindqvist');
    await page.getByRole('option', { name: /Dr\. Erik Lindqvist/ }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const big = path.join(fileDir, 'ct-series.pdf');
    const handle = openSync(big, 'w');
    ftruncateSync(handle, 200 * 1024 * 1024);
    closeSync(handle);
    await fileInput(page).setInputFiles(big);
    await page.getByText(/This file is 200 MB; this workstation allows up to 25 MB/).waitFor();
    await expect(page.getByRole('list', { name: 'Attached files' }).count()).resolves.toBe(0);
  });

  it('attaches a photo, a PDF and a hostile PDF as chips, and sends them', async () => {
    const { page } = a;
    const photo = await jpegWithGps();
    await fileInput(page).setInputFiles([
      { name: 'wound day 3.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(photo.bytes) },
      { name: 'discharge.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdfWithText()) },
      { name: 'referral.pdf', mimeType: 'application/pdf', buffer: Buffer.from(hostilePdf()) },
    ]);
    const chips = page.getByRole('list', { name: 'Attached files' });
    for (const name of ['wound day 3.jpg', 'discharge.pdf', 'referral.pdf'])
      await chips.getByRole('button', { name: `Remove ${name}` }).waitFor({ timeout: 30_000 });
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshotAtSizes(page, 'attachments-compose');
    const field = page.getByRole('textbox', { name: 'Message', exact: true });
    await field.fill('Wound day 3, discharge letter and the referral');
    await field.press('Control+Enter');
    await page.getByRole('heading', { level: 2, name: /Dr\. Erik Lindqvist/ }).waitFor({ timeout: 30_000 });
    await log(page)
      .getByRole('button', { name: /Open wound day 3\.jpg/ })
      .waitFor({ timeout: 30_000 });
  });

  it('the physician sees thumbnails, and the photo opens without its metadata', async () => {
    const { page } = b;
    await list(page)
      .getByRole('option', { name: /Ama Osei/ })
      .click({ timeout: 60_000 });
    const photoCard = log(page).getByRole('button', { name: /Open wound day 3\.jpg/ });
    await photoCard.waitFor({ timeout: 60_000 });
    await log(page)
      .getByRole('button', { name: /Open referral\.pdf/ })
      .waitFor({ timeout: 60_000 });
    await expect(log(page).locator('img.attachment-thumbnail').count()).resolves.toBe(1);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshotAtSizes(page, 'attachments-thread');

    await photoCard.click();
    const viewer = page.getByRole('dialog', { name: 'wound day 3.jpg' });
    await viewer.waitFor();
    await viewer.getByRole('img').first().waitFor();
    await expect(viewer.getByRole('button', { name: 'Save to Downloads' }).count()).resolves.toBe(0);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await snapshotAtSizes(page, 'attachments-image');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });

    // What main handed the viewer: the bytes of a photo with no EXIF, GPS or XMP left.
    const markers = await page.evaluate(async () => {
      const bridge = window.wardline!;
      const list = await bridge.conversations.list({ offset: 0, limit: 1 });
      if (!list.ok) return null;
      const thread = await bridge.conversation.open({ conversationId: list.value.items[0]!.id, again: true });
      if (!thread.ok) return null;
      const message = thread.value.messages.find((m) => m.attachments.length > 0)!;
      const opened = await bridge.attachment.open({ messageId: message.id, attachmentId: message.attachments[0]!.id });
      return opened.ok ? opened.value.data : null;
    });
    expect(markers).not.toBeNull();
    expect(imageMetadataMarkers(Buffer.from(markers!, 'base64'))).toEqual([]);
  });

  it('opens the PDFs in the viewer; the hostile one runs nothing and fetches nothing', async () => {
    const { page } = b;
    await log(page)
      .getByRole('button', { name: /Open discharge\.pdf/ })
      .click();
    const viewer = page.getByRole('dialog', { name: 'discharge.pdf' });
    await viewer.getByRole('img', { name: 'discharge.pdf, page 1' }).waitFor({ timeout: 30_000 });
    await pageDrawn(page);
    await snapshotAtSizes(page, 'attachments-pdf');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });

    await log(page)
      .getByRole('button', { name: /Open referral\.pdf/ })
      .click();
    const hostile = page.getByRole('dialog', { name: 'referral.pdf' });
    await hostile.getByRole('img', { name: /referral\.pdf, page 1/ }).waitFor({ timeout: 30_000 });
    await pageDrawn(page);
    // Give anything it might have started a moment to show itself.
    await page.waitForTimeout(1500);
    await page.keyboard.press('Escape');
    await hostile.waitFor({ state: 'detached' });
    expect(dialogs).toEqual([]);
    expect(remote).toEqual([]);
    await expect(b.violations()).resolves.toEqual([]);
    await expect(a.violations()).resolves.toEqual([]);
  });
});
