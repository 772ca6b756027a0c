/**
 * Where a message is sealed. Per message: a random content key; the body (JSON) sealed with
 * XChaCha20-Poly1305 under it with the header's canonical bytes as associated data, so the body
 * cannot be moved under another header; the content key sealed (crypto_box_seal) to each key
 * recipient; the whole envelope signed with the sender's Ed25519 key. The content key and the
 * plaintext bytes are wiped before returning.
 *
 * Everything is checked before any key is made, and a bad input throws a SealError with a code:
 * these are the caller's own values (the renderer's text was validated at the IPC boundary, keys
 * come from the directory), so a failure here is a bug or stale data, not an attack to answer.
 */
import {
  envelope,
  envelopeHeader,
  envelopeHeaderBytes,
  envelopeSignedBytes,
  keyRecipient,
  MAX_CIPHERTEXT_BYTES,
  MAX_RECIPIENTS,
  messageBody,
  type Envelope,
  type EnvelopeHeader,
  type MessageBody,
  type SealedKey,
} from '../../shared/protocol/envelope';
import { loadSodium } from '../../shared/node/crypto/sodium';
import { fromBase64, toBase64 } from '../../shared/node/crypto/base64';

export interface RecipientKey {
  /** A user id, or an extra key recipient such as `archive:<id>`. */
  readonly recipient: string;
  /** Base64 X25519 public key from the directory (as pinned). */
  readonly encryptionKey: string;
}

export interface SealInput {
  readonly header: EnvelopeHeader;
  readonly body: MessageBody;
  /** Every header recipient, the sender (their own copy), and any extra such as an archive. */
  readonly recipientKeys: readonly RecipientKey[];
  /** The sender's Ed25519 secret key (64 bytes). */
  readonly signingKey: Uint8Array;
}

export type SealErrorCode =
  | 'HEADER_INVALID'
  | 'BODY_INVALID'
  /** Valid by the body schema, yet its JSON does not fit `MAX_CIPHERTEXT_BYTES` (heavy escaping). */
  | 'BODY_TOO_LARGE'
  /** A malformed or duplicated key recipient, or too many. */
  | 'RECIPIENT_KEYS_INVALID'
  /** A header recipient, or the sender, has no key: they could never read the message. */
  | 'RECIPIENT_KEY_MISSING'
  | 'SIGNING_KEY_INVALID'
  /** The result failed the envelope schema: a bug here, since every input was checked. */
  | 'ENVELOPE_INVALID';

/** Carries a code and a fixed message: never text, keys or ids. */
export class SealError extends Error {
  readonly code: SealErrorCode;

  constructor(code: SealErrorCode) {
    super(`The message could not be sealed (${code}).`);
    this.name = 'SealError';
    this.code = code;
  }
}

const PUBLIC_KEY_BYTES = 32;
const SIGNING_SECRET_BYTES = 64;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const MAX_KEY_RECIPIENTS = MAX_RECIPIENTS + 4;

export async function sealEnvelope(input: SealInput): Promise<Envelope> {
  const header = checkHeader(input.header);
  const body = messageBody.safeParse(input.body);
  if (!body.success) throw new SealError('BODY_INVALID');
  if (!(input.signingKey instanceof Uint8Array) || input.signingKey.length !== SIGNING_SECRET_BYTES)
    throw new SealError('SIGNING_KEY_INVALID');
  const recipients = checkRecipientKeys(input.recipientKeys, header);

  const sodium = await loadSodium();
  const plaintext = new TextEncoder().encode(JSON.stringify(body.data));
  if (plaintext.length + TAG_BYTES > MAX_CIPHERTEXT_BYTES) {
    sodium.memzero(plaintext);
    throw new SealError('BODY_TOO_LARGE');
  }
  const contentKey = sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
  try {
    const nonce = sodium.randombytes_buf(NONCE_BYTES);
    const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      plaintext,
      envelopeHeaderBytes(header),
      null,
      nonce,
      contentKey,
    );
    const keys: SealedKey[] = recipients.map(({ recipient, encryptionKey, publicKey }) => ({
      recipient,
      publicKey: encryptionKey,
      sealedKey: toBase64(sodium.crypto_box_seal(contentKey, publicKey)),
    }));
    const unsigned = { header, nonce: toBase64(nonce), ciphertext: toBase64(ciphertext), keys };
    const signature = toBase64(sodium.crypto_sign_detached(envelopeSignedBytes(unsigned), input.signingKey));
    const sealed = envelope.safeParse({ ...unsigned, signature });
    if (!sealed.success) throw new SealError('ENVELOPE_INVALID');
    return sealed.data;
  } finally {
    sodium.memzero(contentKey);
    sodium.memzero(plaintext);
  }
}

/** A copy of the header the schema accepts, with an expiry after sending. */
function checkHeader(value: EnvelopeHeader): EnvelopeHeader {
  const header = envelopeHeader.safeParse(value);
  if (!header.success) throw new SealError('HEADER_INVALID');
  if (header.data.expiresAt !== null && header.data.expiresAt <= header.data.sentAt)
    throw new SealError('HEADER_INVALID');
  return header.data;
}

function checkRecipientKeys(
  value: readonly RecipientKey[],
  header: EnvelopeHeader,
): { recipient: string; encryptionKey: string; publicKey: Uint8Array }[] {
  const list: unknown = value;
  if (!Array.isArray(list) || value.length === 0 || value.length > MAX_KEY_RECIPIENTS)
    throw new SealError('RECIPIENT_KEYS_INVALID');
  const seen = new Set<string>();
  const checked = value.map((entry) => {
    const recipient = keyRecipient.safeParse(entry.recipient);
    const publicKey = fromBase64(entry.encryptionKey, PUBLIC_KEY_BYTES);
    if (!recipient.success || publicKey === null || seen.has(recipient.data))
      throw new SealError('RECIPIENT_KEYS_INVALID');
    seen.add(recipient.data);
    return { recipient: recipient.data, encryptionKey: entry.encryptionKey, publicKey };
  });
  for (const required of [...header.recipients, header.sender.userId]) {
    if (!seen.has(required)) throw new SealError('RECIPIENT_KEY_MISSING');
  }
  return checked;
}
