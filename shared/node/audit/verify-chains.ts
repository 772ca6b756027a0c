/**
 * The verifier's chain check: each workstation's records chain from its first (the hash of
 * content and predecessor, sequence numbers without gaps). A purged record carries its chain on
 * by its hash; an unreadable one is named already, so its place is not a gap as well. In a
 * selection, whose chains have holes, each record's hash is checked against its own content and
 * stated predecessor only. Each record's hash is recomputed once, as bytes (hex strings and
 * per-call hash objects cost more than the hashing), compared with what the record claims, and
 * chained to its successor. The first break ends a chain in a full export: what follows cannot
 * be trusted to be in order.
 */
import { entryHash, GENESIS_HASH, hex, type EntryHasher } from '../../audit/audit-chain';
import type { TrailBreak, VerifyCrypto } from '../../audit/trail-verification';
import { claimedHash, type TrailLeaves } from './trail-leaves';
import { breakList, hexBytes, placeKey, type TrailView } from './trail-view';

const GENESIS_HEX = hex(GENESIS_HASH);
const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/** `leaves`: a full export's, or null for a selection. */
export function checkChains(view: TrailView, crypto: VerifyCrypto, leaves: TrailLeaves | null): TrailBreak[] {
  const { breaks, report } = breakList();
  const { selection, purgedAt, lostAt } = view;
  const hashEntry: EntryHasher =
    crypto.entryHash ?? ((previous, record) => entryHash(crypto.blake2b, previous, record, utf8));
  for (const [workstationId, list] of view.byWorkstation) {
    let expectedSeq = selection ? (list[0]?.record.seq ?? 1) : 1;
    let previousHex = selection ? null : GENESIS_HEX;
    let previousBytes: Uint8Array | null = selection ? null : GENESIS_HASH;
    for (const entry of list) {
      const { record } = entry;
      for (
        let stub = purgedAt.get(placeKey(workstationId, expectedSeq));
        stub !== undefined && record.seq > expectedSeq;
        stub = purgedAt.get(placeKey(workstationId, expectedSeq))
      ) {
        previousHex = stub.hash;
        previousBytes = hexBytes(stub.hash);
        expectedSeq += 1;
      }
      if (!selection && record.seq !== expectedSeq) {
        if (!lostAt.has(placeKey(workstationId, expectedSeq)))
          report({ kind: 'record', workstationId, seq: expectedSeq, treeIndex: null, problem: 'sequence-gap' });
        break;
      }
      if (!selection && entry.previousHash !== previousHex) {
        report({ kind: 'record', workstationId, seq: record.seq, treeIndex: entry.treeIndex, problem: 'chain-broken' });
        break;
      }
      const previous = !selection && previousBytes !== null ? previousBytes : hexBytes(entry.previousHash);
      const computed = previous === null ? null : hashEntry(previous, record);
      const claimed = claimedHash(leaves, entry);
      if (computed === null || claimed === null || !claimed.equals(computed)) {
        report({
          kind: 'record',
          workstationId,
          seq: record.seq,
          treeIndex: entry.treeIndex,
          problem: 'hash-mismatch',
        });
        if (!selection) break;
        continue;
      }
      previousHex = entry.hash;
      previousBytes = claimed;
      expectedSeq = record.seq + 1;
    }
  }
  return breaks;
}
