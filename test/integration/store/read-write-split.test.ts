/**
 * The vault's operation table is split into reads and writes (main/store/store-ops.ts): every
 * operation is one or the other, and every read, run on a vault holding something for it to
 * find, changes nothing. A new read must be given arguments here before this test compiles.
 */
import type { Database } from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlCipher } from '../../../main/store/sqlcipher-connection';
import { storeOps, vaultReads, vaultWrites } from '../../../main/store/store-ops';
import { randomKey, tempDir } from '../../support/vault-fixtures';
import { conversation, message, received } from '../../support/vault-records';

type Reads = typeof vaultReads;
const READY = 'blob-ready';
const READ_ARGS: { readonly [K in keyof Reads]: Parameters<Reads[K]>[1] } = {
  'conversation.get': { id: conversation.id },
  'conversation.roleAddressIds': {},
  'conversation.page': { selfId: 'nurse.adams', limit: 10, offset: 0 },
  'message.thread': { conversationId: conversation.id, before: null, limit: 10 },
  'message.find': { id: message(1).id },
  'message.unreadCount': {},
  'conversation.unread': { conversationId: conversation.id },
  'message.dueToExpire': { now: message(2).sentAt + 1000 },
  'outbox.list': { limit: 10, held: true },
  'contactKey.get': { userId: 'dr.okafor' },
  'setting.get': { key: 'feed.cursor' },
  'message.awaitingAcknowledgement': {},
  'message.awaitingAcknowledgementIds': {},
  'conversation.escalationPlans': { conversationId: conversation.id },
  'attachment.forMessages': { messageIds: [message(1).id] },
  'attachment.stored': { messageId: message(1).id, attachmentId: READY, now: message(1).sentAt },
  'attachment.discardedFiles': { limit: 10 },
  'attachment.filesInUse': {},
  'attachment.dueToFetch': { now: message(2).sentAt + 1000, limit: 10 },
  'attachment.nextFetchAt': {},
  'feed.threads': {
    conversationIds: [conversation.id, 'conv-role', 'conv-none'],
    messageIds: [message(1).id, 'message-none'],
    plansFor: [conversation.id],
  },
  'message.search': { text: 'quigley potassium', selfId: 'nurse.adams', now: message(2).sentAt, limit: 10 },
};

let db: Database;
const totalChanges = () => (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

beforeAll(() => {
  db = openSqlCipher(path.join(tempDir('wardline-reads-'), 'vault.db'), randomKey(), { create: true });
  const roleConversation = { ...conversation, id: 'conv-role', kind: 'role' as const, roleAddressId: 'role-icu' };
  const file = (id: string) => ({
    id,
    fileName: 'ecg.png',
    mediaType: 'image/png' as const,
    size: 1,
    sha256: new Uint8Array(32),
    key: new Uint8Array(32),
    width: null,
    height: null,
  });
  vaultWrites['message.receive'](
    db,
    received(1, {
      attachments: [{ ...file(READY), content: { file: 'ab'.repeat(16), thumbnail: null } }, file('blob-waiting')],
    }),
  );
  vaultWrites['message.receive'](db, received(2, { expiresAt: message(2).sentAt + 500, ackRequested: true }));
  vaultWrites['message.receive'](
    db,
    received(5, {
      priority: 'stat',
      ackRequested: true,
      escalationPlan: { repeatEveryMs: null, steps: [{ afterMs: 300_000, to: ['dr.backup'], reason: 'backup' }] },
    }),
  );
  vaultWrites['message.receive'](db, {
    conversation: roleConversation,
    message: message(3, { conversationId: 'conv-role' }),
  });
  vaultWrites['message.queueOutgoing'](db, {
    conversation,
    message: { ...message(4), senderId: 'nurse.adams' },
    envelope: new Uint8Array([4]),
  });
  vaultWrites['outbox.hold'](db, { id: message(4).id });
  vaultWrites['receipt.record'](db, { messageId: message(4).id, userId: 'dr.okafor', kind: 'read', at: 5 });
  const keys = (n: number) => ({
    encryptionKey: Buffer.alloc(32, n).toString('base64'),
    signingKey: Buffer.alloc(32, n + 1).toString('base64'),
  });
  vaultWrites['contactKey.pin'](db, { userId: 'dr.okafor', ...keys(1), fingerprint: 'a'.repeat(64), at: 1 });
  vaultWrites['contactKey.setPending'](db, { userId: 'dr.okafor', ...keys(5), fingerprint: 'b'.repeat(64), at: 2 });
  vaultWrites['setting.set'](db, { key: 'feed.cursor', value: '42' });
  vaultWrites['attachment.refetch'](db, { id: READY, file: 'ab'.repeat(16) });
  vaultWrites['attachment.fetched'](db, { id: READY, file: 'cd'.repeat(16), thumbnail: null });
});
afterAll(() => db.close());

describe('reads and writes of the vault', () => {
  it('marks every operation as exactly one of read or write', () => {
    const reads = Object.keys(vaultReads);
    const writes = Object.keys(vaultWrites);
    expect(reads.filter((name) => writes.includes(name))).toEqual([]);
    expect([...reads, ...writes].sort()).toEqual(Object.keys(storeOps).sort());
    expect(Object.keys(READ_ARGS).sort()).toEqual([...reads].sort());
  });

  it.each(Object.keys(READ_ARGS) as (keyof Reads)[])('%s finds what is there and changes nothing', (name) => {
    const before = totalChanges();
    const read = vaultReads[name] as (db: Database, args: unknown) => unknown;
    const result = read(db, READ_ARGS[name]);
    expect(totalChanges()).toBe(before);
    expect(db.inTransaction).toBe(false);
    // Each read is run where it has an answer, so its statements really ran.
    expect(result).not.toBeNull();
    expect(result).not.toEqual([]);
    expect(result).not.toBe(0);
  });
});
