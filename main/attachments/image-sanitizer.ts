/**
 * Where a photo loses everything but its pixels before it is sealed. A phone's JPEG carries EXIF
 * (GPS position, device serial, time), XMP and IPTC, any of which can say where a patient was
 * or whose phone took the picture; a PNG can carry text chunks with anything in them. Each image
 * is decoded with libvips (sharp) and encoded afresh: turned upright from its EXIF orientation,
 * converted to sRGB through its ICC profile, and written with no metadata at all (sharp's
 * default, which also drops the ICC profile once the pixels are sRGB). A JPEG stays JPEG; a PNG
 * stays PNG, lossless, so screenshots and ECG strips stay sharp.
 *
 * Hostile files: the header's dimensions are checked before any pixel is decoded (and libvips
 * refuses past the same bound), so a small file claiming a huge image cannot fill memory; an
 * image that is truncated or fails to decode is 'unreadable', never a throw; a decode that runs
 * too long is abandoned. sharp runs in libuv's thread pool, off the main thread.
 *
 * A HEIC photo becomes a JPEG: sharp's prebuilt libvips has no HEVC decoder, so its pixels are
 * decoded in a worker thread (heic-decoder.ts), turned upright by the file's own rotation and
 * mirroring (HEIF's irot and imir; its EXIF orientation is only a note of them), then encoded
 * here as a JPEG is. Only the pixels cross, so no EXIF, XMP or colour profile can follow. An ICC
 * profile in the file is not applied either (the decoder does not expose it): a Display P3 photo
 * comes out slightly less saturated than the phone showed it, never with other content.
 */
import sharp from 'sharp';
import type { AttachmentKind } from '../../shared/protocol/attachment';
import { decodeHeic, type HeicLimits } from './heic-decoder';

/** 50 megapixels: above any phone camera's photo, far below what would exhaust memory decoding. */
const MAX_PIXELS = 50_000_000;
/** The longest side a JPEG can have; PNG is held to the same. */
const MAX_SIDE = 65_535;
/** A decode that takes longer than this is a hostile file, not a photo. */
const TIMEOUT_SECONDS = 30;
const JPEG_QUALITY = 88;
/** Thumbnails: what a thread shows in its list, small enough to keep beside the message. */
const THUMBNAIL_SIDE = 320;
const THUMBNAIL_QUALITY = 70;
/** The contract's bound on a thumbnail (attachment-channels.ts). */
const THUMBNAIL_MAX_BYTES = 256 * 1024;
/** A HEIC photo is held to the same bounds, checked in its header before decoding. */
const HEIC_LIMITS: HeicLimits = { maxPixels: MAX_PIXELS, maxSide: MAX_SIDE, timeoutMs: TIMEOUT_SECONDS * 1000 };

export type ImageKind = Exclude<AttachmentKind, 'pdf'>;

export interface SanitizedImage {
  readonly bytes: Uint8Array;
  readonly mediaType: 'image/jpeg' | 'image/png';
  readonly width: number;
  readonly height: number;
}

// libvips keeps recent operations' pixels in a cache for reuse; Wardline never processes the same
// image twice, and decoded photos of patients should not linger in memory after the draft is gone.
sharp.cache(false);

const decoder = (bytes: Uint8Array) =>
  // `failOn: 'error'` refuses truncated and corrupt data but not the harmless warnings many
  // cameras' JPEGs raise (extraneous bytes before a marker).
  sharp(bytes, { failOn: 'error', limitInputPixels: MAX_PIXELS }).timeout({ seconds: TIMEOUT_SECONDS });

/** The header's claim, read without decoding pixels: within bounds, and the format sniffed. */
async function headerFits(bytes: Uint8Array, kind: 'jpeg' | 'png'): Promise<boolean> {
  const { format, width, height } = await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata();
  return (
    format === kind &&
    width >= 1 &&
    height >= 1 &&
    width <= MAX_SIDE &&
    height <= MAX_SIDE &&
    width * height <= MAX_PIXELS
  );
}

/** The image re-encoded upright with no metadata (a HEIC photo as JPEG), or 'unreadable' for anything else. */
export async function sanitizeImage(bytes: Uint8Array, kind: ImageKind): Promise<SanitizedImage | 'unreadable'> {
  if (kind === 'heic') return sanitizeHeic(bytes);
  try {
    if (!(await headerFits(bytes, kind))) return 'unreadable';
    // `rotate()` with no angle applies the EXIF orientation; no keep/with-metadata call, so
    // nothing from the input's EXIF, XMP, IPTC or ICC is written.
    const upright = decoder(bytes).rotate();
    const encoded =
      kind === 'jpeg' ? upright.jpeg({ quality: JPEG_QUALITY, mozjpeg: false }) : upright.png({ compressionLevel: 6 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return {
      bytes: data,
      mediaType: kind === 'jpeg' ? 'image/jpeg' : 'image/png',
      width: info.width,
      height: info.height,
    };
  } catch {
    return 'unreadable';
  }
}

async function sanitizeHeic(bytes: Uint8Array): Promise<SanitizedImage | 'unreadable'> {
  const decoded = await decodeHeic(bytes, HEIC_LIMITS);
  if (!decoded.ok) return 'unreadable';
  const { width, height, rgba } = decoded.value;
  try {
    const { data, info } = await sharp(rgba, { raw: { width, height, channels: 4 }, limitInputPixels: MAX_PIXELS })
      .timeout({ seconds: TIMEOUT_SECONDS })
      // A photo with an alpha plane on white, as a page shows it, rather than JPEG's black.
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: JPEG_QUALITY, mozjpeg: false })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, mediaType: 'image/jpeg', width: info.width, height: info.height };
  } catch {
    return 'unreadable';
  } finally {
    rgba.fill(0);
  }
}

/**
 * A sender's preview (attachment-previews.ts) re-encoded as this workstation's thumbnail, or null
 * when it is not a JPEG within the thumbnail's size: a small file claiming a large image is
 * refused from its header, before a pixel is decoded.
 */
export async function previewThumbnail(bytes: Uint8Array): Promise<Uint8Array | null> {
  try {
    const { format, width, height } = await sharp(bytes, {
      limitInputPixels: THUMBNAIL_SIDE * THUMBNAIL_SIDE,
    }).metadata();
    if (format !== 'jpeg' || !(width >= 1 && height >= 1 && width <= THUMBNAIL_SIDE && height <= THUMBNAIL_SIDE))
      return null;
  } catch {
    return null;
  }
  return makeThumbnail(bytes);
}

/**
 * A JPEG no larger than 320×320 for the thread to show, from an image already sanitized (it is
 * still turned upright and stripped, in case it was not), or null if none can be made. JPEG's
 * shrink-on-load decodes a large photo at a fraction of its size, so this is quick.
 */
export async function makeThumbnail(bytes: Uint8Array): Promise<Uint8Array | null> {
  try {
    const data = await decoder(bytes)
      .rotate()
      .resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: 'inside', withoutEnlargement: true })
      // A transparent PNG on white, as a page shows it, rather than JPEG's black.
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: THUMBNAIL_QUALITY, mozjpeg: false })
      .toBuffer();
    return data.length <= THUMBNAIL_MAX_BYTES ? data : null;
  } catch {
    return null;
  }
}
