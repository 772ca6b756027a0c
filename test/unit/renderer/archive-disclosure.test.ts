/**
 * Settings' archive disclosure: with an archive key in policy, a clinician is told in plain words
 * that the hospital can read their messages for eDiscovery, and shown the key's fingerprint; with
 * none, nothing is said at all.
 */
import { describe, expect, it } from 'vitest';
import { archiveDisclosure } from '../../../renderer/src/settings/archive-disclosure';
import { policySchema } from '../../../shared/policy/policy-schema';

const ARCHIVE = {
  archivePublicKey: 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=',
  archiveKeyFingerprint: '300c9c9603b92a4b39ed3958bf9240114804db4fd373012c0ca47432d63425ae',
};

describe('the archive disclosure in Settings', () => {
  it('says the hospital can read messages for eDiscovery with the key, and shows its fingerprint in groups', () => {
    const disclosure = archiveDisclosure(policySchema.parse(ARCHIVE));
    expect(disclosure?.fingerprint).toBe(
      '300c 9c96 03b9 2a4b 39ed 3958 bf92 4011 4804 db4f d373 012c 0ca4 7432 d634 25ae',
    );
    const text = disclosure?.sentences.join(' ') ?? '';
    expect(text).toContain('Your hospital can read your messages for eDiscovery');
    expect(text).toContain('sealed to the hospital’s archive key');
  });

  it('says nothing when policy names no archive key', () => {
    expect(archiveDisclosure(policySchema.parse({}))).toBeNull();
  });
});
