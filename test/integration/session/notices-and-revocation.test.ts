/**
 * What reaches the OS while a clinician works and while the workstation is locked: notices that
 * say only what policy allows (never message text, never a name while locked), an unread badge,
 * and a session that IT revokes or an account it deactivates ending here within seconds, pushed
 * over the stream even while the vault is closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, type Workstation } from '../../support/workstation';

const nurse = account('nurse.varga', 'nurse', 'Ilona Varga', 'Ward 3', 'Staff Nurse');
const doctor = account('dr.osei', 'physician', 'Kofi Osei', 'Cardiology', 'Registrar');
const other = account('nurse.roux', 'nurse', 'Claire Roux', 'Ward 3', 'Staff Nurse');
const roaming = account('dr.kahn', 'physician', 'Sara Kahn', 'Oncology', 'Consultant');

let server: TestServer;
const stations: Workstation[] = [];
const station = (policy: Record<string, unknown>) => {
  const created = createWorkstation(server.endpoint, { sessionTickMs: 50, policy: { pinMinLength: 4, ...policy } });
  stations.push(created);
  return created;
};

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, other, roaming]);
}, 60_000);

afterAll(async () => {
  await Promise.all(stations.map((s) => s.close()));
  await server.server.close();
});

describe('notices and the badge', () => {
  it('name the sender when policy allows, drop the name while locked, and never carry text', async () => {
    const ward = station({ notificationContent: 'sender' });
    const desk = station({});
    await signIn(ward, nurse);
    await signIn(desk, doctor);
    await ward.call('session.setPin', { pin: '5173', password: null });

    const first = await desk.call('message.send', {
      to: [{ kind: 'user', userId: nurse.userId }],
      title: 'Bed 9',
      text: 'Bed 9 troponin rising',
      priority: 'urgent',
      expiresInSeconds: null,
    });
    if (!first.ok) throw new Error(first.error.code);
    expect(await ward.waitForEvent('notification.show')).toEqual({
      title: 'Wardline',
      body: 'New secure message from Kofi Osei',
    });
    expect(await ward.waitForEvent('badge.changed', (p) => p.unread === 1)).toEqual({ unread: 1 });

    await ward.call('session.lock', {});
    ward.events.length = 0;
    await desk.call('message.send', {
      conversationId: first.value.conversationId,
      text: 'Repeat ECG now please',
      priority: 'stat',
      expiresInSeconds: null,
    });
    expect(await ward.waitForEvent('notification.show')).toEqual({ title: 'Wardline', body: '2 new secure messages' });
    expect(await ward.waitForEvent('badge.changed', (p) => p.unread === 2)).toEqual({ unread: 2 });

    const everything = JSON.stringify([...ward.events]);
    for (const secret of ['troponin', 'ECG', 'Bed 9', 'Kofi', 'Osei']) expect(everything).not.toContain(secret);

    // Unlocked, the vault takes in what arrived while locked, and the badge is counted from it.
    ward.events.length = 0;
    expect((await ward.call('session.unlock', { pin: '5173' })).ok).toBe(true);
    await ward.waitForEvent('badge.changed', (p) => p.unread === 2);
    const thread = await ward.call('conversation.open', { conversationId: first.value.conversationId });
    expect(thread.ok && thread.value.messages.map((m) => m.text)).toEqual([
      'Bed 9 troponin rising',
      'Repeat ECG now please',
    ]);
  });

  it('say only that a message arrived under the default policy', async () => {
    const ward = station({});
    await signIn(ward, other);
    const desk = stations[1];
    if (desk === undefined) throw new Error('no desk');
    await desk.call('message.send', {
      to: [{ kind: 'user', userId: other.userId }],
      title: null,
      text: 'Bloods for bay 1',
      priority: 'routine',
      expiresInSeconds: null,
    });
    expect(await ward.waitForEvent('notification.show')).toEqual({ title: 'Wardline', body: 'New secure message' });
  });
});

describe('a session IT ends', () => {
  it('ends here within seconds while locked (the vault closed), and on deactivation while unlocked', async () => {
    const ward = stations[0];
    const other_ = stations[2];
    if (ward === undefined || other_ === undefined) throw new Error('stations');
    await ward.call('session.lock', {});
    const revokedAt = Date.now();
    await server.server.admin.revokeSessions(nurse.userId);
    // The sign-in screen says why, never just reappears. The watch's stream may still be
    // connecting: then its upgrade is refused and all the workstation learns is that the session ended.
    const ended = await ward.waitForEvent('session.changed', (p) => p.state === 'signed-out', 10_000);
    expect(['signed-out-by-it', 'session-expired']).toContain(ended.state === 'signed-out' ? ended.reason : null);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    expect(ward.core.session.vaultOpen()).toBe(false);

    await server.server.admin.deactivate(other.userId);
    await other_.waitForEvent(
      'session.changed',
      (p) => p.state === 'signed-out' && p.reason === 'account-disabled',
      10_000,
    );
    expect(other_.core.session.vaultOpen()).toBe(false);
  });
});

describe("the user's own sessions", () => {
  it('lists every workstation the user is signed in at, and ends another from here', async () => {
    const clinic = station({});
    const ward = station({});
    await signIn(clinic, roaming);
    await signIn(ward, roaming, 1);
    const listed = await ward.call('sessions.list', {});
    if (!listed.ok) throw new Error(listed.error.code);
    expect(listed.value.sessions.map((s) => s.current).sort()).toEqual([false, true]);
    const elsewhere = listed.value.sessions.find((s) => !s.current);
    const here = listed.value.sessions.find((s) => s.current);
    if (elsewhere === undefined || here === undefined) throw new Error('sessions');
    // This workstation's own session ends with Sign out, not from the list.
    expect(await ward.call('sessions.end', { sessionId: here.sessionId })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await ward.call('sessions.end', { sessionId: elsewhere.sessionId })).toEqual({ ok: true, value: {} });
    await clinic.waitForEvent('session.changed', (p) => p.state === 'signed-out', 10_000);
    expect(clinic.core.session.vaultOpen()).toBe(false);
    const after = await ward.call('sessions.list', {});
    expect(after.ok && after.value.sessions.map((s) => s.current)).toEqual([true]);
  });
});
