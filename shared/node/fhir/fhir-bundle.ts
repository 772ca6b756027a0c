/**
 * An exported audit trail as a FHIR R4 `collection` Bundle, and back: one AuditEvent per stored
 * entry (fhir-audit-event.ts), an OperationOutcome per purged or unreadable place
 * (fhir-place-outcome.ts), a Provenance per signed tree head (fhir-tree-head.ts) and per
 * device-signed batch (fhir-batch.ts), in that order. An export alone is enough for the offline
 * verifier (`npm run audit:verify`), which checks each workstation's hash chain, each batch's
 * device signature, that the records are in a signed tree head, and that the heads are
 * consistent. Keys in an export vouch only for the export's consistency: the verifier pins the
 * audit key (and, to name the devices, their keys) from outside it.
 */
import type { AuditEvent, OperationOutcome, Provenance } from '@medplum/fhirtypes';
import type { SignedTreeHead, StoredEntry } from '../../audit/audit-entry';
import type { ConsistencyProof, PurgedRecord, StoredBatch, UnreadableRecord } from '../../audit/trail-export';
import { err, ok, type Err, type Result } from '../../result';
import { WARDLINE_FHIR } from './fhir-codes';
import { codeSystemBaseOf, rebase, toCodeSystemBase } from './fhir-code-system-base';
import { DEFAULT_FHIR_CODE_SYSTEM_BASE, parseFhirCodeSystemBase } from '../../audit/export-naming';
import { fromAuditEvent, toAuditEvent, type InclusionProof, type ReadAuditEvent } from './fhir-audit-event';
import { batchProvenance, batchUuid, fromBatchProvenance, type BatchProvenance } from './fhir-batch';
import {
  FHIR_ID,
  firstDifference,
  get,
  instant,
  isObject,
  list,
  nameUuid,
  parseInstant,
  text,
  withoutServerMeta,
} from './fhir-json';
import {
  fromPurgedOutcome,
  fromUnreadableOutcome,
  purgedOutcome,
  UNREADABLE_NAMESPACE,
  unreadableOutcome,
} from './fhir-place-outcome';
import { fromTreeHeadProvenance, TREE_HEAD_NAMESPACE, treeHeadProvenance } from './fhir-tree-head';
import { isEd25519Key } from './fhir-signature';

// Entries are not on a server, so each fullUrl is a name-based urn:uuid: events by workstation
// and sequence number, heads by content, batches by workstation and range.
const eventUrl = (entry: StoredEntry) =>
  `urn:uuid:${nameUuid(entry.record.workstationId, `audit-event/${String(entry.record.seq)}`)}`;
const headUrl = (head: SignedTreeHead) =>
  `urn:uuid:${nameUuid(TREE_HEAD_NAMESPACE, `${String(head.treeSize)}/${String(head.timestamp)}/${head.rootHash}`)}`;
const batchUrl = (batch: StoredBatch) => `urn:uuid:${batchUuid(batch)}`;
const unreadableUrl = (lost: UnreadableRecord) =>
  `urn:uuid:${nameUuid(UNREADABLE_NAMESPACE, `unreadable/${String(lost.treeIndex)}`)}`;
const purgedUrl = (stub: PurgedRecord) =>
  `urn:uuid:${nameUuid(UNREADABLE_NAMESPACE, `purged/${String(stub.treeIndex)}`)}`;

export interface AuditBundleOptions {
  /** The Bundle's id (FHIR id: letters, digits, '-' and '.', at most 64). */
  readonly id: string;
  /** When the export was made, ms since the epoch. */
  readonly timestamp: number;
  /** Signed tree heads that let a reader check the entries against the server's Merkle tree. */
  readonly heads?: readonly SignedTreeHead[];
  /** Device-signed batches, so a reader can check who wrote each chain. */
  readonly batches?: readonly StoredBatch[];
  /** Inclusion proofs by tree index, for a selection: an entry with no proof here gets none. */
  readonly proofs?: ReadonlyMap<number, InclusionProof>;
  /** The server's audit key (base64 Ed25519), written on every head's signature; with no heads, nowhere. */
  readonly auditKey?: string;
  /** Consistency proofs, each carried on the head it ends at (which must be in `heads`). */
  readonly consistency?: readonly ConsistencyProof[];
  /** Stored records that no longer read as records, by what is still known of them. */
  readonly unreadable?: readonly UnreadableRecord[];
  /** Records purged under retention, by their place and hash. */
  readonly purged?: readonly PurgedRecord[];
  /** The deployment's base of Wardline's code systems, identifiers and extensions (default: WARDLINE_FHIR_BASE). */
  readonly codeSystemBase?: string;
}

export interface AuditBundleEntry {
  readonly fullUrl: string;
  readonly resource: AuditEvent | OperationOutcome | Provenance | BatchProvenance;
}

/** A `collection` Bundle; `entry` is left out when empty, since FHIR JSON has no empty arrays. */
export interface AuditBundle {
  readonly resourceType: 'Bundle';
  readonly id: string;
  readonly type: 'collection';
  readonly timestamp: string;
  readonly entry?: readonly AuditBundleEntry[];
}

/**
 * An export as a `collection` Bundle: a set of resources gathered to be kept and read together.
 * Not `searchset`, which is a server's answer to a search (with self link, total and search
 * modes), nor `document`, which needs a Composition. Events come first, then heads, then
 * batches. Throws a RangeError for a bad id, time or key, and for the same resource twice
 * (FHIR requires fullUrls to be unique).
 */
export function auditBundle(entries: readonly StoredEntry[], options: AuditBundleOptions): AuditBundle {
  if (!FHIR_ID.test(options.id)) throw new RangeError('bundle id is not a FHIR id');
  if (options.auditKey !== undefined && !isEd25519Key(options.auditKey))
    throw new RangeError('auditKey is not an Ed25519 public key in canonical base64');
  const base = options.codeSystemBase ?? DEFAULT_FHIR_CODE_SYSTEM_BASE;
  if (parseFhirCodeSystemBase(base) !== base) throw new RangeError('codeSystemBase is not an https URL in normal form');
  const heads = options.heads ?? [];
  const proofsAt = new Map<SignedTreeHead, ConsistencyProof[]>();
  for (const proof of options.consistency ?? []) {
    const head = heads.find((candidate) => candidate.treeSize === proof.toSize);
    if (head === undefined) throw new RangeError('a consistency proof ends at no head in the bundle');
    proofsAt.set(head, [...(proofsAt.get(head) ?? []), proof]);
  }
  const resources: AuditBundleEntry[] = [
    ...entries.map((entry) => {
      const inclusionProof = options.proofs?.get(entry.treeIndex);
      return {
        fullUrl: eventUrl(entry),
        resource: toAuditEvent(entry, inclusionProof === undefined ? {} : { inclusionProof }),
      };
    }),
    ...(options.purged ?? []).map((stub) => ({ fullUrl: purgedUrl(stub), resource: purgedOutcome(stub) })),
    ...(options.unreadable ?? []).map((lost) => ({ fullUrl: unreadableUrl(lost), resource: unreadableOutcome(lost) })),
    ...heads.map((head) => ({
      fullUrl: headUrl(head),
      resource: treeHeadProvenance(head, options.auditKey, proofsAt.get(head)),
    })),
    ...(options.batches ?? []).map((batch) => ({ fullUrl: batchUrl(batch), resource: batchProvenance(batch) })),
  ];
  if (new Set(resources.map((item) => item.fullUrl)).size !== resources.length)
    throw new RangeError('the same event, head or batch is in the bundle twice');
  const bundle: AuditBundle = {
    resourceType: 'Bundle',
    id: options.id,
    type: 'collection',
    timestamp: instant(options.timestamp, 'timestamp'),
    ...(resources.length === 0 ? {} : { entry: resources }),
  };
  return toCodeSystemBase(bundle, base);
}

export interface AuditBundleRead {
  /** The Bundle's id and timestamp (ms), so the same export can be written again. */
  readonly id: string;
  readonly timestamp: number;
  readonly entries: ReadAuditEvent[];
  readonly heads: SignedTreeHead[];
  readonly batches: StoredBatch[];
  readonly auditKey: string | null;
  readonly consistency: ConsistencyProof[];
  readonly unreadable: UnreadableRecord[];
  readonly purged: PurgedRecord[];
  /** The base its Wardline URLs are under, so the same export can be written again. */
  readonly codeSystemBase: string;
}

/** The field refused; `index` is the entry it is in, when it is within one. */
export interface BundleProblem {
  readonly problem: string;
  readonly index?: number;
}

export type ReadAuditBundleResult = Result<AuditBundleRead, BundleProblem>;

/** An export's resource kinds, in the order auditBundle writes them. */
const KINDS = ['event', 'purged', 'unreadable', 'head', 'batch'] as const;
type Kind = (typeof KINDS)[number];

/** Heads and batches are both Provenance: what they attest (target) tells them apart. */
function kindOf(resource: unknown): Kind | undefined {
  if (get(resource, 'resourceType') === 'AuditEvent') return 'event';
  if (get(resource, 'resourceType') === 'OperationOutcome') {
    return list(get(resource, 'extension')).some((item) => get(item, 'url') === WARDLINE_FHIR.purgedExtension)
      ? 'purged'
      : 'unreadable';
  }
  if (get(resource, 'resourceType') !== 'Provenance') return undefined;
  const target = get(resource, 'target', 0, 'identifier', 'system');
  return target === WARDLINE_FHIR.auditTreeRoots ? 'head' : target === WARDLINE_FHIR.auditChains ? 'batch' : undefined;
}

const refuse = (problem: string, index?: number): Err<BundleProblem> =>
  err(index === undefined ? { problem } : { problem, index });

/** A difference at `entry[i]...` is entry i's problem, named within the entry (`fullUrl`, `resource.id`). */
function bundleProblem(path: string): Err<BundleProblem> {
  const match = /^entry\[(\d+)\]\.?(.*)$/.exec(path);
  return match === null ? refuse(path) : refuse(match[2] || '(entry)', Number(match[1]));
}

/**
 * The exact inverse of auditBundle: reads every resource back (a problem names the index of the
 * first entry that fails, and its field within the entry, never a value), then requires it to be what
 * auditBundle writes for what was read, fullUrls and order included. The audit key is as
 * found on the heads, or null; whether it is the right key is for the verifier to check.
 */
export function readAuditBundle(written: unknown): ReadAuditBundleResult {
  if (!isObject(written) || written.resourceType !== 'Bundle') return refuse('resourceType');
  const found = codeSystemBaseOf(written);
  if (!found.ok) return refuse(`system (${found.error})`);
  const codeSystemBase = found.value;
  // Read under the default base, as every resource reader expects.
  const bundle = rebase(written, codeSystemBase, DEFAULT_FHIR_CODE_SYSTEM_BASE);
  const content = withoutServerMeta(bundle);
  if (content === null) return refuse('meta');
  const id = text(content.id);
  if (id === undefined || !FHIR_ID.test(id)) return refuse('id');
  const timestamp = parseInstant(content.timestamp);
  if (timestamp === undefined || timestamp < 0) return refuse('timestamp');
  if (content.entry !== undefined && !Array.isArray(content.entry)) return refuse('entry');

  const entries: ReadAuditEvent[] = [];
  const heads: SignedTreeHead[] = [];
  const batches: StoredBatch[] = [];
  let auditKey: string | null = null;
  const consistency: ConsistencyProof[] = [];
  const unreadable: UnreadableRecord[] = [];
  const purged: PurgedRecord[] = [];
  const fullUrls = new Set<string>();
  let rank = 0;
  for (const [index, item] of list(content.entry).entries()) {
    const resource = get(item, 'resource');
    const kind = kindOf(resource);
    if (kind === undefined)
      return refuse(
        get(resource, 'resourceType') === 'Provenance' ? 'resource.target' : 'resource.resourceType',
        index,
      );
    if (KINDS.indexOf(kind) < rank) return refuse('(order)', index);
    rank = KINDS.indexOf(kind);
    let fullUrl: string;
    if (kind === 'event') {
      const read = fromAuditEvent(resource);
      if (!read.ok) return refuse(`resource.${read.error}`, index);
      entries.push(read.value);
      fullUrl = eventUrl(read.value.entry);
    } else if (kind === 'purged') {
      const read = fromPurgedOutcome(resource);
      if (!read.ok) return refuse(`resource.${read.error}`, index);
      purged.push(read.value);
      fullUrl = purgedUrl(read.value);
    } else if (kind === 'unreadable') {
      const read = fromUnreadableOutcome(resource);
      if (!read.ok) return refuse(`resource.${read.error}`, index);
      unreadable.push(read.value);
      fullUrl = unreadableUrl(read.value);
    } else if (kind === 'head') {
      const read = fromTreeHeadProvenance(resource);
      if (!read.ok) return refuse(`resource.${read.error}`, index);
      heads.push(read.value.head);
      consistency.push(...read.value.consistency);
      auditKey ??= read.value.auditKey;
      fullUrl = headUrl(read.value.head);
    } else {
      const read = fromBatchProvenance(resource);
      if (!read.ok) return refuse(`resource.${read.error}`, index);
      batches.push(read.value);
      fullUrl = batchUrl(read.value);
    }
    if (fullUrls.has(fullUrl)) return refuse('fullUrl (duplicate)', index);
    fullUrls.add(fullUrl);
  }

  // Each resource read back already; compare the rest (fullUrls, fields, a head without the key).
  const proofs = new Map(
    entries.flatMap(({ entry, inclusionProof }) =>
      inclusionProof === null ? [] : [[entry.treeIndex, inclusionProof] as const],
    ),
  );
  const expected = auditBundle(
    entries.map((item) => item.entry),
    {
      id,
      timestamp,
      heads,
      batches,
      proofs,
      consistency,
      unreadable,
      purged,
      ...(auditKey === null ? {} : { auditKey }),
    },
  );
  // Resources may carry a FHIR server's meta, which their readers allowed.
  const actual =
    content.entry === undefined
      ? content
      : {
          ...content,
          entry: list(content.entry).map((item) =>
            isObject(item) && isObject(item.resource) ? { ...item, resource: withoutServerMeta(item.resource) } : item,
          ),
        };
  const difference = firstDifference(actual, expected, '');
  return difference === null
    ? ok({ id, timestamp, entries, heads, batches, auditKey, consistency, unreadable, purged, codeSystemBase })
    : bundleProblem(difference);
}
