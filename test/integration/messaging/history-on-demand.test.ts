/**
 * A clinician's first sign-in at another workstation syncs a recent window of their feed, not
 * everything they ever received; a conversation that began before the window offers its older
 * messages, which are fetched from the server's history, opened and stored when asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestOf } from '../../../shared/ipc/contract';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.haddad', 'nurse', 'Layla Haddad', 'Ward 2', 'Staff Nurse');
const doctor = account('dr.iwu', 'physician', 'Chidi Iwu', 'Respiratory', 'Registrar');

let server: TestServer;
let a: Workstation;
let b: Workstation;
let later: Workstation | null = null;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  a = createWorkstation(server.endpoint);
  b = createWorkstation(server.endpoint);
  await signIn(a, nurse);
  await signIn(b, doctor);
}, 60_000);

afterAll(async () => {
  await Promise.all([a.close(), b.close(), later?.close()]);
  await server.server.close();
});

const send = async (station: Workstation, request: RequestOf<'message.send'>) => {
  const sent = await station.call('message.send', request);
  if (!sent.ok) throw new Error(sent.error.code);
  return sent.value;
};

describe('history on demand', () => {
  it('syncs a recent window at a new workstation and fetches older messages when scrolled back', async () => {
    const first = await send(a, {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'Early one',
      priority: 'routine',
      expiresInSeconds: null,
    });
    const { conversationId } = first;
    await send(a, { conversationId, text: 'Early two', priority: 'routine', expiresInSeconds: null });
    await eventually(
      () => openThread(b, conversationId),
      (t) => t.messages.length === 2,
    );
    // The window's edge: everything accepted before it stays on the server until asked for.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const edge = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await send(a, { conversationId, text: 'Late three', priority: 'routine', expiresInSeconds: null });
    await send(b, { conversationId, text: 'Late four', priority: 'routine', expiresInSeconds: null });
    await eventually(
      () => openThread(a, conversationId),
      (t) => t.messages.length === 4 && t.messages.every((m) => m.state !== 'pending'),
    );

    // The doctor's first sign-in at another workstation. Its clock stands at the edge, so its
    // first sync (the last day, say) starts there: the two late messages are in, the early not.
    const station = createWorkstation(server.endpoint, { now: () => edge, initialSyncWindowMs: 0 });
    later = station;
    await signIn(station, doctor, 1);
    const recent = await eventually(
      () => openThread(station, conversationId),
      (t) => t.messages.length >= 2,
    );
    expect(recent.messages.map((m) => m.text)).toEqual(['Late three', 'Late four']);
    expect(recent.more).toBe(true);

    const older = await station.call('conversation.loadOlder', { conversationId, before: recent.messages[0]!.sentAt });
    expect(older.ok && older.value.messages.map((m) => m.text)).toEqual(['Early one', 'Early two']);
    expect(older.ok && older.value.more).toBe(false);

    // Stored here now, opened with the sender's pinned key: the thread is whole and says so.
    const whole = await openThread(station, conversationId);
    expect(whole.messages.map((m) => m.text)).toEqual(['Early one', 'Early two', 'Late three', 'Late four']);
    expect(whole.more).toBe(false);
  });
});
