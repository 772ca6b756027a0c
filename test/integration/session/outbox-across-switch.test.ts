/**
 * A nurse writes while the server is down, then a colleague switches in: the nurse's queued
 * messages stay sealed in her closed vault, and go out when she next signs in, exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../../server/server';
import { account, signIn, startTestServer, totpCode, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.meyer', 'nurse', 'Jonas Meyer', 'Ward 8', 'Staff Nurse');
const doctor = account('dr.fontaine', 'physician', 'Lea Fontaine', 'Medicine', 'Registrar');
const colleague = account('nurse.ng', 'nurse', 'Wing Ng', 'Ward 8', 'Staff Nurse');

let server: TestServer;
let restarted: Awaited<ReturnType<typeof startServer>> | null = null;
let ward: Workstation;
let desk: Workstation;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, colleague]);
  ward = createWorkstation(server.endpoint, { policy: { pinMinLength: 4 } });
  desk = createWorkstation(server.endpoint, { policy: { idleLockSeconds: 3600 } });
  await signIn(ward, nurse);
  await signIn(desk, doctor);
}, 60_000);

afterAll(async () => {
  await Promise.all([ward.close(), desk.close()]);
  await server.server.close();
  await restarted?.close();
});

describe('the outbox across a switch of user', () => {
  it("keeps the nurse's unsent messages sealed in her vault and sends them at her next sign-in", async () => {
    const first = await ward.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: 'Bed 4',
      text: 'Bed 4 before the outage',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!first.ok) throw new Error(first.error.code);
    const { conversationId } = first.value;
    await eventually(
      () => openThread(desk, conversationId),
      (t) => t.messages.length === 1,
    );

    await server.server.close();
    await ward.waitForEvent('connection.changed', (p) => p.state === 'offline', 15_000);
    expect(
      (
        await ward.call('message.send', {
          conversationId,
          text: 'Bed 4 written offline',
          priority: 'urgent',
          expiresInSeconds: null,
        })
      ).ok,
    ).toBe(true);

    // Switch user while the server is still down: the nurse is signed out regardless.
    await ward.call('session.lock', {});
    expect(await ward.call('session.switchUser', {})).toEqual({ ok: true, value: { state: 'signed-out' } });
    expect(ward.core.session.vaultOpen()).toBe(false);

    restarted = await startServer({ dataDir: server.dataDir, port: server.server.port, log: { level: 'silent' } });
    await signIn(ward, colleague);
    // The colleague's session sends nothing of the nurse's.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await openThread(desk, conversationId)).messages).toHaveLength(1);
    await ward.call('session.signOut', {});

    const again = await ward.call('session.signIn', { userId: nurse.userId, password: nurse.password });
    expect(again).toEqual({ ok: true, value: { step: 'mfa' } });
    expect((await ward.call('session.verifyMfa', { code: totpCode(nurse, 1) })).ok).toBe(true);
    const delivered = await eventually(
      () => openThread(desk, conversationId),
      (t) => t.messages.length === 2,
    );
    expect(delivered.messages.map((m) => m.text)).toEqual(['Bed 4 before the outage', 'Bed 4 written offline']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await openThread(desk, conversationId)).messages).toHaveLength(2);
  });
});
