/** Users with real identity keys, and headers and bodies for envelopes between them. */
import { randomUUID } from 'node:crypto';
import type { Envelope, EnvelopeHeader, MessageBody } from '../../../shared/protocol/envelope';
import { envelopeSignedBytes } from '../../../shared/protocol/envelope';
import type { IdentityPublicKeys } from '../../../shared/protocol/identity';
import type { EnvelopeReader } from '../../../shared/node/crypto/envelope-open';
import { sealEnvelope, type RecipientKey } from '../../../main/crypto/envelope-seal';
import { generateIdentityKeys, publicKeysOf, type IdentityKeyPairs } from '../../../main/crypto/identity-keys';
import { loadSodium } from '../../../shared/node/crypto/sodium';

export interface TestUser {
  readonly userId: string;
  readonly keys: IdentityKeyPairs;
  readonly publicKeys: IdentityPublicKeys;
}

export async function makeUser(userId: string): Promise<TestUser> {
  const keys = await generateIdentityKeys();
  return { userId, keys, publicKeys: publicKeysOf(keys) };
}

export const keyOf = (user: TestUser): RecipientKey => ({
  recipient: user.userId,
  encryptionKey: user.publicKeys.encryption,
});

export const readerOf = (user: TestUser, recipient = user.userId): EnvelopeReader => ({
  recipient,
  encryption: user.keys.encryption,
});

export function headerFor(
  sender: TestUser,
  recipients: readonly TestUser[],
  overrides: Partial<EnvelopeHeader> = {},
): EnvelopeHeader {
  return {
    v: 1,
    id: randomUUID(),
    conversationId: randomUUID(),
    sender: { userId: sender.userId, deviceId: randomUUID() },
    recipients: recipients.map((user) => user.userId),
    sentAt: 1_760_000_000_000,
    expiresAt: 1_760_086_400_000,
    priority: 'urgent',
    ...overrides,
  };
}

export function bodyFor(
  sender: TestUser,
  recipients: readonly TestUser[],
  text = 'Bed 12: potassium 6.1, please review',
): MessageBody {
  return {
    kind: 'text',
    text,
    conversation: {
      kind: 'group',
      title: 'Ward 4 night',
      participants: [sender, ...recipients].map((user) => user.userId),
      roleAddress: null,
    },
  };
}

/** Sealed by `sender` to `recipients`, the sender's own copy, and `extra` key recipients. */
export async function sealFor(
  sender: TestUser,
  recipients: readonly TestUser[],
  extra: readonly RecipientKey[] = [],
): Promise<Envelope> {
  return sealEnvelope({
    header: headerFor(sender, recipients),
    body: bodyFor(sender, recipients),
    recipientKeys: [...recipients.map(keyOf), keyOf(sender), ...extra],
    signingKey: sender.keys.signing.privateKey,
  });
}

/** Signs an (altered) envelope again with `signer`'s key, so only checks after the signature can refuse it. */
export async function resign(value: Envelope, signer: TestUser): Promise<Envelope> {
  const sodium = await loadSodium();
  const signature = sodium.crypto_sign_detached(envelopeSignedBytes(value), signer.keys.signing.privateKey);
  return { ...value, signature: Buffer.from(signature).toString('base64') };
}

export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
export const unb64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

/** Base64 of the same bytes with one bit flipped. */
export function flipBit(text: string, at: number, bit: number): string {
  const bytes = unb64(text);
  bytes[at % bytes.length]! ^= 1 << bit;
  return b64(bytes);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The string with one data character (never padding) replaced by another base64 character. */
export function flipChar(text: string, at: number, shift: number): string {
  const data = text.replace(/=+$/, '').length;
  const index = at % data;
  const current = ALPHABET.indexOf(text[index]!);
  const next = ALPHABET[(current + 1 + (shift % 63)) % 64]!;
  return text.slice(0, index) + next + text.slice(index + 1);
}
