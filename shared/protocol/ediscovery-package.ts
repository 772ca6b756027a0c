/**
 * The eDiscovery package (issue 20): the held envelopes of one legal matter, exported by the
 * server as ciphertext, for the compliance team to open offline with the archive key
 * (`npm run archive:open`). A folder `<name>.wardline-matter/` holding:
 *
 * - `package.json`: this module's manifest;
 * - `blobs/<blobId>`: each attachment's ciphertext, exactly the bytes the server's blob store
 *   holds (a libsodium secretstream, attachment.ts), named by its blob id.
 *
 * What makes it evidence: every envelope is exactly as stored, signed by its sender, whose
 * signing keys over time the package names from the server's key history (version 2; version 1
 * named one key per person, the one in force at the export: ediscovery-package-v1.ts still reads
 * those); every recall carries the sender's signature; every blob file has its size and SHA-256 here; and the whole manifest but its chain
 * part has one digest (SHA-256 of `packageDigestBytes`), which the server recorded on its signed
 * audit chain as it exported (an `admin.action` about an `ediscovery-package` object whose id is
 * the digest). The chain part carries that record as it is on the chain, its leaf index, an
 * RFC 6962 inclusion proof and the signed tree head that covers it.
 *
 * Pure: SHA-256 is passed in, as for the audit tree (shared/ imports nothing process-specific).
 * The server's route fills `buildPackageManifest`, records the digest, then adds the chain part
 * (`chainedPackageManifest`); archive:open checks all of it (shared/node/ediscovery/).
 */
import { z } from 'zod';
import { ROLES } from '../access/permission-matrix';
import { hashHex, signedTreeHead, storedEntry } from '../audit/audit-entry';
import { hex } from '../audit/audit-chain';
import type { Sha256 } from '../audit/merkle-tree';
import { err, ok, type Result } from '../result';
import { archiveRecipientOf, archiveRequirement } from './archive-key';
import { publicKey, signature } from './binary';
import { blobId, DEFAULT_MAX_BLOB_BYTES, MAX_ATTACHMENTS } from './blob-api';
import { envelope, envelopeSignedBytes, type Envelope } from './envelope';
import { HOLD_REASON_CODES } from './message-hold-api';
import { conversationId, epochMs, userId, uuid } from './identifiers';
import { signingKeyHistory } from './signing-key-history';

export const EDISCOVERY_PACKAGE_FORMAT = 'wardline-ediscovery-package';
export const EDISCOVERY_PACKAGE_VERSION = 2;
/** The package is a folder whose name ends so. */
export const PACKAGE_FOLDER_SUFFIX = '.wardline-matter';
export const PACKAGE_MANIFEST_FILE = 'package.json';
export const PACKAGE_BLOBS_FOLDER = 'blobs';

/** The largest attachment ciphertext a package carries: twice the server's default maximum. */
export const MAX_PACKAGE_BLOB_BYTES = 2 * DEFAULT_MAX_BLOB_BYTES;
/** Messages one package holds: a matter larger than this is exported as several. */
export const MAX_PACKAGE_MESSAGES = 50_000;
/** People the directory part names (senders and recipients of the package's messages). */
export const MAX_PACKAGE_PEOPLE = 20_000;
/** The largest `package.json` a reader accepts, checked before parsing. */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
/** Receipts per message: delivered, read and acknowledged by each of at most ~100 readers. */
const MAX_RECEIPTS = 400;
/** Deep enough for a tree of 2^64 leaves. */
const MAX_PROOF_HASHES = 64;

/** A reason code a hold was placed for (message-hold-api.ts). */
export const holdReasonCode = z.enum(HOLD_REASON_CODES);

const distinct = <T extends z.ZodType<string>>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .refine((list) => new Set(list).size === list.length, { message: 'duplicate' });

/** The legal matter: what was held, why, and whose. */
export const packageMatter = z.strictObject({
  /** The matter's name as the compliance officer gave it (a case name, never a patient's). */
  name: z.string().trim().min(1).max(200),
  holdIds: distinct(uuid, 1000).min(1),
  reasonCodes: distinct(holdReasonCode, HOLD_REASON_CODES.length),
  custodians: distinct(userId, 10_000),
  conversationIds: distinct(conversationId, 10_000),
});
export type PackageMatter = z.infer<typeof packageMatter>;

/**
 * A person as the directory had them at export: every Ed25519 key they had published by then,
 * each with when it was in force by the server's clock (signing-key-history.ts), which their
 * envelopes and recalls are checked against; and what the review export's headers show.
 */
export const packagePerson = z.strictObject({
  userId,
  signingKeys: signingKeyHistory,
  displayName: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
});
export type PackagePerson = z.infer<typeof packagePerson>;

/** The sender's signed recall (the server keeps the signed time, not one of its own). */
export const packageRecall = z.strictObject({
  /** The sender's clock, as signed (`recallSignedBytes`). */
  recalledAt: epochMs,
  signature,
});
export type PackageRecall = z.infer<typeof packageRecall>;

export const RECEIPT_KINDS = ['delivered', 'read', 'acknowledged'] as const;
export const packageReceipt = z.strictObject({ userId, kind: z.enum(RECEIPT_KINDS), at: epochMs });
export type PackageReceipt = z.infer<typeof packageReceipt>;

/** An attachment's ciphertext file, `blobs/<blobId>`, as the blob store holds it. */
export const packageBlob = z.strictObject({
  blobId,
  /** Ciphertext bytes (the file's size). */
  size: z.number().int().positive().max(MAX_PACKAGE_BLOB_BYTES),
  /** SHA-256 of the file. */
  sha256: hashHex,
});
export type PackageBlob = z.infer<typeof packageBlob>;

export const MESSAGE_STATES = ['standing', 'recalled', 'expired'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export const packageMessage = z.strictObject({
  /** Exactly as the server stored it. */
  envelope,
  /** The server's clock when it accepted the envelope. */
  acceptedAt: epochMs,
  /** When the message expires (or expired), by the server; null: never. */
  expiresAt: epochMs.nullable(),
  recall: packageRecall.nullable(),
  /** Recalled if there is a recall; else expired if `expiresAt` is at or before the export; else standing. */
  state: z.enum(MESSAGE_STATES),
  receipts: z.array(packageReceipt).max(MAX_RECEIPTS),
  /** One per blob id the signed header lists, in its order. */
  attachments: z.array(packageBlob).max(MAX_ATTACHMENTS),
});
export type PackageMessage = z.infer<typeof packageMessage>;

/**
 * Where the digest is on the server's chain: the record as the chain holds it (with its chain
 * hashes and leaf index), the RFC 6962 inclusion proof of its leaf (hex, leaf to root), and the
 * signed tree head the proof reaches.
 */
export const packageChainProof = z.strictObject({
  entry: storedEntry,
  inclusionProof: z.array(hashHex).max(MAX_PROOF_HASHES),
  head: signedTreeHead,
});
export type PackageChainProof = z.infer<typeof packageChainProof>;

export const packageContentsShape = {
  format: z.literal(EDISCOVERY_PACKAGE_FORMAT),
  version: z.literal(EDISCOVERY_PACKAGE_VERSION),
  matter: packageMatter,
  exportedAt: epochMs,
  /** The compliance officer who exported it. */
  exportedBy: userId,
  /** The server's audit public key (Ed25519, base64), which signs its tree heads. */
  auditKey: publicKey,
  /** The archive key every envelope was required to be sealed to. */
  archive: archiveRequirement,
  /** Everyone the messages name as sender or recipient, each once, by user id. */
  directory: z.array(packagePerson).max(MAX_PACKAGE_PEOPLE),
  messages: z.array(packageMessage).max(MAX_PACKAGE_MESSAGES),
};

/** The manifest the digest is computed over: everything but the digest and the chain part. */
export const packageContents = z.strictObject(packageContentsShape);
export type PackageContents = z.infer<typeof packageContents>;

/** Before the chain part: what the server records on its chain is this digest. */
export const unchainedPackageManifest = z.strictObject({ ...packageContentsShape, digest: hashHex });
export type UnchainedPackageManifest = z.infer<typeof unchainedPackageManifest>;

/** `package.json`. */
export const packageManifest = z.strictObject({ ...packageContentsShape, digest: hashHex, chain: packageChainProof });
export type PackageManifest = z.infer<typeof packageManifest>;

/** A hold as the hold routes describe it (message-hold-api.ts), as far as the package names it. */
interface MatterHold {
  readonly holdId: string;
  readonly matter: string;
  readonly reasonCode: (typeof HOLD_REASON_CODES)[number];
  readonly custodian: { readonly userId: string } | null;
  readonly conversationId: string | null;
}

/**
 * The package's matter from the holds in force (oldest first), the same on the exporting
 * workstation and on the server that checks its digest; null when none has that name.
 */
export function matterOfHolds(name: string, holds: readonly MatterHold[]): PackageMatter | null {
  const mine = holds.filter((hold) => hold.matter === name);
  if (mine.length === 0) return null;
  const distinctOf = (values: readonly (string | null)[]) => [
    ...new Set(values.filter((value): value is string => value !== null)),
  ];
  return {
    name,
    holdIds: mine.map((hold) => hold.holdId),
    reasonCodes: distinctOf(mine.map((hold) => hold.reasonCode)) as PackageMatter['reasonCodes'],
    custodians: distinctOf(mine.map((hold) => hold.custodian?.userId ?? null)),
    conversationIds: distinctOf(mine.map((hold) => hold.conversationId)),
  };
}

/** The state a message is in at the export, from its recall and expiry. */
export function messageStateAt(
  message: { readonly recall: unknown; readonly expiresAt: number | null },
  exportedAt: number,
): MessageState {
  if (message.recall !== null) return 'recalled';
  return message.expiresAt !== null && message.expiresAt <= exportedAt ? 'expired' : 'standing';
}

const encoder = new TextEncoder();

/**
 * The envelope in canonical form: its signed bytes (which cover every field of header, nonce,
 * ciphertext and keys, in envelope.ts's one order) as a string, then the signature.
 */
function envelopeArray(value: Envelope): [string, string] {
  return [new TextDecoder().decode(envelopeSignedBytes(value)), value.signature];
}

/**
 * The bytes the package digest is SHA-256 of, defined once: JSON arrays in a fixed order with a
 * domain tag (as envelope.ts does), never JSON objects, so property order cannot vary. Covers
 * every field of the manifest but `digest` and `chain`; the order of lists is part of it. Each
 * person's key periods are in it, so a key added to a history, or a period moved, is another
 * package.
 */
export function packageDigestBytes(value: PackageContents): Uint8Array {
  return digestBytesOf(
    'wardline/ediscovery-package/v2',
    value,
    value.directory.map((person) => [
      person.userId,
      person.signingKeys.map((period) => [period.key, period.from, period.until]),
      person.displayName,
      person.role,
    ]),
  );
}

/** The digest bytes of either version: its tag, its own directory arrays, all else alike. */
export function digestBytesOf(
  tag: string,
  value: Omit<PackageContents, 'directory' | 'version'> & { readonly version: number },
  directory: readonly unknown[],
): Uint8Array {
  const { matter } = value;
  return encoder.encode(
    JSON.stringify([
      tag,
      value.format,
      value.version,
      [matter.name, matter.holdIds, matter.reasonCodes, matter.custodians, matter.conversationIds],
      value.exportedAt,
      value.exportedBy,
      value.auditKey,
      [value.archive.recipient, value.archive.fingerprint],
      directory,
      value.messages.map((message) => [
        envelopeArray(message.envelope),
        message.acceptedAt,
        message.expiresAt,
        message.recall === null ? null : [message.recall.recalledAt, message.recall.signature],
        message.state,
        message.receipts.map((receipt) => [receipt.userId, receipt.kind, receipt.at]),
        message.attachments.map((blob) => [blob.blobId, blob.size, blob.sha256]),
      ]),
    ]),
  );
}

/** The package digest: SHA-256 of `packageDigestBytes`, lower-case hex. */
export function packageDigest(value: PackageContents, sha256: Sha256): string {
  return hex(sha256(packageDigestBytes(value)));
}

/** One held message as the server's stores give it. */
export interface PackageMessageInput {
  readonly envelope: Envelope;
  readonly acceptedAt: number;
  readonly expiresAt: number | null;
  readonly recall: PackageRecall | null;
  readonly receipts: readonly PackageReceipt[];
  /** The blob store's size and SHA-256 of each attachment's ciphertext, in any order. */
  readonly attachments: readonly PackageBlob[];
}

export interface PackageInput {
  readonly matter: PackageMatter;
  readonly exportedAt: number;
  readonly exportedBy: string;
  readonly auditKey: string;
  /** The archive key's fingerprint the server requires (64 hex digits). */
  readonly archiveFingerprint: string;
  /** The directory's people: at least every sender; others beyond the messages' people are left out. */
  readonly directory: readonly PackagePerson[];
  readonly messages: readonly PackageMessageInput[];
}

export type PackageBuildError =
  /** A message's sender is not in the directory given: nobody could check its signature. */
  | { readonly code: 'SENDER_NOT_IN_DIRECTORY'; readonly messageId: string }
  /** The blob sizes and hashes given are not one for each blob id the message's header lists. */
  | { readonly code: 'ATTACHMENTS_INCOMPLETE'; readonly messageId: string }
  /** The result fails the manifest schema; `path` names the field, never its value. */
  | { readonly code: 'PACKAGE_INVALID'; readonly path: string };

/**
 * The manifest without its chain part, in its one order: messages by acceptance time then id,
 * people by user id, each message's state decided here. Pure; the route records the digest
 * on the chain and then adds the chain part (`chainedPackageManifest`).
 */
export function buildPackageManifest(
  input: PackageInput,
  sha256: Sha256,
): Result<UnchainedPackageManifest, PackageBuildError> {
  const people = new Map(input.directory.map((person) => [person.userId, person]));
  const named = new Set<string>();
  const messages: PackageMessage[] = [];
  const ordered = [...input.messages].sort(
    (a, b) => a.acceptedAt - b.acceptedAt || compare(a.envelope.header.id, b.envelope.header.id),
  );
  for (const message of ordered) {
    const { header } = message.envelope;
    if (!people.has(header.sender.userId)) return err({ code: 'SENDER_NOT_IN_DIRECTORY', messageId: header.id });
    for (const id of [header.sender.userId, ...header.recipients]) named.add(id);
    const blobs = new Map(message.attachments.map((blob) => [blob.blobId, blob]));
    const listed = header.attachments ?? [];
    const attachments = listed.map((id) => blobs.get(id));
    if (blobs.size !== listed.length || message.attachments.length !== listed.length || attachments.includes(undefined))
      return err({ code: 'ATTACHMENTS_INCOMPLETE', messageId: header.id });
    messages.push({
      envelope: message.envelope,
      acceptedAt: message.acceptedAt,
      expiresAt: message.expiresAt,
      recall: message.recall,
      state: messageStateAt(message, input.exportedAt),
      receipts: [...message.receipts],
      attachments: attachments as PackageBlob[],
    });
  }
  const contents = {
    format: EDISCOVERY_PACKAGE_FORMAT,
    version: EDISCOVERY_PACKAGE_VERSION,
    matter: input.matter,
    exportedAt: input.exportedAt,
    exportedBy: input.exportedBy,
    auditKey: input.auditKey,
    archive: { recipient: archiveRecipientOf(input.archiveFingerprint), fingerprint: input.archiveFingerprint },
    directory: [...people.values()]
      .filter((person) => named.has(person.userId))
      .sort((a, b) => compare(a.userId, b.userId)),
    messages,
  };
  const parsed = packageContents.safeParse(contents);
  if (!parsed.success) return err({ code: 'PACKAGE_INVALID', path: issuePath(parsed.error) });
  return ok({ ...parsed.data, digest: packageDigest(parsed.data, sha256) });
}

/** The complete manifest: the unchained one and where its digest is on the server's chain. */
export function chainedPackageManifest(manifest: UnchainedPackageManifest, chain: PackageChainProof): PackageManifest {
  return { ...manifest, chain };
}

/** What the package as written holds, split from its chain part and digest: what the digest covers. */
export function contentsOf(manifest: PackageManifest | UnchainedPackageManifest): PackageContents {
  const { format, version, matter, exportedAt, exportedBy, auditKey, archive, directory, messages } = manifest;
  return { format, version, matter, exportedAt, exportedBy, auditKey, archive, directory, messages };
}

/** The first issue's path, dotted (`messages.3.envelope.signature`); values never. */
export function issuePath(error: z.ZodError): string {
  return error.issues[0]?.path.map(String).join('.') || '(manifest)';
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
