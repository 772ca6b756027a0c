/**
 * The kind of an attached file, read from its first bytes: never from its name or the media type
 * the renderer declared (declared-kind.ts is only for refusing early). A file that is not one of
 * the kinds Wardline reads is null, so it is refused rather than passed on as whatever it says.
 */
import type { AttachmentKind } from '../../shared/protocol/attachment';

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Where a PDF reader looks for `%PDF-`: writers and mail gateways sometimes put bytes before it. */
export const PDF_HEADER_WINDOW = 1024;
/**
 * ISO-BMFF brands of HEIF images coded with HEVC, the ones phones write. AVIF (`avif`, `avis`)
 * shares the container but is not a kind Wardline accepts.
 */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
/** Generic HEIF brands: HEIC only when a compatible brand says so. */
const HEIF_GENERIC_BRANDS = new Set(['mif1', 'msf1']);

const startsWith = (bytes: Uint8Array, magic: readonly number[]) =>
  bytes.length >= magic.length && magic.every((byte, index) => bytes[index] === byte);

const ascii = (bytes: Uint8Array, start: number, end: number) =>
  String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));

/** The `ftyp` box of an ISO-BMFF file: its major brand and compatible brands. */
function ftypBrands(bytes: Uint8Array): { major: string; compatible: string[] } | null {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return null;
  const boxSize = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  if (boxSize < 16 || boxSize > 4096 || boxSize > bytes.length) return null;
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= boxSize; at += 4) compatible.push(ascii(bytes, at, at + 4));
  return { major: ascii(bytes, 8, 12), compatible };
}

function isHeic(bytes: Uint8Array): boolean {
  const brands = ftypBrands(bytes);
  if (brands === null) return false;
  if (HEIC_BRANDS.has(brands.major)) return true;
  return HEIF_GENERIC_BRANDS.has(brands.major) && brands.compatible.some((brand) => HEIC_BRANDS.has(brand));
}

/** Offset of `%PDF-` within the header window, or -1. */
function pdfHeaderOffset(bytes: Uint8Array): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, PDF_HEADER_WINDOW)).indexOf('%PDF-');
}

/** What the bytes are, or null if none of the kinds Wardline reads. */
export function sniffKind(bytes: Uint8Array): AttachmentKind | null {
  if (startsWith(bytes, JPEG)) return 'jpeg';
  if (startsWith(bytes, PNG)) return 'png';
  if (isHeic(bytes)) return 'heic';
  if (pdfHeaderOffset(bytes) >= 0) return 'pdf';
  return null;
}
