/**
 * The SIEM as a witness: the server forwards every signed tree head to it as it signs them
 * (server/siem/), so the SIEM's copy holds a head the server can no longer take back. Without a
 * head trusted from outside the export, a verifier cannot see that records were cut from the end
 * of the trail (every remaining head still verifies); with the newest head from the SIEM, a cut
 * tail or a rewritten history shows.
 *
 * Reads the SIEM's file line by line: each line is one RFC 5424 message, possibly after a prefix
 * the collector added (a receive time and host, as rsyslog's default file format writes).
 * Tree-head messages whose signature verifies with the audit key are kept; every other line is
 * ignored, since a SIEM file holds much else. All of them are handed to the verifier, not only the
 * newest: whoever holds the audit key (it is in the server's database) can sign a new head over a
 * rewritten history, and only the older heads the SIEM kept then show the rewrite.
 */
import { checkSignedHead, type VerifySignature } from '../../audit/signed-head';
import { headFromSyslog } from '../syslog/audit-syslog';
import type { SignedTreeHead } from '../../audit/audit-entry';
import type { TrustedHead } from '../../audit/trail-export';
import { err, ok, type Result } from '../../result';

/** The newest head, and every head that verified (the verifier checks the export against each). */
export interface WitnessedHeads {
  readonly trusted: TrustedHead;
  readonly heads: readonly SignedTreeHead[];
}
export type WitnessProblem = 'no-signed-head' | 'key-unknown' | 'keys-differ';
export type WitnessRead = Result<WitnessedHeads, WitnessProblem>;

/** Where a syslog message begins in a line: `<PRI>1 `. */
const MESSAGE_START = /<\d{1,3}>1 /;

export function newestWitnessedHead(
  text: string,
  pinnedKey: string | null,
  verifySignature: VerifySignature,
): WitnessRead {
  let newest: TrustedHead | null = null;
  const heads: SignedTreeHead[] = [];
  const keys = new Set<string>();
  for (const raw of text.split('\n')) {
    const start = raw.search(MESSAGE_START);
    if (start < 0) continue;
    const parsed = headFromSyslog(raw.slice(start).replace(/\r$/, ''));
    if (!parsed.ok) continue;
    const { head, auditKey: presentedKey } = parsed.value;
    // The pinned key when given, else the message's own (signed-head.ts).
    const { auditKey: key, signed } = checkSignedHead({ head, presentedKey, pinnedKey }, { verifySignature });
    if (key === null) continue;
    keys.add(key);
    if (!signed) continue;
    heads.push(head);
    if (newest === null || head.treeSize > newest.head.treeSize) newest = { auditKey: key, head };
  }
  // Unpinned, the SIEM's own copy names the key; two keys there mean the server changed it, which
  // only a pinned key can settle.
  if (pinnedKey === null && keys.size > 1) return err('keys-differ');
  if (newest === null) return err(keys.size === 0 ? 'no-signed-head' : 'key-unknown');
  return ok({ trusted: newest, heads });
}
