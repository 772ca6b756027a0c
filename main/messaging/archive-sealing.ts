/**
 * Whether this workstation may seal, and to which archive key besides the readers (issue 20):
 * machine policy gives the key (archivePublicKey; its fingerprint was checked when policy
 * loaded), and the server's sign-in answer says which key, if any, it requires
 * (shared/protocol/archive-key.ts). The server never supplies the key itself: it could name one
 * of its own and read everything. Decided once per messaging session, before anything is sealed.
 *
 * - The server requires a key and policy names none: every send is refused (ARCHIVE_KEY_MISSING)
 *   before sealing, rather than sealed and then refused by the server.
 * - The server requires another key than policy names: refused likewise (ARCHIVE_KEY_MISMATCH).
 * - Otherwise: sealed to policy's key when it names one (a server that does not archive takes it
 *   too), to none when it names none.
 */
import { archiveRecipientOf, type ArchiveRequirement } from '../../shared/protocol/archive-key';
import { archiveFingerprintOfBase64 } from '../../shared/node/archive/archive-key-pair';
import { err, ok, type Result } from '../../shared/result';
import type { RecipientKey } from '../crypto/envelope-seal';

export type ArchiveRefusal = 'ARCHIVE_KEY_MISSING' | 'ARCHIVE_KEY_MISMATCH';

/** The archive key recipient every envelope gets (null: none), or why nothing may be sealed. */
export type ArchiveSealing = Result<RecipientKey | null, ArchiveRefusal>;

export function archiveSealing(policyKey: string | null, required: ArchiveRequirement | null): ArchiveSealing {
  // From the key itself, not policy's word for it: whatever the policy source, the key decides.
  const fingerprint = policyKey === null ? null : archiveFingerprintOfBase64(policyKey);
  if (required !== null && fingerprint === null) return err('ARCHIVE_KEY_MISSING');
  if (required !== null && fingerprint !== required.fingerprint) return err('ARCHIVE_KEY_MISMATCH');
  if (fingerprint === null || policyKey === null) return ok(null);
  return ok({ recipient: archiveRecipientOf(fingerprint), encryptionKey: policyKey });
}
