import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import sodium from 'libsodium-wrappers-sumo';
import { canonicalRecord, entryHash, hex } from '../../../shared/audit/audit-chain';
import { blake2b256, createEntryHasher } from '../../../shared/audit/blake2b';
import { AUDIT_ACTIONS, type AuditObject, type AuditRecord } from '../../../shared/audit/audit-event';
import { ROLES } from '../../../shared/access/permission-matrix';

const uuid = fc.uuid();
const objects: fc.Arbitrary<AuditObject> = fc.oneof(
  uuid.map((id) => ({ kind: 'conversation' as const, id })),
  fc.tuple(uuid, uuid).map(([id, conversationId]) => ({ kind: 'message' as const, id, conversationId })),
  fc.stringMatching(/^pat-[A-Za-z0-9]{4,40}$/).map((id) => ({ kind: 'patient' as const, id })),
  fc.constantFrom('idleLockSeconds', 'pinAllowed').map((id) => ({ kind: 'setting' as const, id })),
  fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/).map((id) => ({ kind: 'account' as const, id })),
  fc.stringMatching(/^[0-9a-f]{32}$/).map((id) => ({ kind: 'vault' as const, id })),
  fc.nat(100_000).map((resultCount) => ({ kind: 'search' as const, resultCount })),
  fc.constant({ kind: 'none' as const }),
);
const records: fc.Arbitrary<AuditRecord> = fc.record({
  actor: fc.record({ userId: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,30}$/), { nil: null }), role: fc.option(fc.constantFrom(...ROLES), { nil: null }) }),
  action: fc.constantFrom(...AUDIT_ACTIONS),
  object: objects,
  patient: fc.option(fc.stringMatching(/^pat-[A-Za-z0-9]{4,40}$/), { nil: null }),
  at: fc.nat(),
  seq: fc.nat(),
  workstationId: uuid,
  outcome: fc.constantFrom('success' as const, 'failure' as const),
  reason: fc.option(fc.stringMatching(/^[A-Z][A-Z0-9_]{1,39}$/), { nil: null }),
});

/** The definition the hand-written form must equal: JSON.stringify with the keys in this order. */
function reference(record: AuditRecord): string {
  const o = record.object;
  const object =
    o.kind === 'message' ? { kind: o.kind, id: o.id, conversationId: o.conversationId } : o.kind === 'search' ? { kind: o.kind, resultCount: o.resultCount } : o.kind === 'none' ? { kind: o.kind } : { kind: o.kind, id: o.id };
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
    const hostile = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', '\u0000', '\u001f', '\ud800', '\udfff', '\u{1f600}', 'a"b', '\u2028'));
    fc.assert(
      fc.property(records, hostile, hostile, hostile, (record, userId, id, reason) => {
        const tampered = { ...record, actor: { userId, role: record.actor.role }, object: { kind: 'conversation', id }, reason } as AuditRecord;
        expect(canonicalRecord(tampered)).toBe(reference(tampered));
      }),
      { numRuns: 2000 },
    );
  });

  it('does not depend on the order properties were given in', () => {
    const record: AuditRecord = { actor: { userId: 'nurse.adams', role: 'nurse' }, action: 'conversation.opened', object: { kind: 'conversation', id: '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b' }, patient: null, at: 1, seq: 2, workstationId: 'aa11bb22-cc33-4d44-8e55-ff6677889900', outcome: 'success', reason: null };
    const shuffled = Object.fromEntries(Object.entries(record).reverse()) as AuditRecord;
    expect(canonicalRecord(shuffled)).toBe(canonicalRecord(record));
  });
});

describe('the entry hasher the verifier and the device log use', () => {
  it('hashes exactly what entryHash hashes, for any record, previous hash and text length', async () => {
    await sodium.ready;
    // The fast path is there to be tested (else the hasher falls back to entryHash itself).
    expect(typeof (sodium as unknown as { libsodium: { _crypto_generichash?: unknown } }).libsodium._crypto_generichash).toBe('function');
    const hasher = createEntryHasher();
    const texts = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', minLength: 16_000, maxLength: 20_000 }));
    fc.assert(
      fc.property(records, fc.uint8Array({ minLength: 32, maxLength: 32 }), texts, (record, previous, text) => {
        const tampered = { ...record, actor: { userId: text, role: record.actor.role } } as AuditRecord;
        for (const r of [record, tampered]) expect(hex(hasher(previous, r))).toBe(hex(entryHash(blake2b256, previous, r)));
      }),
      { numRuns: 500 },
    );
  });
});
