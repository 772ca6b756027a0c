import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  generateIdentityKeys,
  identityWrapAssociatedData,
  publicKeysOf,
  unwrapIdentityKeys,
  wrapIdentityKeys,
  zeroIdentityKeys,
  type IdentityKeyPairs,
} from '../../../main/crypto/identity-keys';
import { wrapSecret } from '../../../main/keys/key-wrap';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import { fingerprint, identityPublicKeys, wrappedPrivateKeys } from '../../../shared/protocol/identity';
import { b64, flipBit, flipChar, unb64 } from './fixtures';

let sodium: Sodium;
let alice: IdentityKeyPairs;
let bob: IdentityKeyPairs;
const wrapKey = new Uint8Array(32).fill(7);

beforeAll(async () => {
  sodium = await loadSodium();
  [alice, bob] = await Promise.all([generateIdentityKeys(), generateIdentityKeys()]);
});

const wrapKeyArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('identity keys', () => {
  it('are an Ed25519 and an X25519 key pair whose halves belong together', async () => {
    const keys = await generateIdentityKeys();
    expect([keys.signing.publicKey.length, keys.signing.privateKey.length]).toEqual([32, 64]);
    expect([keys.encryption.publicKey.length, keys.encryption.privateKey.length]).toEqual([32, 32]);
    const message = new TextEncoder().encode('hello');
    expect(
      sodium.crypto_sign_verify_detached(
        sodium.crypto_sign_detached(message, keys.signing.privateKey),
        message,
        keys.signing.publicKey,
      ),
    ).toBe(true);
    expect(sodium.crypto_scalarmult_base(keys.encryption.privateKey)).toEqual(keys.encryption.publicKey);
    const other = await generateIdentityKeys();
    expect(b64(other.signing.privateKey)).not.toBe(b64(keys.signing.privateKey));
    expect(b64(other.encryption.privateKey)).not.toBe(b64(keys.encryption.privateKey));
  });

  it('publish their public halves as the directory schema expects', () => {
    const published = publicKeysOf(alice);
    expect(identityPublicKeys.safeParse(published).success).toBe(true);
    expect(unb64(published.signing)).toEqual(alice.signing.publicKey);
    expect(unb64(published.encryption)).toEqual(alice.encryption.publicKey);
  });

  it('are wiped by zeroIdentityKeys, private halves only', async () => {
    const keys = await generateIdentityKeys();
    const publicSigning = b64(keys.signing.publicKey);
    await zeroIdentityKeys(keys);
    expect(keys.signing.privateKey.every((byte) => byte === 0)).toBe(true);
    expect(keys.encryption.privateKey.every((byte) => byte === 0)).toBe(true);
    expect(b64(keys.signing.publicKey)).toBe(publicSigning);
  });
});

describe('fingerprintOf', () => {
  /**
   * Known answer, computed once outside libsodium and Node: Python's hashlib.blake2b with
   * digest_size=32 over the exact fingerprintInput bytes for these two keys,
   *   ["wardline/fingerprint/v1","AAECAwQF…Hh8=","ICEiIyQl…Pj8="]
   * BLAKE2b-256 is its own parameter set (the output length is hashed into the state), so it is
   * not the first half of BLAKE2b-512: the test below shows the difference.
   */
  const vectorKeys = {
    signing: b64(Uint8Array.from({ length: 32 }, (_, i) => i)),
    encryption: b64(Uint8Array.from({ length: 32 }, (_, i) => i + 32)),
  };
  const vector = 'c216697b6f582502082e13a43a104ca410a1738b343497066e44a3be9f51d965';

  it('matches an independently computed BLAKE2b-256 vector', async () => {
    expect(await fingerprintOf(vectorKeys)).toBe(vector);
  });

  it('is BLAKE2b-256 (known answer for the empty input, also given by Python hashlib), not truncated BLAKE2b-512', () => {
    expect(sodium.to_hex(sodium.crypto_generichash(32, new Uint8Array(), null))).toBe(
      '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8',
    );
    const truncated = createHash('blake2b512')
      .update(JSON.stringify(['wardline/fingerprint/v1', vectorKeys.signing, vectorKeys.encryption]))
      .digest('hex')
      .slice(0, 64);
    expect(truncated).not.toBe(vector);
  });

  it('is stable for the same keys, 64 lower-case hex digits, and differs for other keys', async () => {
    const first = await fingerprintOf(publicKeysOf(alice));
    expect(fingerprint.safeParse(first).success).toBe(true);
    expect(await fingerprintOf({ ...publicKeysOf(alice) })).toBe(first);
    expect(await fingerprintOf(publicKeysOf(bob))).not.toBe(first);
    expect(
      await fingerprintOf({ signing: publicKeysOf(alice).signing, encryption: publicKeysOf(bob).encryption }),
    ).not.toBe(first);
    expect(
      await fingerprintOf({ signing: publicKeysOf(alice).encryption, encryption: publicKeysOf(alice).signing }),
    ).not.toBe(first);
  });

  it.each([
    ['not canonical', { ...{ signing: `${'A'.repeat(42)}B=`, encryption: b64(new Uint8Array(32)) } }],
    ['31 bytes', { signing: b64(new Uint8Array(31)), encryption: b64(new Uint8Array(32)) }],
    [
      'base64url',
      { signing: b64(new Uint8Array(32).fill(0xfb)).replace(/\//g, '_'), encryption: b64(new Uint8Array(32)) },
    ],
  ])('refuses a key that is %s: one key, one fingerprint', async (_label, keys) => {
    await expect(fingerprintOf(keys)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('wrapIdentityKeys / unwrapIdentityKeys', () => {
  it('round-trips: the unwrapped keys are the same keys, and they still sign and open', async () => {
    const wrapped = await wrapIdentityKeys(alice, wrapKey);
    expect(wrappedPrivateKeys.safeParse(wrapped).success).toBe(true);
    const keys = await unwrapIdentityKeys(wrapped, publicKeysOf(alice), wrapKey);
    expect(keys).not.toBeNull();
    expect(keys!.signing.privateKey).toEqual(alice.signing.privateKey);
    expect(keys!.signing.publicKey).toEqual(alice.signing.publicKey);
    expect(keys!.encryption.privateKey).toEqual(alice.encryption.privateKey);
    expect(keys!.encryption.publicKey).toEqual(alice.encryption.publicKey);
    const sealed = sodium.crypto_box_seal(new Uint8Array([1, 2, 3]), alice.encryption.publicKey);
    expect(sodium.crypto_box_seal_open(sealed, keys!.encryption.publicKey, keys!.encryption.privateKey)).toEqual(
      new Uint8Array([1, 2, 3]),
    );
  });

  it('does not carry either private key in the clear', async () => {
    const blob = Buffer.from(unb64(await wrapIdentityKeys(alice, wrapKey)));
    expect(blob.includes(Buffer.from(alice.signing.privateKey.subarray(0, 16)))).toBe(false);
    expect(blob.includes(Buffer.from(alice.encryption.privateKey.subarray(0, 16)))).toBe(false);
  });

  it('gives null for any other wrap key', async () => {
    await fc.assert(
      fc.asyncProperty(wrapKeyArb, wrapKeyArb, async (right, wrong) => {
        fc.pre(!Buffer.from(right).equals(Buffer.from(wrong)));
        expect(await unwrapIdentityKeys(await wrapIdentityKeys(alice, right), publicKeysOf(alice), wrong)).toBeNull();
      }),
      { numRuns: 50 },
    );
  });

  it('gives null for a blob with any bit or any base64 character changed', async () => {
    const wrapped = await wrapIdentityKeys(alice, wrapKey);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 7 }), fc.nat(), async (at, bit, shift) => {
        expect(await unwrapIdentityKeys(flipBit(wrapped, at, bit), publicKeysOf(alice), wrapKey)).toBeNull();
        expect(await unwrapIdentityKeys(flipChar(wrapped, at, shift), publicKeysOf(alice), wrapKey)).toBeNull();
      }),
    );
  });

  it('gives null for a truncated, empty or malformed blob', async () => {
    const wrapped = await wrapIdentityKeys(alice, wrapKey);
    const bytes = unb64(wrapped);
    await fc.assert(
      fc.asyncProperty(fc.nat(), async (cut) => {
        expect(
          await unwrapIdentityKeys(b64(bytes.subarray(0, cut % bytes.length)), publicKeysOf(alice), wrapKey),
        ).toBeNull();
      }),
      { numRuns: 50 },
    );
    for (const blob of ['', 'not base64!', wrapped.slice(0, -4), `${wrapped}AAAA`, 42 as unknown as string]) {
      expect(await unwrapIdentityKeys(blob, publicKeysOf(alice), wrapKey)).toBeNull();
    }
  });

  it("gives null under someone else's public keys, or with either key swapped", async () => {
    const wrapped = await wrapIdentityKeys(alice, wrapKey);
    const mine = publicKeysOf(alice);
    const theirs = publicKeysOf(bob);
    expect(await unwrapIdentityKeys(wrapped, theirs, wrapKey)).toBeNull();
    expect(
      await unwrapIdentityKeys(wrapped, { signing: theirs.signing, encryption: mine.encryption }, wrapKey),
    ).toBeNull();
    expect(
      await unwrapIdentityKeys(wrapped, { signing: mine.signing, encryption: theirs.encryption }, wrapKey),
    ).toBeNull();
    expect(
      await unwrapIdentityKeys(wrapped, { signing: mine.encryption, encryption: mine.signing }, wrapKey),
    ).toBeNull();
    expect(await unwrapIdentityKeys(wrapped, null as never, wrapKey)).toBeNull();
  });

  it('gives null when the private keys inside do not derive the public keys, even under the right associated data', async () => {
    // A blob forged with the real format and associated data: it opens only when the keys match.
    const forge = async (privateOf: IdentityKeyPairs, claimed: IdentityKeyPairs) => {
      const plain = new Uint8Array([
        ...privateOf.signing.privateKey.subarray(0, 32),
        ...privateOf.encryption.privateKey,
      ]);
      return b64(await wrapSecret(plain, wrapKey, identityWrapAssociatedData(publicKeysOf(claimed))));
    };
    expect(await unwrapIdentityKeys(await forge(alice, alice), publicKeysOf(alice), wrapKey)).not.toBeNull();
    expect(await unwrapIdentityKeys(await forge(bob, alice), publicKeysOf(alice), wrapKey)).toBeNull();
    const mixed = { signing: alice.signing, encryption: bob.encryption };
    expect(await unwrapIdentityKeys(await forge(mixed, alice), publicKeysOf(alice), wrapKey)).toBeNull();
  });

  it('gives null for the right private keys wrapped under any other associated data (another purpose, other public keys)', async () => {
    const plain = new Uint8Array([...alice.signing.privateKey.subarray(0, 32), ...alice.encryption.privateKey]);
    const under = async (associatedData: Uint8Array) => b64(await wrapSecret(plain, wrapKey, associatedData));
    expect(
      await unwrapIdentityKeys(
        await under(identityWrapAssociatedData(publicKeysOf(alice))),
        publicKeysOf(alice),
        wrapKey,
      ),
    ).not.toBeNull();
    for (const other of [
      new Uint8Array(),
      new TextEncoder().encode('["wardline/identity-keys/v1"]'),
      identityWrapAssociatedData(publicKeysOf(bob)),
    ]) {
      expect(await unwrapIdentityKeys(await under(other), publicKeysOf(alice), wrapKey)).toBeNull();
    }
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (other) => {
        expect(await unwrapIdentityKeys(await under(other), publicKeysOf(alice), wrapKey)).toBeNull();
      }),
      { numRuns: 50 },
    );
  });

  it('refuses to wrap private keys that do not belong to the public keys', async () => {
    const mismatched = {
      signing: alice.signing,
      encryption: { publicKey: bob.encryption.publicKey, privateKey: alice.encryption.privateKey },
    };
    await expect(wrapIdentityKeys(mismatched, wrapKey)).rejects.toBeInstanceOf(TypeError);
  });

  it('throws a TypeError for a wrap key of the wrong size (a bug, not hostile input)', async () => {
    await expect(wrapIdentityKeys(alice, new Uint8Array(16))).rejects.toBeInstanceOf(TypeError);
    await expect(
      unwrapIdentityKeys(await wrapIdentityKeys(alice, wrapKey), publicKeysOf(alice), new Uint8Array(31)),
    ).rejects.toBeInstanceOf(TypeError);
  });
});
