import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { badgePng, badgeText, markPng } from '../../../main/electron/taskbar-images';

function decode(png: Buffer): { width: number; height: number; pixel: (x: number, y: number) => number[] } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
    }
    if (type === 'IDAT') data.push(body);
    offset += length + 12;
  }
  const rows = inflateSync(Buffer.concat(data));
  return {
    width,
    height,
    pixel: (x, y) => [...rows.subarray(y * (width * 4 + 1) + 1 + x * 4, y * (width * 4 + 1) + 1 + x * 4 + 4)],
  };
}

describe('the taskbar badge image', () => {
  it('says the count up to 99, then 99+', () => {
    expect([1, 9, 42, 99, 100, 5000].map(badgeText)).toEqual(['1', '9', '42', '99', '99+', '99+']);
  });

  it('is a valid 16x16 PNG: a red disc with white digits, transparent corners', () => {
    const image = decode(badgePng(7));
    expect([image.width, image.height]).toEqual([16, 16]);
    expect(image.pixel(0, 0)).toEqual([0, 0, 0, 0]);
    expect(image.pixel(3, 8)).toEqual([198, 40, 40, 255]);
    // The 7's top bar, centred: columns 6-8 of row 5.
    expect([6, 7, 8].map((x) => image.pixel(x, 5))).toEqual([
      [255, 255, 255, 255],
      [255, 255, 255, 255],
      [255, 255, 255, 255],
    ]);
  });

  it('draws the tray mark as a valid 16x16 PNG too', () => {
    const mark = decode(markPng());
    expect([mark.width, mark.height, mark.pixel(0, 0)]).toEqual([16, 16, [10, 74, 110, 255]]);
  });

  it('differs from count to count', () => {
    expect(badgePng(3).equals(badgePng(4))).toBe(false);
  });
});
