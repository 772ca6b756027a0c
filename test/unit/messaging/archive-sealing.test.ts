/**
 * What a workstation seals to, from its policy's archive key and the server's requirement: the
 * key policy gives, or a refusal before sealing when the server requires a key policy lacks or
 * names differently. Never a key from the server.
 */
import { describe, expect, it } from 'vitest';
import { archiveSealing } from '../../../main/messaging/archive-sealing';
import { archiveRequirementOf } from '../../../shared/protocol/archive-key';
import { archiveFingerprintOfBase64 } from '../../../shared/node/archive/archive-key-pair';

const POLICY_KEY = 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=';
const FINGERPRINT = '300c9c9603b92a4b39ed3958bf9240114804db4fd373012c0ca47432d63425ae';
const OTHER = archiveRequirementOf(archiveFingerprintOfBase64(Buffer.alloc(32, 7).toString('base64')) ?? '');

describe('archive sealing', () => {
  it('seals to policy’s key, under the recipient its fingerprint names, whether or not the server asks', () => {
    const sealed = { ok: true, value: { recipient: 'archive:300c9c9603b92a4b', encryptionKey: POLICY_KEY } };
    expect(archiveSealing(POLICY_KEY, archiveRequirementOf(FINGERPRINT))).toEqual(sealed);
    expect(archiveSealing(POLICY_KEY, null)).toEqual(sealed);
  });

  it('seals to no archive when neither policy nor the server names one', () => {
    expect(archiveSealing(null, null)).toEqual({ ok: true, value: null });
  });

  it('refuses when the server requires a key policy lacks, or another than policy names', () => {
    expect(archiveSealing(null, archiveRequirementOf(FINGERPRINT))).toEqual({
      ok: false,
      error: 'ARCHIVE_KEY_MISSING',
    });
    expect(archiveSealing(POLICY_KEY, OTHER)).toEqual({ ok: false, error: 'ARCHIVE_KEY_MISMATCH' });
  });
});
