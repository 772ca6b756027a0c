/**
 * A cheap look at whether bytes are a PDF at all before they are sealed: a `%PDF-1.x` or
 * `%PDF-2.0` header where readers look for it, and an `%%EOF` marker near the end. Main never
 * parses a PDF's content (a parser is attack surface, and the renderer's pdf.js, sandboxed and
 * with scripting off, is the one that reads it); this only refuses what is plainly not a PDF or
 * was cut short, so the clinician hears it now rather than the reader later.
 */
import { PDF_HEADER_WINDOW } from './file-kind';

/** Readers look for `%%EOF` within the last kilobyte: writers may append a newline or padding. */
const TRAILER_WINDOW = 1024;
const HEADER = /%PDF-(?:1\.[0-7]|2\.0)/;
/** The smallest plausible PDF: header, one object, xref, trailer. */
const MIN_BYTES = 64;

const latin1 = (bytes: Uint8Array, start: number, end: number) =>
  Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');

export function checkPdf(bytes: Uint8Array): 'ok' | 'unreadable' {
  if (bytes.length < MIN_BYTES) return 'unreadable';
  if (!HEADER.test(latin1(bytes, 0, Math.min(bytes.length, PDF_HEADER_WINDOW)))) return 'unreadable';
  const tail = latin1(bytes, Math.max(0, bytes.length - TRAILER_WINDOW), bytes.length);
  return tail.includes('%%EOF') ? 'ok' : 'unreadable';
}
