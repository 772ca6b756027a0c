/**
 * The signed-in clinician's identity keys as messaging uses them: every envelope is sealed to its
 * recipients' pinned keys plus the sender's own copy (so the sender's other workstations, and a
 * held message's reseal, can open it) plus the hospital's archive key where there is one
 * (archive-sealing.ts), and signed with the clinician's signing key.
 */
import { toBase64 } from '../../shared/node/crypto/base64';
import type { EnvelopeReader } from '../../shared/node/crypto/envelope-open';
import type { RecipientKey } from '../crypto/envelope-seal';
import type { IdentityKeyPairs } from '../crypto/identity-keys';
import type { ArchiveRefusal, ArchiveSealing } from './archive-sealing';

export interface OwnKeys {
  /** Opens the sender's own sealed copies. */
  readonly reader: EnvelopeReader;
  /** Base64 Ed25519 public key: what the clinician's own envelopes verify against. */
  readonly signingPublicKey: string;
  /** The Ed25519 secret key envelopes and recalls are signed with. */
  readonly signingKey: Uint8Array;
  /** Recipients' keys as pinned (`keyOf`), the sender's own copy and the archive: what every envelope is sealed to. */
  sealedTo(recipients: readonly string[], keyOf: (userId: string) => string): RecipientKey[];
  /** Why nothing may be sealed in this session (the archive the server requires is not policy's), or null. */
  readonly sealRefusal: ArchiveRefusal | null;
}

export function ownKeysOf(userId: string, identity: IdentityKeyPairs, archive: ArchiveSealing): OwnKeys {
  const archiveKey = archive.ok ? archive.value : null;
  return {
    reader: { recipient: userId, encryption: identity.encryption },
    signingPublicKey: toBase64(identity.signing.publicKey),
    signingKey: identity.signing.privateKey,
    sealedTo: (recipients, keyOf) => [
      ...recipients.map((id) => ({ recipient: id, encryptionKey: keyOf(id) })),
      { recipient: userId, encryptionKey: toBase64(identity.encryption.publicKey) },
      ...(archiveKey === null ? [] : [archiveKey]),
    ],
    sealRefusal: archive.ok ? null : archive.error,
  };
}
