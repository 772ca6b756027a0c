/**
 * How an Ed25519 signature rides on a Provenance in the audit export, for tree heads and device
 * batches alike: raw 64-byte signatures over text lines, `data` their base64, and the public key
 * that verifies one in an extension on the Signature. A key must be canonical base64 of exactly
 * 32 bytes: a second spelling of the same key would be an edit that still verifies.
 */
import type { Extension } from '@medplum/fhirtypes';
import { KEY_BYTES } from '../../protocol/binary';
import { isCanonicalBase64 } from '../crypto/base64';
import { WARDLINE_FHIR } from './fhir-codes';
import { get, list } from './fhir-json';

/** Both signatures are raw 64-byte Ed25519 (RFC 8032) over text lines; `data` is its base64. */
export const SIGNATURE_FORMAT = { targetFormat: 'text/plain', sigFormat: 'application/octet-stream' } as const;

export const isEd25519Key = (value: unknown): value is string =>
  typeof value === 'string' && isCanonicalBase64(value, KEY_BYTES);

export const keyExtension = (key: string): Extension => ({
  url: WARDLINE_FHIR.ed25519KeyExtension,
  valueBase64Binary: key,
});

/** What a signature's key extension holds; undefined if it has none. */
export const signerKeyValue = (signature: unknown): unknown =>
  get(
    list(get(signature, 'extension')).find((item) => get(item, 'url') === WARDLINE_FHIR.ed25519KeyExtension),
    'valueBase64Binary',
  );
