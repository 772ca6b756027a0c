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
 * ignored, since a SIEM file holds much else.
 */
import { treeHeadSigningBytes, fromHex } from '../../shared/audit/audit-chain';
import { headFromSyslog } from '../siem/audit-syslog';
import type { TrustedHead } from './trail-verifier';

export type WitnessRead =
  | { readonly ok: true; readonly trusted: TrustedHead; readonly heads: number }
  | { readonly ok: false; readonly problem: 'no-signed-head' | 'key-unknown' | 'keys-differ' };

/** Where a syslog message begins in a line: `<PRI>1 `. */
const MESSAGE_START = /<\d{1,3}>1 /;

export function newestWitnessedHead(
  text: string,
  pinnedKey: string | null,
  verifySignature: (publicKeyBase64: string, message: Uint8Array, signatureBase64: string) => boolean,
): WitnessRead {
  let newest: TrustedHead | null = null;
  let heads = 0;
  const keys = new Set<string>();
  for (const raw of text.split('\n')) {
    const start = raw.search(MESSAGE_START);
    if (start < 0) continue;
    const parsed = headFromSyslog(raw.slice(start).replace(/\r$/, ''));
    if (!parsed.ok) continue;
    const key = pinnedKey ?? parsed.auditKey;
    if (key === null) continue;
    keys.add(key);
    const root = fromHex(parsed.head.rootHash);
    if (root === null) continue;
    const bytes = treeHeadSigningBytes({ treeSize: parsed.head.treeSize, timestamp: parsed.head.timestamp, rootHash: root });
    if (!verifySignature(key, bytes, parsed.head.signature)) continue;
    heads += 1;
    if (newest === null || parsed.head.treeSize > newest.head.treeSize) newest = { auditKey: key, head: parsed.head };
  }
  // Unpinned, the SIEM's own copy names the key; two keys there mean the server changed it, which
  // only a pinned key can settle.
  if (pinnedKey === null && keys.size > 1) return { ok: false, problem: 'keys-differ' };
  if (newest === null) return { ok: false, problem: keys.size === 0 && heads === 0 ? 'no-signed-head' : 'key-unknown' };
  return { ok: true, trusted: newest, heads };
}
