/**
 * The background fetcher (main/attachments/attachment-fetcher.ts) against a real vault and real
 * files, with the server's download as the only stand-in (the bytes a server would serve): a
 * fetched attachment is ready with its file holding the ciphertext; a disk that will not take
 * the file (full, or broken) is not a loop of downloads but a failure tried again later, backing
 * off, which succeeds once the disk is back.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encryptAttachment } from '../../../main/attachments/attachment-cipher';
import { attachmentFiles } from '../../../main/attachments/attachment-files';
import { createAttachmentFetcher } from '../../../main/attachments/attachment-fetcher';
import { openStore, type StoreClient } from '../../../main/store/store-client';
import { ok } from '../../../shared/ipc/result';
import { randomKey, tempDir } from '../../support/vault-fixtures';
import { attachmentRecord, message, received } from '../../support/vault-records';
import { eventually } from '../../support/workstation';

const A = '00000000-0000-4000-8000-000000000001';
const PLAIN = new Uint8Array(Buffer.from('%PDF-1.7 a discharge letter'));

let store: StoreClient;
let dir: string;
let clock: number;
let downloads: number;
const problems: string[] = [];

beforeEach(async () => {
  const root = tempDir('wardline-fetcher-');
  dir = path.join(root, 'attachments');
  store = await openStore(path.join(root, 'vault.db'), randomKey(), { create: true });
  clock = message(1).sentAt;
  downloads = 0;
  problems.length = 0;
});
afterEach(() => store.close());

async function setup() {
  const sealed = await encryptAttachment(PLAIN);
  await store.call(
    'message.receive',
    received(1, {
      attachments: [
        {
          ...attachmentRecord(A),
          mediaType: 'application/pdf',
          size: PLAIN.length,
          sha256: sealed.sha256,
          key: sealed.key,
        },
      ],
    }),
  );
  const files = attachmentFiles(dir);
  const fetcher = createAttachmentFetcher({
    store,
    files,
    download: () => {
      downloads += 1;
      const bytes = sealed.ciphertext;
      return Promise.resolve(
        ok({
          size: bytes.length,
          // Two pieces, as a connection delivers them.
          chunks: Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]),
        }),
      );
    },
    thumbnail: () => Promise.resolve(null),
    now: () => clock,
    setTimer: () => ({ cancel: () => undefined }),
    onChanged: () => undefined,
    onProblem: (code) => problems.push(code),
  });
  const state = async () => (await store.call('attachment.forMessages', { messageIds: [message(1).id] }))[0];
  return { sealed, files, fetcher, state };
}

describe('the attachment fetcher', () => {
  it('fetches once, checks, and keeps the ciphertext as the file the row names', async () => {
    const { sealed, files, fetcher, state } = await setup();
    fetcher.wake();
    await eventually(state, (a) => a?.state === 'ready');
    const stored = await store.call('attachment.stored', { messageId: message(1).id, attachmentId: A, now: clock });
    expect(Buffer.from((await files.read(stored!.file)) ?? []).equals(Buffer.from(sealed.ciphertext))).toBe(true);
    expect(downloads).toBe(1);
    fetcher.stop();
  });

  it('a disk that will not take the file is a failure tried again later, not a loop', async () => {
    // A plain file where the folder should be: every write fails, as on a broken or full disk.
    writeFileSync(dir, 'not a folder');
    const { fetcher, state } = await setup();
    fetcher.wake();
    await eventually(state, (a) => a?.problem === 'unreachable');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(downloads).toBe(1);
    expect(problems).toEqual(['ATTACHMENT_WRITE_FAILED']);
    expect((await state())?.state).toBe('fetching');
    // The disk is back and the backoff has passed: the next round keeps it.
    rmSync(dir);
    clock += 60_000;
    fetcher.wake();
    await eventually(state, (a) => a?.state === 'ready');
    expect(downloads).toBe(2);
    fetcher.stop();
  });
});
