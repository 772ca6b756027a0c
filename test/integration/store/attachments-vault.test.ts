/**
 * Attachments in the vault (schema-v8.ts, ops/attachment-ops.ts): stored with their message,
 * fetched once, and gone with it. The rule under test: a recalled or expired message leaves no
 * attachment bytes, thumbnail or key behind, and a fetch that finishes after the recall cannot
 * put them back; an expired message's attachment cannot be opened even before the sweep.
 */
import type { Database } from 'better-sqlite3';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openSqlCipher } from '../../../main/store/sqlcipher-connection';
import { storeOps } from '../../../main/store/store-ops';
import type { AttachmentRecord } from '../../../main/store/ops/attachment-ops';
import { randomKey, tempDir } from '../../support/vault-fixtures';
import { message, received } from '../../support/vault-records';

const attachment = (id: string, content?: AttachmentRecord['content']): AttachmentRecord => ({
  id,
  fileName: 'wound.jpg',
  mediaType: 'image/jpeg',
  size: 4,
  sha256: new Uint8Array(32).fill(1),
  key: new Uint8Array(32).fill(2),
  width: 10,
  height: 20,
  ...(content === undefined ? {} : { content }),
});
const A = '00000000-0000-4000-8000-000000000001';
const B = '00000000-0000-4000-8000-000000000002';
const BYTES = new Uint8Array([9, 8, 7, 6]);

let db: Database;
const call = <K extends keyof typeof storeOps>(op: K, args: Parameters<(typeof storeOps)[K]>[1]) =>
  (storeOps[op] as (db: Database, args: unknown) => ReturnType<(typeof storeOps)[K]>)(db, args);
const rows = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

beforeEach(() => {
  db = openSqlCipher(path.join(tempDir('wardline-attach-'), 'vault.db'), randomKey(), { create: true });
  call('message.receive', received(1, { attachments: [attachment(A), attachment(B)] }));
});

describe('attachments in the vault', () => {
  it('lists them in order without bytes, fetches each once, and opens only a ready one', () => {
    const now = message(1).sentAt + 10;
    expect(call('attachment.forMessages', { messageIds: [message(1).id] }).map((a) => [a.id, a.state])).toEqual([
      [A, 'fetching'],
      [B, 'fetching'],
    ]);
    expect(call('attachment.dueToFetch', { now, limit: 10 }).map((a) => a.id)).toEqual([A, B]);
    expect(call('attachment.content', { messageId: message(1).id, attachmentId: A, now })).toBeNull();
    expect(call('attachment.fetched', { id: A, bytes: BYTES, thumbnail: new Uint8Array([1]) })).toBe(true);
    expect(call('attachment.fetched', { id: A, bytes: new Uint8Array([0]), thumbnail: null })).toBe(false);
    expect(call('attachment.content', { messageId: message(1).id, attachmentId: A, now })?.bytes).toEqual(BYTES);
    // Only with its own message: an id from another message opens nothing.
    expect(call('attachment.content', { messageId: 'msg-other', attachmentId: A, now })).toBeNull();
  });

  it('backs off a failed fetch and gives up when told, until the clinician asks again', () => {
    const now = message(1).sentAt;
    call('attachment.fetchFailed', { id: A, problem: 'unreachable', retryAt: now + 60_000 });
    expect(call('attachment.dueToFetch', { now, limit: 10 }).map((a) => a.id)).toEqual([B]);
    expect(call('attachment.nextFetchAt', {})).toEqual({ dueAt: 0 });
    call('attachment.fetchFailed', { id: B, problem: 'damaged', retryAt: null });
    expect(call('attachment.nextFetchAt', {})).toEqual({ dueAt: now + 60_000 });
    expect(call('attachment.forMessages', { messageIds: [message(1).id] }).map((a) => a.state)).toEqual([
      'fetching',
      'failed',
    ]);
    expect(call('attachment.retry', { messageId: message(1).id, attachmentId: B })).toBe(true);
    expect(call('attachment.dueToFetch', { now, limit: 10 }).map((a) => a.id)).toEqual([B]);
  });

  it('a recall removes bytes, thumbnails and keys, and a fetch finishing after it cannot bring them back', () => {
    call('attachment.fetched', { id: A, bytes: BYTES, thumbnail: new Uint8Array([1]) });
    call('message.recall', { id: message(1).id, recalledAt: message(1).sentAt + 5 });
    expect(rows('attachment_content')).toBe(0);
    expect(call('attachment.fetched', { id: B, bytes: BYTES, thumbnail: null })).toBe(false);
    expect(rows('attachment_content')).toBe(0);
    const left = db.prepare('SELECT state, thumbnail, content_key FROM attachments').all();
    expect(left).toEqual([
      { state: 'removed', thumbnail: null, content_key: null },
      { state: 'removed', thumbnail: null, content_key: null },
    ]);
    expect(call('attachment.dueToFetch', { now: Number.MAX_SAFE_INTEGER, limit: 10 })).toEqual([]);
  });

  it('an expired message cannot be opened before the sweep, and the sweep removes its bytes', () => {
    db.exec('DELETE FROM messages');
    const expiresAt = message(2).sentAt + 1000;
    call('message.receive', received(2, { expiresAt, attachments: [attachment(A)] }));
    call('attachment.fetched', { id: A, bytes: BYTES, thumbnail: null });
    expect(
      call('attachment.content', { messageId: message(2).id, attachmentId: A, now: expiresAt - 1 }),
    ).not.toBeNull();
    expect(call('attachment.content', { messageId: message(2).id, attachmentId: A, now: expiresAt })).toBeNull();
    call('message.expire', { ids: [message(2).id], now: expiresAt });
    expect(rows('attachment_content')).toBe(0);
  });

  it("stores the sender's own copy ready, with its bytes", () => {
    db.exec('DELETE FROM messages');
    call(
      'message.receive',
      received(3, { direction: 'out', attachments: [attachment(A, { bytes: BYTES, thumbnail: null })] }),
    );
    expect(call('attachment.forMessages', { messageIds: [message(3).id] })[0]?.state).toBe('ready');
    expect(call('attachment.content', { messageId: message(3).id, attachmentId: A, now: 0 })?.bytes).toEqual(BYTES);
  });
});
