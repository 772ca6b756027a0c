/**
 * Adds an `irot` property (HEIF's rotation, which decoders apply) to the primary image of a HEIC
 * file as heif-enc writes it: `node --import tsx heic-rotate.ts in.heic out.heic 3`, the angle in
 * quarter turns anticlockwise (3: shown a quarter turn clockwise, as a phone held upright writes).
 * Debian's heif-enc has no option for it. Used once to make the committed fixture (README.md here).
 *
 * It handles only the simple layout heif-enc writes: one top-level `meta` before `mdat`, `ipma`
 * with 7-bit indices, `iloc` data in the file (construction method 0). Anything else is refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';

interface Box {
  readonly type: string;
  readonly start: number;
  readonly size: number;
  /** Where the children (or the payload) begin: after the header and a full box's version/flags. */
  readonly body: number;
}

const FULL_BOXES = new Set(['meta', 'iloc', 'ipma', 'pitm', 'iinf', 'hdlr']);

function boxes(file: Buffer, start: number, end: number): Box[] {
  const found: Box[] = [];
  for (let at = start; at + 8 <= end;) {
    const size = file.readUInt32BE(at);
    const type = file.toString('latin1', at + 4, at + 8);
    if (size < 8 || at + size > end) throw new Error(`unsupported box size at ${at}`);
    found.push({ type, start: at, size, body: at + 8 + (FULL_BOXES.has(type) ? 4 : 0) });
    at += size;
  }
  return found;
}

function child(file: Buffer, parent: Box, type: string): Box {
  const found = boxes(file, parent.body, parent.start + parent.size).find((box) => box.type === type);
  if (found === undefined) throw new Error(`no ${type} in ${parent.type}`);
  return found;
}

function rotate(file: Buffer, quarterTurns: number): Buffer {
  const top = boxes(file, 0, file.length);
  const meta = top.find((box) => box.type === 'meta');
  const mdat = top.find((box) => box.type === 'mdat');
  if (meta === undefined || mdat === undefined || mdat.start < meta.start) throw new Error('unsupported layout');
  const pitm = child(file, meta, 'pitm');
  if (file[pitm.start + 8] !== 0) throw new Error('unsupported pitm version');
  const primary = file.readUInt16BE(pitm.body);
  const iprp = child(file, meta, 'iprp');
  const ipco = child(file, iprp, 'ipco');
  const ipma = child(file, iprp, 'ipma');
  const iloc = child(file, meta, 'iloc');
  if ((file.readUInt32BE(ipma.start + 8) & 0xff_ffff) !== 0 || file[ipma.start + 8] !== 0)
    throw new Error('unsupported ipma');
  const irotIndex = boxes(file, ipco.body, ipco.start + ipco.size).length + 1;
  if (irotIndex > 127) throw new Error('too many properties');
  const irot = Buffer.from([0, 0, 0, 9, ...Buffer.from('irot', 'latin1'), quarterTurns & 3]);

  // The primary item's entry in ipma: one association more, the rotation (essential).
  let at = ipma.body + 4;
  let insertAt = -1;
  for (let entry = file.readUInt32BE(ipma.body); entry > 0; entry -= 1) {
    const item = file.readUInt16BE(at);
    const count = file[at + 2]!;
    if (item === primary) {
      insertAt = at + 3 + count;
      file[at + 2] = count + 1;
    }
    at += 3 + count;
  }
  if (insertAt < 0) throw new Error('primary item has no properties');
  const grow = irot.length + 1;

  // Every box that holds the insertions grows; file offsets to data after `meta` move.
  for (const box of [meta, iprp, ipco, ipma])
    file.writeUInt32BE(box.size + (box === ipco ? irot.length : box === ipma ? 1 : grow), box.start);
  shiftIloc(file, iloc, grow);
  const ipcoEnd = ipco.start + ipco.size;
  return Buffer.concat([
    file.subarray(0, ipcoEnd),
    irot,
    file.subarray(ipcoEnd, insertAt),
    Buffer.from([0x80 | irotIndex]),
    file.subarray(insertAt),
  ]);
}

function shiftIloc(file: Buffer, iloc: Box, by: number): void {
  const version = file[iloc.start + 8]!;
  if (version > 1) throw new Error('unsupported iloc version');
  const sizes = file.readUInt16BE(iloc.body);
  const [offsetSize, lengthSize, baseSize] = [sizes >> 12, (sizes >> 8) & 15, (sizes >> 4) & 15];
  const indexSize = version === 1 ? sizes & 15 : 0;
  const read = (at: number, size: number) => (size === 0 ? 0 : size === 4 ? file.readUInt32BE(at) : NaN);
  const write = (at: number, size: number, value: number) => {
    if (size !== 4) throw new Error('unsupported iloc offset size');
    file.writeUInt32BE(value, at);
  };
  let at = iloc.body + 2;
  const items = file.readUInt16BE(at);
  at += 2;
  for (let item = 0; item < items; item += 1) {
    at += 2; // item id
    if (version === 1) {
      if ((file.readUInt16BE(at) & 15) !== 0) throw new Error('unsupported construction method');
      at += 2;
    }
    at += 2; // data reference index
    if (baseSize > 0) write(at, baseSize, read(at, baseSize) + by);
    at += baseSize;
    const extents = file.readUInt16BE(at);
    at += 2;
    for (let extent = 0; extent < extents; extent += 1) {
      at += indexSize;
      if (baseSize === 0) write(at, offsetSize, read(at, offsetSize) + by);
      at += offsetSize + lengthSize;
    }
  }
}

const [input, output, turns] = process.argv.slice(2);
if (input === undefined || output === undefined)
  throw new Error('usage: heic-rotate.ts in.heic out.heic [quarter turns]');
writeFileSync(output, rotate(readFileSync(input), Number(turns ?? 3)));
