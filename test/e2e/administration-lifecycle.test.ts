/**
 * A nurse's life on a ward workstation as IT administers it (issue 16), end to end on PostgreSQL:
 * a real server, two browser hosts (the IT office's workstation and the ward's, each with its own
 * data folder) and Chromium driving both by role and label. IT creates the nurse and reads her
 * enrollment code; she enrolls at the ward, sets up her authenticator and messages a physician;
 * IT resets her authenticator and she sets up a new one; IT wipes the ward workstation while she
 * works there, then again while it is cut off from the network (a TCP relay between it and the
 * server), and the wipe lands when the network returns. Each time its vault files are gone, its
 * audit records reached the server before the wipe was reported, and the trail names who wiped
 * which workstation.
 *
 * No clock is moved: the workstations sign their proofs with the real time, so each code is one
 * for a time step the person has not used yet, inside the drift the server allows (`codeFor`).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceIdentityFile } from '../../main/device/device-identity';
import { vaultIdOf, vaultsRoot } from '../../main/vault/vault-layout';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import type { StoredEntry } from '../../shared/audit/audit-entry';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { usePostgres } from '../support/postgres';
import {
  createUser,
  publishIdentity,
  signIn as apiSignIn,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../support/server-fixtures';
import { startTcpRelay, type TcpRelay } from '../support/tcp-relay';
import { unusedStepCode, type CodeHolder } from '../support/unused-step-code';
import { textsFrom, writeTo } from '../support/api-correspondent';
import { accessibilityViolations, openClinicianPage, snapshotAtSizes, type ClinicianPage } from './clinician-page';
import { CARDIOLOGIST, IT_ADMIN, openRecentActions } from './admin-page';

const postgres = usePostgres();

const STATION = 'Ward 7 nurses station';
const NURSE = { userId: 'nurse.okafor', name: 'Chidi Okafor', password: 'seven wards and a kettle' };
const FIRST_MESSAGE = 'Bed 3 obs are stable, handing over at 19:00.';
const OFFLINE_SUBJECT = 'Bed 9 fluids';
/** Generous: two hosts, a server, PostgreSQL and Chromium share two cores. */
const SLOW = { timeout: 60_000 };

/** Whoever signs in through the screens: their password, authenticator key and last code's step. */
interface Person extends CodeHolder {
  readonly userId: string;
  readonly password: string;
}

let target: TestServer;
let admin: TestUser;
let doctor: TestUser;
let relay: TcpRelay;
let office: HostProcess;
let ward: HostProcess;
let browser: Browser;
let a: ClinicianPage;
let b: ClinicianPage;
let policyDir: string;
const nurse: Person = { userId: NURSE.userId, password: NURSE.password, totpSecret: null, lastStep: 0 };

beforeAll(async () => {
  // The workstations refuse the fixtures' cheap password hashing: accounts here use the real cost.
  target = await startTestServer('postgres', { postgres: postgres(), accountKdf: DEFAULT_ACCOUNT_KDF });
  admin = await createUser(target, IT_ADMIN);
  doctor = await createUser(target, CARDIOLOGIST);
  // The physician has keys, so she can be messaged, and reads her messages through the API.
  await apiSignIn(target, doctor);
  await publishIdentity(target, doctor);

  relay = await startTcpRelay(target.server.url);
  // The ward's workstation is named by machine policy; it reaches the server through the relay.
  policyDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-policy-'));
  const policyFile = path.join(policyDir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ workstationName: STATION }));
  [office, ward] = await Promise.all([
    startHostProcess(['--server', target.server.url, '--ca', target.server.caCertPath]),
    startHostProcess(['--server', relay.url, '--ca', target.server.caCertPath, '--policy', policyFile]),
  ]);
  browser = await launchChromium();
  [a, b] = await Promise.all([openClinicianPage(browser, office.url), openClinicianPage(browser, ward.url)]);
}, 180_000);

afterAll(async () => {
  await browser.close();
  await Promise.all([office.stop(), ward.stop()]);
  await relay.close();
  await target.dispose();
  rmSync(policyDir, { recursive: true, force: true });
}, 60_000);

/** A code the person has not used, with the server's clock left where it is (unused-step-code.ts). */
const codeFor = (person: CodeHolder) => unusedStepCode(target.clock, person);

const status = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text });
const noViolations = async (page: Page) => expect(accessibilityViolations(page)).resolves.toEqual([]);
const conversations = (page: Page) => page.getByRole('listbox', { name: 'Conversations' });

/** Declines the unlock PIN offer if a sign-in brought it up. */
async function notNowForPin(page: Page): Promise<void> {
  const offer = page.getByRole('region', { name: 'Choose an unlock PIN' });
  if ((await offer.count()) > 0) await offer.getByRole('button', { name: 'Not now' }).click();
}

/**
 * After an admin action: the server may ask the admin to prove who they are first (their last
 * proof is older than the window), or the action may simply be done. Answers the dialog if it
 * comes, then waits for `done`.
 */
async function proveIfAsked(page: Page, done: Locator): Promise<void> {
  const prove = page.getByRole('dialog', { name: 'Confirm it is you' });
  await prove.or(done).first().waitFor(SLOW);
  if (await prove.isVisible()) {
    await prove.getByLabel('Password').fill(admin.password);
    await prove.getByLabel('Authentication code').fill(await codeFor(admin));
    await prove.getByRole('button', { name: 'Confirm and continue' }).click();
  }
  await done.waitFor(SLOW);
}

/** Searches People, then opens the one person found. */
async function openPerson(page: Page, query: string, name: string): Promise<void> {
  await page.getByRole('tab', { name: 'People' }).click();
  const field = page.getByRole('searchbox', { name: 'Name or user ID' });
  await field.fill(query);
  await field.press('Enter');
  const table = page.getByRole('grid', { name: 'People' });
  await expect.poll(() => table.locator('tbody tr').count(), SLOW).toBe(1);
  await table.getByRole('row', { name: new RegExp(name) }).click();
  await page.getByRole('heading', { level: 2, name }).waitFor(SLOW);
}

/** Opens the Workstations section afresh and the workstation with this id (names repeat: a wiped one keeps its name). */
async function openWorkstation(page: Page, deviceId: string): Promise<Locator> {
  await page.getByRole('tab', { name: 'Workstations' }).click();
  const table = page.getByRole('grid', { name: 'Workstations' });
  await table.waitFor(SLOW);
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  const row = table.getByRole('row').filter({ hasText: deviceId.slice(0, 8) });
  await row.waitFor(SLOW);
  await expect(row.innerText()).resolves.toMatch(new RegExp(`${STATION}[\\s\\S]*${NURSE.name}[\\s\\S]*Active`));
  await row.click();
  const detail = page.getByRole('region', { name: STATION });
  await detail.getByText(deviceId).waitFor(SLOW);
  return detail;
}

/** Wipe…, the workstation's name typed to confirm, and the answer that it is queued. */
async function wipeFrom(page: Page, detail: Locator): Promise<void> {
  await detail.getByRole('button', { name: `Wipe ${STATION}` }).click();
  const confirm = page.getByRole('alertdialog', { name: `Wipe ${STATION}?` });
  const typed = confirm.getByRole('textbox', { name: /To confirm, type the workstation’s name/ });
  await expect(typed.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
  await noViolations(page);
  await snapshotAtSizes(page, 'admin-wipe-confirm');
  await typed.fill(STATION);
  await confirm.getByRole('button', { name: 'Wipe workstation' }).click();
  await proveIfAsked(page, status(page, `A wipe of ${STATION} is queued`));
}

/** The authenticator setup step: reads the key off the screen, proves it with a code, lands in messaging. */
async function setUpAuthenticator(page: Page, person: Person): Promise<string> {
  await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor(SLOW);
  const key = (await page.locator('.setup-key').innerText()).replace(/\s/g, '');
  expect(key).toMatch(/^[A-Z2-7]{16,}$/);
  person.totpSecret = key;
  await page.getByLabel('Authentication code').fill(await codeFor(person));
  await page.getByRole('button', { name: 'Verify' }).click();
  await conversations(page).waitFor(SLOW);
  await notNowForPin(page);
  return key;
}

async function signInAtWard(page: Page): Promise<void> {
  await page.getByLabel('User ID').fill(nurse.userId);
  await page.getByLabel('Password').fill(nurse.password);
  await page.keyboard.press('Enter');
  await page.getByLabel('Authentication code').waitFor(SLOW);
  await page.getByLabel('Authentication code').fill(await codeFor(nurse));
  await page.keyboard.press('Enter');
  await conversations(page).waitFor(SLOW);
  await notNowForPin(page);
}

/** Rows of one SQL query on the server's PostgreSQL database. */
async function query<T>(sql: string): Promise<T[]> {
  if (target.databaseUrl === undefined) throw new Error('not on PostgreSQL');
  return (await postgres().execute(target.databaseUrl, sql)) as T[];
}

/** The workstation the nurse is signed in at now, as the server registered it. */
async function wardDeviceId(): Promise<string> {
  const rows = await query<{ device_id: string; device_name: string }>(
    `SELECT device_id, device_name FROM sessions WHERE user_id = '${NURSE.userId}' AND ended_at IS NULL`,
  );
  expect(rows).toHaveLength(1);
  expect(rows[0]?.device_name).toBe(STATION);
  return rows[0]!.device_id;
}

interface CommandRow {
  readonly kind: string;
  readonly issued_by: string;
  readonly delivered_at: string | null;
  readonly done_at: string | null;
  readonly outcome: string | null;
  readonly audit_synced: boolean | null;
}

const commandsOf = (deviceId: string) =>
  query<CommandRow>(
    `SELECT kind, issued_by, delivered_at, done_at, outcome, audit_synced FROM device_commands
     WHERE device_id = '${deviceId}' ORDER BY issued_at`,
  );

const vaultsAtWard = () => (existsSync(vaultsRoot(ward.dataDir)) ? readdirSync(vaultsRoot(ward.dataDir)) : []);
const wardIdentity = () =>
  existsSync(deviceIdentityFile(ward.dataDir)) ? readFileSync(deviceIdentityFile(ward.dataDir), 'utf8') : '';

/** Every record the server holds from one workstation, and the server's own records about it. */
async function trailOf(deviceId: string): Promise<{ device: StoredEntry[]; server: StoredEntry[] }> {
  const device = await target.server.admin.auditRecords({ workstationId: deviceId, limit: 100_000 });
  const server = (await target.server.admin.auditRecords({ action: 'admin.action', limit: 100_000 })).filter(
    ({ record }) =>
      record.workstationId !== deviceId && record.object.kind === 'workstation' && record.object.id === deviceId,
  );
  return { device, server };
}

describe('a nurse at a ward workstation, as IT administers it', () => {
  let enrollmentCode = '';
  let firstKey = '';
  /** The ward's device ids, in the order IT wiped them. */
  const wiped: string[] = [];

  it('IT signs in at the office workstation and creates the nurse, reading her enrollment code', async () => {
    const { page } = a;
    await page.getByLabel('User ID').fill(admin.userId);
    await page.getByLabel('Password').fill(admin.password);
    await page.keyboard.press('Enter');
    await page.getByLabel('Authentication code').fill(await codeFor(admin));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor(SLOW);
    await notNowForPin(page);

    await page.getByRole('button', { name: 'New person…' }).click();
    const form = page.getByRole('dialog', { name: 'New person' });
    await form.getByLabel('User ID').fill(NURSE.userId);
    await form.getByLabel('Name').fill(NURSE.name);
    await form.getByLabel('Department').fill('Ward 7');
    await form.getByLabel('Title').fill('Staff Nurse');
    await form.getByRole('button', { name: /Role/ }).click();
    await page.getByRole('option', { name: 'Nurse' }).click();
    await form.getByRole('button', { name: 'Create and show the code' }).click();

    const shown = page.getByRole('dialog', { name: 'Account created' });
    await proveIfAsked(page, shown);
    enrollmentCode = await shown.locator('.enrollment-code').innerText();
    expect(enrollmentCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    await expect(shown.innerText()).resolves.toContain(`Give this code to ${NURSE.name} in person or by phone.`);
    await shown.getByRole('button', { name: 'Done' }).click();
    const panel = page.getByRole('region', { name: NURSE.name });
    await panel.getByText(/^Pending enrollment — code expires /).waitFor(SLOW);
  });

  it('the nurse enrolls at the ward with the code, sets up her authenticator and messages a physician', async () => {
    const { page } = b;
    await page.getByRole('button', { name: 'Use an enrollment code' }).click();
    await page.getByRole('heading', { name: 'First sign-in' }).waitFor();
    await page.getByLabel('User ID').fill(NURSE.userId);
    await page.getByLabel('Enrollment code').fill(enrollmentCode);
    await page.getByLabel('New password', { exact: true }).fill(NURSE.password);
    await page.getByLabel('New password again').fill(NURSE.password);
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    firstKey = await setUpAuthenticator(page, nurse);
    await expect(page.getByRole('banner').innerText()).resolves.toContain(NURSE.name);
    // Registered under the name machine policy gives the workstation, not the host's own.
    await wardDeviceId();
    expect(vaultsAtWard()).toEqual([vaultIdOf(NURSE.userId)]);

    await page.getByRole('button', { name: 'New message' }).click();
    await page.getByRole('combobox', { name: 'To' }).fill('patel');
    await page.getByRole('option', { name: /Anika Patel/ }).click();
    await page.getByRole('button', { name: 'Remove Anika Patel' }).waitFor();
    const message = page.getByRole('textbox', { name: 'Message', exact: true });
    await message.fill(FIRST_MESSAGE);
    await message.press('Control+Enter');
    await page.getByRole('heading', { level: 2, name: 'Anika Patel' }).waitFor(SLOW);
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByText(/^(Sent|Delivered|Read)$/).waitFor(SLOW);
    // The physician has it, sealed by the nurse's keys and opened by her own.
    await expect.poll(() => textsFrom(target, doctor, NURSE.userId), SLOW).toEqual([FIRST_MESSAGE]);
  });

  it('IT resets her authenticator: her session at the ward ends and she sets up a new one', async () => {
    const { page } = a;
    await openPerson(page, 'okafor', NURSE.name);
    const panel = page.getByRole('region', { name: NURSE.name });
    await panel.getByText('Password and authenticator set up').waitFor(SLOW);
    // Where her data is: the ward workstation she enrolled at.
    const used = panel.getByRole('grid', { name: `Workstations used by ${NURSE.name}` });
    await expect.poll(() => used.innerText(), SLOW).toMatch(new RegExp(`${STATION}[\\s\\S]*In use`));
    await panel.getByRole('button', { name: 'Reset authenticator…' }).click();
    const confirm = page.getByRole('alertdialog', { name: `Reset the authenticator of ${NURSE.name}?` });
    await confirm.getByRole('button', { name: 'Reset authenticator' }).click();
    await proveIfAsked(page, status(page, `${NURSE.name}’s authenticator is reset (1 session ended).`));

    const ward = b.page;
    await ward.getByRole('heading', { name: 'Sign in' }).waitFor(SLOW);
    await ward.getByText('You were signed out remotely').waitFor(SLOW);
    // Her password still works; the old authenticator does not: the server asks for a new one.
    await ward.getByLabel('User ID').fill(NURSE.userId);
    await ward.getByLabel('Password').fill(NURSE.password);
    await ward.keyboard.press('Enter');
    const secondKey = await setUpAuthenticator(ward, nurse);
    expect(secondKey).not.toBe(firstKey);
    // Her vault at the ward is the one she had.
    expect(vaultsAtWard()).toEqual([vaultIdOf(NURSE.userId)]);
  });

  it('IT wipes the ward workstation while she works there: she is signed out, its vaults are gone, the wipe is done', async () => {
    wiped.push(await wardDeviceId());
    const deviceId = wiped[0]!;
    const { page } = a;
    const detail = await openWorkstation(page, deviceId);
    await noViolations(page);
    await wipeFrom(page, detail);
    const commands = detail.getByRole('grid', { name: `Commands for ${STATION}` });

    // Pushed over the stream: she is signed out at once, told why, and everything stored there is gone.
    const { page: station } = b;
    await station.getByText('This workstation was wiped by IT.').waitFor(SLOW);
    await station.getByRole('heading', { name: 'Sign in' }).waitFor();
    await snapshotAtSizes(station, 'ward-wiped-sign-in');
    await expect.poll(vaultsAtWard, SLOW).toEqual([]);
    await expect.poll(wardIdentity, SLOW).not.toContain(deviceId);

    const done = commands.getByRole('row').filter({ hasText: 'Wipe the workstation' }).filter({ hasText: 'Done' });
    await done.waitFor(SLOW);
    // Done, the workstation is listed again: wiped, its key gone, nothing more to do to it.
    await detail.getByText(/^Wiped \d{4}-\d{2}-\d{2}/).waitFor(SLOW);
    await detail.getByText('Its key was destroyed with the wipe').waitFor();
    await expect(detail.getByRole('button', { name: `Wipe ${STATION}` }).count()).resolves.toBe(0);
    await snapshotAtSizes(a.page, 'admin-wipe-done');
    await expect(done.innerText()).resolves.toContain(
      'its audit records reached the server, then its audit log was shredded',
    );
    expect(await commandsOf(deviceId)).toEqual([
      expect.objectContaining({
        kind: 'wipe-workstation',
        issued_by: admin.userId,
        outcome: 'wiped',
        audit_synced: true,
      }),
    ]);
    await noViolations(page);
  });

  it('IT wipes it again while it is offline: queued until the network returns, then done after its audit records arrive', async () => {
    const { page: station } = b;
    await signInAtWard(station);
    // A new vault on a new device: the wiped one is gone for good.
    expect(vaultsAtWard()).toEqual([vaultIdOf(NURSE.userId)]);
    const deviceId = await wardDeviceId();
    expect(deviceId).not.toBe(wiped[0]);
    wiped.push(deviceId);
    await writeTo(target, doctor, NURSE.userId, OFFLINE_SUBJECT, 'Bed 9 fluids: 1 L over 8 hours, please.');
    const conversation = conversations(station).getByRole('option', { name: new RegExp(OFFLINE_SUBJECT) });
    await conversation.filter({ hasText: '1 unread' }).waitFor(SLOW);

    // The network goes; she reads the message offline, which her workstation records.
    const cutAt = Date.now();
    relay.cut();
    await station.getByText('Offline — messages will be sent when the connection returns').waitFor(SLOW);
    await conversation.click();
    await station.getByRole('log', { name: 'Messages' }).getByText('Bed 9 fluids').waitFor(SLOW);
    /** What she did at the workstation while it was offline, as the server holds it. */
    let restoredAt = Number.POSITIVE_INFINITY;
    const offlineRecords = async () =>
      (await trailOf(deviceId)).device.filter(
        ({ record }) => record.actor.userId === NURSE.userId && record.at >= cutAt && record.at <= restoredAt,
      );
    expect(await offlineRecords()).toEqual([]);

    const { page } = a;
    const detail = await openWorkstation(page, deviceId);
    await wipeFrom(page, detail);
    const commands = detail.getByRole('grid', { name: `Commands for ${STATION}` });
    const row = commands.getByRole('row').filter({ hasText: 'Wipe the workstation' });
    await row.filter({ hasText: 'Queued' }).waitFor(SLOW);
    await noViolations(page);
    await snapshotAtSizes(page, 'admin-wipe-queued');
    // Nothing reaches the workstation: she is still at work, her vault still there.
    await detail.getByRole('button', { name: 'Refresh commands' }).click();
    await row.filter({ hasText: 'Queued' }).waitFor(SLOW);
    expect((await commandsOf(deviceId))[0]).toMatchObject({ delivered_at: null, done_at: null });
    await expect(conversations(station).isVisible()).resolves.toBe(true);
    expect(vaultsAtWard()).toEqual([vaultIdOf(NURSE.userId)]);

    // The network returns: the wipe lands at the reconnect.
    restoredAt = Date.now();
    relay.restore();
    await station.getByText('This workstation was wiped by IT.').waitFor({ timeout: 120_000 });
    await expect.poll(vaultsAtWard, SLOW).toEqual([]);
    await expect.poll(wardIdentity, SLOW).not.toContain(deviceId);
    await row.filter({ hasText: 'Done' }).waitFor(SLOW);
    expect(await commandsOf(deviceId)).toEqual([
      expect.objectContaining({ issued_by: admin.userId, outcome: 'wiped', audit_synced: true }),
    ]);

    // What she did offline reached the server before the workstation reported the wipe done.
    const wipedRecord = async () =>
      (await trailOf(deviceId)).server.find((entry) => entry.record.reason === 'WORKSTATION_WIPED');
    await expect.poll(wipedRecord, SLOW).toBeDefined();
    const done = await wipedRecord();
    const offline = await offlineRecords();
    // One opening of the thread, however often it changed while on screen, and one read.
    expect(offline.map(({ record }) => record.action).sort()).toEqual(['conversation.opened', 'message.read']);
    for (const entry of offline) expect(entry.treeIndex).toBeLessThan(done!.treeIndex);
  }, 240_000);

  it('the trail shows who wiped which workstation', async () => {
    // The server's own chain: who queued each wipe, and that the workstation did it.
    for (const deviceId of wiped)
      await expect
        .poll(
          async () =>
            (await trailOf(deviceId)).server.map(({ record }) => [record.reason, record.actor.userId, record.outcome]),
          SLOW,
        )
        .toEqual([
          ['WORKSTATION_WIPE_QUEUED', admin.userId, 'success'],
          ['WIPE_DELIVERED', null, 'success'],
          ['WORKSTATION_WIPED', null, 'success'],
        ]);
    const chain = await target.server.admin.adminEvents();
    for (const deviceId of wiped)
      expect(
        chain.filter((event) => event.subject === deviceId).map((event) => [event.action, event.actor, event.outcome]),
      ).toEqual([
        ['workstation.wipe-queued', admin.userId, 'success'],
        ['workstation.command-delivered', '(workstation)', 'success'],
        ['workstation.wiped', '(workstation)', 'success'],
      ]);
    // Each workstation recorded the wipe itself, and those records reached the server too.
    for (const deviceId of wiped) {
      const { device } = await trailOf(deviceId);
      expect(
        device.filter((entry) => entry.record.action === 'admin.action' && entry.record.reason === 'REMOTE_WIPE'),
      ).toHaveLength(1);
      expect(
        device.filter((entry) => entry.record.action === 'vault.shredded' && entry.record.reason === 'REMOTE_WIPE'),
      ).toHaveLength(1);
    }

    const { page } = a;
    const recent = await openRecentActions(page);
    const { column } = recent;
    await recent.until(async (read) => (await read(2)).filter((action) => /wipe/i.test(action)).length, 2);
    const actions = await column(2);
    const about = await column(3);
    const wipes = actions.flatMap((action, index) => (/wipe/i.test(action) ? [about[index] ?? ''] : []));
    expect(wipes).toHaveLength(2);
    // Newest first: the second wipe, then the first.
    [...wiped].reverse().forEach((deviceId, index) => expect(wipes[index]).toContain(deviceId.slice(0, 8)));
    await noViolations(page);
    expect(await a.violations()).toEqual([]);
    expect(await b.violations()).toEqual([]);
  });
});
