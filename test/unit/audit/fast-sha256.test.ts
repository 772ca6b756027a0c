import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { fastSha256 } from '../../../shared/node/audit/fast-sha256';

describe("the verifier's SHA-256", () => {
  it('is SHA-256 of the parts joined, for tree-sized inputs and longer ones alike', async () => {
    const sodium = await loadSodium();
    // The fast path is there to be tested (else it falls back to Node's hash itself).
    expect(
      typeof (sodium as unknown as { libsodium: { _crypto_hash_sha256?: unknown } }).libsodium._crypto_hash_sha256,
    ).toBe('function');
    const sha256 = fastSha256(sodium);
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 }), (parts) => {
        const expected = createHash('sha256');
        for (const part of parts) expected.update(part);
        expect(Buffer.from(sha256(...parts)).toString('hex')).toBe(expected.digest('hex'));
      }),
      { numRuns: 1000 },
    );
  });
});
