import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import sodium from 'libsodium-wrappers-sumo';
import { canonicalRecord, entryHash, hex } from '../../../shared/audit/audit-chain';
import { blake2b256, createEntryHasher } from '../../../shared/audit/blake2b';
import type { AuditRecord } from '../../../shared/audit/audit-event';
import { auditRecordArb } from '../../support/audit-arbitraries';

const records = auditRecordArb();

/** The definition the hand-written form must equal: JSON.stringify with the keys in this order. */
function reference(record: AuditRecord): string {
  const o = record.object;
  const object = (() => {
    switch (o.kind) {
      case 'message':
        return { kind: o.kind, id: o.id, conversationId: o.conversationId };
      case 'search':
        return { kind: o.kind, resultCount: o.resultCount };
      case 'legal-hold':
      case 'role-address':
      case 'workstation':
        return { kind: o.kind, id: o.id, userId: o.userId };
      case 'audit-purge':
        return { kind: o.kind, receivedBefore: o.receivedBefore, records: o.records };
      case 'message-retention':
        return {
          kind: o.kind,
          days: o.days,
          removedBefore: o.removedBefore,
          messages: o.messages,
          attachments: o.attachments,
          ...(o.roleAddress === undefined ? {} : { roleAddress: o.roleAddress }),
          ...(o.roleAddressBounds === undefined ? {} : { roleAddressBounds: o.roleAddressBounds }),
        };
      case 'siem-destination':
        return { kind: o.kind, host: o.host, port: o.port, caSha256: o.caSha256 };
      case 'session':
        return { kind: o.kind, id: o.id, userId: o.userId, workstationId: o.workstationId, until: o.until };
      case 'availability':
        return { kind: o.kind, id: o.id, state: o.state, coverUserId: o.coverUserId };
      case 'identifiers':
        return {
          kind: o.kind,
          conversationId: o.conversationId,
          found: o.found.map(({ identifier, count }) => ({ identifier, count })),
        };
      case 'none':
        return { kind: o.kind };
      default:
        return { kind: o.kind, id: o.id };
    }
  })();
  return JSON.stringify({
    actor: { userId: record.actor.userId, role: record.actor.role },
    action: record.action,
    object,
    patient: record.patient,
    at: record.at,
    seq: record.seq,
    workstationId: record.workstationId,
    outcome: record.outcome,
    reason: record.reason,
  });
}

describe('the canonical form of a record', () => {
  it('is exactly JSON.stringify with the fixed key order, for every kind of record', () => {
    fc.assert(
      fc.property(records, (record) => {
        expect(canonicalRecord(record)).toBe(reference(record));
      }),
      { numRuns: 2000 },
    );
  });

  it('is exactly JSON.stringify for any strings at all, as a tampered export may hold', () => {
    // Quotes, backslashes, controls, lone and paired surrogates: what the fast path must not quote raw.
    const hostile = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('"', '\\', '\u0000', '\u001f', '\ud800', '\udfff', '\u{1f600}', 'a"b', '\u2028'),
    );
    fc.assert(
      fc.property(records, hostile, hostile, hostile, (record, userId, id, reason) => {
        const tampered = {
          ...record,
          actor: { userId, role: record.actor.role },
          object: { kind: 'conversation', id },
          reason,
        } as AuditRecord;
        expect(canonicalRecord(tampered)).toBe(reference(tampered));
      }),
      { numRuns: 2000 },
    );
  });

  it('does not depend on the order properties were given in', () => {
    const record: AuditRecord = {
      actor: { userId: 'nurse.adams', role: 'nurse' },
      action: 'conversation.opened',
      object: { kind: 'conversation', id: '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b' },
      patient: null,
      at: 1,
      seq: 2,
      workstationId: 'aa11bb22-cc33-4d44-8e55-ff6677889900',
      outcome: 'success',
      reason: null,
    };
    const shuffled = Object.fromEntries(Object.entries(record).reverse()) as AuditRecord;
    expect(canonicalRecord(shuffled)).toBe(canonicalRecord(record));
  });
});

describe('the entry hasher the verifier and the device log use', () => {
  it('hashes exactly what entryHash hashes, for any record, previous hash and text length', async () => {
    await sodium.ready;
    // The fast path is there to be tested (else the hasher falls back to entryHash itself).
    expect(
      typeof (sodium as unknown as { libsodium: { _crypto_generichash?: unknown } }).libsodium._crypto_generichash,
    ).toBe('function');
    const hasher = createEntryHasher();
    const texts = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'binary', minLength: 16_000, maxLength: 20_000 }),
    );
    fc.assert(
      fc.property(records, fc.uint8Array({ minLength: 32, maxLength: 32 }), texts, (record, previous, text) => {
        const tampered = { ...record, actor: { userId: text, role: record.actor.role } } as AuditRecord;
        for (const r of [record, tampered])
          expect(hex(hasher(previous, r))).toBe(hex(entryHash(blake2b256, previous, r)));
      }),
      { numRuns: 500 },
    );
    // About 2 s alone; CI runs the test files side by side on two cores.
  }, 30_000);
});
