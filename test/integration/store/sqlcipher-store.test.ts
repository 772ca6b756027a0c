/**
 * The encrypted store on disk: the real worker, the real SQLCipher file, read back by an
 * independent SQLCipher 4 build, and scanned byte by byte for plaintext.
 */
import { chmodSync, readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type StoreClient } from '../../../main/store/store-client';
import { LATEST_VERSION } from '../../../main/store/migrations';
import { fingerprint, randomKey, tempDir } from '../../support/vault-fixtures';
import { conversation, message, received } from '../../support/vault-records';

const require = createRequire(import.meta.url);

interface JourneyDb {
  serialize(fn: () => void): void;
  run(sql: string): void;
  get(sql: string, cb: (error: Error | null, row: Record<string, unknown> | undefined) => void): void;
  close(cb: () => void): void;
}
const journey = require('@journeyapps/sqlcipher') as { Database: new (file: string) => JourneyDb };

interface RawDb {
  pragma(sql: string, options?: { simple: boolean }): unknown;
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}
const RawDatabase = require('better-sqlite3-multiple-ciphers') as new (file: string) => RawDb;

/** Opens a closed vault file directly with its key, to look where the app's operations do not. */
function openRaw(file: string, key: Uint8Array): RawDb {
  const raw = new RawDatabase(file);
  raw.pragma("cipher = 'sqlcipher'");
  raw.pragma('legacy = 4');
  raw.pragma(`key = "x'${Buffer.from(key).toString('hex')}'"`);
  return raw;
}

/** Ids of the messages whose text the full-text index still finds for `text`. */
function indexed(file: string, key: Uint8Array, text: string): string[] {
  const raw = openRaw(file, key);
  try {
    return (
      raw
        .prepare(
          'SELECT m.id FROM message_search s JOIN messages m ON m.seq = s.rowid WHERE message_search MATCH ? ORDER BY m.seq',
        )
        .all(text) as { id: string }[]
    ).map((row) => row.id);
  } finally {
    raw.close();
  }
}

/** Reads one row with the independent SQLCipher 4 community build. */
function readWithJourneyApps(file: string, hexKey: string | null, sql: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const db = new journey.Database(file);
    db.serialize(() => {
      db.run('PRAGMA cipher_compatibility = 4');
      if (hexKey !== null) db.run(`PRAGMA key = "x'${hexKey}'"`);
      db.get(sql, (error, row) => {
        db.close(() => (error ? reject(error) : resolve(row ?? {})));
      });
    });
  });
}

const opened: StoreClient[] = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
});

async function freshStore() {
  const dir = tempDir('wardline-store-');
  const file = path.join(dir, 'vault.db');
  const key = randomKey();
  const hexKey = Buffer.from(key).toString('hex');
  const store = await openStore(file, key, { create: true });
  opened.push(store);
  return { dir, file, key, hexKey, store };
}

describe('encrypted store', () => {
  it('stores and reads messages through the worker, the newest page of a conversation', async () => {
    const { store } = await freshStore();
    for (const i of [1, 2, 3]) await store.call('message.receive', received(i));
    expect(await store.call('message.unreadCount', {})).toBe(3);
    expect((await store.call('message.find', { id: 'msg-000002' }))?.body).toBe(message(2).body);
    const page = await store.call('message.thread', { conversationId: conversation.id, before: null, limit: 2 });
    expect(page.map((m) => m.id)).toEqual(['msg-000002', 'msg-000003']);
    expect(
      (await store.call('conversation.page', { selfId: 'nurse.adams', limit: 10, offset: 0 })).rows[0],
    ).toMatchObject({ id: conversation.id, lastMessageAt: message(3).sentAt });
    // A sealed envelope's bytes come back as they went in.
    const envelope = new Uint8Array([0, 255, 7, 128, 1]);
    await store.call('message.queueOutgoing', {
      conversation,
      message: { ...message(4), senderId: 'nurse.adams' },
      envelope,
    });
    expect((await store.call('outbox.list', { limit: 10 }))[0]?.envelope).toEqual(envelope);
  });

  it('is a standard SQLCipher 4 file: an independent build reads it with the raw key, and not without', async () => {
    const { file, hexKey, store } = await freshStore();
    await store.call('message.receive', received(7));
    await store.close();
    const row = await readWithJourneyApps(file, hexKey, "SELECT body FROM messages WHERE id = 'msg-000007'");
    expect(row.body).toBe(message(7).body);
    await expect(readWithJourneyApps(file, null, 'SELECT count(*) FROM messages')).rejects.toThrow(/not a database/);
    await expect(readWithJourneyApps(file, 'ab'.repeat(32), 'SELECT count(*) FROM messages')).rejects.toThrow(
      /not a database/,
    );
  });

  it('writes no message text, name, identifier or schema text in the database or its WAL', async () => {
    const { file, store } = await freshStore();
    for (let i = 0; i < 50; i += 1) await store.call('message.receive', received(i));
    // Read the files while the WAL still holds the latest pages.
    const needles = [
      'Bartholomew',
      'Quigley',
      'potassium',
      'Philippa',
      'Okafor',
      'MRN-00424242',
      'CREATE TABLE',
      'messages',
      'conversations',
      'fts5',
      'SQLite format',
    ];
    for (const part of [file, `${file}-wal`]) {
      const bytes = readFileSync(part);
      expect(bytes.length, part).toBeGreaterThan(0);
      for (const needle of needles) {
        expect(bytes.includes(Buffer.from(needle, 'utf8')), `${path.basename(part)} contains ${needle}`).toBe(false);
        expect(
          bytes.includes(Buffer.from(needle, 'utf16le')),
          `${path.basename(part)} contains ${needle} (utf16)`,
        ).toBe(false);
      }
    }
  });

  it('creates its files with mode 0600', async () => {
    const { file, store } = await freshStore();
    await store.call('message.receive', received(1));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
  });

  it('refuses a wrong key with VAULT_CORRUPT and leaves the file untouched', async () => {
    const { file, store } = await freshStore();
    await store.call('message.receive', received(1));
    await store.close();
    const before = fingerprint([file, `${file}-wal`]);
    await expect(openStore(file, randomKey(), { create: false })).rejects.toMatchObject({ code: 'VAULT_CORRUPT' });
    expect(fingerprint([file, `${file}-wal`])).toEqual(before);
  });

  it('refuses a second opener of the same vault with VAULT_IN_USE', async () => {
    const { file, key, store } = await freshStore();
    await store.call('message.receive', received(1));
    await expect(openStore(file, key, { create: false })).rejects.toMatchObject({ code: 'VAULT_IN_USE' });
    expect(await store.call('message.unreadCount', {})).toBe(1);
  });

  it('runs migrations to the latest version and refuses a vault from a newer Wardline', async () => {
    const { file, key, store } = await freshStore();
    expect(await store.call('setting.get', { key: 'absent' })).toBeNull();
    await store.close();
    // Bump user_version as a future release would, with the key, then reopen.
    const raw = openRaw(file, key);
    expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    raw.pragma(`user_version = ${String(LATEST_VERSION + 1)}`);
    raw.close();
    const before = fingerprint([file]);
    await expect(openStore(file, key, { create: false })).rejects.toMatchObject({ code: 'VAULT_TOO_NEW' });
    expect(fingerprint([file])).toEqual(before);
  });

  it('forgets the text of a recalled or expired message in its row and in the full-text index', async () => {
    const { file, key, store } = await freshStore();
    await store.call('message.receive', received(1, { body: 'Troponin elevated, please review' }));
    await store.call('message.receive', received(2, { body: 'Troponin repeat due', expiresAt: 1_700_000_100_000 }));
    await store.call('message.receive', received(3, { body: 'Troponin normal, café au lait spots noted' }));
    expect(await store.call('message.recall', { id: 'msg-000001', recalledAt: 1 })).toBe(true);
    const due = await store.call('message.dueToExpire', { now: 1_700_000_100_000 });
    expect(await store.call('message.expire', { ids: due.map((m) => m.id), now: 1_700_000_100_000 })).toHaveLength(1);
    expect((await store.call('message.find', { id: 'msg-000001' }))?.body).toBeNull();
    expect((await store.call('message.find', { id: 'msg-000002' }))?.body).toBeNull();
    await store.close();
    // The index is kept by triggers inside the vault: only the text still held is found.
    expect(indexed(file, key, 'troponin')).toEqual(['msg-000003']);
    expect(indexed(file, key, 'cafe')).toEqual(['msg-000003']);
  });

  it('answers STORE_CLOSED after close and rejects unknown operations', async () => {
    const { store } = await freshStore();
    await store.close();
    await expect(store.call('message.unreadCount', {})).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('refuses a truncated database with VAULT_CORRUPT and keeps the file as it was', async () => {
    const { file, key, store } = await freshStore();
    for (let i = 0; i < 400; i += 1) await store.call('message.receive', received(i));
    await store.close();
    const full = readFileSync(file);
    writeFileSync(file, full.subarray(0, 4096 + 100));
    chmodSync(file, 0o600);
    const before = fingerprint([file]);
    await expect(openStore(file, key, { create: false })).rejects.toMatchObject({ code: 'VAULT_CORRUPT' });
    expect(fingerprint([file])).toEqual(before);
  });

  it('keeps a copy elsewhere useless without the key', async () => {
    const { dir, file, store } = await freshStore();
    await store.call('message.receive', received(1));
    await store.close();
    const copy = path.join(dir, 'stolen.db');
    copyFileSync(file, copy);
    await expect(openStore(copy, randomKey(), { create: false })).rejects.toMatchObject({ code: 'VAULT_CORRUPT' });
  });
});
