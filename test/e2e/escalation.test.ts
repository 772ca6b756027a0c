/**
 * A STAT message to a role nobody acknowledges, as the ward lives it (issue 18): the on-call
 * physician, whose shift was imported from an iCalendar rota, gets it; nobody acknowledges; it
 * is re-alerted (an OS notice with no PHI), then escalated to the backup, who acknowledges with
 * "On my way"; the nurse's thread shows each step. The server's clock is injected and moved on;
 * nothing sleeps for the plan's minutes.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { createUser, signIn as apiSignIn, startTestServer, token, type TestServer } from '../support/server-fixtures';
import {
  accessibilityViolations,
  openClinicianPage,
  signInWithCode,
  snapshotAtSizes,
  type ClinicianPage,
} from './clinician-page';

const MINUTE = 60_000;
const TEXT = 'Bed 9 VT on the monitor, pulse present, BP 82/50.';

let target: TestServer;
let hosts: HostProcess[];
let browser: Browser;
let nurseAt: ClinicianPage;
let oncallAt: ClinicianPage;
let backupAt: ClinicianPage;

const icsTime = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The rota as a rota tool exports it: tonight's on-call shift, its backup an optional attendee. */
function rota(now: number): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Rota//EN',
    'BEGIN:VEVENT',
    'UID:night-1@rota.example',
    'DTSTAMP:20261101T000000Z',
    `DTSTART:${icsTime(now - 60 * MINUTE)}`,
    `DTEND:${icsTime(now + 11 * 60 * MINUTE)}`,
    'SUMMARY:Cardiology on call',
    'ATTENDEE;CN=Dr. Ravi Menon;ROLE=REQ-PARTICIPANT:mailto:ravi.menon@hospital.example',
    'ATTENDEE;CN=dr.nguyen;ROLE=OPT-PARTICIPANT:mailto:minh.nguyen@hospital.example',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

beforeAll(async () => {
  target = await startTestServer('pglite', {
    accountKdf: DEFAULT_ACCOUNT_KDF,
    escalation: { repeatEveryMs: MINUTE, backupAfterMs: 2 * MINUTE, everyoneAfterMs: 3 * MINUTE },
  });
  const nurse = await createUser(target, { userId: 'nurse.osei', displayName: 'Abena Osei', role: 'nurse' });
  const oncall = await createUser(target, { userId: 'dr.menon', displayName: 'Dr. Ravi Menon', role: 'physician' });
  const backup = await createUser(target, { userId: 'dr.nguyen', displayName: 'Dr. Minh Nguyen', role: 'physician' });
  const admin = await createUser(target, { userId: 'it.berg', displayName: 'Ola Berg', role: 'it-admin' });
  await target.server.admin.createRoleAddress({
    addressId: 'role:oncall-cardiology',
    displayName: 'On-call cardiology',
    department: 'Cardiology',
    description: 'The cardiology registrar on call',
    members: ['dr.menon', 'dr.nguyen'],
  });
  await apiSignIn(target, admin);
  const imported = await target.api.ok(
    'adminImportShifts',
    { addressId: 'role:oncall-cardiology', format: 'ics', text: rota(target.clock.now()), dryRun: false },
    token(admin),
  );
  if (!imported.applied) throw new Error(JSON.stringify(imported.problems));

  const serverArgs = ['--server', target.server.url, '--ca', target.server.caCertPath];
  hosts = await Promise.all([0, 1, 2].map(() => startHostProcess(serverArgs)));
  browser = await launchChromium();
  [nurseAt, oncallAt, backupAt] = (await Promise.all(hosts.map((host) => openClinicianPage(browser, host.url)))) as [
    ClinicianPage,
    ClinicianPage,
    ClinicianPage,
  ];
  for (const at of [nurseAt, oncallAt, backupAt]) await at.page.setViewportSize({ width: 1366, height: 768 });
  // The physicians sign in first, so their keys are published before the nurse writes.
  await signInWithCode(oncallAt.page, target, oncall);
  await signInWithCode(backupAt.page, target, backup);
  await signInWithCode(nurseAt.page, target, nurse);
  await oncallAt.page.evaluate(() => {
    const seen: string[] = [];
    Object.defineProperty(window, '__notices', { value: seen });
    window.wardline!.events.subscribe('notification.show', (notice) => seen.push(notice.body));
  });
}, 150_000);

afterAll(async () => {
  await browser.close();
  await Promise.all(hosts.map((host) => host.stop()));
  await target.dispose();
}, 60_000);

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
const list = (page: Page) => page.getByRole('listbox', { name: 'Conversations' });
const stat = (page: Page) => log(page).getByRole('listitem').filter({ hasText: TEXT });
const notices = (page: Page) => page.evaluate(() => [...(window as unknown as { __notices: string[] }).__notices]);
/** Moves the server's clock on and lets it release what fell due. */
async function after(ms: number): Promise<void> {
  target.clock.advance(ms);
  await target.server.releaseDueEscalations();
}

describe('a STAT message to a role that nobody acknowledges', () => {
  it('reaches the physician on call by the imported rota, and tells the nurse what comes next', async () => {
    const { page } = nurseAt;
    await page.getByRole('button', { name: 'New message' }).click();
    await page.getByRole('combobox', { name: 'To' }).fill('on-call');
    await page.getByRole('option', { name: /On-call cardiology/ }).click();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(TEXT);
    await page.getByRole('radio', { name: 'STAT' }).check();
    await page.getByRole('textbox', { name: 'Message', exact: true }).press('Control+Enter');
    await stat(page)
      .getByText(/Escalates to Dr\. Minh Nguyen \(backup\) at .* unless acknowledged/)
      .waitFor({ timeout: 30_000 });
    await stat(page).getByText('Awaiting acknowledgement').waitFor();

    await list(oncallAt.page)
      .getByRole('option', { name: /On-call cardiology.*1 to acknowledge/ })
      .waitFor({ timeout: 30_000 });
    // Sealed for the backup too, but not theirs yet.
    await expect(list(backupAt.page).getByRole('option').count()).resolves.toBe(0);
  });

  it('re-alerts the physician on call with a notice that names nobody and says nothing of the message', async () => {
    await after(MINUTE);
    await stat(nurseAt.page)
      .getByText(/^Re-alerted at /)
      .waitFor({ timeout: 30_000 });
    await expect
      .poll(() => notices(oncallAt.page), { timeout: 30_000 })
      .toContain('Urgent secure message awaiting your acknowledgement');
    for (const notice of await notices(oncallAt.page)) {
      expect(notice).not.toContain('Osei');
      expect(notice).not.toContain('Bed 9');
    }
    await expect(list(backupAt.page).getByRole('option').count()).resolves.toBe(0);
  });

  it('escalates to the backup, who acknowledges with "On my way"; the nurse sees each step', async () => {
    await after(MINUTE);
    const { page } = backupAt;
    const conversation = list(page).getByRole('option', { name: /On-call cardiology.*1 to acknowledge/ });
    await conversation.waitFor({ timeout: 30_000 });
    await conversation.click();
    await stat(page)
      .getByText(/^Escalated to Dr\. Minh Nguyen \(backup\), /)
      .waitFor({ timeout: 30_000 });
    await snapshotAtSizes(page, 'escalation-backup');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await stat(page).getByRole('button', { name: 'Acknowledge: On my way' }).press('Enter');

    const nurseView = stat(nurseAt.page);
    await nurseView.getByText(/^Acknowledged by Dr\. Minh Nguyen: On my way, /).waitFor({ timeout: 30_000 });
    await nurseView.getByText(/^Escalated to Dr\. Minh Nguyen \(backup\), /).waitFor();
    await expect(nurseView.getByText(/^Escalates to/).count()).resolves.toBe(0);
    await snapshotAtSizes(nurseAt.page, 'escalation-nurse');
    // The physician on call sees it was taken.
    await list(oncallAt.page)
      .getByRole('option', { name: /On-call cardiology/ })
      .click();
    await stat(oncallAt.page)
      .getByText(/^Acknowledged by Dr\. Minh Nguyen: On my way, /)
      .waitFor({ timeout: 30_000 });

    // Acknowledged: the plan's last step (everyone) is never released.
    await after(2 * MINUTE);
    await expect(nurseView.getByText(/everyone in the role/).count()).resolves.toBe(0);
    expect([...(await nurseAt.violations()), ...(await backupAt.violations())]).toEqual([]);
  });
});
