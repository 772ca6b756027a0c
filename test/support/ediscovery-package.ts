/**
 * A real eDiscovery package, made as the server will make one: envelopes sealed by the real
 * sealing code (main/crypto/envelope-seal.ts) to a nurse, a physician and the archive key, with
 * identity keys from the real key generation; an attachment encrypted by the real attachment
 * cipher; a recall signed by the real recall signature; the manifest from
 * `buildPackageManifest`; and a chain part from a fake server chain, whose entries are chained
 * and hashed by the shared audit code, placed in an RFC 6962 tree by the shared Merkle code and
 * whose head is signed with a real Ed25519 audit key.
 *
 * `adjust` changes the rows before the digest is computed, as a server (honest or not) would
 * hand them over: what it does is then vouched for by the digest and the chain.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GENESIS_HASH, entryHash, hex, treeHeadSigningBytes } from '../../shared/audit/audit-chain';
import type { AuditRecord } from '../../shared/audit/audit-event';
import { blake2b256 } from '../../shared/audit/blake2b';
import { merkleTree } from '../../shared/audit/merkle-tree';
import { sealEnvelope } from '../../main/crypto/envelope-seal';
import { archiveKeyFileText } from '../../shared/node/archive/archive-key-file';
import { archiveKeyPairOf, type ArchiveKeyPair } from '../../shared/node/archive/archive-key-pair';
import { archiveShareFileTexts } from '../../shared/node/archive/archive-key-shares';
import { encryptAttachment } from '../../shared/node/crypto/attachment-cipher';
import { toBase64 } from '../../shared/node/crypto/base64';
import { signRecall } from '../../shared/node/crypto/recall-signature';
import { loadSodium } from '../../shared/node/crypto/sodium';
import { nodeSha256 } from '../../shared/node/ediscovery/package-verify';
import {
  buildPackageManifest,
  chainedPackageManifest,
  PACKAGE_BLOBS_FOLDER,
  PACKAGE_MANIFEST_FILE,
  type PackageInput,
  type PackageManifest,
  type PackagePerson,
  type UnchainedPackageManifest,
} from '../../shared/protocol/ediscovery-package';
import { readablePackageDigest } from '../../shared/protocol/ediscovery-package-v1';
import type { MessageBody } from '../../shared/protocol/envelope';
import { makeUser, type TestUser } from '../unit/crypto/fixtures';

export const EXPORTED_AT = Date.UTC(2026, 11, 7, 9, 0, 0);
const HOUR = 3_600_000;
/** When both people's keys were published: a month before the export. */
export const KEYS_FROM = EXPORTED_AT - 30 * 24 * HOUR;
export const NURSE_NAME = 'Grace Adams';
/** Non-ASCII, so its header needs RFC 2047. */
export const PHYSICIAN_NAME = 'Zoë Ólafsdóttir';
export const OFFICER = 'compliance.lee';
export const TEXTS = {
  standing: 'Bed 12: potassium 6.1, please review the attached ECG',
  recalled: 'Wrong patient, ignore: Bed 14 is fine',
  expired: 'Theatre list moved to 14:00',
  reply: 'Reviewed. Repeat K+ in 2 h; café closed, ring me',
} as const;
export const TITLE = 'Ward 4 — night handover';
export const PATIENT = { ref: 'pat-Q7x2Lm9', label: 'Bed 12, J. Smith' };
export const ATTACHMENT_NAME = 'EKG Müller 12-ableitung.pdf';

export interface BuiltPackage {
  readonly root: string;
  readonly folder: string;
  readonly manifest: PackageManifest;
  readonly archive: ArchiveKeyPair;
  readonly keyFile: string;
  readonly shareFiles: readonly string[];
  readonly auditKey: string;
  readonly attachment: Uint8Array;
  readonly ids: { standing: string; recalled: string; expired: string; reply: string };
  readonly users: { nurse: TestUser; physician: TestUser };
  /** The blob file of the standing message's attachment. */
  readonly blobFile: string;
}

let users: Promise<{ nurse: TestUser; physician: TestUser }> | undefined;
let archiveKey: Promise<ArchiveKeyPair> | undefined;

export async function buildTestPackage(
  options: {
    adjust?: (
      input: PackageInput & { messages: PackageInput['messages'][number][]; directory: PackagePerson[] },
      users: { nurse: TestUser; physician: TestUser },
    ) => void | Promise<void>;
    /** A version 1 package, as exports made before the key history were: one key per person. */
    version?: 1;
  } = {},
): Promise<BuiltPackage> {
  const sodium = await loadSodium();
  users ??= Promise.all([makeUser('nurse.adams'), makeUser('dr.olafsdottir')]).then(([nurse, physician]) => ({
    nurse,
    physician,
  }));
  archiveKey ??= archiveKeyPairOf(sodium.randombytes_buf(32));
  const { nurse, physician } = await users;
  const archive = await archiveKey;
  const conversationId = randomUUID();

  // An attachment of more than one secretstream chunk.
  const attachment = sodium.randombytes_buf(150_000);
  attachment.set(new TextEncoder().encode('%PDF-1.7\n'), 0);
  const sealedFile = await encryptAttachment(attachment);
  const blobId = randomUUID();

  const body = (text: string, withAttachment = false): MessageBody => ({
    kind: 'text',
    text,
    conversation: {
      kind: 'group',
      title: TITLE,
      participants: [nurse.userId, physician.userId],
      roleAddress: null,
      patient: PATIENT,
    },
    ...(withAttachment
      ? {
          attachments: [
            {
              blobId,
              fileName: ATTACHMENT_NAME,
              mediaType: 'application/pdf' as const,
              size: attachment.length,
              sha256: toBase64(sealedFile.sha256),
              key: toBase64(sealedFile.key),
            },
          ],
        }
      : {}),
  });
  const seal = async (
    from: TestUser,
    to: TestUser,
    text: string,
    sentAt: number,
    expiresAt: number | null,
    withAttachment = false,
  ) =>
    sealEnvelope({
      header: {
        v: 1,
        id: randomUUID(),
        conversationId,
        sender: { userId: from.userId, deviceId: randomUUID() },
        recipients: [to.userId],
        sentAt,
        expiresAt,
        priority: 'routine',
        ...(withAttachment ? { attachments: [blobId] } : {}),
      },
      body: body(text, withAttachment),
      recipientKeys: [
        { recipient: to.userId, encryptionKey: to.publicKeys.encryption },
        { recipient: from.userId, encryptionKey: from.publicKeys.encryption },
        { recipient: archive.recipient, encryptionKey: toBase64(archive.encryption.publicKey) },
      ],
      signingKey: from.keys.signing.privateKey,
    });

  const t0 = EXPORTED_AT - 48 * HOUR;
  const standing = await seal(nurse, physician, TEXTS.standing, t0, null, true);
  const recalled = await seal(nurse, physician, TEXTS.recalled, t0 + HOUR, null);
  const expired = await seal(nurse, physician, TEXTS.expired, t0 + 2 * HOUR, t0 + 26 * HOUR);
  const reply = await seal(physician, nurse, TEXTS.reply, t0 + 3 * HOUR, null);
  const recalledAt = t0 + 90 * 60_000;
  const recallSignature = await signRecall(
    { messageId: recalled.header.id, senderId: nurse.userId, recalledAt },
    nurse.keys.signing.privateKey,
  );

  const audit = sodium.crypto_sign_keypair();
  const auditKey = toBase64(audit.publicKey);
  const input = {
    matter: {
      name: 'Smith v. General Hospital',
      holdIds: [randomUUID()],
      reasonCodes: ['litigation' as const],
      custodians: [nurse.userId],
      conversationIds: [conversationId],
    },
    exportedAt: EXPORTED_AT,
    exportedBy: OFFICER,
    auditKey,
    archiveFingerprint: archive.fingerprint,
    directory: [
      {
        userId: nurse.userId,
        signingKeys: [{ key: nurse.publicKeys.signing, from: KEYS_FROM, until: null }],
        displayName: NURSE_NAME,
        role: 'nurse' as const,
      },
      {
        userId: physician.userId,
        signingKeys: [{ key: physician.publicKeys.signing, from: KEYS_FROM, until: null }],
        displayName: PHYSICIAN_NAME,
        role: 'physician' as const,
      },
    ],
    messages: [
      {
        envelope: standing,
        acceptedAt: t0 + 1000,
        expiresAt: null,
        recall: null,
        receipts: [{ userId: physician.userId, kind: 'read' as const, at: t0 + 5000 }],
        attachments: [{ blobId, size: sealedFile.ciphertext.length, sha256: hex(nodeSha256(sealedFile.ciphertext)) }],
      },
      {
        envelope: recalled,
        acceptedAt: t0 + HOUR + 1000,
        expiresAt: null,
        recall: { recalledAt, signature: recallSignature },
        receipts: [],
        attachments: [],
      },
      {
        envelope: expired,
        acceptedAt: t0 + 2 * HOUR + 1000,
        expiresAt: t0 + 26 * HOUR,
        recall: null,
        receipts: [],
        attachments: [],
      },
      {
        envelope: reply,
        acceptedAt: t0 + 3 * HOUR + 1000,
        expiresAt: null,
        recall: null,
        receipts: [],
        attachments: [],
      },
    ],
  };
  const blobs = new Map([[blobId, sealedFile.ciphertext]]);
  await options.adjust?.(input, { nurse, physician });

  const built = buildPackageManifest(input, nodeSha256);
  if (!built.ok) throw new Error(`package not built: ${built.error.code}`);
  const sign = (bytes: Uint8Array) => sodium.crypto_sign_detached(bytes, audit.privateKey);
  const unchained = options.version === 1 ? version1Of(built.value, sign) : built.value;
  const manifest = chainedPackageManifest(unchained, serverChain(unchained.digest, sign));

  const root = mkdtempSync(path.join(os.tmpdir(), 'wardline-archive-open-'));
  const folder = path.join(root, 'smith-v-general.wardline-matter');
  mkdirSync(path.join(folder, PACKAGE_BLOBS_FOLDER), { recursive: true });
  writeFileSync(path.join(folder, PACKAGE_MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  for (const [id, bytes] of blobs) writeFileSync(path.join(folder, PACKAGE_BLOBS_FOLDER, id), bytes);

  const keyFile = path.join(root, 'keys', 'archive-key.json');
  mkdirSync(path.dirname(keyFile));
  writeFileSync(keyFile, archiveKeyFileText(archive, EXPORTED_AT - 365 * 24 * HOUR));
  const shareTexts = await archiveShareFileTexts(archive, { shares: 5, threshold: 3 }, EXPORTED_AT);
  const shareFiles = shareTexts.map((text, index) => {
    const file = path.join(root, 'keys', `archive-key.share-${String(index + 1)}-of-5.json`);
    writeFileSync(file, text);
    return file;
  });
  return {
    root,
    folder,
    manifest,
    archive,
    keyFile,
    shareFiles,
    auditKey,
    attachment,
    ids: {
      standing: standing.header.id,
      recalled: recalled.header.id,
      expired: expired.header.id,
      reply: reply.header.id,
    },
    users: { nurse, physician },
    blobFile: path.join(folder, PACKAGE_BLOBS_FOLDER, blobId),
  };
}

/** The same package as version 1 wrote it: each person's one key (their first here), its own digest. */
function version1Of(
  manifest: UnchainedPackageManifest,
  sign: (bytes: Uint8Array) => Uint8Array,
): UnchainedPackageManifest {
  const v1 = {
    ...manifest,
    version: 1 as const,
    directory: manifest.directory.map(({ signingKeys, ...person }) => ({ ...person, signingKey: signingKeys[0]!.key })),
  };
  // The digest covers no part of the chain: any will do to compute it.
  const digest = readablePackageDigest({ ...v1, chain: serverChain('0'.repeat(64), sign) }, nodeSha256);
  return { ...v1, digest } as unknown as UnchainedPackageManifest;
}

/**
 * A server chain of a few records, the export's among them (not last: the head covers records
 * after it too), each chained by entry hash, in an RFC 6962 tree whose head the audit key signs.
 */
function serverChain(digest: string, sign: (bytes: Uint8Array) => Uint8Array): PackageManifest['chain'] {
  const chainId = randomUUID();
  const tree = merkleTree(nodeSha256);
  const records: AuditRecord[] = [];
  const base = { patient: null, workstationId: chainId, outcome: 'success' as const };
  for (let seq = 0; seq < 6; seq++) {
    const exportRecord = seq === 3;
    records.push({
      ...base,
      actor: exportRecord ? { userId: OFFICER, role: 'compliance-officer' } : { userId: 'it.admin', role: 'it-admin' },
      action: 'admin.action',
      object: exportRecord ? { kind: 'ediscovery-package', id: digest } : { kind: 'none' },
      at: EXPORTED_AT + seq,
      seq,
      reason: exportRecord ? 'EDISCOVERY_EXPORTED' : 'ACCOUNT_CREATED',
    });
  }
  let previous = GENESIS_HASH;
  const entries = records.map((record, treeIndex) => {
    const hash = entryHash(blake2b256, previous, record);
    const entry = { record, previousHash: hex(previous), hash: hex(hash), treeIndex };
    previous = hash;
    return entry;
  });
  const leaves = entries.map((entry) => tree.leafHash(Buffer.from(entry.hash, 'hex')));
  const rootHash = tree.rootHash(leaves);
  const timestamp = EXPORTED_AT + 60_000;
  const signature = toBase64(sign(treeHeadSigningBytes({ treeSize: leaves.length, timestamp, rootHash })));
  const at = 3;
  return {
    entry: entries[at]!,
    inclusionProof: tree.inclusionProof(leaves, at).map(hex),
    head: { treeSize: leaves.length, timestamp, rootHash: hex(rootHash), signature },
  };
}
