/** The tree-head Provenance codec: the audit key rides on the head's signature and reads back. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import { WARDLINE_FHIR } from '../../../shared/node/fhir/fhir-codes';
import { fromTreeHeadProvenance, treeHeadProvenance } from '../../../shared/node/fhir/fhir-tree-head';
import { fromHex, treeHeadSigningBytes } from '../../../shared/audit/audit-chain';
import { WORKSTATION, auditServer, edited, viaJson } from '../../support/audit-fhir-fixtures';

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
    expect(read).toEqual({ ok: true, value: { head, auditKey: server.auditKey, consistency: [] } });
    if (!read.ok || read.value.auditKey === null) return;
    const { ORIGINAL } = sodium.base64_variants;
    const bytes = treeHeadSigningBytes({
      treeSize: read.value.head.treeSize,
      timestamp: read.value.head.timestamp,
      rootHash: fromHex(read.value.head.rootHash)!,
    });
    expect(
      sodium.crypto_sign_verify_detached(
        sodium.from_base64(read.value.head.signature, ORIGINAL),
        bytes,
        sodium.from_base64(read.value.auditKey, ORIGINAL),
      ),
    ).toBe(true);

    expect(() => treeHeadProvenance(head, 'not a key')).toThrow(RangeError);
    const badKey = edited(
      viaJson(provenance),
      ['signature', 0, 'extension', 0, 'valueBase64Binary'],
      () => 'Grace Adams',
    );
    expect(fromTreeHeadProvenance(badKey)).toEqual({ ok: false, error: 'signature.extension (public key)' });
  });
});
