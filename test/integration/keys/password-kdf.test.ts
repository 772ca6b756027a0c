/**
 * Argon2id at the floor takes ~0.3 s per derivation, so this file runs only a handful of them
 * (five through the worker, one in the test thread as an independent reference).
 */
import { hkdfSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { KDF_FLOOR } from '../../../main/keys/kdf-params';
import {
  derivePasswordKeys,
  KeyDerivationError,
  prepareKdf,
  releaseKdfStandby,
  runArgon2id,
  zeroPasswordKeys,
  type PasswordKeys,
} from '../../../main/keys/password-kdf';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { workerCounts } from '../../../shared/node/workers/spawn-worker';

// Composed é (U+00E9); the same password typed decomposed is e + U+0301.
const PASSWORD = 'Caf\u00e9 night-shift 7';
const SALT = Uint8Array.from({ length: 16 }, (_, i) => i);
// The keys for PASSWORD and SALT at the floor. A change here would lock every user out of their keys.
const PINNED_AUTH_KEY = '51424cc9e3f2d7ef81a7d08e6166db061337a3654133fa9d8103e95690f595a6';
const PINNED_WRAP_KEY = 'ba070f9c628b73c035f137152561d6efdd2120594e2c9681ed180883a9e51099';
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
/** KDF workers only: files before this one in the same test worker may leave others ending. */
const kdfWorkers = () => workerCounts('kdf-worker');

/** Runs a derivation and reports the most workers seen alive at once while it ran. */
async function watchingWorkers<T>(run: () => Promise<T>): Promise<{ result: T; maxLive: number }> {
  let maxLive = 0;
  const timer = setInterval(() => (maxLive = Math.max(maxLive, kdfWorkers().live)), 2);
  try {
    return { result: await run(), maxLive };
  } finally {
    clearInterval(timer);
  }
}

async function rejection(promise: Promise<unknown>): Promise<KeyDerivationError> {
  const error: unknown = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof KeyDerivationError)) throw new Error('expected a KeyDerivationError');
  return error;
}

let base: PasswordKeys;
let concurrent: { again: PasswordKeys; maxLive: number; spawned: number; after: ReturnType<typeof kdfWorkers> };

// The two derivations every test compares against, started together.
beforeAll(async () => {
  // A standby an earlier file's core prepared would serve the first derivation here.
  await releaseKdfStandby();
  while (kdfWorkers().live > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const spawned = kdfWorkers().spawned;
  const { result, maxLive } = await watchingWorkers(() =>
    Promise.all([derivePasswordKeys(PASSWORD, SALT, KDF_FLOOR), derivePasswordKeys(PASSWORD, SALT, KDF_FLOOR)]),
  );
  base = result[0];
  concurrent = { again: result[1], maxLive, spawned, after: kdfWorkers() };
});

describe('derivePasswordKeys', () => {
  it('derives two different 32-byte keys, the same ones every time', () => {
    expect(base.authKey).toHaveLength(32);
    expect(base.wrapKey).toHaveLength(32);
    expect(hex(base.authKey)).not.toBe(hex(base.wrapKey));
    expect(hex(concurrent.again.authKey)).toBe(hex(base.authKey));
    expect(hex(concurrent.again.wrapKey)).toBe(hex(base.wrapKey));
  });

  it('runs concurrent requests one at a time, each in a worker that has exited when it resolves', () => {
    // One Argon2id memory peak at a time, and none left behind.
    expect(concurrent.maxLive).toBe(1);
    expect(concurrent.after).toEqual({ spawned: concurrent.spawned + 2, live: 0 });
  });

  it('is Argon2id(passes, MiB) then HKDF-SHA256 with the salt and the wardline/v1 labels', async () => {
    const sodium = await loadSodium();
    const master = sodium.crypto_pwhash(
      32,
      Buffer.from(PASSWORD, 'utf8'),
      SALT,
      3,
      64 * 1024 * 1024,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
    );
    expect(hex(base.authKey)).toBe(
      Buffer.from(hkdfSync('sha256', master, SALT, 'wardline/v1/auth-key', 32)).toString('hex'),
    );
    expect(hex(base.wrapKey)).toBe(
      Buffer.from(hkdfSync('sha256', master, SALT, 'wardline/v1/wrap-key', 32)).toString('hex'),
    );
    expect(hex(base.authKey)).toBe(PINNED_AUTH_KEY);
    expect(hex(base.wrapKey)).toBe(PINNED_WRAP_KEY);
  });

  it('gives different keys for a different password or salt, with one exited worker each', async () => {
    const before = kdfWorkers().spawned;
    const otherPassword = await derivePasswordKeys('Cafe night-shift 7', SALT, KDF_FLOOR);
    expect(kdfWorkers()).toEqual({ spawned: before + 1, live: 0 });
    const otherSalt = await derivePasswordKeys(
      PASSWORD,
      SALT.map((b) => b ^ 0xff),
      KDF_FLOOR,
    );
    expect(kdfWorkers()).toEqual({ spawned: before + 2, live: 0 });
    const all = [base, otherPassword, otherSalt].flatMap((keys) => [hex(keys.authKey), hex(keys.wrapKey)]);
    expect(new Set(all).size).toBe(6);
  });

  it('treats the composed and decomposed forms of a password as the same password', async () => {
    const decomposed = await derivePasswordKeys(PASSWORD.normalize('NFD'), SALT, KDF_FLOOR);
    expect(PASSWORD.normalize('NFD')).not.toBe(PASSWORD);
    expect(hex(decomposed.wrapKey)).toBe(hex(base.wrapKey));
  });

  it.each([
    [{ memoryMiB: 63, passes: 3 }, 'KDF_TOO_WEAK'],
    [{ memoryMiB: 64, passes: 2 }, 'KDF_TOO_WEAK'],
    [{ memoryMiB: 64, passes: 21 }, 'KDF_INVALID'],
    [{ memoryMiB: 64.5, passes: 3 }, 'KDF_INVALID'],
  ])('rejects %o with %s without starting a worker', async (params, code) => {
    const before = kdfWorkers();
    expect((await rejection(derivePasswordKeys(PASSWORD, SALT, params))).code).toBe(code);
    expect(kdfWorkers()).toEqual(before);
  });

  it.each([0, 15, 17, 32])('rejects a %i-byte salt without starting a worker', async (length) => {
    const before = kdfWorkers();
    expect((await rejection(derivePasswordKeys(PASSWORD, new Uint8Array(length), KDF_FLOOR))).code).toBe('BAD_SALT');
    expect(kdfWorkers()).toEqual(before);
  });

  it('reports a failure inside the worker as KDF_FAILED, once the worker has exited', async () => {
    // libsodium.js has a 2 GiB heap and refuses a 4 GiB memory cost at once: a real in-worker
    // failure. Policy never allows that cost, so the worker is driven below the policy check.
    const before = kdfWorkers().spawned;
    const error = await rejection(runArgon2id(PASSWORD, SALT, { memoryMiB: 4096, passes: 3 }));
    expect(error.code).toBe('KDF_FAILED');
    expect(error.message).not.toContain(PASSWORD);
    expect(kdfWorkers()).toEqual({ spawned: before + 1, live: 0 });
  });

  it('zeroes both keys', async () => {
    const keys = { authKey: Uint8Array.from(base.authKey), wrapKey: Uint8Array.from(base.wrapKey) };
    expect(keys.authKey.some((b) => b !== 0)).toBe(true);
    await zeroPasswordKeys(keys);
    expect(keys.authKey.every((b) => b === 0)).toBe(true);
    expect(keys.wrapKey.every((b) => b === 0)).toBe(true);
    expect(keys.wrapKey).toHaveLength(32);
  });

  it('hands a prepared worker to the next derivation, which starts none of its own', async () => {
    const before = kdfWorkers();
    prepareKdf(64);
    prepareKdf(64);
    // One standby however often a screen asks for it.
    expect(kdfWorkers()).toEqual({ spawned: before.spawned + 1, live: before.live + 1 });
    const keys = await derivePasswordKeys(PASSWORD, SALT, KDF_FLOOR);
    expect(hex(keys.wrapKey)).toBe(PINNED_WRAP_KEY);
    // Taken, used and exited: nothing left holding the derivation's memory.
    expect(kdfWorkers()).toEqual({ spawned: before.spawned + 1, live: before.live });
    // The next derivation without a standby starts its own again.
    await derivePasswordKeys(PASSWORD, SALT, KDF_FLOOR);
    expect(kdfWorkers()).toEqual({ spawned: before.spawned + 2, live: before.live });
  });

  it('ends a standby that is no longer wanted', async () => {
    const before = kdfWorkers();
    prepareKdf(64);
    expect(kdfWorkers().live).toBe(before.live + 1);
    await releaseKdfStandby();
    await expect.poll(() => kdfWorkers().live).toBe(before.live);
    const keys = await derivePasswordKeys(PASSWORD, SALT, KDF_FLOOR);
    expect(hex(keys.authKey)).toBe(PINNED_AUTH_KEY);
    expect(kdfWorkers().spawned).toBe(before.spawned + 2);
  });
});
