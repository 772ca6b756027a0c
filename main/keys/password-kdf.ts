/**
 * Password → keys. Argon2id (in a worker thread that exits afterwards) turns the password and
 * the server's salt into a master key; HKDF-SHA256 splits that into the auth key (sent to the
 * server) and the wrap key (never leaves main). The master key itself is zeroed at once.
 *
 * A fresh worker's derivation cost about twice a warm one's: loading libsodium, and above all
 * the kernel faulting in the memory cost's pages on first touch (measured: 64 MiB took 240 ms
 * here). `prepareKdf` starts the next worker while the sign-in or lock screen waits for a
 * password, with libsodium loaded and that memory already faulted in; the derivation takes it.
 */
import { hkdfSync } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { AUTH_KEY_INFO, WRAP_KEY_INFO } from '../../shared/protocol/auth';
import { spawnWorker } from '../../shared/node/workers/spawn-worker';
import { checkKdfParams, type KdfParams, type KdfParamsError } from './kdf-params';
import type { KdfRequest, KdfResponse } from './kdf-worker';
import { loadSodium } from '../../shared/node/crypto/sodium';

export const SALT_BYTES = 16;
export const KEY_BYTES = 32;

export interface PasswordKeys {
  readonly authKey: Uint8Array;
  readonly wrapKey: Uint8Array;
}

export type KeyDerivationErrorCode = KdfParamsError | 'BAD_SALT' | 'KDF_FAILED';

/** Carries a code and a fixed message: never the password, the salt or libsodium's text. */
export class KeyDerivationError extends Error {
  readonly code: KeyDerivationErrorCode;

  constructor(code: KeyDerivationErrorCode) {
    super(`Key derivation failed (${code}).`);
    this.name = 'KeyDerivationError';
    this.code = code;
  }
}

// One derivation at a time: two unlock attempts must not double a peak of up to gigabytes.
let queue: Promise<unknown> = Promise.resolve();

/** What a standby worker faults in at most: beyond it, holding the pages while idle costs more than it saves. */
export const STANDBY_MAX_MIB = 256;

/** The worker the next derivation takes, ready since a sign-in or lock screen appeared; it holds no secret. */
let standby: Worker | null = null;

/**
 * Starts the worker the next derivation will use, with libsodium loaded and `memoryMiB` (capped
 * at STANDBY_MAX_MIB) of its heap faulted in. Does nothing when one is waiting already. It keeps
 * the process from exiting no longer than a derivation would: it is unreferenced while it waits.
 */
export function prepareKdf(memoryMiB: number): void {
  if (standby !== null) return;
  let worker: Worker;
  try {
    worker = spawnWorker('kdf-worker', import.meta.url, { prefaultMiB: Math.min(memoryMiB, STANDBY_MAX_MIB) });
  } catch {
    return;
  }
  worker.unref();
  worker.on('error', () => undefined);
  worker.once('exit', () => {
    if (standby === worker) standby = null;
  });
  standby = worker;
}

/** Ends the waiting worker, if any (the app closing). */
export async function releaseKdfStandby(): Promise<void> {
  const worker = standby;
  standby = null;
  await worker?.terminate();
}

function takeStandby(): Worker | null {
  const worker = standby;
  standby = null;
  worker?.ref();
  return worker;
}

/**
 * Throws KeyDerivationError: KDF_TOO_WEAK or KDF_INVALID for params outside policy, BAD_SALT for
 * a salt that is not 16 bytes (both before any worker starts), KDF_FAILED if the worker fails.
 */
export async function derivePasswordKeys(password: string, salt: Uint8Array, params: KdfParams): Promise<PasswordKeys> {
  // Params come from a key file or the server: checked again here, whatever the caller did.
  const checked = checkKdfParams(params);
  if (!checked.ok) throw new KeyDerivationError(checked.error);
  if (!(salt instanceof Uint8Array) || salt.length !== SALT_BYTES) throw new KeyDerivationError('BAD_SALT');

  const run = queue.then(() => runArgon2id(password, salt, checked.value));
  queue = run.catch(() => undefined);
  const masterKey = await run;
  const sodium = await loadSodium();
  try {
    return Object.freeze({
      authKey: new Uint8Array(hkdfSync('sha256', masterKey, salt, AUTH_KEY_INFO, KEY_BYTES)),
      wrapKey: new Uint8Array(hkdfSync('sha256', masterKey, salt, WRAP_KEY_INFO, KEY_BYTES)),
    });
  } finally {
    sodium.memzero(masterKey);
  }
}

export async function zeroPasswordKeys(keys: PasswordKeys): Promise<void> {
  const sodium = await loadSodium();
  sodium.memzero(keys.authKey);
  sodium.memzero(keys.wrapKey);
}

/**
 * Resolves only after the worker has exited, i.e. once its memory is released. Exported for the
 * test that makes libsodium itself fail; everything else goes through derivePasswordKeys, which
 * checks the parameters first.
 */
export function runArgon2id(password: string, salt: Uint8Array, params: KdfParams): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    // NFC, so the same password typed on another workstation's keyboard gives the same bytes.
    // The string itself cannot be wiped; the bytes are transferred to the worker, which zeroes them.
    const passwordBytes = new TextEncoder().encode(password.normalize('NFC'));
    let worker: Worker;
    try {
      worker = takeStandby() ?? spawnWorker('kdf-worker', import.meta.url);
    } catch {
      passwordBytes.fill(0);
      reject(new KeyDerivationError('KDF_FAILED'));
      return;
    }
    let masterKey: Uint8Array | null = null;
    worker.once('message', (response: KdfResponse) => {
      if (!response.ok) return;
      const received = new Uint8Array(response.value);
      if (received.length === KEY_BYTES) masterKey = received;
      else received.fill(0);
    });
    // An 'error' is always followed by 'exit', which settles the promise.
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      if (masterKey) resolve(masterKey);
      else reject(new KeyDerivationError('KDF_FAILED'));
    });
    try {
      const request: KdfRequest = {
        password: passwordBytes,
        salt,
        memoryMiB: params.memoryMiB,
        passes: params.passes,
        keyBytes: KEY_BYTES,
      };
      worker.postMessage(request, [passwordBytes.buffer]);
    } catch {
      passwordBytes.fill(0);
      void worker.terminate();
    }
  });
}
