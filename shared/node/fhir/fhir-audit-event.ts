/**
 * One stored audit entry as a FHIR R4 AuditEvent, and back (the code systems and BALP mapping:
 * fhir-codes.ts). The mapping is a bijection, because an offline verifier reads an AuditEvent
 * back into the exact record that was hashed. `fromAuditEvent` decodes, then re-encodes and
 * requires the input to be exactly that encoding: a visible field (time, user, action, object,
 * outcome) that was edited either changes the decoded record, so the hash chain no longer
 * matches, or is refused.
 *
 * The audit-chain entity's details carry what the verifier needs of the entry: seq,
 * previousHash, hash, treeIndex and, for a filtered selection (whose tree root cannot be
 * recomputed from its leaves), the inclusion proof: `treeSize` once, then one `auditPath` detail
 * per hash, leaf to root.
 */
import type { AuditEvent, AuditEventAgent, AuditEventEntity } from '@medplum/fhirtypes';
import type { AuditRecord } from '../../audit/audit-event';
import { storedEntry, type StoredEntry } from '../../audit/audit-entry';
import { ok } from '../../result';
import {
  ACTIONS,
  DETAIL,
  dcm,
  PERSON,
  RECIPIENT,
  ROLE_PATIENT,
  SOURCE_TYPE,
  SYSTEM_OBJECT,
  WARDLINE_FHIR,
} from './fhir-codes';
import { decodeObject, objectEntity } from './fhir-audit-object';
import {
  decimal,
  detail,
  firstDifference,
  get,
  HASH_HEX,
  identifier,
  identifierValue,
  instant,
  isObject,
  list,
  parseInstant,
  problem,
  text,
  withoutServerMeta,
  type Decoded,
  type Json,
} from './fhir-json';

/** The AuditEvent's id: the workstation and its sequence number, so a re-export has the same id. */
export function auditEventId(record: Pick<AuditRecord, 'workstationId' | 'seq'>): string {
  return `${record.workstationId}.${String(record.seq)}`;
}

/** An RFC 6962 audit path: the entry's leaf is in the tree of `treeSize` leaves (a signed head's size). */
export interface InclusionProof {
  readonly treeSize: number;
  /** Hex hashes, leaf to root. */
  readonly path: readonly string[];
}

export interface AuditEventOptions {
  /** For a filtered selection, whose tree root a reader cannot recompute from the leaves it has. */
  readonly inclusionProof?: InclusionProof;
}

/** Which part of a proof cannot belong to an entry at `treeIndex` (a detail name), or null. */
function proofProblem(proof: InclusionProof, treeIndex: number): string | null {
  if (!Number.isSafeInteger(proof.treeSize) || proof.treeSize <= treeIndex) return DETAIL.treeSize;
  return proof.path.every((hash) => HASH_HEX.test(hash)) ? null : DETAIL.auditPath;
}

/**
 * One stored entry as an R4 AuditEvent, with its inclusion proof if given. Throws a RangeError for
 * a time a FHIR instant cannot hold, or a proof whose tree does not reach the entry.
 */
export function toAuditEvent(entry: StoredEntry, options: AuditEventOptions = {}): AuditEvent {
  const { record } = entry;
  const proof = options.inclusionProof;
  const wrongProof = proof === undefined ? null : proofProblem(proof, entry.treeIndex);
  if (wrongProof !== null) throw new RangeError(`inclusionProof ${wrongProof} does not fit the entry`);
  const mapping = ACTIONS[record.action];
  const user: AuditEventAgent = {
    type: { coding: [mapping.user ?? RECIPIENT] },
    ...(record.actor.userId === null ? {} : { who: identifier(WARDLINE_FHIR.userIds, record.actor.userId) }),
    ...(record.actor.role === null
      ? {}
      : { role: [{ coding: [{ system: WARDLINE_FHIR.roleSystem, code: record.actor.role }] }] }),
    requestor: true,
  };
  const workstation: AuditEventAgent = {
    type: { coding: [dcm('110150', 'Application')] },
    who: identifier(WARDLINE_FHIR.workstationIds, record.workstationId),
    requestor: false,
    // BALP records the client's network identity; a workstation is known by its id, as a URI.
    network: { address: `urn:uuid:${record.workstationId}`, type: '5' },
  };
  const object = objectEntity(record.object);
  const entities: AuditEventEntity[] = [
    ...(object === null ? [] : [object]),
    ...(record.patient === null
      ? []
      : [
          {
            // Reference.type: BALP's patient slice is a Reference(Patient), here by identifier alone.
            what: { type: 'Patient' as const, ...identifier(WARDLINE_FHIR.patientReferences, record.patient) },
            type: PERSON,
            role: ROLE_PATIENT,
          },
        ]),
    {
      what: identifier(WARDLINE_FHIR.auditChains, record.workstationId),
      type: SYSTEM_OBJECT,
      detail: [
        { type: DETAIL.seq, valueString: String(record.seq) },
        { type: DETAIL.previousHash, valueString: entry.previousHash },
        { type: DETAIL.hash, valueString: entry.hash },
        { type: DETAIL.treeIndex, valueString: String(entry.treeIndex) },
        ...(proof === undefined
          ? []
          : [
              { type: DETAIL.treeSize, valueString: String(proof.treeSize) },
              ...proof.path.map((hash) => ({ type: DETAIL.auditPath, valueString: hash })),
            ]),
      ],
    },
  ];
  return {
    resourceType: 'AuditEvent',
    id: auditEventId(record),
    type: mapping.type,
    subtype: [
      { system: WARDLINE_FHIR.actionSystem, code: record.action },
      ...(mapping.session === undefined ? [] : [mapping.session]),
    ],
    action: mapping.action,
    recorded: instant(record.at, 'record.at'),
    outcome: record.outcome === 'success' ? '0' : '4',
    ...(record.reason === null ? {} : { outcomeDesc: record.reason }),
    agent: [user, workstation],
    source: {
      observer: identifier(WARDLINE_FHIR.workstationIds, record.workstationId),
      type: [{ system: SOURCE_TYPE, code: '1', display: 'User Device' }],
    },
    entity: entities,
  };
}

/** An entry as read back, with the inclusion proof its event carried, if any. */
export interface ReadAuditEvent {
  readonly entry: StoredEntry;
  readonly inclusionProof: InclusionProof | null;
}

export type FromAuditEventResult = Decoded<ReadAuditEvent>;

/** The chain entity's proof details, if it has any; order is the path's order. */
function decodeProof(chain: unknown, treeIndex: number): Decoded<InclusionProof | null> {
  const treeSizeText = detail(chain, DETAIL.treeSize);
  const path = list(get(chain, 'detail'))
    .filter((item) => get(item, 'type') === DETAIL.auditPath)
    .map((item) => get(item, 'valueString'));
  if (treeSizeText === undefined && path.length === 0) return ok(null);
  const treeSize = decimal(treeSizeText);
  if (treeSize === undefined) return problem(`entity (audit chain).detail.${DETAIL.treeSize}`);
  if (!path.every((hash): hash is string => typeof hash === 'string'))
    return problem(`entity (audit chain).detail.${DETAIL.auditPath}`);
  const proof = { treeSize, path };
  const wrong = proofProblem(proof, treeIndex);
  return wrong === null ? ok(proof) : problem(`entity (audit chain).detail.${wrong}`);
}

/** Reads the fields a record is made of; exactness is checked afterwards by re-encoding. */
function decode(resource: Json): Decoded<{ readonly entry: unknown; readonly inclusionProof: InclusionProof | null }> {
  const action = text(
    get(
      list(resource.subtype).find((coding) => get(coding, 'system') === WARDLINE_FHIR.actionSystem),
      'code',
    ),
  );
  if (action === undefined) return problem('subtype');
  const at = parseInstant(resource.recorded);
  if (at === undefined) return problem('recorded');
  const outcome = resource.outcome === '0' ? 'success' : resource.outcome === '4' ? 'failure' : undefined;
  if (outcome === undefined) return problem('outcome');
  const reason = resource.outcomeDesc === undefined ? null : text(resource.outcomeDesc);
  if (reason === undefined) return problem('outcomeDesc');

  const users = list(resource.agent).filter((agent) => get(agent, 'requestor') === true);
  if (users.length !== 1) return problem('agent');
  const user = users[0];
  const userId =
    get(user, 'who') === undefined
      ? null
      : get(user, 'who', 'identifier', 'system') === WARDLINE_FHIR.userIds
        ? text(get(user, 'who', 'identifier', 'value'))
        : undefined;
  if (userId === undefined) return problem('agent.who');
  const role =
    get(user, 'role') === undefined
      ? null
      : get(user, 'role', 0, 'coding', 0, 'system') === WARDLINE_FHIR.roleSystem
        ? text(get(user, 'role', 0, 'coding', 0, 'code'))
        : undefined;
  if (role === undefined) return problem('agent.role');

  const workstationId =
    get(resource, 'source', 'observer', 'identifier', 'system') === WARDLINE_FHIR.workstationIds
      ? text(get(resource, 'source', 'observer', 'identifier', 'value'))
      : undefined;
  if (workstationId === undefined) return problem('source.observer');

  const entities = list(resource.entity);
  const chains = entities.filter((entity) => identifierValue(entity, WARDLINE_FHIR.auditChains) !== undefined);
  const patients = entities.filter((entity) => get(entity, 'role', 'code') === ROLE_PATIENT.code);
  const objects = entities.filter((entity) => !chains.includes(entity) && !patients.includes(entity));
  if (chains.length !== 1) return problem('entity (audit chain)');
  if (patients.length > 1) return problem('entity (patient)');
  if (objects.length > 1) return problem('entity (object)');
  const chain = chains[0];
  const patient = patients.length === 0 ? null : identifierValue(patients[0], WARDLINE_FHIR.patientReferences);
  if (patient === undefined) return problem('entity (patient).what');
  const object = decodeObject(objects[0]);
  if (!object.ok) return object;
  const seq = decimal(detail(chain, DETAIL.seq));
  if (seq === undefined) return problem('entity (audit chain).detail.seq');
  const treeIndex = decimal(detail(chain, DETAIL.treeIndex));
  if (treeIndex === undefined) return problem('entity (audit chain).detail.treeIndex');
  const proof = decodeProof(chain, treeIndex);
  if (!proof.ok) return proof;

  return ok({
    entry: {
      record: {
        actor: { userId, role },
        action,
        object: object.value,
        patient,
        at,
        seq,
        workstationId,
        outcome,
        reason,
      },
      previousHash: detail(chain, DETAIL.previousHash),
      hash: detail(chain, DETAIL.hash),
      treeIndex,
    },
    inclusionProof: proof.value,
  });
}

/**
 * The exact inverse of toAuditEvent. Anything that is not what toAuditEvent would have written
 * for the decoded entry is refused; the problem names a field, never its value.
 */
export function fromAuditEvent(resource: unknown): FromAuditEventResult {
  if (!isObject(resource) || resource.resourceType !== 'AuditEvent') return problem('resourceType');
  const content = withoutServerMeta(resource);
  if (content === null) return problem('meta');
  const decoded = decode(content);
  if (!decoded.ok) return decoded;
  const parsed = storedEntry.safeParse(decoded.value.entry);
  if (!parsed.success) return problem(parsed.error.issues[0]?.path.map(String).join('.') ?? '(entry)');
  const { inclusionProof } = decoded.value;
  const difference = firstDifference(
    content,
    toAuditEvent(parsed.data, inclusionProof === null ? {} : { inclusionProof }),
    '',
  );
  return difference === null ? ok({ entry: parsed.data, inclusionProof }) : problem(difference);
}
