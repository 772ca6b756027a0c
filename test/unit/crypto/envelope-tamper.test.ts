/**
 * Property tests: any change to a sealed envelope is caught, and by the right check.
 * - As received, every change fails the signature (SIGNATURE_INVALID), and nothing is decrypted.
 * - Signed again by the sender (a change only the sender could make, or a signature check gone
 *   wrong), a change to what is encrypted or bound still fails: DECRYPT_FAILED for the header
 *   (associated data), nonce, ciphertext and my sealed key; KEY_MISMATCH for my entry's public key.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEnvelope, verifyEnvelopeSignature, type OpenError } from '../../../shared/node/crypto/envelope-open';
import { envelope, PRIORITIES, type Envelope, type EnvelopeHeader } from '../../../shared/protocol/envelope';
import { flipBit, flipChar, makeUser, readerOf, resign, sealFor, type TestUser } from './fixtures';

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let archive: TestUser;
let sealed: Envelope;

beforeAll(async () => {
  [alice, bob, carol, archive] = await Promise.all([
    makeUser('nurse.adams'),
    makeUser('dr.okafor'),
    makeUser('dr.lee'),
    makeUser('archive'),
  ]);
  sealed = await sealFor(
    alice,
    [bob, carol],
    [{ recipient: 'archive:records-1', encryptionKey: archive.publicKeys.encryption }],
  );
});

const openAsBob = (value: Envelope) => openEnvelope(value, readerOf(bob), alice.publicKeys.signing);

/** A changed envelope and what bob gets once the sender has signed the change (null: it opens). */
interface Tampered {
  readonly value: Envelope;
  readonly afterResign: OpenError | null;
}

type BinaryField = 'nonce' | 'ciphertext' | 'signature' | 'sealedKey' | 'publicKey';

function changeBinary(field: BinaryField, keyIndex: number, change: (text: string) => string): Tampered {
  if (field === 'nonce' || field === 'ciphertext' || field === 'signature') {
    return {
      value: { ...sealed, [field]: change(sealed[field]) },
      afterResign: field === 'signature' ? null : 'DECRYPT_FAILED',
    };
  }
  const index = keyIndex % sealed.keys.length;
  const keys = sealed.keys.map((entry, i) => (i === index ? { ...entry, [field]: change(entry[field]) } : entry));
  const mine = sealed.keys[index]!.recipient === bob.userId;
  return {
    value: { ...sealed, keys },
    afterResign: !mine ? null : field === 'publicKey' ? 'KEY_MISMATCH' : 'DECRYPT_FAILED',
  };
}

const binaryField = fc.constantFrom<BinaryField>('nonce', 'ciphertext', 'signature', 'sealedKey', 'publicKey');

const byteFlip = fc
  .tuple(binaryField, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }))
  .map(([field, keyIndex, at, bit]) => changeBinary(field, keyIndex, (text) => flipBit(text, at, bit)));

const charFlip = fc
  .tuple(binaryField, fc.nat(), fc.nat(), fc.nat())
  .map(([field, keyIndex, at, shift]) => changeBinary(field, keyIndex, (text) => flipChar(text, at, shift)))
  // A changed last character can leave non-zero spare bits: the schema refuses that spelling
  // outright (envelope-schema.test.ts), so only the well-formed changes test the signature.
  .filter(({ value }) => envelope.safeParse(value).success);

const uuid = fc.uuid({ version: 4 });

/** Every header field, each changed to another value the schema still accepts. */
const headerChange: fc.Arbitrary<(header: EnvelopeHeader) => EnvelopeHeader> = fc.oneof(
  fc.constant((h: EnvelopeHeader) => ({ ...h, recipients: h.recipients.slice(1) })),
  fc.constant((h: EnvelopeHeader) => ({ ...h, recipients: [...h.recipients].reverse() })),
  // The sender has a sealed key, so adding them keeps every header recipient keyed.
  fc.constant((h: EnvelopeHeader) => ({ ...h, recipients: [...h.recipients, h.sender.userId] })),
  fc.integer({ min: 1, max: 1_000_000_000 }).map((d) => (h: EnvelopeHeader) => ({ ...h, sentAt: h.sentAt - d })),
  fc
    .integer({ min: 1, max: 1_000_000_000 })
    .map((d) => (h: EnvelopeHeader) => ({ ...h, expiresAt: (h.expiresAt ?? h.sentAt) + d })),
  fc.constant((h: EnvelopeHeader) => ({ ...h, expiresAt: null })),
  fc.constantFrom(...PRIORITIES).map((p) => (h: EnvelopeHeader) => ({
    ...h,
    priority: p === h.priority ? PRIORITIES[(PRIORITIES.indexOf(p) + 1) % 3]! : p,
  })),
  uuid.map((id) => (h: EnvelopeHeader) => ({ ...h, conversationId: id })),
  uuid.map((id) => (h: EnvelopeHeader) => ({ ...h, id })),
  uuid.map((id) => (h: EnvelopeHeader) => ({ ...h, sender: { ...h.sender, deviceId: id } })),
  fc
    .constantFrom('mallory', 'dr.okafor', 'nurse.adams2')
    .map((userId) => (h: EnvelopeHeader) => ({ ...h, sender: { ...h.sender, userId } })),
);

const headerTamper = headerChange
  .map((change): Tampered => ({ value: { ...sealed, header: change(sealed.header) }, afterResign: 'DECRYPT_FAILED' }))
  .filter(({ value }) => JSON.stringify(value.header) !== JSON.stringify(sealed.header));

describe('a tampered envelope', () => {
  it.each([
    ['one bit of the nonce, ciphertext, signature, or any sealed key or its public key', () => byteFlip],
    ['one base64 character of any of those', () => charFlip],
    ['any header field (recipients, times, priority, ids, sender)', () => headerTamper],
  ])(
    'fails the signature when %s changes, and the change is still a well-formed envelope',
    async (_label, arbitrary) => {
      await fc.assert(
        fc.asyncProperty(arbitrary(), async ({ value }) => {
          expect(JSON.stringify(value)).not.toBe(JSON.stringify(sealed));
          // Well-formed, so it is the signature (not the schema) that refuses it.
          expect(envelope.safeParse(value).success).toBe(true);
          expect(await verifyEnvelopeSignature(value, alice.publicKeys.signing)).toBe(false);
          expect(await openAsBob(value)).toEqual({ ok: false, error: 'SIGNATURE_INVALID' });
        }),
      );
    },
  );

  it.each([
    ['a bit of the nonce, ciphertext, or a sealed key or its public key', () => byteFlip],
    ['a header field', () => headerTamper],
  ])(
    'still fails to open when the sender signs a change to %s: the content is bound, not only signed',
    async (_label, arbitrary) => {
      await fc.assert(
        fc.asyncProperty(arbitrary(), async ({ value, afterResign }) => {
          const result = await openAsBob(await resign(value, alice));
          expect(result).toEqual(
            afterResign === null
              ? { ok: true, value: expect.anything() as unknown }
              : { ok: false, error: afterResign },
          );
        }),
      );
    },
  );

  it('is refused with the sender key of any other user', async () => {
    const others = await Promise.all(Array.from({ length: 5 }, (_, i) => makeUser(`other${String(i)}`)));
    for (const other of [bob, carol, ...others]) {
      expect(await verifyEnvelopeSignature(sealed, other.publicKeys.signing)).toBe(false);
    }
    expect(await verifyEnvelopeSignature(sealed, alice.publicKeys.signing)).toBe(true);
  });
});
