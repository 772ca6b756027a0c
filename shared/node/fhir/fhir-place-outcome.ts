/**
 * A place in the trail without a readable record, as a FHIR OperationOutcome, and back: a stored
 * record that no longer reads as one (rewritten behind the server; an error, whose
 * audit-unreadable extension says where it was: tree index and, where still known, workstation,
 * sequence number and entry hash), or a record purged under retention (information, whose
 * audit-purged extension keeps its place: all four known). Never the content, which may not be
 * ours; the place and hash keep the chain and the tree checkable across it.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { PurgedRecord, UnreadableRecord } from '../../audit/trail-export';
import { uuid } from '../../protocol/identifiers';
import { ok } from '../../result';
import { WARDLINE_FHIR } from './fhir-codes';
import {
  decimal,
  firstDifference,
  get,
  HASH_HEX,
  isObject,
  list,
  problem,
  text,
  withoutServerMeta,
  type Decoded,
} from './fhir-json';

/** Namespace for the name-based UUIDs of unreadable records (fixed, random). */
export const UNREADABLE_NAMESPACE = '5f0e6c1a-8d2b-4c3e-9a47-61b2d8e0f3c9';
const unreadableIssue = () => ({
  severity: 'error' as const,
  code: 'processing' as const,
  details: {
    coding: [
      { system: WARDLINE_FHIR.auditProblemSystem, code: 'unreadable-record', display: 'Unreadable audit record' },
    ],
    text: 'The stored audit record at this place in the trail no longer reads as an audit record.',
  },
});

const purgedIssue = () => ({
  severity: 'information' as const,
  code: 'informational' as const,
  details: {
    coding: [
      {
        system: WARDLINE_FHIR.auditProblemSystem,
        code: 'purged-record',
        display: 'Audit record purged under retention',
      },
    ],
    text: 'The audit record at this place in the trail was purged under the retention policy; its place and hash remain.',
  },
});

/** The two kinds of place without a readable record: its extension and what its issue says. */
const PLACES = {
  unreadable: { url: WARDLINE_FHIR.unreadableExtension, issue: unreadableIssue },
  purged: { url: WARDLINE_FHIR.purgedExtension, issue: purgedIssue },
} as const;
type PlaceKind = keyof typeof PLACES;

/** A place in the trail as an OperationOutcome: what is known of it as sub-extensions, never content. */
function placeOutcome(kind: PlaceKind, place: UnreadableRecord): OperationOutcome {
  if (!Number.isSafeInteger(place.treeIndex) || place.treeIndex < 0)
    throw new RangeError(`${kind} treeIndex is not a tree index`);
  if (place.workstationId !== null && !uuid.safeParse(place.workstationId).success)
    throw new RangeError(`${kind} workstationId is not a UUID`);
  if (place.seq !== null && (!Number.isSafeInteger(place.seq) || place.seq < 0))
    throw new RangeError(`${kind} seq is not a sequence number`);
  if (place.hash !== null && !HASH_HEX.test(place.hash)) throw new RangeError(`${kind} hash is not a hash`);
  return {
    resourceType: 'OperationOutcome',
    id: `${kind}-${String(place.treeIndex)}`,
    extension: [
      {
        url: PLACES[kind].url,
        extension: [
          { url: 'treeIndex', valueString: String(place.treeIndex) },
          ...(place.workstationId === null ? [] : [{ url: 'workstationId', valueString: place.workstationId }]),
          ...(place.seq === null ? [] : [{ url: 'seq', valueString: String(place.seq) }]),
          ...(place.hash === null ? [] : [{ url: 'hash', valueString: place.hash }]),
        ],
      },
    ],
    issue: [PLACES[kind].issue()],
  };
}

/** The exact inverse of placeOutcome; the problem names a field, never its value. */
function readPlace(kind: PlaceKind, resource: unknown): Decoded<UnreadableRecord> {
  if (!isObject(resource) || resource.resourceType !== 'OperationOutcome') return problem('resourceType');
  const content = withoutServerMeta(resource);
  if (content === null) return problem('meta');
  const extension = list(content.extension).find((item) => get(item, 'url') === PLACES[kind].url);
  const part = (name: string): string | undefined =>
    text(
      get(
        list(get(extension, 'extension')).find((item) => get(item, 'url') === name),
        'valueString',
      ),
    );
  const treeIndex = decimal(part('treeIndex'));
  if (treeIndex === undefined) return problem(`extension (${kind}).treeIndex`);
  const workstationId = part('workstationId') ?? null;
  if (workstationId !== null && !uuid.safeParse(workstationId).success)
    return problem(`extension (${kind}).workstationId`);
  const seqText = part('seq');
  const seq = seqText === undefined ? null : decimal(seqText);
  if (seq === undefined) return problem(`extension (${kind}).seq`);
  const hash = part('hash') ?? null;
  if (hash !== null && !HASH_HEX.test(hash)) return problem(`extension (${kind}).hash`);
  const place = { treeIndex, workstationId, seq, hash };
  const difference = firstDifference(content, placeOutcome(kind, place), '');
  return difference === null ? ok(place) : problem(difference);
}

/**
 * A stored record that no longer reads as one, as an OperationOutcome: an error at its place in
 * the trail, with only what is still known of it (never its content, which may not be ours).
 * Throws a RangeError for a value that is not of its form.
 */
export function unreadableOutcome(lost: UnreadableRecord): OperationOutcome {
  return placeOutcome('unreadable', lost);
}

export type FromUnreadableResult = Decoded<UnreadableRecord>;

/** The exact inverse of unreadableOutcome; the problem names a field, never its value. */
export function fromUnreadableOutcome(resource: unknown): FromUnreadableResult {
  return readPlace('unreadable', resource);
}

/** A record purged under retention, as an informational OperationOutcome that keeps its place. Throws a RangeError for a value not of its form. */
export function purgedOutcome(stub: PurgedRecord): OperationOutcome {
  return placeOutcome('purged', stub);
}

export type FromPurgedResult = Decoded<PurgedRecord>;

/** The exact inverse of purgedOutcome: every part of the place is known, or it is not a purged record. */
export function fromPurgedOutcome(resource: unknown): FromPurgedResult {
  const read = readPlace('purged', resource);
  if (!read.ok) return read;
  const { treeIndex, workstationId, seq, hash } = read.value;
  if (workstationId === null) return problem('extension (purged).workstationId');
  if (seq === null) return problem('extension (purged).seq');
  if (hash === null) return problem('extension (purged).hash');
  return ok({ treeIndex, workstationId, seq, hash });
}
