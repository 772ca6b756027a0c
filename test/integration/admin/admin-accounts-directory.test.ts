/**
 * The Administration view's newer channels through the real core's router and a real server:
 * a new person's one-time code (and only the newest code works), password and authenticator
 * resets and revocation behind a fresh re-authentication and never on the admin's own account, role addresses
 * (create, rename, members, refusals as the view's typed codes, names that are not plain text
 * refused at the channel), and workstations (listed with which one is this, revoked behind a
 * fresh proof, never this one). Role refusal for every channel is in admin-console.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_KDF } from '../../../server/server';
import { ENROLLMENT_CODE_TTL_MS } from '../../../shared/protocol/enrollment';
import { REAUTHENTICATION_WINDOW_MS } from '../../../shared/protocol/route-spec';
import {
  createUser,
  freshTotpCode,
  signIn as apiSignIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';
import { createWorkstation, eventually, type Workstation } from '../../support/workstation';

let target: TestServer;
let admin: TestUser;
let nurse: TestUser;
let doctor: TestUser;
let office: Workstation;
let ward: Workstation;

/** A password the workstation's policy accepts for a first sign-in. */
const NEW_PASSWORD = 'correct horse battery staple';

async function signInAt(station: Workstation, user: TestUser): Promise<void> {
  const first = await station.call('session.signIn', { userId: user.userId, password: user.password });
  expect(first).toEqual({ ok: true, value: { step: 'mfa' } });
  const second = await station.call('session.verifyMfa', { code: freshTotpCode(target, user) });
  expect(second.ok && second.value.state).toBe('unlocked');
}

/** The server's proof of the admin ages past the window: the next destructive action asks again. */
function ageProof(): void {
  target.clock.advance(REAUTHENTICATION_WINDOW_MS + 1000);
}

async function reauthenticate(): Promise<void> {
  expect(
    await office.call('admin.reauthenticate', { password: admin.password, code: freshTotpCode(target, admin) }),
  ).toEqual({ ok: true, value: {} });
}

async function personOf(userId: string) {
  const found = await office.call('admin.searchPeople', { query: userId, after: null });
  if (!found.ok) throw new Error(found.error.code);
  return found.value.people.find((person) => person.userId === userId);
}

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
  nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
  doctor = await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' });
  await createUser(target, { userId: 'compliance.reed', displayName: 'Ada Reed', role: 'compliance-officer' });
  const endpoint = { url: target.server.url, caPem: target.caPem };
  office = createWorkstation(endpoint);
  ward = createWorkstation(endpoint);
  await signInAt(office, admin);
}, 60_000);

afterAll(async () => {
  await Promise.all([office.close(), ward.close()]);
  await target.dispose();
}, 60_000);

describe('new people and their enrollment codes', () => {
  let firstCode = '';

  it('creates a pending person and answers their one-time code, which expires in 72 hours', async () => {
    const before = target.clock.now();
    const created = await office.call('admin.createPerson', {
      userId: 'nurse.ruiz',
      displayName: '  Tomás Ruiz ',
      role: 'nurse',
      department: 'Ward 2',
      title: '',
    });
    if (!created.ok) throw new Error(created.error.code);
    firstCode = created.value.enrollment.code;
    expect(firstCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{20}$/);
    expect(created.value.enrollment.expiresAt).toBeGreaterThanOrEqual(before + ENROLLMENT_CODE_TTL_MS);
    expect(created.value.enrollment.expiresAt).toBeLessThanOrEqual(target.clock.now() + ENROLLMENT_CODE_TTL_MS);
    expect(await personOf('nurse.ruiz')).toMatchObject({
      displayName: 'Tomás Ruiz',
      role: 'nurse',
      enrollment: 'pending',
      enrollmentExpiresAt: created.value.enrollment.expiresAt,
      mfaEnrolled: false,
      liveSessions: 0,
    });
  });

  it('refuses a taken user id, and a name that is not plain text before it reaches the server', async () => {
    const person = { userId: 'nurse.ruiz', displayName: 'Someone Else', role: 'nurse', department: '', title: '' };
    expect(await office.call('admin.createPerson', { ...person, role: 'nurse' })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_EXISTS' },
    });
    for (const displayName of ['Tomás  Ruiz', 'Tomás\u202eziuR', 'Tomás\nRuiz', ''])
      expect(
        await office.call('admin.createPerson', { ...person, userId: 'nurse.other', role: 'nurse', displayName }),
        JSON.stringify(displayName),
      ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await personOf('nurse.other')).toBeUndefined();
  });

  it('issues a new code that replaces the first, and none for someone who has set a password', async () => {
    const again = await office.call('admin.issueEnrollmentCode', { userId: 'nurse.ruiz' });
    if (!again.ok) throw new Error(again.error.code);
    expect(again.value.enrollment.code).not.toBe(firstCode);
    expect(
      await ward.call('session.enroll', { userId: 'nurse.ruiz', enrollmentCode: firstCode, password: NEW_PASSWORD }),
    ).toMatchObject({ ok: false, error: { code: 'ENROLLMENT_INVALID' } });
    const redeemed = await ward.call('session.enroll', {
      userId: 'nurse.ruiz',
      enrollmentCode: again.value.enrollment.code,
      password: NEW_PASSWORD,
    });
    expect(redeemed.ok && redeemed.value.step).toBe('enroll-mfa');
    expect((await ward.call('session.cancelSignIn', {})).ok).toBe(true);
    expect(await office.call('admin.issueEnrollmentCode', { userId: 'nurse.adams' })).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_ENROLLED' },
    });
  });
});

describe('a fresh proof', () => {
  it('is asked for before a password reset, an authenticator reset or a revocation, once the last has aged', async () => {
    await apiSignIn(target, nurse);
    await apiSignIn(target, doctor);
    const listed = await office.call('admin.listWorkstations', { after: null });
    const theirs = listed.ok && listed.value.workstations.find((row) => row.lastUser?.userId === 'dr.patel');
    if (!theirs) throw new Error('the physician’s workstation is not listed');
    // Once per file: the workstation's own token lives ten minutes of the server's time, and
    // it cannot refresh once the server's clock has moved away from the real one.
    ageProof();
    for (const [channel, request] of [
      ['admin.resetPassword', { userId: 'nurse.adams' }],
      ['admin.resetAuthenticator', { userId: 'dr.patel' }],
      ['admin.revokeWorkstation', { deviceId: theirs.deviceId }],
    ] as const)
      expect(await office.call(channel, request as never), channel).toMatchObject({
        ok: false,
        error: { code: 'REAUTHENTICATION_REQUIRED' },
      });
    // Nothing was done meanwhile.
    expect((await target.api.ok('listSessions', {}, token(nurse))).sessions).toHaveLength(1);
    expect((await target.api.ok('listSessions', {}, token(doctor))).sessions).toHaveLength(1);
    await reauthenticate();
  });
});

describe('resets', () => {
  it('resets a password, ending their sessions and answering a new code', async () => {
    const reset = await office.call('admin.resetPassword', { userId: 'nurse.adams' });
    if (!reset.ok) throw new Error(reset.error.code);
    expect(reset.value.sessionsEnded).toBe(1);
    expect(reset.value.enrollment.code).toMatch(/^[0-9A-Z]{20}$/);
    expect((await target.api.refused('listSessions', {}, token(nurse))).status).toBe(401);
    expect(await personOf('nurse.adams')).toMatchObject({
      enrollment: 'pending',
      enrollmentExpiresAt: reset.value.enrollment.expiresAt,
    });
  });

  it('resets an authenticator, after which the person has none until their next sign-in', async () => {
    const reset = await office.call('admin.resetAuthenticator', { userId: 'dr.patel' });
    expect(reset).toEqual({ ok: true, value: { sessionsEnded: 1 } });
    expect(await personOf('dr.patel')).toMatchObject({ enrollment: 'enrolled', mfaEnrolled: false });
  });

  it("refuses either reset of the admin's own account in main, with or without a fresh proof", async () => {
    for (const channel of ['admin.resetPassword', 'admin.resetAuthenticator'] as const)
      expect(await office.call(channel, { userId: admin.userId }), channel).toMatchObject({
        ok: false,
        error: { code: 'NOT_PERMITTED' },
      });
    expect(await personOf(admin.userId)).toMatchObject({ enrollment: 'enrolled', mfaEnrolled: true, liveSessions: 1 });
  });
});

describe('role addresses', () => {
  const address = {
    addressId: 'role:night-pharmacy',
    displayName: 'Night pharmacy',
    department: 'Pharmacy',
    description: 'The pharmacist on duty from 20:00 to 08:00.',
  };

  it('creates one (its id only once), finds it by name, and refuses names that are not plain text', async () => {
    expect(await office.call('admin.createRoleAddress', address)).toEqual({ ok: true, value: {} });
    expect(await office.call('admin.createRoleAddress', { ...address, displayName: 'Other' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    for (const displayName of ['Night  pharmacy', 'Night\u200bpharmacy', '\u202eycamrahp'])
      expect(
        await office.call('admin.createRoleAddress', { ...address, addressId: 'role:other', displayName }),
      ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const found = await office.call('admin.searchRoleAddresses', { query: 'PHARM', after: null });
    expect(found).toEqual({ ok: true, value: { roleAddresses: [{ ...address, memberCount: 0 }], more: false } });
  });

  it('renames it once: saying the same again changes nothing', async () => {
    const renamed = { ...address, displayName: 'Night pharmacist' };
    expect(await office.call('admin.updateRoleAddress', renamed)).toEqual({ ok: true, value: { changed: true } });
    expect(await office.call('admin.updateRoleAddress', renamed)).toEqual({ ok: true, value: { changed: false } });
  });

  it('adds and removes a member, and refuses people who cannot be members with their own codes', async () => {
    const { addressId } = address;
    expect(await office.call('admin.addRoleMember', { addressId, userId: 'dr.patel' })).toEqual({
      ok: true,
      value: { changed: true },
    });
    const got = await office.call('admin.getRoleAddress', { addressId });
    expect(got.ok && got.value.roleAddress.members).toEqual([
      { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician', active: true },
    ]);
    expect(await office.call('admin.addRoleMember', { addressId, userId: 'compliance.reed' })).toMatchObject({
      ok: false,
      error: { code: 'RECIPIENT_NOT_PERMITTED' },
    });
    expect(await office.call('admin.addRoleMember', { addressId, userId: 'nobody.here' })).toMatchObject({
      ok: false,
      error: { code: 'RECIPIENT_UNAVAILABLE' },
    });
    expect(await office.call('admin.removeRoleMember', { addressId, userId: 'dr.patel' })).toEqual({
      ok: true,
      value: { changed: true },
    });
    expect(await office.call('admin.removeRoleMember', { addressId, userId: 'dr.patel' })).toEqual({
      ok: true,
      value: { changed: false },
    });
    expect(await office.call('admin.getRoleAddress', { addressId: 'role:no-such-thing' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('workstations', () => {
  it('lists each with whether it is this one, and revokes another, never this one', async () => {
    // Back after the reset, enrolling a new authenticator, on the same workstation.
    await apiSignIn(target, doctor);
    const listed = await office.call('admin.listWorkstations', { after: null });
    if (!listed.ok) throw new Error(listed.error.code);
    const here = listed.value.workstations.filter((row) => row.thisWorkstation);
    expect(here).toHaveLength(1);
    expect(here[0]?.lastUser?.userId).toBe(admin.userId);
    const theirs = listed.value.workstations.find((row) => row.lastUser?.userId === 'dr.patel');
    if (theirs === undefined || here[0] === undefined) throw new Error('a workstation is missing');
    expect(theirs).toMatchObject({ name: doctor.device.name, thisWorkstation: false, revokedAt: null });

    expect(await office.call('admin.revokeWorkstation', { deviceId: here[0].deviceId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_PERMITTED' },
    });
    expect(await office.call('admin.revokeWorkstation', { deviceId: theirs.deviceId })).toEqual({
      ok: true,
      value: { changed: true, sessionsEnded: 1 },
    });
    expect(await office.call('admin.revokeWorkstation', { deviceId: theirs.deviceId })).toEqual({
      ok: true,
      value: { changed: false, sessionsEnded: 0 },
    });
    const after = await office.call('admin.listWorkstations', { after: null });
    if (!after.ok) throw new Error(after.error.code);
    const revoked = after.value.workstations.find((row) => row.deviceId === theirs.deviceId);
    expect(revoked?.revokedAt).toBeGreaterThan(0);
    expect(revoked?.revokedAt).toBeLessThanOrEqual(target.clock.now());
    // The admin's own workstation still works.
    expect((await office.call('admin.searchPeople', { query: '', after: null })).ok).toBe(true);
  });

  it("finds each of these actions among the admin's recent actions, with its object", async () => {
    const recent = await eventually(
      async () => {
        const answer = await office.call('admin.recentActions', { before: null });
        if (!answer.ok) throw new Error(answer.error.code);
        return answer.value.entries;
      },
      (entries) => entries.some((entry) => entry.reason === 'DEVICE_REVOKED'),
    );
    const seen = recent.map((entry) => [entry.reason, entry.object.kind]);
    for (const expected of [
      ['DEVICE_REVOKED', 'workstation'],
      ['ROLE_MEMBER_REMOVED', 'role-address'],
      ['ROLE_MEMBER_ADDED', 'role-address'],
      ['ROLE_ADDRESS_UPDATED', 'role-address'],
      ['ROLE_ADDRESS_CREATED', 'role-address'],
      ['MFA_RESET', 'account'],
      ['PASSWORD_RESET', 'account'],
      ['ENROLLMENT_CODE_ISSUED', 'account'],
      ['ACCOUNT_CREATED', 'account'],
    ])
      expect(seen).toContainEqual(expected);
    expect(recent.find((entry) => entry.reason === 'ROLE_ADDRESS_CREATED')?.object).toEqual({
      kind: 'role-address',
      id: 'role:night-pharmacy',
      userId: null,
    });
  });
});
