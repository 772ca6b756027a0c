/**
 * A role address's own escalation times, from the Administration view to a nurse's STAT message
 * (issue 18): the IT admin opens "On-call cardiology", leaves the organisation default (2 / 5 /
 * 10 minutes) for its own times with the keyboard, meets an inline mistake, and saves re-alert
 * every 3, backup after 4, everyone after 9 minutes. A nurse at another workstation then sends
 * STAT to the address: the plan her workstation signs carries those times, her thread says the
 * backup is due 4 minutes after sending, and the server releases it to the backup at 4 minutes,
 * not at the default 5. Every state of the section is checked with axe.
 *
 * Beside it, the address's own message retention (issue 20): the admin leaves the organisation
 * default (2,190 days) with the keyboard, meets the range mistake, reads the warning that a
 * shorter bound deletes for good, and saves 90 days, confirming it is them (the sign-in's proof
 * has aged); the change is on the server's chain, and the nurse's STAT message names the
 * address in its signed header, so the server keeps it for those 90 days.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import { REAUTHENTICATION_WINDOW_MS } from '../../shared/protocol/route-spec';
import type { FeedEvent } from '../../shared/protocol/feed';
import { textsFrom } from '../support/api-correspondent';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { launchChromium } from '../support/chromium';
import {
  createUser,
  freshTotpCode,
  readyUsers,
  signIn as apiSignIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../support/server-fixtures';
import { IT_ADMIN } from './admin-page';
import {
  accessibilityViolations,
  openClinicianPage,
  signInWithCode,
  snapshotAtSizes,
  submitPassword,
  type ClinicianPage,
} from './clinician-page';

const MINUTE = 60_000;
const ADDRESS = 'role:oncall-cardiology';
const TEXT = 'Bed 4 chest pain, new ST elevation in V2-V4.';

let target: TestServer;
let admin: TestUser;
let nurse: TestUser;
let oncall: TestUser;
let backup: TestUser;
let hosts: HostProcess[];
let browser: Browser;
let office: ClinicianPage;
let ward: ClinicianPage;

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  admin = await createUser(target, IT_ADMIN);
  nurse = await createUser(target, { userId: 'nurse.osei', displayName: 'Abena Osei', role: 'nurse' });
  // The physicians have signed in before (their keys are published); they read through the API.
  [oncall, backup] = (await readyUsers(target, [
    { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' },
    { userId: 'dr.nguyen', displayName: 'Minh Nguyen', role: 'physician' },
    { userId: 'dr.okafor', displayName: 'Chidi Okafor', role: 'physician' },
  ])) as [TestUser, TestUser, TestUser];
  await target.server.admin.createRoleAddress({
    addressId: ADDRESS,
    displayName: 'On-call cardiology',
    department: 'Cardiology',
    description: 'The cardiologist on call',
    members: ['dr.patel', 'dr.nguyen', 'dr.okafor'],
  });
  await apiSignIn(target, admin);
  const now = target.clock.now();
  await target.api.ok(
    'adminAddShift',
    {
      addressId: ADDRESS,
      userId: 'dr.patel',
      backupUserId: 'dr.nguyen',
      startsAt: now - MINUTE,
      endsAt: now + 8 * 3_600_000,
    },
    token(admin),
  );

  const serverArgs = ['--server', target.server.url, '--ca', target.server.caCertPath];
  hosts = await Promise.all([0, 1].map(() => startHostProcess(serverArgs)));
  browser = await launchChromium();
  [office, ward] = (await Promise.all(hosts.map((host) => openClinicianPage(browser, host.url)))) as [
    ClinicianPage,
    ClinicianPage,
  ];
  for (const at of [office, ward]) await at.page.setViewportSize({ width: 1366, height: 768 });
}, 150_000);

afterAll(async () => {
  await browser.close();
  await Promise.all(hosts.map((host) => host.stop()));
  await target.dispose();
}, 60_000);

const noViolations = async (page: Page) => expect(accessibilityViolations(page)).resolves.toEqual([]);
const section = (page: Page) =>
  page.getByRole('region', { name: 'On-call cardiology' }).getByRole('form', { name: 'Escalation' });
const retention = (page: Page) =>
  page.getByRole('region', { name: 'On-call cardiology' }).getByRole('form', { name: 'Message retention' });
const daysFocused = (page: Page) =>
  retention(page)
    .getByLabel('Keep messages for')
    .evaluate((element) => element === document.activeElement);
const isFocused = (page: Page, label: string) =>
  section(page)
    .getByLabel(label, { exact: true })
    .evaluate((element) => element === document.activeElement);

/** The STAT envelope as the physician on call received it. */
async function receivedStat(): Promise<Extract<FeedEvent, { type: 'envelope' }>> {
  const { events } = await target.api.ok('feed', { after: 0, limit: 100 }, token(oncall));
  const found = events.find(
    (event): event is Extract<FeedEvent, { type: 'envelope' }> =>
      event.type === 'envelope' && event.envelope.header.priority === 'stat',
  );
  if (found === undefined) throw new Error('no STAT message yet');
  return found;
}

describe('a role address’s own escalation times', () => {
  it('shows the organisation default on the role address', async () => {
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
    const escalation = section(page);
    const byDefault = escalation.getByRole('radio', { name: 'Use the organisation default (2 / 5 / 10 min)' });
    await byDefault.waitFor({ timeout: 30_000 });
    expect(await byDefault.isChecked()).toBe(true);
    await escalation
      .getByText('Re-alert every 2 min; backup after 5 min; everyone in the role after 10 min.')
      .waitFor();
    await expect(escalation.getByLabel('Backup after', { exact: true }).count()).resolves.toBe(0);
    await noViolations(page);
  });

  it('sets the address’s own times with the keyboard, a mistake shown at its field first', async () => {
    const { page } = office;
    const escalation = section(page);
    await escalation.getByRole('radio', { name: /^Use the organisation default/ }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await escalation.getByRole('radio', { name: 'Set times for this role address' }).isChecked()).toBe(true);
    // The fields start from the organisation's times; Tab goes down them in order.
    await page.keyboard.press('Tab');
    expect(await isFocused(page, 'Re-alert every')).toBe(true);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await page.keyboard.press('Tab');
    expect(await isFocused(page, 'Never re-alert')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await isFocused(page, 'Backup after')).toBe(true);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('4');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('4');
    await page.keyboard.press('Enter');
    await escalation.getByText('Must be later than the backup: more than 4 minutes.').waitFor();
    expect(await isFocused(page, 'Everyone in the role after')).toBe(true);
    await snapshotAtSizes(page, 'role-escalation-mistake');
    await noViolations(page);

    await page.keyboard.press('Control+A');
    await page.keyboard.type('9');
    await page.keyboard.press('Enter');
    await escalation
      .getByRole('status')
      .filter({ hasText: 'Saved: On-call cardiology escalates on its own times.' })
      .waitFor({ timeout: 30_000 });
    await expect(escalation.getByText('Must be later than the backup').count()).resolves.toBe(0);
    expect(await escalation.getByLabel('Everyone in the role after', { exact: true }).inputValue()).toBe('9');
    await snapshotAtSizes(page, 'role-escalation-saved');
    await noViolations(page);
    // The directory serves them to clinicians now.
    await apiSignIn(target, nurse);
    const found = await target.api.ok('searchDirectory', { query: 'on-call cardiology', limit: 5 }, token(nurse));
    expect(found.entries.find((entry) => entry.kind === 'role')).toMatchObject({
      escalation: { repeatEveryMs: 3 * MINUTE, backupAfterMs: 4 * MINUTE, everyoneAfterMs: 9 * MINUTE },
    });
  });

  it('sets how long the server keeps the address’s messages with the keyboard, confirming it is them', async () => {
    const { page } = office;
    const form = retention(page);
    const byDefault = form.getByRole('radio', { name: 'Use the organisation default: 2,190 days (6 years)' });
    await byDefault.waitFor();
    expect(await byDefault.isChecked()).toBe(true);
    await expect(form.getByLabel('Keep messages for').count()).resolves.toBe(0);
    await noViolations(page);

    await byDefault.focus();
    await page.keyboard.press('ArrowDown');
    expect(await form.getByRole('radio', { name: 'Set a period for this role address' }).isChecked()).toBe(true);
    // The field starts from the organisation's days.
    await page.keyboard.press('Tab');
    expect(await daysFocused(page)).toBe(true);
    expect(await form.getByLabel('Keep messages for').inputValue()).toBe('2190');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('20');
    await page.keyboard.press('Enter');
    await form.getByText('Enter whole days from 30 to 36,500.').waitFor();
    expect(await daysFocused(page)).toBe(true);
    await snapshotAtSizes(page, 'role-retention-mistake');
    await noViolations(page);

    await page.keyboard.press('Control+A');
    await page.keyboard.type('90');
    await form
      .getByText(
        'Shorter than the organisation’s 2,190 days (6 years): at the next daily run the server deletes this address’s messages older than 90 days, for good.',
      )
      .waitFor();
    await noViolations(page);
    // The sign-in's proof ages past the window: the server asks the admin to confirm it is them.
    target.clock.advance(REAUTHENTICATION_WINDOW_MS + 10_000);
    await page.keyboard.press('Enter');
    const prove = page.getByRole('dialog', { name: 'Confirm it is you' });
    await prove.waitFor({ timeout: 30_000 });
    await noViolations(page);
    await prove.getByLabel('Password').fill(admin.password);
    await prove.getByLabel('Authentication code').fill(freshTotpCode(target, admin));
    await prove.getByLabel('Authentication code').press('Enter');
    await form
      .getByRole('status')
      .filter({ hasText: 'Saved: the server keeps On-call cardiology’s messages for 90 days.' })
      .waitFor({ timeout: 30_000 });
    await expect(prove.count()).resolves.toBe(0);
    // Back to the workstations' time, which checks signed times against the server's (clock skew).
    target.clock.advance(-(REAUTHENTICATION_WINDOW_MS + 10_000));
    await expect(form.getByText('Enter whole days').count()).resolves.toBe(0);
    await expect(form.getByRole('button', { name: 'Undo changes' }).count()).resolves.toBe(0);
    expect(await form.getByLabel('Keep messages for').inputValue()).toBe('90');
    await snapshotAtSizes(page, 'role-retention-saved');
    await noViolations(page);

    const { roleAddress } = await target.api.ok('adminGetRoleAddress', { addressId: ADDRESS }, token(admin));
    expect(roleAddress).toMatchObject({ retentionDays: 90, organisationRetentionDays: 2190 });
    await target.server.foldServerTrail();
    const records = await target.server.admin.auditRecords({ action: 'admin.action', limit: 1000 });
    expect(records.filter(({ record }) => record.reason === 'ROLE_RETENTION_SET').map(({ record }) => record)).toEqual([
      expect.objectContaining({
        actor: { userId: admin.userId, role: 'it-admin' },
        object: { kind: 'role-address', id: ADDRESS, userId: null },
        outcome: 'success',
      }),
    ]);
  });

  it('a nurse’s STAT message to the address carries those times, and escalates to the backup at 4 minutes', async () => {
    const { page } = ward;
    await signInWithCode(page, target, nurse);
    await page.getByRole('button', { name: 'New message' }).click();
    await page.getByRole('combobox', { name: 'To' }).fill('on-call');
    await page.getByRole('option', { name: /On-call cardiology/ }).click();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(TEXT);
    await page.getByRole('radio', { name: 'STAT' }).check();
    await page.getByRole('textbox', { name: 'Message', exact: true }).press('Control+Enter');

    await expect
      .poll(
        () =>
          receivedStat().then(
            () => true,
            () => false,
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
    const { envelope, acceptedAt } = await receivedStat();
    expect(envelope.header.recipients).toEqual(['dr.patel']);
    // Named in the signed header: the server keeps it for the address's 90 days.
    expect(envelope.header.roleAddress).toBe(ADDRESS);
    expect(envelope.header.escalation).toEqual({
      repeatEveryMs: 3 * MINUTE,
      steps: [
        { afterMs: 4 * MINUTE, to: ['dr.nguyen'], reason: 'backup' },
        { afterMs: 9 * MINUTE, to: ['dr.okafor'], reason: 'role' },
      ],
    });
    // Her thread names the backup at the role's time, not the default's (from her own sending time).
    const due = await page.evaluate(
      (at) => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at),
      envelope.header.sentAt + 4 * MINUTE,
    );
    const stat = page.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: TEXT });
    await stat
      .getByText(`Escalates to Minh Nguyen (backup) at ${due} unless acknowledged`)
      .waitFor({ timeout: 30_000 });

    // The server holds it back from the backup until the role's 4 minutes from acceptance, then releases it.
    const until = (at: number) => target.clock.advance(at - target.clock.now());
    until(acceptedAt + 4 * MINUTE - 5000);
    await target.server.releaseDueEscalations();
    expect(await textsFrom(target, backup, 'nurse.osei')).toEqual([]);
    until(acceptedAt + 4 * MINUTE);
    await target.server.releaseDueEscalations();
    expect(await textsFrom(target, backup, 'nurse.osei')).toEqual([TEXT]);
    await stat.getByText(/^Escalated to Minh Nguyen \(backup\), /).waitFor({ timeout: 30_000 });
    expect([...(await office.violations()), ...(await ward.violations())]).toEqual([]);
  });
});
