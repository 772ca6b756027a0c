/**
 * Opens a checked package with the archive key and writes the review export into a folder of
 * the caller's (a temporary one, renamed into place only when everything is written):
 * `messages/<n>-<message id>.eml` per message (eml-message.ts) and `manifest.json`, which lists
 * every file with its SHA-256, so a reviewer can show later that nothing was changed.
 *
 * Each message's content key comes from its `archive:` entry and its body opens with the code a
 * workstation opens envelopes with (shared/node/crypto/envelope-open.ts). Attachments are
 * decrypted as their files are read (shared/node/crypto/attachment-cipher.ts), and each must be
 * exactly the file the sealed body describes (size and SHA-256): a blob that does not open is
 * ATTACHMENT_DAMAGED, and the caller then keeps nothing. A body that does not open is not an
 * error of the package: its envelope is signed by its sender, who sealed nonsense under the
 * archive key (README, Retention and eDiscovery); it is written marked so.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PackageMessage } from '../../protocol/ediscovery-package';
import type { ReadablePackageManifest, ReadablePackagePerson } from '../../protocol/ediscovery-package-v1';
import type { SigningKeyPeriod } from '../../protocol/signing-key-history';
import type { MessageBody } from '../../protocol/envelope';
import { err, ok, type Result } from '../../result';
import type { ArchiveKeyPair } from '../archive/archive-key-pair';
import { attachmentDecryptor } from '../crypto/attachment-cipher';
import { fromBase64 } from '../crypto/base64';
import { openEnvelope } from '../crypto/envelope-open';
import { attachmentPartHead, emlEnd, emlHead, type EmlContent, type EmlMessage } from './eml-message';
import { base64Lines, CRLF } from './mime-encoding';
import { blobFilePieces } from './package-files';

export const REVIEW_FORMAT = 'wardline-ediscovery-review';
export const REVIEW_MANIFEST_FILE = 'manifest.json';
export const REVIEW_MESSAGES_FOLDER = 'messages';

export interface ReviewAttachment {
  readonly blobId: string;
  readonly fileName: string;
  readonly mediaType: string;
  /** Plaintext bytes and SHA-256 (hex), as the sealed body stated and the decryption proved. */
  readonly size: number;
  readonly sha256: string;
}

export interface ReviewEntry {
  readonly messageId: string;
  readonly conversationId: string;
  readonly sender: string;
  readonly sentAt: string;
  readonly state: PackageMessage['state'];
  readonly signature: 'verified';
  /** The sender's key (base64 Ed25519) that verified it: the one in force when the server accepted it. */
  readonly signingKey: string;
  readonly content: EmlContent;
  /** Relative to the export folder. */
  readonly file: string;
  /** SHA-256 of the .eml file, hex. */
  readonly sha256: string;
  readonly attachments: readonly ReviewAttachment[];
}

export interface OpenFailure {
  readonly code: 'ATTACHMENT_DAMAGED';
  readonly messageId: string;
  readonly where: string;
}

export interface ReviewSummary {
  readonly entries: readonly ReviewEntry[];
  /** SHA-256 of manifest.json, hex. */
  readonly manifestSha256: string;
}

/** A package verifyPackage found nothing wrong with, and what it found out on the way. */
export interface CheckedPackage {
  readonly manifest: ReadablePackageManifest;
  readonly digest: string;
  readonly notArchived: ReadonlySet<string>;
  /** Every message's verifying key: a checked package has one for each. */
  readonly signedBy: ReadonlyMap<string, SigningKeyPeriod>;
}

/** Writes the export into `outFolder` (which must exist and be empty); nothing is checked here but decryption. */
export async function writeReviewExport(
  packageFolder: string,
  { manifest, digest, notArchived, signedBy }: CheckedPackage,
  key: ArchiveKeyPair,
  outFolder: string,
  context: { readonly openedAt: number; readonly openedBy: string; readonly auditKey: 'pinned' | 'from-package' },
): Promise<Result<ReviewSummary, OpenFailure>> {
  await mkdir(path.join(outFolder, REVIEW_MESSAGES_FOLDER));
  const people = new Map(manifest.directory.map((person) => [person.userId, person]));
  const entries: ReviewEntry[] = [];
  const width = Math.max(4, String(manifest.messages.length).length);
  for (const [index, message] of manifest.messages.entries()) {
    const { header } = message.envelope;
    const signingKey = (signedBy.get(header.id) as SigningKeyPeriod).key;
    const opened = notArchived.has(header.id) ? null : await openEnvelope(message.envelope, key, signingKey);
    const body = opened?.ok === true ? opened.value : null;
    const content: EmlContent = opened === null ? 'not-archived' : body === null ? 'does-not-open' : 'opened';
    const file = path.posix.join(REVIEW_MESSAGES_FOLDER, `${String(index + 1).padStart(width, '0')}-${header.id}.eml`);
    const eml = emlOf(message, body, content, people);
    const written = await writeEml(packageFolder, path.join(outFolder, file), eml, body);
    if (!written.ok) return err({ code: 'ATTACHMENT_DAMAGED', messageId: header.id, where: written.error });
    entries.push({
      messageId: header.id,
      conversationId: header.conversationId,
      sender: header.sender.userId,
      sentAt: new Date(header.sentAt).toISOString(),
      state: message.state,
      signature: 'verified',
      signingKey,
      content,
      file,
      sha256: written.value.sha256,
      attachments: written.value.attachments,
    });
  }
  const review = {
    format: REVIEW_FORMAT,
    version: 1,
    packageDigest: digest,
    matter: manifest.matter,
    exportedAt: new Date(manifest.exportedAt).toISOString(),
    exportedBy: manifest.exportedBy,
    openedAt: new Date(context.openedAt).toISOString(),
    openedBy: context.openedBy,
    archiveKeyFingerprint: manifest.archive.fingerprint,
    auditKey: manifest.auditKey,
    auditKeyPinned: context.auditKey === 'pinned',
    chain: {
      treeIndex: manifest.chain.entry.treeIndex,
      treeSize: manifest.chain.head.treeSize,
      headSignedAt: new Date(manifest.chain.head.timestamp).toISOString(),
      rootHash: manifest.chain.head.rootHash,
    },
    messages: entries,
  };
  const text = `${JSON.stringify(review, null, 2)}\n`;
  await writeFile(path.join(outFolder, REVIEW_MANIFEST_FILE), text, { mode: 0o600 });
  return ok({ entries, manifestSha256: createHash('sha256').update(text).digest('hex') });
}

function emlOf(
  message: PackageMessage,
  body: MessageBody | null,
  content: EmlContent,
  people: ReadonlyMap<string, ReadablePackagePerson>,
): EmlMessage {
  const { header } = message.envelope;
  const personOf = (userId: string) => ({ userId, displayName: people.get(userId)?.displayName ?? null });
  const patient = body?.conversation.patient ?? null;
  const stateAt =
    message.state === 'recalled'
      ? (message.recall?.recalledAt ?? null)
      : message.state === 'expired'
        ? message.expiresAt
        : null;
  return {
    messageId: header.id,
    conversationId: header.conversationId,
    sentAt: header.sentAt,
    acceptedAt: message.acceptedAt,
    priority: header.priority,
    sender: personOf(header.sender.userId),
    recipients: header.recipients.map(personOf),
    title: body?.conversation.title ?? null,
    patientReference: patient?.ref ?? null,
    patientLabel: patient?.label ?? null,
    state: message.state,
    stateAt,
    content,
    text: body?.text ?? '',
    attachments: (body?.attachments ?? []).map((ref) => ({ fileName: ref.fileName, mediaType: ref.mediaType })),
  };
}

/** Writes one .eml, decrypting its attachments into it; the blob id at fault if one does not open. */
async function writeEml(
  packageFolder: string,
  file: string,
  eml: EmlMessage,
  body: MessageBody | null,
): Promise<Result<{ sha256: string; attachments: ReviewAttachment[] }, string>> {
  const handle = await open(file, 'wx', 0o600);
  const hash = createHash('sha256');
  const write = async (text: string) => {
    hash.update(text);
    await handle.write(text);
  };
  const attachments: ReviewAttachment[] = [];
  try {
    await write(emlHead(eml));
    for (const ref of body?.attachments ?? []) {
      await write(CRLF);
      await write(attachmentPartHead(eml.messageId, ref));
      const opened = await decryptInto(packageFolder, ref, write);
      if (!opened) return err(ref.blobId);
      attachments.push({
        blobId: ref.blobId,
        fileName: ref.fileName,
        mediaType: ref.mediaType,
        size: ref.size,
        sha256: Buffer.from(ref.sha256, 'base64').toString('hex'),
      });
    }
    await write(emlEnd(eml));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return ok({ sha256: hash.digest('hex'), attachments });
}

/** Decrypts one blob file as it is read and writes its plaintext as base64 lines; false if it does not open. */
async function decryptInto(
  packageFolder: string,
  ref: NonNullable<MessageBody['attachments']>[number],
  write: (text: string) => Promise<void>,
): Promise<boolean> {
  const key = fromBase64(ref.key, 32);
  const sha256 = fromBase64(ref.sha256, 32);
  if (key === null || sha256 === null) return false;
  const decryptor = await attachmentDecryptor({ key, size: ref.size, sha256 });
  try {
    for await (const piece of blobFilePieces(packageFolder, ref.blobId)) {
      if (!decryptor.push(piece)) return false;
    }
  } catch {
    return false;
  } finally {
    key.fill(0);
  }
  const plain = decryptor.finish();
  if (plain === 'damaged') return false;
  try {
    const lines = base64Lines();
    const STEP = 57 * 1024;
    for (let at = 0; at < plain.length; at += STEP) await write(lines.push(plain.subarray(at, at + STEP)));
    await write(lines.end());
  } finally {
    plain.fill(0);
  }
  return true;
}
