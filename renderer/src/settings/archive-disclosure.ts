/**
 * What Settings tells a clinician when machine policy names an archive key: in plain words, that
 * the hospital can read their messages under eDiscovery with it (a HIPAA workplace must say so),
 * and the key's fingerprint, to compare with what compliance publishes. Nothing when policy names
 * no key. Pure, so the wording is tested without a browser.
 */
import type { Policy } from '../../../shared/policy/policy-schema';
import { archiveFingerprintText } from './policy-rows';

export interface ArchiveDisclosure {
  readonly sentences: readonly string[];
  /** Sixteen groups of four hex digits. */
  readonly fingerprint: string;
}

export function archiveDisclosure(
  policy: Pick<Policy, 'archivePublicKey' | 'archiveKeyFingerprint'>,
): ArchiveDisclosure | null {
  const fingerprint = archiveFingerprintText(policy.archiveKeyFingerprint);
  if (policy.archivePublicKey === null || fingerprint === null) return null;
  return {
    sentences: [
      'Your hospital can read your messages for eDiscovery, such as a legal hold or an investigation.',
      'Every message sent from this workstation is also sealed to the hospital’s archive key, which the compliance team keeps offline; so is every message from the other workstations given the same key.',
    ],
    fingerprint,
  };
}
