/**
 * The server goes away mid-shift: messages written meanwhile wait in the encrypted outbox, show
 * as pending, and are delivered exactly once when it returns. A restarted server has lost nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';
import { startServer } from '../../../server/server';

const nurse = account('nurse.baker', 'nurse', 'Tomasz Baker', 'Ward 3A', 'Charge Nurse');
const doctor = account('dr.lindqvist', 'physician', 'Astrid Lindqvist', 'Cardiology', 'Registrar');

let server: TestServer;
let restarted: Awaited<ReturnType<typeof startServer>> | null = null;
let a: Workstation;
let b: Workstation;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  a = createWorkstation(server.endpoint);
  b = createWorkstation(server.endpoint);
  await signIn(a, nurse);
  await signIn(b, doctor);
}, 60_000);

afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await server.server.close();
  await restarted?.close();
});

describe('offline outbox', () => {
  it('keeps messages pending while the server is down and delivers each exactly once when it is back', async () => {
    const first = await a.call('message.send', {
      to: [{ kind: 'user', userId: 'dr.lindqvist' }],
      title: 'Bed 12',
      text: 'Before the outage',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!first.ok) throw new Error(first.error.code);
    const conversationId = first.value.conversationId;
    await eventually(
      () => openThread(b, conversationId),
      (t) => t.messages.length === 1,
    );
    // B opened it: wait for the read receipt, so the outage below starts from a settled state.
    await eventually(
      () => openThread(a, conversationId),
      (t) => t.messages[0]?.state === 'read',
    );

    await server.server.close();
    await a.waitForEvent('connection.changed', (p) => p.state === 'offline', 15_000);
    for (const text of ['During the outage one', 'During the outage two']) {
      expect(
        (await a.call('message.send', { conversationId, text, priority: 'urgent', expiresInSeconds: null })).ok,
      ).toBe(true);
    }
    const waiting = await openThread(a, conversationId);
    expect(waiting.messages.map((m) => m.state)).toEqual(['read', 'pending', 'pending']);

    // Same data folder and port: the hospital's server came back.
    restarted = await startServer({ dataDir: server.dataDir, port: server.server.port, log: { level: 'silent' } });
    const delivered = await eventually(
      () => openThread(b, conversationId),
      (t) => t.messages.length === 3,
    );
    expect(delivered.messages.map((m) => m.text)).toEqual([
      'Before the outage',
      'During the outage one',
      'During the outage two',
    ]);
    await eventually(
      () => openThread(a, conversationId),
      (t) => t.messages.every((m) => m.state !== 'pending'),
    );
    // Exactly once: nothing arrives twice, even after the feed is replayed from the start.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await openThread(b, conversationId)).messages).toHaveLength(3);
  });
});
