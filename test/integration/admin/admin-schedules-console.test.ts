/**
 * On-call schedules from the Administration view's channels through the real core's router and
 * a real server: a rota previewed, then stored, then listed; a manual shift added, changed and
 * deleted; a file over the channel's limit refused before it leaves the workstation; a
 * refusal as the view's typed code; and a clinician's directory naming the person on call now.
 * Role refusal for every channel is in admin-console.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../../server/server';
import { ADMIN_IMPORT_MAX_REQUEST_BYTES } from '../../../shared/ipc/admin-channels';
import {
  createUser,
  freshTotpCode,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';
import { createWorkstation, type Workstation } from '../../support/workstation';

const ADDRESS = 'role:oncall-cardiology';
const HOUR = 3_600_000;
let target: TestServer;
let admin: TestUser;
let nurse: TestUser;
let office: Workstation;
let ward: Workstation;

async function signInAt(station: Workstation, user: TestUser): Promise<void> {
  const first = await station.call('session.signIn', { userId: user.userId, password: user.password });
  expect(first).toEqual({ ok: true, value: { step: 'mfa' } });
  const second = await station.call('session.verifyMfa', { code: freshTotpCode(target, user) });
  expect(second.ok && second.value.state).toBe('unlocked');
}

const csvRow = (from: number, to: number, person: string, backup: string) =>
  `${new Date(from).toISOString()},${new Date(to).toISOString()},${person},${backup}`;

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
  nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
  await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' });
  await createUser(target, { userId: 'dr.nguyen', displayName: 'Minh Nguyen', role: 'physician' });
  await target.server.admin.createRoleAddress({
    addressId: ADDRESS,
    displayName: 'On-call cardiology',
    department: 'Cardiology',
    description: '',
    members: ['dr.patel', 'dr.nguyen'],
  });
  const endpoint = { url: target.server.url, caPem: target.caPem };
  office = createWorkstation(endpoint);
  ward = createWorkstation(endpoint);
  await signInAt(office, admin);
  await signInAt(ward, nurse);
}, 60_000);

afterAll(async () => {
  await Promise.all([office.close(), ward.close()]);
  await target.dispose();
}, 60_000);

describe('on-call schedules from the Administration view', () => {
  it('previews a rota, stores it, and the directory names the person on call now', async () => {
    const now = target.clock.now();
    const text = [
      'start,end,person,backup',
      csvRow(now - HOUR, now + 11 * HOUR, 'Anika Patel', 'dr.nguyen'),
      csvRow(now + 11 * HOUR, now + 23 * HOUR, 'dr.nguyen', ''),
    ].join('\r\n');
    const preview = await office.call('admin.importShifts', { addressId: ADDRESS, format: 'csv', text, dryRun: true });
    expect(preview.ok && preview.value).toMatchObject({ applied: false, problemCount: 0, shifts: [{}, {}] });
    const done = await office.call('admin.importShifts', { addressId: ADDRESS, format: 'csv', text, dryRun: false });
    expect(done.ok && done.value).toMatchObject({ applied: true, replaced: 0 });
    const listed = await office.call('admin.listShifts', {
      addressId: ADDRESS,
      from: now,
      to: now + 14 * 24 * HOUR,
      after: null,
    });
    expect(listed.ok && listed.value.shifts.map((shift) => [shift.userId, shift.source])).toEqual([
      ['dr.patel', 'csv'],
      ['dr.nguyen', 'csv'],
    ]);
    const found = await ward.call('directory.search', { query: 'on-call cardiology' });
    const role = found.ok ? found.value.entries.find((entry) => entry.kind === 'role') : undefined;
    expect(role?.kind === 'role' && role.onCall).toEqual([
      {
        userId: 'dr.patel',
        backupUserId: 'dr.nguyen',
        endsAt: now + 11 * HOUR,
      },
    ]);
  });

  it('adds, changes and deletes a shift, and says who is not a member in the typed code', async () => {
    const now = target.clock.now();
    const shift = {
      addressId: ADDRESS,
      userId: 'dr.nguyen',
      backupUserId: null,
      startsAt: now + 48 * HOUR,
      endsAt: now + 60 * HOUR,
    };
    const added = await office.call('admin.addShift', shift);
    if (!added.ok) throw new Error(added.error.code);
    const shiftId = added.value.shift.shiftId;
    expect(await office.call('admin.updateShift', { ...shift, shiftId, backupUserId: 'dr.patel' })).toEqual({
      ok: true,
      value: { changed: true },
    });
    expect(await office.call('admin.deleteShift', { addressId: ADDRESS, shiftId })).toEqual({
      ok: true,
      value: { changed: true },
    });
    expect(await office.call('admin.addShift', { ...shift, userId: 'nurse.adams' })).toMatchObject({
      ok: false,
      error: { code: 'RECIPIENT_UNAVAILABLE' },
    });
  });

  it('refuses a rota file over the channel limit before it reaches the server', async () => {
    const text = 'x'.repeat(ADMIN_IMPORT_MAX_REQUEST_BYTES);
    expect(
      await office.call('admin.importShifts', { addressId: ADDRESS, format: 'csv', text, dryRun: true }),
    ).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });
    // A file the channel takes but the protocol does not (over 512 Ki characters) is refused too.
    const long = 'x'.repeat(600 * 1024);
    expect(
      await office.call('admin.importShifts', { addressId: ADDRESS, format: 'csv', text: long, dryRun: true }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });
});
