/**
 * An attachment as the sealed body describes it: where its ciphertext is (a server blob id), the
 * key that opens it, and what it is. Only the sealed body carries this, so the server holds the
 * blob's bytes and size and nothing else. The blob is a libsodium secretstream: its 24-byte
 * header first, then chunks of ATTACHMENT_CHUNK_BYTES plaintext each (the last tagged final).
 */
import { z } from 'zod';
import { boundedBytes, fixedBytes } from './binary';
import { uuid } from './identifiers';

/** The kinds a workstation accepts, and the media type each is sealed as. */
export const ATTACHMENT_KINDS = ['jpeg', 'png', 'heic', 'pdf'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export const ATTACHMENT_MEDIA_TYPES = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  heic: 'image/heic',
  pdf: 'application/pdf',
} as const satisfies Record<AttachmentKind, string>;

/** What a sealed attachment may be: images are re-encoded before sealing, so never HEIC. */
export const SEALED_MEDIA_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type SealedMediaType = (typeof SEALED_MEDIA_TYPES)[number];

/** Attachments one message may carry. */
export const MAX_ATTACHMENTS = 10;
/** The hard ceiling on one file, whatever policy says (policy may set less). */
export const ATTACHMENT_MAX_BYTES = 100 * 1024 * 1024;
/** Plaintext bytes per secretstream chunk. */
export const ATTACHMENT_CHUNK_BYTES = 64 * 1024;
/** The largest preview one attachment's description may carry (a 320-pixel JPEG is about 15 KB). */
export const ATTACHMENT_PREVIEW_MAX_BYTES = 24 * 1024;
/** A file name as the sender's file had it, shown to the readers; never a path. */
export const ATTACHMENT_NAME_MAX = 120;

export const attachmentFileName = z
  .string()
  .trim()
  .min(1)
  .max(ATTACHMENT_NAME_MAX)
  // No path, no control characters, no bidi overrides that would disguise an extension.
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .regex(/^[^/\\\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]+$/);

export const attachmentRef = z.strictObject({
  blobId: uuid,
  fileName: attachmentFileName,
  mediaType: z.enum(SEALED_MEDIA_TYPES),
  /** Plaintext bytes. */
  size: z.number().int().min(1).max(ATTACHMENT_MAX_BYTES),
  /** SHA-256 of the plaintext: checked after decryption, so a swapped blob cannot pass. */
  sha256: fixedBytes(32),
  /** The secretstream key, random per file. */
  key: fixedBytes(32),
  /** Images only: pixel size after re-encoding. */
  width: z.number().int().min(1).max(100_000).optional(),
  height: z.number().int().min(1).max(100_000).optional(),
  /**
   * Images only, when the body had room: the sender's thumbnail (a JPEG no larger than 320×320),
   * so the reader's thread shows the photo as soon as the message arrives. The sender's claim,
   * like the file name: each reader re-encodes it before showing it (main/attachments/).
   */
  preview: boundedBytes(1, ATTACHMENT_PREVIEW_MAX_BYTES).optional(),
});
export type AttachmentRef = z.infer<typeof attachmentRef>;

export const attachmentRefs = z
  .array(attachmentRef)
  .min(1)
  .max(MAX_ATTACHMENTS)
  .refine((list) => new Set(list.map((a) => a.blobId)).size === list.length, { message: 'duplicate blob' });
