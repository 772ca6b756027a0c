/**
 * A clinician's identity: an Ed25519 key pair that signs envelopes and recalls, and an X25519 key
 * pair that content keys are sealed to. The public halves go to the directory; the private halves
 * leave this process only wrapped with the user's wrap key (which never leaves the client), so the
 * server stores a blob it cannot open and any workstation with the password can.
 *
 * Wrapped layout (inside `key-wrap.ts`'s versioned AEAD): Ed25519 seed (32) || X25519 private key
 * (32). The seed, not libsodium's 64-byte secret key: that one embeds the public key, and a
 * mismatched embedded half is a known way to leak an Ed25519 key, so both pairs are always
 * re-derived from the private values and compared with the expected public keys.
 */
import { fingerprintInput, wrappedPrivateKeys, type IdentityPublicKeys } from '../../shared/protocol/identity';
import { unwrapSecret, wrapSecret } from '../keys/key-wrap';
import { loadSodium, type Sodium } from '../../shared/node/crypto/sodium';
import { fromBase64, toBase64 } from '../../shared/node/crypto/base64';

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly privateKey: Uint8Array;
}

export interface IdentityKeyPairs {
  /** Ed25519; `privateKey` is libsodium's 64-byte secret key (seed || public key). */
  readonly signing: KeyPair;
  /** X25519; `privateKey` is the 32-byte scalar. */
  readonly encryption: KeyPair;
}

const PUBLIC_KEY_BYTES = 32;
const SEED_BYTES = 32;
const SIGNING_SECRET_BYTES = 64;
const WRAPPED_PLAIN_BYTES = SEED_BYTES + 32;
const WRAP_LABEL = 'wardline/identity-keys/v1';

export async function generateIdentityKeys(): Promise<IdentityKeyPairs> {
  const sodium = await loadSodium();
  const signing = sodium.crypto_sign_keypair();
  const encryption = sodium.crypto_box_keypair();
  return Object.freeze({
    signing: Object.freeze({ publicKey: signing.publicKey, privateKey: signing.privateKey }),
    encryption: Object.freeze({ publicKey: encryption.publicKey, privateKey: encryption.privateKey }),
  });
}

/** The public halves as the directory publishes them. */
export function publicKeysOf(keys: IdentityKeyPairs): IdentityPublicKeys {
  return { signing: toBase64(keys.signing.publicKey), encryption: toBase64(keys.encryption.publicKey) };
}

/**
 * 64 lower-case hex digits: BLAKE2b-256 over `fingerprintInput`, computed here and never taken
 * from the server. Throws a TypeError for keys that are not canonical base64 of 32 bytes: one key
 * must have one fingerprint, so a second spelling of it is refused rather than hashed.
 */
export async function fingerprintOf(publicKeys: IdentityPublicKeys): Promise<string> {
  if (decodePublicKeys(publicKeys) === null)
    throw new TypeError('Identity public keys must be canonical base64 of 32 bytes.');
  const sodium = await loadSodium();
  return sodium.to_hex(sodium.crypto_generichash(32, fingerprintInput(publicKeys), null));
}

/**
 * Base64 of the private keys sealed with the user's 32-byte wrap key. The associated data binds
 * the public keys, so the blob cannot be published next to someone else's public keys. Throws a
 * TypeError if the private keys do not belong to the public keys, or for a wrap key of the wrong
 * size.
 */
export async function wrapIdentityKeys(keys: IdentityKeyPairs, wrapKey: Uint8Array): Promise<string> {
  const sodium = await loadSodium();
  const plain = new Uint8Array(WRAPPED_PLAIN_BYTES);
  try {
    if (keys.signing.privateKey.length !== SIGNING_SECRET_BYTES || keys.encryption.privateKey.length !== 32) {
      throw new TypeError('Identity private keys have the wrong size.');
    }
    plain.set(keys.signing.privateKey.subarray(0, SEED_BYTES), 0);
    plain.set(keys.encryption.privateKey, SEED_BYTES);
    const publicKeys = publicKeysOf(keys);
    const check = derivePairs(sodium, plain, publicKeys);
    if (check === null) throw new TypeError('Identity private keys do not match their public keys.');
    zeroPairs(sodium, check);
    return toBase64(await wrapSecret(plain, wrapKey, identityWrapAssociatedData(publicKeys)));
  } finally {
    sodium.memzero(plain);
  }
}

/**
 * The key pairs, or null for anything that is not these public keys' private keys sealed with
 * this wrap key: wrong wrap key, a changed or truncated blob, other public keys. Throws a
 * TypeError only for a wrap key of the wrong size (a caller's bug, not hostile input).
 */
export async function unwrapIdentityKeys(
  wrapped: string,
  publicKeys: IdentityPublicKeys,
  wrapKey: Uint8Array,
): Promise<IdentityKeyPairs | null> {
  const sodium = await loadSodium();
  if (decodePublicKeys(publicKeys) === null || !wrappedPrivateKeys.safeParse(wrapped).success) return null;
  const blob = fromBase64(wrapped, 0, 1024);
  if (blob === null) return null;
  const plain = await unwrapSecret(blob, wrapKey, identityWrapAssociatedData(publicKeys));
  if (plain === null) return null;
  try {
    return plain.length === WRAPPED_PLAIN_BYTES ? derivePairs(sodium, plain, publicKeys) : null;
  } finally {
    sodium.memzero(plain);
  }
}

/** Wipes both private keys in place; the object is useless afterwards. */
export async function zeroIdentityKeys(keys: IdentityKeyPairs): Promise<void> {
  zeroPairs(await loadSodium(), keys);
}

/** Associated data of the wrapped blob. Exported for the test that forges a blob with it. */
export function identityWrapAssociatedData(publicKeys: IdentityPublicKeys): Uint8Array {
  return new TextEncoder().encode(JSON.stringify([WRAP_LABEL, publicKeys.signing, publicKeys.encryption]));
}

/** Both pairs from seed || X25519 private key, or null unless they give exactly `publicKeys`. */
function derivePairs(sodium: Sodium, plain: Uint8Array, publicKeys: IdentityPublicKeys): IdentityKeyPairs | null {
  const expected = decodePublicKeys(publicKeys);
  if (expected === null) return null;
  const signing = sodium.crypto_sign_seed_keypair(plain.subarray(0, SEED_BYTES));
  const encryptionPrivate = plain.slice(SEED_BYTES, WRAPPED_PLAIN_BYTES);
  const encryptionPublic = sodium.crypto_scalarmult_base(encryptionPrivate);
  const pairs: IdentityKeyPairs = Object.freeze({
    signing: Object.freeze({ publicKey: signing.publicKey, privateKey: signing.privateKey }),
    encryption: Object.freeze({ publicKey: encryptionPublic, privateKey: encryptionPrivate }),
  });
  if (sodium.memcmp(signing.publicKey, expected.signing) && sodium.memcmp(encryptionPublic, expected.encryption))
    return pairs;
  zeroPairs(sodium, pairs);
  return null;
}

function decodePublicKeys(publicKeys: IdentityPublicKeys): { signing: Uint8Array; encryption: Uint8Array } | null {
  const keys = publicKeys as Partial<IdentityPublicKeys> | null | undefined;
  const signing = fromBase64(keys?.signing, PUBLIC_KEY_BYTES);
  const encryption = fromBase64(keys?.encryption, PUBLIC_KEY_BYTES);
  return signing && encryption ? { signing, encryption } : null;
}

function zeroPairs(sodium: Sodium, keys: IdentityKeyPairs): void {
  sodium.memzero(keys.signing.privateKey);
  sodium.memzero(keys.encryption.privateKey);
}
