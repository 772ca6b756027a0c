/**
 * The audit trail as FHIR R4: one AuditEvent per stored entry, signed tree heads as Provenance,
 * all in a `collection` Bundle. Hospitals feed these to an Audit Record Repository, so the
 * mapping follows IHE Basic Audit Log Patterns (BALP): a requestor agent for the user, an agent
 * and the source for the workstation, entities for the object and the patient (type Person, role
 * Patient), DICOM event types.
 *
 * No BALP profile is claimed in meta.profile: BALP's profiles describe RESTful client/server
 * interactions (agents with network addresses for both ends, restful-interaction subtypes) and a
 * workstation's events are not that, so claiming one would make a profile-aware validator reject
 * the export. The patterns are followed; the profiles are not asserted.
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
 */
import { createHash } from 'node:crypto';
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Bundle, Coding, Provenance } from '@medplum/fhirtypes';
import type { AuditAction, AuditObject, AuditRecord } from '../../shared/audit/audit-event';
import { signedTreeHead, storedEntry, type SignedTreeHead, type StoredEntry } from '../../shared/audit/audit-entry';

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
  /** A workstation's hash chain; the entity also carries the entry's place and hashes. */
  auditChains: `${WARDLINE_FHIR_BASE}/sid/audit-chain`,
  /** The server's Merkle tree, by root hash. */
  auditTreeRoots: `${WARDLINE_FHIR_BASE}/sid/audit-tree-root`,
  treeSizeExtension: `${WARDLINE_FHIR_BASE}/StructureDefinition/audit-tree-size`,
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
};

const entityType = (code: '1' | '2', display: string): Coding => ({ system: ENTITY_TYPE, code, display });
const PERSON = entityType('1', 'Person');
const SYSTEM_OBJECT = entityType('2', 'System Object');
const objectRole = (code: string, display: string): Coding => ({ system: OBJECT_ROLE, code, display });
const ROLE_PATIENT = objectRole('1', 'Patient');
const ROLE_QUERY = objectRole('24', 'Query');

type IdentifiedKind = Exclude<AuditObject['kind'], 'search' | 'none'>;
/** The object's entity by kind: BALP's data entity (System Object), with a role that says what it is. */
const OBJECT_ENTITIES: Readonly<Record<IdentifiedKind, { readonly system: string; readonly role: Coding }>> = {
  conversation: { system: WARDLINE_FHIR.conversationIds, role: objectRole('4', 'Domain Resource') },
  message: { system: WARDLINE_FHIR.messageIds, role: objectRole('4', 'Domain Resource') },
  patient: { system: WARDLINE_FHIR.patientReferences, role: objectRole('4', 'Domain Resource') },
  setting: { system: WARDLINE_FHIR.settingKeys, role: objectRole('13', 'Security Resource') },
  account: { system: WARDLINE_FHIR.userIds, role: objectRole('11', 'Security User Entity') },
  vault: { system: WARDLINE_FHIR.vaultIds, role: objectRole('17', 'Data Repository') },
};

/** Entity detail types: names of numbers and ids, never text. */
const DETAIL = { conversation: 'conversationId', resultCount: 'resultCount', seq: 'seq', previousHash: 'previousHash', hash: 'hash', treeIndex: 'treeIndex' } as const;

/** The last instant FHIR (four-digit years) can hold. */
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DECIMAL = /^(?:0|[1-9]\d{0,15})$/;
/** FHIR's id datatype. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

function instant(at: number, field: string): string {
  if (!Number.isSafeInteger(at) || at < 0 || at > LAST_INSTANT) throw new RangeError(`${field} is outside what a FHIR instant holds`);
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
      return { type: SYSTEM_OBJECT, role: ROLE_QUERY, detail: [{ type: DETAIL.resultCount, valueString: String(object.resultCount) }] };
    case 'message': {
      const { system, role } = OBJECT_ENTITIES.message;
      return { what: identifier(system, object.id), type: SYSTEM_OBJECT, role, detail: [{ type: DETAIL.conversation, valueString: object.conversationId }] };
    }
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

/** One stored entry as an R4 AuditEvent. Throws a RangeError for a time a FHIR instant cannot hold. */
export function toAuditEvent(entry: StoredEntry): AuditEvent {
  const { record } = entry;
  const mapping = ACTIONS[record.action];
  const user: AuditEventAgent = {
    type: { coding: [{ system: PARTICIPATION_TYPE, code: 'IRCP', display: 'information recipient' }] },
    ...(record.actor.userId === null ? {} : { who: identifier(WARDLINE_FHIR.userIds, record.actor.userId) }),
    ...(record.actor.role === null ? {} : { role: [{ coding: [{ system: WARDLINE_FHIR.roleSystem, code: record.actor.role }] }] }),
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
    ...(record.patient === null ? [] : [{ what: identifier(WARDLINE_FHIR.patientReferences, record.patient), type: PERSON, role: ROLE_PATIENT }]),
    {
      what: identifier(WARDLINE_FHIR.auditChains, record.workstationId),
      type: SYSTEM_OBJECT,
      detail: [
        { type: DETAIL.seq, valueString: String(record.seq) },
        { type: DETAIL.previousHash, valueString: entry.previousHash },
        { type: DETAIL.hash, valueString: entry.hash },
        { type: DETAIL.treeIndex, valueString: String(entry.treeIndex) },
      ],
    },
  ];
  return {
    resourceType: 'AuditEvent',
    id: auditEventId(record),
    type: mapping.type,
    subtype: [{ system: WARDLINE_FHIR.actionSystem, code: record.action }, ...(mapping.session === undefined ? [] : [mapping.session])],
    action: mapping.action,
    recorded: instant(record.at, 'record.at'),
    outcome: record.outcome === 'success' ? '0' : '4',
    ...(record.reason === null ? {} : { outcomeDesc: record.reason }),
    agent: [user, workstation],
    source: { observer: identifier(WARDLINE_FHIR.workstationIds, record.workstationId), type: [{ system: SOURCE_TYPE, code: '1', display: 'User Device' }] },
    entity: entities,
  };
}

export type FromAuditEventResult = { readonly ok: true; readonly entry: StoredEntry } | { readonly ok: false; readonly problem: string };

type Json = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
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
  return get(entity, 'what', 'identifier', 'system') === system ? text(get(entity, 'what', 'identifier', 'value')) : undefined;
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
    return resultCount === undefined ? problem('entity.detail.resultCount') : { ok: true, value: { kind: 'search', resultCount } };
  }
  for (const kind of Object.keys(OBJECT_ENTITIES) as IdentifiedKind[]) {
    const id = identifierValue(entity, OBJECT_ENTITIES[kind].system);
    if (id === undefined) continue;
    if (kind !== 'message') return { ok: true, value: { kind, id } };
    const conversationId = detail(entity, DETAIL.conversation);
    return conversationId === undefined ? problem('entity.detail.conversationId') : { ok: true, value: { kind, id, conversationId } };
  }
  return problem('entity.what');
}

/** Reads the fields a record is made of; exactness is checked afterwards by re-encoding. */
function decode(resource: Json): Decoded<unknown> {
  const action = text(get(list(resource.subtype).find((coding) => get(coding, 'system') === WARDLINE_FHIR.actionSystem), 'code'));
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
  const userId = get(user, 'who') === undefined ? null : get(user, 'who', 'identifier', 'system') === WARDLINE_FHIR.userIds ? text(get(user, 'who', 'identifier', 'value')) : undefined;
  if (userId === undefined) return problem('agent.who');
  const role = get(user, 'role') === undefined ? null : get(user, 'role', 0, 'coding', 0, 'system') === WARDLINE_FHIR.roleSystem ? text(get(user, 'role', 0, 'coding', 0, 'code')) : undefined;
  if (role === undefined) return problem('agent.role');

  const workstationId = get(resource, 'source', 'observer', 'identifier', 'system') === WARDLINE_FHIR.workstationIds ? text(get(resource, 'source', 'observer', 'identifier', 'value')) : undefined;
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

  return {
    ok: true,
    value: {
      record: { actor: { userId, role }, action, object: object.value, patient, at, seq, workstationId, outcome, reason },
      previousHash: detail(chain, DETAIL.previousHash),
      hash: detail(chain, DETAIL.hash),
      treeIndex,
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
  const parsed = storedEntry.safeParse(decoded.value);
  if (!parsed.success) return problem(parsed.error.issues[0]?.path.map(String).join('.') ?? '(entry)');
  const difference = firstDifference(content, toAuditEvent(parsed.data), '');
  return difference === null ? { ok: true, entry: parsed.data } : problem(difference);
}

const TREE_HEAD_SIGNER = { display: 'Wardline audit server' };
/** Namespace for the name-based UUIDs of tree heads (fixed, random). */
const TREE_HEAD_NAMESPACE = 'b5ca7dcb-5d91-4c55-892d-1c60950eeb58';

/**
 * A signed tree head as Provenance: the server (verifier) attests the tree with this root and
 * size. The signature is Ed25519 over treeHeadSigningBytes (text lines, hence text/plain).
 */
export function treeHeadProvenance(head: SignedTreeHead): Provenance {
  const when = instant(head.timestamp, 'head.timestamp');
  return {
    resourceType: 'Provenance',
    id: `tree-head-${String(head.treeSize)}-${String(head.timestamp)}`,
    extension: [{ url: WARDLINE_FHIR.treeSizeExtension, valueString: String(head.treeSize) }],
    target: [identifier(WARDLINE_FHIR.auditTreeRoots, head.rootHash)],
    recorded: when,
    agent: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'verifier', display: 'Verifier' }] }, who: TREE_HEAD_SIGNER }],
    signature: [
      {
        type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.5', display: 'Verification Signature' }],
        when,
        who: TREE_HEAD_SIGNER,
        targetFormat: 'text/plain',
        data: head.signature,
      },
    ],
  };
}

export type FromTreeHeadResult = { readonly ok: true; readonly head: SignedTreeHead } | { readonly ok: false; readonly problem: string };

/** The exact inverse of treeHeadProvenance; the problem names a field, never its value. */
export function fromTreeHeadProvenance(resource: unknown): FromTreeHeadResult {
  if (!isObject(resource) || resource.resourceType !== 'Provenance') return problem('resourceType');
  const content = withoutServerMeta(resource);
  if (content === null) return problem('meta');
  const treeSize = decimal(text(get(list(content.extension).find((item) => get(item, 'url') === WARDLINE_FHIR.treeSizeExtension), 'valueString')));
  if (treeSize === undefined) return problem('extension (tree size)');
  const timestamp = parseInstant(content.recorded);
  if (timestamp === undefined) return problem('recorded');
  const parsed = signedTreeHead.safeParse({
    treeSize,
    timestamp,
    rootHash: identifierValue({ what: get(content, 'target', 0) }, WARDLINE_FHIR.auditTreeRoots),
    signature: get(content, 'signature', 0, 'data'),
  });
  if (!parsed.success) return problem(parsed.error.issues[0]?.path.map(String).join('.') ?? '(head)');
  const difference = firstDifference(content, treeHeadProvenance(parsed.data), '');
  return difference === null ? { ok: true, head: parsed.data } : problem(difference);
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

export interface AuditBundleOptions {
  /** The Bundle's id (FHIR id: letters, digits, '-' and '.', at most 64). */
  readonly id: string;
  /** When the export was made, ms since the epoch. */
  readonly timestamp: number;
  /** Signed tree heads that let a reader check the entries against the server's Merkle tree. */
  readonly heads?: readonly SignedTreeHead[];
}

/**
 * An export as a `collection` Bundle: a set of resources gathered to be kept and read together.
 * Not `searchset`, which is a server's answer to a search (with self link, total and search
 * modes), nor `document`, which needs a Composition. Entries are not on a server, so each
 * fullUrl is a name-based urn:uuid: events by workstation and sequence number, heads by content.
 */
export function auditBundle(entries: readonly StoredEntry[], options: AuditBundleOptions): Bundle<AuditEvent | Provenance> {
  if (!FHIR_ID.test(options.id)) throw new RangeError('bundle id is not a FHIR id');
  return {
    resourceType: 'Bundle',
    id: options.id,
    type: 'collection',
    timestamp: instant(options.timestamp, 'timestamp'),
    entry: [
      ...entries.map((entry) => ({ fullUrl: `urn:uuid:${nameUuid(entry.record.workstationId, `audit-event/${String(entry.record.seq)}`)}`, resource: toAuditEvent(entry) })),
      ...(options.heads ?? []).map((head) => ({
        fullUrl: `urn:uuid:${nameUuid(TREE_HEAD_NAMESPACE, `${String(head.treeSize)}/${String(head.timestamp)}/${head.rootHash}`)}`,
        resource: treeHeadProvenance(head),
      })),
    ],
  };
}
