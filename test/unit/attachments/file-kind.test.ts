import { describe, expect, it } from 'vitest';
import { sniffKind } from '../../../main/attachments/file-kind';
import { hostilePdf, jpegWithGps, pngWithText } from '../../support/attachment-fixtures';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(
    Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part)))),
  );

/** An ISO-BMFF `ftyp` box with these brands. */
function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], compatible.join(''), [0, 0, 0, 8], 'meta');
}

describe('the kind of a file, read from its bytes', () => {
  it('knows JPEG, PNG and PDF by their magic, whatever the rest', async () => {
    expect(sniffKind((await jpegWithGps()).bytes)).toBe('jpeg');
    expect(sniffKind(await pngWithText())).toBe('png');
    expect(sniffKind(hostilePdf())).toBe('pdf');
  });

  it('finds a PDF header a writer put after some bytes, within the first kilobyte only', () => {
    expect(sniffKind(bytes('\r\n\r\n junk from a mail gateway', '%PDF-1.4\n'))).toBe('pdf');
    expect(sniffKind(bytes(' '.repeat(1100), '%PDF-1.4\n'))).toBeNull();
  });

  it('knows HEIC by its ftyp brand, and HEIF only when a compatible brand says HEVC', () => {
    expect(sniffKind(ftyp('heic', 'mif1', 'heic'))).toBe('heic');
    expect(sniffKind(ftyp('heix', 'mif1'))).toBe('heic');
    expect(sniffKind(ftyp('mif1', 'mif1', 'heic'))).toBe('heic');
    expect(sniffKind(ftyp('mif1', 'mif1', 'avif'))).toBeNull();
    expect(sniffKind(ftyp('avif', 'mif1', 'avif'))).toBeNull();
    expect(sniffKind(ftyp('isom', 'isom', 'mp41'))).toBeNull();
  });

  it('refuses an ftyp box whose size is nonsense', () => {
    const lying = ftyp('heic', 'mif1');
    lying.set([0x7f, 0xff, 0xff, 0xff], 0);
    expect(sniffKind(lying)).toBeNull();
  });

  it('is null for what it does not know, for empty and for a few bytes', () => {
    for (const sample of [
      bytes('GIF89a'),
      bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      bytes('MZ\u0090\u0000'),
      bytes([0x50, 0x4b, 3, 4]),
      bytes([0xff, 0xd8]),
      bytes([0x89, 0x50, 0x4e, 0x47]),
      new Uint8Array(),
    ])
      expect(sniffKind(sample)).toBeNull();
  });

  it('goes by the bytes, so a PDF named like a photo is a PDF and a JPEG that mentions %PDF- is a JPEG', () => {
    expect(sniffKind(bytes([0xff, 0xd8, 0xff, 0xe0], '%PDF-1.7'))).toBe('jpeg');
  });
});
