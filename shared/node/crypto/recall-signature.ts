/**
 * A recall is signed by the sender's identity key over `recallSignedBytes`, so the server (or
 * anyone else) cannot recall a message on a sender's behalf; recipients check it before hiding
 * anything.
 */
import { SIGNATURE_BYTES } from '../../protocol/binary';
import { recallSignedBytes } from '../../protocol/envelope';
import { epochMs, messageId, userId } from '../../protocol/identifiers';
import { loadSodium } from './sodium';
import { fromBase64, toBase64 } from './base64';

export interface RecallInput {
  readonly messageId: string;
  readonly senderId: string;
  readonly recalledAt: number;
}

const PUBLIC_KEY_BYTES = 32;
const SIGNING_SECRET_BYTES = 64;

/** Base64 Ed25519 signature. Throws a TypeError for malformed ids or time, or a key of the wrong size. */
export async function signRecall(input: RecallInput, signingKey: Uint8Array): Promise<string> {
  if (!wellFormed(input)) throw new TypeError('A recall needs a message id, a sender id and a time.');
  if (!(signingKey instanceof Uint8Array) || signingKey.length !== SIGNING_SECRET_BYTES)
    throw new TypeError('A signing key must be 64 bytes.');
  const sodium = await loadSodium();
  return toBase64(sodium.crypto_sign_detached(recallSignedBytes(input), signingKey));
}

/** True only for a signature by `senderSigningKeyB64` over exactly this recall; never throws. */
export async function verifyRecall(
  input: RecallInput,
  signatureB64: string,
  senderSigningKeyB64: string,
): Promise<boolean> {
  const signature = fromBase64(signatureB64, SIGNATURE_BYTES);
  const key = fromBase64(senderSigningKeyB64, PUBLIC_KEY_BYTES);
  if (signature === null || key === null || !wellFormed(input)) return false;
  const sodium = await loadSodium();
  try {
    return sodium.crypto_sign_verify_detached(signature, recallSignedBytes(input), key);
  } catch {
    return false;
  }
}

function wellFormed(input: RecallInput | null | undefined): input is RecallInput {
  return (
    typeof input === 'object' &&
    input !== null &&
    messageId.safeParse(input.messageId).success &&
    userId.safeParse(input.senderId).success &&
    epochMs.safeParse(input.recalledAt).success
  );
}
