/**
 * HEIC files for tests. A phone's photo is committed (files/portrait-gps.heic: an HEVC encoder
 * is not something a test can count on); the hostile files are made here from its coded image:
 * a grid of hundreds of tiles in a file of a few kilobytes (a decompression bomb, or one that
 * claims more pixels than any photo), a cut file and noise where the picture should be.
 */
import { readFileSync } from 'node:fs';

/** What files/portrait-gps.heic carries (files/README.md): none of it may survive. */
export const HEIC_PHOTO = {
  storedWidth: 480,
  storedHeight: 320,
  /** Shown after HEIF's rotation, a quarter turn clockwise: the red block is top right. */
  width: 320,
  height: 480,
  traces: ['Exif\0\0', 'WardlineTestCam', 'Phone 9 Pro', 'SERIAL-7F3A-0042', '51,30.53833333N', 'ns.adobe.com'],
} as const;

export function heicPhoto(): Uint8Array {
  return new Uint8Array(readFileSync(new URL('files/portrait-gps.heic', import.meta.url)));
}

interface Box {
  readonly type: string;
  readonly start: number;
  readonly size: number;
}

/** The boxes between `start` and `end` (no 64-bit sizes: the committed file has none). */
function boxes(file: Buffer, start: number, end: number): Box[] {
  const found: Box[] = [];
  for (let at = start; at + 8 <= end; at += file.readUInt32BE(at))
    found.push({ type: file.toString('latin1', at + 4, at + 8), start: at, size: file.readUInt32BE(at) });
  return found;
}

function only(list: Box[], type: string): Box {
  const box = list.find((candidate) => candidate.type === type);
  if (box === undefined) throw new Error(`fixture has no ${type}`);
  return box;
}

/** The photo's HEVC configuration box and its coded picture, and where that is in the file. */
function codedPhoto(): { hvcC: Buffer; picture: Buffer; pictureAt: number } {
  const file = Buffer.from(heicPhoto());
  const meta = only(boxes(file, 0, file.length), 'meta');
  const inMeta = boxes(file, meta.start + 12, meta.start + meta.size);
  const iprp = only(inMeta, 'iprp');
  const ipco = only(boxes(file, iprp.start + 8, iprp.start + iprp.size), 'ipco');
  const hvcC = only(boxes(file, ipco.start + 8, ipco.start + ipco.size), 'hvcC');
  // iloc version 0, 4-byte offset, length and base offset, as heif-enc and exiftool write it;
  // the image is item 1, the first entry.
  const iloc = only(inMeta, 'iloc');
  const entry = iloc.start + 12 + 4;
  if (file.readUInt16BE(iloc.start + 12) !== 0x4440 || file.readUInt16BE(entry) !== 1)
    throw new Error('fixture iloc is not as expected');
  const base = file.readUInt32BE(entry + 4);
  const offset = file.readUInt32BE(entry + 10);
  const length = file.readUInt32BE(entry + 14);
  return {
    hvcC: file.subarray(hvcC.start, hvcC.start + hvcC.size),
    picture: file.subarray(base + offset, base + offset + length),
    pictureAt: base + offset,
  };
}

const u8 = (...values: number[]) => Buffer.from(values);
const u16 = (value: number) => Buffer.from([value >> 8, value & 255]);
const u32 = (value: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
};
const box = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
};
const fullBox = (type: string, version: number, flags: number, ...parts: Buffer[]) =>
  box(type, u8(version, 0, 0, flags), ...parts);

/**
 * A HEIC whose primary image is a grid of `columns` × `rows` tiles, each its own hidden item
 * whose data is the photo's one coded picture (480×320, as stored): a file of a few kilobytes
 * per hundred tiles that shows columns·480 × rows·320 pixels and costs a decode per tile.
 */
export function heicGrid(columns: number, rows: number): Uint8Array {
  const { hvcC, picture } = codedPhoto();
  const [tileWidth, tileHeight] = [HEIC_PHOTO.storedWidth, HEIC_PHOTO.storedHeight];
  const tiles = Array.from({ length: columns * rows }, (_, index) => index + 2);
  // ImageGrid: version 0, flags 1 (32-bit sizes), rows − 1, columns − 1, output width, height.
  const grid = Buffer.concat([u8(0, 1, rows - 1, columns - 1), u32(columns * tileWidth), u32(rows * tileHeight)]);
  const meta = (mdatAt: number) =>
    fullBox(
      'meta',
      0,
      0,
      fullBox('hdlr', 0, 0, u32(0), Buffer.from('pict'), u32(0), u32(0), u32(0), u8(0)),
      fullBox('pitm', 0, 0, u16(1)),
      // Version 0, 4-byte offsets and lengths, no base offset; every tile points at the one picture.
      fullBox(
        'iloc',
        0,
        0,
        u8(0x44, 0x00),
        u16(tiles.length + 1),
        u16(1),
        u16(0),
        u16(1),
        u32(mdatAt + 8),
        u32(grid.length),
        ...tiles.map((id) =>
          Buffer.concat([u16(id), u16(0), u16(1), u32(mdatAt + 8 + grid.length), u32(picture.length)]),
        ),
      ),
      fullBox(
        'iinf',
        0,
        0,
        u16(tiles.length + 1),
        fullBox('infe', 2, 0, u16(1), u16(0), Buffer.from('grid'), u8(0)),
        ...tiles.map((id) => fullBox('infe', 2, 1, u16(id), u16(0), Buffer.from('hvc1'), u8(0))),
      ),
      fullBox('iref', 0, 0, box('dimg', u16(1), u16(tiles.length), ...tiles.map(u16))),
      box(
        'iprp',
        box(
          'ipco',
          hvcC,
          fullBox('ispe', 0, 0, u32(tileWidth), u32(tileHeight)),
          fullBox('ispe', 0, 0, u32(columns * tileWidth), u32(rows * tileHeight)),
        ),
        // The grid has property 3 (its size); each tile 1 (HEVC configuration, essential) and 2.
        fullBox(
          'ipma',
          0,
          0,
          u32(tiles.length + 1),
          u16(1),
          u8(1, 3),
          ...tiles.map((id) => Buffer.concat([u16(id), u8(2, 0x81, 2)])),
        ),
      ),
    );
  const ftyp = box('ftyp', Buffer.from('heic'), u32(0), Buffer.from('mif1heic'));
  const mdatAt = ftyp.length + meta(0).length;
  return new Uint8Array(Buffer.concat([ftyp, meta(mdatAt), box('mdat', grid, picture)]));
}

/** Deterministic noise (no Math.random: a failing case can be replayed). */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    out[index] = state >>> 24;
  }
  return out;
}

export interface BrokenHeics {
  /** The first half of the photo: its header whole, its picture cut. */
  readonly truncated: Uint8Array;
  /** Everything up to the picture, and nothing of it. */
  readonly headerOnly: Uint8Array;
  /** A HEIC `ftyp`, then noise. */
  readonly noiseAfterFtyp: Uint8Array;
  /** The photo's header whole, noise where its coded picture is. */
  readonly noisePicture: Uint8Array;
}

export function brokenHeics(): BrokenHeics {
  const photo = Buffer.from(heicPhoto());
  const mdat = only(boxes(photo, 0, photo.length), 'mdat');
  const ftypEnd = photo.readUInt32BE(0);
  const { picture, pictureAt } = codedPhoto();
  return {
    truncated: new Uint8Array(photo.subarray(0, photo.length >> 1)),
    headerOnly: new Uint8Array(photo.subarray(0, mdat.start)),
    noiseAfterFtyp: new Uint8Array(Buffer.concat([photo.subarray(0, ftypEnd), noise(8 * 1024, 5)])),
    noisePicture: new Uint8Array(
      Buffer.concat([
        photo.subarray(0, pictureAt),
        noise(picture.length, 9),
        photo.subarray(pictureAt + picture.length),
      ]),
    ),
  };
}
