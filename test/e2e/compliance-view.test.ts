/**
 * The compliance view as a compliance officer meets it: a real server, two workstations
 * (browser hosts running the real core) and Chromium. A nurse on the ward opens a conversation;
 * her workstation's audit log syncs to the server in the background. At another workstation the
 * compliance officer searches by that conversation and "conversation opened", sees the nurse's
 * record proven against the signed tree head, pages through a long result, and exports the
 * selection. The nurse's own page is refused by the channel, not just the screen.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import type { AuditSearchFilter } from '../../shared/audit/audit-entry';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { chainRecords, chainStart, pointAfter, signedBatch } from '../support/audit-batches';
import {
  createUser,
  freshTotpCode,
  publishIdentity,
  signIn as apiSignIn,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../support/server-fixtures';
import {
  accessibilityViolations,
  openClinicianPage,
  signInWithCode,
  snapshot,
  submitPassword,
  type ClinicianPage,
} from './clinician-page';

const TEXT = 'Bed 9: please review the fluid balance chart before the ward round.';
/** Searches the nurse makes (each one audited) so the officer's result needs a second page. */
const SEARCHES = 205;

const noFilter: AuditSearchFilter = {
  userId: null,
  patient: null,
  workstationId: null,
  conversationId: null,
  action: null,
  since: null,
  until: null,
};

let target: TestServer;
let nurse: TestUser;
let doctor: TestUser;
let officer: TestUser;
let wardHost: HostProcess;
let officeHost: HostProcess;
let browser: Browser;
let ward: ClinicianPage;
let office: ClinicianPage;
let conversationId: string;

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  nurse = await createUser(target, {
    userId: 'nurse.okafor',
    displayName: 'Ngozi Okafor',
    role: 'nurse',
    department: 'Ward 9',
    title: 'Staff Nurse',
  });
  doctor = await createUser(target, {
    userId: 'dr.mensah',
    displayName: 'Dr. Kofi Mensah',
    role: 'physician',
    department: 'Renal',
    title: 'Consultant',
  });
  officer = await createUser(target, {
    userId: 'compliance.lee',
    displayName: 'Jin Lee',
    role: 'compliance-officer',
    department: 'Information Governance',
    title: 'Privacy Officer',
  });
  // The physician has keys on the server (as after a first sign-in), so the nurse can write to them.
  await apiSignIn(target, doctor);
  await publishIdentity(target, doctor);
  const serverArgs = ['--server', target.server.url, '--ca', target.server.caCertPath];
  // The officer's workstation knows the hospital's archive key (RFC 7748's Alice key), as every
  // workstation would: an eDiscovery export names it.
  const policy = path.join(mkdtempSync(path.join(os.tmpdir(), 'wardline-policy-')), 'policy.json');
  writeFileSync(
    policy,
    JSON.stringify({
      archivePublicKey: 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=',
      archiveKeyFingerprint: '300c9c9603b92a4b39ed3958bf9240114804db4fd373012c0ca47432d63425ae',
    }),
  );
  [wardHost, officeHost] = await Promise.all([
    startHostProcess(serverArgs),
    startHostProcess([...serverArgs, '--policy', policy]),
  ]);
  browser = await launchChromium();
  [ward, office] = await Promise.all([
    openClinicianPage(browser, wardHost.url),
    openClinicianPage(browser, officeHost.url),
  ]);
  await signInWithCode(ward.page, target, nurse);
}, 120_000);

afterAll(async () => {
  await browser.close();
  await Promise.all([wardHost.stop(), officeHost.stop()]);
  await target.dispose();
}, 60_000);

const heading = (page: Page) => page.getByRole('heading', { level: 1, name: 'Audit trail' });
const auditTable = (page: Page) => page.getByRole('table');
const bodyRows = (page: Page) => auditTable(page).locator('tbody tr');

/** Every record the officer's workstation can find for this filter, all pages, through the bridge. */
function countThroughBridge(page: Page, filter: AuditSearchFilter): Promise<number> {
  return page.evaluate(async (wanted) => {
    let total = 0;
    let afterIndex = -1;
    for (;;) {
      const page = await window.wardline!.audit.search({ filter: wanted, afterIndex });
      if (!page.ok) return -1;
      total += page.value.records.length;
      const last = page.value.records.at(-1);
      if (!page.value.more || last === undefined) return total;
      afterIndex = last.treeIndex;
    }
  }, filter);
}

describe('on the ward', () => {
  it('the nurse opens a conversation, which her workstation records', async () => {
    const { page } = ward;
    await page.getByRole('button', { name: 'New message' }).click();
    await page.getByRole('combobox', { name: 'To' }).fill('Mensah');
    await page.getByRole('option', { name: /Kofi Mensah/ }).click();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(TEXT);
    await page.getByRole('button', { name: 'Send' }).click();
    // Sending opens the new thread: that is the "conversation opened" record.
    await page.getByRole('log', { name: 'Messages' }).getByText(TEXT).waitFor({ timeout: 30_000 });
    const list = await page.evaluate(() => window.wardline!.conversations.list({ offset: 0, limit: 10 }));
    if (!list.ok || list.value.items[0] === undefined) throw new Error('no conversation');
    conversationId = list.value.items[0].id;
  });

  it('refuses the nurse at the channel, and her screen has no compliance view', async () => {
    const { page } = ward;
    const searched = await page.evaluate(
      (filter) => window.wardline!.audit.search({ filter, afterIndex: -1 }),
      noFilter,
    );
    expect(searched).toMatchObject({ ok: false, error: { code: 'NOT_PERMITTED' } });
    const exported = await page.evaluate((filter) => window.wardline!.audit.export({ filter }), noFilter);
    expect(exported).toMatchObject({ ok: false, error: { code: 'NOT_PERMITTED' } });
    await expect(heading(page).count()).resolves.toBe(0);
    await expect(page.getByRole('form', { name: 'Search the audit trail' }).count()).resolves.toBe(0);
    await expect(page.getByRole('listbox', { name: 'Conversations' }).isVisible()).resolves.toBe(true);
  });
});

describe('in information governance', () => {
  it('shows the compliance officer the audit trail, not messaging', async () => {
    const { page } = office;
    await submitPassword(page, officer);
    await page.getByLabel('Authentication code').fill(freshTotpCode(target, officer));
    await page.keyboard.press('Enter');
    await heading(page).waitFor({ timeout: 30_000 });
    await expect(page.getByRole('listbox', { name: 'Conversations' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'New message' }).count()).resolves.toBe(0);
    const banner = page.getByRole('banner');
    await expect(banner.innerText()).resolves.toContain('Compliance officer');
    for (const name of ['Settings', 'Lock', 'Sign out'])
      await expect(banner.getByRole('button', { name }).isVisible()).resolves.toBe(true);
    // The first sign-in here offers a PIN; not now.
    const offer = page.getByRole('region', { name: 'Choose an unlock PIN' });
    if ((await offer.count()) > 0) {
      await snapshot(page, 'compliance-pin-offer');
      await offer.getByRole('button', { name: 'Not now' }).click();
    }
    await snapshot(page, 'compliance-start');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });

  it('names a filter that cannot be right beside its field, and searches nothing', async () => {
    const { page } = office;
    const patient = page.getByLabel('Patient reference');
    await patient.fill('Jane Doe');
    await patient.press('Enter');
    await expect(patient.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(patient.evaluate((input) => input === document.activeElement)).resolves.toBe(true);
    await page.getByText('Starts with “pat-”').waitFor();
    await expect(page.getByRole('table').count()).resolves.toBe(0);
    await snapshot(page, 'compliance-invalid');
    await patient.fill('');
    await expect(patient.getAttribute('aria-invalid')).resolves.toBe('false');
  });

  it("finds the nurse's record by conversation and action, verified against the signed head", async () => {
    const { page } = office;
    const filter = { ...noFilter, conversationId, action: 'conversation.opened' as const };
    // The nurse's workstation sends its log within a second or so; wait until the server has it.
    await expect.poll(() => countThroughBridge(page, filter), { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);

    await page.getByLabel('Conversation ID').fill(conversationId);
    await page.getByLabel('Action').selectOption({ label: 'Conversation opened' });
    await page.getByLabel('Conversation ID').press('Enter');

    const status = page
      .getByRole('status')
      .filter({ hasText: /Verified: \d+ records? proven in the signed audit head of \d+ records/ });
    await status.waitFor({ timeout: 30_000 });
    const rows = bodyRows(page);
    expect(await rows.count()).toBeGreaterThan(0);
    for (const row of await rows.all()) {
      const cells = await row.locator('th, td').allInnerTexts();
      expect(cells.slice(2, 6)).toEqual([
        nurse.userId,
        'Nurse',
        'Conversation opened',
        `Conversation ${conversationId.slice(0, 8)}…`,
      ]);
      expect(cells[8]).toBe('Success');
    }
    // The full ids and UTC are there for whoever hovers.
    await expect(rows.first().locator(`[title="${conversationId}"]`).count()).resolves.toBe(1);
    await expect(rows.first().locator('time').getAttribute('title')).resolves.toMatch(
      /^UTC \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
    await expect(rows.first().locator('time').innerText()).resolves.toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await expect(page.getByRole('alert').filter({ hasText: 'Not verified' }).count()).resolves.toBe(0);
    // Ids and codes only: the message and the people's names are nowhere in the view.
    const text = await page.locator('main').innerText();
    for (const secret of [TEXT, 'Ngozi Okafor', 'Kofi Mensah']) expect(text).not.toContain(secret);
    await snapshot(page, 'compliance-verified');
    await auditTable(page).scrollIntoViewIfNeeded();
    await snapshot(page, 'compliance-verified-table');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });

  it('exports the selection and names the file written', async () => {
    const { page } = office;
    await page.getByRole('button', { name: 'Export selection' }).click();
    const done = page
      .getByRole('status')
      .filter({ hasText: /Exported \d+ records? as a FHIR Bundle to wardline-audit-[0-9TZ-]+\.fhir\.json/ });
    await done.waitFor({ timeout: 30_000 });
    const fileName = await done.locator('code').innerText();
    const exportedCount = Number(/Exported (\d+) record/.exec(await done.innerText())?.[1]);
    expect(existsSync(path.join(officeHost.dataDir, 'exports', fileName))).toBe(true);
    await snapshot(page, 'compliance-exported');

    // The export is in the trail too, by the officer, with the number of records only: as her
    // workstation recorded it, and as the server that served it recorded it on its own chain.
    const filter = { ...noFilter, userId: officer.userId, action: 'export.created' as const };
    await expect.poll(() => countThroughBridge(page, filter), { timeout: 30_000, interval: 500 }).toBe(2);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('User ID').fill(officer.userId);
    await page.getByRole('button', { name: 'Search' }).click();
    const row = bodyRows(page).filter({ hasText: 'Export created' }).first();
    await row.waitFor({ timeout: 30_000 });
    // The export's record holds how many records it carried, and nothing of them.
    await expect(row.locator('td').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining([
        'Compliance officer',
        'Export created',
        `Search: ${String(exportedCount)} ${exportedCount === 1 ? 'result' : 'results'}`,
      ]),
    );
    await auditTable(page).scrollIntoViewIfNeeded();
    await snapshot(page, 'compliance-officer-records');
  });

  it("words the server's own records by what they acted on: a legal hold on the nurse's records", async () => {
    const { page } = office;
    const holdId = await target.server.admin.placeLegalHold(nurse.userId, officer.userId);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Action').selectOption({ label: 'Administrative action' });
    await page.getByRole('button', { name: 'Search' }).click();
    const row = bodyRows(page).filter({ hasText: 'Legal hold' });
    await row.waitFor({ timeout: 30_000 });
    const cells = await row.locator('th, td').allInnerTexts();
    expect(cells.slice(2, 6)).toEqual([
      officer.userId,
      'Compliance officer',
      'Administrative action',
      `Legal hold ${holdId.slice(0, 8)}… on ${nurse.userId}`,
    ]);
    await expect(row.locator(`[title="${holdId}"]`).count()).resolves.toBe(1);
    await auditTable(page).scrollIntoViewIfNeeded();
    await snapshot(page, 'compliance-admin-records');
    expect(await target.server.admin.releaseLegalHold(holdId, officer.userId)).toBe(true);
  });

  it('pages through a long result with Load more, by keyboard', async () => {
    const { page } = office;
    const filter = { ...noFilter, userId: nurse.userId, action: 'search.performed' as const };
    // The To field's suggestions were searches too; those are on the server already (the log syncs in order).
    const earlier = await countThroughBridge(page, filter);
    const expected = earlier + SEARCHES;
    const failed = await ward.page.evaluate(async (n) => {
      let failures = 0;
      for (let i = 0; i < n; i += 1)
        if (!(await window.wardline!.directory.search({ query: 'mensah' })).ok) failures += 1;
      return failures;
    }, SEARCHES);
    expect(failed).toBe(0);
    await expect.poll(() => countThroughBridge(page, filter), { timeout: 45_000, interval: 1000 }).toBe(expected);

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('User ID').fill(nurse.userId);
    await page.getByLabel('Action').selectOption({ label: 'Search performed' });
    await page.getByLabel('User ID').press('Enter');
    const more = page.getByRole('button', { name: 'Load more' });
    await more.waitFor({ timeout: 30_000 });
    const first = await bodyRows(page).count();
    expect(first).toBeLessThan(expected);
    await expect(auditTable(page).locator('caption').innerText()).resolves.toContain('(more to load)');

    await more.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => bodyRows(page).count(), { timeout: 30_000 }).toBe(expected);
    await expect(page.getByRole('button', { name: /^(Load more|Loading…)$/ }).count()).resolves.toBe(0);
    // Focus lands on the first new record, since the button is gone.
    const active = await page.evaluate(() => ({
      tag: document.activeElement?.tagName,
      index: document.activeElement?.querySelector('th')?.textContent,
    }));
    const firstNew = await bodyRows(page).nth(first).locator('th').innerText();
    expect(active).toEqual({ tag: 'TR', index: firstNew });
    await expect(
      page
        .getByRole('status')
        .filter({ hasText: `Verified: ${expected.toLocaleString('en-GB')} records proven` })
        .count(),
    ).resolves.toBe(1);
    await expect(bodyRows(page).first().locator('td').nth(4).innerText()).resolves.toMatch(/^Search: \d+ results?$/);
    await snapshot(page, 'compliance-load-more');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });

  it('shows an alert the server raised about a workstation whose records went missing', async () => {
    const { page } = office;
    // The physician's workstation (registered at its sign-in) sends records 1 and 2, then 5:
    // 3 and 4 never arrive, and the server keeps what came and says what is missing.
    const station = doctor.device;
    const first = await chainRecords(station.deviceId, chainStart(), [
      { actor: { userId: doctor.userId, role: 'physician' } },
      { actor: { userId: doctor.userId, role: 'physician' }, action: 'session.locked' },
    ]);
    await target.api.ok('auditBatch', await signedBatch(station, first));
    const afterGap = await chainRecords(station.deviceId, { ...pointAfter(first), seq: 4 }, [
      { actor: { userId: doctor.userId, role: 'physician' } },
    ]);
    await target.api.ok('auditBatch', await signedBatch(station, afterGap));

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Workstation ID').fill(station.deviceId);
    await page.getByRole('button', { name: 'Search' }).click();
    const alerts = page.getByRole('region', { name: '1 alert about the trail' });
    await alerts.waitFor({ timeout: 30_000 });
    const item = alerts.getByRole('listitem');
    await expect(item.count()).resolves.toBe(1);
    const text = await item.innerText();
    expect(text).toContain('Records missing (a gap in the workstation’s sequence)');
    expect(text).toContain(`Workstation ${station.deviceId}`);
    expect(text).toContain('First missing: the workstation’s record no. 3');
    expect(text).toMatch(/Noticed \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    // The records that did arrive are listed and proven all the same, each with the workstation's
    // own number, so the officer sees where the gap is: after no. 2, before no. 5.
    await page
      .getByRole('status')
      .filter({ hasText: /Verified: 3 records proven/ })
      .waitFor({ timeout: 30_000 });
    const workstationCells = await bodyRows(page).locator('td:nth-of-type(7)').allInnerTexts();
    expect(workstationCells.map((cell) => cell.replace(/\s+/g, ' ').trim())).toEqual(
      [1, 2, 5].map((n) => `${station.deviceId.slice(0, 8)}… no. ${String(n)}`),
    );
    await snapshot(page, 'compliance-trail-alert');
    await auditTable(page).scrollIntoViewIfNeeded();
    await snapshot(page, 'compliance-trail-alert-table');
    if (process.env.WARDLINE_COMPLIANCE_SCREENSHOT)
      await page.screenshot({ path: process.env.WARDLINE_COMPLIANCE_SCREENSHOT, fullPage: true });
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });

  it("places a legal hold on the nurse's messages for a matter, and releases it after proving who she is", async () => {
    const { page } = office;
    const holds = page.getByRole('region', { name: 'Legal holds on messages' });
    const form = holds.getByRole('form', { name: 'Place a legal hold' });
    // Nothing sent without a matter; the field says why and takes focus.
    await form.getByLabel('Person', { exact: true }).fill(nurse.userId);
    await form.getByRole('button', { name: 'Place hold' }).click();
    await expect(form.getByLabel('Matter').evaluate((field) => field === document.activeElement)).resolves.toBe(true);
    await form.getByText('Name the matter in one line').waitFor();
    await form.getByLabel('Matter').fill('Okafor v. St. Elsewhere');
    await form.getByLabel('Reason').selectOption('subpoena');
    await form.getByRole('button', { name: 'Place hold' }).click();
    const row = holds.getByRole('row').filter({ hasText: 'Okafor v. St. Elsewhere' });
    await row.waitFor();
    await expect(row.innerText()).resolves.toMatch(/Ngozi Okafor \(nurse\.okafor\)[\s\S]*Subpoena/);
    // The server has it, and keeps the nurse's conversation for the matter.
    const listed = await page.evaluate(() => window.wardline!.holds.list());
    expect(listed.ok && listed.value.holds.map((hold) => hold.custodian?.userId)).toEqual([nurse.userId]);
    // The matter's export: a package in the officer's exports folder, named by no party.
    await holds.getByRole('button', { name: 'Export the matter Okafor v. St. Elsewhere' }).click();
    const exported = holds.getByRole('status').filter({ hasText: /Exported \d+ messages? and 0 attachments/ });
    await exported.waitFor({ timeout: 60_000 });
    const folderName = (await exported.locator('code').innerText()).trim();
    expect(folderName).toMatch(/^matter-[0-9a-f]{12}-\d{8}T\d{6}\.wardline-matter$/);
    expect(folderName).not.toContain('Okafor');
    await snapshot(page, 'compliance-holds');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    // The sign-in is older than the window: releasing asks for the password and a code first.
    target.clock.advance(6 * 60_000);
    await row.getByRole('button', { name: 'Release the hold for Okafor v. St. Elsewhere' }).click();
    const prove = page.getByRole('dialog', { name: 'Confirm it is you' });
    await prove.waitFor();
    await prove.getByLabel('Password').fill(officer.password);
    await prove.getByLabel('Authentication code').fill(freshTotpCode(target, officer));
    await prove.getByRole('button', { name: 'Confirm and continue' }).click();
    await holds.getByText('No holds are in force.').waitFor();
  });

  it('keeps the title plain, breaks no CSP rule, and drops the records on sign-out', async () => {
    const { page } = office;
    await expect(page.title()).resolves.toBe('Wardline');
    expect(await office.violations()).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).not.toContain(nurse.userId);
    expect(text).not.toContain(conversationId.slice(0, 8));
  });
});
