import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { signRecall, verifyRecall, type RecallInput } from '../../../shared/node/crypto/recall-signature';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import { envelopeHeaderBytes, recallSignedBytes } from '../../../shared/protocol/envelope';
import { b64, flipBit, flipChar, headerFor, makeUser, unb64, type TestUser } from './fixtures';

let sodium: Sodium;
let alice: TestUser;
let mallory: TestUser;

beforeAll(async () => {
  sodium = await loadSodium();
  [alice, mallory] = await Promise.all([makeUser('nurse.adams'), makeUser('mallory')]);
});

const recall: RecallInput = {
  messageId: '0b6f1c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b',
  senderId: 'nurse.adams',
  recalledAt: 1_760_000_123_456,
};

describe('recall signatures', () => {
  it("verify with the sender's key, and are plain Ed25519 over recallSignedBytes", async () => {
    const signature = await signRecall(recall, alice.keys.signing.privateKey);
    expect(await verifyRecall(recall, signature, alice.publicKeys.signing)).toBe(true);
    expect(
      sodium.crypto_sign_verify_detached(unb64(signature), recallSignedBytes(recall), alice.keys.signing.publicKey),
    ).toBe(true);
  });

  it('fail for any change to the message id, sender or time', async () => {
    const signature = await signRecall(recall, alice.keys.signing.privateKey);
    const change = fc.oneof(
      fc.uuid({ version: 4 }).map((messageId) => ({ ...recall, messageId })),
      fc.constantFrom('mallory', 'nurse.adams2', 'dr.okafor').map((senderId) => ({ ...recall, senderId })),
      fc.integer({ min: 0, max: 8.64e15 }).map((recalledAt) => ({ ...recall, recalledAt })),
    );
    await fc.assert(
      fc.asyncProperty(change, async (changed) => {
        fc.pre(JSON.stringify(changed) !== JSON.stringify(recall));
        expect(await verifyRecall(changed, signature, alice.publicKeys.signing)).toBe(false);
      }),
    );
  });

  it('fail for any bit or base64 character of the signature changed', async () => {
    const signature = await signRecall(recall, alice.keys.signing.privateKey);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 7 }), fc.nat(), async (at, bit, shift) => {
        expect(await verifyRecall(recall, flipBit(signature, at, bit), alice.publicKeys.signing)).toBe(false);
        expect(await verifyRecall(recall, flipChar(signature, at, shift), alice.publicKeys.signing)).toBe(false);
      }),
    );
  });

  it("fail with anyone else's key, and for a recall someone else signed", async () => {
    const signature = await signRecall(recall, alice.keys.signing.privateKey);
    expect(await verifyRecall(recall, signature, mallory.publicKeys.signing)).toBe(false);
    const forged = await signRecall(recall, mallory.keys.signing.privateKey);
    expect(await verifyRecall(recall, forged, alice.publicKeys.signing)).toBe(false);
  });

  it('are not interchangeable with other signed bytes (domain separation)', async () => {
    const header = headerFor(alice, [mallory]);
    const headerSignature = b64(
      sodium.crypto_sign_detached(envelopeHeaderBytes(header), alice.keys.signing.privateKey),
    );
    expect(await verifyRecall(recall, headerSignature, alice.publicKeys.signing)).toBe(false);
  });

  it('never throw on malformed input: false', async () => {
    const signature = await signRecall(recall, alice.keys.signing.privateKey);
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.constantFrom(0, 1, 2, 3), async (junk, slot) => {
        const args: [unknown, unknown, unknown] = [recall, signature, alice.publicKeys.signing];
        if (slot === 3) args[0] = { ...recall, recalledAt: junk };
        else args[slot] = junk;
        expect(await verifyRecall(...(args as [RecallInput, string, string]))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['a message id that is not a uuid', { ...recall, messageId: 'msg-1' }],
    ['an upper-case sender id', { ...recall, senderId: 'Nurse.Adams' }],
    ['a fractional time', { ...recall, recalledAt: 1.5 }],
    ['a negative time', { ...recall, recalledAt: -1 }],
  ])('refuse to sign %s', async (_label, input) => {
    await expect(signRecall(input, alice.keys.signing.privateKey)).rejects.toBeInstanceOf(TypeError);
  });

  it('refuse to sign with a key of the wrong size', async () => {
    await expect(signRecall(recall, alice.keys.signing.privateKey.subarray(0, 32))).rejects.toBeInstanceOf(TypeError);
  });
});
