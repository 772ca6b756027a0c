/**
 * The two export formats, written and read back: a FHIR R4 collection Bundle (AuditEvents,
 * tree-head and batch Provenances) and RFC 5424 syslog lines (one message per record, batch
 * signature and tree head, as the SIEM receives them), each with the place and hash of every
 * record purged under retention and of any that no longer reads. Reading is the exact inverse of writing,
 * so what a reader sees in an export is exactly what gets verified.
 */
import {
  formatAuditEntry,
  formatBatch,
  formatPurged,
  formatTreeHead,
  formatUnreadable,
} from '../../shared/node/syslog/rfc5424';
import { exportLineFromSyslog } from '../../shared/node/syslog/audit-syslog';
import type { SignedTreeHead } from '../../shared/audit/audit-entry';
import type { InclusionProof } from '../../shared/node/fhir/fhir-audit-event';
import { auditBundle, readAuditBundle } from '../../shared/node/fhir/fhir-bundle';
import type { StoredBatch } from '../../shared/audit/trail-export';
import type { ExportedEntry, PurgedRecord, TrailExport, UnreadableRecord } from '../../shared/audit/trail-export';
import { err, ok, type Err, type Result } from '../../shared/result';

export const EXPORT_FORMATS = ['fhir', 'syslog'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface WriteOptions {
  /** When the export was made (the Bundle's timestamp). */
  readonly at: number;
  /** Identifies this export (the Bundle id); a UUID. */
  readonly id: string;
  /** Ignored: a syslog line's HOSTNAME comes from its signed content. Accepted until the last caller stops passing it. */
  readonly hostname?: string;
  /** The deployment's FHIR code-system base (shared/audit/export-naming.ts); default the placeholder. */
  readonly codeSystemBase?: string;
  /** The deployment's PEN in the syslog SD-IDs; default the documentation placeholder. */
  readonly enterpriseNumber?: number;
}

export function writeExport(trail: TrailExport, format: ExportFormat, options: WriteOptions): string {
  if (format === 'fhir') {
    const proofs = new Map<number, InclusionProof>();
    for (const { entry, inclusionProof } of trail.entries)
      if (inclusionProof !== null) proofs.set(entry.treeIndex, inclusionProof);
    const bundle = auditBundle(
      trail.entries.map((e) => e.entry),
      {
        id: options.id,
        timestamp: options.at,
        heads: trail.heads,
        batches: trail.batches,
        proofs,
        consistency: trail.consistency ?? [],
        unreadable: trail.unreadable ?? [],
        purged: trail.purged ?? [],
        ...(trail.auditKey === null ? {} : { auditKey: trail.auditKey }),
        ...(options.codeSystemBase === undefined ? {} : { codeSystemBase: options.codeSystemBase }),
      },
    );
    return `${JSON.stringify(bundle, null, 1)}\n`;
  }
  // A syslog line has no room for a proof: a syslog export is always the whole trail, and its
  // consistency with an earlier head is recomputed from its records.
  if (trail.entries.some((e) => e.inclusionProof !== null)) throw new Error('a selection is exported as FHIR');
  if ((trail.consistency ?? []).length > 0) throw new Error('consistency proofs are exported as FHIR');
  // Every header field comes from the signed content (rfc5424.ts): the export's own time and host are nowhere in it.
  const line = options.enterpriseNumber === undefined ? {} : { enterpriseNumber: options.enterpriseNumber };
  const lines = [
    ...trail.entries.map(({ entry }) => formatAuditEntry(entry, line)),
    ...(trail.unreadable ?? []).map((lost) => formatUnreadable(lost, line)),
    ...(trail.purged ?? []).map((stub) => formatPurged(stub, line)),
    ...trail.batches.map((batch) => formatBatch(batch, line)),
    ...trail.heads.map((head) => formatTreeHead(head, { ...line, auditKey: trail.auditKey })),
  ];
  return `${lines.join('\n')}\n`;
}

export interface ExportRead {
  readonly format: ExportFormat;
  readonly trail: TrailExport;
}
/** Why an export does not read back (a field, never its value), and where: an entry or a line, or null for the whole file. */
export interface ExportProblem {
  readonly problem: string;
  readonly where: string | null;
}
export type ReadExport = Result<ExportRead, ExportProblem>;

const refuse = (problem: string, where: string | null): Err<ExportProblem> => err({ problem, where });

export function readExport(text: string): ReadExport {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      return refuse('not valid JSON', null);
    }
    const read = readAuditBundle(json);
    if (!read.ok)
      return refuse(
        read.error.problem,
        read.error.index === undefined ? null : `Bundle.entry[${String(read.error.index)}]`,
      );
    const { entries, heads, batches, auditKey, consistency, unreadable, purged } = read.value;
    return ok({ format: 'fhir', trail: { entries, heads, batches, auditKey, consistency, unreadable, purged } });
  }
  const entries: ExportedEntry[] = [];
  const heads: SignedTreeHead[] = [];
  const batches: StoredBatch[] = [];
  const unreadable: UnreadableRecord[] = [];
  const purged: PurgedRecord[] = [];
  let auditKey: string | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const read = exportLineFromSyslog(line);
    if (!read.ok) return refuse(read.error, `line ${String(i + 1)}`);
    const record = read.value;
    if (record.kind === 'entry') entries.push({ entry: record.entry, inclusionProof: null });
    else if (record.kind === 'batch') batches.push(record.batch);
    else if (record.kind === 'unreadable') unreadable.push(record.unreadable);
    else if (record.kind === 'purged') purged.push(record.purged);
    else {
      if (record.auditKey !== null && auditKey !== null && record.auditKey !== auditKey)
        return refuse('tree heads name different audit keys', `line ${String(i + 1)}`);
      auditKey = record.auditKey ?? auditKey;
      heads.push(record.head);
    }
  }
  return ok({ format: 'syslog', trail: { entries, heads, batches, auditKey, unreadable, purged } });
}
