/**
 * An exported trail as the verifier's checks read it, derived once: heads by size, records by
 * workstation in sequence order, the places of unreadable and purged records, the heads a
 * witness kept, and the audit key the heads must verify with (signed-head.ts: the pinned one
 * when given, else the export's own). Also the keys the checks look places up by, and the cap
 * on how many breaks one check names: one break is enough to fail, a flood helps nobody.
 */
import { auditKeyFor } from '../../audit/signed-head';
import type { SignedTreeHead, StoredEntry } from '../../audit/audit-entry';
import type {
  ConsistencyProof,
  PurgedRecord,
  TrailExport,
  TrustedHead,
  UnreadableRecord,
} from '../../audit/trail-export';
import type { TrailBreak, VerifyOptions } from '../../audit/trail-verification';

export const MAX_BREAKS = 100;

export interface TrailView {
  readonly trail: TrailExport;
  /** A selection (records with inclusion proofs) rather than the full trail. */
  readonly selection: boolean;
  /** Sorted by tree size. */
  readonly heads: readonly SignedTreeHead[];
  readonly latest: SignedTreeHead | null;
  /** Each workstation's records, in sequence order. */
  readonly byWorkstation: ReadonlyMap<string, readonly StoredEntry[]>;
  readonly unreadable: readonly UnreadableRecord[];
  readonly purged: readonly PurgedRecord[];
  readonly proofs: readonly ConsistencyProof[];
  /** Unreadable records' places in their chains (placeKey), named already: not a gap as well. */
  readonly lostAt: ReadonlySet<string>;
  /** Purged records by their place in their chains (placeKey); empty for a selection, which has no chains to carry. */
  readonly purgedAt: ReadonlyMap<string, PurgedRecord>;
  readonly trusted: TrustedHead | undefined;
  /** The witness's heads and the trusted one: each must be a prefix of this trail. */
  readonly trustedHeads: readonly SignedTreeHead[];
  /** The key pinned from outside the export, or null. */
  readonly pinned: string | null;
  /** The key the heads must verify with: the pinned one, else the export's. */
  readonly auditKey: string | null;
  /** The chains the audit key signed: the server's own. */
  readonly serverChains: ReadonlySet<string>;
}

/** A record's place in its workstation's chain. */
export const placeKey = (workstationId: string | null, seq: number | null): string =>
  `${workstationId ?? ''}/${String(seq)}`;

export const byTreeIndex = (a: { readonly treeIndex: number }, b: { readonly treeIndex: number }) =>
  a.treeIndex - b.treeIndex;
const bySeq = (a: StoredEntry, b: StoredEntry) => a.record.seq - b.record.seq;

export function trailView(trail: TrailExport, options: VerifyOptions): TrailView {
  const heads = [...trail.heads].sort((a, b) => a.treeSize - b.treeSize);
  const trusted = options.sinceHead;
  const unreadable = trail.unreadable ?? [];
  const purged = trail.purged ?? [];
  const selection = trail.entries.some((e) => e.inclusionProof !== null);
  const byWorkstation = new Map<string, StoredEntry[]>();
  for (const { entry } of trail.entries) {
    const list = byWorkstation.get(entry.record.workstationId) ?? [];
    list.push(entry);
    byWorkstation.set(entry.record.workstationId, list);
  }
  for (const list of byWorkstation.values()) list.sort(bySeq);
  const pinned = options.auditKey ?? trusted?.auditKey ?? null;
  const { auditKey } = auditKeyFor(trail.auditKey, pinned);
  return {
    trail,
    selection,
    heads,
    latest: heads.at(-1) ?? null,
    byWorkstation,
    unreadable,
    purged,
    proofs: trail.consistency ?? [],
    lostAt: new Set(unreadable.map((lost) => placeKey(lost.workstationId, lost.seq))),
    purgedAt: new Map(selection ? [] : purged.map((stub) => [placeKey(stub.workstationId, stub.seq), stub])),
    trusted,
    trustedHeads: [...(options.witnessHeads ?? []), ...(trusted ? [trusted.head] : [])],
    pinned,
    auditKey,
    serverChains: serverChainsOf(trail, auditKey),
  };
}

/** The chains the audit key signed: the server's own (a workstation could write records that look like the server's into its own chain). */
export function serverChainsOf(trail: TrailExport, auditKey: string | null): Set<string> {
  return new Set(
    trail.batches
      .filter((batch) => auditKey !== null && batch.devicePublicKey === auditKey)
      .map((batch) => batch.workstationId),
  );
}

/** Breaks as one check collects them, up to MAX_BREAKS. */
export function breakList(): { readonly breaks: TrailBreak[]; readonly report: (b: TrailBreak) => void } {
  const breaks: TrailBreak[] = [];
  return {
    breaks,
    report: (b) => {
      if (breaks.length < MAX_BREAKS) breaks.push(b);
    },
  };
}

/**
 * 32 bytes from 64 hex digits, or null. Buffer's decoder stops at the first non-hex pair, so a
 * short result means a bad string (the readers already held every hash to lower-case hex).
 */
export function hexBytes(text: string): Buffer | null {
  if (text.length !== 64) return null;
  const bytes = Buffer.from(text, 'hex');
  return bytes.length === 32 ? bytes : null;
}
