/**
 * Reading a syslog export of the audit trail back into exactly what was hashed and signed: the
 * inverse of the forms in rfc5424.ts (entries, devices' signed batches, tree heads), for the
 * offline verifier that checks a SIEM's copy of the trail.
 *
 * Each reader parses strictly, decodes, formats the decoded value again and refuses anything
 * that is not byte for byte that line, header included: every header field is derived from what
 * was hashed or signed (rfc5424.ts), so a HOSTNAME or a head's TIMESTAMP that differs is a break
 * like any other. So an edited field is either refused or decodes to a different record, whose
 * hash then no longer continues its chain (or a head or batch whose signature fails).
 *
 * The one part of a line not bound to content is the Private Enterprise Number in its SD-ID: it
 * is the deployment's namespace (shared/audit/export-naming.ts), so a line is read under any valid
 * PEN and rebuilt under the same one. Changing it changes no record, batch or head.
 *
 * A problem names the field (a header field such as `TIMESTAMP`, or `<SD-ID> <param>`), never
 * its value: the line may be hostile, and a value may be a patient reference.
 */
import { z } from 'zod';
import { signedTreeHead, storedEntry, hashHex, type SignedTreeHead, type StoredEntry } from '../../audit/audit-entry';
import { uuid } from '../../protocol/identifiers';
import { err, ok, type Result } from '../../result';
import { publicKey, signature } from '../../protocol/binary';
import type { StoredBatch } from '../../audit/trail-export';
import type { PurgedRecord, UnreadableRecord } from '../../audit/trail-export';
import {
  formatAuditEntry,
  formatBatch,
  formatPurged,
  formatTreeHead,
  formatUnreadable,
  SD_NAMES,
  type LineOptions,
  type SdName,
} from './rfc5424';
import { parseEnterpriseNumber } from '../../audit/export-naming';
import { identifiersFoundFromText } from '../../audit/identifiers-found';
import { parseRfc5424, type SdElement, type SyslogMessage } from './rfc5424-parse';

/** What a line reads back as, or the field it is refused for (never the field's value). */
export type FromSyslog<T> = Result<T, string>;
export type EntryFromSyslog = FromSyslog<StoredEntry>;
export interface HeadLine {
  readonly head: SignedTreeHead;
  readonly auditKey: string | null;
}
export type HeadFromSyslog = FromSyslog<HeadLine>;
export type BatchFromSyslog = FromSyslog<StoredBatch>;
export type UnreadableFromSyslog = FromSyslog<UnreadableRecord>;
export type PurgedFromSyslog = FromSyslog<PurgedRecord>;
export type AuditLine =
  | { readonly kind: 'entry'; readonly entry: StoredEntry }
  | { readonly kind: 'tree-head'; readonly head: SignedTreeHead; readonly auditKey: string | null }
  | { readonly kind: 'batch'; readonly batch: StoredBatch };
export type AuditSyslogLine = FromSyslog<AuditLine>;

const seqNumber = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** StoredBatch as the server accepts it: the device key and signature as the API checked them. */
const storedBatch = z
  .strictObject({
    workstationId: uuid,
    firstSeq: seqNumber,
    lastSeq: seqNumber,
    previousHash: hashHex,
    lastHash: hashHex,
    signature,
    devicePublicKey: publicKey,
  })
  .refine((batch) => batch.firstSeq <= batch.lastSeq, { path: ['lastSeq'] });

/** Where each decoded field came from, to name it in a problem: a param of the element, or a header field. */
const ENTRY_FIELDS: Readonly<Record<string, string>> = {
  'record.actor.userId': 'user',
  'record.actor.role': 'role',
  'record.action': 'act',
  'record.object': 'obj',
  'record.object.id': 'objId',
  'record.object.conversationId': 'conv',
  'record.object.resultCount': 'count',
  'record.object.userId': 'objUser',
  'record.object.receivedBefore': 'before',
  'record.object.records': 'count',
  'record.object.host': 'host',
  'record.object.port': 'port',
  'record.object.caSha256': 'ca',
  'record.object.workstationId': 'objWs',
  'record.object.until': 'until',
  'record.patient': 'patient',
  'record.at': 'TIMESTAMP',
  'record.seq': 'seq',
  'record.workstationId': 'ws',
  'record.outcome': 'outcome',
  'record.reason': 'reason',
  previousHash: 'prev',
  hash: 'hash',
  treeIndex: 'idx',
};
const HEAD_FIELDS: Readonly<Record<string, string>> = {
  treeSize: 'size',
  timestamp: 'ts',
  rootHash: 'root',
  signature: 'sig',
};
const BATCH_FIELDS: Readonly<Record<string, string>> = {
  workstationId: 'ws',
  firstSeq: 'first',
  lastSeq: 'last',
  previousHash: 'prev',
  lastHash: 'hash',
  signature: 'sig',
  devicePublicKey: 'key',
};

const HEADER_FIELDS = new Set(['TIMESTAMP']);

/** The field a schema issue is about: the longest known prefix of its path, as `<SD-ID> <param>` or a header field. */
function fieldOf(error: z.ZodError, fields: Readonly<Record<string, string>>, sdId: string): string {
  const path = error.issues[0]?.path.map(String) ?? [];
  for (let length = path.length; length > 0; length -= 1) {
    const field = fields[path.slice(0, length).join('.')];
    if (field !== undefined) return HEADER_FIELDS.has(field) ? field : `${sdId} ${field}`;
  }
  return sdId;
}

const DECIMAL = /^(?:0|[1-9]\d{0,15})$/;
/** What rfc5424.ts writes for a time: RFC 3339 UTC with exactly three fraction digits. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function decimal(value: string | undefined): number | undefined {
  return value !== undefined && DECIMAL.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
}

function timeOf(message: SyslogMessage): number | undefined {
  const value = message.timestamp;
  if (value === null || !TIMESTAMP.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) && new Date(at).toISOString() === value ? at : undefined;
}

type Parsed = FromSyslog<{
  readonly message: SyslogMessage;
  readonly params: ReadonlyMap<string, string>;
  /** The element's SD-ID as written, to name a field in a problem. */
  readonly sdId: string;
  /** The PEN it was written with: the line is rebuilt with the same. */
  readonly format: LineOptions;
}>;

/** The PEN of `<name>@<PEN>`, or null if the id is not one of `name`'s. */
function penOf(id: string, name: SdName): number | null {
  return id.startsWith(`${name}@`) ? parseEnterpriseNumber(id.slice(name.length + 1)) : null;
}

/**
 * Parses strictly and finds the one element to decode, under whatever PEN the deployment wrote
 * it with; its params by name (first of a repeat: the rebuild refuses repeats).
 */
function parse(line: string, name: SdName): Parsed {
  let message: SyslogMessage;
  try {
    message = parseRfc5424(line);
  } catch {
    // The parser's message can quote the line; only the fact is passed on.
    return err('RFC 5424 syntax');
  }
  const element = message.structuredData.find((candidate) => penOf(candidate.id, name) !== null);
  const pen = element === undefined ? null : penOf(element.id, name);
  if (element === undefined || pen === null) return err(`STRUCTURED-DATA (no ${name}@<enterprise number>)`);
  const params = new Map<string, string>();
  for (const [param, value] of element.params) if (!params.has(param)) params.set(param, value);
  return ok({ message, params, sdId: element.id, format: { enterpriseNumber: pen } });
}

function paramDifference(id: string, actual: SdElement['params'], expected: SdElement['params']): string | null {
  for (let i = 0; i < Math.max(actual.length, expected.length); i += 1) {
    const want = expected[i];
    const got = actual[i];
    // A name the formatter would not write is text from the line: it is not echoed.
    if (want === undefined) return `${id} (unexpected param)`;
    if (got === undefined || got[0] !== want[0] || got[1] !== want[1]) return `${id} ${want[0]}`;
  }
  return null;
}

/** The first field in which a line differs from its rebuilt form, or null if it is that line exactly. */
function difference(line: string, actual: SyslogMessage, rebuiltLine: string): string | null {
  const expected = parseRfc5424(rebuiltLine);
  if (actual.pri !== expected.pri) return 'PRI';
  if (actual.version !== expected.version) return 'VERSION';
  if (actual.timestamp !== expected.timestamp) return 'TIMESTAMP';
  if (actual.hostname !== expected.hostname) return 'HOSTNAME';
  if (actual.appName !== expected.appName) return 'APP-NAME';
  if (actual.procId !== expected.procId) return 'PROCID';
  if (actual.msgId !== expected.msgId) return 'MSGID';
  for (let i = 0; i < Math.max(actual.structuredData.length, expected.structuredData.length); i += 1) {
    const want = expected.structuredData[i];
    const got = actual.structuredData[i];
    if (want === undefined) return 'STRUCTURED-DATA (unexpected element)';
    if (got?.id !== want.id) return `STRUCTURED-DATA (${want.id})`;
    const params = paramDifference(want.id, got.params, want.params);
    if (params !== null) return params;
  }
  if (actual.msg !== expected.msg) return 'MSG';
  // Same fields, other bytes: a value escaped where the formatter would not have (or a BOM).
  return line === rebuiltLine ? null : 'STRUCTURED-DATA (escaping)';
}

/** Formats the decoded value again and requires the very same line. */
function exact(line: string, message: SyslogMessage, rebuild: () => string): string | null {
  let rebuilt: string;
  try {
    rebuilt = rebuild();
  } catch {
    return '(cannot be formatted)';
  }
  return difference(line, message, rebuilt);
}

function decodeObject(params: ReadonlyMap<string, string>): unknown {
  const kind = params.get('obj');
  const number = (name: string) => decimal(params.get(name)) ?? params.get(name);
  switch (kind) {
    case 'message':
      return { kind, id: params.get('objId'), conversationId: params.get('conv') };
    case 'search':
      return { kind, resultCount: number('count') };
    case 'legal-hold':
    case 'role-address':
    case 'workstation':
      return { kind, id: params.get('objId'), userId: params.get('objUser') ?? null };
    case 'audit-purge':
      return { kind, receivedBefore: number('before'), records: number('count') };
    case 'message-retention':
      return {
        kind,
        days: number('days'),
        removedBefore: number('before'),
        messages: number('count'),
        attachments: number('files'),
        ...(params.has('roleAddr') ? { roleAddress: params.get('roleAddr') } : {}),
        ...(params.has('roleBounds') ? { roleAddressBounds: number('roleBounds') } : {}),
      };
    case 'siem-destination':
      return { kind, host: params.get('host'), port: number('port'), caSha256: params.get('ca') };
    case 'session':
      return {
        kind,
        id: params.get('objId'),
        userId: params.get('objUser'),
        workstationId: params.get('objWs'),
        until: number('until'),
      };
    case 'availability':
      return { kind, id: params.get('objId'), state: params.get('state'), coverUserId: params.get('objUser') ?? null };
    case 'identifiers': {
      const found = params.get('found');
      return {
        kind,
        conversationId: params.get('conv') ?? null,
        found: found === undefined ? undefined : (identifiersFoundFromText(found) ?? found),
      };
    }
    case 'none':
      return { kind };
    default:
      return { kind, id: params.get('objId') };
  }
}

/** The exact inverse of formatAuditEntry. */
export function entryFromSyslog(line: string): EntryFromSyslog {
  const parsed = parse(line, SD_NAMES.audit);
  if (!parsed.ok) return parsed;
  const { message, params, sdId, format } = parsed.value;
  const at = timeOf(message);
  if (at === undefined) return err('TIMESTAMP');
  const number = (name: string) => decimal(params.get(name)) ?? params.get(name);
  const candidate = storedEntry.safeParse({
    record: {
      actor: { userId: params.get('user') ?? null, role: params.get('role') ?? null },
      action: params.get('act'),
      object: decodeObject(params),
      patient: params.get('patient') ?? null,
      at,
      seq: number('seq'),
      workstationId: params.get('ws'),
      outcome: params.get('outcome'),
      reason: params.get('reason') ?? null,
    },
    previousHash: params.get('prev'),
    hash: params.get('hash'),
    treeIndex: number('idx'),
  });
  if (!candidate.success) return err(fieldOf(candidate.error, ENTRY_FIELDS, sdId));
  const entry = candidate.data;
  const problem = exact(line, message, () => formatAuditEntry(entry, format));
  return problem === null ? ok(entry) : err(problem);
}

/** The exact inverse of formatTreeHead: its TIMESTAMP must be the signed time. */
export function headFromSyslog(line: string): HeadFromSyslog {
  const parsed = parse(line, SD_NAMES.treeHead);
  if (!parsed.ok) return parsed;
  const { message, params, sdId, format } = parsed.value;
  const candidate = signedTreeHead.safeParse({
    treeSize: decimal(params.get('size')) ?? params.get('size'),
    timestamp: decimal(params.get('ts')) ?? params.get('ts'),
    rootHash: params.get('root'),
    signature: params.get('sig'),
  });
  if (!candidate.success) return err(fieldOf(candidate.error, HEAD_FIELDS, sdId));
  const head = candidate.data;
  const key = params.get('key') ?? null;
  if (key !== null && !publicKey.safeParse(key).success) return err(`${sdId} key`);
  const problem = exact(line, message, () => formatTreeHead(head, { ...format, auditKey: key }));
  return problem === null ? ok({ head, auditKey: key }) : err(problem);
}

/** The exact inverse of formatBatch: no TIMESTAMP (the device signed none), its workstation as HOSTNAME. */
export function batchFromSyslog(line: string): BatchFromSyslog {
  const parsed = parse(line, SD_NAMES.batch);
  if (!parsed.ok) return parsed;
  const { message, params, sdId, format } = parsed.value;
  const candidate = storedBatch.safeParse({
    workstationId: params.get('ws'),
    firstSeq: decimal(params.get('first')) ?? params.get('first'),
    lastSeq: decimal(params.get('last')) ?? params.get('last'),
    previousHash: params.get('prev'),
    lastHash: params.get('hash'),
    signature: params.get('sig'),
    devicePublicKey: params.get('key'),
  });
  if (!candidate.success) return err(fieldOf(candidate.error, BATCH_FIELDS, sdId));
  const batch = candidate.data;
  const problem = exact(line, message, () => formatBatch(batch, format));
  return problem === null ? ok(batch) : err(problem);
}

const unreadableRecord = z.strictObject({
  treeIndex: seqNumber,
  workstationId: uuid.nullable(),
  seq: seqNumber.nullable(),
  hash: hashHex.nullable(),
});
const purgedRecord = z.strictObject({ treeIndex: seqNumber, workstationId: uuid, seq: seqNumber, hash: hashHex });
const PLACE_FIELDS: Readonly<Record<string, string>> = {
  treeIndex: 'idx',
  workstationId: 'ws',
  seq: 'seq',
  hash: 'hash',
};

/** A place without a readable record, read back exactly: `schema` says which parts it must have. */
function placeFromSyslog<T extends UnreadableRecord>(
  line: string,
  name: SdName,
  schema: z.ZodType<T>,
  write: (place: T, options: LineOptions) => string,
): FromSyslog<T> {
  const parsed = parse(line, name);
  if (!parsed.ok) return parsed;
  const { message, params, sdId, format } = parsed.value;
  const number = (name: string) => (params.has(name) ? (decimal(params.get(name)) ?? params.get(name)) : null);
  const candidate = schema.safeParse({
    treeIndex: number('idx'),
    workstationId: params.get('ws') ?? null,
    seq: number('seq'),
    hash: params.get('hash') ?? null,
  });
  if (!candidate.success) return err(fieldOf(candidate.error, PLACE_FIELDS, sdId));
  const place = candidate.data;
  const problem = exact(line, message, () => write(place, format));
  return problem === null ? ok(place) : err(problem);
}

/** The exact inverse of formatUnreadable. */
export function unreadableFromSyslog(line: string): UnreadableFromSyslog {
  return placeFromSyslog(line, SD_NAMES.unreadable, unreadableRecord, formatUnreadable);
}

/** The exact inverse of formatPurged. */
export function purgedFromSyslog(line: string): PurgedFromSyslog {
  return placeFromSyslog(line, SD_NAMES.purged, purgedRecord, formatPurged);
}

/** The name of `<name>@<PEN>` for a valid PEN, else the whole id. */
function sdNameOf(id: string | undefined): string | undefined {
  const at = id?.lastIndexOf('@') ?? -1;
  return id !== undefined && at > 0 && parseEnterpriseNumber(id.slice(at + 1)) !== null ? id.slice(0, at) : id;
}

/** Any line of an export: which kind it is goes by its first SD-ID (under any PEN), and then it must be exactly that kind. */
export function auditFromSyslog(line: string): AuditSyslogLine {
  let first: string | undefined;
  try {
    first = sdNameOf(parseRfc5424(line).structuredData[0]?.id);
  } catch {
    return err('RFC 5424 syntax');
  }
  switch (first) {
    case SD_NAMES.audit: {
      const read = entryFromSyslog(line);
      return read.ok ? ok({ kind: 'entry', entry: read.value }) : read;
    }
    case SD_NAMES.treeHead: {
      const read = headFromSyslog(line);
      return read.ok ? ok({ kind: 'tree-head', head: read.value.head, auditKey: read.value.auditKey }) : read;
    }
    case SD_NAMES.batch: {
      const read = batchFromSyslog(line);
      return read.ok ? ok({ kind: 'batch', batch: read.value }) : read;
    }
    default:
      return err('STRUCTURED-DATA (not an audit message)');
  }
}

export type ExportLine =
  | AuditLine
  | { readonly kind: 'unreadable'; readonly unreadable: UnreadableRecord }
  | { readonly kind: 'purged'; readonly purged: PurgedRecord };
export type ExportSyslogLine = FromSyslog<ExportLine>;

/** Any line of an export file: what the SIEM receives, and an export's unreadable and purged records (which the relay never sends). */
const PLACE_ELEMENT = (name: SdName) => new RegExp(`\\[${name}@[1-9]\\d{0,9} `);

export function exportLineFromSyslog(line: string): ExportSyslogLine {
  if (PLACE_ELEMENT(SD_NAMES.unreadable).test(line)) {
    const read = unreadableFromSyslog(line);
    return read.ok ? ok({ kind: 'unreadable', unreadable: read.value }) : read;
  }
  if (PLACE_ELEMENT(SD_NAMES.purged).test(line)) {
    const read = purgedFromSyslog(line);
    return read.ok ? ok({ kind: 'purged', purged: read.value }) : read;
  }
  return auditFromSyslog(line);
}
