/**
 * How audit records are chained, signed and placed in the server's Merkle tree. Shared by the
 * workstation (which writes the chain), the server (which checks it) and the offline verifier,
 * so all three hash exactly the same bytes.
 *
 * - A record's canonical form is JSON with a fixed key order, so a hash never depends on how a
 *   parser ordered properties.
 * - Entry hash: BLAKE2b-256(label || previous hash || canonical record). Each workstation's
 *   records form one chain, starting from 32 zero bytes.
 * - A batch is signed (Ed25519, the device key) over its range and its first previous and last
 *   hashes: with the chain, that commits to every record in it.
 * - The Merkle leaf of an entry is its 32-byte hash; the tree head signs size, time and root.
 *
 * Hash functions are passed in (shared/ imports nothing process-specific).
 */
import type { AuditObject, AuditRecord } from './audit-event';

export type Blake2b256 = (...parts: readonly Uint8Array[]) => Uint8Array;

export const HASH_BYTES = 32;
/** The previous hash of a chain's first record. */
export const GENESIS_HASH: Uint8Array = new Uint8Array(HASH_BYTES);

const encoder = new TextEncoder();
export const ENTRY_LABEL = encoder.encode('wardline/audit-entry/v1\0');
const BATCH_LABEL = 'wardline/audit-batch/v1';
const HEAD_LABEL = 'wardline/audit-tree-head/v1';

/** Characters JSON.stringify would escape: quote, backslash, controls and (lone) surrogates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/**
 * JSON for a string; numbers and null are written by String(). Ids and codes rarely need
 * escaping, and quoting them directly halves the cost of a verifier's pass over a trail; any
 * string that might need it (a tampered export can hold anything) goes through JSON.stringify.
 */
const str = (value: string | null): string =>
  value === null ? 'null' : NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;

export function canonicalObject(object: AuditObject): string {
  switch (object.kind) {
    case 'message':
      return `{"kind":"message","id":${str(object.id)},"conversationId":${str(object.conversationId)}}`;
    case 'search':
      return `{"kind":"search","resultCount":${String(object.resultCount)}}`;
    case 'none':
      return '{"kind":"none"}';
    case 'legal-hold':
    case 'role-address':
    case 'workstation':
      return `{"kind":${str(object.kind)},"id":${str(object.id)},"userId":${str(object.userId)}}`;
    case 'audit-purge':
      return `{"kind":"audit-purge","receivedBefore":${String(object.receivedBefore)},"records":${String(object.records)}}`;
    case 'siem-destination':
      return `{"kind":"siem-destination","host":${str(object.host)},"port":${String(object.port)},"caSha256":${str(object.caSha256)}}`;
    case 'availability':
      return `{"kind":"availability","id":${str(object.id)},"state":${str(object.state)},"coverUserId":${str(object.coverUserId)}}`;
    case 'identifiers':
      return `{"kind":"identifiers","conversationId":${str(object.conversationId)},"found":[${object.found
        .map((entry) => `{"identifier":${str(entry.identifier)},"count":${String(entry.count)}}`)
        .join(',')}]}`;
    case 'message-retention':
      // The role address fields only where present: records without them keep their bytes.
      return (
        `{"kind":"message-retention","days":${String(object.days)},"removedBefore":${String(object.removedBefore)},"messages":${String(object.messages)},"attachments":${String(object.attachments)}` +
        (object.roleAddress === undefined ? '' : `,"roleAddress":${str(object.roleAddress)}`) +
        (object.roleAddressBounds === undefined ? '' : `,"roleAddressBounds":${String(object.roleAddressBounds)}`) +
        '}'
      );
    case 'session':
      return `{"kind":"session","id":${str(object.id)},"userId":${str(object.userId)},"workstationId":${str(object.workstationId)},"until":${String(object.until)}}`;
    default:
      return `{"kind":${str(object.kind)},"id":${str(object.id)}}`;
  }
}

/**
 * The record as hashed: every field, in a fixed order. Exactly JSON.stringify of the record
 * with its keys in this order (a test holds it to that); written out by hand because verifying
 * a trail hashes every record, and building an object to stringify doubled the cost.
 */
export function canonicalRecord(record: AuditRecord): string {
  return (
    `{"actor":{"userId":${str(record.actor.userId)},"role":${str(record.actor.role)}},"action":${str(record.action)},` +
    `"object":${canonicalObject(record.object)},"patient":${str(record.patient)},"at":${String(record.at)},"seq":${String(record.seq)},` +
    `"workstationId":${str(record.workstationId)},"outcome":${str(record.outcome)},"reason":${str(record.reason)}}`
  );
}

/** A record's entry hash after `previous`; the same bytes as `entryHash`, however it is computed. */
export type EntryHasher = (previous: Uint8Array, record: AuditRecord) => Uint8Array;

/** `utf8` may be passed where a faster encoder exists (Node's Buffer); the bytes are the same. */
export function entryHash(
  blake2b: Blake2b256,
  previous: Uint8Array,
  record: AuditRecord,
  utf8: (text: string) => Uint8Array = (text) => encoder.encode(text),
): Uint8Array {
  return blake2b(ENTRY_LABEL, previous, utf8(canonicalRecord(record)));
}

export interface BatchRange {
  readonly deviceId: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Hash before the first record of the batch. */
  readonly previousHash: Uint8Array;
  /** Hash of the last record. */
  readonly lastHash: Uint8Array;
}

/** What the device signs for a batch. */
export function batchSigningBytes(batch: BatchRange): Uint8Array {
  return encoder.encode(
    [
      BATCH_LABEL,
      batch.deviceId,
      String(batch.firstSeq),
      String(batch.lastSeq),
      hex(batch.previousHash),
      hex(batch.lastHash),
    ].join('\n'),
  );
}

export interface TreeHead {
  readonly treeSize: number;
  /** ms since the epoch, when the server signed it. */
  readonly timestamp: number;
  readonly rootHash: Uint8Array;
}

/** What the server's audit key signs for a tree head. */
export function treeHeadSigningBytes(head: TreeHead): Uint8Array {
  return encoder.encode([HEAD_LABEL, String(head.treeSize), String(head.timestamp), hex(head.rootHash)].join('\n'));
}

export function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

export function fromHex(text: string): Uint8Array | null {
  if (!/^(?:[0-9a-f]{2})*$/.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export type ChainBreakProblem =
  /** The entry's hash is not the hash of its content and previous hash: the record was edited. */
  | 'hash-mismatch'
  /** The entry's previous hash is not its predecessor's hash: something was removed, inserted or reordered. */
  | 'chain-broken'
  /** Sequence numbers do not run on by one. */
  | 'sequence-gap'
  /** The entry names another workstation than its chain's. */
  | 'workstation-mismatch';

export interface ChainBreak {
  readonly seq: number;
  readonly problem: ChainBreakProblem;
}

/** What an entry needs for checking: its record and its two hashes (hex). */
export interface HashedEntry {
  readonly record: AuditRecord;
  readonly previousHash: string;
  readonly hash: string;
}

/**
 * Checks a run of one workstation's entries: each continues the one before, by sequence number
 * and by hash, and each hash is right for its content. `from` pins where the run must start
 * (omitted: it starts wherever its first entry says). The first break is named.
 */
export function checkEntries(
  blake2b: Blake2b256,
  entries: readonly HashedEntry[],
  workstationId: string,
  from?: { readonly seq: number; readonly previousHash: string },
): ChainBreak | null {
  let expectedSeq = from?.seq ?? entries[0]?.record.seq ?? 0;
  let previous = from?.previousHash ?? entries[0]?.previousHash ?? '';
  for (const entry of entries) {
    const { record } = entry;
    if (record.workstationId !== workstationId) return { seq: record.seq, problem: 'workstation-mismatch' };
    if (record.seq !== expectedSeq) return { seq: expectedSeq, problem: 'sequence-gap' };
    if (entry.previousHash !== previous) return { seq: record.seq, problem: 'chain-broken' };
    const previousBytes = fromHex(entry.previousHash);
    if (previousBytes === null || previousBytes.length !== HASH_BYTES)
      return { seq: record.seq, problem: 'chain-broken' };
    if (hex(entryHash(blake2b, previousBytes, record)) !== entry.hash)
      return { seq: record.seq, problem: 'hash-mismatch' };
    previous = entry.hash;
    expectedSeq += 1;
  }
  return null;
}
