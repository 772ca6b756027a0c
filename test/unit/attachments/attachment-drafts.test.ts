/**
 * Drafts (main/attachments/attachment-drafts.ts): policy decides before a byte is read; bytes
 * come in order and no more than declared; the real kind is read from the bytes; what is
 * uploaded is ciphertext, and the sender's own file holds the same; and each race on one draft
 * (double finish, discard or lock during upload) has one outcome and leaves no file behind.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { attachmentFiles } from '../../../main/attachments/attachment-files';
import { createAttachmentDrafts, type DraftDeps } from '../../../main/attachments/attachment-drafts';
import { createCipherThread, type CipherThread } from '../../../main/attachments/cipher-thread';
import { decryptAttachment } from '../../../shared/node/crypto/attachment-cipher';
import { ok } from '../../../shared/ipc/result';
import type { AttachmentKind } from '../../../shared/protocol/attachment';

const MIB = 1024 * 1024;
/** The real cipher worker, one per setup, ended after each test. */
const threads: CipherThread[] = [];
afterEach(() => {
  for (const thread of threads.splice(0)) thread.stop();
});
const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');

async function setup(overrides: Partial<DraftDeps> = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wardline-drafts-'));
  const files = attachmentFiles(dir);
  const uploads: Uint8Array[] = [];
  let n = 0;
  const cipher = createCipherThread();
  threads.push(cipher);
  const deps: DraftDeps = {
    policy: () => ({ attachmentMaxMiB: 25, attachmentKinds: null }),
    sniff: (bytes): AttachmentKind | null =>
      new TextDecoder().decode(bytes.subarray(0, 5)) === '%PDF-' ? 'pdf' : null,
    prepare: (bytes) =>
      Promise.resolve({
        bytes: bytes.slice(),
        mediaType: 'application/pdf',
        width: null,
        height: null,
        thumbnail: null,
      }),
    seal: cipher.seal,
    upload: async (pieces) => {
      const read: Uint8Array[] = [];
      for await (const piece of pieces) read.push(piece);
      uploads.push(Buffer.concat(read));
      return ok({ blobId: `00000000-0000-4000-8000-00000000000${String(uploads.length)}` });
    },
    files,
    newId: () => `10000000-0000-4000-8000-00000000000${String((n += 1))}`,
    ...overrides,
  };
  /** The sender's files left in the folder (after a tick, for unlinks not awaited). */
  const left = async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return { drafts: createAttachmentDrafts(deps), uploads, files, left };
}

function attach(drafts: Awaited<ReturnType<typeof setup>>['drafts'], bytes: Uint8Array, name = 'scan.pdf') {
  const begun = drafts.begin({ fileName: name, mediaType: 'application/pdf', size: bytes.length });
  if (!begun.ok) throw new Error(begun.error.code);
  expect(drafts.chunk({ draftId: begun.value.draftId, offset: 0, data: bytes }).ok).toBe(true);
  return begun.value.draftId;
}

describe('attachment drafts', () => {
  it('refuses by policy before any byte: a 200 MB file, a kind not allowed, an unknown kind', async () => {
    const { drafts } = await setup({ policy: () => ({ attachmentMaxMiB: 25, attachmentKinds: 'jpeg,png' }) });
    const big = drafts.begin({ fileName: 'scan.jpg', mediaType: 'image/jpeg', size: 200 * MIB });
    expect(big.ok || big.error.code).toBe('ATTACHMENT_TOO_LARGE');
    const pdf = drafts.begin({ fileName: 'scan.pdf', mediaType: 'application/pdf', size: 10 });
    expect(pdf.ok || pdf.error.code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
    const exe = drafts.begin({ fileName: 'run.exe', mediaType: 'application/x-msdownload', size: 10 });
    expect(exe.ok || exe.error.code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
    expect(drafts.take([]).ok).toBe(true);
  });

  it('ends a draft sent out of order or past its declared size', async () => {
    const { drafts } = await setup();
    const begun = drafts.begin({ fileName: 'a.pdf', mediaType: 'application/pdf', size: 10 });
    if (!begun.ok) throw new Error();
    const { draftId } = begun.value;
    const gap = drafts.chunk({ draftId, offset: 5, data: new Uint8Array(5) });
    expect(gap.ok || gap.error.code).toBe('BAD_REQUEST');
    const after = drafts.chunk({ draftId, offset: 0, data: new Uint8Array(5) });
    expect(after.ok || after.error.code).toBe('NOT_FOUND');
    const again = drafts.begin({ fileName: 'a.pdf', mediaType: 'application/pdf', size: 4 });
    if (!again.ok) throw new Error();
    const over = drafts.chunk({ draftId: again.value.draftId, offset: 0, data: new Uint8Array(5) });
    expect(over.ok || over.error.code).toBe('BAD_REQUEST');
  });

  it('reads the kind from the bytes, not the name: a "PDF" that is not one is refused', async () => {
    const { drafts, uploads } = await setup();
    const draftId = attach(drafts, new TextEncoder().encode('MZ not a pdf at all'));
    const finished = await drafts.finish(draftId);
    expect(finished.ok || finished.error.code).toBe('ATTACHMENT_UNREADABLE');
    expect(uploads).toHaveLength(0);
  });

  it('names a HEIC photo for the JPEG it is sent as, and keeps other names as they are', async () => {
    const { drafts } = await setup({
      sniff: (bytes) => (new TextDecoder().decode(bytes.subarray(0, 4)) === 'HEIC' ? 'heic' : 'pdf'),
      prepare: (bytes, kind) =>
        Promise.resolve({
          bytes: bytes.slice(),
          mediaType: kind === 'heic' ? 'image/jpeg' : 'application/pdf',
          width: kind === 'heic' ? 1 : null,
          height: kind === 'heic' ? 1 : null,
          thumbnail: null,
        }),
    });
    const photo = attach(drafts, new TextEncoder().encode('HEIC as a test says'), 'IMG_0042.HEIC');
    const scan = attach(drafts, PDF, 'IMG_0043.HEIC');
    const finished = await Promise.all([drafts.finish(photo), drafts.finish(scan)]);
    expect(finished.map((result) => result.ok && [result.value.fileName, result.value.mediaType])).toEqual([
      ['IMG_0042.jpg', 'image/jpeg'],
      // What the bytes are decides: a PDF named as a photo keeps its name.
      ['IMG_0043.HEIC', 'application/pdf'],
    ]);
    const taken = drafts.take([photo]);
    expect(taken.ok && taken.value[0]?.fileName).toBe('IMG_0042.jpg');
  });

  it('uploads only ciphertext that opens to the prepared bytes with the sealed key and hash', async () => {
    const { drafts, uploads, files, left } = await setup();
    const draftId = attach(drafts, PDF);
    const finished = await drafts.finish(draftId);
    expect(finished.ok && finished.value).toMatchObject({ draftId, mediaType: 'application/pdf', size: PDF.length });
    expect(Buffer.from(uploads[0]!).includes(Buffer.from('%PDF'))).toBe(false);
    const taken = drafts.take([draftId]);
    if (!taken.ok) throw new Error();
    const [record] = taken.value;
    expect(
      await decryptAttachment(uploads[0]!, { key: record!.key, size: record!.size, sha256: record!.sha256 }),
    ).toEqual(PDF);
    // The sender's own copy is the same ciphertext, in the one file the record names.
    expect(Buffer.from((await files.read(record!.content!.file)) ?? []).equals(uploads[0]!)).toBe(true);
    drafts.consume([draftId]);
    expect(drafts.take([draftId]).ok).toBe(false);
    expect(await left()).toEqual([record!.content!.file]);
  });

  it('seals in the worker as the upload reads: a 3 MiB file goes in 1 MiB pieces, and the file holds them all', async () => {
    const sizes: number[] = [];
    const { drafts, files } = await setup({
      upload: async (pieces) => {
        for await (const piece of pieces) sizes.push(piece.length);
        return ok({ blobId: '00000000-0000-4000-8000-0000000000bb' });
      },
    });
    const big = new Uint8Array(3 * MIB);
    big.set(PDF);
    const draftId = attach(drafts, big);
    expect((await drafts.finish(draftId)).ok).toBe(true);
    expect(sizes).toHaveLength(3);
    const taken = drafts.take([draftId]);
    if (!taken.ok) throw new Error();
    const stored = await files.read(taken.value[0]!.content!.file);
    expect(stored?.length).toBe(sizes.reduce((a, b) => a + b, 0));
  });

  it('a discarded or cleared ready draft takes its file with it', async () => {
    const { drafts, left } = await setup();
    await drafts.finish(attach(drafts, PDF));
    const second = attach(drafts, PDF);
    await drafts.finish(second);
    expect(await left()).toHaveLength(2);
    // The files go as the unlink lands: not within the call, which returns at once.
    drafts.discard(second);
    await expect.poll(left).toHaveLength(1);
    drafts.clear();
    await expect.poll(left).toEqual([]);
  });

  it('a full disk says so and keeps nothing', async () => {
    const { drafts } = await setup({
      files: {
        create: () => Promise.reject(Object.assign(new Error('no space'), { code: 'ENOSPC' })),
        remove: () => Promise.resolve(),
      },
    });
    const draftId = attach(drafts, PDF);
    const finished = await drafts.finish(draftId);
    expect(finished.ok || finished.error.code).toBe('DISK_FULL');
    expect(drafts.take([draftId]).ok).toBe(false);
  });

  it('finishes a draft once, however often it is asked at once', async () => {
    const { drafts, uploads } = await setup();
    const draftId = attach(drafts, PDF);
    const results = await Promise.all(Array.from({ length: 20 }, () => drafts.finish(draftId)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(uploads).toHaveLength(1);
  });

  it('a discard or a lock during the upload wins: the draft cannot be sent', async () => {
    let proceed: () => void = () => undefined;
    let uploading: () => void = () => undefined;
    const { drafts, left } = await setup({
      upload: async (pieces) => {
        for await (const piece of pieces) expect(piece.length).toBeGreaterThan(0);
        uploading();
        return new Promise((resolve) => {
          proceed = () => resolve(ok({ blobId: '00000000-0000-4000-8000-0000000000aa' }));
        });
      },
    });
    for (const end of ['discard', 'clear'] as const) {
      const draftId = attach(drafts, PDF);
      const started = new Promise<void>((resolve) => (uploading = resolve));
      const finishing = drafts.finish(draftId);
      await started;
      if (end === 'discard') drafts.discard(draftId);
      else drafts.clear();
      proceed();
      const finished = await finishing;
      expect(finished.ok || finished.error.code).toBe('NOT_FOUND');
      expect(drafts.take([draftId]).ok).toBe(false);
    }
    expect(await left()).toEqual([]);
  });

  it('a failed upload says why and keeps nothing', async () => {
    const { drafts, left } = await setup({
      upload: () => Promise.resolve({ ok: false, error: { code: 'SERVER_UNREACHABLE', message: '' } }),
    });
    const draftId = attach(drafts, PDF);
    const finished = await drafts.finish(draftId);
    expect(finished.ok || finished.error.code).toBe('SERVER_UNREACHABLE');
    expect(drafts.take([draftId]).ok).toBe(false);
    expect(await left()).toEqual([]);
  });
});
