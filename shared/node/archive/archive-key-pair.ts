/**
 * The archive key pair (shared/protocol/archive-key.ts) and its fingerprint, computed: SHA-256
 * of the raw 32-byte X25519 public key, the one definition every process uses (keygen, the
 * workstation's policy check, the server's envelope check, and later `archive:open`).
 *
 * A key pair is shaped as an envelope reader (`recipient` and `encryption`), so the function that
 * opens a clinician's envelope opens an archived one unchanged (shared/node/crypto/envelope-open.ts).
 */
import { hash } from 'node:crypto';
import { archiveRecipientOf } from '../../protocol/archive-key';
import { KEY_BYTES } from '../../protocol/binary';
import { fromBase64 } from '../crypto/base64';
import { loadSodium } from '../crypto/sodium';

export interface ArchiveKeyPair {
  /** `archive:<id>`: the key recipient envelopes name for this key. */
  readonly recipient: string;
  /** 64 lower-case hex digits. */
  readonly fingerprint: string;
  readonly encryption: { readonly publicKey: Uint8Array; readonly privateKey: Uint8Array };
}

/** SHA-256 of the public key, as 64 lower-case hex digits. */
export function archiveFingerprintOf(publicKey: Uint8Array): string {
  return hash('sha256', publicKey, 'hex');
}

/** The fingerprint of a base64 public key, or null unless it is the canonical base64 of 32 bytes. */
export function archiveFingerprintOfBase64(publicKey: string): string | null {
  const bytes = fromBase64(publicKey, KEY_BYTES);
  return bytes === null ? null : archiveFingerprintOf(bytes);
}

/**
 * The key pair of an X25519 private key (any 32 bytes: libsodium clamps at use, as
 * crypto_box_keypair does). Keygen passes 32 random bytes; rebuilding from shares passes what
 * they combine to. Takes ownership of `privateKey`: wipe the pair when done (`wipeArchiveKeyPair`).
 */
export async function archiveKeyPairOf(privateKey: Uint8Array): Promise<ArchiveKeyPair> {
  if (privateKey.length !== KEY_BYTES) throw new RangeError('an X25519 private key is 32 bytes');
  const sodium = await loadSodium();
  const publicKey = sodium.crypto_scalarmult_base(privateKey);
  const fingerprint = archiveFingerprintOf(publicKey);
  return { recipient: archiveRecipientOf(fingerprint), fingerprint, encryption: { publicKey, privateKey } };
}

export async function wipeArchiveKeyPair(pair: ArchiveKeyPair): Promise<void> {
  (await loadSodium()).memzero(pair.encryption.privateKey);
}
