/**
 * A device-signed batch as a FHIR Provenance, and back: the workstation (author, a Device by
 * identifier) signed records firstSeq..lastSeq of its chain. The range and the two hashes it
 * signed are the audit-batch extension, so batchSigningBytes can be rebuilt from the export; the
 * device key is on the signature. Whether the signature verifies is the verifier's to check.
 */
import type { Element, Provenance, Signature } from '@medplum/fhirtypes';
import { z } from 'zod';
import { hashHex } from '../../audit/audit-entry';
import type { StoredBatch } from '../../audit/trail-export';
import { ok } from '../../result';
import { SIGNATURE_BYTES } from '../../protocol/binary';
import { uuid } from '../../protocol/identifiers';
import { isCanonicalBase64 } from '../crypto/base64';
import { ASTM_SIGNATURE_TYPE, PARTICIPANT_TYPE, WARDLINE_FHIR } from './fhir-codes';
import {
  decimal,
  firstDifference,
  get,
  identifier,
  identifierValue,
  isObject,
  list,
  nameUuid,
  problem,
  text,
  withoutServerMeta,
  type Decoded,
} from './fhir-json';
import { isEd25519Key, keyExtension, SIGNATURE_FORMAT, signerKeyValue } from './fhir-signature';

const storedBatch = z
  .strictObject({
    workstationId: uuid,
    firstSeq: z.number().int().nonnegative(),
    lastSeq: z.number().int().nonnegative(),
    previousHash: hashHex,
    lastHash: hashHex,
    // Canonical only: a second spelling of the same bytes would be an edit that still verifies.
    signature: z.string().refine((value) => isCanonicalBase64(value, SIGNATURE_BYTES)),
    devicePublicKey: z.string().refine(isEd25519Key),
  })
  .refine((batch) => batch.lastSeq >= batch.firstSeq, { path: ['lastSeq'] });

/** Where each batch field is in its Provenance: what a problem names. */
const BATCH_FIELDS: Readonly<Record<keyof StoredBatch, string>> = {
  workstationId: 'target',
  firstSeq: 'extension (audit batch).firstSeq',
  lastSeq: 'extension (audit batch).lastSeq',
  previousHash: 'extension (audit batch).previousHash',
  lastHash: 'extension (audit batch).lastHash',
  signature: 'signature.data',
  devicePublicKey: 'signature.extension (public key)',
};

function batchProblem(error: z.ZodError): string {
  const field = error.issues[0]?.path[0];
  return typeof field === 'string' && Object.hasOwn(BATCH_FIELDS, field)
    ? BATCH_FIELDS[field as keyof StoredBatch]
    : '(batch)';
}

/**
 * R4 requires Provenance.recorded and Signature.when, and a batch has no time of its own: the
 * device signs none and StoredBatch keeps none. FHIR's answer for a required value that is not
 * known is a primitive with only a data-absent-reason extension, so no time is made up.
 */
const unknownValue = (): Element => ({
  extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }],
});

/** A Provenance with `_recorded` and `_when` (no values, see unknownValue); Medplum's types have only the values. */
export type BatchProvenance = Omit<Provenance, 'recorded' | 'signature'> & {
  readonly _recorded: Element;
  readonly signature: (Omit<Signature, 'when'> & { readonly _when: Element })[];
};

/** The workstation's own namespace, as for its events; first and last make the batch. */
export const batchUuid = (batch: StoredBatch): string =>
  nameUuid(batch.workstationId, `audit-batch/${String(batch.firstSeq)}/${String(batch.lastSeq)}`);

/**
 * A device-signed batch as Provenance: the workstation (author, a Device by identifier) signed
 * records firstSeq..lastSeq of its chain, which the target names by identifier rather than
 * listing every AuditEvent. The range and the two hashes it signed are the audit-batch extension,
 * so batchSigningBytes can be rebuilt; the device key is on the signature. Author's Signature,
 * not Verification: the device wrote what it signs. Throws a RangeError for an invalid batch.
 */
export function batchProvenance(batch: StoredBatch): BatchProvenance {
  const checked = storedBatch.safeParse(batch);
  if (!checked.success) throw new RangeError(`batch ${batchProblem(checked.error)} is not valid`);
  const device = { type: 'Device' as const, ...identifier(WARDLINE_FHIR.workstationIds, batch.workstationId) };
  return {
    resourceType: 'Provenance',
    id: batchUuid(batch),
    extension: [
      {
        url: WARDLINE_FHIR.auditBatchExtension,
        extension: [
          { url: 'firstSeq', valueString: String(batch.firstSeq) },
          { url: 'lastSeq', valueString: String(batch.lastSeq) },
          { url: 'previousHash', valueString: batch.previousHash },
          { url: 'lastHash', valueString: batch.lastHash },
        ],
      },
    ],
    target: [identifier(WARDLINE_FHIR.auditChains, batch.workstationId)],
    _recorded: unknownValue(),
    agent: [{ type: { coding: [{ system: PARTICIPANT_TYPE, code: 'author', display: 'Author' }] }, who: device }],
    signature: [
      {
        extension: [keyExtension(batch.devicePublicKey)],
        type: [{ system: ASTM_SIGNATURE_TYPE, code: '1.2.840.10065.1.12.1.1', display: "Author's Signature" }],
        _when: unknownValue(),
        who: device,
        ...SIGNATURE_FORMAT,
        data: batch.signature,
      },
    ],
  };
}

export type FromBatchProvenanceResult = Decoded<StoredBatch>;

/** The exact inverse of batchProvenance; the problem names a field, never its value. */
export function fromBatchProvenance(resource: unknown): FromBatchProvenanceResult {
  if (!isObject(resource) || resource.resourceType !== 'Provenance') return problem('resourceType');
  const content = withoutServerMeta(resource);
  if (content === null) return problem('meta');
  const range = list(content.extension).find((item) => get(item, 'url') === WARDLINE_FHIR.auditBatchExtension);
  const part = (name: string): unknown =>
    get(
      list(get(range, 'extension')).find((item) => get(item, 'url') === name),
      'valueString',
    );
  const firstSeq = decimal(text(part('firstSeq')));
  if (firstSeq === undefined) return problem(BATCH_FIELDS.firstSeq);
  const lastSeq = decimal(text(part('lastSeq')));
  if (lastSeq === undefined) return problem(BATCH_FIELDS.lastSeq);
  const parsed = storedBatch.safeParse({
    workstationId: identifierValue({ what: get(content, 'target', 0) }, WARDLINE_FHIR.auditChains),
    firstSeq,
    lastSeq,
    previousHash: part('previousHash'),
    lastHash: part('lastHash'),
    signature: get(content, 'signature', 0, 'data'),
    devicePublicKey: signerKeyValue(get(content, 'signature', 0)),
  });
  if (!parsed.success) return problem(batchProblem(parsed.error));
  const difference = firstDifference(content, batchProvenance(parsed.data), '');
  return difference === null ? ok(parsed.data) : problem(difference);
}
