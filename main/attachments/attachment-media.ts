/**
 * What main does to a file before it is sealed, in one place: its kind read from the bytes
 * (file-kind.ts); a photo re-encoded upright without metadata, with a thumbnail
 * (image-sanitizer.ts); a PDF checked for shape only (pdf-check.ts), its content left to the
 * renderer's sandboxed viewer. A sender's preview of a received photo re-encoded as its thumbnail.
 */
import type { AttachmentMedia } from './attachment-service';
import { sniffKind } from './file-kind';
import { makeThumbnail, previewThumbnail, sanitizeImage } from './image-sanitizer';
import { checkPdf } from './pdf-check';

export const attachmentMedia: AttachmentMedia = {
  sniff: sniffKind,
  async prepare(bytes, kind) {
    if (kind === 'pdf')
      return checkPdf(bytes) === 'ok'
        ? { bytes: bytes.slice(), mediaType: 'application/pdf', width: null, height: null, thumbnail: null }
        : 'unreadable';
    const image = await sanitizeImage(bytes, kind);
    if (image === 'unreadable') return image;
    return { ...image, thumbnail: await makeThumbnail(image.bytes) };
  },
  thumbnail: makeThumbnail,
  previewThumbnail,
};
