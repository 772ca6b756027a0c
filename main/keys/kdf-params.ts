/**
 * Argon2id cost parameters as read from a key file or the server. The floor makes a downgrade
 * impossible (a file cannot ask for a cheaper derivation than policy allows); the ceiling stops a
 * tampered file from making unlock hang or run the machine out of memory.
 */
import type { Result } from '../../shared/result';

export interface KdfParams {
  readonly memoryMiB: number;
  readonly passes: number;
}

export const KDF_FLOOR: KdfParams = Object.freeze({ memoryMiB: 64, passes: 3 });
// 2000 MiB: libsodium.js's WebAssembly heap cannot grow to 2 GiB, so a higher cost could never
// succeed; it would fail only after the user had waited.
export const KDF_CEILING: KdfParams = Object.freeze({ memoryMiB: 2000, passes: 20 });

export type KdfParamsError = 'KDF_TOO_WEAK' | 'KDF_INVALID';

export function checkKdfParams(input: unknown): Result<KdfParams, KdfParamsError> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, error: 'KDF_INVALID' };
  const keys = Object.keys(input);
  if (keys.length !== 2 || !keys.includes('memoryMiB') || !keys.includes('passes'))
    return { ok: false, error: 'KDF_INVALID' };
  const { memoryMiB, passes } = input as Record<string, unknown>;
  if (!Number.isSafeInteger(memoryMiB) || !Number.isSafeInteger(passes)) return { ok: false, error: 'KDF_INVALID' };
  const value: KdfParams = { memoryMiB: memoryMiB as number, passes: passes as number };
  // Weak is checked before too large, so anything below the floor always reads as a downgrade.
  if (value.memoryMiB < KDF_FLOOR.memoryMiB || value.passes < KDF_FLOOR.passes)
    return { ok: false, error: 'KDF_TOO_WEAK' };
  if (value.memoryMiB > KDF_CEILING.memoryMiB || value.passes > KDF_CEILING.passes)
    return { ok: false, error: 'KDF_INVALID' };
  return { ok: true, value: Object.freeze(value) };
}
