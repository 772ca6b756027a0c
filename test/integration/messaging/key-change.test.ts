/**
 * A contact's identity key changes: the sender is warned before the next message and nothing is
 * sealed to the new key until they accept it. A hostile but authenticated sender cannot plant a
 * message whose sealed conversation details disagree with its signed header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentityKeys, publicKeysOf, wrapIdentityKeys } from '../../../main/crypto/identity-keys';
import { openEnvelope } from '../../../shared/node/crypto/envelope-open';
import { sealHostileEnvelope } from '../../support/hostile-envelope';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { openRawSession } from '../../support/raw-session';
import { createWorkstation, eventually, type Workstation } from '../../support/workstation';

const nurse = account('nurse.fox', 'nurse', 'Harriet Fox', 'Ward 9', 'Staff Nurse');
const doctor = account('dr.mensah', 'physician', 'Kwame Mensah', 'Renal', 'Consultant Nephrologist');
const mallory = account('nurse.grey', 'nurse', 'Morgan Grey', 'Ward 9', 'Staff Nurse');

let server: TestServer;
let a: Workstation;
let b: Workstation;
let m: Workstation;
let conversationId = '';

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, mallory]);
  a = createWorkstation(server.endpoint);
  b = createWorkstation(server.endpoint);
  m = createWorkstation(server.endpoint);
  await signIn(a, nurse);
  await signIn(b, doctor);
  await signIn(m, mallory);
}, 60_000);

afterAll(async () => {
  await Promise.all([a.close(), b.close(), m.close()]);
  await server.server.close();
});

describe('contact key change', () => {
  it('holds a message sealed to a replaced key, warns, and sends it to the new key once accepted', async () => {
    const sent = await a.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'first',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!sent.ok) throw new Error(sent.error.code);
    conversationId = sent.value.conversationId;
    await eventually(
      () => a.call('conversation.open', { conversationId }),
      (t) => t.ok && t.value.messages[0]?.state !== 'pending',
    );

    // The doctor's keys are replaced from another device (as after a password reset).
    const other = await openRawSession(server.endpoint, doctor, 1);
    const fresh = await generateIdentityKeys();
    const published = await other.api.call(
      'publishIdentity',
      { publicKeys: publicKeysOf(fresh), wrappedPrivateKeys: await wrapIdentityKeys(fresh, other.wrapKey) },
      other.session.token,
    );
    expect(published.ok).toBe(true);

    // A reply is sealed to the pinned key without asking the directory; the relay refuses that
    // key, and the message is held (not failed, not sent to a key nobody accepted).
    const second = await a.call('message.send', {
      conversationId,
      text: 'second',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!second.ok) throw new Error(second.error.code);
    const held = await eventually(
      () => a.call('conversation.open', { conversationId }),
      (t) => t.ok && t.value.messages.find((msg) => msg.id === second.value.messageId)?.state === 'held',
    );
    expect(held.ok && held.value.conversation.participants.find((p) => p.userId === doctor.userId)?.keyChanged).toBe(
      true,
    );

    // While the change is pending, nothing new is sealed to either key, and the refusal names who.
    const refused = await a.call('message.send', {
      conversationId,
      text: 'third',
      priority: 'routine',
      expiresInSeconds: null,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'KEY_CHANGED', subjects: [doctor.userId] } });
    const composed = await a.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'fourth',
      priority: 'routine',
      expiresInSeconds: null,
    });
    expect(composed).toMatchObject({ ok: false, error: { code: 'KEY_CHANGED', subjects: [doctor.userId] } });

    expect(await a.call('contact.acceptKeyChange', { userId: doctor.userId })).toEqual({ ok: true, value: {} });
    const cleared = await eventually(
      () => a.call('conversation.open', { conversationId }),
      (t) => t.ok && t.value.messages.find((msg) => msg.id === second.value.messageId)?.state === 'sent',
    );
    expect(
      cleared.ok && cleared.value.conversation.participants.find((p) => p.userId === doctor.userId)?.keyChanged,
    ).toBe(false);

    // The held message went out sealed to the new key, unchanged: the doctor's new keys open it.
    const feed = await other.api.call('feed', { after: 0, limit: 500 }, other.session.token);
    if (!feed.ok) throw new Error(feed.error.code);
    const envelope = feed.value.events.flatMap((event) =>
      event.type === 'envelope' && event.envelope.header.id === second.value.messageId ? [event.envelope] : [],
    )[0];
    const nurseKeys = await other.api.call('lookupKeys', { userIds: [nurse.userId] }, other.session.token);
    const signing = nurseKeys.ok ? nurseKeys.value.users[0]?.publicKeys?.signing : undefined;
    if (envelope === undefined || signing === undefined) throw new Error('not relayed');
    const opened = await openEnvelope(envelope, { recipient: doctor.userId, encryption: fresh.encryption }, signing);
    expect(opened).toMatchObject({ ok: true, value: { text: 'second' } });
    other.close();

    expect(
      (await a.call('message.send', { conversationId, text: 'third', priority: 'routine', expiresInSeconds: null })).ok,
    ).toBe(true);
  });

  it('drops signed envelopes whose participants disagree with the header or with the conversation they claim', async () => {
    const raw = await openRawSession(server.endpoint, mallory, 1);
    // Claims to continue the nurse's conversation with the doctor, who never sent it.
    const envelope = await sealHostileEnvelope(raw, {
      to: nurse.userId,
      conversationId,
      text: 'Planted instruction',
      priority: 'stat',
      conversation: { kind: 'direct', title: null, participants: [nurse.userId, doctor.userId], roleAddress: null },
    });
    expect((await raw.api.call('send', { envelope }, raw.session.token)).ok).toBe(true);

    // Consistent with its own header this time, but reusing the nurse and doctor's conversation id.
    const joined = await sealHostileEnvelope(raw, {
      to: nurse.userId,
      conversationId,
      text: 'Gatecrashed instruction',
      priority: 'stat',
      conversation: { kind: 'direct', title: null, participants: [nurse.userId, mallory.userId], roleAddress: null },
    });
    expect((await raw.api.call('send', { envelope: joined }, raw.session.token)).ok).toBe(true);
    raw.close();

    // A genuine message sent after it proves the nurse's feed, handled in order, moved past the planted one.
    const marker = await m.call('message.send', {
      to: [{ kind: 'user', userId: nurse.userId }],
      title: null,
      text: 'after the plant',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!marker.ok) throw new Error(marker.error.code);
    await eventually(
      () => a.call('conversation.open', { conversationId: marker.value.conversationId }),
      (t) => t.ok && t.value.messages.some((msg) => msg.text === 'after the plant'),
    );
    const thread = await a.call('conversation.open', { conversationId });
    expect(thread.ok && thread.value.messages.map((msg) => msg.text)).not.toContain('Planted instruction');
    expect(thread.ok && thread.value.messages.map((msg) => msg.text)).not.toContain('Gatecrashed instruction');
    expect(thread.ok && thread.value.conversation.participants.map((p) => p.userId).sort()).toEqual([
      doctor.userId,
      nurse.userId,
    ]);
  });
});
