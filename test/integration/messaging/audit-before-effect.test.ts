/**
 * Issue #6 for messaging: every record is durable in the device audit log before the action it
 * records is reported done, through the real core and server. The log's append is tapped: a
 * record can be held (to see what waits for it) or refused (to see what is then not done).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentityKeys, publicKeysOf, wrapIdentityKeys } from '../../../main/crypto/identity-keys';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { openRawSession } from '../../support/raw-session';
import { settlesWithin, tap, type Tap } from '../../support/audit-tap';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.achebe', 'nurse', 'Ngozi Achebe', 'Ward 3', 'Staff Nurse');
const doctor = account('dr.lindqvist', 'physician', 'Erik Lindqvist', 'Haematology', 'Registrar');
const charge = account('nurse.tanaka', 'nurse', 'Yui Tanaka', 'Ward 3', 'Charge Nurse');

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: TestServer;
let ward: Workstation;
let office: Workstation;
let wardTap: Tap;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, charge]);
  ward = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint);
  await signIn(ward, nurse);
  await signIn(office, doctor);
  wardTap = await tap(ward);
}, 60_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close()]);
  await server.server.close();
});

async function fromDoctor(text: string): Promise<{ conversationId: string; messageId: string }> {
  const sent = await office.call('message.send', {
    to: [{ kind: 'user', userId: nurse.userId }],
    title: null,
    text,
    priority: 'routine',
    expiresInSeconds: null,
  });
  if (!sent.ok) throw new Error(sent.error.code);
  return sent.value;
}

describe('records before effects (messaging)', () => {
  it('a received message that cannot be recorded is not stored, not acknowledged, and is recorded when it comes again', async () => {
    wardTap.refuse.add('message.received');
    const { conversationId, messageId } = await fromDoctor('Hb 71, transfuse?');
    await eventually(
      () => Promise.resolve(wardTap.reached('message.received')),
      (n) => n >= 2,
    );
    expect(await ward.call('conversation.open', { conversationId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect((await openThread(office, conversationId)).messages[0]?.deliveredCount).toBe(0);

    wardTap.refuse.delete('message.received');
    const thread = await eventually(
      () => openThread(ward, conversationId),
      (t) => t.messages.length === 1,
      30_000,
    );
    expect(thread.messages[0]?.text).toBe('Hb 71, transfuse?');
    expect(wardTap.written.filter((r) => r.action === 'message.received').map((r) => r.object)).toEqual([
      { kind: 'message', id: messageId, conversationId },
    ]);
    await eventually(
      () => openThread(office, conversationId),
      (t) => t.messages[0]?.deliveredCount === 1,
    );
  }, 60_000);

  it('reading: an unrecordable read shows nothing and sends no read receipt', async () => {
    const { conversationId } = await fromDoctor('Platelets 19');
    await eventually(
      () => ward.call('conversations.list', { offset: 0, limit: 50 }),
      (list) => list.ok && list.value.items.some((c) => c.id === conversationId && c.unreadCount === 1),
    );
    wardTap.refuse.add('message.read');
    try {
      expect(await ward.call('conversation.open', { conversationId })).toMatchObject({
        ok: false,
        error: { code: 'AUDIT_UNAVAILABLE' },
      });
    } finally {
      wardTap.refuse.delete('message.read');
    }
    // Nor is it marked read: it is still waiting for the nurse, and will be recorded when she reads it.
    const list = await ward.call('conversations.list', { offset: 0, limit: 50 });
    expect(list.ok && list.value.items.find((c) => c.id === conversationId)?.unreadCount).toBe(1);
    await pause(1500);
    expect((await openThread(office, conversationId)).messages[0]?.readCount).toBe(0);
  });

  it('reading: the read receipt goes only after the record is durable', async () => {
    const { conversationId, messageId } = await fromDoctor('INR 4.2');
    await eventually(
      () => ward.call('conversations.list', { offset: 0, limit: 50 }),
      (list) => list.ok && list.value.items.some((c) => c.id === conversationId && c.unreadCount === 1),
    );
    const release = wardTap.hold('message.read');
    const opening = ward.call('conversation.open', { conversationId });
    await eventually(
      () => Promise.resolve(wardTap.reached('message.read')),
      (n) => n >= 1,
    );
    expect(await settlesWithin(opening, 1000)).toBe(false);
    expect((await openThread(office, conversationId)).messages[0]?.readCount).toBe(0);
    release();
    expect(await opening).toMatchObject({ ok: true });
    expect(
      wardTap.written.some(
        (r) => r.action === 'message.read' && r.object.kind === 'message' && r.object.id === messageId,
      ),
    ).toBe(true);
    await eventually(
      () => openThread(office, conversationId),
      (t) => t.messages[0]?.readCount === 1,
    );
  });

  it('opening: the thread on screen asked for again is one opening, and what it newly shows is recorded as read', async () => {
    const { conversationId, messageId: first } = await fromDoctor('K+ 6.1');
    await eventually(
      () => ward.call('conversations.list', { offset: 0, limit: 50 }),
      (list) => list.ok && list.value.items.some((c) => c.id === conversationId && c.unreadCount === 1),
    );
    const openings = () =>
      wardTap.written.filter(
        (r) => r.action === 'conversation.opened' && r.object.kind === 'conversation' && r.object.id === conversationId,
      ).length;
    const readOf = (id: string) =>
      wardTap.written.filter((r) => r.action === 'message.read' && r.object.kind === 'message' && r.object.id === id)
        .length;
    expect(await ward.call('conversation.open', { conversationId })).toMatchObject({ ok: true });
    expect([openings(), readOf(first)]).toEqual([1, 1]);
    // A message arrives while it is on screen: the view asks again.
    const reply = await office.call('message.send', {
      conversationId,
      text: 'Repeat in 1 h',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!reply.ok) throw new Error(reply.error.code);
    const second = reply.value.messageId;
    await eventually(
      () => ward.call('conversations.list', { offset: 0, limit: 50 }),
      (list) => list.ok && list.value.items.some((c) => c.id === conversationId && c.unreadCount === 1),
    );
    expect(await ward.call('conversation.open', { conversationId, again: true })).toMatchObject({ ok: true });
    expect([openings(), readOf(first), readOf(second)]).toEqual([1, 1, 1]);
    // "Again" for a conversation that is not the one last opened is an opening like any other.
    const other = await fromDoctor('Bed 12 obs due');
    await eventually(
      () => ward.call('conversations.list', { offset: 0, limit: 50 }),
      (list) => list.ok && list.value.items.some((c) => c.id === other.conversationId),
    );
    expect(await ward.call('conversation.open', { conversationId: other.conversationId })).toMatchObject({ ok: true });
    expect(await ward.call('conversation.open', { conversationId, again: true })).toMatchObject({ ok: true });
    // Opened afresh (not "again"), it is a new opening.
    expect(await ward.call('conversation.open', { conversationId })).toMatchObject({ ok: true });
    expect(openings()).toBe(3);
  });

  it('opening: twenty requests at once for one thread are one opening, each message read recorded once', async () => {
    const { conversationId, messageId } = await fromDoctor('Cross-match sent');
    await eventually(
      () => ward.call('conversations.list', { offset: 0, limit: 50 }),
      (list) => list.ok && list.value.items.some((c) => c.id === conversationId && c.unreadCount === 1),
    );
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => ward.call('conversation.open', { conversationId })),
    );
    expect(answers.every((answer) => answer.ok)).toBe(true);
    const about = (action: string, id: string) =>
      wardTap.written.filter((r) => r.action === action && 'id' in r.object && r.object.id === id).length;
    expect([about('conversation.opened', conversationId), about('message.read', messageId)]).toEqual([1, 1]);
  });

  it('recalling: a recall that cannot be recorded is not made, and a recorded one is recorded once', async () => {
    const sent = await ward.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'Wrong patient, ignore',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!sent.ok) throw new Error(sent.error.code);
    const { conversationId, messageId } = sent.value;
    await eventually(
      () => openThread(office, conversationId),
      (t) => t.messages.length === 1,
    );
    await eventually(
      () => openThread(ward, conversationId),
      (t) => t.messages[0]?.state !== 'pending',
    );

    wardTap.refuse.add('message.recalled');
    try {
      expect(await ward.call('message.recall', { messageId })).toMatchObject({
        ok: false,
        error: { code: 'AUDIT_UNAVAILABLE' },
      });
    } finally {
      wardTap.refuse.delete('message.recalled');
    }
    await pause(1000);
    expect((await openThread(office, conversationId)).messages[0]).toMatchObject({
      text: 'Wrong patient, ignore',
      recalledAt: null,
    });
    expect((await openThread(ward, conversationId)).messages[0]).toMatchObject({ recalledAt: null });

    expect(await ward.call('message.recall', { messageId })).toEqual({ ok: true, value: {} });
    await eventually(
      () => openThread(office, conversationId),
      (t) => t.messages[0]?.recalledAt !== null,
    );
    expect(wardTap.written.filter((r) => r.action === 'message.recalled')).toEqual([
      expect.objectContaining({ object: { kind: 'message', id: messageId, conversationId }, outcome: 'success' }),
    ]);
  });

  it('accepting a key change that is not pending is recorded as the failure it is', async () => {
    const before = wardTap.written.length;
    expect(await ward.call('contact.acceptKeyChange', { userId: doctor.userId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(wardTap.written.slice(before)).toEqual([
      expect.objectContaining({
        action: 'key-change.accepted',
        object: { kind: 'account', id: doctor.userId },
        outcome: 'failure',
        reason: 'NOT_FOUND',
      }),
    ]);
  });

  it('expiring: the expiry is recorded before the thread that shows it is returned', async () => {
    let skew = 0;
    const clocked = createWorkstation(server.endpoint, { now: () => Date.now() + skew });
    try {
      await signIn(clocked, charge);
      const clockedTap = await tap(clocked);
      const sent = await clocked.call('message.send', {
        to: [{ kind: 'user', userId: doctor.userId }],
        title: null,
        text: 'Door code 4411',
        priority: 'routine',
        expiresInSeconds: 60,
      });
      if (!sent.ok) throw new Error(sent.error.code);
      const release = clockedTap.hold('message.expired');
      skew = 61_000;
      const opening = clocked.call('conversation.open', { conversationId: sent.value.conversationId });
      await eventually(
        () => Promise.resolve(clockedTap.reached('message.expired')),
        (n) => n >= 1,
      );
      expect(await settlesWithin(opening, 1000)).toBe(false);
      release();
      const opened = await opening;
      expect(opened.ok && opened.value.messages[0]).toMatchObject({ expired: true, text: null });
      expect(clockedTap.written.filter((r) => r.action === 'message.expired').map((r) => r.object)).toEqual([
        { kind: 'message', id: sent.value.messageId, conversationId: sent.value.conversationId },
      ]);
    } finally {
      await clocked.close();
    }
  }, 60_000);

  // Last: the doctor's keys are replaced, so the doctor's workstation can no longer read new messages.
  it("a contact's key change: the warning is recorded before it is shown, and accepting it before the key is trusted", async () => {
    // The doctor's keys are pinned here by a first message, then replaced from another device.
    const first = await ward.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'Are you on call?',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!first.ok) throw new Error(first.error.code);
    const { conversationId } = first.value;
    await eventually(
      () => openThread(ward, conversationId),
      (t) => t.messages[0]?.state !== 'pending',
    );
    const other = await openRawSession(server.endpoint, doctor, 1);
    const fresh = await generateIdentityKeys();
    const published = await other.api.call(
      'publishIdentity',
      { publicKeys: publicKeysOf(fresh), wrappedPrivateKeys: await wrapIdentityKeys(fresh, other.wrapKey) },
      other.session.token,
    );
    expect(published.ok).toBe(true);

    // A reply is sealed to the pinned key, refused by the relay and held: the change is known here.
    const reply = await ward.call('message.send', {
      conversationId,
      text: 'Bleep me',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!reply.ok) throw new Error(reply.error.code);
    await eventually(
      () => openThread(ward, conversationId),
      (t) => t.messages.find((m) => m.id === reply.value.messageId)?.state === 'held',
    );

    const shown = () => wardTap.written.filter((r) => r.action === 'key-change.shown').length;
    /** Runs `attempt` with the warning's record held: it must wait for it, then answer. */
    async function waitsForWarningRecord<T>(attempt: () => Promise<T>): Promise<T> {
      const release = wardTap.hold('key-change.shown');
      const reachedBefore = wardTap.reached('key-change.shown');
      const writtenBefore = shown();
      const showing = attempt();
      await eventually(
        () => Promise.resolve(wardTap.reached('key-change.shown')),
        (n) => n > reachedBefore,
      );
      expect(await settlesWithin(showing, 1000)).toBe(false);
      release();
      const answer = await showing;
      expect(shown()).toBe(writtenBefore + 1);
      return answer;
    }
    const refused = await waitsForWarningRecord(() =>
      ward.call('message.send', {
        conversationId,
        text: 'Please call back',
        priority: 'routine',
        expiresInSeconds: null,
      }),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'KEY_CHANGED', subjects: [doctor.userId] } });
    const opened = await waitsForWarningRecord(() => openThread(ward, conversationId));
    expect(opened.conversation.participants.find((p) => p.userId === doctor.userId)?.keyChanged).toBe(true);

    wardTap.refuse.add('key-change.accepted');
    try {
      expect(await ward.call('contact.acceptKeyChange', { userId: doctor.userId })).toMatchObject({
        ok: false,
        error: { code: 'AUDIT_UNAVAILABLE' },
      });
    } finally {
      wardTap.refuse.delete('key-change.accepted');
    }
    // Not accepted: still nothing is sealed to the new key.
    expect(
      await ward.call('message.send', {
        conversationId,
        text: 'Please call back',
        priority: 'routine',
        expiresInSeconds: null,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'KEY_CHANGED' },
    });
    const before = wardTap.written.length;
    expect(await ward.call('contact.acceptKeyChange', { userId: doctor.userId })).toEqual({ ok: true, value: {} });
    expect(wardTap.written.slice(before).filter((r) => r.action === 'key-change.accepted')).toEqual([
      expect.objectContaining({ object: { kind: 'account', id: doctor.userId }, outcome: 'success' }),
    ]);
  }, 60_000);
});
