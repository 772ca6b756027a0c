/**
 * The signed-in clinician's identity keys as messaging uses them: every envelope is sealed to its
 * recipients' pinned keys plus the sender's own copy (so the sender's other workstations, and a
 * held message's reseal, can open it), and signed with the clinician's signing key.
 */
import { toBase64 } from '../../shared/node/crypto/base64';
import type { EnvelopeReader } from '../crypto/envelope-open';
import type { RecipientKey } from '../crypto/envelope-seal';
import type { IdentityKeyPairs } from '../crypto/identity-keys';

export interface OwnKeys {
  /** Opens the sender's own sealed copies. */
  readonly reader: EnvelopeReader;
  /** Base64 Ed25519 public key: what the clinician's own envelopes verify against. */
  readonly signingPublicKey: string;
  /** The Ed25519 secret key envelopes and recalls are signed with. */
  readonly signingKey: Uint8Array;
  /** Recipients' keys as pinned (`keyOf`), plus the sender's own copy: what every envelope is sealed to. */
  sealedTo(recipients: readonly string[], keyOf: (userId: string) => string): RecipientKey[];
}

export function ownKeysOf(userId: string, identity: IdentityKeyPairs): OwnKeys {
  return {
    reader: { recipient: userId, encryption: identity.encryption },
    signingPublicKey: toBase64(identity.signing.publicKey),
    signingKey: identity.signing.privateKey,
    sealedTo: (recipients, keyOf) => [
      ...recipients.map((id) => ({ recipient: id, encryptionKey: keyOf(id) })),
      { recipient: userId, encryptionKey: toBase64(identity.encryption.publicKey) },
    ],
  };
}
