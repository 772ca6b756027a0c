/**
 * The workstation's own Ed25519 device key: registered with the server at sign-in, it signs the
 * login and every token refresh (so a stolen token soon dies), and later the audit batches.
 *
 * Failure rule: an identity file that exists is only ever read. A damaged, altered or unreadable
 * one is reported with a code and left exactly as it is; a new identity is never made over it,
 * because a new device id would orphan this workstation's registration and its unacknowledged
 * audit records. The caller decides (re-register after IT removes the file, or stop).
 *
 * Protection: the seed is sealed by the machine's device protector. Without one, an identity is
 * created (and an unprotected one loaded) only when policy allows unprotected devices, and an
 * unprotected file is refused where a protector exists, so a planted key cannot downgrade it.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file';
import { fromBase64, toBase64 } from '../../shared/node/crypto/base64';
import type { DeviceProtector } from '../keys/device-protector';
import { loadSodium, type Sodium } from '../../shared/node/crypto/sodium';
import {
  boundSeed,
  DEVICE_IDENTITY_FORMAT,
  DEVICE_IDENTITY_VERSION,
  parseDeviceIdentityFile,
  seedOf,
  serializeDeviceIdentityFile,
  type DeviceIdentityFileContent,
} from './device-identity-file';
import { err, ok, type Result } from '../../shared/result';

export type DeviceIdentityErrorCode =
  /** No device protector here, and policy does not allow an unprotected device key. */
  | 'DEVICE_PROTECTION_UNAVAILABLE'
  /** Not a whole, well-formed identity file (truncated, edited without its checksum, foreign). */
  | 'DEVICE_IDENTITY_CORRUPT'
  /** This machine cannot read the file or open its sealed key (copied from another machine, another protector, altered blob). */
  | 'DEVICE_IDENTITY_UNREADABLE'
  /** Opened, but the key does not belong to the stored device id or public key. */
  | 'DEVICE_IDENTITY_TAMPERED'
  /** Stored without protection although this machine has a protector: refused, not upgraded. */
  | 'DEVICE_IDENTITY_UNPROTECTED'
  /** A new identity could not be written (disk full, permissions); nothing was left behind. */
  | 'DEVICE_IDENTITY_WRITE_FAILED';

export type DeviceIdentityResult = Result<DeviceIdentity, DeviceIdentityErrorCode>;

export interface DeviceIdentity {
  /** UUID v4, chosen once per workstation profile. */
  readonly deviceId: string;
  /** Ed25519 public key, base64. */
  readonly publicKey: string;
  readonly protection: DeviceIdentityFileContent['sealedBy'];
  /** Detached Ed25519 signature. Rejects with DeviceIdentityClosedError after `close()`. */
  sign(message: Uint8Array): Promise<Uint8Array>;
  /**
   * A 32-byte key for one local purpose (the device audit log's database key), derived from the
   * device seed with keyed BLAKE2b, so it is as protected as the device key itself. The caller
   * zeroes it. Throws DeviceIdentityClosedError after `close()`.
   */
  deriveKey(purpose: string): Uint8Array;
  /** Zeroes the private key. */
  close(): void;
}

export interface DeviceIdentityOptions {
  readonly dataDir: string;
  /** This machine's protector, or null where the OS offers none. */
  readonly device: DeviceProtector | null;
  /** Policy: whether the key may be stored with no device layer when `device` is null. */
  readonly allowUnprotectedDevice: boolean;
}

export class DeviceIdentityClosedError extends Error {
  readonly code = 'DEVICE_IDENTITY_CLOSED';

  constructor() {
    super('The device identity is closed.');
    this.name = 'DeviceIdentityClosedError';
  }
}

const SEED_BYTES = 32;
const PUBLIC_KEY_BYTES = 32;

export function deviceIdentityFile(dataDir: string): string {
  return path.join(dataDir, 'machine', 'device-identity.json');
}

export async function loadOrCreateDeviceIdentity(options: DeviceIdentityOptions): Promise<DeviceIdentityResult> {
  const file = deviceIdentityFile(options.dataDir);
  const bytes = readIdentityFile(file);
  if (bytes === 'missing') return create(options, file);
  return bytes === 'unreadable' ? err('DEVICE_IDENTITY_UNREADABLE') : load(options, bytes);
}

function readIdentityFile(file: string): Uint8Array | 'missing' | 'unreadable' {
  try {
    return readFileSync(file);
  } catch (error) {
    return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT' ? 'missing' : 'unreadable';
  }
}

async function load(options: DeviceIdentityOptions, bytes: Uint8Array): Promise<DeviceIdentityResult> {
  const content = parseDeviceIdentityFile(bytes);
  if (content === null) return err('DEVICE_IDENTITY_CORRUPT');
  const bound = await openSecret(options, content);
  if (!bound.ok) return bound;
  const sodium = await loadSodium();
  const seed = seedOf(bound.value, content.deviceId);
  sodium.memzero(bound.value);
  if (seed === null) return err('DEVICE_IDENTITY_TAMPERED');
  const pair = sodium.crypto_sign_seed_keypair(seed);
  sodium.memzero(seed);
  const expected = fromBase64(content.publicKey, PUBLIC_KEY_BYTES);
  if (expected === null || !sodium.memcmp(pair.publicKey, expected)) {
    sodium.memzero(pair.privateKey);
    return err('DEVICE_IDENTITY_TAMPERED');
  }
  return ok(identityOf(sodium, content.deviceId, pair, content.sealedBy));
}

/** The bound seed, through the same layer that sealed it. */
async function openSecret(
  options: DeviceIdentityOptions,
  content: DeviceIdentityFileContent,
): Promise<Result<Uint8Array, DeviceIdentityErrorCode>> {
  const secret = fromBase64(content.secret, SEED_BYTES, 4096);
  if (secret === null) return err('DEVICE_IDENTITY_CORRUPT');
  if (content.sealedBy === 'none') {
    if (options.device !== null) return err('DEVICE_IDENTITY_UNPROTECTED');
    if (!options.allowUnprotectedDevice) return err('DEVICE_PROTECTION_UNAVAILABLE');
    return ok(secret);
  }
  if (options.device?.kind !== content.sealedBy) return err('DEVICE_IDENTITY_UNREADABLE');
  let opened: Uint8Array | null;
  try {
    opened = await options.device.unprotect(secret);
  } catch {
    // The machine's own secret is unreadable: this machine cannot open the key; the file stays.
    opened = null;
  }
  return opened === null ? err('DEVICE_IDENTITY_UNREADABLE') : ok(opened);
}

async function create(options: DeviceIdentityOptions, file: string): Promise<DeviceIdentityResult> {
  const { device } = options;
  if (device === null && !options.allowUnprotectedDevice) return err('DEVICE_PROTECTION_UNAVAILABLE');
  const sodium = await loadSodium();
  const id = randomUUID();
  const seed = sodium.randombytes_buf(SEED_BYTES);
  const pair = sodium.crypto_sign_seed_keypair(seed);
  const bound = boundSeed(id, seed);
  sodium.memzero(seed);
  let secret: Uint8Array;
  try {
    secret = device === null ? bound : await device.protect(bound);
  } catch {
    sodium.memzero(pair.privateKey);
    return err('DEVICE_PROTECTION_UNAVAILABLE');
  } finally {
    if (device !== null) sodium.memzero(bound);
  }
  const content: DeviceIdentityFileContent = {
    format: DEVICE_IDENTITY_FORMAT,
    version: DEVICE_IDENTITY_VERSION,
    deviceId: id,
    publicKey: toBase64(pair.publicKey),
    sealedBy: device?.kind ?? 'none',
    secret: toBase64(secret),
  };
  sodium.memzero(secret);
  const written = writeIfAbsent(file, serializeDeviceIdentityFile(content));
  if (written === 'written') return ok(identityOf(sodium, id, pair, content.sealedBy));
  sodium.memzero(pair.privateKey);
  if (written === 'failed') return err('DEVICE_IDENTITY_WRITE_FAILED');
  // Something is in place already (another process created the identity first): use theirs, so
  // there is only ever one. Read once, never create again: a dangling link must not loop.
  const theirs = readIdentityFile(file);
  return theirs instanceof Uint8Array ? load(options, theirs) : err('DEVICE_IDENTITY_UNREADABLE');
}

/**
 * Written whole and flushed under a staging name (atomic-file), then hard-linked into place:
 * unlike rename, link fails if the file appeared meanwhile, so an identity is never replaced.
 */
function writeIfAbsent(file: string, data: Uint8Array): 'written' | 'exists' | 'failed' {
  const dir = path.dirname(file);
  const staging = `${file}.${randomUUID()}.staging`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return 'failed';
  }
  try {
    writeFileAtomic(staging, data, 0o600);
    linkSync(staging, file);
  } catch (error) {
    return (error as NodeJS.ErrnoException | null)?.code === 'EEXIST' ? 'exists' : 'failed';
  } finally {
    try {
      unlinkSync(staging);
    } catch {
      // Never written, or already gone.
    }
  }
  try {
    syncDirectory(dir);
  } catch {
    // The identity is in place and its content already flushed; only the entry's durability is
    // unconfirmed, and reporting a failure now would disown a file the next start will load.
  }
  return 'written';
}

/** Makes the new directory entry durable; not possible (nor needed) on Windows. */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function identityOf(
  sodium: Sodium,
  id: string,
  pair: { publicKey: Uint8Array; privateKey: Uint8Array },
  protection: DeviceIdentity['protection'],
): DeviceIdentity {
  const privateKey = pair.privateKey;
  let closed = false;
  return Object.freeze({
    deviceId: id,
    publicKey: toBase64(pair.publicKey),
    protection,
    sign(message: Uint8Array): Promise<Uint8Array> {
      // Inside the executor, so a closed identity or bad input rejects rather than throws.
      return new Promise((resolve) => {
        if (closed) throw new DeviceIdentityClosedError();
        resolve(sodium.crypto_sign_detached(message, privateKey));
      });
    },
    deriveKey(purpose: string): Uint8Array {
      if (closed) throw new DeviceIdentityClosedError();
      return sodium.crypto_generichash(
        32,
        new TextEncoder().encode(`wardline/device-subkey/v1\0${purpose}`),
        privateKey.subarray(0, 32),
      );
    },
    close(): void {
      closed = true;
      sodium.memzero(privateKey);
    },
  });
}
