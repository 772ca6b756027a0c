/**
 * The export Bundle: every resource kind together validates against the HL7 R4
 * StructureDefinitions (via Medplum's validator), reads back exactly, and is all the offline
 * verifier needs, for the whole trail and for a selection.
 */
import type { Provenance } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import type { StoredBatch } from '../../../shared/audit/trail-export';
import { leafHashOfEntry, sha256 } from '../../../server/audit/audit-tree';
import type { VerifyCrypto } from '../../../shared/audit/trail-verification';
import { verifyTrail } from '../../../shared/node/audit/trail-verifier';
import { toAuditEvent } from '../../../shared/node/fhir/fhir-audit-event';
import { auditBundle, readAuditBundle } from '../../../shared/node/fhir/fhir-bundle';
import { WARDLINE_FHIR, WARDLINE_FHIR_BASE } from '../../../shared/node/fhir/fhir-codes';
import {
  fromPurgedOutcome,
  fromUnreadableOutcome,
  purgedOutcome,
  unreadableOutcome,
} from '../../../shared/node/fhir/fhir-place-outcome';
import { fromTreeHeadProvenance, treeHeadProvenance } from '../../../shared/node/fhir/fhir-tree-head';
import { checkEntries, fromHex, hex, treeHeadSigningBytes } from '../../../shared/audit/audit-chain';
import type { SignedTreeHead } from '../../../shared/audit/audit-entry';
import { blake2b256 } from '../../../shared/audit/blake2b';
import { uuidArb } from '../../support/audit-arbitraries';
import {
  HASH_A,
  type JsonPath,
  LAST_INSTANT,
  REMOVED,
  WORKSTATION,
  auditServer,
  base64Of,
  batchVerifies,
  bytesArb,
  catalogue,
  edited,
  entry,
  entryArb,
  hash64Arb,
  indexR4,
  issuesOf,
  rfc6962,
  tweak,
  viaJson,
  withProofArb,
} from '../../support/audit-fhir-fixtures';

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
    // The BALP codings are in what validated: an author, a typed patient, a lock coded without Logout.
    const events = bundle.entry?.flatMap((item) =>
      item.resource.resourceType === 'AuditEvent' ? [item.resource] : [],
    );
    expect(events?.some((event) => event.agent[0]?.type?.coding?.[0]?.code === 'AUT')).toBe(true);
    expect(
      events?.some((event) =>
        event.entity?.some((entity) => entity.role?.code === '1' && entity.what?.type === 'Patient'),
      ),
    ).toBe(true);
    const lock = events?.find((event) => event.subtype?.[0]?.code === 'session.locked');
    expect(lock?.subtype).toHaveLength(1);
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
    expect(read).toEqual({ ok: true, value: { head, auditKey: null, consistency: [] } });
    if (!read.ok) return;
    const bytes = treeHeadSigningBytes({
      treeSize: read.value.head.treeSize,
      timestamp: read.value.head.timestamp,
      rootHash: sodium.from_hex(read.value.head.rootHash),
    });
    expect(
      sodium.crypto_sign_verify_detached(
        sodium.from_base64(read.value.head.signature, sodium.base64_variants.ORIGINAL),
        bytes,
        keys.publicKey,
      ),
    ).toBe(true);

    // A moved time no longer matches the id; another root reads back but its signature fails.
    expect(fromTreeHeadProvenance({ ...provenance, recorded: '2026-11-18T00:00:00.000Z' })).toEqual({
      ok: false,
      error: 'id',
    });
    const otherRoot = fromTreeHeadProvenance({
      ...provenance,
      target: [{ identifier: { system: WARDLINE_FHIR.auditTreeRoots, value: HASH_A } }],
    });
    expect(otherRoot.ok).toBe(true);
    if (!otherRoot.ok) return;
    const otherBytes = treeHeadSigningBytes({
      treeSize: 42,
      timestamp: otherRoot.value.head.timestamp,
      rootHash: sodium.from_hex(otherRoot.value.head.rootHash),
    });
    expect(
      sodium.crypto_sign_verify_detached(
        sodium.from_base64(otherRoot.value.head.signature, sodium.base64_variants.ORIGINAL),
        otherBytes,
        keys.publicKey,
      ),
    ).toBe(false);
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
      value: {
        id: 'selection-dr-okafor',
        timestamp: 1_795_001_000_000,
        entries: selected.map((item) => ({ entry: item, inclusionProof: proofs.get(item.treeIndex) })),
        heads: server.heads,
        batches: server.batches,
        auditKey: server.auditKey,
        consistency: [],
        unreadable: [],
        purged: [],
        codeSystemBase: WARDLINE_FHIR_BASE,
      },
    });
    const full = auditBundle(server.entries, { id: 'full', timestamp: 0 });
    expect(readAuditBundle(viaJson(full))).toEqual({
      ok: true,
      value: {
        id: 'full',
        timestamp: 0,
        entries: server.entries.map((item) => ({ entry: item, inclusionProof: null })),
        heads: [],
        batches: [],
        auditKey: null,
        consistency: [],
        unreadable: [],
        purged: [],
        codeSystemBase: WARDLINE_FHIR_BASE,
      },
    });
  });

  it('carries everything an offline check of a selection needs', () => {
    const read = readAuditBundle(viaJson(selectionExport().bundle));
    if (!read.ok) throw new Error(read.error.problem);
    const { ORIGINAL } = sodium.base64_variants;
    // The key must be the pinned one; then every head's signature.
    expect(read.value.auditKey).toBe(server.auditKey);
    const auditKey = sodium.from_base64(read.value.auditKey!, ORIGINAL);
    for (const head of read.value.heads) {
      const bytes = treeHeadSigningBytes({
        treeSize: head.treeSize,
        timestamp: head.timestamp,
        rootHash: fromHex(head.rootHash)!,
      });
      expect(sodium.crypto_sign_verify_detached(sodium.from_base64(head.signature, ORIGINAL), bytes, auditKey)).toBe(
        true,
      );
    }
    for (const batch of read.value.batches) expect(batchVerifies(sodium, batch)).toBe(true);
    for (const { entry: item, inclusionProof } of read.value.entries) {
      // The record is what was hashed, it is in a signed head's tree, and a signed batch covers it.
      expect(
        checkEntries(blake2b256, [item], item.record.workstationId, {
          seq: item.record.seq,
          previousHash: item.previousHash,
        }),
      ).toBeNull();
      const head = read.value.heads.find((candidate) => candidate.treeSize === inclusionProof?.treeSize);
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
        read.value.batches.some(
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
    const first = tampered.value.entries[0]!.entry;
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
      if (!read.ok) throw new Error(read.error.problem);
      expect((await verifyTrail(read.value, verifyCrypto)).breaks, bundle.id).toEqual([]);
      // An edited record reads back, as another record, and the verifier names it.
      const tampered = readAuditBundle(
        edited(viaJson(bundle), ['entry', 0, 'resource', 'outcome'], (old) => (old === '0' ? '4' : '0')),
      );
      if (!tampered.ok) throw new Error(tampered.error.problem);
      const first = tampered.value.entries[0]!.entry;
      expect((await verifyTrail(tampered.value, verifyCrypto)).breaks, bundle.id).toContainEqual({
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
      expect(result).toEqual({ ok: false, error: expected });
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
    if (!read.ok) throw new Error(read.error.problem);
    expect(read.value.consistency).toEqual([proof]);
    const sinceHead = { auditKey: server.auditKey, head: older };
    expect(await verifyTrail(read.value, verifyCrypto, { sinceHead })).toMatchObject({
      ok: true,
      consistentWith: older.treeSize,
    });

    // Without it nothing is claimed; an edited hash or size reads back, and proves nothing.
    const without = readAuditBundle(viaJson(auditBundle(selected, options)));
    if (!without.ok) throw new Error(without.error.problem);
    expect((await verifyTrail(without.value, verifyCrypto, { sinceHead })).breaks).toEqual([
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
      if (!tampered.ok) throw new Error(tampered.error.problem);
      expect((await verifyTrail(tampered.value, verifyCrypto, { sinceHead })).breaks).toEqual([
        { kind: 'head', treeSize: older.treeSize, problem },
      ]);
    }
    // What cannot be a proof to this head is refused on the way in and on the way out.
    expect(readAuditBundle(edited(viaJson(bundle), pathAt, () => 'Grace Adams'))).toEqual({
      ok: false,
      error: { problem: 'resource.extension (consistency).path', index: at },
    });
    expect(
      readAuditBundle(
        edited(viaJson(bundle), ['entry', at, 'resource', 'extension', 1, 'extension', 0, 'valueString'], () => '0'),
      ),
    ).toEqual({
      ok: false,
      error: { problem: 'resource.extension (consistency).fromSize', index: at },
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
    expect(fromUnreadableOutcome(viaJson(outcome))).toEqual({ ok: true, value: lost });
    const bare = { treeIndex: 9, workstationId: null, seq: null, hash: null };
    expect(fromUnreadableOutcome(viaJson(unreadableOutcome(bare)))).toEqual({ ok: true, value: bare });

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
    if (!read.ok) throw new Error(read.error.problem);
    expect(read.value.unreadable).toEqual([lost]);
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
    expect((await verifyTrail(read.value, verifyCrypto)).breaks).toEqual([
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
      expect(result).toEqual({ ok: false, error: { problem: `resource.extension (unreadable).${field}`, index: at } });
    }
    expect(
      readAuditBundle(edited(viaJson(bundle), ['entry', at, 'resource', 'issue', 0, 'severity'], () => 'warning')),
    ).toEqual({ ok: false, error: { problem: 'resource.issue[0].severity', index: at } });
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
    expect(fromPurgedOutcome(viaJson(outcome))).toEqual({ ok: true, value: stub });

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
    if (!read.ok) throw new Error(read.error.problem);
    expect([read.value.purged, read.value.unreadable]).toEqual([[stub], [lost]]);

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
      expect(result).toEqual({ ok: false, error: { problem: `resource.extension (purged).${field}`, index: at } });
    }
    expect(
      readAuditBundle(edited(viaJson(bundle), ['entry', at, 'resource', 'issue', 0, 'severity'], () => 'error')),
    ).toEqual({ ok: false, error: { problem: 'resource.issue[0].severity', index: at } });
    expect(fromUnreadableOutcome(viaJson(outcome))).toMatchObject({ ok: false });
    expect(() => purgedOutcome({ ...stub, hash: 'nope' })).toThrow(RangeError);
  });

  it('writes and reads an empty export without an empty array', () => {
    const empty = auditBundle([], { id: 'empty', timestamp: 0, auditKey: server.auditKey });
    expect(empty).not.toHaveProperty('entry');
    expect(issuesOf(viaJson(empty))).toEqual([]);
    expect(readAuditBundle(viaJson(empty))).toEqual({
      ok: true,
      value: {
        id: 'empty',
        timestamp: 0,
        entries: [],
        heads: [],
        batches: [],
        auditKey: null,
        consistency: [],
        unreadable: [],
        purged: [],
        codeSystemBase: WARDLINE_FHIR_BASE,
      },
    });
    expect(readAuditBundle({ ...(viaJson(empty) as object), entry: [] })).toEqual({
      ok: false,
      error: { problem: '(unexpected field)' },
    });
  });

  it("writes every Wardline URL under the hospital's code-system base, validates, and reads back naming that base", () => {
    const HOSPITAL = 'https://terminology.st-elsewhere.example/fhir/wardline';
    const { selected, proofs } = selectionExport();
    const options = {
      id: 'selection-dr-okafor',
      timestamp: 1_795_001_000_000,
      heads: server.heads,
      batches: server.batches,
      proofs,
      auditKey: server.auditKey,
    };
    const bundle = auditBundle(selected, { ...options, codeSystemBase: HOSPITAL });
    const text = JSON.stringify(bundle);
    expect(text).not.toContain('wardline.invalid');
    expect(text).toContain(`"system":"${HOSPITAL}/CodeSystem/audit-action"`);
    expect(text).toContain(`"url":"${HOSPITAL}/StructureDefinition/ed25519-public-key"`);
    // Standard code systems stay where they are.
    expect(text).toContain('"system":"http://dicom.nema.org/resources/ontology/DCM"');
    // The same export but for the URLs: nothing else moved.
    expect(text.replaceAll(HOSPITAL, WARDLINE_FHIR_BASE)).toBe(JSON.stringify(auditBundle(selected, options)));
    expect(issuesOf(viaJson(bundle))).toEqual([]);

    const read = readAuditBundle(viaJson(bundle));
    expect(read).toMatchObject({ ok: true, value: { codeSystemBase: HOSPITAL } });
    if (!read.ok) return;
    expect(read.value.entries.map((item) => item.entry)).toEqual(selected);
    expect(read.value.heads).toEqual(server.heads);
    // Written again from what was read, it is the same file.
    expect(
      auditBundle(
        read.value.entries.map((item) => item.entry),
        { ...options, codeSystemBase: read.value.codeSystemBase },
      ),
    ).toEqual(bundle);
  });

  it('refuses a Bundle whose Wardline URLs are under two bases, or under one that is not https', () => {
    const HOSPITAL = 'https://terminology.st-elsewhere.example/fhir';
    const { selected } = selectionExport();
    const bundle = viaJson(auditBundle(selected, { id: 'mixed', timestamp: 0, codeSystemBase: HOSPITAL }));
    // One identifier moved back under the placeholder base.
    const mixed = edited(
      bundle,
      ['entry', 0, 'resource', 'source', 'observer', 'identifier', 'system'],
      () => WARDLINE_FHIR.workstationIds,
    );
    expect(readAuditBundle(mixed)).toEqual({ ok: false, error: { problem: 'system (several code-system bases)' } });
    const plain = JSON.parse(JSON.stringify(bundle).replaceAll(HOSPITAL, 'http://terminology.example/fhir')) as unknown;
    expect(readAuditBundle(plain)).toEqual({
      ok: false,
      error: { problem: 'system (code-system base is not an https URL)' },
    });
    for (const base of ['http://h.example/fhir', 'https://h.example/fhir/', 'https://h.example/fhir?x=1', 'fhir'])
      expect(() => auditBundle(selected, { id: 'bad', timestamp: 0, codeSystemBase: base })).toThrow(RangeError);
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
            value: {
              id: 'random',
              timestamp: 0,
              entries: entries.map((item) => ({ entry: item, inclusionProof: proofs.get(item.treeIndex) ?? null })),
              heads: uniqueHeads,
              batches: uniqueBatches,
              auditKey: uniqueHeads.length === 0 ? null : (auditKey ?? null),
              consistency: [],
              unreadable: [],
              purged: [],
              codeSystemBase: WARDLINE_FHIR_BASE,
            },
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
