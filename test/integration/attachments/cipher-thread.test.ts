/**
 * The decrypt worker (main/attachments/cipher-thread.ts, cipher-worker.ts), a real
 * worker thread: a blob pushed in uneven pieces opens to its plaintext (or only a verdict);
 * anything but what was sealed is `damaged`; streams interleave; a worker that dies or is stopped
 * answers `failed` and the next stream starts a new one.
 */
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createCipherThread,
  type CipherThread,
  type AttachmentOpening,
  CipherThreadError,
} from '../../../main/attachments/cipher-thread';
import { decryptAttachment, encryptAttachment } from '../../../shared/node/crypto/attachment-cipher';
import { spawnWorker, workerCounts } from '../../../shared/node/workers/spawn-worker';

const cipherWorkerUrl = new URL('../../../main/attachments/cipher-thread.ts', import.meta.url).href;

/** 300 KB: several secretstream chunks. */
const PLAIN = new Uint8Array(300_000).map((_, i) => (i * 7) % 253);

let decryption: CipherThread | null = null;
afterEach(() => decryption?.stop());

/** Pushes `bytes` in pieces of 1, 1000 and 70,000 bytes by turns, as a connection might. */
function pushAll(opening: AttachmentOpening, bytes: Uint8Array) {
  const sizes = [1, 1000, 70_000];
  for (let at = 0, turn = 0; at < bytes.length; turn += 1) {
    const end = Math.min(bytes.length, at + (sizes[turn % sizes.length] ?? 1));
    opening.push(bytes.subarray(at, end));
    at = end;
  }
}

describe('opening attachments in the decrypt worker', () => {
  it('opens a blob pushed in uneven pieces, handing the plaintext back only when asked', async () => {
    decryption = createCipherThread();
    const sealed = await encryptAttachment(PLAIN);
    const expected = { key: sealed.key, size: PLAIN.length, sha256: sealed.sha256 };
    const withPlain = decryption.open(expected, true);
    pushAll(withPlain, sealed.ciphertext);
    const opened = await withPlain.finish();
    expect(typeof opened === 'object' && Buffer.from(opened.plain ?? []).equals(Buffer.from(PLAIN))).toBe(true);
    const verdictOnly = decryption.open(expected, false);
    pushAll(verdictOnly, sealed.ciphertext);
    expect(await verdictOnly.finish()).toEqual({ plain: null });
    // The caller's key and ciphertext are its own still: nothing was detached or wiped.
    expect(sealed.key.some((byte) => byte !== 0)).toBe(true);
    expect(sealed.ciphertext.byteLength).toBeGreaterThan(PLAIN.length);
  });

  it('answers damaged for a changed byte, a cut blob, a wrong key and a wrong hash', async () => {
    decryption = createCipherThread();
    const sealed = await encryptAttachment(PLAIN);
    const expected = { key: sealed.key, size: PLAIN.length, sha256: sealed.sha256 };
    const changed = sealed.ciphertext.slice();
    changed[100_000] = (changed[100_000] ?? 0) ^ 0x80;
    const cases = [
      { bytes: changed, expected },
      { bytes: sealed.ciphertext.subarray(0, sealed.ciphertext.length - 1), expected },
      { bytes: sealed.ciphertext, expected: { ...expected, key: new Uint8Array(32).fill(9) } },
      { bytes: sealed.ciphertext, expected: { ...expected, sha256: new Uint8Array(32) } },
    ];
    for (const { bytes, expected: description } of cases) {
      const opening = decryption.open(description, true);
      pushAll(opening, bytes);
      expect(await opening.finish()).toBe('damaged');
    }
  });

  it('keeps interleaved streams apart', async () => {
    decryption = createCipherThread();
    const other = PLAIN.map((byte) => 255 - byte);
    const [a, b] = await Promise.all([encryptAttachment(PLAIN), encryptAttachment(other)]);
    const first = decryption.open({ key: a.key, size: PLAIN.length, sha256: a.sha256 }, true);
    const second = decryption.open({ key: b.key, size: other.length, sha256: b.sha256 }, true);
    const half = 150_000;
    first.push(a.ciphertext.subarray(0, half));
    second.push(b.ciphertext.subarray(0, half));
    second.push(b.ciphertext.subarray(half));
    first.push(a.ciphertext.subarray(half));
    const [one, two] = await Promise.all([first.finish(), second.finish()]);
    expect(typeof one === 'object' && Buffer.from(one.plain ?? []).equals(Buffer.from(PLAIN))).toBe(true);
    expect(typeof two === 'object' && Buffer.from(two.plain ?? []).equals(Buffer.from(other))).toBe(true);
  });

  it('a worker that dies answers failed, and the next stream gets a new one', async () => {
    let spawned: Worker | null = null;
    decryption = createCipherThread(() => {
      spawned = spawnWorker('cipher-worker', cipherWorkerUrl);
      return spawned;
    });
    const sealed = await encryptAttachment(PLAIN);
    const expected = { key: sealed.key, size: PLAIN.length, sha256: sealed.sha256 };
    const cut = decryption.open(expected, false);
    cut.push(sealed.ciphertext.subarray(0, 1000));
    const first = spawned as Worker | null;
    await first?.terminate();
    cut.push(sealed.ciphertext.subarray(1000));
    expect(await cut.finish()).toBe('failed');
    const again = decryption.open(expected, false);
    expect(spawned).not.toBe(first);
    pushAll(again, sealed.ciphertext);
    expect(await again.finish()).toEqual({ plain: null });
  });

  it('stop (a lock) fails the open streams and ends the worker', async () => {
    // Cipher workers only (files before this one in the same test worker may leave others
    // ending), and the earlier tests' ones are ending too.
    const live = () => workerCounts('cipher-worker').live;
    await expect.poll(live).toBe(0);
    decryption = createCipherThread();
    const sealed = await encryptAttachment(PLAIN);
    const opening = decryption.open({ key: sealed.key, size: PLAIN.length, sha256: sealed.sha256 }, true);
    opening.push(sealed.ciphertext.subarray(0, 5000));
    expect(live()).toBe(1);
    decryption.stop();
    expect(await opening.finish()).toBe('failed');
    await expect.poll(live).toBe(0);
  });

  it('seals a file in pieces that open with its key and hash; the caller keeps no copy', async () => {
    decryption = createCipherThread();
    const whole = PLAIN.slice();
    const sealing = await decryption.seal(whole);
    if (sealing === 'failed') throw new Error('not sealed');
    // Handed over: the caller's array is empty now.
    expect(whole.byteLength).toBe(0);
    const pieces: Uint8Array[] = [];
    for await (const piece of sealing.pieces) pieces.push(piece);
    const ciphertext = Buffer.concat(pieces);
    expect(ciphertext.length).toBe(sealing.size);
    const opened = await decryptAttachment(ciphertext, {
      key: sealing.key,
      size: PLAIN.length,
      sha256: sealing.sha256,
    });
    expect(opened !== 'damaged' && Buffer.from(opened).equals(Buffer.from(PLAIN))).toBe(true);
    // A view of a larger buffer cannot be handed over whole: it is copied and wiped.
    const pool = new Uint8Array(PLAIN.length + 10);
    pool.set(PLAIN, 5);
    const view = pool.subarray(5, 5 + PLAIN.length);
    const again = await decryption.seal(view);
    if (again === 'failed') throw new Error('not sealed');
    again.close();
    expect(view.every((byte) => byte === 0)).toBe(true);
  });

  it('a worker that dies while sealing stops the pieces with an error, never a short file', async () => {
    let spawned: Worker | null = null;
    decryption = createCipherThread(() => {
      spawned = spawnWorker('cipher-worker', cipherWorkerUrl);
      return spawned;
    });
    const sealing = await decryption.seal(new Uint8Array(6 * 1024 * 1024).fill(3));
    if (sealing === 'failed') throw new Error('not sealed');
    await (spawned as Worker | null)?.terminate();
    let readBytes = 0;
    const read = async () => {
      for await (const piece of sealing.pieces) readBytes += piece.length;
    };
    // Either every piece had already arrived (the worker was quick), or the read fails: never a
    // silent end short of the whole.
    await read().then(
      () => expect(readBytes).toBe(sealing.size),
      (error: unknown) => expect(error).toBeInstanceOf(CipherThreadError),
    );
  });
});
