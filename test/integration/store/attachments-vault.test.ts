/**
 * Attachments in the vault (schema-v8.ts, schema-v9.ts, ops/attachment-ops.ts): stored with their
 * message, fetched once, and gone with it. The rule under test: a recalled or expired message
 * leaves no thumbnail, key or file name behind (the file is listed for unlinking in the same
 * statement), and a fetch that finishes after the recall cannot put them back; an expired
 * message's attachment cannot be opened even before the sweep.
 */
import type { Database } from 'better-sqlite3';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openSqlCipher } from '../../../main/store/sqlcipher-connection';
import { storeOps } from '../../../main/store/store-ops';
import { randomKey, tempDir } from '../../support/vault-fixtures';
import { attachmentRecord, message, received } from '../../support/vault-records';

const attachment = attachmentRecord;
const A = '00000000-0000-4000-8000-000000000001';
const B = '00000000-0000-4000-8000-000000000002';
const FILE = 'a1'.repeat(16);
const OTHER_FILE = 'b2'.repeat(16);

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
    expect(call('attachment.stored', { messageId: message(1).id, attachmentId: A, now })).toBeNull();
    expect(call('attachment.fetched', { id: A, file: FILE, thumbnail: new Uint8Array([1]) })).toBe(true);
    expect(call('attachment.fetched', { id: A, file: OTHER_FILE, thumbnail: null })).toBe(false);
    expect(call('attachment.stored', { messageId: message(1).id, attachmentId: A, now })).toMatchObject({
      file: FILE,
      key: new Uint8Array(32).fill(2),
      size: 4,
    });
    // Only with its own message: an id from another message opens nothing.
    expect(call('attachment.stored', { messageId: 'msg-other', attachmentId: A, now })).toBeNull();
    expect(call('attachment.filesInUse', {})).toEqual([FILE]);
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

  it('a recall removes thumbnails, keys and files, and a fetch finishing after it cannot bring them back', () => {
    call('attachment.fetched', { id: A, file: FILE, thumbnail: new Uint8Array([1]) });
    call('message.recall', { id: message(1).id, recalledAt: message(1).sentAt + 5 });
    expect(call('attachment.discardedFiles', { limit: 10 })).toEqual([FILE]);
    expect(call('attachment.fetched', { id: B, file: OTHER_FILE, thumbnail: null })).toBe(false);
    expect(call('attachment.filesInUse', {})).toEqual([]);
    const left = db.prepare('SELECT state, thumbnail, content_key, content_file FROM attachments').all();
    expect(left).toEqual([
      { state: 'removed', thumbnail: null, content_key: null, content_file: null },
      { state: 'removed', thumbnail: null, content_key: null, content_file: null },
    ]);
    call('attachment.filesRemoved', { names: [FILE] });
    expect(rows('attachment_files_discarded')).toBe(0);
    expect(call('attachment.dueToFetch', { now: Number.MAX_SAFE_INTEGER, limit: 10 })).toEqual([]);
  });

  it('an expired message cannot be opened before the sweep, and the sweep removes its bytes', () => {
    db.exec('DELETE FROM messages');
    const expiresAt = message(2).sentAt + 1000;
    call('message.receive', received(2, { expiresAt, attachments: [attachment(A)] }));
    call('attachment.fetched', { id: A, file: FILE, thumbnail: null });
    expect(call('attachment.stored', { messageId: message(2).id, attachmentId: A, now: expiresAt - 1 })).not.toBeNull();
    expect(call('attachment.stored', { messageId: message(2).id, attachmentId: A, now: expiresAt })).toBeNull();
    call('message.expire', { ids: [message(2).id], now: expiresAt });
    expect(call('attachment.discardedFiles', { limit: 10 })).toEqual([FILE]);
    expect(db.prepare('SELECT content_key, content_file FROM attachments').all()).toEqual([
      { content_key: null, content_file: null },
    ]);
  });

  it('a file that went missing is let go and fetched again, once, whoever reports it', () => {
    const now = message(1).sentAt + 10;
    call('attachment.fetched', { id: A, file: FILE, thumbnail: null });
    expect(call('attachment.refetch', { id: A, file: OTHER_FILE })).toBe(false);
    expect(call('attachment.refetch', { id: A, file: FILE })).toBe(true);
    expect(call('attachment.refetch', { id: A, file: FILE })).toBe(false);
    expect(call('attachment.discardedFiles', { limit: 10 })).toEqual([FILE]);
    expect(call('attachment.stored', { messageId: message(1).id, attachmentId: A, now })).toBeNull();
    expect(call('attachment.dueToFetch', { now, limit: 10 }).map((a) => a.id)).toEqual([A, B]);
  });

  it('a deleted message lists its files for unlinking', () => {
    call('attachment.fetched', { id: A, file: FILE, thumbnail: null });
    db.exec('DELETE FROM messages');
    expect(call('attachment.discardedFiles', { limit: 10 })).toEqual([FILE]);
  });

  it("stores the sender's own copy ready, with its file", () => {
    db.exec('DELETE FROM messages');
    call(
      'message.receive',
      received(3, { direction: 'out', attachments: [attachment(A, { file: FILE, thumbnail: null })] }),
    );
    expect(call('attachment.forMessages', { messageIds: [message(3).id] })[0]?.state).toBe('ready');
    expect(call('attachment.stored', { messageId: message(3).id, attachmentId: A, now: 0 })?.file).toBe(FILE);
  });
});
