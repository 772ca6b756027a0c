import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../../shared/node/crypto/base64';

describe('strict base64', () => {
  it('round-trips any bytes, and agrees with Node on canonical input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = toBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(fromBase64(text, bytes.length)).toEqual(bytes);
        expect(fromBase64(text, 0, 200)).toEqual(bytes);
      }),
    );
  });

  it('encodes a view of a larger buffer as just the view', () => {
    const backing = Uint8Array.from({ length: 10 }, (_, i) => i);
    expect(toBase64(backing.subarray(2, 5))).toBe(Buffer.from([2, 3, 4]).toString('base64'));
  });

  it('refuses every second spelling of the same bytes: non-zero spare bits in the last character', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }).filter((bytes) => bytes.length % 3 !== 0),
        fc.integer({ min: 1, max: 15 }),
        (bytes, spare) => {
          const text = toBase64(bytes);
          const data = text.replace(/=+$/, '');
          const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
          const spareMask = bytes.length % 3 === 1 ? 0b1111 : 0b11;
          fc.pre((spare & spareMask) !== 0);
          const last = alphabet.indexOf(data.at(-1)!) | (spare & spareMask);
          const other = data.slice(0, -1) + alphabet[last]! + text.slice(data.length);
          // Node decodes it to the same bytes; strict decoding refuses it.
          expect(Buffer.from(other, 'base64')).toEqual(Buffer.from(bytes));
          expect(fromBase64(other, bytes.length)).toBeNull();
        },
      ),
    );
  });

  it.each([
    ['base64url characters', '-_8='],
    ['missing padding', 'AAE'],
    ['whitespace', 'AAEC AwQ='],
    ['a stray character Node would skip', 'AA!ECAw=='],
    ['padding in the middle', 'AA==AAAA'],
    ['too few bytes', 'AAECAw=='],
    ['too many bytes', 'AAECAwQFBg=='],
  ])('refuses %s', (_label, text) => {
    expect(fromBase64(text, 5, 6)).toBeNull();
  });

  it('refuses anything that is not a string', () => {
    for (const value of [null, undefined, 42, ['AAAA'], { length: 4 }, new Uint8Array(3)])
      expect(fromBase64(value, 3)).toBeNull();
  });

  it("decodes into memory of its own, never a slice of Node's shared pool, so wiping it wipes every copy", () => {
    const bytes = fromBase64(toBase64(new Uint8Array(32).fill(9)), 32)!;
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(32);
  });
});
