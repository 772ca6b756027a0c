/**
 * Worker thread that seals and opens attachments (cipher-thread.ts starts it, one per signed-in
 * clinician). libsodium's secretstream and SHA-256 run here, so main's event loop only moves
 * bytes: on main, decrypting an 8 MB photo held its download back by about as long as the copy
 * itself took, and encrypting one held back its upload (bench/attachment-round-trip).
 *
 * - Opening: a blob's bytes as they arrive, several streams at once, each by the id main gave it;
 *   the verdict (and the plaintext, when asked) once the last is in.
 * - Sealing: a file's plaintext, transferred; its key and hash, then the ciphertext in pieces as
 *   they are sealed, so the upload starts with the first.
 */
import { parentPort } from 'node:worker_threads';
import {
  attachmentDecryptor,
  attachmentEncryption,
  type AttachmentDecryptor,
} from '../../shared/node/crypto/attachment-cipher';

export type CipherRequest =
  | {
      readonly op: 'begin';
      readonly id: number;
      readonly key: Uint8Array;
      readonly size: number;
      readonly sha256: Uint8Array;
      /** Whether main needs the plaintext back (to make a thumbnail), or only the verdict. */
      readonly keepPlain: boolean;
    }
  /** The next bytes of the blob, transferred. */
  | { readonly op: 'push'; readonly id: number; readonly piece: Uint8Array }
  | { readonly op: 'finish'; readonly id: number }
  | { readonly op: 'drop'; readonly id: number }
  /** A file to seal, transferred: this thread holds the only copy, and wipes it. */
  | { readonly op: 'seal'; readonly id: number; readonly plain: Uint8Array };

export type CipherResponse =
  | { readonly id: number; readonly op: 'opened'; readonly ok: true; readonly plain: Uint8Array | null }
  | { readonly id: number; readonly op: 'opened'; readonly ok: false }
  | {
      readonly id: number;
      readonly op: 'sealing';
      readonly key: Uint8Array;
      readonly sha256: Uint8Array;
      /** Ciphertext bytes in all. */
      readonly size: number;
    }
  | { readonly id: number; readonly op: 'piece'; readonly piece: Uint8Array }
  | { readonly id: number; readonly op: 'sealed' }
  | { readonly id: number; readonly op: 'unsealed' };

const port = parentPort;
if (port === null) throw new Error('cipher-worker runs only as a worker thread');
const post = (response: CipherResponse, transfer: ArrayBuffer[] = []) => port.postMessage(response, transfer);

interface Stream {
  readonly decryptor: Promise<AttachmentDecryptor>;
  /** Read at the first pull; wiped when the stream ends. */
  readonly key: Uint8Array;
  readonly keepPlain: boolean;
  /** Every push so far has been taken (false once the stream is known damaged). */
  good: boolean;
}

const streams = new Map<number, Stream>();

/** Seals `plain` and posts the key, then each piece (copied, so each transfers alone), then the end. */
async function seal(id: number, plain: Uint8Array): Promise<void> {
  try {
    const sealing = await attachmentEncryption(plain);
    post({ id, op: 'sealing', key: sealing.key, sha256: sealing.sha256, size: sealing.ciphertext.length });
    for (const piece of sealing.pieces) {
      const own = piece.slice();
      post({ id, op: 'piece', piece: own }, [own.buffer]);
    }
    sealing.key.fill(0);
    post({ id, op: 'sealed' });
  } catch {
    post({ id, op: 'unsealed' });
  } finally {
    plain.fill(0);
  }
}

/**
 * Messages are handled in the order they came: every step of a stream waits on its decryptor,
 * and callbacks on one promise run in the order they were added.
 */
port.on('message', (request: CipherRequest) => {
  switch (request.op) {
    case 'seal':
      void seal(request.id, request.plain);
      return;
    case 'begin': {
      const decryptor = attachmentDecryptor({ key: request.key, size: request.size, sha256: request.sha256 });
      streams.set(request.id, { decryptor, key: request.key, keepPlain: request.keepPlain, good: true });
      // A key libsodium refuses shows at the first pull; a rejection here is only a broken load.
      decryptor.catch(() => undefined);
      return;
    }
    case 'push': {
      const stream = streams.get(request.id);
      if (stream === undefined) return;
      void stream.decryptor.then(
        (decryptor) => {
          if (stream.good) stream.good = decryptor.push(request.piece);
        },
        () => (stream.good = false),
      );
      return;
    }
    case 'finish': {
      const stream = streams.get(request.id);
      streams.delete(request.id);
      if (stream === undefined) {
        post({ id: request.id, op: 'opened', ok: false });
        return;
      }
      void stream.decryptor.then(
        (decryptor) => {
          const plain = decryptor.finish();
          stream.key.fill(0);
          if (!stream.good || plain === 'damaged') {
            post({ id: request.id, op: 'opened', ok: false });
            return;
          }
          if (!stream.keepPlain) {
            plain.fill(0);
            post({ id: request.id, op: 'opened', ok: true, plain: null });
            return;
          }
          post({ id: request.id, op: 'opened', ok: true, plain }, [plain.buffer as ArrayBuffer]);
        },
        () => post({ id: request.id, op: 'opened', ok: false }),
      );
      return;
    }
    case 'drop': {
      const stream = streams.get(request.id);
      streams.delete(request.id);
      if (stream === undefined) return;
      // Finishing short wipes what was opened so far (the decryptor's failure path).
      void stream.decryptor
        .then(
          (decryptor) => decryptor.finish(),
          () => undefined,
        )
        .finally(() => stream.key.fill(0));
      return;
    }
  }
});
