/**
 * The audit trail as RFC 5424 syslog messages for a hospital SIEM, framed for TLS transport per
 * RFC 5425 (octet counting). Pure: no I/O, so the exact bytes a SIEM receives are unit-tested.
 *
 * Every field of an entry goes into STRUCTURED-DATA and there is no MSG part: a SIEM indexes
 * named parameters without a parsing rule, and audit content is ids and codes only, never text.
 * Entries, the devices' signed batches and the signed tree heads all go, so the SIEM's copy is
 * enough for an offline verifier; audit-syslog.ts reads each form back exactly.
 *
 * Every header field a SIEM shows is bound to what was hashed or signed, so none can be edited
 * unseen: an entry's TIMESTAMP is the record's time and its HOSTNAME the workstation that wrote
 * it (where the event happened); a batch's HOSTNAME is the workstation that signed it and its
 * TIMESTAMP the NILVALUE (a device signs no time, as the FHIR export says with data-absent-reason);
 * a tree head's TIMESTAMP is the time the server signed and its HOSTNAME the fixed SERVER_HOSTNAME.
 */
import { domainToASCII } from 'node:url';
import type { AuditRecord } from '../../audit/audit-event';
import type { SignedTreeHead, StoredEntry } from '../../audit/audit-entry';
import type { StoredBatch } from '../../audit/trail-export';
import type { PurgedRecord, UnreadableRecord } from '../../audit/trail-export';
import { DOCUMENTATION_ENTERPRISE_NUMBER, enterpriseNumber } from '../../audit/export-naming';
import { identifiersFoundText } from '../../audit/identifiers-found';

/**
 * The SD-IDs' names; each is `<name>@<PEN>` with the deployment's IANA Private Enterprise Number
 * (shared/audit/export-naming.ts: 32473, reserved for documentation, until the hospital sets its own).
 */
export const SD_NAMES = {
  audit: 'audit',
  treeHead: 'treehead',
  batch: 'batch',
  unreadable: 'unreadable',
  purged: 'purged',
} as const;
export type SdName = (typeof SD_NAMES)[keyof typeof SD_NAMES];

/** `<name>@<PEN>`; throws a RangeError for a PEN that is not one (the server checks it at start). */
export function sdIdOf(name: SdName, pen: number = DOCUMENTATION_ENTERPRISE_NUMBER): string {
  if (!enterpriseNumber.safeParse(pen).success) throw new RangeError('not an IANA Private Enterprise Number');
  return `${name}@${String(pen)}`;
}

/** The SD-IDs under the placeholder PEN, as a deployment that sets none writes them. */
export const AUDIT_SD_ID = sdIdOf(SD_NAMES.audit);
export const TREE_HEAD_SD_ID = sdIdOf(SD_NAMES.treeHead);

/** "log audit" (RFC 5424 table 1). */
const FACILITY_LOG_AUDIT = 13;
const SEVERITY_WARNING = 4;
const SEVERITY_NOTICE = 5;
const SEVERITY_INFORMATIONAL = 6;
const APP_NAME = 'wardline';
const NILVALUE = '-';
const HOSTNAME_MAX = 255;
const MSGID_MAX = 32;
const TREE_HEAD_MSGID = 'tree-head';
const BATCH_MSGID = 'audit-batch';
const UNREADABLE_MSGID = 'audit-unreadable';
const PURGED_MSGID = 'audit-purged';

const PRINTUSASCII = /^[\x21-\x7e]+$/;
const NOT_PRINTUSASCII = /[^\x21-\x7e]/gu;

/** The HOSTNAME of the server's own messages (tree heads): fixed, since no host name is signed. */
export const SERVER_HOSTNAME = 'wardline-server';

/**
 * What callers passed before every header field came from signed content: accepted and ignored,
 * until the last caller (the SIEM relay) stops passing them.
 */
export interface LegacyLineOptions {
  readonly hostname?: string;
  readonly at?: number;
}

/** How a deployment writes its lines: the PEN in the SD-IDs (default the documentation placeholder). */
export interface LineOptions extends LegacyLineOptions {
  readonly enterpriseNumber?: number;
}

/** Audit events are what a SIEM alerts on, so a failure is a warning and a success a notice. */
function pri(severity: number): string {
  return `<${String(FACILITY_LOG_AUDIT * 8 + severity)}>`;
}

/** RFC 3339 UTC with milliseconds; the NILVALUE for a time a four-digit year cannot hold. */
function timestamp(at: number): string {
  const date = new Date(at);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(date.getTime()) || year < 0 || year > 9999) return NILVALUE;
  return date.toISOString();
}

/**
 * HOSTNAME is 1*255 PRINTUSASCII. An internationalised name becomes its punycode form (what DNS
 * knows it as); anything still outside the range is replaced, so a host is never silently merged
 * with another by dropping characters.
 */
export function sanitizeHostname(hostname: string): string {
  let ascii = hostname;
  if (/\P{ASCII}/u.test(hostname)) {
    const puny = domainToASCII(hostname);
    if (puny !== '') ascii = puny;
  }
  const printable = ascii.replace(NOT_PRINTUSASCII, '_').slice(0, HOSTNAME_MAX);
  return printable === '' ? NILVALUE : printable;
}

function msgId(value: string): string {
  if (value.length > MSGID_MAX || !PRINTUSASCII.test(value))
    throw new RangeError('MSGID must be 1 to 32 printable US-ASCII characters');
  return value;
}

/** RFC 5424 §6.3.3: '"', '\' and ']' are escaped with a backslash inside PARAM-VALUE. */
export function escapeParamValue(value: string): string {
  return value.replace(/["\\\]]/g, (char) => `\\${char}`);
}

type ParamValue = string | number | null | undefined;

function sdElement(id: string, params: readonly (readonly [string, ParamValue])[]): string {
  let element = `[${id}`;
  for (const [name, value] of params) {
    if (value === null || value === undefined) continue;
    element += ` ${name}="${escapeParamValue(String(value))}"`;
  }
  return `${element}]`;
}

function header(severity: number, time: string, hostname: string, id: string): string {
  return `${pri(severity)}1 ${time} ${sanitizeHostname(hostname)} ${APP_NAME} ${NILVALUE} ${msgId(id)}`;
}

function objectParams(object: AuditRecord['object']): [string, ParamValue][] {
  switch (object.kind) {
    case 'message':
      return [
        ['objId', object.id],
        ['conv', object.conversationId],
      ];
    case 'search':
      return [['count', object.resultCount]];
    case 'legal-hold':
    case 'role-address':
    case 'workstation':
      return [
        ['objId', object.id],
        ['objUser', object.userId],
      ];
    case 'audit-purge':
      return [
        ['before', object.receivedBefore],
        ['count', object.records],
      ];
    case 'message-retention':
      return [
        ['days', object.days],
        ['before', object.removedBefore],
        ['count', object.messages],
        ['files', object.attachments],
        // Absent (undefined) from records without them, which are then written as before.
        ['roleAddr', object.roleAddress],
        ['roleBounds', object.roleAddressBounds],
      ];
    case 'siem-destination':
      return [
        ['host', object.host],
        ['port', object.port],
        ['ca', object.caSha256],
      ];
    case 'session':
      return [
        ['objId', object.id],
        ['objUser', object.userId],
        ['objWs', object.workstationId],
        ['until', object.until],
      ];
    case 'availability':
      return [
        ['objId', object.id],
        ['state', object.state],
        ['objUser', object.coverUserId],
      ];
    case 'identifiers':
      return [
        ['conv', object.conversationId],
        ['found', identifiersFoundText(object.found)],
      ];
    case 'none':
      return [];
    default:
      return [['objId', object.id]];
  }
}

/** One stored audit entry as one RFC 5424 message (no framing). */
export function formatAuditEntry(entry: StoredEntry, options: LineOptions = {}): string {
  const { record } = entry;
  const severity = record.outcome === 'failure' ? SEVERITY_WARNING : SEVERITY_NOTICE;
  const data = sdElement(sdIdOf(SD_NAMES.audit, options.enterpriseNumber), [
    ['idx', entry.treeIndex],
    ['ws', record.workstationId],
    ['seq', record.seq],
    ['user', record.actor.userId],
    ['role', record.actor.role],
    ['act', record.action],
    ['obj', record.object.kind],
    ...objectParams(record.object),
    ['patient', record.patient],
    ['outcome', record.outcome],
    ['reason', record.reason],
    ['prev', entry.previousHash],
    ['hash', entry.hash],
  ]);
  return `${header(severity, timestamp(record.at), record.workstationId, record.action)} ${data}`;
}

/**
 * A signed tree head, so the SIEM holds what it needs to check the log was not rewritten.
 * `auditKey`: the server's audit key (base64), so an export or the SIEM can check the head's signature.
 */
export function formatTreeHead(
  head: SignedTreeHead,
  options: LineOptions & { readonly auditKey?: string | null } = {},
): string {
  const data = sdElement(sdIdOf(SD_NAMES.treeHead, options.enterpriseNumber), [
    ['size', head.treeSize],
    ['ts', head.timestamp],
    ['root', head.rootHash],
    ['sig', head.signature],
    ['key', options.auditKey ?? null],
  ]);
  return `${header(SEVERITY_INFORMATIONAL, timestamp(head.timestamp), SERVER_HOSTNAME, TREE_HEAD_MSGID)} ${data}`;
}

/**
 * A workstation's signed batch, so that whoever holds the SIEM's copy can check every device
 * signature offline (batchSigningBytes). `prev` is the hash before record `first` and `hash` the
 * hash of record `last`: the same values as those entries' own `prev` and `hash`. A message sent
 * again is the same message: nothing in it depends on when it is sent.
 */
export function formatBatch(batch: StoredBatch, options: LineOptions = {}): string {
  const data = sdElement(sdIdOf(SD_NAMES.batch, options.enterpriseNumber), [
    ['ws', batch.workstationId],
    ['first', batch.firstSeq],
    ['last', batch.lastSeq],
    ['prev', batch.previousHash],
    ['hash', batch.lastHash],
    ['sig', batch.signature],
    ['key', batch.devicePublicKey],
  ]);
  return `${header(SEVERITY_INFORMATIONAL, NILVALUE, batch.workstationId, BATCH_MSGID)} ${data}`;
}

/** A place in the trail without a readable record: what is still known of it, no TIMESTAMP (its time went with it). */
function formatPlace(sdId: string, severity: number, msgId: string, place: UnreadableRecord): string {
  const data = sdElement(sdId, [
    ['idx', place.treeIndex],
    ['ws', place.workstationId],
    ['seq', place.seq],
    ['hash', place.hash],
  ]);
  return `${header(severity, NILVALUE, place.workstationId ?? SERVER_HOSTNAME, msgId)} ${data}`;
}

/**
 * A stored record that no longer reads as one, in an export: a warning at its place in the trail
 * with what is still known of it, so the verifier can name it. Its workstation as HOSTNAME when
 * known, else the server.
 */
export function formatUnreadable(lost: UnreadableRecord, options: LineOptions = {}): string {
  return formatPlace(sdIdOf(SD_NAMES.unreadable, options.enterpriseNumber), SEVERITY_WARNING, UNREADABLE_MSGID, lost);
}

/** A record purged under retention, in an export: a notice keeping its place in the tree and its chain, and its entry hash. */
export function formatPurged(stub: PurgedRecord, options: LineOptions = {}): string {
  return formatPlace(sdIdOf(SD_NAMES.purged, options.enterpriseNumber), SEVERITY_NOTICE, PURGED_MSGID, stub);
}

/** RFC 5425 octet counting: MSG-LEN (bytes of the UTF-8 message) SP SYSLOG-MSG. */
export function frame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${String(body.length)} `, 'ascii'), body]);
}
