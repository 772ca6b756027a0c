/**
 * The code systems, identifier systems and extension URLs of the FHIR audit export, and how each
 * Wardline action and object kind maps onto them. Hospitals feed the export to an Audit Record
 * Repository, so the mapping follows IHE Basic Audit Log Patterns (BALP): a requestor agent for
 * the user, an agent and the source for the workstation, entities for the object and the patient
 * (type Person, role Patient), DICOM event types.
 *
 * No BALP profile is claimed in meta.profile: BALP's profiles describe RESTful client/server
 * interactions and a workstation's events are not that. IHE.BasicAudit.Read, for one, fixes type
 * to audit-event-type#rest, needs a restful-interaction subtype, client and server agents (DCM
 * 110152/110153) with network addresses, and outcome 0; Wardline's events carry DICOM event types
 * and record failures. Claiming a profile would make a profile-aware validator reject the export.
 * The patterns are followed; the profiles are not asserted.
 *
 * The user agent's type (v3-ParticipationType) says how the user took part: AUT (author) for a
 * create the user originates (a message sent or accepted from its sender, a vault made at first
 * sign-in), as BALP's Create profiles bind it (ValueSet DataSources: AUT, INF, CST); IRCP
 * (information recipient) otherwise, BALP's code for query/retrieve. A received message is
 * recorded as a create on the workstation, but its user is the recipient, not the author.
 * UserAgentTypesVS also lists v3-RoleClass AGNT for push/create/update; it is not used: it says
 * the person acted on behalf of another, and it is not in DataSources. The workstation agent
 * stays DCM 110150 Application for every event: BALP's client/server pair (110153/110152) types
 * the two ends of a RESTful exchange, and a Wardline event is recorded by one application.
 *
 * Event types (DICOM, http://dicom.nema.org/resources/ontology/DCM):
 * - 110114 User Authentication, subtype 110122 Login / 110123 Logout: sign-in, MFA, lock-out,
 *   sign-out, auto-logoff, user switch; session lock and unlock without either (see ACTIONS);
 * - 110110 Patient Record: conversation, message and attachment events (clinical content);
 * - 110112 Query: search; 110106 Export: export;
 * - 110113 Security Alert: key changes, policy refused, admin actions, audit alerts;
 * - 110100 Application Activity: policy loaded, vault lifecycle.
 * The exact Wardline action is always the first subtype, in a Wardline CodeSystem. Wardline's
 * own URLs are built under WARDLINE_FHIR_BASE (under `.invalid`, so that no real host is named);
 * a deployment sets its own base (`--fhir-code-system-base`, shared/audit/export-naming.ts), to
 * which fhir-code-system-base.ts moves the Bundle as it is written.
 */
import type { AuditEvent, Coding } from '@medplum/fhirtypes';
import type { AuditAction, AuditObject } from '../../audit/audit-event';
import { DEFAULT_FHIR_CODE_SYSTEM_BASE } from '../../audit/export-naming';

export const WARDLINE_FHIR_BASE = DEFAULT_FHIR_CODE_SYSTEM_BASE;

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
  /** An approved message template, by its id. */
  templateIds: `${WARDLINE_FHIR_BASE}/sid/message-template`,
  /** An eDiscovery package, by its SHA-256 digest. */
  ediscoveryPackages: `${WARDLINE_FHIR_BASE}/sid/ediscovery-package`,
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
export const SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';

export const dcm = (code: string, display: string): Coding => ({ system: DCM, code, display });
const AUTHENTICATION = dcm('110114', 'User Authentication');
const PATIENT_RECORD = dcm('110110', 'Patient Record');
const QUERY = dcm('110112', 'Query');
const EXPORT = dcm('110106', 'Export');
const SECURITY_ALERT = dcm('110113', 'Security Alert');
const APPLICATION_ACTIVITY = dcm('110100', 'Application Activity');
const LOGIN = dcm('110122', 'Login');
const LOGOUT = dcm('110123', 'Logout');

const participation = (code: string, display: string): Coding => ({ system: PARTICIPATION_TYPE, code, display });
export const RECIPIENT = participation('IRCP', 'information recipient');
export const AUTHOR = participation('AUT', 'author (originator)');

type ActionCode = NonNullable<AuditEvent['action']>;
export interface ActionMapping {
  readonly type: Coding;
  readonly action: ActionCode;
  /** DICOM's Login/Logout subtype for authentication events that log a user on or off. */
  readonly session?: Coding;
  /** The user agent's participation, when not RECIPIENT. */
  readonly user?: Coding;
}

export const ACTIONS: Readonly<Record<AuditAction, ActionMapping>> = {
  'sign-in.succeeded': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  'sign-in.failed': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  'mfa.failed': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  'account.locked-out': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  // DICOM PS3.15 A.5.3.12 (User Authentication) defines Login and Logout as logging on and off.
  // A lock logs no one off: the screen and vault close, but the server session stays and only
  // its user can resume it. Coded Logout, a SIEM pairing Login with Logout would see a session
  // end that did not (auto-logoff is the one that ends it). An unlock re-proves that user, an
  // authentication but no new log-on, so it is not Login either. EventTypeCode there is a
  // Defined Term (extensible): the Wardline action subtype alone says which.
  'session.locked': { type: AUTHENTICATION, action: 'E' },
  'session.unlocked': { type: AUTHENTICATION, action: 'E' },
  'session.auto-logoff': { type: AUTHENTICATION, action: 'E', session: LOGOUT },
  'session.signed-out': { type: AUTHENTICATION, action: 'E', session: LOGOUT },
  'session.user-switched': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  'conversation.opened': { type: PATIENT_RECORD, action: 'R' },
  'message.sent': { type: PATIENT_RECORD, action: 'C', user: AUTHOR },
  'message.received': { type: PATIENT_RECORD, action: 'C' },
  'message.read': { type: PATIENT_RECORD, action: 'R' },
  'message.recalled': { type: PATIENT_RECORD, action: 'D' },
  'message.expired': { type: PATIENT_RECORD, action: 'D' },
  'message.acknowledged': { type: PATIENT_RECORD, action: 'U', user: AUTHOR },
  'message.escalated': { type: PATIENT_RECORD, action: 'E' },
  'search.performed': { type: QUERY, action: 'E' },
  'attachment.opened': { type: PATIENT_RECORD, action: 'R' },
  'attachment.saved': { type: EXPORT, action: 'R' },
  'export.created': { type: EXPORT, action: 'R' },
  'key-change.shown': { type: SECURITY_ALERT, action: 'R' },
  'key-change.accepted': { type: SECURITY_ALERT, action: 'U' },
  'policy.loaded': { type: APPLICATION_ACTIVITY, action: 'R' },
  'policy.rejected': { type: SECURITY_ALERT, action: 'E' },
  'admin.action': { type: SECURITY_ALERT, action: 'E' },
  'vault.created': { type: APPLICATION_ACTIVITY, action: 'C', user: AUTHOR },
  'vault.shredded': { type: APPLICATION_ACTIVITY, action: 'D' },
  'vault.purged': { type: APPLICATION_ACTIVITY, action: 'D' },
  'audit.alert': { type: SECURITY_ALERT, action: 'E' },
  'session.issued': { type: AUTHENTICATION, action: 'E', session: LOGIN },
  'session.ended': { type: AUTHENTICATION, action: 'E', session: LOGOUT },
  'message.accepted': { type: PATIENT_RECORD, action: 'C', user: AUTHOR },
  'history.read': { type: PATIENT_RECORD, action: 'R' },
  // The person changes a setting of their own account: who receives their messages, and when.
  'availability.changed': { type: APPLICATION_ACTIVITY, action: 'U' },
  // The minimum-necessary guard: a check policy makes on what a clinician was about to disclose.
  'guard.warned': { type: SECURITY_ALERT, action: 'E' },
  'guard.overridden': { type: SECURITY_ALERT, action: 'E', user: AUTHOR },
  'guard.blocked': { type: SECURITY_ALERT, action: 'E' },
  // The message itself is `message.sent`; this says which approved text it was made from.
  'template.used': { type: APPLICATION_ACTIVITY, action: 'C', user: AUTHOR },
  // Local copies removed by machine policy, no person's choice: the server keeps its own.
  'vault.retention-applied': { type: APPLICATION_ACTIVITY, action: 'D' },
};

const entityType = (code: '1' | '2', display: string): Coding => ({ system: ENTITY_TYPE, code, display });
export const PERSON = entityType('1', 'Person');
export const SYSTEM_OBJECT = entityType('2', 'System Object');
const objectRole = (code: string, display: string): Coding => ({ system: OBJECT_ROLE, code, display });
export const ROLE_PATIENT = objectRole('1', 'Patient');
export const ROLE_QUERY = objectRole('24', 'Query');
export const ROLE_PURGED_REPOSITORY = objectRole('17', 'Data Repository');
export const ROLE_DATA_DESTINATION = objectRole('16', 'Data Destination');
export const ROLE_SESSION = objectRole('13', 'Security Resource');
/** A message being written, which has no id until it is sent: told by what was found in it. */
export const ROLE_DRAFT = objectRole('4', 'Domain Resource');

/** Kinds told by an identifier alone (the others carry details that say more). */
export type IdentifiedKind = Exclude<
  AuditObject['kind'],
  | 'search'
  | 'none'
  | 'legal-hold'
  | 'role-address'
  | 'workstation'
  | 'audit-purge'
  | 'message-retention'
  | 'siem-destination'
  | 'session'
  | 'availability'
  | 'identifiers'
>;
/** The object's entity by kind: BALP's data entity (System Object), with a role that says what it is. */
export const OBJECT_ENTITIES: Readonly<Record<IdentifiedKind, { readonly system: string; readonly role: Coding }>> = {
  conversation: { system: WARDLINE_FHIR.conversationIds, role: objectRole('4', 'Domain Resource') },
  message: { system: WARDLINE_FHIR.messageIds, role: objectRole('4', 'Domain Resource') },
  patient: { system: WARDLINE_FHIR.patientReferences, role: objectRole('4', 'Domain Resource') },
  setting: { system: WARDLINE_FHIR.settingKeys, role: objectRole('13', 'Security Resource') },
  account: { system: WARDLINE_FHIR.userIds, role: objectRole('11', 'Security User Entity') },
  vault: { system: WARDLINE_FHIR.vaultIds, role: objectRole('17', 'Data Repository') },
  // Approved text a clinician's message was built from (the message is the sent record's object).
  template: { system: WARDLINE_FHIR.templateIds, role: objectRole('4', 'Domain Resource') },
  // Held messages exported for eDiscovery: a copy of records, held elsewhere.
  'ediscovery-package': { system: WARDLINE_FHIR.ediscoveryPackages, role: objectRole('17', 'Data Repository') },
};
/** Kinds told by an identifier, with the account concerned (a hold's, or a role's member) as a detail. */
export const WITH_USER_ENTITIES: Readonly<
  Record<'legal-hold' | 'role-address' | 'workstation', { readonly system: string; readonly role: Coding }>
> = {
  'legal-hold': { system: WARDLINE_FHIR.legalHoldIds, role: objectRole('13', 'Security Resource') },
  'role-address': { system: WARDLINE_FHIR.roleAddresses, role: objectRole('12', 'Security User Group') },
  // The device the wipe concerns; its owner detail is whose vault there.
  workstation: { system: WARDLINE_FHIR.workstationIds, role: objectRole('17', 'Data Repository') },
};

/** Entity detail types: names of numbers and ids, never text. */
export const DETAIL = {
  conversation: 'conversationId',
  resultCount: 'resultCount',
  userId: 'userId',
  receivedBefore: 'receivedBefore',
  records: 'records',
  /** A local retention run: the policy's days, the bound, and messages and attachments removed. */
  retentionDays: 'retentionDays',
  removedBefore: 'removedBefore',
  messagesRemoved: 'messagesRemoved',
  attachmentsRemoved: 'attachmentsRemoved',
  /** A server retention run: the role address whose own bound this record is of, by id. */
  roleAddress: 'roleAddress',
  /** A server retention run of the organisation's bound: how many role addresses had their own. */
  roleAddressBounds: 'roleAddressBounds',
  caSha256: 'caSha256',
  workstationId: 'workstationId',
  until: 'until',
  /** An availability's enumerated state (shared/protocol/availability.ts). */
  availabilityState: 'availabilityState',
  /** An availability's covering colleague, by user id. */
  coverUserId: 'coverUserId',
  /** What the identifier check found: kinds and counts, "ssn:1,phone:2" (shared/audit/identifiers-found.ts). */
  identifiersFound: 'identifiersFound',
  seq: 'seq',
  previousHash: 'previousHash',
  hash: 'hash',
  treeIndex: 'treeIndex',
  treeSize: 'treeSize',
  auditPath: 'auditPath',
} as const;

/** Provenance: the signature types (ASTM E1762) and the agent's participation. */
export const ASTM_SIGNATURE_TYPE = 'urn:iso-astm:E1762-95:2013';
export const PARTICIPANT_TYPE = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';
