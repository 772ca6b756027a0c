/**
 * A sealed body's description of an attachment as the vault keeps it, to be fetched. The bytes
 * of key and hash cross the wire as base64 (shared/protocol/attachment.ts), already checked for
 * length by the body's schema. A received one's thumbnail is its preview as this workstation
 * re-encoded it (attachment-previews.ts), or null until the file is fetched.
 */
import type { AttachmentRef } from '../../shared/protocol/attachment';
import type { AttachmentRecord } from '../store/ops/attachment-ops';

export function attachmentRecordOf(ref: AttachmentRef, thumbnail: Uint8Array | null = null): AttachmentRecord {
  return {
    thumbnail,
    id: ref.blobId,
    fileName: ref.fileName,
    mediaType: ref.mediaType,
    size: ref.size,
    sha256: new Uint8Array(Buffer.from(ref.sha256, 'base64')),
    key: new Uint8Array(Buffer.from(ref.key, 'base64')),
    width: ref.width ?? null,
    height: ref.height ?? null,
  };
}

/** The description sealed into the body for a file this clinician attached (its preview: attachment-previews.ts). */
export function attachmentRefOf(record: AttachmentRecord): AttachmentRef {
  return {
    blobId: record.id,
    fileName: record.fileName,
    mediaType: record.mediaType,
    size: record.size,
    sha256: Buffer.from(record.sha256).toString('base64'),
    key: Buffer.from(record.key).toString('base64'),
    ...(record.width === null ? {} : { width: record.width }),
    ...(record.height === null ? {} : { height: record.height }),
  };
}
