import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeThumbnail, sanitizeImage, type SanitizedImage } from '../../../main/attachments/image-sanitizer';
import {
  PHOTO_EXIF,
  PNG_TEXT,
  imageMetadataMarkers,
  jpegWithGps,
  malformedImages,
  pngWithText,
} from '../../support/attachment-fixtures';
import { brokenHeics, HEIC_PHOTO, heicGrid, heicPhoto } from '../../support/heic-fixtures';

function sanitized(result: SanitizedImage | 'unreadable'): SanitizedImage {
  if (result === 'unreadable') throw new Error('unreadable');
  return result;
}

const contains = (bytes: Uint8Array, text: string) => Buffer.from(bytes).includes(Buffer.from(text, 'latin1'));

/** The colour at (x, y), as [r, g, b]. */
async function pixel(bytes: Uint8Array, x: number, y: number): Promise<number[]> {
  const { data } = await sharp(bytes)
    .extract({ left: x, top: y, width: 1, height: 1 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return [...data.subarray(0, 3)];
}
const isRed = ([r, g, b]: number[]) => r! > 180 && g! < 80 && b! < 80;

describe('a photo re-encoded without its metadata', () => {
  it('keeps no EXIF, GPS, XMP, IPTC or ICC: by the decoder and by the bytes', async () => {
    const photo = await jpegWithGps();
    // The fixture really carries what must go.
    expect(contains(photo.bytes, 'Exif\0\0')).toBe(true);
    expect(contains(photo.bytes, PHOTO_EXIF.serial)).toBe(true);
    expect(contains(photo.bytes, PHOTO_EXIF.xmpLocation)).toBe(true);
    expect(imageMetadataMarkers(photo.bytes)).toContain('APP1');

    const out = sanitized(await sanitizeImage(photo.bytes, 'jpeg'));
    expect(out.mediaType).toBe('image/jpeg');
    const meta = await sharp(out.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect([meta.exif, meta.xmp, meta.iptc, meta.icc, meta.orientation]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(imageMetadataMarkers(out.bytes)).toEqual([]);
    for (const trace of [
      'Exif\0\0',
      'GPS',
      PHOTO_EXIF.serial,
      PHOTO_EXIF.make,
      PHOTO_EXIF.model,
      PHOTO_EXIF.xmpLocation,
      'ns.adobe.com',
      'Photoshop 3.0',
    ])
      expect(contains(out.bytes, trace), trace).toBe(false);
  });

  it('turns the photo upright from its EXIF orientation before dropping it', async () => {
    const photo = await jpegWithGps(600, 400);
    const out = sanitized(await sanitizeImage(photo.bytes, 'jpeg'));
    // Orientation 6: shown a quarter turn clockwise, so the stored 600×400 is 400×600 upright,
    // and the red block stored top left is now top right.
    expect([out.width, out.height]).toEqual([400, 600]);
    const meta = await sharp(out.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([400, 600]);
    expect(isRed(await pixel(out.bytes, 390, 10))).toBe(true);
    expect(isRed(await pixel(out.bytes, 10, 10))).toBe(false);
  });

  it('keeps a PNG a PNG, pixel for pixel, without its text, EXIF or time chunks', async () => {
    const png = await pngWithText();
    expect(imageMetadataMarkers(png)).toEqual(expect.arrayContaining(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']));

    const out = sanitized(await sanitizeImage(png, 'png'));
    expect(out.mediaType).toBe('image/png');
    expect(imageMetadataMarkers(out.bytes)).toEqual([]);
    expect(contains(out.bytes, PNG_TEXT.comment)).toBe(false);
    expect(contains(out.bytes, PNG_TEXT.software)).toBe(false);
    const before = await sharp(png).raw().toBuffer();
    const after = await sharp(out.bytes).raw().toBuffer();
    expect(after.equals(before)).toBe(true);
  });

  it('is unreadable when the bytes are not the kind the sniffer said', async () => {
    expect(await sanitizeImage(await pngWithText(), 'jpeg')).toBe('unreadable');
    expect(await sanitizeImage((await jpegWithGps()).bytes, 'png')).toBe('unreadable');
  });
});

describe('a HEIC photo', { timeout: 60_000 }, () => {
  it('becomes an upright JPEG with none of its EXIF, GPS or XMP', async () => {
    const photo = heicPhoto();
    // The fixture really carries what must go.
    for (const trace of HEIC_PHOTO.traces) expect(contains(photo, trace), trace).toBe(true);

    const out = sanitized(await sanitizeImage(photo, 'heic'));
    expect(out.mediaType).toBe('image/jpeg');
    const meta = await sharp(out.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect([meta.exif, meta.xmp, meta.iptc, meta.icc, meta.orientation]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(imageMetadataMarkers(out.bytes)).toEqual([]);
    for (const trace of [...HEIC_PHOTO.traces, 'GPS']) expect(contains(out.bytes, trace), trace).toBe(false);
    // Stored 480×320 with HEIF's quarter turn clockwise: upright it is 320×480, red block top right.
    expect([out.width, out.height]).toEqual([HEIC_PHOTO.width, HEIC_PHOTO.height]);
    expect([meta.width, meta.height]).toEqual([HEIC_PHOTO.width, HEIC_PHOTO.height]);
    expect(isRed(await pixel(out.bytes, HEIC_PHOTO.width - 10, 10))).toBe(true);
    expect(isRed(await pixel(out.bytes, 10, 10))).toBe(false);
    // Its thumbnail is made from the JPEG like any other.
    const thumbnail = await makeThumbnail(out.bytes);
    expect(thumbnail === null ? null : (await sharp(thumbnail).metadata()).height).toBe(320);
  });

  it('is unreadable when broken, when it claims more than 50 megapixels, or when it is not HEIC', async () => {
    const cases: [string, Uint8Array][] = [
      ...(Object.entries(brokenHeics()) as [string, Uint8Array][]),
      ['14400×9600 grid', heicGrid(30, 30)],
      ['a JPEG called HEIC', (await jpegWithGps()).bytes],
    ];
    for (const [name, bytes] of cases) expect(await sanitizeImage(bytes, 'heic'), name).toBe('unreadable');
  });
});

describe('a hostile or broken image', () => {
  it('is unreadable, quickly and without throwing', async () => {
    const bad = await malformedImages();
    const cases: [string, Uint8Array, 'jpeg' | 'png'][] = [
      ['truncated JPEG', bad.truncatedJpeg, 'jpeg'],
      ['noise with a JPEG magic', bad.noiseWithJpegMagic, 'jpeg'],
      ['PNG claiming 100000×100000', bad.hugePng, 'png'],
      ['PNG with corrupt image data', bad.corruptPng, 'png'],
      ['nothing', new Uint8Array(), 'jpeg'],
    ];
    for (const [name, bytes, kind] of cases) {
      const started = performance.now();
      expect(await sanitizeImage(bytes, kind), name).toBe('unreadable');
      expect(performance.now() - started, name).toBeLessThan(2000);
      expect(await makeThumbnail(bytes), name).toBeNull();
    }
  });
});

describe('a thumbnail', () => {
  it('is a JPEG within 320×320, small, with no metadata, upright', async () => {
    const photo = await jpegWithGps(1600, 1200);
    const thumbnail = await makeThumbnail(photo.bytes);
    expect(thumbnail).not.toBeNull();
    const meta = await sharp(thumbnail!).metadata();
    expect(meta.format).toBe('jpeg');
    expect([meta.width, meta.height]).toEqual([240, 320]);
    expect(thumbnail!.length).toBeLessThan(64 * 1024);
    expect(imageMetadataMarkers(thumbnail!)).toEqual([]);
  });

  it('stays under the contract’s 256 KiB even for the least compressible picture', async () => {
    const noisy = await sharp({
      create: {
        width: 1000,
        height: 1000,
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 120 },
      },
    })
      .png()
      .toBuffer();
    const thumbnail = await makeThumbnail(noisy);
    expect(thumbnail).not.toBeNull();
    expect(thumbnail!.length).toBeLessThanOrEqual(256 * 1024);
  });

  it('never enlarges a small image, and puts a transparent PNG on white', async () => {
    const clear = await sharp({
      create: { width: 40, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const thumbnail = await makeThumbnail(clear);
    const meta = await sharp(thumbnail!).metadata();
    expect([meta.width, meta.height]).toEqual([40, 20]);
    expect((await pixel(thumbnail!, 5, 5)).every((channel) => channel > 240)).toBe(true);
  });
});
