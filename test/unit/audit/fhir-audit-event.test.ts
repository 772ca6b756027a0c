/**
 * The AuditEvent codec: an entry reads back into exactly the entry that was hashed, an edit to
 * any visible field is refused or changes the hash, and inclusion proofs ride on the chain entity.
 */
import type { AuditEvent, AuditEventEntityDetail } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { leafHashOfEntry } from '../../../server/audit/audit-tree';
import { fromAuditEvent, toAuditEvent, type InclusionProof } from '../../../shared/node/fhir/fhir-audit-event';
import { WARDLINE_FHIR } from '../../../shared/node/fhir/fhir-codes';
import {
  canonicalRecord,
  checkEntries,
  entryHash,
  fromHex,
  GENESIS_HASH,
  hex,
} from '../../../shared/audit/audit-chain';
import { AUDIT_ACTIONS, type AuditAction, type AuditObject } from '../../../shared/audit/audit-event';
import { storedEntry, type StoredEntry } from '../../../shared/audit/audit-entry';
import { blake2b256 } from '../../../shared/audit/blake2b';
import {
  CONVERSATION,
  HASH_A,
  HASH_B,
  LAST_INSTANT,
  REMOVED,
  WORKSTATION,
  catalogue,
  chainDetails,
  edited,
  entry,
  entryArb,
  leafPaths,
  rfc6962,
  tweak,
  viaJson,
  withProofArb,
} from '../../support/audit-fhir-fixtures';

const PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

describe('toAuditEvent and fromAuditEvent', () => {
  it.each(AUDIT_ACTIONS)('round-trips %s with every object kind', (action) => {
    for (const candidate of catalogue().filter((item) => item.record.action === action)) {
      const resource = toAuditEvent(candidate);
      expect(fromAuditEvent(viaJson(resource))).toEqual({
        ok: true,
        value: { entry: candidate, inclusionProof: null },
      });
    }
  });

  it('round-trips any valid entry', () => {
    fc.assert(
      fc.property(entryArb, (candidate) => {
        expect(fromAuditEvent(viaJson(toAuditEvent(candidate)))).toEqual({
          ok: true,
          value: { entry: candidate, inclusionProof: null },
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

  it('types the user as author of a create they originate, and as recipient otherwise (BALP DataSources)', () => {
    const userType = (action: AuditAction, object: AuditObject) =>
      toAuditEvent(entry({ action, object })).agent[0]?.type?.coding;
    const message: AuditObject = { kind: 'message', id: CONVERSATION, conversationId: CONVERSATION };
    const author = [{ system: PARTICIPATION, code: 'AUT', display: 'author (originator)' }];
    const recipient = [{ system: PARTICIPATION, code: 'IRCP', display: 'information recipient' }];
    expect(userType('message.sent', message)).toEqual(author);
    expect(userType('message.accepted', message)).toEqual(author);
    expect(userType('vault.created', { kind: 'vault', id: 'a'.repeat(32) })).toEqual(author);
    // Stored as a create on the workstation, but its user did not write it.
    expect(userType('message.received', message)).toEqual(recipient);
    expect(userType('message.read', message)).toEqual(recipient);
    expect(userType('conversation.opened', { kind: 'conversation', id: CONVERSATION })).toEqual(recipient);
    // The workstation stays the recording application, whatever the event.
    expect(toAuditEvent(entry({ action: 'message.sent', object: message })).agent[1]?.type?.coding).toEqual([
      { system: DCM, code: '110150', display: 'Application' },
    ]);
  });

  it('types the patient entity as a Reference(Patient), Person in the Patient role, and refuses it untyped', () => {
    const event = viaJson(toAuditEvent(entry())) as AuditEvent;
    const patient = event.entity?.find((item) => item.role?.code === '1');
    expect(patient).toEqual({
      what: { type: 'Patient', identifier: { system: WARDLINE_FHIR.patientReferences, value: 'pat-7QX2K9' } },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
    });
    delete patient!.what!.type;
    expect(fromAuditEvent(event)).toEqual({ ok: false, error: 'entity[1].what.type' });
  });

  it('codes a session lock and unlock as User Authentication, neither Logout nor Login', () => {
    const coded = (action: AuditAction) => {
      const event = toAuditEvent(entry({ action, object: { kind: 'none' }, patient: null }));
      return { type: event.type.code, subtype: event.subtype?.slice(1).map((coding) => coding.code) };
    };
    expect(coded('session.locked')).toEqual({ type: '110114', subtype: [] });
    expect(coded('session.unlocked')).toEqual({ type: '110114', subtype: [] });
    // A real log-on and log-off keep DICOM's subtypes.
    expect(coded('sign-in.succeeded')).toEqual({ type: '110114', subtype: ['110122'] });
    expect(coded('session.auto-logoff')).toEqual({ type: '110114', subtype: ['110123'] });
    expect(coded('session.signed-out')).toEqual({ type: '110114', subtype: ['110123'] });
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
      error: 'meta',
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
      expect(result).toEqual({ ok: false, error: field });
      expect(JSON.stringify(result)).not.toContain(phi);
    }
    expect(fromAuditEvent(null)).toEqual({ ok: false, error: 'resourceType' });
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
    const [code, display] =
      event.agent[0]!.type?.coding?.[0]?.code === 'AUT'
        ? ['IRCP', 'information recipient']
        : ['AUT', 'author (originator)'];
    event.agent[0]!.type = { coding: [{ system: PARTICIPATION, code, display }] };
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
    else event.subtype!.push({ system: DCM, code: '110122', display: 'Login' });
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
  'patient entity what.type, another resource type': (event) => {
    const patient = event.entity!.find((item) => item.role?.code === '1');
    if (patient?.what) patient.what.type = 'Practitioner';
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
    // Every fourth fixture, and always the named conversation records the edit test below needs
    // (the sample must not depend on how many fixtures other kinds have).
    chain = catalogue()
      .filter(
        (item, index) =>
          index % 4 === 0 || (item.record.object.kind === 'conversation' && item.record.actor.userId !== null),
      )
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
    const entries = read.map((result) => (result.ok ? result.value.entry : null));
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
        expect(result.error).not.toMatch(/someone\.else|pat-Other99|TAMPERED/);
        continue;
      }
      expect(canonicalRecord(result.value.entry.record)).not.toBe(canonicalRecord(original.record));
      const broken = checkEntries(blake2b256, [result.value.entry], WORKSTATION, {
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
        checkEntries(blake2b256, [result.value.entry], WORKSTATION, {
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
        if (result.ok) expect(canonicalRecord(result.value.entry.record)).not.toBe(canonicalRecord(candidate.record));
      }),
      { numRuns: 500 },
    );
  });
});

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
          value: { entry: candidate, inclusionProof: proof },
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
      value: { entry: single, inclusionProof: { treeSize: 1, path: [] } },
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
        expect(read).toEqual({ ok: true, value: { entry: item, inclusionProof } });
        if (!read.ok || read.value.inclusionProof === null) continue;
        const path = read.value.inclusionProof.path.map((hash) => fromHex(hash)!);
        expect(
          rfc6962.verifyInclusion(
            leafHashOfEntry(read.value.entry.hash),
            read.value.entry.treeIndex,
            read.value.inclusionProof.treeSize,
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
      if (!read.ok || read.value.inclusionProof === null) continue;
      const path = read.value.inclusionProof.path.map((hash) => fromHex(hash)!);
      const rootOfSize =
        read.value.inclusionProof.treeSize === treeSize ? root : rfc6962.rootHash([...leaves, leaves[0]!]);
      expect(
        rfc6962.verifyInclusion(
          leafHashOfEntry(read.value.entry.hash),
          read.value.entry.treeIndex,
          read.value.inclusionProof.treeSize,
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
      expect(result).toEqual({ ok: false, error: field });
      expect(JSON.stringify(result)).not.toContain('Grace');
    }
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
      expect(fromAuditEvent(good)).toEqual({ ok: true, value: { entry: original, inclusionProof: proof } });
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
          expect({ entry: result.value.entry, proof: result.value.inclusionProof }, path.join('.')).not.toEqual({
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
