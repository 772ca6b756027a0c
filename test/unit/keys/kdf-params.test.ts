import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkKdfParams, KDF_CEILING, KDF_FLOOR } from '../../../main/keys/kdf-params';

const anyInteger = fc.integer({ min: -1_000_000, max: 1_000_000 });
const belowFloorMemory = fc.integer({ min: -1_000_000, max: KDF_FLOOR.memoryMiB - 1 });
const belowFloorPasses = fc.integer({ min: -1_000_000, max: KDF_FLOOR.passes - 1 });
const allowedMemory = fc.integer({ min: KDF_FLOOR.memoryMiB, max: KDF_CEILING.memoryMiB });
const allowedPasses = fc.integer({ min: KDF_FLOOR.passes, max: KDF_CEILING.passes });

describe('checkKdfParams', () => {
  it('accepts the floor, the ceiling and everything between, as a copy', () => {
    expect(checkKdfParams({ memoryMiB: 64, passes: 3 })).toEqual({ ok: true, value: { memoryMiB: 64, passes: 3 } });
    expect(checkKdfParams({ memoryMiB: 2000, passes: 20 })).toEqual({
      ok: true,
      value: { memoryMiB: 2000, passes: 20 },
    });
    fc.assert(
      fc.property(allowedMemory, allowedPasses, (memoryMiB, passes) => {
        const input = { memoryMiB, passes };
        const result = checkKdfParams(input);
        expect(result).toEqual({ ok: true, value: input });
        if (result.ok) expect(result.value).not.toBe(input);
      }),
    );
  });

  it('rejects anything below the floor in either dimension as too weak, whatever the other is', () => {
    fc.assert(
      fc.property(belowFloorMemory, anyInteger, (memoryMiB, passes) => {
        expect(checkKdfParams({ memoryMiB, passes })).toEqual({ ok: false, error: 'KDF_TOO_WEAK' });
      }),
    );
    fc.assert(
      fc.property(anyInteger, belowFloorPasses, (memoryMiB, passes) => {
        expect(checkKdfParams({ memoryMiB, passes })).toEqual({ ok: false, error: 'KDF_TOO_WEAK' });
      }),
    );
    expect(checkKdfParams({ memoryMiB: 63, passes: 20 })).toEqual({ ok: false, error: 'KDF_TOO_WEAK' });
    expect(checkKdfParams({ memoryMiB: 4096, passes: 2 })).toEqual({ ok: false, error: 'KDF_TOO_WEAK' });
  });

  it('rejects anything above the ceiling as invalid, so a tampered file cannot make unlock hang', () => {
    const aboveMemory = fc.integer({ min: KDF_CEILING.memoryMiB + 1, max: Number.MAX_SAFE_INTEGER });
    const abovePasses = fc.integer({ min: KDF_CEILING.passes + 1, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(aboveMemory, allowedPasses),
          fc.tuple(allowedMemory, abovePasses),
          fc.tuple(aboveMemory, abovePasses),
        ),
        ([memoryMiB, passes]) => {
          expect(checkKdfParams({ memoryMiB, passes })).toEqual({ ok: false, error: 'KDF_INVALID' });
        },
      ),
    );
  });

  it('rejects non-integers in either dimension as invalid', () => {
    const notAnInteger = fc.oneof(
      fc.double({ noInteger: true }),
      fc.constantFrom(Number.NaN, Infinity, -Infinity, 2 ** 53, 1e300),
      fc.string(),
      fc.constantFrom(null, undefined, true, 64n, [64], { value: 64 }),
    );
    fc.assert(
      fc.property(notAnInteger, allowedPasses, (bad, passes) => {
        expect(checkKdfParams({ memoryMiB: bad, passes })).toEqual({ ok: false, error: 'KDF_INVALID' });
      }),
    );
    fc.assert(
      fc.property(allowedMemory, notAnInteger, (memoryMiB, bad) => {
        expect(checkKdfParams({ memoryMiB, passes: bad })).toEqual({ ok: false, error: 'KDF_INVALID' });
      }),
    );
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 64],
    ['a string', '{"memoryMiB":64,"passes":3}'],
    ['an array', [64, 3]],
    ['an empty object', {}],
    ['a missing field', { memoryMiB: 64 }],
    ['numeric strings', { memoryMiB: '64', passes: '3' }],
    ['an extra field', { memoryMiB: 64, passes: 3, parallelism: 1 }],
    ['a misspelt field', { memoryMib: 64, passes: 3 }],
  ])('rejects %s as invalid', (_label, input) => {
    expect(checkKdfParams(input)).toEqual({ ok: false, error: 'KDF_INVALID' });
  });

  it('never accepts anything outside the bounds, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ memoryMiB: fc.anything(), passes: fc.anything() })), (input) => {
        const result = checkKdfParams(input);
        if (!result.ok) return;
        expect(Number.isSafeInteger(result.value.memoryMiB) && Number.isSafeInteger(result.value.passes)).toBe(true);
        expect(result.value.memoryMiB).toBeGreaterThanOrEqual(KDF_FLOOR.memoryMiB);
        expect(result.value.memoryMiB).toBeLessThanOrEqual(KDF_CEILING.memoryMiB);
        expect(result.value.passes).toBeGreaterThanOrEqual(KDF_FLOOR.passes);
        expect(result.value.passes).toBeLessThanOrEqual(KDF_CEILING.passes);
      }),
    );
  });

  it('keeps the floor and ceiling constant', () => {
    expect(Object.isFrozen(KDF_FLOOR) && Object.isFrozen(KDF_CEILING)).toBe(true);
  });
});
