import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SealError, sealEnvelope, type SealErrorCode, type SealInput } from '../../../main/crypto/envelope-seal';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import {
  envelope,
  envelopeHeaderBytes,
  envelopeSignedBytes,
  MAX_CIPHERTEXT_BYTES,
  SEALED_KEY_BYTES,
} from '../../../shared/protocol/envelope';
import { b64, bodyFor, headerFor, keyOf, makeUser, unb64, type TestUser } from './fixtures';

let sodium: Sodium;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  sodium = await loadSodium();
  [alice, bob, carol] = await Promise.all([makeUser('nurse.adams'), makeUser('dr.okafor'), makeUser('dr.lee')]);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function input(overrides: Partial<SealInput> = {}): SealInput {
  return {
    header: headerFor(alice, [bob, carol]),
    body: bodyFor(alice, [bob, carol]),
    recipientKeys: [keyOf(bob), keyOf(carol), keyOf(alice)],
    signingKey: alice.keys.signing.privateKey,
    ...overrides,
  };
}

async function sealCode(value: SealInput): Promise<SealErrorCode | 'sealed' | 'other'> {
  try {
    await sealEnvelope(value);
    return 'sealed';
  } catch (error) {
    return error instanceof SealError ? error.code : 'other';
  }
}

describe('sealEnvelope', () => {
  it('produces a schema-valid envelope with one sealed key per key recipient, in the order given', async () => {
    const sealedInput = input();
    const sealed = await sealEnvelope(sealedInput);
    expect(envelope.safeParse(sealed).success).toBe(true);
    expect(sealed.header).toEqual(sealedInput.header);
    expect(sealed.keys.map((entry) => [entry.recipient, entry.publicKey])).toEqual(
      sealedInput.recipientKeys.map((entry) => [entry.recipient, entry.encryptionKey]),
    );
    for (const entry of sealed.keys) expect(unb64(entry.sealedKey).length).toBe(SEALED_KEY_BYTES);
    expect(unb64(sealed.nonce).length).toBe(24);
    const plaintextLength = new TextEncoder().encode(JSON.stringify(sealedInput.body)).length;
    expect(unb64(sealed.ciphertext).length).toBe(plaintextLength + 16);
  });

  it('follows the format: libsodium alone, without envelope-open, verifies and opens it for every key recipient', async () => {
    const sealedInput = input();
    const sealed = await sealEnvelope(sealedInput);
    expect(
      sodium.crypto_sign_verify_detached(
        unb64(sealed.signature),
        envelopeSignedBytes(sealed),
        alice.keys.signing.publicKey,
      ),
    ).toBe(true);
    for (const user of [bob, carol, alice]) {
      const entry = sealed.keys.find((key) => key.recipient === user.userId)!;
      const contentKey = sodium.crypto_box_seal_open(
        unb64(entry.sealedKey),
        user.keys.encryption.publicKey,
        user.keys.encryption.privateKey,
      );
      const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        unb64(sealed.ciphertext),
        envelopeHeaderBytes(sealed.header),
        unb64(sealed.nonce),
        contentKey,
      );
      expect(JSON.parse(Buffer.from(plain).toString('utf8'))).toEqual(sealedInput.body);
    }
  });

  it('uses a fresh content key and nonce for every message', async () => {
    const same = input();
    const [a, b] = await Promise.all([sealEnvelope(same), sealEnvelope(same)]);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.keys[0]!.sealedKey).not.toBe(b.keys[0]!.sealedKey);
    const bobKey = (value: typeof a) =>
      sodium.crypto_box_seal_open(
        unb64(value.keys[0]!.sealedKey),
        bob.keys.encryption.publicKey,
        bob.keys.encryption.privateKey,
      );
    expect(b64(bobKey(a))).not.toBe(b64(bobKey(b)));
  });

  it('does not carry the text in the clear', async () => {
    const text = 'PATIENT-MARKER-7781 needs review';
    const sealed = await sealEnvelope(input({ body: bodyFor(alice, [bob, carol], text) }));
    const wire = JSON.stringify(sealed);
    expect(wire).not.toContain('PATIENT-MARKER');
    expect(Buffer.from(unb64(sealed.ciphertext)).includes(Buffer.from('PATIENT-MARKER'))).toBe(false);
  });

  it('wipes the content key once the envelope is sealed', async () => {
    const keygen = vi.spyOn(sodium, 'crypto_aead_xchacha20poly1305_ietf_keygen');
    await sealEnvelope(input());
    expect(keygen).toHaveBeenCalledTimes(1);
    const contentKey = keygen.mock.results[0]!.value as Uint8Array;
    expect(contentKey.length).toBe(32);
    expect(contentKey.every((byte) => byte === 0)).toBe(true);
  });

  it('seals to an extra archive key recipient', async () => {
    const archive = await makeUser('archive');
    const sealed = await sealEnvelope(
      input({
        recipientKeys: [
          keyOf(bob),
          keyOf(carol),
          keyOf(alice),
          { recipient: 'archive:records-1', encryptionKey: archive.publicKeys.encryption },
        ],
      }),
    );
    expect(sealed.keys.map((entry) => entry.recipient)).toContain('archive:records-1');
  });

  describe('refuses bad input with a code, before making any key', () => {
    const cases: [string, () => Partial<SealInput>, SealErrorCode][] = [
      ['an empty text', () => ({ body: bodyFor(alice, [bob, carol], '') }), 'BODY_INVALID'],
      [
        'a body with an extra field',
        () => ({ body: { ...bodyFor(alice, [bob]), html: '<b>x</b>' } as never }),
        'BODY_INVALID',
      ],
      [
        'a header with a bad id',
        () => ({ header: { ...headerFor(alice, [bob, carol]), id: 'not-a-uuid' } }),
        'HEADER_INVALID',
      ],
      [
        'an expiry before sending',
        () => ({ header: headerFor(alice, [bob, carol], { expiresAt: 1_759_999_999_999 }) }),
        'HEADER_INVALID',
      ],
      [
        'an expiry equal to sending',
        () => ({ header: headerFor(alice, [bob, carol], { expiresAt: 1_760_000_000_000 }) }),
        'HEADER_INVALID',
      ],
      ['duplicate header recipients', () => ({ header: headerFor(alice, [bob, bob, carol]) }), 'HEADER_INVALID'],
      [
        'a 32-byte signing key',
        () => ({ signingKey: alice.keys.signing.privateKey.slice(0, 32) }),
        'SIGNING_KEY_INVALID',
      ],
      [
        'a header recipient without a key',
        () => ({ recipientKeys: [keyOf(bob), keyOf(alice)] }),
        'RECIPIENT_KEY_MISSING',
      ],
      ['no copy for the sender', () => ({ recipientKeys: [keyOf(bob), keyOf(carol)] }), 'RECIPIENT_KEY_MISSING'],
      ['no keys at all', () => ({ recipientKeys: [] }), 'RECIPIENT_KEYS_INVALID'],
      [
        'a duplicated key recipient',
        () => ({ recipientKeys: [keyOf(bob), keyOf(carol), keyOf(alice), keyOf(bob)] }),
        'RECIPIENT_KEYS_INVALID',
      ],
      [
        'a 31-byte public key',
        () => ({
          recipientKeys: [
            { recipient: bob.userId, encryptionKey: b64(new Uint8Array(31)) },
            keyOf(carol),
            keyOf(alice),
          ],
        }),
        'RECIPIENT_KEYS_INVALID',
      ],
      [
        'a base64url public key',
        () => ({
          recipientKeys: [
            {
              recipient: bob.userId,
              encryptionKey: b64(new Uint8Array(32).fill(0xfb)).replace(/\+/g, '-').replace(/\//g, '_'),
            },
            keyOf(carol),
            keyOf(alice),
          ],
        }),
        'RECIPIENT_KEYS_INVALID',
      ],
      [
        'a non-canonical public key',
        () => ({
          recipientKeys: [{ recipient: bob.userId, encryptionKey: `${'A'.repeat(42)}B=` }, keyOf(carol), keyOf(alice)],
        }),
        'RECIPIENT_KEYS_INVALID',
      ],
      [
        'a malformed key recipient',
        () => ({
          recipientKeys: [
            keyOf(bob),
            keyOf(carol),
            keyOf(alice),
            { recipient: 'Archive:X', encryptionKey: bob.publicKeys.encryption },
          ],
        }),
        'RECIPIENT_KEYS_INVALID',
      ],
      [
        'more key recipients than an envelope holds',
        () => ({
          recipientKeys: [
            keyOf(bob),
            keyOf(carol),
            keyOf(alice),
            ...Array.from({ length: 102 }, (_, i) => ({
              recipient: `user${String(i)}`,
              encryptionKey: bob.publicKeys.encryption,
            })),
          ],
        }),
        'RECIPIENT_KEYS_INVALID',
      ],
    ];

    it.each(cases)('%s', async (_label, change, code) => {
      const keygen = vi.spyOn(sodium, 'crypto_aead_xchacha20poly1305_ietf_keygen');
      expect(await sealCode(input(change()))).toBe(code);
      expect(keygen).not.toHaveBeenCalled();
    });
  });

  it('seals the largest body the schema allows: the ciphertext limit covers worst-case JSON escaping', async () => {
    // 10,000 control characters are valid text but become 60,000 bytes of \u00XX escapes.
    const participants = Array.from({ length: 101 }, (_, i) => `p${String(i).padStart(3, '0')}${'x'.repeat(60)}`);
    const body = {
      ...bodyFor(alice, [bob, carol], '\u0001'.repeat(10_000)),
      conversation: { kind: 'group' as const, title: '\u0002'.repeat(200), participants, roleAddress: null },
    };
    expect(new TextEncoder().encode(JSON.stringify(body)).length).toBeGreaterThan(64 * 1024);
    const sealedBody = await sealEnvelope(input({ body }));
    expect(Buffer.from(sealedBody.ciphertext, 'base64').length).toBeLessThanOrEqual(MAX_CIPHERTEXT_BYTES);
  });

  it('puts no input in its error messages', async () => {
    const error: unknown = await sealEnvelope(
      input({ body: { ...bodyFor(alice, [bob], 'SECRET-TEXT'), extra: 1 } as never }),
    ).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SealError);
    expect(String(error)).not.toContain('SECRET-TEXT');
    expect(String(error)).not.toContain(alice.userId);
  });
});
