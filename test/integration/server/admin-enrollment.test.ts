/**
 * Accounts IT creates and the credentials it resets (server/accounts/account-enrollment.ts and
 * enrollment-step.ts), over HTTP as a client and an attacker would use them: a new person sets
 * their own password with a one-time code, which works once, for 72 hours, for them only; an MFA
 * reset makes the next sign-in enroll; a password reset stops the old password at once, removes
 * the keys it wrapped and nothing begun with it survives, even racing the reset.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteResponse } from '../../../shared/protocol/api';
import { ENROLLMENT_CODE_TTL_MS } from '../../../shared/protocol/enrollment';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  HOOK_TIMEOUT_MS,
  authKeyOf,
  clientKeys,
  createUser,
  freshTotpCode,
  loginProof,
  newDevice,
  publishIdentity,
  signIn,
  startTestServer,
  token,
  type TestDevice,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();
let target: TestServer;
let admin: TestUser;

beforeAll(async () => {
  target = await startTestServer('pglite');
  admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
  await signIn(target, admin);
}, 60_000);

afterAll(async () => {
  await target.dispose();
});

async function reauthenticate(): Promise<void> {
  await target.api.ok(
    'reauthenticate',
    { authKey: await authKeyOf(target.api, admin), code: freshTotpCode(target, admin) },
    token(admin),
  );
}

const person = (userId: string) => ({
  userId,
  displayName: 'Grace Adams',
  role: 'nurse' as const,
  department: 'Cardiology Ward 4B',
  title: 'Registered Nurse',
});

/** What a first sign-in sends: the new password's auth key over the prelogin salt, the code, a device proof. */
async function enrollRequest(userId: string, code: string, password: string, device: TestDevice) {
  const { salt, kdf } = await target.api.ok('prelogin', { userId });
  return {
    userId,
    enrollmentCode: code,
    authKey: Buffer.from((await clientKeys(password, salt, kdf)).authKey).toString('base64'),
    device: { publicKey: device.publicKey, name: device.name },
    proof: await loginProof(device, userId, target.clock.now()),
  };
}

/** A person who enrolled: a TestUser with the password they chose and the authenticator they set up. */
async function enroll(
  userId: string,
  code: string,
  password = `chosen-${userId}`,
  /** After a password reset: the authenticator they still have, and its last used step. */
  before?: TestUser,
): Promise<TestUser> {
  const device = await newDevice();
  const answer = await target.api.ok('enroll', await enrollRequest(userId, code, password, device));
  const user: TestUser = {
    userId,
    displayName: 'Grace Adams',
    password,
    totpSecret: before?.totpSecret ?? null,
    device,
    session: null,
    identity: null,
    lastStep: before?.lastStep ?? 0,
  };
  if (answer.step === 'signed-in') throw new Error('the server skipped the second factor');
  if (answer.step === 'enroll-mfa') user.totpSecret = OTPAuth.URI.parse(answer.otpauthUri).secret.base32;
  user.session = (
    await target.api.ok('verifyMfa', { challengeId: answer.challengeId, code: freshTotpCode(target, user) })
  ).session;
  return user;
}

async function listed(userId: string) {
  const page = await target.api.ok('adminSearchAccounts', { query: userId, after: null, limit: 5 }, token(admin));
  return page.accounts.find((account) => account.userId === userId);
}

describe('a new person', () => {
  let code: string;

  it('is created pending enrollment with a code valid for 72 hours; IT never sets a password', async () => {
    const asked = target.clock.now();
    const created = await target.api.ok('adminCreateAccount', person('nurse.adams'), token(admin));
    code = created.enrollment.code;
    expect(code).toMatch(/^[0-9A-Z]{20}$/);
    expect(created.enrollment.expiresAt - asked).toBeGreaterThanOrEqual(ENROLLMENT_CODE_TTL_MS);
    expect(created.enrollment.expiresAt - target.clock.now()).toBeLessThanOrEqual(ENROLLMENT_CODE_TTL_MS);
    expect(await listed('nurse.adams')).toMatchObject({
      enrollment: 'pending',
      enrollmentExpiresAt: created.enrollment.expiresAt,
      mfaEnrolled: false,
      active: true,
    });
    const taken = await target.api.refused('adminCreateAccount', person('nurse.adams'), token(admin));
    expect(taken).toMatchObject({ status: 409, body: { error: 'ACCOUNT_EXISTS' } });
  });

  it('cannot sign in with any password before enrolling', async () => {
    const device = await newDevice();
    const refused = await target.api.refused('login', {
      userId: 'nurse.adams',
      authKey: Buffer.alloc(32, 1).toString('base64'),
      device: { publicKey: device.publicKey, name: device.name },
      proof: await loginProof(device, 'nurse.adams', target.clock.now()),
    });
    expect(refused.body.error).toBe('INVALID_CREDENTIALS');
  });

  it('refuses a wrong code like a wrong password, and the same answer for an unknown id', async () => {
    const device = await newDevice();
    const wrong = await target.api.refused(
      'enroll',
      await enrollRequest('nurse.adams', 'ABCDEFGHJKMNPQRSTVWX', 'whatever', device),
    );
    expect(wrong).toMatchObject({ status: 401, body: { error: 'ENROLLMENT_INVALID' } });
    const unknown = await target.api.refused('enroll', await enrollRequest('nobody.here', code, 'whatever', device));
    expect(unknown.body.error).toBe('ENROLLMENT_INVALID');
    // The wrong password tried before, and this wrong code: the unknown id counts against itself.
    expect((await target.server.admin.signInThrottle('nurse.adams'))?.failures).toBe(2);
    // Another person's code is no code for this one.
    const other = await target.api.ok('adminCreateAccount', person('nurse.baker'), token(admin));
    const crossed = await target.api.refused(
      'enroll',
      await enrollRequest('nurse.adams', other.enrollment.code, 'whatever', device),
    );
    expect(crossed.body.error).toBe('ENROLLMENT_INVALID');
  });

  it('sets their own password and enrolls an authenticator with the code, which then is spent', async () => {
    const nurse = await enroll('nurse.adams', code);
    expect(nurse.session?.account).toMatchObject({ userId: 'nurse.adams', role: 'nurse' });
    expect(await listed('nurse.adams')).toMatchObject({
      enrollment: 'enrolled',
      enrollmentExpiresAt: null,
      mfaEnrolled: true,
    });
    const again = await target.api.refused(
      'enroll',
      await enrollRequest('nurse.adams', code, 'another', await newDevice()),
    );
    expect(again.body.error).toBe('ENROLLMENT_INVALID');
    // Signing in from now on is the ordinary sign-in with the password they chose.
    nurse.session = null;
    await signIn(target, nurse);
    const reissue = await target.api.refused('adminIssueEnrollment', { userId: 'nurse.adams' }, token(admin));
    expect(reissue).toMatchObject({ status: 409, body: { error: 'ALREADY_ENROLLED' } });
  });

  it('cannot use a code after 72 hours; a new one replaces it and the old one stays dead', async () => {
    const { enrollment } = await target.api.ok('adminCreateAccount', person('nurse.dunn'), token(admin));
    target.clock.advance(ENROLLMENT_CODE_TTL_MS + 1000);
    await signIn(target, admin);
    const late = await target.api.refused(
      'enroll',
      await enrollRequest('nurse.dunn', enrollment.code, 'pw', await newDevice()),
    );
    expect(late.body.error).toBe('ENROLLMENT_INVALID');
    expect((await listed('nurse.dunn'))?.enrollmentExpiresAt).toBe(enrollment.expiresAt);
    const fresh = await target.api.ok('adminIssueEnrollment', { userId: 'nurse.dunn' }, token(admin));
    expect(fresh.enrollment.code).not.toBe(enrollment.code);
    await enroll('nurse.dunn', fresh.enrollment.code);
  });

  it('cannot be enrolled while IT has deactivated them', async () => {
    const { enrollment } = await target.api.ok('adminCreateAccount', person('nurse.evans'), token(admin));
    await reauthenticate();
    await target.api.ok('adminDeactivate', { userId: 'nurse.evans' }, token(admin));
    const refused = await target.api.refused(
      'enroll',
      await enrollRequest('nurse.evans', enrollment.code, 'pw', await newDevice()),
    );
    expect(refused.body.error).toBe('ENROLLMENT_INVALID');
  });
});

describe('resetting credentials', () => {
  let nurse: TestUser;

  beforeAll(async () => {
    const { enrollment } = await target.api.ok('adminCreateAccount', person('nurse.fox'), token(admin));
    nurse = await enroll('nurse.fox', enrollment.code);
    await publishIdentity(target, nurse);
  });

  it('an MFA reset needs a fresh re-authentication, ends every session, and the next sign-in enrolls', async () => {
    await signIn(target, admin);
    // A sign-in is itself a fresh proof; let it age past the window (the token lives longer).
    target.clock.advance(5 * 60 * 1000 + 1000);
    await signIn(target, nurse);
    const stale = await target.api.refused('adminResetMfa', { userId: 'nurse.fox' }, token(admin));
    expect(stale.body.error).toBe('REAUTHENTICATION_REQUIRED');
    await reauthenticate();
    // The session the enrollment opened, and the sign-in since.
    expect(await target.api.ok('adminResetMfa', { userId: 'nurse.fox' }, token(admin))).toEqual({ sessionsEnded: 2 });
    expect((await target.api.refused('listSessions', {}, token(nurse))).status).toBe(401);
    expect(await listed('nurse.fox')).toMatchObject({ mfaEnrolled: false, enrollment: 'enrolled' });
    const oldSecret = nurse.totpSecret;
    await signIn(target, nurse);
    expect(nurse.totpSecret).not.toBe(oldSecret);
    expect(await listed('nurse.fox')).toMatchObject({ mfaEnrolled: true });
  });

  it('a password reset stops the old password at once, removes the keys it wrapped, and issues a code', async () => {
    await reauthenticate();
    const before = await target.api.ok('prelogin', { userId: 'nurse.fox' });
    const reset = await target.api.ok('adminResetPassword', { userId: 'nurse.fox' }, token(admin));
    expect(reset.sessionsEnded).toBe(1);
    expect((await target.api.refused('listSessions', {}, token(nurse))).status).toBe(401);
    const after = await target.api.ok('prelogin', { userId: 'nurse.fox' });
    expect(after.salt).not.toBe(before.salt);
    const device = await newDevice();
    const oldPassword = await target.api.refused('login', {
      userId: 'nurse.fox',
      authKey: await authKeyOf(target.api, nurse),
      device: { publicKey: device.publicKey, name: device.name },
      proof: await loginProof(device, 'nurse.fox', target.clock.now()),
    });
    expect(oldPassword.body.error).toBe('INVALID_CREDENTIALS');
    const keys = await target.api.ok('lookupKeys', { userIds: ['nurse.fox'] }, token(admin));
    expect(keys.users).toEqual([expect.objectContaining({ publicKeys: null })]);
    const renewed = await enroll('nurse.fox', reset.enrollment.code, 'a-new-password', nurse);
    // Their authenticator survives a password reset: the second factor is the one they have.
    expect(renewed.session?.identity).toBeNull();
  });

  it('records every step on the server chain with the admin as actor, and the person enrolling as themselves', async () => {
    const events = await target.server.admin.adminEvents();
    const fox = events.filter((event) => event.targetUserId === 'nurse.fox').map((e) => [e.action, e.actor]);
    expect(fox).toEqual(
      expect.arrayContaining([
        ['account.created', 'it.schmidt'],
        ['enrollment.issued', 'it.schmidt'],
        ['account.enrolled', 'nurse.fox'],
        ['mfa.reset', 'it.schmidt'],
        ['password.reset', 'it.schmidt'],
      ]),
    );
  });

  it('never lets an admin reset their own credentials (another admin must)', async () => {
    await reauthenticate();
    for (const name of ['adminResetMfa', 'adminResetPassword'] as const) {
      const refused = await target.api.refused(name, { userId: admin.userId }, token(admin));
      expect(refused.body.error).toBe('FORBIDDEN');
    }
  });
});

/** The races, on PostgreSQL too, where requests really run side by side (PGlite takes them in turn). */
describe.each(BACKENDS)('racing redemptions and resets on %s', (backend) => {
  beforeAll(async () => {
    await target.dispose();
    target = await startTestServer(backend, backend === 'postgres' ? { postgres: postgres() } : {});
    admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
    await signIn(target, admin);
  }, HOOK_TIMEOUT_MS);

  it('lets exactly one of two redemptions of the same code at once set the password', async () => {
    const { enrollment } = await target.api.ok('adminCreateAccount', person('nurse.chen'), token(admin));
    const requests = await Promise.all(
      ['first-choice', 'second-choice'].map(async (password) =>
        enrollRequest('nurse.chen', enrollment.code, password, await newDevice()),
      ),
    );
    const answers = await Promise.allSettled(requests.map((request) => target.api.ok('enroll', request)));
    expect(answers.filter((answer) => answer.status === 'fulfilled')).toHaveLength(1);
  });

  it('lets nothing begun with the old password finish after a reset, whichever commits first', async () => {
    const { enrollment } = await target.api.ok('adminCreateAccount', person('nurse.gray'), token(admin));
    const gray = await enroll('nurse.gray', enrollment.code);
    for (let round = 0; round < 4; round += 1) {
      await reauthenticate();
      const device = await newDevice();
      const [login] = await Promise.allSettled([
        target.api.ok('login', {
          userId: gray.userId,
          authKey: await authKeyOf(target.api, gray),
          device: { publicKey: device.publicKey, name: device.name },
          proof: await loginProof(device, gray.userId, target.clock.now()),
        }),
        target.api.ok('adminResetPassword', { userId: gray.userId }, token(admin)),
      ]);
      if (login.status === 'fulfilled') {
        const answer = login.value as Exclude<RouteResponse<'login'>, { step: 'signed-in' }>;
        const finished = await target.api.refused('verifyMfa', {
          challengeId: answer.challengeId,
          code: freshTotpCode(target, gray),
        });
        expect(finished.body.error).toBe('MFA_EXPIRED');
      }
      // Back to a known password for the next round.
      const { enrollment: next } = await target.api.ok('adminResetPassword', { userId: gray.userId }, token(admin));
      const again = await enroll(gray.userId, next.code, gray.password, gray);
      gray.lastStep = again.lastStep;
    }
  });
});
