/**
 * The server's Argon2id, in its worker thread: the auth key it derives for accounts it creates
 * must be exactly the client's (or those users could never sign in), and the stored hash must
 * be a slow Argon2id that only the right key verifies.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { derivePasswordKeys } from '../../../main/keys/password-kdf';
import { deriveAuthKey } from '../../../server/crypto/auth-key-derivation';
import { createPasswordHasher } from '../../../server/crypto/password-hasher';
import { clientKeys, HOOK_TIMEOUT_MS } from '../../support/server-fixtures';

const COMPOSED = 'Caf\u00e9 night-shift 7';
const DECOMPOSED = 'Cafe\u0301 night-shift 7';
const SALT = Uint8Array.from({ length: 16 }, (_, i) => i);
const REAL_COST = { memoryMiB: 64, passes: 3 };
// main/keys/password-kdf.test.ts pins the client's auth key for this password and salt.
const PINNED_AUTH_KEY = '51424cc9e3f2d7ef81a7d08e6166db061337a3654133fa9d8103e95690f595a6';
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

const hasher = createPasswordHasher();
afterAll(() => hasher.close(), HOOK_TIMEOUT_MS);

describe('server-side auth key derivation', () => {
  it('gives the client’s auth key at the real cost, for either Unicode form of the password', async () => {
    const server = await deriveAuthKey(hasher, COMPOSED, SALT, REAL_COST);
    const decomposed = await deriveAuthKey(hasher, DECOMPOSED, SALT, REAL_COST);
    const client = await derivePasswordKeys(COMPOSED, SALT, REAL_COST);
    expect(hex(server)).toBe(PINNED_AUTH_KEY);
    expect(hex(decomposed)).toBe(PINNED_AUTH_KEY);
    expect(hex(client.authKey)).toBe(PINNED_AUTH_KEY);
    // The test fixtures' own copy of the client derivation is pinned to the same value.
    const fixture = await clientKeys(COMPOSED, Buffer.from(SALT).toString('base64'), REAL_COST);
    expect(hex(fixture.authKey)).toBe(PINNED_AUTH_KEY);
    expect(hex(fixture.wrapKey)).toBe(hex(client.wrapKey));
  });
});

describe('auth key hashing', () => {
  it('stores an Argon2id hash at libsodium’s interactive cost that only the same key verifies', async () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i * 3);
    const copy = Uint8Array.from(key);
    const hash = await hasher.hash(key);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
    expect(key.every((byte) => byte === 0)).toBe(true);
    expect(await hasher.verify(hash, copy)).toBe(true);
    const other = Uint8Array.from(copy);
    other[0] = (other[0] ?? 0) ^ 1;
    expect(await hasher.verify(hash, other)).toBe(false);
    expect(await hasher.hash(Uint8Array.from(copy))).not.toBe(hash);
  });

  it('keeps serving after many requests at once, one at a time', async () => {
    const key = new Uint8Array(32).fill(9);
    const hash = await hasher.hash(Uint8Array.from(key));
    const results = await Promise.all(Array.from({ length: 6 }, () => hasher.verify(hash, key)));
    expect(results).toEqual(Array(6).fill(true));
  });
});
