/**
 * The background fetcher (main/attachments/attachment-fetcher.ts) against a real vault and real
 * files, with the server's download as the only stand-in (the bytes a server would serve): a
 * fetched attachment is ready with its file holding the ciphertext; a disk that will not take
 * the file (full, or broken) is not a loop of downloads but a failure tried again later, backing
 * off, which succeeds once the disk is back.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encryptAttachment } from '../../../shared/node/crypto/attachment-cipher';
import { attachmentFiles } from '../../../main/attachments/attachment-files';
import { createAttachmentFetcher } from '../../../main/attachments/attachment-fetcher';
import { createCipherThread, type CipherThread } from '../../../main/attachments/cipher-thread';
import { openStore, type StoreClient } from '../../../main/store/store-client';
import { ok } from '../../../shared/ipc/result';
import { BlobTransferError } from '../../../main/server-link/blob-client';
import { randomKey, tempDir } from '../../support/vault-fixtures';
import { attachmentRecord, message, received } from '../../support/vault-records';
import { eventually } from '../../support/workstation';

const A = '00000000-0000-4000-8000-000000000001';
const PLAIN = new Uint8Array(Buffer.from('%PDF-1.7 a discharge letter'));
/** Stands in for a photo's bytes: the fetcher only decrypts and checks them. */
const PHOTO = new Uint8Array(200_000).map((_, i) => (i * 31) % 251);

let store: StoreClient;
let dir: string;
let clock: number;
let downloads: number;
let decryption: CipherThread;
const problems: string[] = [];

beforeEach(async () => {
  const root = tempDir('wardline-fetcher-');
  dir = path.join(root, 'attachments');
  store = await openStore(path.join(root, 'vault.db'), randomKey(), { create: true });
  clock = message(1).sentAt;
  downloads = 0;
  problems.length = 0;
  decryption = createCipherThread();
});
afterEach(async () => {
  decryption.stop();
  await store.close();
});

interface Setup {
  /** What the server serves in place of the sealed blob. */
  readonly serve?: (ciphertext: Uint8Array) => Uint8Array;
  /** The connection drops after the first piece. */
  readonly dropped?: boolean;
  /** A photo rather than the PDF. */
  readonly photo?: boolean;
  /** The photo's thumbnail, from the sender's preview in its message. */
  readonly previewed?: Uint8Array;
}

async function setup(options: Setup = {}) {
  const plain = options.photo === true ? PHOTO : PLAIN;
  const sealed = await encryptAttachment(plain);
  await store.call(
    'message.receive',
    received(1, {
      attachments: [
        {
          ...attachmentRecord(A),
          mediaType: options.photo === true ? 'image/jpeg' : 'application/pdf',
          size: plain.length,
          sha256: sealed.sha256,
          key: sealed.key,
          thumbnail: options.previewed ?? null,
        },
      ],
    }),
  );
  const files = attachmentFiles(dir);
  const thumbnailed: number[] = [];
  const fetcher = createAttachmentFetcher({
    store,
    files,
    cipher: decryption,
    download: () => {
      downloads += 1;
      const bytes = options.serve?.(sealed.ciphertext) ?? sealed.ciphertext;
      // Two pieces, as a connection delivers them; or one, then the connection is gone.
      async function* pieces() {
        yield await Promise.resolve(bytes.subarray(0, 10));
        if (options.dropped === true) throw new BlobTransferError('UNREACHABLE');
        yield bytes.subarray(10);
      }
      return Promise.resolve(ok({ size: bytes.length, chunks: pieces() }));
    },
    thumbnail: (bytes) => {
      thumbnailed.push(bytes.length);
      return Promise.resolve(null);
    },
    now: () => clock,
    setTimer: () => ({ cancel: () => undefined }),
    onChanged: () => undefined,
    onProblem: (code) => problems.push(code),
  });
  const state = async () => (await store.call('attachment.forMessages', { messageIds: [message(1).id] }))[0];
  /** The files in the attachments folder (none if it was never made). */
  const onDisk = () => (existsSync(dir) ? readdirSync(dir) : []);
  return { sealed, files, fetcher, state, thumbnailed, onDisk };
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

  it('a blob that does not open is given up as damaged, and leaves no file behind', async () => {
    const { fetcher, state, onDisk } = await setup({
      serve: (ciphertext) => {
        const changed = ciphertext.slice();
        changed[40] = (changed[40] ?? 0) ^ 1;
        return changed;
      },
    });
    fetcher.wake();
    await eventually(state, (a) => a?.state === 'failed');
    expect((await state())?.problem).toBe('damaged');
    expect(problems).toEqual(['ATTACHMENT_DAMAGED']);
    expect(onDisk()).toEqual([]);
    fetcher.stop();
  });

  it('a download cut short is tried again later, and leaves no file behind', async () => {
    const { fetcher, state, onDisk } = await setup({ dropped: true });
    fetcher.wake();
    await eventually(state, (a) => a?.problem === 'unreachable');
    expect((await state())?.state).toBe('fetching');
    expect(onDisk()).toEqual([]);
    fetcher.stop();
  });

  it('a photo the sender previewed keeps that thumbnail: the file is checked, not decoded again', async () => {
    const preview = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const { files, fetcher, state, thumbnailed, sealed } = await setup({ photo: true, previewed: preview });
    // Shown while the file is still on its way.
    expect(Buffer.from((await state())?.thumbnail ?? []).equals(Buffer.from(preview))).toBe(true);
    fetcher.wake();
    await eventually(state, (a) => a?.state === 'ready');
    expect(thumbnailed).toEqual([]);
    expect(Buffer.from((await state())?.thumbnail ?? []).equals(Buffer.from(preview))).toBe(true);
    const stored = await store.call('attachment.stored', { messageId: message(1).id, attachmentId: A, now: clock });
    expect(Buffer.from((await files.read(stored!.file)) ?? []).equals(Buffer.from(sealed.ciphertext))).toBe(true);
    fetcher.stop();
  });

  it('a photo without a preview is thumbnailed from its checked plaintext', async () => {
    const photo = await setup({ photo: true });
    photo.fetcher.wake();
    await eventually(photo.state, (a) => a?.state === 'ready');
    expect(photo.thumbnailed).toEqual([PHOTO.length]);
    photo.fetcher.stop();
  });

  it('a PDF is never thumbnailed', async () => {
    const { fetcher, state, thumbnailed } = await setup();
    fetcher.wake();
    await eventually(state, (a) => a?.state === 'ready');
    expect(thumbnailed).toEqual([]);
    fetcher.stop();
  });
});
