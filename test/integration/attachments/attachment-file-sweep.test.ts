/**
 * Unlinking attachment files (main/attachments/attachment-file-sweep.ts) against a real vault and
 * folder: files a recall let go are unlinked and forgotten; an orphan from before this session
 * (a crash between a draft's file and its send) goes, while a file a row names, and a file
 * written in this session (a draft not yet sent), stay. v8's in-database bytes are moved out by
 * fetching them again (schema-v9.ts).
 */
import { utimesSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachmentFiles, type AttachmentFiles } from '../../../main/attachments/attachment-files';
import { sweepDiscardedFiles, sweepOrphanFiles } from '../../../main/attachments/attachment-file-sweep';
import { openSqlCipher } from '../../../main/store/sqlcipher-connection';
import { MIGRATIONS, migrate } from '../../../main/store/migrations';
import { openStore, type StoreClient } from '../../../main/store/store-client';
import { randomKey, tempDir } from '../../support/vault-fixtures';
import { attachmentRecord, message, received } from '../../support/vault-records';

const A = '00000000-0000-4000-8000-000000000001';
const attachment = (id: string, file?: string) =>
  attachmentRecord(id, file === undefined ? undefined : { file, thumbnail: null });

let store: StoreClient;
let files: AttachmentFiles;
let dir: string;

beforeEach(async () => {
  const root = tempDir('wardline-sweep-');
  dir = path.join(root, 'attachments');
  files = attachmentFiles(dir);
  store = await openStore(path.join(root, 'vault.db'), randomKey(), { create: true });
});
afterEach(() => store.close());

/** A file written an hour ago. */
async function oldFile(): Promise<string> {
  const name = await files.write(new Uint8Array([1, 2, 3]));
  const then = new Date(Date.now() - 3_600_000);
  utimesSync(path.join(dir, name), then, then);
  return name;
}

describe('attachment file sweeps', () => {
  it('unlinks the files a recall let go, and forgets them', async () => {
    const sent = await oldFile();
    await store.call('message.receive', received(1, { direction: 'out', attachments: [attachment(A, sent)] }));
    await sweepDiscardedFiles(store, files);
    expect(await files.read(sent)).not.toBeNull();
    await store.call('message.recall', { id: message(1).id, recalledAt: message(1).sentAt + 1 });
    await sweepDiscardedFiles(store, files);
    expect(await files.read(sent)).toBeNull();
    expect(await store.call('attachment.discardedFiles', { limit: 10 })).toEqual([]);
  });

  it('removes orphans from before the session only, never a file a row names', async () => {
    const named = await oldFile();
    const orphan = await oldFile();
    await store.call('message.receive', received(1, { direction: 'out', attachments: [attachment(A, named)] }));
    const sessionStart = Date.now();
    const draft = await files.write(new Uint8Array([4]));
    await sweepOrphanFiles(store, files, sessionStart);
    expect(await files.read(named)).not.toBeNull();
    expect(await files.read(draft)).not.toBeNull();
    expect(await files.read(orphan)).toBeNull();
  });

  it('never builds a path from a name that is not one of its own', async () => {
    expect(await files.read('../vault.db')).toBeNull();
    await expect(files.remove(['../vault.db', '..'])).resolves.toBeUndefined();
  });
});

describe('vault schema v9', () => {
  it("fetches v8's in-database bytes again into files and drops the table that held them", () => {
    const db = openSqlCipher(path.join(tempDir('wardline-v9-'), 'vault.db'), randomKey(), {
      create: true,
      migrations: MIGRATIONS.slice(0, 8),
    });
    try {
      db.exec(`
        INSERT INTO conversations (id, kind, title, patient_ref, created_at, updated_at, last_message_at, unread_count)
          VALUES ('c1', 'direct', NULL, NULL, 1000, 3000, 3000, 0);
        INSERT INTO messages (id, conversation_id, sender_id, sent_at, received_at, priority, expires_at, envelope, body)
          VALUES ('m1', 'c1', 'dr.brown', 2000, 2100, 'routine', NULL, X'01', 'photo');
        INSERT INTO attachments (id, message_id, file_name, media_type, size_bytes, sha256, content_key, state)
          VALUES ('a1', 'm1', 'wound.jpg', 'image/jpeg', 4, X'aa', X'bb', 'ready'),
                 ('a2', 'm1', 'scan.pdf', 'application/pdf', 4, X'aa', X'bb', 'fetching');
        INSERT INTO attachment_content (attachment_id, bytes) VALUES ('a1', X'01020304');
      `);
      migrate(db);
      const rows = db.prepare('SELECT id, state, content_file FROM attachments ORDER BY id').all();
      expect(rows).toEqual([
        { id: 'a1', state: 'fetching', content_file: null },
        { id: 'a2', state: 'fetching', content_file: null },
      ]);
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'attachment%'")
        .all();
      expect(tables.map((t) => (t as { name: string }).name).sort()).toEqual([
        'attachment_files_discarded',
        'attachments',
      ]);
    } finally {
      db.close();
    }
  });
});
