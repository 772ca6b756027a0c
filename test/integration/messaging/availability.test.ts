/**
 * Availability through the real core and server (issue 18 item 4): a clinician sets and reads
 * their own over IPC and each change is on the workstation's audit trail (account, state, cover:
 * nothing else); Do not disturb holds back the notices of routine and urgent messages but never
 * STAT, locked or not; and a new message to someone off duty also reaches their cover, who is then
 * a participant of the conversation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { tap, type Tap } from '../../support/audit-tap';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.varga', 'nurse', 'Ilona Varga', 'Ward 3', 'Staff Nurse');
const patel = account('dr.patel', 'physician', 'Anika Patel', 'Cardiology', 'Consultant');
const nguyen = account('dr.nguyen', 'physician', 'Minh Nguyen', 'Cardiology', 'Registrar');
const marsh = account('co.marsh', 'compliance-officer', 'Rita Marsh', 'Compliance', 'Privacy Officer');
const HOUR = 3_600_000;

let server: TestServer;
let ward: Workstation;
let office: Workstation;
let clinic: Workstation;
let officeTap: Tap;

beforeAll(async () => {
  server = await startTestServer([nurse, patel, nguyen, marsh]);
  ward = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint, { policy: { pinMinLength: 4 }, sessionTickMs: 50 });
  clinic = createWorkstation(server.endpoint);
  await signIn(ward, nurse);
  await signIn(office, patel);
  await signIn(clinic, nguyen);
  officeTap = await tap(office);
}, 60_000);

afterAll(async () => {
  await Promise.all([ward, office, clinic].map((station) => station.close()));
  await server.server.close();
});

const send = async (to: string, text: string, priority: 'routine' | 'urgent' | 'stat') => {
  const sent = await ward.call('message.send', {
    to: [{ kind: 'user', userId: to }],
    title: null,
    text,
    priority,
    expiresInSeconds: null,
  });
  if (!sent.ok) throw new Error(sent.error.code);
  return sent.value;
};

describe('availability over IPC', () => {
  it('sets and reads back the clinician’s own, each change recorded with the state and cover only', async () => {
    const until = Date.now() + HOUR;
    expect(
      await office.call('availability.set', { availability: { state: 'off-duty', until, coverUserId: nguyen.userId } }),
    ).toEqual({
      ok: true,
      value: {
        availability: { state: 'off-duty', until, cover: { userId: nguyen.userId, displayName: 'Minh Nguyen' } },
      },
    });
    expect(await office.call('availability.get', {})).toEqual({
      ok: true,
      value: {
        availability: { state: 'off-duty', until, cover: { userId: nguyen.userId, displayName: 'Minh Nguyen' } },
      },
    });
    expect(officeTap.written.filter((r) => r.action === 'availability.changed')).toEqual([
      expect.objectContaining({
        actor: { userId: patel.userId, role: 'physician' },
        object: { kind: 'availability', id: patel.userId, state: 'off-duty', coverUserId: nguyen.userId },
        outcome: 'success',
        reason: null,
      }),
    ]);
  });

  it('refuses a cover who receives no messages, naming them, and records the refusal', async () => {
    const refused = await office.call('availability.set', {
      availability: { state: 'off-duty', until: Date.now() + HOUR, coverUserId: marsh.userId },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'RECIPIENT_NOT_PERMITTED', subjects: [marsh.userId] } });
    expect(officeTap.written.filter((r) => r.action === 'availability.changed').at(-1)).toMatchObject({
      object: { kind: 'availability', state: 'off-duty', coverUserId: marsh.userId },
      outcome: 'failure',
      reason: 'RECIPIENT_NOT_PERMITTED',
    });
    // Not in force: still off duty with the earlier cover.
    expect(await office.call('availability.get', {})).toMatchObject({
      ok: true,
      value: { availability: { cover: { userId: nguyen.userId } } },
    });
  });

  it('refuses a hostile renderer’s payloads: a note, someone else, a past time', async () => {
    const until = Date.now() + HOUR;
    for (const availability of [
      { state: 'dnd', until, note: 'in theatre 3' },
      { state: 'dnd', until, userId: nguyen.userId },
      { state: 'busy', until, coverUserId: nguyen.userId },
    ])
      expect(await office.call('availability.set', { availability } as never)).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    expect(
      await office.call('availability.set', { availability: { state: 'dnd', until: Date.now() - 1 } }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});

describe('off duty with a cover', () => {
  it('a new message to someone off duty also reaches their cover, a participant of the conversation', async () => {
    const { conversationId } = await send(patel.userId, 'K 6.2 on repeat, please review', 'urgent');
    const atCover = await eventually(
      () => openThread(clinic, conversationId).catch(() => null),
      (thread) => thread !== null && thread.messages.length === 1,
      20_000,
    );
    expect(atCover?.messages[0]?.text).toBe('K 6.2 on repeat, please review');
    const atSender = await openThread(ward, conversationId);
    expect(atSender.conversation.participants.map((p) => p.userId).sort()).toEqual(
      [nguyen.userId, patel.userId, nurse.userId].sort(),
    );
  });
});

describe('do not disturb', () => {
  it('holds back the notices of routine and urgent messages, never STAT, locked or not', async () => {
    expect(
      (await office.call('availability.set', { availability: { state: 'dnd', until: Date.now() + HOUR } })).ok,
    ).toBe(true);
    office.events.length = 0;
    await send(patel.userId, 'Bloods for bay 1', 'routine');
    await send(patel.userId, 'Bay 2 BP 85/50', 'urgent');
    // Both arrive and count: the badge reaches them, yet no notice is raised.
    await office.waitForEvent('badge.changed', (p) => p.unread >= 3, 20_000);
    expect(office.events.filter((e) => e.name === 'notification.show')).toEqual([]);

    await send(patel.userId, 'Bay 4 arrest', 'stat');
    expect(await office.waitForEvent('notification.show', undefined, 20_000)).toMatchObject({ title: 'Wardline' });

    // Locked: the watch sees envelopes only, and the same rule holds.
    expect((await office.call('session.setPin', { pin: '5173', password: null })).ok).toBe(true);
    await office.call('session.lock', {});
    office.events.length = 0;
    await send(patel.userId, 'Routine, while locked', 'routine');
    await office.waitForEvent('badge.changed', (p) => p.unread >= 5, 20_000);
    expect(office.events.filter((e) => e.name === 'notification.show')).toEqual([]);
    await send(patel.userId, 'STAT, while locked', 'stat');
    expect(await office.waitForEvent('notification.show', undefined, 20_000)).toEqual({
      title: 'Wardline',
      body: expect.stringMatching(/new secure message/) as unknown,
    });
  });

  it('someone not on do not disturb is told of a routine message', async () => {
    await ward.call('availability.set', { availability: { state: 'available' } });
    expect(await ward.call('availability.get', {})).toEqual({ ok: true, value: { availability: null } });
    clinic.events.length = 0;
    await ward.call('message.send', {
      to: [{ kind: 'user', userId: nguyen.userId }],
      title: null,
      text: 'Handover at 8',
      priority: 'routine',
      expiresInSeconds: null,
    });
    expect(await clinic.waitForEvent('notification.show', undefined, 20_000)).toMatchObject({ title: 'Wardline' });
  });
});
