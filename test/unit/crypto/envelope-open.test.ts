import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openEnvelope, verifyEnvelopeSignature, type OpenResult } from '../../../shared/node/crypto/envelope-open';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import { envelope, envelopeHeaderBytes, type Envelope } from '../../../shared/protocol/envelope';
import { b64, bodyFor, flipBit, makeUser, readerOf, resign, sealFor, unb64, type TestUser } from './fixtures';

let sodium: Sodium;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;
let mallory: TestUser;
let archive: TestUser;
let sealed: Envelope;

beforeAll(async () => {
  sodium = await loadSodium();
  [alice, bob, carol, dave, mallory, archive] = await Promise.all([
    makeUser('nurse.adams'),
    makeUser('dr.okafor'),
    makeUser('dr.lee'),
    makeUser('dr.patel'),
    makeUser('mallory'),
    makeUser('archive'),
  ]);
  sealed = await sealFor(
    alice,
    [bob, carol, dave],
    [{ recipient: 'archive:records-1', encryptionKey: archive.publicKeys.encryption }],
  );
});

afterEach(() => {
  vi.restoreAllMocks();
});

const open = (value: unknown, reader: TestUser, senderKey = alice.publicKeys.signing, recipient = reader.userId) =>
  openEnvelope(value, readerOf(reader, recipient), senderKey);

/**
 * Seals arbitrary plaintext in the envelope format by hand (libsodium only), signed by alice, so
 * the tests can hand the opener bodies that sealEnvelope would never produce.
 */
async function rawSeal(plaintext: Uint8Array): Promise<Envelope> {
  const contentKey = sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
  const nonce = sodium.randombytes_buf(24);
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    plaintext,
    envelopeHeaderBytes(sealed.header),
    null,
    nonce,
    contentKey,
  );
  const keys = sealed.keys.map((entry) => ({
    ...entry,
    sealedKey: b64(sodium.crypto_box_seal(contentKey, unb64(entry.publicKey))),
  }));
  return resign({ ...sealed, nonce: b64(nonce), ciphertext: b64(ciphertext), keys }, alice);
}

const expectError = (result: OpenResult, error: string) => expect(result).toEqual({ ok: false, error });

describe('openEnvelope', () => {
  it('opens for every header recipient and for the sender, with the body as sealed', async () => {
    const expected = bodyFor(alice, [bob, carol, dave]);
    for (const user of [bob, carol, dave, alice]) {
      expect(await open(sealed, user)).toEqual({ ok: true, value: expected });
    }
    expect(await verifyEnvelopeSignature(sealed, alice.publicKeys.signing)).toBe(true);
  });

  it('opens for an extra archive key recipient', async () => {
    expect(await open(sealed, archive, alice.publicKeys.signing, 'archive:records-1')).toEqual({
      ok: true,
      value: bodyFor(alice, [bob, carol, dave]),
    });
  });

  it('refuses someone with no sealed key: NOT_A_RECIPIENT', async () => {
    expectError(await open(sealed, mallory), 'NOT_A_RECIPIENT');
    // The archive's key pair alone is not enough: the key is found by recipient name.
    expectError(await open(sealed, archive, alice.publicKeys.signing, 'archive:other'), 'NOT_A_RECIPIENT');
  });

  it('still opens after a trip through the wire as JSON, whatever the property order', async () => {
    const wire = JSON.parse(JSON.stringify(sealed)) as unknown;
    expect(await open(wire, bob)).toMatchObject({ ok: true });
    const reorder = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reorder)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([key, inner]) => [key, reorder(inner)]),
            )
          : value;
    const reordered = JSON.parse(JSON.stringify(reorder(wire))) as unknown;
    expect(Object.keys(reordered as object)[0]).toBe('signature');
    expect(await open(reordered, bob)).toMatchObject({ ok: true });
    expect(await verifyEnvelopeSignature(reordered, alice.publicKeys.signing)).toBe(true);
  });

  describe('SIGNATURE_INVALID', () => {
    it('for the signing key of someone other than the sender', async () => {
      expect(await verifyEnvelopeSignature(sealed, mallory.publicKeys.signing)).toBe(false);
      expectError(await open(sealed, bob, mallory.publicKeys.signing), 'SIGNATURE_INVALID');
    });

    it('for an envelope signed again by someone else', async () => {
      const forged = await resign(sealed, mallory);
      expect(await verifyEnvelopeSignature(forged, alice.publicKeys.signing)).toBe(false);
      expectError(await open(forged, bob), 'SIGNATURE_INVALID');
      // The forger's own key does verify it: the refusal above is about whose signature it is.
      expect(await verifyEnvelopeSignature(forged, mallory.publicKeys.signing)).toBe(true);
    });

    it.each([
      ['empty', () => ''],
      ['too short', () => b64(alice.keys.signing.publicKey.subarray(0, 31))],
      ['too long', () => b64(new Uint8Array([...alice.keys.signing.publicKey, 0]))],
      ['in base64url', () => b64(new Uint8Array(32).fill(0xfb)).replace(/\+/g, '-').replace(/\//g, '_')],
      ['not canonical', () => `${'A'.repeat(42)}B=`],
      ['not a string', () => 42 as unknown as string],
    ])('for a sender key that is %s, without throwing', async (_label, key) => {
      expect(await verifyEnvelopeSignature(sealed, key())).toBe(false);
      expectError(await open(sealed, bob, key()), 'SIGNATURE_INVALID');
    });

    it('before any key is opened', async () => {
      const boxOpen = vi.spyOn(sodium, 'crypto_box_seal_open');
      const decrypt = vi.spyOn(sodium, 'crypto_aead_xchacha20poly1305_ietf_decrypt');
      expectError(await open({ ...sealed, ciphertext: flipBit(sealed.ciphertext, 0, 0) }, bob), 'SIGNATURE_INVALID');
      expect(boxOpen).not.toHaveBeenCalled();
      expect(decrypt).not.toHaveBeenCalled();
      expect(await open(sealed, bob)).toMatchObject({ ok: true });
      expect(boxOpen).toHaveBeenCalledTimes(1);
    });
  });

  it('KEY_MISMATCH: a key sealed for my name but to a public key that is not mine (stale pin)', async () => {
    // Bob's name with carol's key pair: the entry says bob's key, which is not the reader's.
    const result = await openEnvelope(
      sealed,
      { recipient: bob.userId, encryption: carol.keys.encryption },
      alice.publicKeys.signing,
    );
    expectError(result, 'KEY_MISMATCH');
    const bad = await openEnvelope(
      sealed,
      {
        recipient: bob.userId,
        encryption: { publicKey: new Uint8Array(31), privateKey: bob.keys.encryption.privateKey },
      },
      alice.publicKeys.signing,
    );
    expectError(bad, 'KEY_MISMATCH');
  });

  describe('DECRYPT_FAILED (signature valid, content not)', () => {
    it('for a wrong private key next to the right public key', async () => {
      const result = await openEnvelope(
        sealed,
        {
          recipient: bob.userId,
          encryption: { publicKey: bob.keys.encryption.publicKey, privateKey: carol.keys.encryption.privateKey },
        },
        alice.publicKeys.signing,
      );
      expectError(result, 'DECRYPT_FAILED');
      const short = await openEnvelope(
        sealed,
        {
          recipient: bob.userId,
          encryption: { publicKey: bob.keys.encryption.publicKey, privateKey: new Uint8Array(5) },
        },
        alice.publicKeys.signing,
      );
      expectError(short, 'DECRYPT_FAILED');
    });

    it("for bob's sealed key taken from another message", async () => {
      const other = await sealFor(alice, [bob, carol, dave]);
      const keys = sealed.keys.map((entry) =>
        entry.recipient === bob.userId ? other.keys.find((key) => key.recipient === bob.userId)! : entry,
      );
      expectError(await open(await resign({ ...sealed, keys }, alice), bob), 'DECRYPT_FAILED');
    });

    it('for sealed keys swapped between two recipients, each left under its own public key', async () => {
      const bobEntry = sealed.keys.find((key) => key.recipient === bob.userId)!;
      const carolEntry = sealed.keys.find((key) => key.recipient === carol.userId)!;
      const keys = sealed.keys.map((entry) =>
        entry === bobEntry
          ? { ...entry, sealedKey: carolEntry.sealedKey }
          : entry === carolEntry
            ? { ...entry, sealedKey: bobEntry.sealedKey }
            : entry,
      );
      const swapped = await resign({ ...sealed, keys }, alice);
      expectError(await open(swapped, bob), 'DECRYPT_FAILED');
      expectError(await open(swapped, carol), 'DECRYPT_FAILED');
      expect(await open(swapped, dave)).toMatchObject({ ok: true });
    });

    it('for the body of another message moved under this header', async () => {
      const other = await sealFor(alice, [bob, carol, dave]);
      const moved = await resign({ ...other, header: sealed.header }, alice);
      expectError(await open(moved, bob), 'DECRYPT_FAILED');
    });
  });

  describe('BODY_INVALID: decrypted, but not a message body', () => {
    it('opens a well-formed body sealed by hand (so the cases below fail for their content alone)', async () => {
      const body = bodyFor(alice, [bob]);
      expect(await open(await rawSeal(new TextEncoder().encode(JSON.stringify(body))), bob)).toEqual({
        ok: true,
        value: body,
      });
    });

    it.each([
      ['text that is not JSON', () => new TextEncoder().encode('SECRET-TEXT not json')],
      ['bytes that are not UTF-8', () => new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
      ['JSON null', () => new TextEncoder().encode('null')],
      [
        'JSON of the wrong shape',
        () => new TextEncoder().encode(JSON.stringify({ kind: 'text', text: 'SECRET-TEXT' })),
      ],
      [
        'a body with an extra field',
        () => new TextEncoder().encode(JSON.stringify({ ...bodyFor(alice, [bob], 'SECRET-TEXT'), html: '<img>' })),
      ],
      ['an empty text', () => new TextEncoder().encode(JSON.stringify(bodyFor(alice, [bob], '')))],
    ])('%s, and the result carries none of it', async (_label, plaintext) => {
      const result = await open(await rawSeal(plaintext()), bob);
      expectError(result, 'BODY_INVALID');
      expect(JSON.stringify(result)).not.toContain('SECRET');
    });
  });

  describe('hostile input never throws', () => {
    it.each([
      ['null', (): unknown => null],
      ['undefined', (): unknown => undefined],
      ['a number', (): unknown => 42],
      ['a string', (): unknown => 'envelope'],
      ['an array', (): unknown => [sealed]],
      ['an empty object', (): unknown => ({})],
      ['an extra field', (): unknown => ({ ...sealed, note: 'x' })],
      ['keys that are not an array', (): unknown => ({ ...sealed, keys: 'x' })],
      ['no keys', (): unknown => ({ ...sealed, keys: [] })],
      ['a bad nonce length', (): unknown => ({ ...sealed, nonce: b64(new Uint8Array(23)) })],
      ['a version 2 header', (): unknown => ({ ...sealed, header: { ...sealed.header, v: 2 } })],
      [
        'a throwing getter',
        (): unknown =>
          Object.defineProperty({ ...sealed }, 'header', {
            enumerable: true,
            get: () => {
              throw new Error('boom');
            },
          }),
      ],
    ])('%s: ENVELOPE_INVALID', async (_label, value) => {
      expectError(await open(value(), bob), 'ENVELOPE_INVALID');
      expect(await verifyEnvelopeSignature(value(), alice.publicKeys.signing)).toBe(false);
    });

    it('for any JSON value whatsoever', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue(), async (value) => {
          expectError(await open(value, bob), 'ENVELOPE_INVALID');
        }),
        { numRuns: 200 },
      );
    });

    it('for the envelope with any field replaced by any value', async () => {
      const fields = ['header', 'nonce', 'ciphertext', 'keys', 'signature'] as const;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields), fc.anything(), async (field, value) => {
          const result = await open({ ...sealed, [field]: value }, bob);
          expect(result.ok).toBe(false);
        }),
        { numRuns: 200 },
      );
    });
  });

  it('refuses, after a valid signature, sealed strings that are not canonical base64 (a hostile sender)', async () => {
    // The last character of a 24-byte nonce carries no spare bits; of an 80-byte sealed key, two.
    const entry = sealed.keys.find((key) => key.recipient === bob.userId)!;
    const last = entry.sealedKey.at(-2)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    const nonCanonical = `${entry.sealedKey.slice(0, -2)}${sibling}=`;
    expect(Buffer.from(nonCanonical, 'base64').equals(Buffer.from(entry.sealedKey, 'base64'))).toBe(true);
    const keys = sealed.keys.map((key) => (key === entry ? { ...key, sealedKey: nonCanonical } : key));
    const signed = await resign({ ...sealed, keys }, alice);
    // The protocol schema itself admits one spelling per byte string, so this never reaches a key.
    expect(envelope.safeParse(signed).success).toBe(false);
    expectError(await open(signed, bob), 'ENVELOPE_INVALID');
  });
});
