/**
 * Previews (main/attachments/attachment-previews.ts): the sender seals its thumbnails into the
 * body only while the body stays within an envelope's bound, never one above the preview bound
 * or for a PDF; the reader re-encodes each preview (image-sanitizer.ts's previewThumbnail), so a
 * preview with metadata loses it, and one that is not a small JPEG (a PNG, a header claiming a
 * huge image, noise) gives no thumbnail at all, leaving the reader to make its own from the file.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readerThumbnails, withPreviews } from '../../../main/attachments/attachment-previews';
import { attachmentRefOf } from '../../../main/attachments/attachment-record';
import { previewThumbnail } from '../../../main/attachments/image-sanitizer';
import { ATTACHMENT_PREVIEW_MAX_BYTES } from '../../../shared/protocol/attachment';
import { MAX_CIPHERTEXT_BYTES, MAX_TEXT_CHARS, messageBody, type MessageBody } from '../../../shared/protocol/envelope';
import type { AttachmentRecord } from '../../../main/store/ops/attachment-ops';
import { imageMetadataMarkers, jpegWithGps, pngWithText } from '../../support/attachment-fixtures';
import { attachmentRecord } from '../../support/vault-records';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const sent = (n: number, thumbnail: Uint8Array | null, mediaType: AttachmentRecord['mediaType'] = 'image/jpeg') =>
  ({ ...attachmentRecord(id(n), { file: 'f'.repeat(32), thumbnail }), mediaType }) as AttachmentRecord;

const bodyOf = (text: string, records: readonly AttachmentRecord[]): MessageBody => ({
  kind: 'text',
  text,
  attachments: records.map(attachmentRefOf),
  conversation: { kind: 'direct', title: null, participants: ['nurse.adams'], roleAddress: null },
});

const sealedSize = (body: MessageBody) => Buffer.byteLength(JSON.stringify(body), 'utf8') + 16;

describe('previews the sender seals', () => {
  it('carries each thumbnail within the bound, none for a PDF or one above the bound', () => {
    const small = new Uint8Array(1000).fill(1);
    const large = new Uint8Array(ATTACHMENT_PREVIEW_MAX_BYTES + 1).fill(2);
    const body = withPreviews(bodyOf('', [sent(1, small), sent(2, large), sent(3, null, 'application/pdf')]), [
      sent(1, small),
      sent(2, large),
      sent(3, null, 'application/pdf'),
    ]);
    const previews = body.attachments?.map((ref) => ref.preview);
    expect(previews).toEqual([Buffer.from(small).toString('base64'), undefined, undefined]);
    expect(messageBody.safeParse(body).success).toBe(true);
  });

  it('adds previews only while the sealed body stays within an envelope, the longest text included', () => {
    const records = Array.from({ length: 10 }, (_, i) =>
      sent(i + 1, new Uint8Array(ATTACHMENT_PREVIEW_MAX_BYTES).fill(i)),
    );
    // The longest text a message may have, in characters UTF-8 writes with three bytes.
    const body = withPreviews(bodyOf('→'.repeat(MAX_TEXT_CHARS), records), records);
    const carried = body.attachments?.filter((ref) => ref.preview !== undefined).length ?? 0;
    expect(carried).toBeGreaterThan(0);
    expect(carried).toBeLessThan(10);
    expect(sealedSize(body)).toBeLessThanOrEqual(MAX_CIPHERTEXT_BYTES);
    // In order: the first attachments get theirs.
    expect(body.attachments?.slice(0, carried).every((ref) => ref.preview !== undefined)).toBe(true);
    expect(messageBody.safeParse(body).success).toBe(true);
  });

  it('leaves a body without attachments as it is', () => {
    const body: MessageBody = { ...bodyOf('Bed 4 is ready', []), attachments: undefined };
    expect(withPreviews(body, [])).toBe(body);
  });
});

describe('previews a reader receives', () => {
  const refOf = (n: number, preview: Uint8Array, mediaType: AttachmentRecord['mediaType'] = 'image/jpeg') => ({
    ...attachmentRefOf(sent(n, null, mediaType)),
    preview: Buffer.from(preview).toString('base64'),
  });

  it('re-encodes a JPEG preview without its metadata', async () => {
    const photo = await jpegWithGps(300, 200);
    expect(imageMetadataMarkers(photo.bytes).length).toBeGreaterThan(0);
    const made = await readerThumbnails([refOf(1, photo.bytes)], previewThumbnail);
    const thumbnail = made.get(id(1));
    expect(thumbnail).toBeDefined();
    expect(imageMetadataMarkers(thumbnail ?? new Uint8Array())).toEqual([]);
    const meta = await sharp(thumbnail).metadata();
    expect([meta.format, meta.exif]).toEqual(['jpeg', undefined]);
  });

  it('makes none from a PNG, a JPEG larger than a thumbnail, noise, or a PDF’s preview', async () => {
    const png = await pngWithText(200, 100);
    const big = new Uint8Array(
      await sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#777' } })
        .jpeg()
        .toBuffer(),
    );
    const noise = new Uint8Array(4000).map((_, i) => (i * 13) % 256);
    const small = (await jpegWithGps(100, 80)).bytes;
    const made = await readerThumbnails(
      [refOf(1, png), refOf(2, big), refOf(3, noise), refOf(4, small, 'application/pdf')],
      previewThumbnail,
    );
    expect([...made.keys()]).toEqual([]);
  });
});
