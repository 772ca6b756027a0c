/**
 * Device binding: a second layer around a wrapped data key, so a vault copied to another machine
 * cannot be opened there even with the user's password.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { unwrapSecret, wrapSecret } from './key-wrap';

/** Binds a secret to this machine (OS keystore where available). */
export interface DeviceProtector {
  readonly kind: 'os-keystore' | 'machine-file';
  protect(data: Uint8Array): Promise<Uint8Array>;
  /** null when this machine cannot open it. */
  unprotect(data: Uint8Array): Promise<Uint8Array | null>;
}

export type DeviceProtectorErrorCode = 'DEVICE_SECRET_CORRUPT';

export class DeviceProtectorError extends Error {
  readonly code: DeviceProtectorErrorCode;

  constructor(code: DeviceProtectorErrorCode) {
    super(`The machine secret cannot be used (${code}).`);
    this.name = 'DeviceProtectorError';
    this.code = code;
  }
}

const SECRET_BYTES = 32;
const DEVICE_AD = new TextEncoder().encode('wardline/v1/device');

/**
 * For machines without an OS keystore (when policy allows it), the browser host and tests: a
 * random machine secret in a file only this user can read. Weaker than a keystore (anyone who
 * copies the whole profile copies the secret too), which is why `kind` says what it is.
 */
export function createMachineFileProtector(secretFile: string): DeviceProtector {
  return {
    kind: 'machine-file',
    async protect(data) {
      const secret = await readOrCreateSecret(secretFile);
      try {
        return await wrapSecret(data, secret, DEVICE_AD);
      } finally {
        secret.fill(0);
      }
    },
    async unprotect(data) {
      // No secret yet means nothing was ever protected on this machine: do not create one here.
      const secret = await readSecret(secretFile);
      if (!secret) return null;
      try {
        return await unwrapSecret(data, secret, DEVICE_AD);
      } finally {
        secret.fill(0);
      }
    },
  };
}

/** The secret, or null if the file does not exist. A file of the wrong size is never repaired. */
async function readSecret(secretFile: string): Promise<Uint8Array | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(secretFile);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
  if (bytes.length !== SECRET_BYTES) {
    bytes.fill(0);
    // Regenerating would silently make everything protected with the old secret unreadable.
    throw new DeviceProtectorError('DEVICE_SECRET_CORRUPT');
  }
  return bytes;
}

async function readOrCreateSecret(secretFile: string): Promise<Uint8Array> {
  return (await readSecret(secretFile)) ?? (await createSecret(secretFile));
}

/**
 * Written to a temporary file, flushed, then hard-linked into place: unlike rename, link fails if
 * another process created the secret meanwhile, so an existing secret is never replaced.
 */
async function createSecret(secretFile: string): Promise<Uint8Array> {
  const dir = path.dirname(secretFile);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(secretFile)}.${randomBytes(8).toString('hex')}.tmp`);
  const secret = randomBytes(SECRET_BYTES);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(secret);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, secretFile);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      secret.fill(0);
      const existing = await readSecret(secretFile);
      if (!existing) throw error;
      return existing;
    }
    await syncDirectory(dir);
    return secret;
  } catch (error) {
    secret.fill(0);
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Makes the new directory entry durable; not possible (nor needed) on Windows. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
