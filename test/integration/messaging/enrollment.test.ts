/**
 * A first sign-in with the enrollment code IT gave, and the first after a password reset, at a
 * real workstation core against the real server: the person chooses a password that policy
 * accepts, enrolls an authenticator, gets identity keys and a vault; after a reset the old
 * password is dead, the vault it sealed is shredded by the user wipe the reset queued (recorded)
 * and a new one made.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayEnrollmentCode } from '../../../shared/protocol/enrollment';
import { totpCodeAt } from '../../../server/accounts/totp';
import { startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, type Workstation } from '../../support/workstation';

let server: TestServer;
let station: Workstation;
const person = {
  userId: 'nurse.okafor',
  displayName: 'Chidi Okafor',
  role: 'nurse' as const,
  department: 'Ward 7',
  title: 'Staff Nurse',
};
const firstPassword = 'correct horse battery staple';
let secret = '';
/**
 * The server's clock runs ahead by one TOTP step per sign-in, so each sign-in has a step of its
 * own (a code is good once) without waiting; well inside the device proofs' two-minute window.
 */
let ahead = 0;
const serverNow = () => Date.now() + ahead;
const nextCode = () => {
  ahead += 30_000;
  return totpCodeAt(secret, serverNow());
};

beforeAll(async () => {
  server = await startTestServer([], { now: serverNow });
  station = createWorkstation(server.endpoint);
}, 60_000);

afterAll(async () => {
  await station.close();
  await server.server.close();
});

/** When this workstation's vault for the person was made (a new vault is a new time). */
function vaultCreatedAt(userId: string): number | null {
  return station.core.vaults.list().find((vault) => vault.userId === userId)?.createdAt ?? null;
}

describe('first sign-in with an enrollment code', () => {
  let code = '';

  beforeAll(async () => {
    code = (await server.server.admin.createPendingAccount(person)).code;
  });

  it('refuses a password shorter than policy asks before anything reaches the server', async () => {
    const short = await station.call('session.enroll', {
      userId: person.userId,
      enrollmentCode: code,
      password: 'too short',
    });
    expect(short).toMatchObject({ ok: false, error: { code: 'PASSWORD_TOO_SHORT' } });
    const typo = await station.call('session.enroll', {
      userId: person.userId,
      enrollmentCode: 'not a code',
      password: firstPassword,
    });
    expect(typo).toMatchObject({ ok: false, error: { code: 'ENROLLMENT_INVALID' } });
    // Neither spent the code: nobody asked the server.
    expect((await server.server.admin.signInThrottle(person.userId))?.failures ?? 0).toBe(0);
  });

  it('sets the password, enrolls the authenticator, and opens a new vault with new identity keys', async () => {
    // Typed as IT read it out: lower case, with the dashes.
    const typed = displayEnrollmentCode(code).toLowerCase();
    const answer = await station.call('session.enroll', {
      userId: person.userId,
      enrollmentCode: typed,
      password: firstPassword,
    });
    if (!answer.ok || answer.value.step !== 'enroll-mfa') throw new Error(`unexpected ${JSON.stringify(answer)}`);
    secret = OTPAuth.URI.parse(answer.value.otpauthUri).secret.base32;
    const verified = await station.call('session.verifyMfa', { code: nextCode() });
    expect(verified.ok && verified.value.state).toBe('unlocked');
    expect(station.core.vaults.list().filter((vault) => vault.userId === person.userId)).toHaveLength(1);
    await station.call('session.signOut', {});
    // From now on the ordinary sign-in, with the chosen password.
    expect(await station.call('session.signIn', { userId: person.userId, password: firstPassword })).toEqual({
      ok: true,
      value: { step: 'mfa' },
    });
    const again = await station.call('session.verifyMfa', { code: nextCode() });
    expect(again.ok && again.value.state).toBe('unlocked');
    await station.call('session.signOut', {});
  });
});

describe('after IT resets the password', () => {
  it('the old password fails, and the code signs in with a new one, shredding the vault the old one sealed', async () => {
    const before = vaultCreatedAt(person.userId);
    expect(before).not.toBeNull();
    const { enrollment } = await server.server.admin.resetPassword(person.userId, 'it.schmidt');
    const old = await station.call('session.signIn', { userId: person.userId, password: firstPassword });
    expect(old).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS' } });
    const answer = await station.call('session.enroll', {
      userId: person.userId,
      enrollmentCode: enrollment.code,
      password: 'a new and longer password',
    });
    // The authenticator they have still stands: only the password was reset.
    expect(answer).toEqual({ ok: true, value: { step: 'mfa' } });
    const verified = await station.call('session.verifyMfa', { code: nextCode() });
    expect(verified).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    const vaults = station.core.vaults.list().filter((vault) => vault.userId === person.userId);
    expect(vaults).toHaveLength(1);
    expect(vaultCreatedAt(person.userId)).not.toBe(before);
    // The reset queued a user wipe; this workstation carried it out at the sign-in, before any
    // vault opened, and both the shredding and its report are on the trail.
    await eventually(
      () => server.server.admin.auditRecords({ action: 'vault.shredded' }),
      (records) => records.length > 0,
    );
    const reported = await eventually(
      () => server.server.admin.auditRecords({ action: 'admin.action' }),
      (records) => records.some((entry) => entry.record.reason === 'USER_VAULT_WIPED'),
    );
    expect(reported.find((entry) => entry.record.reason === 'USER_VAULT_WIPED')?.record.object).toMatchObject({
      kind: 'workstation',
      userId: person.userId,
    });
  });
});
