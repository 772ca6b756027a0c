/**
 * The audit trail as FHIR R4: one AuditEvent per stored entry, signed tree heads as Provenance,
 * all in a `collection` Bundle. Hospitals feed these to an Audit Record Repository, so the
 * mapping follows IHE Basic Audit Log Patterns (BALP): a requestor agent for the user, an agent
 * and the source for the workstation, entities for the object and the patient (type Person, role
 * Patient), DICOM event types.
 *
 * No BALP profile is claimed in meta.profile: BALP's profiles describe RESTful client/server
 * interactions and a workstation's events are not that. IHE.BasicAudit.Read, for one, fixes type
 * to audit-event-type#rest, needs a restful-interaction subtype, client and server agents (DCM
 * 110152/110153) with network addresses, and outcome 0; Wardline's events carry DICOM event types
 * and record failures. Claiming a profile would make a profile-aware validator reject the export.
 * The patterns are followed; the profiles are not asserted.
 *
 * The mapping is a bijection, because an offline verifier reads an AuditEvent back into the exact
 * record that was hashed. `fromAuditEvent` decodes, then re-encodes and requires the input to be
 * exactly that encoding: a visible field (time, user, action, object, outcome) that was edited
 * either changes the decoded record, so the hash chain no longer matches, or is refused.
 *
 * Event types (DICOM, http://dicom.nema.org/resources/ontology/DCM):
 * - 110114 User Authentication, subtype 110122 Login / 110123 Logout: sign-in, MFA, lock-out,
 *   sign-out, session lock/unlock/auto-logoff/user switch (lock and logoff count as Logout);
 * - 110110 Patient Record: conversation, message and attachment events (clinical content);
 * - 110112 Query: search; 110106 Export: export;
 * - 110113 Security Alert: key changes, policy refused, admin actions, audit alerts;
 * - 110100 Application Activity: policy loaded, vault lifecycle.
 * The exact Wardline action is always the first subtype, in a Wardline CodeSystem. Wardline's
 * own URLs are under `.invalid` so that no real host is named; a hospital that publishes its own
 * NamingSystems changes WARDLINE_FHIR_BASE.
 *
 * An export alone is enough for the offline verifier (`npm run audit:verify`), which checks each
 * workstation's hash chain, each batch's device signature, that the records are in a signed tree
 * head, and that the heads are consistent. So the Bundle carries:
 * - per event, in the audit-chain entity's details: seq, previousHash, hash, treeIndex and, for a
 *   filtered selection (whose tree root cannot be recomputed from its leaves), the inclusion
 *   proof: `treeSize` once, then one `auditPath` detail per hash, leaf to root;
 * - per signed tree head, a Provenance; the server's audit key rides on each head's signature
 *   as the ed25519-public-key extension (the same key on every head), and a consistency proof
 *   from an earlier tree size to this head (RFC 6962), when the export carries one, is the
 *   head's audit-consistency extension: `fromSize` once, then one `path` per hash, in order,
 *   as an inclusion proof rides on its event;
 * - per device-signed batch, a Provenance aimed at the workstation's chain, with the range and
 *   hashes in the audit-batch extension and the device key on its signature;
 * - per stored record that no longer reads as one (rewritten behind the server), an
 *   OperationOutcome (error) whose audit-unreadable extension says where it was: tree index and,
 *   where still known, workstation, sequence number and entry hash. The verifier names it;
 * - per record purged under retention, an OperationOutcome (information) whose audit-purged
 *   extension keeps its place: tree index, workstation, sequence number and entry hash.
 * Keys in an export vouch only for the export's consistency: the verifier pins the audit key
 * (and, to name the devices, their keys) from outside it.
 */
import { createHash } from 'node:crypto';
import type {
  AuditEvent,
  AuditEventAgent,
  AuditEventEntity,
  Coding,
  Element,
  Extension,
  OperationOutcome,
  Provenance,
  Signature,
} from '@medplum/fhirtypes';
import { z } from 'zod';
import type { AuditAction, AuditObject, AuditRecord } from '../../audit/audit-event';
import { hashHex, signedTreeHead, storedEntry, type SignedTreeHead, type StoredEntry } from '../../audit/audit-entry';
import { KEY_BYTES, SIGNATURE_BYTES } from '../../protocol/binary';
import { uuid } from '../../protocol/identifiers';
import { isCanonicalBase64 } from '../crypto/base64';
import type { StoredBatch } from '../../audit/trail-export';
import type { ConsistencyProof, PurgedRecord, UnreadableRecord } from '../../audit/trail-export';

export const WARDLINE_FHIR_BASE = 'https://wardline.invalid/fhir';

/** Every Wardline CodeSystem, identifier system and extension used in the export. */
export const WARDLINE_FHIR = {
  actionSystem: `${WARDLINE_FHIR_BASE}/CodeSystem/audit-action`,
  roleSystem: `${WARDLINE_FHIR_BASE}/CodeSystem/role`,
  userIds: `${WARDLINE_FHIR_BASE}/sid/user`,
  workstationIds: `${WARDLINE_FHIR_BASE}/sid/workstation`,
  conversationIds: `${WARDLINE_FHIR_BASE}/sid/conversation`,
  messageIds: `${WARDLINE_FHIR_BASE}/sid/message`,
  /** The hospital's opaque patient reference (`pat-...`), as Wardline received it. */
  patientReferences: `${WARDLINE_FHIR_BASE}/sid/hospital-patient-reference`,
  settingKeys: `${WARDLINE_FHIR_BASE}/sid/policy-key`,
  vaultIds: `${WARDLINE_FHIR_BASE}/sid/vault`,
  legalHoldIds: `${WARDLINE_FHIR_BASE}/sid/legal-hold`,
  roleAddresses: `${WARDLINE_FHIR_BASE}/sid/role-address`,
  /** Where the server forwards the trail, as `host:port`. */
  siemDestinations: `${WARDLINE_FHIR_BASE}/sid/siem-destination`,
  /** A server session, by its id; its details say whose, on which workstation and until when. */
  sessionIds: `${WARDLINE_FHIR_BASE}/sid/session`,
  /** A workstation's hash chain; the entity also carries the entry's place and hashes. */
  auditChains: `${WARDLINE_FHIR_BASE}/sid/audit-chain`,
  /** The server's Merkle tree, by root hash. */
  auditTreeRoots: `${WARDLINE_FHIR_BASE}/sid/audit-tree-root`,
  treeSizeExtension: `${WARDLINE_FHIR_BASE}/StructureDefinition/audit-tree-size`,
  /** On a tree head: a consistency proof to it, sub-extensions fromSize (decimal) and path (hex, repeated). */
  consistencyExtension: `${WARDLINE_FHIR_BASE}/StructureDefinition/audit-consistency`,
  /** A device-signed batch: sub-extensions firstSeq, lastSeq (decimal), previousHash, lastHash (hex). */
  auditBatchExtension: `${WARDLINE_FHIR_BASE}/StructureDefinition/audit-batch`,
  /** On a Signature: the base64 Ed25519 public key that verifies it. */
  ed25519KeyExtension: `${WARDLINE_FHIR_BASE}/StructureDefinition/ed25519-public-key`,
  /** On an OperationOutcome: an unreadable record's place, sub-extensions treeIndex, workstationId, seq, hash. */
  unreadableExtension: `${WARDLINE_FHIR_BASE}/StructureDefinition/audit-unreadable`,
  /** On an OperationOutcome: a purged record's place, sub-extensions treeIndex, workstationId, seq, hash. */
  purgedExtension: `${WARDLINE_FHIR_BASE}/StructureDefinition/audit-purged`,
  /** What went wrong with the trail, for OperationOutcome.issue.details. */
  auditProblemSystem: `${WARDLINE_FHIR_BASE}/CodeSystem/audit-problem`,
} as const;

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const PARTICIPATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';

const dcm = (code: string, display: string): Coding => ({ system: DCM, code, display });
const AUTHENTICATION = dcm('110114', 'User Authentication');
const PATIENT_RECORD = dcm('110110', 'Patient Record');
const QUERY = dcm('110112', 'Query');
const EXPORT = dcm('110106', 'Export');
const SECURITY_ALERT = dcm('110113', 'Security Alert');
const APPLICATION_ACTIVITY = dcm('110100', 'Application Activity');
const LOGIN = dcm('110122', 'Login');
const LOGOUT = dcm('110123', 'Logout');

type ActionCode = NonNullable<AuditEvent['action']>;
interface ActionMapping {
  readonly type: Coding;
  readonly action: ActionCode;
  /** DICOM's Login/Logout subtype for authentication events. */
  readonly session?: Coding;
}

const ACTIONS: Readonly<Record<AuditAction, ActionMapping>> = {
  'sign-in.succeeded': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  'sign-in.failed': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  'mfa.failed': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  'account.locked-out': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  'session.locked': { type: AUTHENTICATION, action: 'E', session: LOGOUT },
  'session.unlocked': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  'session.auto-logoff': { type: AUTHENTICATION, action: 'E', session: LOGOUT },
  'session.signed-out': { type: AUTHENTICATION, action: 'E', session: LOGOUT },
  'session.user-switched': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  'conversation.opened': { type: PATIENT_RECORD, action: 'R' },
  'message.sent': { type: PATIENT_RECORD, action: 'C' },
  'message.received': { type: PATIENT_RECORD, action: 'C' },
  'message.read': { type: PATIENT_RECORD, action: 'R' },
  'message.recalled': { type: PATIENT_RECORD, action: 'D' },
  'message.expired': { type: PATIENT_RECORD, action: 'D' },
  'search.performed': { type: QUERY, action: 'E' },
  'attachment.opened': { type: PATIENT_RECORD, action: 'R' },
  'export.created': { type: EXPORT, action: 'R' },
  'key-change.shown': { type: SECURITY_ALERT, action: 'R' },
  'key-change.accepted': { type: SECURITY_ALERT, action: 'U' },
  'policy.loaded': { type: APPLICATION_ACTIVITY, action: 'R' },
  'policy.rejected': { type: SECURITY_ALERT, action: 'E' },
  'admin.action': { type: SECURITY_ALERT, action: 'E' },
  'vault.created': { type: APPLICATION_ACTIVITY, action: 'C' },
  'vault.shredded': { type: APPLICATION_ACTIVITY, action: 'D' },
  'vault.purged': { type: APPLICATION_ACTIVITY, action: 'D' },
  'audit.alert': { type: SECURITY_ALERT, action: 'E' },
  'session.issued': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  'session.ended': { type: AUTHENTICATION, action: 'E', session: LOGOUT },
  'message.accepted': { type: PATIENT_RECORD, action: 'C' },
  'history.read': { type: PATIENT_RECORD, action: 'R' },
};

const entityType = (code: '1' | '2', display: string): Coding => ({ system: ENTITY_TYPE, code, display });
const PERSON = entityType('1', 'Person');
const SYSTEM_OBJECT = entityType('2', 'System Object');
const objectRole = (code: string, display: string): Coding => ({ system: OBJECT_ROLE, code, display });
const ROLE_PATIENT = objectRole('1', 'Patient');
const ROLE_QUERY = objectRole('24', 'Query');
const ROLE_PURGED_REPOSITORY = objectRole('17', 'Data Repository');
const ROLE_DATA_DESTINATION = objectRole('16', 'Data Destination');
const ROLE_SESSION = objectRole('13', 'Security Resource');

/** Kinds told by an identifier alone (the others carry details that say more). */
type IdentifiedKind = Exclude<
  AuditObject['kind'],
  'search' | 'none' | 'legal-hold' | 'role-address' | 'audit-purge' | 'siem-destination' | 'session'
>;
/** The object's entity by kind: BALP's data entity (System Object), with a role that says what it is. */
const OBJECT_ENTITIES: Readonly<Record<IdentifiedKind, { readonly system: string; readonly role: Coding }>> = {
  conversation: { system: WARDLINE_FHIR.conversationIds, role: objectRole('4', 'Domain Resource') },
  message: { system: WARDLINE_FHIR.messageIds, role: objectRole('4', 'Domain Resource') },
  patient: { system: WARDLINE_FHIR.patientReferences, role: objectRole('4', 'Domain Resource') },
  setting: { system: WARDLINE_FHIR.settingKeys, role: objectRole('13', 'Security Resource') },
  account: { system: WARDLINE_FHIR.userIds, role: objectRole('11', 'Security User Entity') },
  vault: { system: WARDLINE_FHIR.vaultIds, role: objectRole('17', 'Data Repository') },
};
/** Kinds told by an identifier, with the account concerned (a hold's, or a role's member) as a detail. */
const WITH_USER_ENTITIES: Readonly<
  Record<'legal-hold' | 'role-address', { readonly system: string; readonly role: Coding }>
> = {
  'legal-hold': { system: WARDLINE_FHIR.legalHoldIds, role: objectRole('13', 'Security Resource') },
  'role-address': { system: WARDLINE_FHIR.roleAddresses, role: objectRole('12', 'Security User Group') },
};

/** Entity detail types: names of numbers and ids, never text. */
const DETAIL = {
  conversation: 'conversationId',
  resultCount: 'resultCount',
  userId: 'userId',
  receivedBefore: 'receivedBefore',
  records: 'records',
  caSha256: 'caSha256',
  workstationId: 'workstationId',
  until: 'until',
  seq: 'seq',
  previousHash: 'previousHash',
  hash: 'hash',
  treeIndex: 'treeIndex',
  treeSize: 'treeSize',
  auditPath: 'auditPath',
} as const;

/** The last instant FHIR (four-digit years) can hold. */
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DECIMAL = /^(?:0|[1-9]\d{0,15})$/;
/** FHIR's id datatype. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const HASH_HEX = /^[0-9a-f]{64}$/;

function instant(at: number, field: string): string {
  if (!Number.isSafeInteger(at) || at < 0 || at > LAST_INSTANT)
    throw new RangeError(`${field} is outside what a FHIR instant holds`);
  return new Date(at).toISOString();
}

function identifier(system: string, value: string) {
  return { identifier: { system, value } };
}

function objectEntity(object: AuditObject): AuditEventEntity | null {
  switch (object.kind) {
    case 'none':
      return null;
    case 'search':
      return {
        type: SYSTEM_OBJECT,
        role: ROLE_QUERY,
        detail: [{ type: DETAIL.resultCount, valueString: String(object.resultCount) }],
      };
    case 'message': {
      const { system, role } = OBJECT_ENTITIES.message;
      return {
        what: identifier(system, object.id),
        type: SYSTEM_OBJECT,
        role,
        detail: [{ type: DETAIL.conversation, valueString: object.conversationId }],
      };
    }
    case 'legal-hold':
    case 'role-address': {
      const { system, role } = WITH_USER_ENTITIES[object.kind];
      return {
        what: identifier(system, object.id),
        type: SYSTEM_OBJECT,
        role,
        ...(object.userId === null ? {} : { detail: [{ type: DETAIL.userId, valueString: object.userId }] }),
      };
    }
    case 'audit-purge':
      // The trail itself, whose older content went: no identifier but the details.
      return {
        type: SYSTEM_OBJECT,
        role: ROLE_PURGED_REPOSITORY,
        detail: [
          { type: DETAIL.receivedBefore, valueString: instant(object.receivedBefore, 'object.receivedBefore') },
          { type: DETAIL.records, valueString: String(object.records) },
        ],
      };
    case 'siem-destination':
      return {
        what: identifier(WARDLINE_FHIR.siemDestinations, `${object.host}:${String(object.port)}`),
        type: SYSTEM_OBJECT,
        role: ROLE_DATA_DESTINATION,
        detail: [{ type: DETAIL.caSha256, valueString: object.caSha256 }],
      };
    case 'session':
      return {
        what: identifier(WARDLINE_FHIR.sessionIds, object.id),
        type: SYSTEM_OBJECT,
        role: ROLE_SESSION,
        detail: [
          { type: DETAIL.userId, valueString: object.userId },
          { type: DETAIL.workstationId, valueString: object.workstationId },
          { type: DETAIL.until, valueString: instant(object.until, 'object.until') },
        ],
      };
    default: {
      const { system, role } = OBJECT_ENTITIES[object.kind];
      return { what: identifier(system, object.id), type: SYSTEM_OBJECT, role };
    }
  }
}

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
    type: { coding: [{ system: PARTICIPATION_TYPE, code: 'IRCP', display: 'information recipient' }] },
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
      : [{ what: identifier(WARDLINE_FHIR.patientReferences, record.patient), type: PERSON, role: ROLE_PATIENT }]),
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

export type FromAuditEventResult =
  | { readonly ok: true; readonly entry: StoredEntry; readonly inclusionProof: InclusionProof | null }
  | { readonly ok: false; readonly problem: string };

type Json = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Follows a path of keys and indexes; undefined where the shape is not there. */
function get(value: unknown, ...path: readonly (string | number)[]): unknown {
  let at = value;
  for (const step of path) {
    if (typeof step === 'number') at = Array.isArray(at) ? (at as readonly unknown[])[step] : undefined;
    else at = isObject(at) ? at[step] : undefined;
  }
  return at;
}

function identifierValue(entity: unknown, system: string): string | undefined {
  return get(entity, 'what', 'identifier', 'system') === system
    ? text(get(entity, 'what', 'identifier', 'value'))
    : undefined;
}

function detail(entity: unknown, type: string): string | undefined {
  const found = list(get(entity, 'detail')).find((item) => get(item, 'type') === type);
  return text(get(found, 'valueString'));
}

function decimal(value: string | undefined): number | undefined {
  return value !== undefined && DECIMAL.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
}

function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string' || !INSTANT.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) && new Date(at).toISOString() === value ? at : undefined;
}

/**
 * The first path at which two JSON values differ (object keys in any order), or null. A key the
 * encoding does not have is not echoed (a key is text too): it is named "(unexpected field)".
 */
function firstDifference(actual: unknown, expected: unknown, path: string): string | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return path;
    const actualItems = actual as readonly unknown[];
    for (let i = 0; i < Math.max(actualItems.length, expected.length); i += 1) {
      const difference = firstDifference(actualItems[i], (expected as readonly unknown[])[i], `${path}[${String(i)}]`);
      if (difference !== null) return difference;
    }
    return null;
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return path;
    const within = (key: string) => (path === '' ? key : `${path}.${key}`);
    if (Object.keys(actual).some((key) => !Object.hasOwn(expected, key))) return within('(unexpected field)');
    for (const key of Object.keys(expected)) {
      const difference = firstDifference(actual[key], expected[key], within(key));
      if (difference !== null) return difference;
    }
    return null;
  }
  return Object.is(actual, expected) ? null : path || '(resource)';
}

/** A FHIR server adds these to anything it stores; nothing else in meta is expected. */
function withoutServerMeta(resource: Json): Json | null {
  const meta = resource.meta;
  if (meta === undefined) return resource;
  if (!isObject(meta) || Object.keys(meta).some((key) => key !== 'versionId' && key !== 'lastUpdated')) return null;
  return Object.fromEntries(Object.entries(resource).filter(([key]) => key !== 'meta'));
}

type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };
const problem = (field: string): { readonly ok: false; readonly problem: string } => ({ ok: false, problem: field });

function decodeObject(entity: unknown): Decoded<AuditObject> {
  if (entity === undefined) return { ok: true, value: { kind: 'none' } };
  if (get(entity, 'role', 'code') === ROLE_QUERY.code) {
    const resultCount = decimal(detail(entity, DETAIL.resultCount));
    return resultCount === undefined
      ? problem('entity.detail.resultCount')
      : { ok: true, value: { kind: 'search', resultCount } };
  }
  if (get(entity, 'role', 'code') === ROLE_PURGED_REPOSITORY.code && get(entity, 'what') === undefined) {
    const receivedBefore = parseInstant(detail(entity, DETAIL.receivedBefore));
    if (receivedBefore === undefined) return problem('entity.detail.receivedBefore');
    const records = decimal(detail(entity, DETAIL.records));
    return records === undefined
      ? problem('entity.detail.records')
      : { ok: true, value: { kind: 'audit-purge', receivedBefore, records } };
  }
  const destination = identifierValue(entity, WARDLINE_FHIR.siemDestinations);
  if (destination !== undefined) {
    const colon = destination.lastIndexOf(':');
    const port = decimal(destination.slice(colon + 1));
    const caSha256 = detail(entity, DETAIL.caSha256);
    if (colon < 1 || port === undefined) return problem('entity.what');
    return caSha256 === undefined
      ? problem('entity.detail.caSha256')
      : { ok: true, value: { kind: 'siem-destination', host: destination.slice(0, colon), port, caSha256 } };
  }
  const sessionId = identifierValue(entity, WARDLINE_FHIR.sessionIds);
  if (sessionId !== undefined) {
    const userId = detail(entity, DETAIL.userId);
    const workstationId = detail(entity, DETAIL.workstationId);
    const until = parseInstant(detail(entity, DETAIL.until));
    if (userId === undefined) return problem('entity.detail.userId');
    if (workstationId === undefined) return problem('entity.detail.workstationId');
    return until === undefined
      ? problem('entity.detail.until')
      : { ok: true, value: { kind: 'session', id: sessionId, userId, workstationId, until } };
  }
  for (const kind of ['legal-hold', 'role-address'] as const) {
    const id = identifierValue(entity, WITH_USER_ENTITIES[kind].system);
    if (id !== undefined) return { ok: true, value: { kind, id, userId: detail(entity, DETAIL.userId) ?? null } };
  }
  for (const kind of Object.keys(OBJECT_ENTITIES) as IdentifiedKind[]) {
    const id = identifierValue(entity, OBJECT_ENTITIES[kind].system);
    if (id === undefined) continue;
    if (kind !== 'message') return { ok: true, value: { kind, id } };
    const conversationId = detail(entity, DETAIL.conversation);
    return conversationId === undefined
      ? problem('entity.detail.conversationId')
      : { ok: true, value: { kind, id, conversationId } };
  }
  return problem('entity.what');
}

/** The chain entity's proof details, if it has any; order is the path's order. */
function decodeProof(chain: unknown, treeIndex: number): Decoded<InclusionProof | null> {
  const treeSizeText = detail(chain, DETAIL.treeSize);
  const path = list(get(chain, 'detail'))
    .filter((item) => get(item, 'type') === DETAIL.auditPath)
    .map((item) => get(item, 'valueString'));
  if (treeSizeText === undefined && path.length === 0) return { ok: true, value: null };
  const treeSize = decimal(treeSizeText);
  if (treeSize === undefined) return problem(`entity (audit chain).detail.${DETAIL.treeSize}`);
  if (!path.every((hash): hash is string => typeof hash === 'string'))
    return problem(`entity (audit chain).detail.${DETAIL.auditPath}`);
  const proof = { treeSize, path };
  const wrong = proofProblem(proof, treeIndex);
  return wrong === null ? { ok: true, value: proof } : problem(`entity (audit chain).detail.${wrong}`);
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

  return {
    ok: true,
    value: {
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
    },
  };
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
  return difference === null ? { ok: true, entry: parsed.data, inclusionProof } : problem(difference);
}

const ASTM_SIGNATURE_TYPE = 'urn:iso-astm:E1762-95:2013';
const PARTICIPANT_TYPE = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';
/** Both signatures are raw 64-byte Ed25519 (RFC 8032) over text lines; `data` is its base64. */
const SIGNATURE_FORMAT = { targetFormat: 'text/plain', sigFormat: 'application/octet-stream' } as const;

const isEd25519Key = (value: unknown): value is string =>
  typeof value === 'string' && isCanonicalBase64(value, KEY_BYTES);
const keyExtension = (key: string): Extension => ({ url: WARDLINE_FHIR.ed25519KeyExtension, valueBase64Binary: key });
/** What a signature's key extension holds; undefined if it has none. */
const signerKeyValue = (signature: unknown): unknown =>
  get(
    list(get(signature, 'extension')).find((item) => get(item, 'url') === WARDLINE_FHIR.ed25519KeyExtension),
    'valueBase64Binary',
  );

const TREE_HEAD_SIGNER = { display: 'Wardline audit server' };
/** Namespace for the name-based UUIDs of tree heads (fixed, random). */
const TREE_HEAD_NAMESPACE = 'b5ca7dcb-5d91-4c55-892d-1c60950eeb58';

/** Which part of a consistency proof cannot lead to a head of `treeSize` (a sub-extension name), or null. */
function consistencyProblem(proof: ConsistencyProof, treeSize: number): string | null {
  if (
    proof.toSize !== treeSize ||
    !Number.isSafeInteger(proof.fromSize) ||
    proof.fromSize < 1 ||
    proof.fromSize > treeSize
  )
    return 'fromSize';
  return proof.path.every((hash) => HASH_HEX.test(hash)) ? null : 'path';
}

const consistencyExtension = (proof: ConsistencyProof): Extension => ({
  url: WARDLINE_FHIR.consistencyExtension,
  extension: [
    { url: 'fromSize', valueString: String(proof.fromSize) },
    ...proof.path.map((hash) => ({ url: 'path', valueString: hash })),
  ],
});

/**
 * A signed tree head as Provenance: the server (verifier) attests the tree with this root and
 * size. The signature is Ed25519 over treeHeadSigningBytes. With `auditKey` (base64), the key
 * that verifies it is on the signature; with `proofs`, the consistency proofs that end at this
 * head. Throws a RangeError for a key that is not one, or a proof that does not end here.
 */
export function treeHeadProvenance(
  head: SignedTreeHead,
  auditKey?: string,
  proofs: readonly ConsistencyProof[] = [],
): Provenance {
  if (auditKey !== undefined && !isEd25519Key(auditKey))
    throw new RangeError('auditKey is not an Ed25519 public key in canonical base64');
  for (const proof of proofs) {
    const wrong = consistencyProblem(proof, head.treeSize);
    if (wrong !== null) throw new RangeError(`consistency proof ${wrong} does not fit the head`);
  }
  const when = instant(head.timestamp, 'head.timestamp');
  return {
    resourceType: 'Provenance',
    id: `tree-head-${String(head.treeSize)}-${String(head.timestamp)}`,
    extension: [
      { url: WARDLINE_FHIR.treeSizeExtension, valueString: String(head.treeSize) },
      ...proofs.map(consistencyExtension),
    ],
    target: [identifier(WARDLINE_FHIR.auditTreeRoots, head.rootHash)],
    recorded: when,
    agent: [
      {
        type: { coding: [{ system: PARTICIPANT_TYPE, code: 'verifier', display: 'Verifier' }] },
        who: TREE_HEAD_SIGNER,
      },
    ],
    signature: [
      {
        ...(auditKey === undefined ? {} : { extension: [keyExtension(auditKey)] }),
        type: [{ system: ASTM_SIGNATURE_TYPE, code: '1.2.840.10065.1.12.1.5', display: 'Verification Signature' }],
        when,
        who: TREE_HEAD_SIGNER,
        ...SIGNATURE_FORMAT,
        data: head.signature,
      },
    ],
  };
}

export type FromTreeHeadResult =
  | {
      readonly ok: true;
      readonly head: SignedTreeHead;
      readonly auditKey: string | null;
      readonly consistency: ConsistencyProof[];
    }
  | { readonly ok: false; readonly problem: string };

/** The head's consistency proofs, in order; exactness is checked by re-encoding. */
function decodeConsistency(content: Json, treeSize: number): Decoded<ConsistencyProof[]> {
  const proofs: ConsistencyProof[] = [];
  for (const item of list(content.extension).filter(
    (candidate) => get(candidate, 'url') === WARDLINE_FHIR.consistencyExtension,
  )) {
    const parts = list(get(item, 'extension'));
    const fromSize = decimal(
      text(
        get(
          parts.find((part) => get(part, 'url') === 'fromSize'),
          'valueString',
        ),
      ),
    );
    const path = parts.filter((part) => get(part, 'url') === 'path').map((part) => get(part, 'valueString'));
    if (fromSize === undefined) return problem('extension (consistency).fromSize');
    if (!path.every((hash): hash is string => typeof hash === 'string')) return problem('extension (consistency).path');
    const proof = { fromSize, toSize: treeSize, path };
    const wrong = consistencyProblem(proof, treeSize);
    if (wrong !== null) return problem(`extension (consistency).${wrong}`);
    proofs.push(proof);
  }
  return { ok: true, value: proofs };
}

/** The exact inverse of treeHeadProvenance; the problem names a field, never its value. */
export function fromTreeHeadProvenance(resource: unknown): FromTreeHeadResult {
  if (!isObject(resource) || resource.resourceType !== 'Provenance') return problem('resourceType');
  const content = withoutServerMeta(resource);
  if (content === null) return problem('meta');
  const treeSize = decimal(
    text(
      get(
        list(content.extension).find((item) => get(item, 'url') === WARDLINE_FHIR.treeSizeExtension),
        'valueString',
      ),
    ),
  );
  if (treeSize === undefined) return problem('extension (tree size)');
  const timestamp = parseInstant(content.recorded);
  if (timestamp === undefined) return problem('recorded');
  const key = signerKeyValue(get(content, 'signature', 0));
  if (key !== undefined && !isEd25519Key(key)) return problem('signature.extension (public key)');
  const consistency = decodeConsistency(content, treeSize);
  if (!consistency.ok) return consistency;
  const parsed = signedTreeHead.safeParse({
    treeSize,
    timestamp,
    rootHash: identifierValue({ what: get(content, 'target', 0) }, WARDLINE_FHIR.auditTreeRoots),
    signature: get(content, 'signature', 0, 'data'),
  });
  if (!parsed.success) return problem(parsed.error.issues[0]?.path.map(String).join('.') ?? '(head)');
  const difference = firstDifference(content, treeHeadProvenance(parsed.data, key, consistency.value), '');
  return difference === null
    ? { ok: true, head: parsed.data, auditKey: key ?? null, consistency: consistency.value }
    : problem(difference);
}

const storedBatch = z
  .strictObject({
    workstationId: uuid,
    firstSeq: z.number().int().nonnegative(),
    lastSeq: z.number().int().nonnegative(),
    previousHash: hashHex,
    lastHash: hashHex,
    // Canonical only: a second spelling of the same bytes would be an edit that still verifies.
    signature: z.string().refine((value) => isCanonicalBase64(value, SIGNATURE_BYTES)),
    devicePublicKey: z.string().refine(isEd25519Key),
  })
  .refine((batch) => batch.lastSeq >= batch.firstSeq, { path: ['lastSeq'] });

/** Where each batch field is in its Provenance: what a problem names. */
const BATCH_FIELDS: Readonly<Record<keyof StoredBatch, string>> = {
  workstationId: 'target',
  firstSeq: 'extension (audit batch).firstSeq',
  lastSeq: 'extension (audit batch).lastSeq',
  previousHash: 'extension (audit batch).previousHash',
  lastHash: 'extension (audit batch).lastHash',
  signature: 'signature.data',
  devicePublicKey: 'signature.extension (public key)',
};

function batchProblem(error: z.ZodError): string {
  const field = error.issues[0]?.path[0];
  return typeof field === 'string' && Object.hasOwn(BATCH_FIELDS, field)
    ? BATCH_FIELDS[field as keyof StoredBatch]
    : '(batch)';
}

/**
 * R4 requires Provenance.recorded and Signature.when, and a batch has no time of its own: the
 * device signs none and StoredBatch keeps none. FHIR's answer for a required value that is not
 * known is a primitive with only a data-absent-reason extension, so no time is made up.
 */
const unknownValue = (): Element => ({
  extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }],
});

/** A Provenance with `_recorded` and `_when` (no values, see unknownValue); Medplum's types have only the values. */
export type BatchProvenance = Omit<Provenance, 'recorded' | 'signature'> & {
  readonly _recorded: Element;
  readonly signature: (Omit<Signature, 'when'> & { readonly _when: Element })[];
};

/** The workstation's own namespace, as for its events; first and last make the batch. */
const batchUuid = (batch: StoredBatch): string =>
  nameUuid(batch.workstationId, `audit-batch/${String(batch.firstSeq)}/${String(batch.lastSeq)}`);

/**
 * A device-signed batch as Provenance: the workstation (author, a Device by identifier) signed
 * records firstSeq..lastSeq of its chain, which the target names by identifier rather than
 * listing every AuditEvent. The range and the two hashes it signed are the audit-batch extension,
 * so batchSigningBytes can be rebuilt; the device key is on the signature. Author's Signature,
 * not Verification: the device wrote what it signs. Throws a RangeError for an invalid batch.
 */
export function batchProvenance(batch: StoredBatch): BatchProvenance {
  const checked = storedBatch.safeParse(batch);
  if (!checked.success) throw new RangeError(`batch ${batchProblem(checked.error)} is not valid`);
  const device = { type: 'Device' as const, ...identifier(WARDLINE_FHIR.workstationIds, batch.workstationId) };
  return {
    resourceType: 'Provenance',
    id: batchUuid(batch),
    extension: [
      {
        url: WARDLINE_FHIR.auditBatchExtension,
        extension: [
          { url: 'firstSeq', valueString: String(batch.firstSeq) },
          { url: 'lastSeq', valueString: String(batch.lastSeq) },
          { url: 'previousHash', valueString: batch.previousHash },
          { url: 'lastHash', valueString: batch.lastHash },
        ],
      },
    ],
    target: [identifier(WARDLINE_FHIR.auditChains, batch.workstationId)],
    _recorded: unknownValue(),
    agent: [{ type: { coding: [{ system: PARTICIPANT_TYPE, code: 'author', display: 'Author' }] }, who: device }],
    signature: [
      {
        extension: [keyExtension(batch.devicePublicKey)],
        type: [{ system: ASTM_SIGNATURE_TYPE, code: '1.2.840.10065.1.12.1.1', display: "Author's Signature" }],
        _when: unknownValue(),
        who: device,
        ...SIGNATURE_FORMAT,
        data: batch.signature,
      },
    ],
  };
}

export type FromBatchProvenanceResult =
  { readonly ok: true; readonly batch: StoredBatch } | { readonly ok: false; readonly problem: string };

/** The exact inverse of batchProvenance; the problem names a field, never its value. */
export function fromBatchProvenance(resource: unknown): FromBatchProvenanceResult {
  if (!isObject(resource) || resource.resourceType !== 'Provenance') return problem('resourceType');
  const content = withoutServerMeta(resource);
  if (content === null) return problem('meta');
  const range = list(content.extension).find((item) => get(item, 'url') === WARDLINE_FHIR.auditBatchExtension);
  const part = (name: string): unknown =>
    get(
      list(get(range, 'extension')).find((item) => get(item, 'url') === name),
      'valueString',
    );
  const firstSeq = decimal(text(part('firstSeq')));
  if (firstSeq === undefined) return problem(BATCH_FIELDS.firstSeq);
  const lastSeq = decimal(text(part('lastSeq')));
  if (lastSeq === undefined) return problem(BATCH_FIELDS.lastSeq);
  const parsed = storedBatch.safeParse({
    workstationId: identifierValue({ what: get(content, 'target', 0) }, WARDLINE_FHIR.auditChains),
    firstSeq,
    lastSeq,
    previousHash: part('previousHash'),
    lastHash: part('lastHash'),
    signature: get(content, 'signature', 0, 'data'),
    devicePublicKey: signerKeyValue(get(content, 'signature', 0)),
  });
  if (!parsed.success) return problem(batchProblem(parsed.error));
  const difference = firstDifference(content, batchProvenance(parsed.data), '');
  return difference === null ? { ok: true, batch: parsed.data } : problem(difference);
}

/** Namespace for the name-based UUIDs of unreadable records (fixed, random). */
const UNREADABLE_NAMESPACE = '5f0e6c1a-8d2b-4c3e-9a47-61b2d8e0f3c9';
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
function readPlace(
  kind: PlaceKind,
  resource: unknown,
): { readonly ok: true; readonly place: UnreadableRecord } | { readonly ok: false; readonly problem: string } {
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
  return difference === null ? { ok: true, place } : problem(difference);
}

/**
 * A stored record that no longer reads as one, as an OperationOutcome: an error at its place in
 * the trail, with only what is still known of it (never its content, which may not be ours).
 * Throws a RangeError for a value that is not of its form.
 */
export function unreadableOutcome(lost: UnreadableRecord): OperationOutcome {
  return placeOutcome('unreadable', lost);
}

export type FromUnreadableResult =
  { readonly ok: true; readonly unreadable: UnreadableRecord } | { readonly ok: false; readonly problem: string };

/** The exact inverse of unreadableOutcome; the problem names a field, never its value. */
export function fromUnreadableOutcome(resource: unknown): FromUnreadableResult {
  const read = readPlace('unreadable', resource);
  return read.ok ? { ok: true, unreadable: read.place } : read;
}

/** A record purged under retention, as an informational OperationOutcome that keeps its place. Throws a RangeError for a value not of its form. */
export function purgedOutcome(stub: PurgedRecord): OperationOutcome {
  return placeOutcome('purged', stub);
}

export type FromPurgedResult =
  { readonly ok: true; readonly purged: PurgedRecord } | { readonly ok: false; readonly problem: string };

/** The exact inverse of purgedOutcome: every part of the place is known, or it is not a purged record. */
export function fromPurgedOutcome(resource: unknown): FromPurgedResult {
  const read = readPlace('purged', resource);
  if (!read.ok) return read;
  const { treeIndex, workstationId, seq, hash } = read.place;
  if (workstationId === null) return problem('extension (purged).workstationId');
  if (seq === null) return problem('extension (purged).seq');
  if (hash === null) return problem('extension (purged).hash');
  return { ok: true, purged: { treeIndex, workstationId, seq, hash } };
}

/** RFC 9562 name-based UUID (version 5): the same input always gives the same fullUrl. */
function nameUuid(namespace: string, name: string): string {
  const digest = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x50;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

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
  return {
    resourceType: 'Bundle',
    id: options.id,
    type: 'collection',
    timestamp: instant(options.timestamp, 'timestamp'),
    ...(resources.length === 0 ? {} : { entry: resources }),
  };
}

export interface ReadAuditEvent {
  readonly entry: StoredEntry;
  readonly inclusionProof: InclusionProof | null;
}

export type ReadAuditBundleResult =
  | {
      readonly ok: true;
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
    }
  | { readonly ok: false; readonly problem: string; readonly index?: number };

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

/** A difference at `entry[i]...` is entry i's problem, named within the entry (`fullUrl`, `resource.id`). */
function bundleProblem(path: string): { readonly ok: false; readonly problem: string; readonly index?: number } {
  const match = /^entry\[(\d+)\]\.?(.*)$/.exec(path);
  return match === null ? problem(path) : { ok: false, problem: match[2] || '(entry)', index: Number(match[1]) };
}

/**
 * The exact inverse of auditBundle: reads every resource back (a problem names the index of the
 * first entry that fails, and its field within the entry, never a value), then requires it to be what
 * auditBundle writes for what was read, fullUrls and order included. The audit key is as
 * found on the heads, or null; whether it is the right key is for the verifier to check.
 */
export function readAuditBundle(bundle: unknown): ReadAuditBundleResult {
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle') return problem('resourceType');
  const content = withoutServerMeta(bundle);
  if (content === null) return problem('meta');
  const id = text(content.id);
  if (id === undefined || !FHIR_ID.test(id)) return problem('id');
  const timestamp = parseInstant(content.timestamp);
  if (timestamp === undefined || timestamp < 0) return problem('timestamp');
  if (content.entry !== undefined && !Array.isArray(content.entry)) return problem('entry');

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
      return {
        ok: false,
        problem: get(resource, 'resourceType') === 'Provenance' ? 'resource.target' : 'resource.resourceType',
        index,
      };
    if (KINDS.indexOf(kind) < rank) return { ok: false, problem: '(order)', index };
    rank = KINDS.indexOf(kind);
    let fullUrl: string;
    if (kind === 'event') {
      const read = fromAuditEvent(resource);
      if (!read.ok) return { ok: false, problem: `resource.${read.problem}`, index };
      entries.push({ entry: read.entry, inclusionProof: read.inclusionProof });
      fullUrl = eventUrl(read.entry);
    } else if (kind === 'purged') {
      const read = fromPurgedOutcome(resource);
      if (!read.ok) return { ok: false, problem: `resource.${read.problem}`, index };
      purged.push(read.purged);
      fullUrl = purgedUrl(read.purged);
    } else if (kind === 'unreadable') {
      const read = fromUnreadableOutcome(resource);
      if (!read.ok) return { ok: false, problem: `resource.${read.problem}`, index };
      unreadable.push(read.unreadable);
      fullUrl = unreadableUrl(read.unreadable);
    } else if (kind === 'head') {
      const read = fromTreeHeadProvenance(resource);
      if (!read.ok) return { ok: false, problem: `resource.${read.problem}`, index };
      heads.push(read.head);
      consistency.push(...read.consistency);
      auditKey ??= read.auditKey;
      fullUrl = headUrl(read.head);
    } else {
      const read = fromBatchProvenance(resource);
      if (!read.ok) return { ok: false, problem: `resource.${read.problem}`, index };
      batches.push(read.batch);
      fullUrl = batchUrl(read.batch);
    }
    if (fullUrls.has(fullUrl)) return { ok: false, problem: 'fullUrl (duplicate)', index };
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
    ? { ok: true, id, timestamp, entries, heads, batches, auditKey, consistency, unreadable, purged }
    : bundleProblem(difference);
}
