/** The batch Provenance codec: a device-signed batch reads back exactly, and its signature still verifies. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import type { StoredBatch } from '../../../shared/audit/trail-export';
import { toAuditEvent } from '../../../shared/node/fhir/fhir-audit-event';
import { batchProvenance, fromBatchProvenance } from '../../../shared/node/fhir/fhir-batch';
import { WARDLINE_FHIR } from '../../../shared/node/fhir/fhir-codes';
import { treeHeadProvenance } from '../../../shared/node/fhir/fhir-tree-head';
import { batchSigningBytes, fromHex } from '../../../shared/audit/audit-chain';
import { uuidArb } from '../../support/audit-arbitraries';
import {
  HASH_A,
  HASH_B,
  type JsonPath,
  REMOVED,
  WORKSTATION,
  base64Of,
  batchVerifies,
  bytesArb,
  edited,
  entry,
  hash64Arb,
  indexR4,
  issuesOf,
  leafPaths,
  tweak,
  viaJson,
} from '../../support/audit-fhir-fixtures';

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
    return batchVerifies(sodium, read.value) ? 'verifies' : 'fails';
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
    expect(read).toEqual({ ok: true, value: original });
    expect(read.ok && batchVerifies(sodium, read.value)).toBe(true);
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
        expect(fromBatchProvenance(viaJson(batchProvenance(original)))).toEqual({ ok: true, value: original });
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
      expect(result).toEqual({ ok: false, error: field });
      expect(JSON.stringify(result)).not.toContain('Grace');
    }
    expect(fromBatchProvenance({ ...(good as object), meta: { versionId: '2' } }).ok).toBe(true);
    expect(fromBatchProvenance({ ...(good as object), [phi]: true })).toEqual({
      ok: false,
      error: '(unexpected field)',
    });
    expect(
      fromBatchProvenance(
        viaJson(treeHeadProvenance({ treeSize: 1, timestamp: 0, rootHash: HASH_A, signature: `${'A'.repeat(86)}==` })),
      ),
    ).toEqual({ ok: false, error: 'extension (audit batch).firstSeq' });
    expect(fromBatchProvenance(viaJson(toAuditEvent(entry())))).toEqual({ ok: false, error: 'resourceType' });
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
