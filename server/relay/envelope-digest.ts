/**
 * What makes two envelopes "the same" for idempotency: SHA-256 over the signed bytes and the
 * signature. A resend of the identical envelope matches; anything else under the same id is a
 * conflict.
 */
import { createHash } from 'node:crypto';
import { envelopeSignedBytes, type Envelope } from '../../shared/protocol/envelope';

export function envelopeDigest(envelope: Envelope): string {
  return createHash('sha256').update(envelopeSignedBytes(envelope)).update(envelope.signature, 'utf8').digest('hex');
}
