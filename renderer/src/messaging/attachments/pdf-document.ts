/**
 * pdf.js as Wardline's PDF viewer uses it: a reader of untrusted files that can draw pages and
 * do nothing else. Pages are drawn to a canvas only (the viewer builds no annotation or text
 * layer, so no link can be followed or form filled), and:
 * - no scripting: pdf.js runs a PDF's JavaScript only through its separate scripting sandbox
 *   (pdf.sandbox), which is never loaded here; XFA forms are off;
 * - no eval: `isEvalSupported: false` (the CSP forbids it too);
 * - nothing fetched for the document: it is handed over as bytes, with no URL, no range or
 *   stream requests, and no base URL for relative links;
 * - no system or remote fonts: embedded fonts, and for the 14 standard fonts a PDF may name
 *   without embedding, pdf.js's own font files bundled into the app (below); no CMap or WASM
 *   files, so CJK text without embedded fonts may not show, and JPEG 2000 and JBIG2 images use
 *   pdf.js's JavaScript decoders;
 * - the worker: pdf.js's own, bundled with the app and started from 'self' (the CSP allows
 *   `worker-src 'self'` for it), so parsing a hostile file happens off the page's thread.
 * pdf.js is loaded only when a PDF is first opened.
 */
import type { PDFDocumentLoadingTask, PDFPageProxy, RenderTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

/** Images inside a PDF bigger than this are not drawn: a small file cannot claim gigabytes of pixels. */
const MAX_IMAGE_PIXELS = 50_000_000;

// pdf.js's files for the standard fonts, bundled with the app and fetched from 'self' only when
// a PDF names one.
const STANDARD_FONTS: Readonly<Record<string, () => Promise<{ default: string }>>> = {
  'FoxitDingbats.pfb': () => import('pdfjs-dist/standard_fonts/FoxitDingbats.pfb?url'),
  'FoxitFixed.pfb': () => import('pdfjs-dist/standard_fonts/FoxitFixed.pfb?url'),
  'FoxitFixedBold.pfb': () => import('pdfjs-dist/standard_fonts/FoxitFixedBold.pfb?url'),
  'FoxitFixedBoldItalic.pfb': () => import('pdfjs-dist/standard_fonts/FoxitFixedBoldItalic.pfb?url'),
  'FoxitFixedItalic.pfb': () => import('pdfjs-dist/standard_fonts/FoxitFixedItalic.pfb?url'),
  'FoxitSerif.pfb': () => import('pdfjs-dist/standard_fonts/FoxitSerif.pfb?url'),
  'FoxitSerifBold.pfb': () => import('pdfjs-dist/standard_fonts/FoxitSerifBold.pfb?url'),
  'FoxitSerifBoldItalic.pfb': () => import('pdfjs-dist/standard_fonts/FoxitSerifBoldItalic.pfb?url'),
  'FoxitSerifItalic.pfb': () => import('pdfjs-dist/standard_fonts/FoxitSerifItalic.pfb?url'),
  'FoxitSymbol.pfb': () => import('pdfjs-dist/standard_fonts/FoxitSymbol.pfb?url'),
  'LiberationSans-Bold.ttf': () => import('pdfjs-dist/standard_fonts/LiberationSans-Bold.ttf?url'),
  'LiberationSans-BoldItalic.ttf': () => import('pdfjs-dist/standard_fonts/LiberationSans-BoldItalic.ttf?url'),
  'LiberationSans-Italic.ttf': () => import('pdfjs-dist/standard_fonts/LiberationSans-Italic.ttf?url'),
  'LiberationSans-Regular.ttf': () => import('pdfjs-dist/standard_fonts/LiberationSans-Regular.ttf?url'),
};

/**
 * What pdf.js asks the page for when a PDF needs a file it does not carry. Standard fonts come
 * from the bundle; CMaps and WASM are refused, and pdf.js carries on without them.
 */
class BundledDataFactory {
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const load =
      kind === 'standardFontDataUrl' && Object.hasOwn(STANDARD_FONTS, filename) ? STANDARD_FONTS[filename] : undefined;
    if (load === undefined) throw new Error(`not bundled: ${kind}`);
    const response = await fetch((await load()).default);
    if (!response.ok) throw new Error(`not loaded: ${filename}`);
    return new Uint8Array(await response.arrayBuffer());
  }
}

/** Starts reading a PDF from its bytes; destroy the task to stop it and end its worker. */
export async function loadPdf(bytes: Uint8Array): Promise<PDFDocumentLoadingTask> {
  const pdfjs = await import('pdfjs-dist');
  pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
  return pdfjs.getDocument({
    // A copy: pdf.js hands its buffer to the worker, and the caller keeps its own.
    data: bytes.slice(),
    isEvalSupported: false,
    enableXfa: false,
    disableAutoFetch: true,
    disableStream: true,
    disableRange: true,
    stopAtErrors: false,
    useSystemFonts: false,
    useWorkerFetch: false,
    useWasm: false,
    BinaryDataFactory: BundledDataFactory,
    maxImageSize: MAX_IMAGE_PIXELS,
    isOffscreenCanvasSupported: true,
    verbosity: 0,
  });
}

/** The largest canvas drawn, in pixels: past it a page is drawn at lower resolution and scaled up. */
const MAX_CANVAS_PIXELS = 24_000_000;
/** `AnnotationMode.ENABLE`: annotations' own appearance drawn onto the canvas, nothing interactive. */
const ANNOTATIONS_DRAWN_ONLY = 1;

/**
 * Draws `page` onto `canvas` at `scale` (CSS pixels per PDF point), sharp on a high-density screen.
 * Sets the canvas's size; cancel the task to stop drawing.
 */
export function drawPage(page: PDFPageProxy, canvas: HTMLCanvasElement, scale: number): RenderTask {
  const shown = page.getViewport({ scale });
  const density = Math.min(
    window.devicePixelRatio || 1,
    Math.sqrt(MAX_CANVAS_PIXELS / Math.max(1, shown.width * shown.height)),
  );
  const viewport = page.getViewport({ scale: scale * density });
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.style.width = `${String(Math.floor(shown.width))}px`;
  canvas.style.height = `${String(Math.floor(shown.height))}px`;
  return page.render({ canvas, viewport, annotationMode: ANNOTATIONS_DRAWN_ONLY });
}
