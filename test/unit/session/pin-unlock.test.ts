/**
 * The PIN-sealed unlock secret: it opens with the right PIN only, its fields are canonical
 * base64, and a damaged record reads as a wrong PIN (null), never as a crash. The key derivation
 * is a fast stand-in: Argon2id itself is tested with the password KDF.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KDF_FLOOR } from '../../../main/keys/kdf-params';
import { openWithPin, parsePinRecord, sealWithPin, type DeriveKeys } from '../../../main/session/pin-unlock';

const derive: DeriveKeys = (secret, salt) => {
  if (salt.length !== 16) throw new Error('BAD_SALT');
  const digest = createHash('sha512').update(secret).update(salt).digest();
  return Promise.resolve({
    authKey: new Uint8Array(digest.subarray(0, 32)),
    wrapKey: new Uint8Array(digest.subarray(32)),
  });
};

const secret = () => new Uint8Array(randomBytes(32));

describe('PIN unlock', () => {
  it('opens the sealed secret with the right PIN, and nothing with a wrong one', async () => {
    const wrapKey = secret();
    const record = await sealWithPin(derive, '482913', wrapKey, KDF_FLOOR);
    expect(await openWithPin(derive, '482913', record)).toEqual(wrapKey);
    expect(await openWithPin(derive, '482914', record)).toBeNull();
  });

  it('stores canonical base64 and reads back what it wrote', async () => {
    const record = await sealWithPin(derive, '4829', secret(), KDF_FLOOR);
    for (const field of [record.salt, record.nonce, record.sealed]) {
      expect(Buffer.from(field, 'base64').toString('base64')).toBe(field);
    }
    expect(parsePinRecord(JSON.stringify(record))).toEqual(record);
  });

  it('reads a damaged record as a wrong PIN, not a crash', async () => {
    const record = await sealWithPin(derive, '4829', secret(), KDF_FLOOR);
    const damaged = [
      { ...record, salt: record.salt.slice(4) },
      { ...record, nonce: 'AAAA' },
      { ...record, sealed: '' },
      { ...record, salt: `${record.salt.slice(0, -3)}B==` },
    ];
    for (const broken of damaged) expect(await openWithPin(derive, '4829', broken)).toBeNull();
  });

  it('refuses a stored record that is not one', () => {
    expect(parsePinRecord(null)).toBeNull();
    expect(parsePinRecord('not json')).toBeNull();
    expect(
      parsePinRecord(JSON.stringify({ v: 1, salt: '***', nonce: 'AAAA', sealed: 'AAAA', kdf: KDF_FLOOR })),
    ).toBeNull();
    expect(
      parsePinRecord(JSON.stringify({ v: 2, salt: 'AAAA', nonce: 'AAAA', sealed: 'AAAA', kdf: KDF_FLOOR })),
    ).toBeNull();
    expect(parsePinRecord(JSON.stringify({ v: 1, salt: 'AAAA', nonce: 'AAAA', sealed: 'AAAA' }))).toBeNull();
  });
});
