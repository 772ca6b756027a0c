/**
 * HEIC decoding in a worker (main/attachments/heic-decoder.ts), with the real decoder: a photo
 * comes back as upright RGBA; a size beyond the bounds is refused from the header, before a
 * pixel is decoded; a broken file is an error code, never a throw; decodes run one at a time.
 */
import { describe, expect, it, vi } from 'vitest';
import { decodeHeic, type HeicLimits } from '../../../main/attachments/heic-decoder';
import { workerCounts } from '../../../shared/node/workers/spawn-worker';
import { brokenHeics, HEIC_PHOTO, heicGrid, heicPhoto } from '../../support/heic-fixtures';

const LIMITS: HeicLimits = { maxPixels: 50_000_000, maxSide: 65_535, timeoutMs: 30_000 };

/** The colour at (x, y) of RGBA pixels `width` wide. */
const rgbAt = (rgba: Uint8Array, width: number, x: number, y: number) => [
  ...rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 3),
];
const isRed = ([r, g, b]: number[]) => r! > 180 && g! < 80 && b! < 80;

describe('a HEIC photo decoded in a worker', { timeout: 60_000 }, () => {
  it('comes back as RGBA, turned upright by the file’s rotation', async () => {
    const decoded = await decodeHeic(heicPhoto(), LIMITS);
    if (!decoded.ok) throw new Error(decoded.error);
    const { width, height, rgba } = decoded.value;
    // Stored 480×320 with a quarter turn clockwise: 320×480, the red block stored top left now top right.
    expect([width, height]).toEqual([HEIC_PHOTO.width, HEIC_PHOTO.height]);
    expect(rgba.length).toBe(width * height * 4);
    expect(isRed(rgbAt(rgba, width, width - 10, 10))).toBe(true);
    expect(isRed(rgbAt(rgba, width, 10, 10))).toBe(false);
    expect(isRed(rgbAt(rgba, width, width - 10, height - 10))).toBe(false);
  });

  it('leaves the caller’s bytes as they were', async () => {
    const photo = heicPhoto();
    const before = Buffer.from(photo);
    expect((await decodeHeic(photo, LIMITS)).ok).toBe(true);
    expect(Buffer.from(photo).equals(before)).toBe(true);
  });

  it('refuses a size beyond the bounds from the header, before decoding a pixel', async () => {
    // 30×30 tiles: 14400×9600, 138 megapixels, in a file of 43 KB; decoding it would take many seconds.
    const claimsTooMuch = heicGrid(30, 30);
    expect(claimsTooMuch.length).toBeLessThan(64 * 1024);
    // With 8 s allowed, a decode of 138 megapixels (47 took 4 s at best) would time out or run out
    // of memory: TOO_LARGE means the header alone refused it (no clock is read here, so a loaded
    // machine cannot make this flaky).
    expect(await decodeHeic(claimsTooMuch, { ...LIMITS, timeoutMs: 8_000 })).toEqual({
      ok: false,
      error: 'HEIC_TOO_LARGE',
    });
    // The bound is on the size as shown: 320×480 is 153 600 pixels, its longer side 480.
    expect(await decodeHeic(heicPhoto(), { ...LIMITS, maxPixels: 150_000 })).toEqual({
      ok: false,
      error: 'HEIC_TOO_LARGE',
    });
    expect(await decodeHeic(heicPhoto(), { ...LIMITS, maxSide: 479 })).toEqual({ ok: false, error: 'HEIC_TOO_LARGE' });
    expect((await decodeHeic(heicPhoto(), { ...LIMITS, maxSide: 480, maxPixels: 153_600 })).ok).toBe(true);
  });

  it('is unreadable when cut, empty of its picture, noise, or not HEIC at all, and says nothing on stdout', async () => {
    const written = vi.spyOn(process.stdout, 'write');
    try {
      const cases: [string, Uint8Array][] = [
        ...(Object.entries(brokenHeics()) as [string, Uint8Array][]),
        ['a JPEG', new Uint8Array(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0]))],
        ['nothing', new Uint8Array()],
      ];
      for (const [name, bytes] of cases)
        expect(await decodeHeic(bytes, LIMITS), name).toEqual({ ok: false, error: 'HEIC_UNREADABLE' });
      // libheif-js logs what it could not parse; the worker keeps that out of main's output.
      const output = written.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(output).not.toMatch(/HEIF|iloc|Decoding image failed/);
    } finally {
      written.mockRestore();
    }
  });

  it('decodes one file at a time, each worker gone before the next starts', async () => {
    const before = workerCounts();
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, workerCounts().live - before.live)), 2);
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => decodeHeic(heicPhoto(), LIMITS)));
      expect(results.every((result) => result.ok)).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    expect(most).toBe(1);
    expect(workerCounts().spawned - before.spawned).toBe(4);
    expect(workerCounts().live).toBe(before.live);
  });
});
