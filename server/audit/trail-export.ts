/**
 * Reads the trail out of the server's database for export: every record as it was hashed, every
 * signed batch and tree head, and the audit public key. A selection (the compliance view's
 * filter) also gets, for each record, its inclusion proof against the latest head, so a
 * selection can be verified without the rest of the trail. Either can carry a consistency proof
 * from an earlier tree size (a head the reader trusts) to its latest head.
 */
import { hex } from '../../shared/audit/audit-chain';
import type { Hash } from '../../shared/audit/merkle-tree';
import { hasServerSecret } from '../accounts/server-secret-store';
import type { Queryable } from '../db/database';
import { AUDIT_KEY_SECRET_NAME, loadAuditSigningKey } from './audit-signing-key';
import type { AuditFilter } from './audit-filter';
import { auditBatches, treeHeads } from './audit-head-store';
import { purgedRecords, readAuditRows } from './audit-record-store';
import { leafHashOfEntry, sha256, type AuditTree } from './audit-tree';
import { createMerkleLog } from '../../shared/audit/merkle-log';
import type { ExportedEntry, TrailExport, UnreadableRecord } from '../../shared/audit/trail-export';
import { err, ok, type Result } from '../../shared/result';

const PAGE = 50_000;

/** The audit key, or null on a database that never had one (nothing was ever signed). */
async function auditPublicKey(db: Queryable): Promise<string | null> {
  return (await hasServerSecret(db, AUDIT_KEY_SECRET_NAME)) ? (await loadAuditSigningKey(db)).publicKey : null;
}

/** The whole trail; rows that no longer read as records go as `unreadable`, purged ones as `purged` (each only when there are any). */
export async function exportTrail(db: Queryable): Promise<TrailExport> {
  const entries: ExportedEntry[] = [];
  const unreadable: UnreadableRecord[] = [];
  for (let afterIndex = -1; ;) {
    const page = await readAuditRows(db, { afterIndex, limit: PAGE });
    for (const row of page) {
      if (row.ok) entries.push({ entry: row.value, inclusionProof: null });
      else unreadable.push(row.error);
    }
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) break;
    afterIndex = last.ok ? last.value.treeIndex : last.error.treeIndex;
  }
  const stubs = await purgedRecords(db);
  unreadable.push(...stubs.unreadable);
  unreadable.sort((a, b) => a.treeIndex - b.treeIndex);
  return {
    entries,
    heads: await treeHeads(db),
    batches: await auditBatches(db),
    auditKey: await auditPublicKey(db),
    ...(unreadable.length === 0 ? {} : { unreadable }),
    ...(stubs.purged.length === 0 ? {} : { purged: stubs.purged }),
  };
}

/** A filtered selection, each record with its proof against the head of `treeSize` (default: the latest). */
export async function exportSelection(
  db: Queryable,
  tree: AuditTree,
  filter: AuditFilter,
  treeSize?: number,
): Promise<TrailExport> {
  await tree.catchUp(db);
  const heads = await treeHeads(db);
  const latest = treeSize === undefined ? heads.at(-1) : heads.find((head) => head.treeSize === treeSize);
  const rows = (await readAuditRows(db, filter)).filter(
    (row) => latest !== undefined && (row.ok ? row.value.treeIndex : row.error.treeIndex) < latest.treeSize,
  );
  const size = latest?.treeSize ?? 0;
  const entries = rows.flatMap((row) =>
    row.ok
      ? [
          {
            entry: row.value,
            inclusionProof: { treeSize: size, path: tree.log.inclusionProof(row.value.treeIndex, size).map(hex) },
          },
        ]
      : [],
  );
  const unreadable = rows.flatMap((row) => (row.ok ? [] : [row.error]));
  const workstations = new Set(entries.map((e) => e.entry.record.workstationId));
  return {
    entries,
    heads: latest === undefined ? [] : [latest],
    batches: (await auditBatches(db)).filter((batch) => workstations.has(batch.workstationId)),
    auditKey: await auditPublicKey(db),
    ...(unreadable.length === 0 ? {} : { unreadable }),
  };
}

export type WithConsistency = Result<TrailExport, 'no-head' | 'newer-than-trail' | 'records-missing'>;

/**
 * A whole trail with the RFC 6962 proof that its latest head extends the tree of `fromSize`,
 * computed from its own records' hashes (an unreadable or purged record still has its stored hash). A trail
 * that lacks a record before that head cannot prove it, and says so rather than guess.
 */
export function withConsistencyFrom(trail: TrailExport, fromSize: number): WithConsistency {
  const latest = trail.heads.reduce<number | null>(
    (size, head) => (size === null || head.treeSize > size ? head.treeSize : size),
    null,
  );
  if (latest === null) return err('no-head');
  if (fromSize > latest) return err('newer-than-trail');
  if (fromSize < 1) return ok(trail);
  const hashes = new Array<string | null>(latest).fill(null);
  for (const { entry } of trail.entries) if (entry.treeIndex < latest) hashes[entry.treeIndex] = entry.hash;
  for (const lost of trail.unreadable ?? []) if (lost.treeIndex < latest) hashes[lost.treeIndex] = lost.hash;
  for (const stub of trail.purged ?? []) if (stub.treeIndex < latest) hashes[stub.treeIndex] = stub.hash;
  const leaves: Hash[] = [];
  for (const hash of hashes) {
    if (hash === null || !/^[0-9a-f]{64}$/.test(hash)) return err('records-missing');
    leaves.push(leafHashOfEntry(hash));
  }
  const log = createMerkleLog(sha256);
  log.append(leaves);
  const proof = { fromSize, toSize: latest, path: log.consistencyProof(fromSize, latest).map(hex) };
  return ok({ ...trail, consistency: [...(trail.consistency ?? []), proof] });
}
