/**
 * Attachments between the renderer and main. A file the clinician picks is handed to main in
 * chunks as a draft (`begin`, `chunk`, `finish`); main checks it against machine policy, decodes
 * and re-encodes images without their metadata, encrypts it and uploads only ciphertext. A send
 * names its drafts. Received attachments are downloaded and decrypted by main into the vault;
 * the renderer gets bytes only by `open`, which records `attachment.opened`.
 *
 * Bytes cross as base64 (the browser host's transport is JSON); a chunk is bounded so one request
 * stays small. This module does not import contract.ts, which imports it.
 */
import { z } from 'zod';
import { ATTACHMENT_MAX_BYTES, attachmentFileName, MAX_ATTACHMENTS, SEALED_MEDIA_TYPES } from '../protocol/attachment';
import { boundedBytes } from '../protocol/binary';
import { messageId, uuid } from '../protocol/identifiers';
import type { ChannelSpec } from './channel-spec';

/** Plaintext bytes per `attachment.chunk` request. */
export const ATTACHMENT_IPC_CHUNK_BYTES = 512 * 1024;
/** A chunk request: its base64 data and a little JSON around it. */
const CHUNK_REQUEST_BYTES = Math.ceil(ATTACHMENT_IPC_CHUNK_BYTES / 3) * 4 + 1024;

export const draftId = uuid;

/** A thumbnail main made: a small JPEG, as base64. */
const thumbnail = boundedBytes(1, 256 * 1024);

export const attachmentDraftSchema = z.strictObject({
  draftId,
  fileName: attachmentFileName,
  mediaType: z.enum(SEALED_MEDIA_TYPES),
  size: z.number().int().min(1).max(ATTACHMENT_MAX_BYTES),
  thumbnail: thumbnail.nullable(),
});
export type AttachmentDraft = z.infer<typeof attachmentDraftSchema>;

/**
 * An attachment as a thread shows it. `ready`: held in the vault; `fetching`: main is downloading
 * it; `failed`: it could not be fetched or did not match its hash (typed in `problem`); `removed`:
 * recalled or expired with its message.
 */
export const attachmentViewSchema = z.strictObject({
  id: uuid,
  fileName: attachmentFileName,
  mediaType: z.enum(SEALED_MEDIA_TYPES),
  size: z.number().int().min(1).max(ATTACHMENT_MAX_BYTES),
  state: z.enum(['ready', 'fetching', 'failed', 'removed']),
  problem: z.enum(['unreachable', 'damaged', 'gone']).nullable(),
  thumbnail: thumbnail.nullable(),
});
export type AttachmentView = z.infer<typeof attachmentViewSchema>;

export const sendAttachments = z
  .array(draftId)
  .min(1)
  .max(MAX_ATTACHMENTS)
  .refine((list) => new Set(list).size === list.length, { message: 'duplicate draft' })
  .optional();

export const attachmentChannels = {
  /**
   * A file the clinician picked: its name, what the renderer thinks it is, and its size. Refused
   * at once if policy forbids its type or size, before a byte is sent.
   */
  'attachment.begin': {
    request: z.strictObject({
      fileName: attachmentFileName,
      mediaType: z.string().max(100),
      size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    }),
    response: z.strictObject({ draftId }),
    permission: 'messages.use',
  },
  /** The next bytes of a draft, in order: `offset` is how many came before. */
  'attachment.chunk': {
    request: z.strictObject({
      draftId,
      offset: z.number().int().min(0).max(ATTACHMENT_MAX_BYTES),
      data: boundedBytes(1, ATTACHMENT_IPC_CHUNK_BYTES),
    }),
    response: z.strictObject({}),
    permission: 'messages.use',
    maxRequestBytes: CHUNK_REQUEST_BYTES,
  },
  /** All bytes sent: main checks, re-encodes, encrypts and uploads it; a send may now name it. */
  'attachment.finish': {
    request: z.strictObject({ draftId }),
    response: attachmentDraftSchema,
    permission: 'messages.use',
  },
  /** The clinician removed it from the message: main forgets it (the server drops the blob later). */
  'attachment.discard': {
    request: z.strictObject({ draftId }),
    response: z.strictObject({}),
    permission: 'messages.use',
  },
  /** Its bytes, to show in Wardline's viewer; recorded as `attachment.opened`. */
  'attachment.open': {
    request: z.strictObject({ messageId, attachmentId: uuid }),
    response: z.strictObject({
      mediaType: z.enum(SEALED_MEDIA_TYPES),
      fileName: attachmentFileName,
      data: z.string().max(Math.ceil(ATTACHMENT_MAX_BYTES / 3) * 4),
    }),
    permission: 'messages.use',
  },
  /** Saved to the workstation's downloads folder, when machine policy allows; recorded as `attachment.saved`. */
  'attachment.save': {
    request: z.strictObject({ messageId, attachmentId: uuid }),
    response: z.strictObject({ fileName: z.string().max(300) }),
    permission: 'messages.use',
  },
  /** Fetch again one that failed (the server was unreachable, say). */
  'attachment.retry': {
    request: z.strictObject({ messageId, attachmentId: uuid }),
    response: z.strictObject({}),
    permission: 'messages.use',
  },
} as const satisfies Record<`${string}.${string}`, ChannelSpec>;
