/**
 * Main's side of the cipher worker (cipher-worker.ts): one worker per signed-in clinician,
 * started at the first attachment sealed or fetched and ended by `stop` (a lock or sign-out), so
 * no content key outlives the session in another thread. To open, bytes go over as they arrive
 * and the verdict comes back once the last is in; to seal, the plaintext goes over and the
 * ciphertext comes back in pieces. A worker that dies answers everything open `failed`, and the
 * next call starts a new one.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../shared/node/workers/spawn-worker';
import type { CipherRequest, CipherResponse } from './cipher-worker';

/** What one blob should open to: its key, and its plaintext's size and SHA-256 (attachment-cipher.ts). */
export interface ExpectedAttachment {
  readonly key: Uint8Array;
  readonly size: number;
  readonly sha256: Uint8Array;
}

/**
 * `damaged`: not exactly what was sealed (attachment-cipher.ts's rules); `failed`: the worker
 * could not say (it died or was stopped), so the fetch is worth trying again.
 */
export type OpenedAttachment = { readonly plain: Uint8Array | null } | 'damaged' | 'failed';

export interface AttachmentOpening {
  /** The next bytes of the blob as they arrive, in any pieces (copied: the caller keeps its own). */
  push(piece: Uint8Array): void;
  /** Once every byte is pushed: the plaintext if it was asked for, else null; or why not. */
  finish(): Promise<OpenedAttachment>;
  /** The download stopped short: forget this stream. */
  drop(): void;
}

/** A file being sealed: its key and hash at once, its ciphertext as it is sealed. */
export interface AttachmentSealing {
  readonly key: Uint8Array;
  readonly sha256: Uint8Array;
  /** Ciphertext bytes in all. */
  readonly size: number;
  /** The ciphertext in order, once; iterating throws `CipherThreadError` if the worker dies. */
  readonly pieces: AsyncIterable<Uint8Array>;
  /** Done with it, read to the end or not: what is left is dropped. */
  close(): void;
}

export class CipherThreadError extends Error {
  constructor() {
    super('The attachment cipher worker stopped.');
    this.name = 'CipherThreadError';
  }
}

export interface CipherThread {
  /** `keepPlain`: hand the plaintext back (an image to thumbnail); otherwise it never leaves the worker. */
  open(expected: ExpectedAttachment, keepPlain: boolean): AttachmentOpening;
  /** Seals `plain` under a fresh key; `plain` is handed over (transferred: empty here after). */
  seal(plain: Uint8Array): Promise<AttachmentSealing | 'failed'>;
  /** Ends the worker; everything open answers `failed`. */
  stop(): void;
}

/** One worker and the streams it holds: a stream lives and dies with the worker that took it. */
interface Running {
  readonly worker: Worker;
  readonly waiting: Map<number, (opened: OpenedAttachment) => void>;
  readonly open: Set<number>;
  readonly sealing: Map<number, (response: CipherResponse | null) => void>;
  ended: boolean;
}

export function createCipherThread(
  spawn: () => Worker = () => spawnWorker('cipher-worker', import.meta.url),
): CipherThread {
  let current: Running | null = null;
  let nextId = 1;

  const end = (running: Running) => {
    running.ended = true;
    if (current === running) current = null;
    for (const settle of running.waiting.values()) settle('failed');
    for (const take of running.sealing.values()) take(null);
    running.waiting.clear();
    running.sealing.clear();
    running.open.clear();
  };

  function started(): Running | null {
    if (current !== null) return current;
    let worker: Worker;
    try {
      worker = spawn();
    } catch {
      return null;
    }
    const running: Running = { worker, waiting: new Map(), open: new Set(), sealing: new Map(), ended: false };
    worker.on('message', (response: CipherResponse) => {
      if (response.op !== 'opened') {
        running.sealing.get(response.id)?.(response);
        return;
      }
      const settle = running.waiting.get(response.id);
      running.waiting.delete(response.id);
      idle(running);
      settle?.(response.ok ? { plain: response.plain } : 'damaged');
    });
    // An 'error' (a throw, or a heap limit) is always followed by 'exit'.
    worker.on('error', () => undefined);
    worker.once('exit', () => end(running));
    current = running;
    return running;
  }

  /** Idle between fetches, the worker must not keep the process alive; busy, it must. */
  const idle = (running: Running) => {
    if (running.open.size === 0 && running.waiting.size === 0 && running.sealing.size === 0) running.worker.unref();
  };

  const post = (running: Running, request: CipherRequest, transfer: ArrayBuffer[] = []) => {
    if (running.ended) return false;
    try {
      running.worker.postMessage(request, transfer);
      return true;
    } catch {
      return false;
    }
  };

  return {
    open(expected, keepPlain) {
      const id = nextId++;
      const running = started();
      const begun =
        running !== null &&
        post(running, {
          op: 'begin',
          id,
          key: Uint8Array.from(expected.key),
          size: expected.size,
          sha256: Uint8Array.from(expected.sha256),
          keepPlain,
        });
      if (begun) {
        running.open.add(id);
        running.worker.ref();
      }
      // Every piece must reach the worker that took the stream; one lost piece fails it.
      const live = () => running !== null && running.open.has(id);
      return {
        push(piece) {
          if (running === null || !live()) return;
          // A copy of its own to transfer (Buffer's slice would share, and detach, the socket's pool).
          const copy = new Uint8Array(piece.length);
          copy.set(piece);
          if (!post(running, { op: 'push', id, piece: copy }, [copy.buffer])) {
            running.open.delete(id);
            idle(running);
          }
        },
        finish() {
          if (running === null || !live()) return Promise.resolve('failed');
          running.open.delete(id);
          return new Promise<OpenedAttachment>((resolve) => {
            running.waiting.set(id, resolve);
            if (!post(running, { op: 'finish', id })) {
              running.waiting.delete(id);
              idle(running);
              resolve('failed');
            }
          });
        },
        drop() {
          if (running === null || !live()) return;
          running.open.delete(id);
          post(running, { op: 'drop', id });
          idle(running);
        },
      };
    },
    seal(plain) {
      const running = started();
      if (running === null) return Promise.resolve('failed');
      const id = nextId++;
      // What the worker sends, in order, until the stream ends; null: the worker is gone.
      const arrived: (CipherResponse | null)[] = [];
      let wake: (() => void) | null = null;
      running.sealing.set(id, (response) => {
        arrived.push(response);
        wake?.();
      });
      running.worker.ref();
      const next = async (): Promise<CipherResponse | null> => {
        while (arrived.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        return arrived.shift() ?? null;
      };
      const done = () => {
        // Pieces still coming for a sealing given up are dropped as they arrive.
        running.sealing.delete(id);
        idle(running);
      };
      const transfer = plain.buffer instanceof ArrayBuffer && plain.byteLength === plain.buffer.byteLength;
      const sent = transfer ? plain : plain.slice();
      if (!post(running, { op: 'seal', id, plain: sent }, [sent.buffer as ArrayBuffer])) {
        done();
        return Promise.resolve('failed');
      }
      if (!transfer) plain.fill(0);
      return next().then((first) => {
        if (first?.op !== 'sealing') {
          done();
          return 'failed';
        }
        async function* pieces(): AsyncGenerator<Uint8Array> {
          try {
            for (;;) {
              const response = await next();
              if (response?.op === 'piece') yield response.piece;
              else if (response?.op === 'sealed') return;
              else throw new CipherThreadError();
            }
          } finally {
            done();
          }
        }
        return {
          key: first.key,
          sha256: first.sha256,
          size: first.size,
          pieces: pieces(),
          close: () => {
            arrived.length = 0;
            done();
          },
        };
      });
    },
    stop() {
      const running = current;
      if (running === null) return;
      end(running);
      void running.worker.terminate();
    },
  };
}
