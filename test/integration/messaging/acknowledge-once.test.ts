/**
 * Acknowledging through the real core and server: twenty presses at once (two windows, a
 * double click) answer alike and leave one record on the workstation's trail, the acknowledger's
 * own message cannot be acknowledged, and the sender's workstation shows who acknowledged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { tap, type Tap } from '../../support/audit-tap';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.lund', 'nurse', 'Karin Lund', 'Ward 5', 'Staff Nurse');
const doctor = account('dr.amadi', 'physician', 'Ngozi Amadi', 'Cardiology', 'Registrar');

let server: TestServer;
let ward: Workstation;
let office: Workstation;
let officeTap: Tap;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  ward = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint);
  await signIn(ward, nurse);
  await signIn(office, doctor);
  officeTap = await tap(office);
}, 60_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close()]);
  await server.server.close();
});

describe('acknowledging on a workstation', () => {
  it('records one acknowledgement for twenty presses at once, and the sender sees it', async () => {
    const sent = await ward.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'Bed 3 K+ 6.9',
      priority: 'stat',
      expiresInSeconds: null,
    });
    if (!sent.ok) throw new Error(sent.error.code);
    const { conversationId, messageId } = sent.value;
    await eventually(
      () => openThread(office, conversationId),
      (t) => t.messages[0]?.acknowledgement.canAcknowledge === true,
      30_000,
    );
    // The sender's own copy asks nothing of them.
    expect(await ward.call('message.acknowledge', { messageId, reply: null })).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_NOT_ALLOWED' },
    });

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => office.call('message.acknowledge', { messageId, reply: 'call-me' })),
    );
    expect(answers.every((answer) => answer.ok)).toBe(true);
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    // Pressed again later: answered from the vault, nothing new recorded.
    expect(await office.call('message.acknowledge', { messageId, reply: null })).toEqual(answers[0]);
    expect(officeTap.written.filter((record) => record.action === 'message.acknowledged')).toHaveLength(1);

    const seen = await eventually(
      () => openThread(ward, conversationId),
      (t) => (t.messages[0]?.acknowledgement.by.length ?? 0) > 0,
      30_000,
    );
    expect(seen.messages[0]?.acknowledgement.by).toEqual([
      expect.objectContaining({ userId: doctor.userId, reply: 'call-me' }),
    ]);
  });
});
