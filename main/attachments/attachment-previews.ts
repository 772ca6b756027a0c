/**
 * The sender's thumbnails sealed into the message body as previews. A reader's thread then shows
 * each photo the moment its message arrives, before its file is fetched, and the reader does not
 * decode a 10 MB photo to show 320 pixels of it: that decode was about 90 ms of the reader's path
 * in bench/attachment-round-trip, more than decrypting the file.
 *
 * Only while the body stays within what an envelope may carry (MAX_CIPHERTEXT_BYTES): previews
 * are added in order while they fit, and a reader given none makes its own thumbnail from the
 * file, as before previews existed. A preview is the sender's claim, like the file name: the
 * reader re-encodes it (`readerThumbnail`) so only pixels within bounds reach the screen, and
 * what opens is always the file itself, sealed and checked.
 */
import { ATTACHMENT_PREVIEW_MAX_BYTES, type AttachmentRef } from '../../shared/protocol/attachment';
import { MAX_CIPHERTEXT_BYTES, type MessageBody } from '../../shared/protocol/envelope';
import type { AttachmentRecord } from '../store/ops/attachment-ops';

/** The AEAD's tag, and room for JSON's quotes and key around each preview. */
const TAG_BYTES = 16;
const FIELD_BYTES = 16;

const bodyBytes = (body: MessageBody) => Buffer.byteLength(JSON.stringify(body), 'utf8');

/** `body` with the sender's thumbnails of `records` as previews, as many as fit. */
export function withPreviews(body: MessageBody, records: readonly AttachmentRecord[]): MessageBody {
  const refs = body.attachments;
  if (refs === undefined) return body;
  let room = MAX_CIPHERTEXT_BYTES - TAG_BYTES - bodyBytes(body);
  const withPreview = refs.map((ref): AttachmentRef => {
    const thumbnail = records.find((record) => record.id === ref.blobId)?.content?.thumbnail ?? null;
    if (thumbnail === null || thumbnail.length > ATTACHMENT_PREVIEW_MAX_BYTES) return ref;
    const preview = Buffer.from(thumbnail).toString('base64');
    if (preview.length + FIELD_BYTES > room) return ref;
    room -= preview.length + FIELD_BYTES;
    return { ...ref, preview };
  });
  return { ...body, attachments: withPreview };
}

/** The previews of a received body's images, by blob id, each as `reencode` makes it (null: none). */
export async function readerThumbnails(
  refs: readonly AttachmentRef[],
  reencode: (bytes: Uint8Array) => Promise<Uint8Array | null>,
): Promise<Map<string, Uint8Array>> {
  const made = new Map<string, Uint8Array>();
  for (const ref of refs) {
    if (ref.preview === undefined || ref.mediaType === 'application/pdf') continue;
    const thumbnail = await reencode(new Uint8Array(Buffer.from(ref.preview, 'base64'))).catch(() => null);
    if (thumbnail !== null) made.set(ref.blobId, thumbnail);
  }
  return made;
}
