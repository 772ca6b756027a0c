/**
 * Reads the trail out of the server's database for export: every record as it was hashed, every
 * signed batch and tree head, and the audit public key. A selection (the compliance view's
 * filter) also gets, for each record, its inclusion proof against the latest head, so a
 * selection can be verified without the rest of the trail.
 */
import { hex } from '../../shared/audit/audit-chain';
import type { Queryable } from '../db/database';
import { AUDIT_KEY_SECRET_NAME, loadAuditSigningKey } from './audit-signing-key';
import { auditBatches, searchAuditRecords, treeHeads, type AuditFilter } from './audit-query';
import type { AuditTree } from './audit-tree';
import type { TrailExport } from './trail-verifier';

const PAGE = 50_000;

/** The audit key, or null on a database that never had one (nothing was ever signed). */
async function auditPublicKey(db: Queryable): Promise<string | null> {
  const rows = await db.query<{ name: string }>('SELECT name FROM server_secrets WHERE name = $1', [AUDIT_KEY_SECRET_NAME]);
  return rows.length === 0 ? null : (await loadAuditSigningKey(db)).publicKey;
}

/** The whole trail. */
export async function exportTrail(db: Queryable): Promise<TrailExport> {
  const entries = [];
  for (let afterIndex = -1; ; ) {
    const page = await searchAuditRecords(db, { afterIndex, limit: PAGE });
    for (const entry of page) entries.push({ entry, inclusionProof: null });
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) break;
    afterIndex = last.treeIndex;
  }
  return { entries, heads: await treeHeads(db), batches: await auditBatches(db), auditKey: await auditPublicKey(db) };
}

/** A filtered selection, each record with its proof against the head of `treeSize` (default: the latest). */
export async function exportSelection(db: Queryable, tree: AuditTree, filter: AuditFilter, treeSize?: number): Promise<TrailExport> {
  await tree.catchUp(db);
  const heads = await treeHeads(db);
  const latest = treeSize === undefined ? heads.at(-1) : heads.find((head) => head.treeSize === treeSize);
  const selected = await searchAuditRecords(db, filter);
  const entries = selected
    .filter((entry) => latest !== undefined && entry.treeIndex < latest.treeSize)
    .map((entry) => ({ entry, inclusionProof: { treeSize: (latest as { treeSize: number }).treeSize, path: tree.log.inclusionProof(entry.treeIndex, (latest as { treeSize: number }).treeSize).map(hex) } }));
  const workstations = new Set(entries.map((e) => e.entry.record.workstationId));
  return {
    entries,
    heads: latest === undefined ? [] : [latest],
    batches: (await auditBatches(db)).filter((batch) => workstations.has(batch.workstationId)),
    auditKey: await auditPublicKey(db),
  };
}
