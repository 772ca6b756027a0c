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
import { conversation, fingerprint, message, randomKey, tempDir } from '../../support/vault-fixtures';

const require = createRequire(import.meta.url);

interface JourneyDb {
  serialize(fn: () => void): void;
  run(sql: string): void;
  get(sql: string, cb: (error: Error | null, row: Record<string, unknown> | undefined) => void): void;
  close(cb: () => void): void;
}
const journey = require('@journeyapps/sqlcipher') as { Database: new (file: string) => JourneyDb };

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
  await store.call('conversation.upsert', conversation);
  return { dir, file, key, hexKey, store };
}

describe('encrypted store', () => {
  it('stores and reads messages through the worker, newest first per conversation', async () => {
    const { store } = await freshStore();
    await store.call('message.insertMany', [message(1), message(2), message(3)]);
    expect(await store.call('message.count', {})).toBe(3);
    const got = await store.call('message.get', { id: 'msg-000002' });
    expect(got?.body).toBe(message(2).body);
    expect(got?.envelope).toEqual(message(2).envelope);
    const page = await store.call('message.listByConversation', {
      conversationId: 'conv-1',
      beforeSentAt: null,
      limit: 2,
    });
    expect(page.map((m) => m.id)).toEqual(['msg-000003', 'msg-000002']);
    expect((await store.call('conversation.list', { limit: 10, offset: 0 }))[0]).toMatchObject({
      id: 'conv-1',
      lastMessageAt: message(3).sentAt,
    });
  });

  it('is a standard SQLCipher 4 file: an independent build reads it with the raw key, and not without', async () => {
    const { file, hexKey, store } = await freshStore();
    await store.call('message.insert', message(7));
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
    await store.call(
      'message.insertMany',
      Array.from({ length: 50 }, (_, i) => message(i)),
    );
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
    await store.call('message.insert', message(1));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
  });

  it('refuses a wrong key with VAULT_CORRUPT and leaves the file untouched', async () => {
    const { file, store } = await freshStore();
    await store.call('message.insert', message(1));
    await store.close();
    const before = fingerprint([file, `${file}-wal`]);
    await expect(openStore(file, randomKey(), { create: false })).rejects.toMatchObject({ code: 'VAULT_CORRUPT' });
    expect(fingerprint([file, `${file}-wal`])).toEqual(before);
  });

  it('refuses a second opener of the same vault with VAULT_IN_USE', async () => {
    const { file, key, store } = await freshStore();
    await store.call('message.insert', message(1));
    await expect(openStore(file, key, { create: false })).rejects.toMatchObject({ code: 'VAULT_IN_USE' });
    expect(await store.call('message.count', {})).toBe(1);
  });

  it('runs migrations to the latest version and refuses a vault from a newer Wardline', async () => {
    const { file, key, store } = await freshStore();
    expect(await store.call('setting.get', { key: 'absent' })).toBeNull();
    await store.close();
    // Bump user_version as a future release would, with the key, then reopen.
    const Database = require('better-sqlite3-multiple-ciphers') as new (file: string) => {
      pragma(sql: string, options?: { simple: boolean }): unknown;
      key(buffer: Buffer): void;
      close(): void;
    };
    const raw = new Database(file);
    raw.pragma("cipher = 'sqlcipher'");
    raw.pragma('legacy = 4');
    raw.pragma(`key = "x'${Buffer.from(key).toString('hex')}'"`);
    expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    raw.pragma(`user_version = ${String(LATEST_VERSION + 1)}`);
    raw.close();
    const before = fingerprint([file]);
    await expect(openStore(file, key, { create: false })).rejects.toMatchObject({ code: 'VAULT_TOO_NEW' });
    expect(fingerprint([file])).toEqual(before);
  });

  it('searches bodies with FTS5, treats query syntax as text, and forgets recalled messages', async () => {
    const { store } = await freshStore();
    await store.call('message.insertMany', [
      message(1, { body: 'Troponin elevated, please review' }),
      message(2, { body: 'Café au lait spots noted' }),
      message(3, { body: 'Discharge planned tomorrow' }),
    ]);
    expect((await store.call('message.search', { text: 'tropon', limit: 10 })).map((h) => h.messageId)).toEqual([
      'msg-000001',
    ]);
    expect((await store.call('message.search', { text: 'cafe', limit: 10 })).map((h) => h.messageId)).toEqual([
      'msg-000002',
    ]);
    expect(await store.call('message.search', { text: 'body:"x" OR *', limit: 10 })).toEqual([]);
    expect(await store.call('message.recall', { id: 'msg-000001', recalledAt: 1 })).toBe(true);
    expect(await store.call('message.search', { text: 'troponin', limit: 10 })).toEqual([]);
    expect((await store.call('message.get', { id: 'msg-000001' }))?.body).toBeNull();
  });

  it('answers STORE_CLOSED after close and rejects unknown operations', async () => {
    const { store } = await freshStore();
    await store.close();
    await expect(store.call('message.count', {})).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('refuses a truncated database with VAULT_CORRUPT and keeps the file as it was', async () => {
    const { file, key, store } = await freshStore();
    await store.call(
      'message.insertMany',
      Array.from({ length: 400 }, (_, i) => message(i)),
    );
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
    await store.call('message.insert', message(1));
    await store.close();
    const copy = path.join(dir, 'stolen.db');
    copyFileSync(file, copy);
    await expect(openStore(copy, randomKey(), { create: false })).rejects.toMatchObject({ code: 'VAULT_CORRUPT' });
  });
});
