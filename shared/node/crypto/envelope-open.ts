/**
 * Where a received envelope is checked and opened. The envelope comes from the server, which is
 * honest-but-curious at best, so anything may arrive: it is parsed with the schema first, the
 * sender's signature is verified before any key is touched, and every failure is a code, never
 * an exception and never a word of the plaintext.
 *
 * Order, each step with its own code:
 *   ENVELOPE_INVALID   not an envelope (schema, or bytes that are not canonical base64)
 *   SIGNATURE_INVALID  not signed by the key given for the sender (the caller's pinned key)
 *   NOT_A_RECIPIENT    no content key sealed for me
 *   KEY_MISMATCH       a content key for me, sealed to a public key other than mine (stale pin)
 *   DECRYPT_FAILED     the sealed key or the body does not open (body under another header)
 *   BODY_INVALID       the plaintext is not UTF-8 JSON matching `messageBody`
 */
import {
  envelope,
  envelopeHeaderBytes,
  envelopeSignedBytes,
  MAX_CIPHERTEXT_BYTES,
  messageBody,
  SEALED_KEY_BYTES,
  type Envelope,
  type MessageBody,
} from '../../protocol/envelope';
import { NONCE_BYTES, SIGNATURE_BYTES } from '../../protocol/binary';
import { loadSodium, type Sodium } from './sodium';
import { fromBase64, toBase64 } from './base64';
import { err, ok, type Result } from '../../result';

export type OpenError =
  'ENVELOPE_INVALID' | 'SIGNATURE_INVALID' | 'NOT_A_RECIPIENT' | 'KEY_MISMATCH' | 'DECRYPT_FAILED' | 'BODY_INVALID';

export type OpenResult = Result<MessageBody, OpenError>;

export interface EnvelopeReader {
  /** Who I am among the key recipients: my user id, or an archive's `archive:<id>`. */
  readonly recipient: string;
  /** My X25519 key pair. */
  readonly encryption: { readonly publicKey: Uint8Array; readonly privateKey: Uint8Array };
}

const PUBLIC_KEY_BYTES = 32;
const CONTENT_KEY_BYTES = 32;

/** True only for a well-formed envelope signed by `senderSigningKeyB64` (base64 Ed25519). */
export async function verifyEnvelopeSignature(value: unknown, senderSigningKeyB64: string): Promise<boolean> {
  const parsed = parseEnvelope(value);
  return parsed !== null && signatureValid(await loadSodium(), parsed, senderSigningKeyB64);
}

export async function openEnvelope(
  value: unknown,
  reader: EnvelopeReader,
  senderSigningKeyB64: string,
): Promise<OpenResult> {
  const sodium = await loadSodium();
  const parsed = parseEnvelope(value);
  if (parsed === null) return err('ENVELOPE_INVALID');
  if (!signatureValid(sodium, parsed, senderSigningKeyB64)) return err('SIGNATURE_INVALID');

  const entry = parsed.keys.find((key) => key.recipient === reader.recipient);
  if (entry === undefined) return err('NOT_A_RECIPIENT');
  const myPublicKey = reader.encryption.publicKey;
  if (
    !(myPublicKey instanceof Uint8Array) ||
    myPublicKey.length !== PUBLIC_KEY_BYTES ||
    entry.publicKey !== toBase64(myPublicKey)
  ) {
    return err('KEY_MISMATCH');
  }

  // The sender signed these strings, but a hostile sender can sign strings that are not canonical.
  const sealedKey = fromBase64(entry.sealedKey, SEALED_KEY_BYTES);
  const nonce = fromBase64(parsed.nonce, NONCE_BYTES);
  const ciphertext = fromBase64(parsed.ciphertext, 17, MAX_CIPHERTEXT_BYTES);
  if (sealedKey === null || nonce === null || ciphertext === null) return err('ENVELOPE_INVALID');

  const contentKey = attempt(() => sodium.crypto_box_seal_open(sealedKey, myPublicKey, reader.encryption.privateKey));
  if (contentKey === null) return err('DECRYPT_FAILED');
  let plaintext: Uint8Array | null;
  try {
    plaintext =
      contentKey.length === CONTENT_KEY_BYTES
        ? attempt(() =>
            sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
              null,
              ciphertext,
              envelopeHeaderBytes(parsed.header),
              nonce,
              contentKey,
            ),
          )
        : null;
  } finally {
    sodium.memzero(contentKey);
  }
  if (plaintext === null) return err('DECRYPT_FAILED');
  try {
    const body = parseBody(plaintext);
    return body === null ? err('BODY_INVALID') : ok(body);
  } finally {
    sodium.memzero(plaintext);
  }
}

function parseEnvelope(value: unknown): Envelope | null {
  const parsed = attempt(() => envelope.safeParse(value));
  return parsed?.success ? parsed.data : null;
}

function signatureValid(sodium: Sodium, value: Envelope, senderSigningKeyB64: string): boolean {
  const signature = fromBase64(value.signature, SIGNATURE_BYTES);
  const signingKey = fromBase64(senderSigningKeyB64, PUBLIC_KEY_BYTES);
  if (signature === null || signingKey === null) return false;
  return attempt(() => sodium.crypto_sign_verify_detached(signature, envelopeSignedBytes(value), signingKey)) === true;
}

function parseBody(plaintext: Uint8Array): MessageBody | null {
  const json = attempt(() => JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext)) as unknown);
  if (json === null) return null;
  const body = messageBody.safeParse(json);
  return body.success ? body.data : null;
}

/** libsodium throws on every failure (and on odd input sizes); here a failure is just null. */
function attempt<T>(run: () => T): T | null {
  try {
    return run();
  } catch {
    return null;
  }
}
