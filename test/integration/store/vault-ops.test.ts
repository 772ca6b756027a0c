/**
 * The vault's operations on a real vault, through the store worker: conversations, messages, read
 * state, the outbox, receipts, expiry and contact keys (main/store/ops/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openStore, type StoreClient } from '../../../main/store/store-client';
import type { ConversationRecord } from '../../../main/store/ops/conversation-ops';
import { randomKey, tempDir } from '../../support/vault-fixtures';

let store: StoreClient;
const me = {
  userId: 'nurse.adams',
  displayName: 'Philippa Adams',
  role: 'nurse',
  department: 'Ward 7B',
  title: 'Staff Nurse',
};
const doctor = {
  userId: 'dr.okafor',
  displayName: 'Chidinma Okafor',
  role: 'physician',
  department: 'Cardiology',
  title: 'Consultant',
};

function conversationRecord(id: string, overrides: Partial<ConversationRecord> = {}): ConversationRecord {
  return {
    id,
    kind: 'direct',
    title: null,
    roleAddressId: null,
    roleAddressName: null,
    createdAt: 1000,
    patient: null,
    participants: [me, doctor],
    ...overrides,
  };
}

function incoming(id: string, conversationId: string, sentAt: number, overrides: Record<string, unknown> = {}) {
  return {
    conversation: conversationRecord(conversationId),
    message: {
      id,
      conversationId,
      senderId: 'dr.okafor',
      sentAt,
      receivedAt: sentAt + 5,
      priority: 'routine' as const,
      expiresAt: null,
      recipientCount: 1,
      envelope: new Uint8Array([1, 2, 3]),
      body: `body ${id}`,
      direction: 'in' as const,
      ...overrides,
    },
  };
}

beforeAll(async () => {
  store = await openStore(path.join(tempDir(), 'vault.db'), randomKey(), { create: true });
});
afterAll(async () => {
  await store.close();
});

describe('messaging store operations', () => {
  it('stores an incoming message once however often it arrives, and counts it unread', async () => {
    expect(await store.call('message.receive', incoming('m-1', 'c-1', 2000))).toEqual({ inserted: true });
    expect(await store.call('message.receive', incoming('m-1', 'c-1', 2000))).toEqual({ inserted: false });
    const page = await store.call('conversation.page', { selfId: 'nurse.adams', limit: 10, offset: 0 });
    expect(page.total).toBe(1);
    expect(page.rows[0]).toMatchObject({
      id: 'c-1',
      unreadCount: 1,
      otherNames: ['Chidinma Okafor'],
      lastMessageAt: 2000,
    });
  });

  it('keeps the patient a conversation is about, as its first message named them', async () => {
    const patient = { ref: 'pat-7QX2K9', label: 'Bed 12, J. Smith' };
    await store.call('message.receive', {
      ...incoming('m-p1', 'c-p', 2100),
      conversation: conversationRecord('c-p', { patient }),
    });
    // A later message cannot move the thread to another patient.
    await store.call('message.receive', {
      ...incoming('m-p2', 'c-p', 2200),
      conversation: conversationRecord('c-p', { patient: { ref: 'pat-Other99', label: null } }),
    });
    expect((await store.call('conversation.get', { id: 'c-p' }))?.patient).toEqual(patient);
    expect((await store.call('conversation.get', { id: 'c-1' }))?.patient).toBeNull();
  });

  it('reports the highest unread priority and orders conversations newest first', async () => {
    await store.call('message.receive', incoming('m-2', 'c-2', 3000, { priority: 'urgent' }));
    await store.call('message.receive', incoming('m-3', 'c-2', 3100, { priority: 'stat' }));
    await store.call('message.receive', incoming('m-4', 'c-2', 3200, { priority: 'routine' }));
    const page = await store.call('conversation.page', { selfId: 'nurse.adams', limit: 10, offset: 0 });
    expect(page.rows.map((row) => row.id)).toEqual(['c-2', 'c-p', 'c-1']);
    expect(page.rows[0]).toMatchObject({ unreadCount: 3, unreadPriority: 'stat' });
  });

  it('puts the conversation that arrived later first when two share a millisecond', async () => {
    // Ids sort the other way, so a tie broken by id would put c-tie-0 first.
    await store.call('message.receive', incoming('m-t1', 'c-tie-0', 3500));
    await store.call('message.receive', incoming('m-t2', 'c-tie-a', 3500));
    const page = await store.call('conversation.page', { selfId: 'nurse.adams', limit: 2, offset: 0 });
    expect(page.rows.map((row) => row.id)).toEqual(['c-tie-a', 'c-tie-0']);
  });

  it('lists the unread without marking them, then marks read exactly those listed', async () => {
    const unread = await store.call('conversation.unread', { conversationId: 'c-2' });
    expect(unread).toEqual(['m-2', 'm-3', 'm-4']);
    expect(await store.call('conversation.unread', { conversationId: 'c-2' })).toEqual(unread);
    // One arrives between the list (which the audit trail records) and the marking: it stays unread.
    await store.call('message.receive', incoming('m-late', 'c-2', 3300));
    expect(await store.call('conversation.markRead', { conversationId: 'c-2', ids: unread, at: 4000 })).toEqual([
      'm-2',
      'm-3',
      'm-4',
    ]);
    expect(await store.call('conversation.unread', { conversationId: 'c-2' })).toEqual(['m-late']);
    expect(await store.call('conversation.markRead', { conversationId: 'c-2', ids: ['m-late'], at: 4001 })).toEqual([
      'm-late',
    ]);
    expect(await store.call('conversation.markRead', { conversationId: 'c-2', ids: ['m-late'], at: 4002 })).toEqual([]);
    const page = await store.call('conversation.page', { selfId: 'nurse.adams', limit: 10, offset: 0 });
    expect(page.rows.find((row) => row.id === 'c-2')).toMatchObject({ unreadCount: 0, unreadPriority: null });
  });

  it('queues an outgoing message as pending and shows it sent once the server accepted it', async () => {
    await store.call('message.queueOutgoing', {
      conversation: conversationRecord('c-3'),
      message: {
        id: 'm-out',
        senderId: 'nurse.adams',
        sentAt: 5000,
        priority: 'urgent',
        expiresAt: null,
        recipientCount: 1,
        body: 'out',
      },
      envelope: new Uint8Array([9, 9]),
    });
    expect(await store.call('outbox.list', { limit: 10 })).toHaveLength(1);
    expect(await store.call('message.find', { id: 'm-out' })).toMatchObject({ direction: 'out', sendState: 'pending' });
    await store.call('outbox.retryLater', { id: 'm-out', errorCode: 'UNREACHABLE', nextAttemptAt: 6000 });
    expect((await store.call('outbox.list', { limit: 10 }))[0]).toMatchObject({ attempts: 1, nextAttemptAt: 6000 });
    await store.call('outbox.accepted', { id: 'm-out' });
    expect(await store.call('outbox.list', { limit: 10 })).toEqual([]);
    expect(await store.call('message.find', { id: 'm-out' })).toMatchObject({ sendState: 'sent' });
  });

  it('counts receipts per recipient, a read receipt implying delivery', async () => {
    expect(
      await store.call('receipt.record', { messageId: 'm-out', userId: 'dr.okafor', kind: 'read', at: 7000 }),
    ).toEqual({ conversationId: 'c-3' });
    expect(
      await store.call('receipt.record', { messageId: 'm-out', userId: 'dr.okafor', kind: 'delivered', at: 7100 }),
    ).toEqual({ conversationId: 'c-3' });
    expect(await store.call('message.find', { id: 'm-out' })).toMatchObject({ deliveredCount: 1, readCount: 1 });
    expect(
      await store.call('receipt.record', { messageId: 'unknown', userId: 'dr.okafor', kind: 'read', at: 7000 }),
    ).toEqual({ conversationId: null });
  });

  it('records the first acknowledgement per person, and lists what still waits on one by direction', async () => {
    await store.call('message.receive', incoming('m-stat', 'c-ack', 10_000, { priority: 'stat', ackRequested: true }));
    await store.call('message.receive', incoming('m-plain', 'c-ack', 10_001));
    await store.call('message.queueOutgoing', {
      conversation: conversationRecord('c-ack'),
      message: {
        id: 'm-asked',
        senderId: 'nurse.adams',
        sentAt: 10_002,
        priority: 'routine',
        expiresAt: null,
        recipientCount: 1,
        body: 'please confirm',
        ackRequested: true,
      },
      envelope: new Uint8Array([1]),
    });
    const waiting = async () =>
      (await store.call('conversation.page', { selfId: 'nurse.adams', limit: 50, offset: 0 })).rows.find(
        (row) => row.id === 'c-ack',
      )?.awaitingAcknowledgement;
    expect(await waiting()).toEqual({ incoming: 1, outgoing: 1 });
    expect(await store.call('message.find', { id: 'm-stat' })).toMatchObject({
      ackRequested: true,
      acknowledgements: [],
    });
    expect(await store.call('message.find', { id: 'm-plain' })).toMatchObject({ ackRequested: false });

    const ack = { messageId: 'm-stat', userId: 'nurse.adams', reply: 'on-my-way' as const, at: 10_500 };
    expect(await store.call('acknowledgement.record', ack)).toEqual({ conversationId: 'c-ack' });
    // A second one from the same person changes nothing; another person's is added after it.
    await store.call('acknowledgement.record', { ...ack, reply: null, at: 10_600 });
    await store.call('acknowledgement.record', { ...ack, userId: 'dr.okafor', reply: 'call-me', at: 10_400 });
    expect((await store.call('message.find', { id: 'm-stat' }))?.acknowledgements).toEqual([
      { userId: 'dr.okafor', reply: 'call-me', at: 10_400 },
      { userId: 'nurse.adams', reply: 'on-my-way', at: 10_500 },
    ]);
    expect(await waiting()).toEqual({ incoming: 0, outgoing: 1 });
    await store.call('acknowledgement.record', { messageId: 'm-asked', userId: 'dr.okafor', reply: null, at: 11_000 });
    expect(await waiting()).toEqual({ incoming: 0, outgoing: 0 });
    expect(await store.call('acknowledgement.record', { ...ack, messageId: 'unknown' })).toEqual({
      conversationId: null,
    });
    await store.call('outbox.accepted', { id: 'm-asked' });
    // Acknowledged by the reader, so nothing incoming waits any more.
    expect(await store.call('message.awaitingAcknowledgement', {})).toBe(0);
  });

  it('keeps a STAT message’s signed escalation plan and each alert the server reported, once', async () => {
    const plan = { repeatEveryMs: 60_000, steps: [{ afterMs: 120_000, to: ['dr.nguyen'], reason: 'backup' as const }] };
    await store.call(
      'message.receive',
      incoming('m-esc', 'c-esc', 20_000, { priority: 'stat', ackRequested: true, escalationPlan: plan }),
    );
    expect(await store.call('message.awaitingAcknowledgement', {})).toBe(1);
    expect(await store.call('escalation.record', { messageId: 'm-esc', step: null, at: 80_000 })).toEqual({
      conversationId: 'c-esc',
    });
    await store.call('escalation.record', { messageId: 'm-esc', step: 0, at: 140_000 });
    await store.call('escalation.record', { messageId: 'm-esc', step: 0, at: 140_000 });
    expect((await store.call('message.find', { id: 'm-esc' }))?.escalation).toEqual({
      plan,
      alerts: [
        { step: null, at: 80_000 },
        { step: 0, at: 140_000 },
      ],
    });
    expect(await store.call('escalation.record', { messageId: 'unknown', step: 0, at: 1 })).toEqual({
      conversationId: null,
    });
    await store.call('acknowledgement.record', { messageId: 'm-esc', userId: 'nurse.adams', reply: null, at: 150_000 });
    expect(await store.call('message.awaitingAcknowledgement', {})).toBe(0);
  });

  it('removes expired bodies and the outbox entries of expired messages', async () => {
    await store.call('message.receive', incoming('m-exp', 'c-4', 8000, { expiresAt: 9000 }));
    await store.call('message.queueOutgoing', {
      conversation: conversationRecord('c-4'),
      message: {
        id: 'm-exp-out',
        senderId: 'nurse.adams',
        sentAt: 8100,
        priority: 'routine',
        expiresAt: 9000,
        recipientCount: 1,
        body: 'gone soon',
      },
      envelope: new Uint8Array([1]),
    });
    expect(await store.call('message.dueToExpire', { now: 8999 })).toEqual([]);
    const due = await store.call('message.dueToExpire', { now: 9000 });
    expect(due).toEqual([
      { id: 'm-exp', conversationId: 'c-4' },
      { id: 'm-exp-out', conversationId: 'c-4' },
    ]);
    // Listing touches nothing; expiring removes only what was listed, and only once it is due.
    expect(await store.call('message.find', { id: 'm-exp' })).toMatchObject({ body: 'body m-exp', expiredAt: null });
    expect(await store.call('message.expire', { ids: ['m-exp'], now: 8999 })).toEqual([]);
    expect(await store.call('message.expire', { ids: due.map((m) => m.id), now: 9000 })).toEqual([
      { id: 'm-exp', conversationId: 'c-4' },
      { id: 'm-exp-out', conversationId: 'c-4' },
    ]);
    expect(await store.call('message.find', { id: 'm-exp' })).toMatchObject({ body: null, expiredAt: 9000 });
    expect(await store.call('outbox.list', { limit: 10 })).toEqual([]);
  });

  it('answers a thread oldest first, paging backwards with `before`', async () => {
    const all = await store.call('message.thread', { conversationId: 'c-2', before: null, limit: 10 });
    expect(all.map((m) => m.id)).toEqual(['m-2', 'm-3', 'm-4', 'm-late']);
    const older = await store.call('message.thread', { conversationId: 'c-2', before: 3200, limit: 1 });
    expect(older.map((m) => m.id)).toEqual(['m-3']);
  });

  it('pins the first key, holds a different one as pending, and swaps on acceptance', async () => {
    const keys = (n: number) => ({
      encryptionKey: Buffer.alloc(32, n).toString('base64'),
      signingKey: Buffer.alloc(32, n + 1).toString('base64'),
    });
    await store.call('contactKey.pin', { userId: 'dr.okafor', ...keys(1), fingerprint: 'a'.repeat(64), at: 1 });
    // Pinning again never overwrites: a changed key must go through acceptance.
    await store.call('contactKey.pin', { userId: 'dr.okafor', ...keys(5), fingerprint: 'b'.repeat(64), at: 2 });
    expect(await store.call('contactKey.get', { userId: 'dr.okafor' })).toMatchObject({
      ...keys(1),
      pendingFingerprint: null,
    });
    await store.call('contactKey.setPending', { userId: 'dr.okafor', ...keys(5), fingerprint: 'b'.repeat(64), at: 3 });
    expect(await store.call('contactKey.get', { userId: 'dr.okafor' })).toMatchObject({
      ...keys(1),
      pendingFingerprint: 'b'.repeat(64),
      pendingSigningKey: keys(5).signingKey,
    });
    expect(await store.call('contactKey.accept', { userId: 'dr.okafor', at: 4 })).toBe(true);
    expect(await store.call('contactKey.get', { userId: 'dr.okafor' })).toMatchObject({
      ...keys(5),
      fingerprint: 'b'.repeat(64),
      pendingFingerprint: null,
    });
    expect(await store.call('contactKey.accept', { userId: 'dr.okafor', at: 5 })).toBe(false);
  });

  it('pins only a canonical 32-byte key, whatever a caller passes', async () => {
    const good = Buffer.alloc(32, 7).toString('base64');
    for (const bad of [Buffer.alloc(31, 7).toString('base64'), good.replace(/=$/, ''), `${good.slice(0, -2)}9=`]) {
      await expect(
        store.call('contactKey.pin', {
          userId: 'dr.bad',
          encryptionKey: bad,
          signingKey: good,
          fingerprint: 'c'.repeat(64),
          at: 1,
        }),
      ).rejects.toMatchObject({ code: 'STORE_FAILED' });
    }
    expect(await store.call('contactKey.get', { userId: 'dr.bad' })).toBeNull();
  });
});
