/**
 * Messaging as clinicians meet it: a real server, two workstations (browser hosts running the
 * bundled main-process core and renderer, as `npm run build:electron` ships them), and Chromium driving the screens by role and label. A nurse enrolls or signs
 * in with an authenticator code, finds a physician in the directory, sends, gets a STAT reply and
 * read receipts, recalls, meets a changed security key, and loses the server.
 */
import { randomUUID } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../server/server';
import { sealEnvelope } from '../../main/crypto/envelope-seal';
import type { MessageBody } from '../../shared/protocol/envelope';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import {
  createUser,
  freshTotpCode,
  publishIdentity,
  readyUsers,
  signIn as apiSignIn,
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
  submitPassword,
  type ClinicianPage,
} from './clinician-page';

const SUBJECT = 'Bed 12 potassium';
const PATIENT = { ref: 'pat-7QX2K9', label: 'Bed 12, J. Smith' };
/** Markup, a link and an image in a message body: all of it must stay text. */
const HOSTILE_TEXT = 'K+ 5.9 <img src=x onerror="document.title=1"> <b>not bold</b> see https://example.org/labs?id=12';
const REPLY = 'Seen. Insulin-dextrose now, repeat K+ in 2 hours.';

let target: TestServer;
let nurse: TestUser;
let doctor: TestUser;
let newcomer: TestUser;
let desk: TestUser;
let hostA: HostProcess;
let hostB: HostProcess;
let hostC: HostProcess;
let browser: Browser;
let a: ClinicianPage;
let b: ClinicianPage;
/** A third clinician, signed in throughout, who is never part of the conversation. */
let c: ClinicianPage;

beforeAll(async () => {
  // The client refuses password hashing below its floor, so these accounts use the real cost.
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
  newcomer = await createUser(target, { userId: 'nurse.rivera', displayName: 'Sam Rivera', totpSecret: null });
  desk = await createUser(target, {
    userId: 'desk.morgan',
    displayName: 'Rhys Morgan',
    role: 'front-desk',
    department: 'Reception',
    title: 'Receptionist',
  });
  await target.server.admin.createRoleAddress({
    addressId: 'role:oncall-cardiology',
    displayName: 'On-call cardiology',
    department: 'Cardiology',
    description: 'The cardiology registrar on call',
    members: ['dr.patel'],
  });
  // The core and renderer that ship (the Electron bundles), behind the browser host's transport.
  const serverArgs = ['--bundled', '--server', target.server.url, '--ca', target.server.caCertPath];
  [hostA, hostB, hostC] = await Promise.all([
    startHostProcess(serverArgs),
    startHostProcess(serverArgs),
    startHostProcess(serverArgs),
  ]);
  browser = await launchChromium();
  [a, b, c] = await Promise.all([
    openClinicianPage(browser, hostA.url),
    openClinicianPage(browser, hostB.url),
    openClinicianPage(browser, hostC.url),
  ]);
  await signInWithCode(c.page, target, desk);
  // A server, two hosts and Chromium: slow on a busy two-core machine.
}, 120_000);

afterAll(async () => {
  await browser.close();
  await Promise.all([hostA.stop(), hostB.stop(), hostC.stop()]);
  await target.dispose();
}, 60_000);

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
const messageField = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });

describe('sign-in with a second factor', () => {
  it('says nothing of demo accounts on a real server', async () => {
    const { page } = a;
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // The screen shows the note only when the server says it is a demo server; this one does not.
    await expect(page.evaluate(() => window.wardline!.server.getInfo())).resolves.toEqual({
      ok: true,
      value: { demo: false },
    });
    await expect(page.getByRole('complementary', { name: 'Demo accounts' }).count()).resolves.toBe(0);
    await expect(page.getByText('demo server').count()).resolves.toBe(0);
  });

  it('enrolls an authenticator on a first sign-in, from the QR code and the setup key', async () => {
    const { page } = a;
    await page.getByLabel('User ID').fill(newcomer.userId);
    await page.getByLabel('Password').fill(newcomer.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor({ timeout: 30_000 });

    const qr = page.getByRole('img', { name: 'QR code for setting up your authenticator app' });
    expect(await qr.evaluate((svg) => svg.tagName.toLowerCase())).toBe('svg');
    expect(await qr.locator('rect').count()).toBeGreaterThan(100);
    const key = (await page.locator('.setup-key').innerText()).trim();
    expect(key).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    const secret = key.replace(/\s/g, '');
    expect(OTPAuth.Secret.fromBase32(secret).bytes.length).toBeGreaterThanOrEqual(10);

    const code = page.getByLabel('Authentication code');
    expect(await focused(page)).toBe('authentication-code');
    expect(await code.getAttribute('inputmode')).toBe('numeric');
    expect(await code.getAttribute('autocomplete')).toBe('one-time-code');
    await snapshot(page, 'enroll-mfa');
    newcomer.totpSecret = secret;
    await code.fill(freshTotpCode(target, newcomer));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor({ timeout: 30_000 });
    await expect(page.getByRole('banner').innerText()).resolves.toContain('Sam Rivera');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('asks for the code after the password, says so plainly when it is wrong, and signs in', async () => {
    const { page } = a;
    await submitPassword(page, nurse);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Enter your code');
    expect(await focused(page)).toBe('authentication-code');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    await page.getByLabel('Authentication code').fill('12345');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Enter the 6-digit code' }).waitFor();

    await page.getByLabel('Authentication code').fill(wrongCode(target, nurse));
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'That code did not work' }).waitFor({ timeout: 30_000 });
    await expect(page.getByLabel('Authentication code').inputValue()).resolves.toBe('');
    expect(await focused(page)).toBe('authentication-code');

    await page.getByLabel('Authentication code').fill(freshTotpCode(target, nurse));
    await page.keyboard.press('Enter');
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor({ timeout: 30_000 });
    const banner = await page.getByRole('banner').innerText();
    expect(banner).toContain('Grace Adams');
    expect(banner).toContain('Nurse');
    await page.getByRole('banner').getByText('Online').waitFor({ timeout: 30_000 });
    for (const role of ['banner', 'main', 'contentinfo'] as const) {
      await expect(page.getByRole(role).count(), role).resolves.toBe(1);
    }
  });

  it('Cancel on the code step goes back to the password step', async () => {
    const { page } = b;
    await submitPassword(page, doctor);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.getByLabel('User ID').inputValue()).resolves.toBe(doctor.userId);
    await signInWithCode(page, target, doctor);
  });
});

describe('messaging between two workstations', () => {
  it('finds people and role addresses in the directory, and Escape closes only the suggestions', async () => {
    const { page } = a;
    await page.getByRole('button', { name: 'New message' }).click();
    const to = page.getByRole('combobox', { name: 'To' });
    await expect(to.evaluate((input) => input === document.activeElement)).resolves.toBe(true);

    await to.fill('on-call');
    const role = page.getByRole('option', { name: /On-call cardiology/ });
    await role.waitFor();
    await expect(role.innerText()).resolves.toContain('Role address · Cardiology · 1 member');

    await page.keyboard.press('Escape');
    await expect.poll(() => to.getAttribute('aria-expanded')).toBe('false');
    await expect(to.inputValue()).resolves.toBe('');
    await expect(page.getByRole('heading', { name: 'New message' }).isVisible()).resolves.toBe(true);

    await to.fill('patel');
    const option = page.getByRole('option', { name: /Dr\. Anika Patel/ });
    await option.waitFor();
    await expect(option.innerText()).resolves.toContain('Physician · Cardiology · Consultant Cardiologist');
    await option.click();
    await page.getByRole('button', { name: 'Remove Dr. Anika Patel' }).waitFor();
    await expect(to.inputValue()).resolves.toBe('');
  });

  it('sends with Ctrl+Enter and opens the new thread, showing the text as text', async () => {
    const { page } = a;
    await page.getByLabel('Subject (optional)').fill(SUBJECT);
    // A name without the reference is refused beside the field, and nothing is sent.
    await page.getByLabel('Name or bed').fill(PATIENT.label);
    await messageField(page).fill(HOSTILE_TEXT);
    await messageField(page).press('Control+Enter');
    await page.getByText('Add the patient reference from the wristband or chart, or clear the patient name.').waitFor();
    await expect(focused(page)).resolves.toMatch(/-patient-ref$/);
    await page.getByLabel('Patient reference').fill(PATIENT.ref);
    await expect(page.getByLabel('Patient reference').getAttribute('aria-invalid')).resolves.toBe('false');
    await snapshot(page, 'compose-with-patient');
    await page.getByRole('radio', { name: 'Urgent' }).check();
    await messageField(page).press('Control+Enter');

    // The heading says who the thread is with; the subject is shown as one, below it.
    const heading = page.getByRole('heading', { level: 2, name: 'Dr. Anika Patel' });
    await heading.waitFor({ timeout: 30_000 });
    await expect(heading.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
    await expect(page.locator('.thread-subject').textContent()).resolves.toBe(`Subject: ${SUBJECT}`);
    await log(page).getByText(HOSTILE_TEXT, { exact: true }).waitFor();
    await expect(log(page).locator('img, a, b, script').count()).resolves.toBe(0);
    await expect(log(page).innerText()).resolves.toContain('URGENT');
    await log(page)
      .getByText(/^(Sent|Delivered|Read)$/)
      .waitFor({ timeout: 30_000 });
    await expect(page.title()).resolves.toBe('Wardline');

    // One send, one conversation: Ctrl+Enter must not submit twice.
    const list = await page.evaluate(() => window.wardline!.conversations.list({ offset: 0, limit: 10 }));
    expect(list.ok && list.value.items.filter((item) => item.subject === SUBJECT).length).toBe(1);
  });

  it('lists it as unread and urgent on the other workstation, opens it by keyboard, and replies STAT', async () => {
    const { page } = b;
    const row = page.getByRole('option', { name: new RegExp(SUBJECT) });
    await row.waitFor({ timeout: 30_000 });
    await row.filter({ hasText: '1 unread' }).waitFor({ timeout: 30_000 });
    await expect(row.innerText()).resolves.toContain('URGENT');

    await page.getByRole('listbox', { name: 'Conversations' }).focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    const heading = page.getByRole('heading', { level: 2, name: 'Grace Adams' });
    await heading.waitFor({ timeout: 30_000 });
    await expect(heading.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
    // The thread is named by who it is with, then its subject.
    const region = await page
      .getByRole('region', { name: new RegExp(`^Grace Adams Subject: ${SUBJECT}$`, 'i') })
      .innerText();
    expect(region).toContain('Grace Adams');
    // The patient the sender named, read from the sealed body.
    expect(region).toContain(`Patient: ${PATIENT.label} ${PATIENT.ref}`);
    await log(page).getByText(HOSTILE_TEXT, { exact: true }).waitFor();

    await messageField(page).fill(REPLY);
    await page.getByLabel('Priority').selectOption('stat');
    await messageField(page).press('Control+Enter');
    await log(page).getByText(REPLY).waitFor({ timeout: 30_000 });
    await expect(messageField(page).inputValue()).resolves.toBe('');
  });

  it('shows the sender the reply and the read receipt, and announces it without its content', async () => {
    const { page } = a;
    await log(page).getByText(REPLY).waitFor({ timeout: 30_000 });
    await expect(log(page).innerText()).resolves.toContain('STAT');
    await log(page).getByText('Read', { exact: true }).waitFor({ timeout: 30_000 });
    await snapshot(page, 'thread-with-reply');
    const announcements = await page.locator('[role="status"]').allInnerTexts();
    expect(announcements).toContain('New STAT message from Dr. Anika Patel');
    expect(announcements.join(' ')).not.toContain('Insulin');
  });

  it('recalls after a confirmation, leaving a placeholder on both workstations', async () => {
    const { page } = a;
    await log(page).getByRole('button', { name: 'Recall' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Recall this message?' });
    await dialog.waitFor();
    await expect.poll(() => focused(page)).toBe('Keep message');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await log(page).getByText(HOSTILE_TEXT, { exact: true }).waitFor();

    await log(page).getByRole('button', { name: 'Recall' }).click();
    await page.getByRole('button', { name: 'Recall message' }).click();
    await log(page).getByText('Message recalled').waitFor({ timeout: 30_000 });
    await expect(log(page).getByText(HOSTILE_TEXT, { exact: true }).count()).resolves.toBe(0);
    await log(b.page).getByText('Message recalled').waitFor({ timeout: 30_000 });
    await expect(log(b.page).getByText(HOSTILE_TEXT, { exact: true }).count()).resolves.toBe(0);
  });

  it('never shows the conversation to a third clinician signed in at another workstation', async () => {
    const { page } = c;
    await expect(page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').count()).resolves.toBe(0);
    const list = await page.evaluate(() => window.wardline!.conversations.list({ offset: 0, limit: 10 }));
    expect(list).toEqual({ ok: true, value: { items: [], total: 0 } });
    await expect(page.locator('body').innerText()).resolves.not.toContain(SUBJECT);
  });

  it('holds sending while a security key has changed, until the new key is accepted', async () => {
    // The physician's keys are replaced on the server (as after an account reset).
    await apiSignIn(target, doctor);
    await publishIdentity(target, doctor);

    const { page } = a;
    const text = 'Repeat sample is 5.2.';
    await messageField(page).fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
    // Sealed to the key pinned here; the relay refuses it, so it is held: shown, not sent, not lost.
    const warning = page.getByRole('region', { name: 'Security key changed' });
    await warning.waitFor({ timeout: 30_000 });
    await expect(warning.innerText()).resolves.toContain('Dr. Anika Patel’s security key changed');
    const held = log(page).getByRole('listitem').filter({ hasText: text });
    await held.getByText('Not sent: key changed').waitFor({ timeout: 30_000 });
    await snapshot(page, 'key-changed');

    // Nothing new is sealed while the change is pending; the typed text stays for later.
    const next = 'Please repeat at 18:00.';
    await messageField(page).fill(next);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('alert').filter({ hasText: 'security key has changed' }).waitFor({ timeout: 30_000 });
    await expect(messageField(page).inputValue()).resolves.toBe(next);

    await warning.getByRole('button', { name: 'Accept new key' }).click();
    await warning.waitFor({ state: 'detached', timeout: 30_000 });
    // Resealed to the accepted key and sent, in its place in the thread.
    await held.getByText('Sent', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Send' }).click();
    await log(page).getByText(next).waitFor({ timeout: 30_000 });
  });

  it('closes compose with Escape and gives focus back to New message', async () => {
    const { page } = a;
    await page.getByRole('button', { name: 'New message' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor();
    await page.getByLabel('Subject (optional)').focus();
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('New message');
  });

  it('meets WCAG 2.1 AA (axe-core) in the list, the thread and compose', async () => {
    const { page } = a;
    await page.getByRole('option', { name: new RegExp(SUBJECT) }).click();
    await log(page).getByText(REPLY).waitFor({ timeout: 30_000 });
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await page.getByRole('button', { name: 'New message' }).click();
    await page.getByRole('combobox', { name: 'To' }).waitFor();
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    // With the suggestions open, React Aria hides the rest of the page from screen readers
    // (aria-hidden) while focus stays in the field, and any Tab closes the list first; axe
    // reports the hidden page's buttons as hidden focus. What is on offer then is the field
    // and its suggestions, and those are scanned.
    await page.getByRole('combobox', { name: 'To' }).fill('Patel');
    await page.getByRole('option', { name: /Patel/ }).first().waitFor();
    await expect(accessibilityViolations(page, '.recipient-field')).resolves.toEqual([]);
    await expect(accessibilityViolations(page, '.combo-popover')).resolves.toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
  });
});

describe('a long conversation list', () => {
  it('renders only what is on screen and reaches the oldest conversation with End', async () => {
    const { page } = a;
    const count = 240;
    const failures = await page.evaluate(async (n) => {
      const bridge = window.wardline!;
      let failed = 0;
      for (let start = 0; start < n; start += 12) {
        const batch = Array.from({ length: Math.min(12, n - start) }, (_, k) =>
          bridge.message.send({
            to: [{ kind: 'user', userId: 'dr.patel' }],
            title: `Load ${String(start + k).padStart(4, '0')}`,
            text: 'Load test message',
            priority: 'routine',
            expiresInSeconds: null,
          }),
        );
        failed += (await Promise.all(batch)).filter((result) => !result.ok).length;
      }
      return failed;
    }, count);
    expect(failures).toBe(0);

    const listbox = page.getByRole('listbox', { name: 'Conversations' });
    await page.getByRole('option', { name: /Load 0239/ }).waitFor({ timeout: 30_000 });
    const first = page.getByRole('option').first();
    await expect.poll(() => first.getAttribute('aria-setsize')).toBe(String(count + 1));
    expect(await page.getByRole('option').count()).toBeLessThan(40);

    await listbox.focus();
    await page.keyboard.press('End');
    const active = page.locator(`[id="${(await listbox.getAttribute('aria-activedescendant')) ?? ''}"]`);
    await expect(active.getAttribute('aria-posinset')).resolves.toBe(String(count + 1));
    await active.filter({ hasText: SUBJECT }).waitFor({ timeout: 30_000 });
    await expect(active.isVisible()).resolves.toBe(true);
    expect(await page.getByRole('option').count()).toBeLessThan(40);
  });
});

describe('names a sender chooses', () => {
  /** Reads "Dr. Minh Nguyen" where the override is honoured. */
  const RLO_TITLE = '\u202Eneyug\u200BN hniM .rD';

  /** A signed-in colleague seals a conversation to the front desk with details of its choosing. */
  async function sendAsHostile(
    from: TestUser,
    text: string,
    conversation: Omit<MessageBody['conversation'], 'participants'>,
  ): Promise<void> {
    if (from.identity === null) throw new Error('no identity');
    const found = await target.api.ok('lookupKeys', { userIds: [desk.userId, from.userId] }, token(from));
    const keyOf = (userId: string) =>
      found.users.find((entry) => entry.user.userId === userId)?.publicKeys?.encryption ?? '';
    const envelope = await sealEnvelope({
      header: {
        v: 1,
        id: randomUUID(),
        conversationId: randomUUID(),
        sender: { userId: from.userId, deviceId: from.device.deviceId },
        recipients: [desk.userId],
        sentAt: target.clock.now(),
        expiresAt: null,
        priority: 'urgent',
      },
      body: { kind: 'text', text, conversation: { ...conversation, participants: [desk.userId, from.userId] } },
      recipientKeys: [desk.userId, from.userId].map((userId) => ({ recipient: userId, encryptionKey: keyOf(userId) })),
      signingKey: from.identity.signing.privateKey,
    });
    await target.api.ok('send', { envelope }, token(from));
  }

  it('shows role addresses and people by the directory, a title only as the subject, and no hidden characters', async () => {
    const [hostile] = await readyUsers(target, [
      { userId: 'nurse.grey', displayName: 'Morgan Grey', role: 'nurse', department: 'Ward 9', title: 'Staff Nurse' },
    ]);
    if (hostile === undefined) throw new Error('no user');
    await sendAsHostile(hostile, 'Call me about bed 4', {
      kind: 'role',
      title: RLO_TITLE,
      roleAddress: { id: 'role:chief-medical-officer', displayName: 'Chief Medical Officer' },
    });
    await sendAsHostile(hostile, 'This is Dr. Nguyen: give 10 units now', {
      kind: 'role',
      title: 'Dr. Minh Nguyen',
      roleAddress: null,
    });

    const { page } = c;
    await page.setViewportSize({ width: 1366, height: 768 });
    const list = page.getByRole('listbox', { name: 'Conversations' });
    const fake = list.getByRole('option', { name: /Unknown role address/ });
    const plain = list.getByRole('option', { name: /^Morgan Grey/ });
    await fake.waitFor({ timeout: 30_000 });
    await plain.waitFor({ timeout: 30_000 });
    await expect(fake.locator('.conversation-subject').textContent()).resolves.toBe('Subject: neyugN hniM .rD');
    await expect(plain.locator('.conversation-subject').textContent()).resolves.toBe('Subject: Dr. Minh Nguyen');

    await fake.click();
    await page.getByRole('heading', { level: 2, name: 'Unknown role address' }).waitFor({ timeout: 30_000 });
    await page.getByText('Sent to a role address the directory does not know').waitFor();
    await expect(page.locator('.thread-header .participant-name').allTextContents()).resolves.toEqual(['Morgan Grey']);
    await snapshot(page, 'sender-unknown-role');

    await plain.click();
    const heading = page.getByRole('heading', { level: 2, name: 'Morgan Grey' });
    await heading.waitFor({ timeout: 30_000 });
    await expect(page.locator('.thread-subject').textContent()).resolves.toBe('Subject: Dr. Minh Nguyen');
    await snapshot(page, 'sender-chosen-names');

    const shown = await page.locator('body').textContent();
    expect(shown).not.toContain('Chief Medical Officer');
    expect(/[\p{Cf}\p{Default_Ignorable_Code_Point}]/u.test(shown ?? '')).toBe(false);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });
});

describe('what the page keeps and loads', () => {
  it('keeps PHI out of the title and browser storage, and breaks no CSP rule', async () => {
    for (const { page } of [a, b]) {
      await expect(page.title()).resolves.toBe('Wardline');
      /* eslint-disable no-restricted-properties, no-restricted-globals -- reading them to prove they stay empty */
      const storage = await page.evaluate(async () => ({
        local: window.localStorage.length,
        session: window.sessionStorage.length,
        databases: (await indexedDB.databases()).length,
      }));
      /* eslint-enable no-restricted-properties, no-restricted-globals */
      expect(storage).toEqual({ local: 0, session: 0, databases: 0 });
    }
    // Not even the preload's schema library may try `new Function` (it runs jitless).
    for (const clinician of [a, b]) {
      expect(await clinician.violations()).toEqual([]);
    }
  });

  it('drops every message from the page on sign-out', async () => {
    const { page } = b;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).not.toContain(SUBJECT);
    expect(text).not.toContain('Insulin');
  });

  it('says plainly when the server cannot be reached', async () => {
    await target.close();
    const { page } = a;
    await page.getByText('Offline — messages will be sent when the connection returns').waitFor({ timeout: 45_000 });
    await snapshot(page, 'offline');
    await expect(page.getByRole('banner').innerText()).resolves.toContain('Offline');
  });
});

/** A six-digit code that is not valid for this user now (nor one step either side). */
function wrongCode(server: TestServer, user: TestUser): string {
  const secret = OTPAuth.Secret.fromBase32(user.totpSecret ?? '');
  const valid = new Set(
    [-1, 0, 1].map((step) => OTPAuth.TOTP.generate({ secret, timestamp: server.clock.now() + step * 30_000 })),
  );
  for (let candidate = 0; ; candidate += 1) {
    const code = String(candidate).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}
