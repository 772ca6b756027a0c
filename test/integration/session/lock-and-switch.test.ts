/**
 * The workstation session through the real core, vault and server: lock (on request and when
 * idle), unlock with a PIN or the password, five wrong attempts, switching user on a shared
 * workstation, and policy that forbids what the default allows. The core's clock is the real
 * one plus an offset the test moves, so minutes of idleness pass at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, signIn, startTestServer, totpCode, type TestServer } from '../../support/messaging-server';
import { tap } from '../../support/audit-tap';
import { openRawSession } from '../../support/raw-session';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.quinn', 'nurse', 'Rosa Quinn', 'Ward 5', 'Staff Nurse');
const doctor = account('dr.bakr', 'physician', 'Omar Bakr', 'Geriatrics', 'Consultant');
const porter = account('nurse.lund', 'nurse', 'Erik Lund', 'Ward 5', 'Staff Nurse');
const agency = account('nurse.ito', 'nurse', 'Aiko Ito', 'Ward 5', 'Agency Nurse');
const nightShift = account('nurse.park', 'nurse', 'Min-jun Park', 'Ward 5', 'Staff Nurse');
const sleeper = account('nurse.sato', 'nurse', 'Yui Sato', 'Ward 5', 'Staff Nurse');

let server: TestServer;
const stations: Workstation[] = [];
const clock = { offset: 0 };
const now = () => Date.now() + clock.offset;

function station(policy: Record<string, unknown> = {}): Workstation {
  const created = createWorkstation(server.endpoint, {
    now,
    sessionTickMs: 20,
    policy: { idleLockSeconds: 60, autoLogoffSeconds: 600, pinMinLength: 4, ...policy },
  });
  stations.push(created);
  return created;
}

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, porter, agency, nightShift, sleeper]);
}, 60_000);

afterAll(async () => {
  await Promise.all(stations.map((s) => s.close()));
  await server.server.close();
});

describe('lock and unlock', () => {
  let ward: Workstation;
  let doctorDesk: Workstation;
  let conversationId = '';

  it('offers a PIN right after the first sign-in and sets it without asking the password again', async () => {
    ward = station();
    // The doctor's desk is not the one left idle in these tests.
    doctorDesk = station({ idleLockSeconds: 3600 });
    await signIn(ward, nurse);
    await signIn(doctorDesk, doctor);
    expect(await ward.call('session.getState', {})).toMatchObject({
      ok: true,
      value: { state: 'unlocked', pin: 'offered' },
    });
    expect(await ward.call('session.setPin', { pin: '12', password: null })).toMatchObject({ ok: false });
    expect(await ward.call('session.setPin', { pin: '4829', password: null })).toMatchObject({
      ok: true,
      value: { pin: 'set' },
    });
    // Changing it later needs the password.
    expect(await ward.call('session.setPin', { pin: '1111', password: null })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PASSWORD' },
    });
  });

  it('locks on request: the vault closes, messaging refuses, and nothing of the user is in the state', async () => {
    const sent = await ward.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: 'Bed 3',
      text: 'Bed 3 fall risk reassessed',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!sent.ok) throw new Error(sent.error.code);
    conversationId = sent.value.conversationId;
    const locked = await ward.call('session.lock', {});
    expect(locked).toEqual({ ok: true, value: { state: 'locked', displayName: null, unlockWith: 'pin' } });
    expect(ward.core.session.vaultOpen()).toBe(false);
    expect(await ward.call('conversation.open', { conversationId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_SIGNED_IN' },
    });
    expect(await ward.call('conversations.list', { offset: 0, limit: 10 })).toMatchObject({ ok: false });
  });

  it('refuses a wrong PIN and unlocks with the right one, the thread as it was', async () => {
    expect(await ward.call('session.unlock', { pin: '0000' })).toMatchObject({
      ok: false,
      error: { code: 'PIN_WRONG' },
    });
    expect(await ward.call('session.unlock', { pin: '4829' })).toMatchObject({
      ok: true,
      value: { state: 'unlocked', pin: 'set' },
    });
    expect(ward.core.session.vaultOpen()).toBe(true);
    const thread = await openThread(ward, conversationId);
    expect(thread.messages.map((m) => m.text)).toEqual(['Bed 3 fall risk reassessed']);
    // The doctor got it: messaging resumed after the unlock.
    await eventually(
      () => openThread(doctorDesk, conversationId),
      (t) => t.messages.length === 1,
    );
  });

  it('warns before the idle lock, lets input cancel it, then locks when idle long enough', async () => {
    ward.events.length = 0;
    clock.offset += 45_000;
    const warning = await ward.waitForEvent('session.lockWarning', (p) => p.lockAt !== null);
    expect(warning.lockAt).toBeGreaterThan(now());
    await ward.call('session.activity', {});
    await ward.waitForEvent('session.lockWarning', (p) => p.lockAt === null);
    expect(await ward.call('session.getState', {})).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    clock.offset += 61_000;
    await ward.waitForEvent('session.changed', (p) => p.state === 'locked');
    expect(ward.core.session.vaultOpen()).toBe(false);
  });

  it('keeps a message sent as the lock begins: it is queued, then delivered after unlock', async () => {
    expect((await ward.call('session.unlock', { password: nurse.password })).ok).toBe(true);
    const [sent] = await Promise.all([
      ward.call('message.send', {
        conversationId,
        text: 'Obs stable overnight',
        priority: 'routine',
        expiresInSeconds: null,
      }),
      ward.call('session.lock', {}),
    ]);
    // Either the send finished before the vault closed, or it was refused before it began: never half done.
    if (sent.ok) {
      expect((await ward.call('session.unlock', { pin: '4829' })).ok).toBe(true);
      await eventually(
        () => openThread(doctorDesk, conversationId),
        (t) => t.messages.some((m) => m.text === 'Obs stable overnight'),
      );
    } else {
      expect(sent.error.code).toBe('NOT_SIGNED_IN');
      expect((await ward.call('session.unlock', { pin: '4829' })).ok).toBe(true);
    }
  });

  it('signs the user out on the fifth wrong PIN or password, and the server session with it', async () => {
    await ward.call('session.lock', {});
    for (const wrong of ['0001', '0002', '0003', '0004']) {
      expect(await ward.call('session.unlock', { pin: wrong })).toMatchObject({
        ok: false,
        error: { code: 'PIN_WRONG' },
      });
    }
    expect(await ward.call('session.unlock', { password: 'not her password' })).toMatchObject({
      ok: false,
      error: { code: 'SESSION_EXPIRED' },
    });
    expect(await ward.call('session.getState', {})).toEqual({ ok: true, value: { state: 'signed-out' } });
    // The server session ended too: only the raw session opened here to look is live.
    const look = await openRawSession(server.endpoint, nurse, 1);
    const sessions = await look.api.call('listSessions', {}, look.session.token);
    expect(sessions.ok && sessions.value.sessions.map((s) => s.current)).toEqual([true]);
    look.close();
  });
});

describe('switching user on a shared workstation', () => {
  it("ends the locked user's session when a colleague signs in, and each sees only their own", async () => {
    // Back to real time: sign-in proofs carry the workstation's clock.
    clock.offset = 0;
    const shared = station();
    await signIn(shared, porter);
    const mine = await shared.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: 'Porter',
      text: 'Transfer to X-ray at 10',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!mine.ok) throw new Error(mine.error.code);
    await shared.call('session.lock', {});

    // The doctor signs in here: the porter's session ends at once.
    const first = await shared.call('session.signIn', { userId: doctor.userId, password: doctor.password });
    expect(first).toEqual({ ok: true, value: { step: 'mfa' } });
    expect(shared.core.session.vaultOpen()).toBe(false);
    expect((await shared.call('session.verifyMfa', { code: totpCode(doctor, 1) })).ok).toBe(true);
    const list = await shared.call('conversations.list', { offset: 0, limit: 50 });
    // The doctor's own conversations (the porter's message reached them as a recipient, not as the porter's view).
    expect(list.ok && list.value.items.every((item) => item.label !== 'Dr. Omar Bakr')).toBe(true);

    // Switch user from the lock screen, then the porter is back with their conversation.
    await shared.call('session.lock', {});
    expect(await shared.call('session.switchUser', {})).toEqual({ ok: true, value: { state: 'signed-out' } });
    await signIn(shared, porter, 1);
    const again = await openThread(shared, mine.value.conversationId);
    expect(again.messages.map((m) => m.text)).toEqual(['Transfer to X-ray at 10']);
  });
});

describe('auto-logoff', () => {
  it('signs the user out after the locked period and ends the server session with it', async () => {
    clock.offset = 0;
    const ward = station({ autoLogoffSeconds: 10 });
    const wardTap = await tap(ward);
    await signIn(ward, nightShift);
    await ward.call('session.lock', {});
    clock.offset += 9_000;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await ward.call('session.getState', {})).toMatchObject({ ok: true, value: { state: 'locked' } });
    clock.offset += 2_000;
    await ward.waitForEvent('session.changed', (p) => p.state === 'signed-out');
    expect(ward.core.session.vaultOpen()).toBe(false);
    // Within the server session's life: the record is hers, and her session attests it.
    const hers = await eventually(
      () => Promise.resolve(wardTap.written.filter((r) => r.action === 'session.auto-logoff')),
      (found) => found.length > 0,
    );
    expect(hers).toEqual([
      expect.objectContaining({ actor: { userId: nightShift.userId, role: 'nurse' }, object: { kind: 'none' } }),
    ]);
    clock.offset = 0;
    const look = await openRawSession(server.endpoint, nightShift, 1);
    const sessions = await look.api.call('listSessions', {}, look.session.token);
    expect(sessions.ok && sessions.value.sessions.map((s) => s.current)).toEqual([true]);
    look.close();
  });

  it('names nobody when signing out a session the PC slept past: the workstation does it, the account is the object', async () => {
    clock.offset = 0;
    const ward = station({ autoLogoffSeconds: 10 });
    const wardTap = await tap(ward);
    await signIn(ward, sleeper);
    await ward.call('session.lock', {});
    // Asleep overnight, past the session's longest life (12 hours): no session of hers is left to attest a record.
    clock.offset += 13 * 3_600_000;
    await ward.waitForEvent('session.changed', (p) => p.state === 'signed-out');
    const logoffs = await eventually(
      () => Promise.resolve(wardTap.written.filter((r) => r.action === 'session.auto-logoff')),
      (found) => found.length > 0,
    );
    expect(logoffs).toEqual([
      expect.objectContaining({ actor: { userId: null, role: null }, object: { kind: 'account', id: sleeper.userId } }),
    ]);
    clock.offset = 0;
  });
});

describe('policy', () => {
  it('without PINs: nothing offered, the password unlocks', async () => {
    const strict = station({ pinAllowed: false, sharedWorkstation: false });
    await signIn(strict, agency);
    expect(await strict.call('session.getState', {})).toMatchObject({ ok: true, value: { pin: 'not-allowed' } });
    expect(await strict.call('session.setPin', { pin: '4829', password: null })).toMatchObject({
      ok: false,
      error: { code: 'PIN_NOT_ALLOWED' },
    });
    expect(await strict.call('session.lock', {})).toMatchObject({ ok: true, value: { unlockWith: 'password' } });
    expect(await strict.call('session.unlock', { pin: '4829' })).toMatchObject({
      ok: false,
      error: { code: 'PIN_NOT_ALLOWED' },
    });
    // A personal workstation: a colleague cannot end this session by signing in.
    expect(await strict.call('session.signIn', { userId: porter.userId, password: porter.password })).toMatchObject({
      ok: false,
      error: { code: 'VAULT_IN_USE' },
    });
    expect(await strict.call('session.switchUser', {})).toMatchObject({ ok: true });
  });

  it('refuses every sign-in under an invalid policy, and says which keys are wrong', async () => {
    const broken = station();
    const refused = createWorkstation(server.endpoint, {
      policy: {
        ok: false,
        error: {
          code: 'POLICY_INVALID',
          keys: ['idleLockSeconds'],
          issues: [{ key: 'idleLockSeconds', reason: 'Too small: expected number to be >=5' }],
          location: '/etc/wardline/policy.json',
        },
      },
    });
    stations.push(refused);
    expect(await refused.call('policy.get', {})).toMatchObject({
      ok: false,
      error: { code: 'POLICY_INVALID', subjects: ['idleLockSeconds'] },
    });
    expect(await refused.call('session.signIn', { userId: porter.userId, password: porter.password })).toMatchObject({
      ok: false,
      error: { code: 'POLICY_INVALID' },
    });
    expect(await broken.call('policy.get', {})).toMatchObject({
      ok: true,
      value: { source: 'override', policy: { idleLockSeconds: 60, notificationContent: 'count' } },
    });
  });
});
