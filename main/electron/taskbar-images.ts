/**
 * Small images for the taskbar and the tray, drawn and PNG-encoded here so no image library or
 * asset is needed: the unread count for Windows' taskbar overlay (Electron's setBadgeCount does
 * nothing there), white digits from a 3×5 pixel font on a red disc, a number only; and the
 * Wardline mark for the tray.
 */
import { deflateSync } from 'node:zlib';

const SIZE = 16;
const GLYPHS: Record<string, readonly string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '010', '010', '010'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '+': ['000', '010', '111', '010', '000'],
};
const RED = [198, 40, 40, 255] as const;
const WHITE = [255, 255, 255, 255] as const;

/** What the badge says: the count up to 99, then "99+". */
export function badgeText(count: number): string {
  return count > 99 ? '99+' : String(Math.max(0, Math.floor(count)));
}

/** RGBA pixels, row by row. */
export function badgePixels(count: number): Uint8Array {
  const pixels = new Uint8Array(SIZE * SIZE * 4);
  const put = (x: number, y: number, color: readonly number[]) => pixels.set(color, (y * SIZE + x) * 4);
  const centre = (SIZE - 1) / 2;
  for (let y = 0; y < SIZE; y += 1)
    for (let x = 0; x < SIZE; x += 1) if ((x - centre) ** 2 + (y - centre) ** 2 <= 7.8 ** 2) put(x, y, RED);
  const text = badgeText(count);
  const width = text.length * 4 - 1;
  const left = Math.floor((SIZE - width) / 2);
  const top = Math.floor((SIZE - 5) / 2);
  // Digits and '+' only, so indexing by code unit is exact.
  for (let index = 0; index < text.length; index += 1) {
    const rows = GLYPHS[text.charAt(index)] ?? [];
    rows.forEach((row, dy) => {
      for (let dx = 0; dx < row.length; dx += 1)
        if (row.charAt(dx) === '1') put(left + index * 4 + dx, top + dy, WHITE);
    });
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** The tray's mark: the brand's blue square with a light diagonal. */
export function markPixels(): Uint8Array {
  const pixels = new Uint8Array(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y += 1) {
    for (let x = 0; x < SIZE; x += 1)
      pixels.set(x + y >= SIZE - 1 ? [135, 206, 235, 255] : [10, 74, 110, 255], (y * SIZE + x) * 4);
  }
  return pixels;
}

export const badgePng = (count: number): Buffer => encodePng(badgePixels(count));
export const markPng = (): Buffer => encodePng(markPixels());

function encodePng(pixels: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y += 1) rows.set(pixels.subarray(y * SIZE * 4, (y + 1) * SIZE * 4), y * (SIZE * 4 + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
