/**
 * A vault's data key at rest: reading the key file with an honest code for each way it can be
 * unusable, sealing the data key for a wrap key (and, where the machine offers one, the device),
 * and opening it again: device layer first (WRONG_DEVICE), then the password layer. The layout
 * and checksums of the file itself are key-file.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { fromBase64, toBase64 } from '../../shared/node/crypto/base64';
import type { DeviceProtector } from '../keys/device-protector';
import { checkKdfParams, type KdfParams } from '../keys/kdf-params';
import { unwrapSecret, wrapSecret } from '../keys/key-wrap';
import { SALT_BYTES } from '../keys/password-kdf';
import {
  headerAssociatedData,
  KEY_FILE_FORMAT,
  KEY_FILE_VERSION,
  parseKeyFile,
  passwordCheckOf,
  type KeyFileContent,
} from './key-file';
import { fail, ok, type VaultResult } from './vault-contract';
import type { VaultPaths } from './vault-layout';

/** The key file's base64 fields are at most 4,096 characters (key-file.ts): 3,072 bytes. */
const MAX_FIELD_BYTES = 3072;

export type KeyFileHeader = Omit<KeyFileContent, 'passwordCheck' | 'dataKey'>;

/** A key file that parsed, with its base64 fields decoded. */
export interface KeyFile {
  readonly content: KeyFileContent;
  readonly salt: Uint8Array;
  readonly passwordCheck: Uint8Array;
  /** The data key as stored: wrapped, and sealed for the device unless `sealedBy` is none. */
  readonly sealedKey: Uint8Array;
}

export function readKeyFile(paths: VaultPaths): VaultResult<KeyFile> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(paths.keyFile);
  } catch {
    return fail(existsSync(paths.database) ? 'KEY_FILE_MISSING' : 'VAULT_NOT_FOUND');
  }
  const content = parseKeyFile(bytes);
  if (content === null) return fail('KEY_FILE_CORRUPT');
  const kdf = checkKdfParams({ memoryMiB: content.kdf.memoryMiB, passes: content.kdf.passes });
  if (!kdf.ok) return fail(kdf.error === 'KDF_TOO_WEAK' ? 'KDF_TOO_WEAK' : 'KEY_FILE_CORRUPT');
  // Strict decoding: a field that is not the one canonical base64 of its bytes is a damaged file.
  const salt = fromBase64(content.kdf.salt, SALT_BYTES);
  const passwordCheck = fromBase64(content.passwordCheck, 0, MAX_FIELD_BYTES);
  const sealedKey = fromBase64(content.dataKey, 0, MAX_FIELD_BYTES);
  if (salt === null || passwordCheck === null || sealedKey === null) return fail('KEY_FILE_CORRUPT');
  return ok({ content, salt, passwordCheck, sealedKey });
}

/** The header of a key file for `salt` and `params`, as create and change-password write it. */
export function keyFileHeader(
  fields: Pick<KeyFileContent, 'vaultId' | 'userId' | 'createdAt' | 'sealedBy'>,
  salt: Uint8Array,
  params: KdfParams,
): KeyFileHeader {
  return {
    format: KEY_FILE_FORMAT,
    version: KEY_FILE_VERSION,
    vaultId: fields.vaultId,
    userId: fields.userId,
    createdAt: fields.createdAt,
    kdf: { algorithm: 'argon2id13', memoryMiB: params.memoryMiB, passes: params.passes, salt: toBase64(salt) },
    sealedBy: fields.sealedBy,
  };
}

/** Which outer layer new key files get: the device's, or none where policy allows a machine without one. */
export function sealingLayer(
  device: DeviceProtector | null,
  allowUnprotectedDevice: boolean,
): VaultResult<KeyFileContent['sealedBy']> {
  if (device !== null) return ok(device.kind);
  return allowUnprotectedDevice ? ok('none') : fail('DEVICE_PROTECTION_UNAVAILABLE');
}

/** Seals a data key into key-file content for `wrapKey`. */
export async function sealDataKey(
  device: DeviceProtector | null,
  header: KeyFileHeader,
  dataKey: Uint8Array,
  wrapKey: Uint8Array,
): Promise<KeyFileContent> {
  let sealed = await wrapSecret(dataKey, wrapKey, headerAssociatedData(header));
  if (header.sealedBy !== 'none' && device !== null) {
    const outer = await device.protect(sealed);
    sealed.fill(0);
    sealed = outer;
  }
  return { ...header, passwordCheck: toBase64(passwordCheckOf(wrapKey, header.vaultId)), dataKey: toBase64(sealed) };
}

/** Unwraps the data key: the password check (WRONG_PASSWORD), the device layer (WRONG_DEVICE), then the AEAD. */
export async function openDataKey(
  device: DeviceProtector | null,
  file: KeyFile,
  wrapKey: Uint8Array,
): Promise<VaultResult<Uint8Array>> {
  const { content } = file;
  const check = passwordCheckOf(wrapKey, content.vaultId);
  const stored = file.passwordCheck;
  if (stored.length !== check.length || !timingSafeEqual(stored, check)) return fail('WRONG_PASSWORD');
  let sealed: Uint8Array = file.sealedKey.slice();
  if (content.sealedBy !== 'none') {
    if (device === null || device.kind !== content.sealedBy) return fail('WRONG_DEVICE');
    let inner: Uint8Array | null;
    try {
      inner = await device.unprotect(sealed);
    } catch {
      // The machine's own secret is unreadable: this machine cannot open the vault, and the
      // vault's files stay exactly as they are.
      inner = null;
    }
    if (inner === null) return fail('WRONG_DEVICE');
    sealed = inner;
  }
  const dataKey = await unwrapSecret(sealed, wrapKey, headerAssociatedData(content));
  sealed.fill(0);
  return dataKey === null || dataKey.length !== 32 ? fail('KEY_FILE_TAMPERED') : ok(dataKey);
}
