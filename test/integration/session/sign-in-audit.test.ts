/**
 * Issue #6 for sign-in, through the real core and server: a sign-in is recorded before anything
 * of the clinician's starts, and refused sign-ins name whom the server has confirmed (and the
 * account it locked), never an id that was only typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaultIdOf } from '../../../main/vault/vault-layout';
import { ACCOUNT_THROTTLE } from '../../../server/accounts/attempt-throttle';
import { settlesWithin, tap } from '../../support/audit-tap';
import { account, signIn, startTestServer, totpCode, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, type Workstation } from '../../support/workstation';

const nurse = account('nurse.mills', 'nurse', 'Jo Mills', 'Ward 1', 'Staff Nurse');
const doctor = account('dr.osei', 'physician', 'Kofi Osei', 'Surgery', 'Registrar');
const locum = account('dr.varga', 'physician', 'Anna Varga', 'Surgery', 'Locum');
const agency = account('nurse.diaz', 'nurse', 'Luis Diaz', 'Ward 1', 'Agency Nurse');

let server: TestServer;
const stations: Workstation[] = [];
const station = () => {
  const created = createWorkstation(server.endpoint);
  stations.push(created);
  return created;
};

beforeAll(async () => {
  // Three failures lock an account, so the lockouts take three attempts, not a hundred.
  server = await startTestServer([nurse, doctor, locum, agency], {
    throttle: { account: { ...ACCOUNT_THROTTLE, freeFailures: 3, hardLockAt: 3 } },
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(stations.map((s) => s.close()));
  await server.server.close();
});

describe('sign-in and the device audit log', () => {
  it('records the sign-in before messaging, the server connection or the unlocked state begin', async () => {
    const ward = station();
    const wardTap = await tap(ward);
    expect(await ward.call('session.signIn', { userId: nurse.userId, password: nurse.password })).toEqual({
      ok: true,
      value: { step: 'mfa' },
    });
    const release = wardTap.hold('sign-in.succeeded');
    const verifying = ward.call('session.verifyMfa', { code: totpCode(nurse) });
    await eventually(
      () => Promise.resolve(wardTap.reached('sign-in.succeeded')),
      (n) => n === 1,
    );
    expect(await settlesWithin(verifying, 1000)).toBe(false);
    expect(ward.events.filter((e) => e.name === 'connection.changed' || e.name === 'session.changed')).toEqual([]);
    expect(ward.core.session.vaultOpen()).toBe(false);
    expect(ward.core.session.state()).not.toMatchObject({ state: 'unlocked' });
    release();
    expect(await verifying).toMatchObject({ ok: true, value: { state: 'unlocked', user: { userId: nurse.userId } } });
    expect(wardTap.written.filter((r) => r.action === 'sign-in.succeeded')).toEqual([
      expect.objectContaining({ actor: { userId: nurse.userId, role: 'nurse' } }),
    ]);
    // The vault made on this first sign-in here is recorded with the clinician's role.
    expect(wardTap.written.find((r) => r.action === 'vault.created')).toMatchObject({
      actor: { userId: nurse.userId, role: 'nurse' },
      object: { kind: 'vault', id: vaultIdOf(nurse.userId) },
    });
  });

  it('refuses a sign-in that cannot be recorded, closing what it opened', async () => {
    const desk = station();
    const deskTap = await tap(desk);
    deskTap.refuse.add('sign-in.succeeded');
    expect(await desk.call('session.signIn', { userId: doctor.userId, password: doctor.password })).toEqual({
      ok: true,
      value: { step: 'mfa' },
    });
    expect(await desk.call('session.verifyMfa', { code: totpCode(doctor) })).toMatchObject({
      ok: false,
      error: { code: 'AUDIT_UNAVAILABLE' },
    });
    expect(desk.core.session.state()).toEqual({ state: 'signed-out' });
    expect(desk.core.session.vaultOpen()).toBe(false);
    expect(desk.core.vaults.openVaultIds()).toEqual([]);
    expect(desk.events.filter((e) => e.name === 'connection.changed')).toEqual([]);
    // The server session it opened was ended: there is none left to revoke.
    expect(await server.server.admin.revokeSessions(doctor.userId)).toBe(0);

    deskTap.refuse.delete('sign-in.succeeded');
    await signIn(desk, doctor, 1);
  });

  it('names nobody for a wrong password, but the confirmed account for a wrong second factor', async () => {
    const ward = station();
    const wardTap = await tap(ward);
    expect(await ward.call('session.signIn', { userId: nurse.userId, password: 'not the password' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS' },
    });
    expect(await ward.call('session.signIn', { userId: agency.userId, password: agency.password })).toEqual({
      ok: true,
      value: { step: 'mfa' },
    });
    expect(await ward.call('session.verifyMfa', { code: totpCode(agency, 5) })).toMatchObject({
      ok: false,
      error: { code: 'MFA_INVALID' },
    });
    expect(
      wardTap.written.map(({ actor, action, object, outcome, reason }) => ({ actor, action, object, outcome, reason })),
    ).toEqual([
      {
        actor: { userId: null, role: null },
        action: 'sign-in.failed',
        object: { kind: 'none' },
        outcome: 'failure',
        reason: 'INVALID_CREDENTIALS',
      },
      // The confirmed account is the object, never the actor: no session of theirs exists yet to attest it.
      {
        actor: { userId: null, role: null },
        action: 'mfa.failed',
        object: { kind: 'account', id: agency.userId },
        outcome: 'failure',
        reason: 'MFA_INVALID',
      },
    ]);
    // Not signed in: nothing of theirs was opened.
    expect(ward.core.session.vaultOpen()).toBe(false);
  });

  it('records a lockout by no account at the password step (the id may be a password), naming the confirmed account as its object at the second factor', async () => {
    const ward = station();
    const wardTap = await tap(ward);
    for (let i = 0; i < 3; i++)
      await ward.call('session.signIn', { userId: ' Dr.Varga ', password: `guess ${String(i)}` });
    expect(await ward.call('session.signIn', { userId: agency.userId, password: agency.password })).toEqual({
      ok: true,
      value: { step: 'mfa' },
    });
    // The wrong code in the test before counts too: two more lock the account.
    for (let i = 0; i < 2; i++) await ward.call('session.verifyMfa', { code: totpCode(agency, 5) });
    expect(wardTap.written.map(({ actor, action, object, reason }) => ({ actor, action, object, reason }))).toEqual([
      {
        actor: { userId: null, role: null },
        action: 'sign-in.failed',
        object: { kind: 'none' },
        reason: 'INVALID_CREDENTIALS',
      },
      {
        actor: { userId: null, role: null },
        action: 'sign-in.failed',
        object: { kind: 'none' },
        reason: 'INVALID_CREDENTIALS',
      },
      {
        actor: { userId: null, role: null },
        action: 'account.locked-out',
        object: { kind: 'none' },
        reason: 'ACCOUNT_LOCKED',
      },
      {
        actor: { userId: null, role: null },
        action: 'mfa.failed',
        object: { kind: 'account', id: agency.userId },
        reason: 'MFA_INVALID',
      },
      {
        actor: { userId: null, role: null },
        action: 'account.locked-out',
        object: { kind: 'account', id: agency.userId },
        reason: 'ACCOUNT_LOCKED',
      },
    ]);
    expect(JSON.stringify(wardTap.written)).not.toContain('varga');
  });
});
