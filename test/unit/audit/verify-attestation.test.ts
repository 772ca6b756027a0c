/**
 * The offline verifier's attestation check (server/audit/verify-attestation.ts): sessions are
 * believed only from the chain the audit key signs, and after a lawful purge the records left
 * unchecked are those the server received before the purge bound, as its signed heads tell,
 * never those a workstation merely dated early.
 */
import { describe, expect, it } from 'vitest';
import type { SignedTreeHead, StoredEntry } from '../../../shared/audit/audit-entry';
import type { AuditRecord } from '../../../shared/audit/audit-event';
import type { StoredBatch } from '../../../shared/audit/trail-export';
import type { TrailBreak } from '../../../shared/audit/trail-verification';
import type { TrailExport } from '../../../shared/audit/trail-export';
import { checkAttestation, UNATTESTED_PROBLEM } from '../../../shared/node/audit/verify-attestation';

const SERVER = '5e7e7e7e-0000-4000-8000-000000000001';
const WARD = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
const AUDIT_KEY = 'A'.repeat(43) + '=';
const SIX_YEARS = 189_345_600_000;
const DAY = 86_400_000;
const NOW = 2_000_000_000_000;

const record = (overrides: Partial<AuditRecord>): AuditRecord => ({
  actor: { userId: 'dr.nguyen', role: 'physician' },
  action: 'message.read',
  object: { kind: 'none' },
  patient: null,
  at: NOW,
  seq: 1,
  workstationId: WARD,
  outcome: 'success',
  reason: null,
  ...overrides,
});
const entry = (r: AuditRecord, treeIndex: number): { entry: StoredEntry; inclusionProof: null } => ({
  entry: { record: r, previousHash: '0'.repeat(64), hash: '1'.repeat(64), treeIndex },
  inclusionProof: null,
});
const batch = (workstationId: string, devicePublicKey: string): StoredBatch => ({
  workstationId,
  firstSeq: 1,
  lastSeq: 9,
  previousHash: '0'.repeat(64),
  lastHash: '1'.repeat(64),
  signature: '',
  devicePublicKey,
});
const head = (treeSize: number, timestamp: number): SignedTreeHead => ({
  treeSize,
  timestamp,
  rootHash: '2'.repeat(64),
  signature: '',
});

function check(trail: TrailExport, heads: readonly SignedTreeHead[]): TrailBreak[] {
  return checkAttestation(trail, heads, trail.auditKey).breaks;
}

describe('the verifier’s attestation check', () => {
  // The server purged everything received more than six years before NOW.
  const purge = record({
    actor: { userId: null, role: null },
    action: 'admin.action',
    workstationId: SERVER,
    at: NOW,
    reason: 'AUDIT_PURGED',
    object: { kind: 'audit-purge', receivedBefore: NOW - SIX_YEARS, records: 10 },
  });

  it('checks a record the server received after the purge bound, however early the workstation dated it', () => {
    const forged = record({ at: NOW - SIX_YEARS - 30 * DAY });
    const trail: TrailExport = {
      entries: [entry(purge, 0), entry(forged, 1)],
      heads: [head(2, NOW)],
      batches: [batch(SERVER, AUDIT_KEY), batch(WARD, 'B'.repeat(43) + '=')],
      auditKey: AUDIT_KEY,
    };
    expect(check(trail, trail.heads)).toEqual([
      { kind: 'record', workstationId: WARD, seq: 1, treeIndex: 1, problem: UNATTESTED_PROBLEM },
    ]);
  });

  it('leaves unchecked a record the signed heads show was received before the bound: its session may be purged', () => {
    const old = record({ at: NOW - SIX_YEARS - 30 * DAY });
    const trail: TrailExport = {
      entries: [entry(old, 0), entry(purge, 1)],
      heads: [head(1, NOW - SIX_YEARS - 29 * DAY), head(2, NOW)],
      batches: [batch(SERVER, AUDIT_KEY), batch(WARD, 'B'.repeat(43) + '=')],
      auditKey: AUDIT_KEY,
    };
    expect(check(trail, trail.heads)).toEqual([]);
  });

  it('believes sessions only from the chain the audit key signs', () => {
    const session = record({
      action: 'session.issued',
      workstationId: SERVER,
      at: NOW - DAY,
      object: {
        kind: 'session',
        id: 'dd11bb22-cc33-4d44-8e55-ff6677889903',
        userId: 'dr.nguyen',
        workstationId: WARD,
        until: NOW + DAY,
      },
    });
    const read = record({});
    const signedByServer: TrailExport = {
      entries: [entry(session, 0), entry(read, 1)],
      heads: [head(2, NOW)],
      batches: [batch(SERVER, AUDIT_KEY)],
      auditKey: AUDIT_KEY,
    };
    expect(check(signedByServer, signedByServer.heads)).toEqual([]);
    const signedByAWorkstation = { ...signedByServer, batches: [batch(SERVER, 'C'.repeat(43) + '=')] };
    // The look-alike "session" is then itself a record in the doctor's name that nothing attests.
    expect(check(signedByAWorkstation, signedByAWorkstation.heads)).toEqual([
      { kind: 'record', workstationId: SERVER, seq: 1, treeIndex: 0, problem: UNATTESTED_PROBLEM },
      { kind: 'record', workstationId: WARD, seq: 1, treeIndex: 1, problem: UNATTESTED_PROBLEM },
    ]);
  });
});
