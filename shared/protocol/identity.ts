/**
 * A user's identity keys as the directory publishes them, and the bytes their fingerprint is
 * computed over. Each side hashes those bytes itself (BLAKE2b-256 with libsodium): the client
 * never takes the server's word for a fingerprint.
 */
import { z } from 'zod';
import { boundedBytes, publicKey } from './binary';

export const identityPublicKeys = z.strictObject({
  /** Ed25519: signs envelopes and recalls. */
  signing: publicKey,
  /** X25519: content keys are sealed to it. */
  encryption: publicKey,
});
export type IdentityPublicKeys = z.infer<typeof identityPublicKeys>;

/** Private keys sealed by the client with the user's wrap key; opaque to the server. */
export const wrappedPrivateKeys = boundedBytes(32, 1024);

/** 64 lower-case hex digits. */
export const fingerprint = z.string().regex(/^[0-9a-f]{64}$/);

export const identityRecord = z.strictObject({
  publicKeys: identityPublicKeys,
  wrappedPrivateKeys,
  fingerprint,
});
export type IdentityRecord = z.infer<typeof identityRecord>;

const encoder = new TextEncoder();

export function fingerprintInput(keys: IdentityPublicKeys): Uint8Array {
  return encoder.encode(JSON.stringify(['wardline/fingerprint/v1', keys.signing, keys.encryption]));
}
