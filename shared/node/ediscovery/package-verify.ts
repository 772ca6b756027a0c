/**
 * Every check `archive:open` makes before it decrypts anything, each failure a code with the
 * message (or blob) at fault, never a value from inside the package:
 *
 *   MANIFEST_INVALID          not a manifest of this format and a version it reads (the field is named)
 *   SENDER_NOT_IN_DIRECTORY   a message's sender is not in the package's directory
 *   SIGNING_KEY_NOT_VALID_AT  the sender had no key in force when the server accepted the message
 *                             (`where`: acceptedAt), or around the time of its recall (`where`: recall)
 *   SIGNATURE_INVALID         an envelope is not signed by the sender's key in force at its acceptance
 *   RECALL_SIGNATURE_INVALID  a recall is not signed by the message's sender (a key of theirs then)
 *   STATE_INCONSISTENT        a state that its recall and expiry do not give
 *   ATTACHMENTS_MISMATCH      the blobs listed are not those the signed header names
 *   BLOB_MISSING / BLOB_SIZE_MISMATCH / BLOB_HASH_MISMATCH   a blob file absent, or not as listed
 *   DIGEST_MISMATCH           the stated digest is not the one of the contents
 *   CHAIN_…, AUDIT_KEY_MISMATCH   the server's chain does not vouch for the digest (package-chain.ts)
 *
 * Which key checks what (version 2; a version 1 package names one key per person, used for all):
 * - an envelope: the sender's key in force at `acceptedAt`, the server's clock when it accepted
 *   it, which is the key the server checked that very signature against (signing-key-history.ts);
 * - a recall: the server keeps the sender's signed `recalledAt`, not a time of its own
 *   (server/relay/recall.ts). What it vouches for is that it took the recall within
 *   MAX_CLOCK_SKEW_MS of that time, checking it by the key in force on its own clock then; so
 *   the recall must verify under a key in force at some instant of that window. Usually that is
 *   one key; near a key change it may be two, and either is one the server could have checked by.
 *
 * All are collected, so one run names everything wrong with a package. Whether each envelope
 * names the package's archive key is noted too (a message sent before the key existed is still
 * evidence, signed by its sender, though its content cannot be opened).
 */
import { createHash } from 'node:crypto';
import { blake2b256 } from '../../audit/blake2b';
import type { Sha256 } from '../../audit/merkle-tree';
import { MAX_CLOCK_SKEW_MS } from '../../protocol/clock-skew';
import { issuePath, messageStateAt } from '../../protocol/ediscovery-package';
import {
  readablePackageDigest,
  readablePackageManifest,
  signingKeysOf,
  type ReadablePackageManifest,
} from '../../protocol/ediscovery-package-v1';
import { signingKeyAt, signingKeysDuring, type SigningKeyPeriod } from '../../protocol/signing-key-history';
import { archiveFingerprintOfBase64 } from '../archive/archive-key-pair';
import { ed25519Verifier } from '../crypto/ed25519';
import { verifyEnvelopeSignature } from '../crypto/envelope-open';
import { verifyRecall } from '../crypto/recall-signature';
import { loadSodium } from '../crypto/sodium';
import { checkPackageChain, type ChainProblem } from './package-chain';
import { blobFileFacts } from './package-files';

export type PackageCheckCode =
  | 'MANIFEST_INVALID'
  | 'SENDER_NOT_IN_DIRECTORY'
  | 'SIGNING_KEY_NOT_VALID_AT'
  | 'SIGNATURE_INVALID'
  | 'RECALL_SIGNATURE_INVALID'
  | 'STATE_INCONSISTENT'
  | 'ATTACHMENTS_MISMATCH'
  | 'BLOB_MISSING'
  | 'BLOB_SIZE_MISMATCH'
  | 'BLOB_HASH_MISMATCH'
  | 'DIGEST_MISMATCH'
  | ChainProblem;

export interface PackageFailure {
  readonly code: PackageCheckCode;
  /** The message at fault; null for the package as a whole. */
  readonly messageId: string | null;
  /** A field path or blob id that says where; never a value from inside. */
  readonly where: string | null;
}

export interface PackageVerdict {
  /** The manifest when it parses (checked or not), for the log line and the report. */
  readonly manifest: ReadablePackageManifest | null;
  /** The digest of the contents as recomputed; null when the manifest does not parse. */
  readonly digest: string | null;
  readonly failures: readonly PackageFailure[];
  readonly auditKey: 'pinned' | 'from-package';
  /** Messages whose envelope carries no content key for the package's archive key. */
  readonly notArchived: ReadonlySet<string>;
  /** Each message whose envelope signature verified: the sender's key (and its period) that did. */
  readonly signedBy: ReadonlyMap<string, SigningKeyPeriod>;
}

export const nodeSha256: Sha256 = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};

const failure = (code: PackageCheckCode, messageId: string | null = null, where: string | null = null) => ({
  code,
  messageId,
  where,
});

export async function verifyPackage(
  folder: string,
  value: unknown,
  pinnedAuditKey: string | null,
): Promise<PackageVerdict> {
  const auditKey = pinnedAuditKey === null ? 'from-package' : 'pinned';
  const parsed = readablePackageManifest.safeParse(value);
  if (!parsed.success)
    return {
      manifest: null,
      digest: null,
      failures: [failure('MANIFEST_INVALID', null, issuePath(parsed.error))],
      auditKey,
      notArchived: new Set(),
      signedBy: new Map(),
    };
  const manifest = parsed.data;
  const failures: PackageFailure[] = [...duplicates(manifest)];
  const notArchived = new Set<string>();
  const signedBy = new Map<string, SigningKeyPeriod>();
  const keys = new Map(manifest.directory.map((person) => [person.userId, signingKeysOf(person)]));

  for (const message of manifest.messages) {
    const { header } = message.envelope;
    const id = header.id;
    const history = keys.get(header.sender.userId);
    const period = history === undefined ? null : signingKeyAt(history, message.acceptedAt);
    if (history === undefined) failures.push(failure('SENDER_NOT_IN_DIRECTORY', id));
    else if (period === null) failures.push(failure('SIGNING_KEY_NOT_VALID_AT', id, 'acceptedAt'));
    else if (await verifyEnvelopeSignature(message.envelope, period.key)) signedBy.set(id, period);
    else failures.push(failure('SIGNATURE_INVALID', id));
    if (message.recall !== null) {
      const { recalledAt, signature } = message.recall;
      const recall = { messageId: id, senderId: header.sender.userId, recalledAt };
      const candidates = signingKeysDuring(
        history ?? [],
        recalledAt - MAX_CLOCK_SKEW_MS,
        recalledAt + MAX_CLOCK_SKEW_MS,
      );
      if (history !== undefined && candidates.length === 0)
        failures.push(failure('SIGNING_KEY_NOT_VALID_AT', id, 'recall'));
      else if (!(await anyVerifies(candidates, (key) => verifyRecall(recall, signature, key))))
        failures.push(failure('RECALL_SIGNATURE_INVALID', id));
    }
    if (message.state !== messageStateAt(message, manifest.exportedAt))
      failures.push(failure('STATE_INCONSISTENT', id));

    const listed = message.attachments.map((blob) => blob.blobId);
    const signed = header.attachments ?? [];
    if (listed.length !== signed.length || listed.some((blobId, index) => blobId !== signed[index]))
      failures.push(failure('ATTACHMENTS_MISMATCH', id));
    for (const blob of message.attachments) {
      const facts = await blobFileFacts(folder, blob.blobId);
      if (facts === null) failures.push(failure('BLOB_MISSING', id, blob.blobId));
      else if (facts.size !== blob.size) failures.push(failure('BLOB_SIZE_MISMATCH', id, blob.blobId));
      else if (facts.sha256 !== blob.sha256) failures.push(failure('BLOB_HASH_MISMATCH', id, blob.blobId));
    }

    const entry = message.envelope.keys.find((key) => key.recipient === manifest.archive.recipient);
    if (entry === undefined || archiveFingerprintOfBase64(entry.publicKey) !== manifest.archive.fingerprint)
      notArchived.add(id);
  }

  const digest = readablePackageDigest(manifest, nodeSha256);
  if (digest !== manifest.digest) failures.push(failure('DIGEST_MISMATCH'));
  const sodium = await loadSodium();
  const chain = checkPackageChain(manifest, digest, pinnedAuditKey, {
    sha256: nodeSha256,
    blake2b: blake2b256,
    verifySignature: ed25519Verifier(sodium),
  });
  for (const problem of chain.problems) failures.push(failure(problem));
  return { manifest, digest, failures, auditKey: chain.auditKey, notArchived, signedBy };
}

async function anyVerifies(
  periods: readonly SigningKeyPeriod[],
  verify: (key: string) => Promise<boolean>,
): Promise<boolean> {
  for (const period of periods) if (await verify(period.key)) return true;
  return false;
}

/** A message twice, or a person twice, would let one shadow the other in the review export. */
function duplicates(manifest: ReadablePackageManifest): PackageFailure[] {
  const found: PackageFailure[] = [];
  const messages = new Set<string>();
  for (const message of manifest.messages) {
    if (messages.has(message.envelope.header.id))
      found.push(failure('MANIFEST_INVALID', message.envelope.header.id, 'messages (the same message twice)'));
    messages.add(message.envelope.header.id);
  }
  const people = new Set<string>();
  for (const person of manifest.directory) {
    if (people.has(person.userId)) found.push(failure('MANIFEST_INVALID', null, 'directory (the same person twice)'));
    people.add(person.userId);
  }
  return found;
}
