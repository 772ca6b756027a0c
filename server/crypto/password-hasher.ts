/**
 * The server's side of the password-hash worker: one long-lived worker (libsodium loads once)
 * running one Argon2id at a time, so a burst of sign-ins queues instead of multiplying memory.
 * A queue longer than MAX_PENDING is refused at once: under a flood the server answers
 * UNAVAILABLE rather than growing without bound.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../shared/node/workers/spawn-worker';
import type { PasswordHashRequest, PasswordHashResponse } from './password-hash-protocol';

export interface HashCost {
  readonly opsLimit: number;
  readonly memLimitBytes: number;
}

/** libsodium's "interactive" cost. The input is already a 256-bit key from the client's Argon2id. */
export const AUTH_KEY_HASH_COST: HashCost = Object.freeze({ opsLimit: 2, memLimitBytes: 64 * 1024 * 1024 });
const MAX_PENDING = 64;

export type PasswordHasherErrorCode = 'BUSY' | 'FAILED' | 'CLOSED';

export class PasswordHasherError extends Error {
  readonly code: PasswordHasherErrorCode;

  constructor(code: PasswordHasherErrorCode) {
    super(`Password hashing failed (${code}).`);
    this.name = 'PasswordHasherError';
    this.code = code;
  }
}

type Pending = { resolve: (response: PasswordHashResponse) => void; reject: (error: PasswordHasherError) => void };
// Distributes Omit over the union, so each request shape keeps its own fields.
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface PasswordHasher {
  /** `crypto_pwhash_str` of the secret; the secret's buffer is handed over and zeroed. */
  hash(secret: Uint8Array): Promise<string>;
  verify(hash: string, secret: Uint8Array): Promise<boolean>;
  /** Raw Argon2id, as a client derives its master key from a password. */
  derive(
    password: Uint8Array,
    salt: Uint8Array,
    params: { memoryMiB: number; passes: number },
    keyBytes: number,
  ): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** `cost` applies to new hashes; verifying reads the cost from the stored hash itself. */
export function createPasswordHasher(cost: HashCost = AUTH_KEY_HASH_COST): PasswordHasher {
  let worker: Worker | null = null;
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, Pending>();

  const failAll = () => {
    for (const entry of pending.values()) entry.reject(new PasswordHasherError('FAILED'));
    pending.clear();
  };

  const ensureWorker = (): Worker => {
    if (worker) return worker;
    const started = spawnWorker('password-hash-worker', import.meta.url);
    started.on('message', (response: PasswordHashResponse) => {
      const entry = pending.get(response.id);
      pending.delete(response.id);
      entry?.resolve(response);
    });
    started.on('error', () => undefined);
    started.once('exit', () => {
      if (worker === started) worker = null;
      failAll();
    });
    worker = started;
    return started;
  };

  const request = (body: WithoutId<PasswordHashRequest>, transfer: ArrayBuffer[]): Promise<PasswordHashResponse> => {
    if (closed) return Promise.reject(new PasswordHasherError('CLOSED'));
    if (pending.size >= MAX_PENDING) return Promise.reject(new PasswordHasherError('BUSY'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ensureWorker().postMessage({ ...body, id }, transfer);
    });
  };

  /** A buffer of its own, so transferring it cannot detach memory the caller still uses. */
  const owned = (bytes: Uint8Array) => {
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    return copy;
  };

  return {
    async hash(secret) {
      const copy = owned(secret);
      secret.fill(0);
      const response = await request(
        { op: 'hash', secret: copy, opsLimit: cost.opsLimit, memLimitBytes: cost.memLimitBytes },
        [copy.buffer],
      );
      if (!response.ok || response.value.op !== 'hash') throw new PasswordHasherError('FAILED');
      return response.value.hash;
    },
    async verify(hash, secret) {
      const copy = owned(secret);
      const response = await request({ op: 'verify', hash, secret: copy }, [copy.buffer]);
      if (!response.ok || response.value.op !== 'verify') throw new PasswordHasherError('FAILED');
      return response.value.match;
    },
    async derive(password, salt, params, keyBytes) {
      const copy = owned(password);
      password.fill(0);
      const response = await request(
        {
          op: 'derive',
          password: copy,
          salt: owned(salt),
          passes: params.passes,
          memoryMiB: params.memoryMiB,
          keyBytes,
        },
        [copy.buffer],
      );
      if (!response.ok || response.value.op !== 'derive') throw new PasswordHasherError('FAILED');
      return new Uint8Array(response.value.key);
    },
    async close() {
      closed = true;
      const current = worker;
      worker = null;
      failAll();
      if (current) await current.terminate();
    },
  };
}
