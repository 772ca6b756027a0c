import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unwrapSecret, wrapSecret } from '../../../main/keys/key-wrap';
import { loadSodium } from '../../../shared/node/crypto/sodium';

const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
const secret = fc.uint8Array({ minLength: 0, maxLength: 256 });
const ad = fc.uint8Array({ minLength: 0, maxLength: 64 });
const OVERHEAD = 1 + 24 + 16;

describe('key wrap', () => {
  it('round-trips any secret under any associated data', async () => {
    await fc.assert(
      fc.asyncProperty(secret, key, ad, async (s, k, a) => {
        const wrapped = await wrapSecret(s, k, a);
        expect(wrapped.length).toBe(s.length + OVERHEAD);
        expect(wrapped[0]).toBe(0x01);
        expect(await unwrapSecret(wrapped, k, a)).toEqual(s);
      }),
    );
  });

  it('uses a fresh nonce each time, so wrapping the same secret twice differs', async () => {
    const k = new Uint8Array(32).fill(1);
    const s = new Uint8Array(32).fill(2);
    const a = await wrapSecret(s, k, new Uint8Array());
    const b = await wrapSecret(s, k, new Uint8Array());
    expect(Buffer.from(a.subarray(1, 25)).equals(Buffer.from(b.subarray(1, 25)))).toBe(false);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('does not contain the secret in the clear', async () => {
    const s = new Uint8Array(64).fill(0xab);
    const wrapped = await wrapSecret(s, new Uint8Array(32).fill(3), new Uint8Array());
    expect(Buffer.from(wrapped).includes(Buffer.from(s.subarray(0, 8)))).toBe(false);
  });

  it('refuses a blob with any single bit flipped', async () => {
    await fc.assert(
      fc.asyncProperty(secret, key, ad, fc.nat(), fc.integer({ min: 0, max: 7 }), async (s, k, a, at, bit) => {
        const wrapped = await wrapSecret(s, k, a);
        wrapped[at % wrapped.length]! ^= 1 << bit;
        expect(await unwrapSecret(wrapped, k, a)).toBeNull();
      }),
    );
  });

  it('refuses other associated data', async () => {
    await fc.assert(
      fc.asyncProperty(secret, key, ad, ad, async (s, k, a, other) => {
        fc.pre(!Buffer.from(a).equals(Buffer.from(other)));
        expect(await unwrapSecret(await wrapSecret(s, k, a), k, other)).toBeNull();
      }),
    );
  });

  it('refuses another key', async () => {
    await fc.assert(
      fc.asyncProperty(secret, key, key, ad, async (s, k, other, a) => {
        fc.pre(!Buffer.from(k).equals(Buffer.from(other)));
        expect(await unwrapSecret(await wrapSecret(s, k, a), other, a)).toBeNull();
      }),
    );
  });

  it('refuses any truncation, and an extended blob', async () => {
    await fc.assert(
      fc.asyncProperty(secret, key, ad, fc.nat(), async (s, k, a, cut) => {
        const wrapped = await wrapSecret(s, k, a);
        expect(await unwrapSecret(wrapped.subarray(0, cut % wrapped.length), k, a)).toBeNull();
      }),
    );
    const k = new Uint8Array(32).fill(4);
    const wrapped = await wrapSecret(new Uint8Array([1, 2, 3]), k, new Uint8Array());
    expect(await unwrapSecret(new Uint8Array([...wrapped, 0]), k, new Uint8Array())).toBeNull();
    expect(await unwrapSecret(new Uint8Array(), k, new Uint8Array())).toBeNull();
  });

  it('refuses any version other than 1', async () => {
    const k = new Uint8Array(32).fill(5);
    const wrapped = await wrapSecret(new Uint8Array([1, 2, 3]), k, new Uint8Array());
    for (const version of [0x00, 0x02, 0x81, 0xff]) {
      const changed = Uint8Array.from(wrapped);
      changed[0] = version;
      expect(await unwrapSecret(changed, k, new Uint8Array())).toBeNull();
    }
  });

  it('binds the version into the associated data', async () => {
    // Opening the payload without the version prefix in the AD must fail: the tag covers it.
    const sodium = await loadSodium();
    const k = new Uint8Array(32).fill(6);
    const a = new Uint8Array([9, 9]);
    const wrapped = await wrapSecret(new Uint8Array([1, 2, 3]), k, a);
    const open = (data: Uint8Array) => () =>
      sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, wrapped.subarray(25), data, wrapped.subarray(1, 25), k);
    expect(open(a)).toThrow();
    expect(open(new Uint8Array([0x01, 9, 9]))()).toEqual(new Uint8Array([1, 2, 3]));
  });

  it.each([0, 16, 31, 33, 64])('throws a TypeError for a %i-byte wrapping key', async (length) => {
    const k = new Uint8Array(length);
    await expect(wrapSecret(new Uint8Array(1), k, new Uint8Array())).rejects.toBeInstanceOf(TypeError);
    await expect(unwrapSecret(new Uint8Array(64), k, new Uint8Array())).rejects.toBeInstanceOf(TypeError);
  });
});
