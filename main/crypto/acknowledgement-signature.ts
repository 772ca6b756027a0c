/**
 * An acknowledgement is signed by the recipient's identity key over `acknowledgementSignedBytes`,
 * so nobody (the server included) can acknowledge in their name; every device that shows one
 * checks it against the acknowledging person's pinned key first.
 */
import { acknowledgementSignedBytes, type AcknowledgementInput } from '../../shared/protocol/acknowledgement';
import { epochMs, messageId, userId } from '../../shared/protocol/identifiers';
import { signatureValid } from '../../shared/node/crypto/ed25519';
import { loadSodium } from '../../shared/node/crypto/sodium';
import { toBase64 } from '../../shared/node/crypto/base64';

const SIGNING_SECRET_BYTES = 64;

/** Base64 Ed25519 signature. Throws a TypeError for malformed ids or time, or a key of the wrong size. */
export async function signAcknowledgement(input: AcknowledgementInput, signingKey: Uint8Array): Promise<string> {
  if (!wellFormed(input)) throw new TypeError('An acknowledgement needs a message id, a user id and a time.');
  if (!(signingKey instanceof Uint8Array) || signingKey.length !== SIGNING_SECRET_BYTES)
    throw new TypeError('A signing key must be 64 bytes.');
  const sodium = await loadSodium();
  return toBase64(sodium.crypto_sign_detached(acknowledgementSignedBytes(input), signingKey));
}

/** True only for a signature by `signingKeyB64` over exactly this acknowledgement; never throws. */
export async function verifyAcknowledgement(
  input: AcknowledgementInput,
  signatureB64: string,
  signingKeyB64: string,
): Promise<boolean> {
  return wellFormed(input) && signatureValid(signingKeyB64, acknowledgementSignedBytes(input), signatureB64);
}

function wellFormed(input: AcknowledgementInput): boolean {
  return (
    messageId.safeParse(input.messageId).success &&
    userId.safeParse(input.userId).success &&
    epochMs.safeParse(input.acknowledgedAt).success
  );
}
