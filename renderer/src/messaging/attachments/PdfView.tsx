import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { PDFDocumentLoadingTask, PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { drawPage, loadPdf } from './pdf-document';
import { pageAfterKey, stepZoom, zoomLabel, type Zoom } from './viewer-zoom';

type Loaded =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly reason: 'password' | 'damaged' }
  | { readonly kind: 'ready'; readonly document: PDFDocumentProxy };

/** Room left beside the page when it is fitted to the viewer's width (px). */
const FIT_MARGIN = 32;
/** Fitting never enlarges past this: a letter-size page 150% wide still reads as a page on a wide screen. */
const FIT_MAX_SCALE = 1.5;

export const PDF_FAILED_TEXT = 'This PDF could not be shown. It may be damaged.';

/**
 * A PDF, one page at a time, drawn to a canvas by pdf.js (pdf-document.ts says what it may and
 * may not do). Page Up/Down, arrows, Home and End turn pages; + and − zoom, 0 fits the width.
 */
export function PdfView({ bytes, fileName }: { readonly bytes: Uint8Array; readonly fileName: string }) {
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [pageNumber, setPageNumber] = useState(1);
  const [zoom, setZoom] = useState<Zoom>('fit');
  const [fitScale, setFitScale] = useState(1);
  const [width, setWidth] = useState(0);
  const [pageFailed, setPageFailed] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    let live = true;
    const loading: { task: PDFDocumentLoadingTask | null } = { task: null };
    loadPdf(bytes)
      .then((started) => {
        loading.task = started;
        return started.promise;
      })
      .then(
        (document) => {
          if (live) setLoaded({ kind: 'ready', document });
        },
        (error: unknown) => {
          const password = error instanceof Error && error.name === 'PasswordException';
          if (live) setLoaded({ kind: 'failed', reason: password ? 'password' : 'damaged' });
        },
      );
    return () => {
      live = false;
      // Ends the worker too: nothing of the file stays parsed once the viewer closes.
      void loading.task?.destroy();
    };
  }, [bytes]);

  useEffect(() => {
    const element = scroller.current;
    if (element === null) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry?.contentRect.width ?? 0));
    observer.observe(element);
    return () => observer.disconnect();
  }, [loaded.kind]);

  const document = loaded.kind === 'ready' ? loaded.document : null;
  useEffect(() => {
    const target = canvas.current;
    if (document === null || target === null || width === 0) return;
    let live = true;
    const drawing: { task: RenderTask | null } = { task: null };
    document
      .getPage(pageNumber)
      .then((page) => {
        if (!live) return;
        const fit = Math.min(FIT_MAX_SCALE, Math.max(0.1, (width - FIT_MARGIN) / page.getViewport({ scale: 1 }).width));
        setFitScale(fit);
        setPageFailed(false);
        drawing.task = drawPage(page, target, zoom === 'fit' ? fit : zoom);
        return drawing.task.promise;
      })
      .catch((error: unknown) => {
        if (live && !(error instanceof Error && error.name === 'RenderingCancelledException')) setPageFailed(true);
      });
    return () => {
      live = false;
      drawing.task?.cancel();
    };
  }, [document, pageNumber, zoom, width]);

  if (loaded.kind === 'loading')
    return (
      <p className="viewer-status" role="status">
        <span className="spinner" aria-hidden="true" /> Opening the PDF…
      </p>
    );
  if (loaded.kind === 'failed')
    return (
      <p className="viewer-status viewer-failed" role="alert">
        {loaded.reason === 'password'
          ? 'This PDF is protected by a password, so it cannot be shown in Wardline.'
          : PDF_FAILED_TEXT}
      </p>
    );

  const pages = loaded.document.numPages;
  const zoomBy = (direction: 1 | -1) => setZoom(stepZoom(zoom, fitScale, direction));
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const page = pageAfterKey(event.key, pageNumber, pages);
    if (page !== null) setPageNumber(page);
    else if (event.key === '+' || event.key === '=') zoomBy(1);
    else if (event.key === '-') zoomBy(-1);
    else if (event.key === '0') setZoom('fit');
    else return;
    event.preventDefault();
  }

  return (
    <>
      <div className="viewer-tools" role="toolbar" aria-label="Pages and zoom">
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={pageNumber <= 1}
          onClick={() => setPageNumber(pageNumber - 1)}
        >
          Previous page
        </button>
        <span className="viewer-page" aria-live="polite">
          Page {pageNumber} of {pages}
        </span>
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={pageNumber >= pages}
          onClick={() => setPageNumber(pageNumber + 1)}
        >
          Next page
        </button>
        <span className="viewer-tools-gap" />
        <button type="button" className="button button-secondary button-small" onClick={() => zoomBy(-1)}>
          Zoom out
        </button>
        <span className="viewer-zoom">{zoomLabel(zoom)}</span>
        <button type="button" className="button button-secondary button-small" onClick={() => zoomBy(1)}>
          Zoom in
        </button>
        <button
          type="button"
          className="button button-secondary button-small"
          aria-pressed={zoom === 'fit'}
          onClick={() => setZoom('fit')}
        >
          Fit width
        </button>
      </div>
      <div
        ref={scroller}
        className="viewer-canvas-area"
        tabIndex={0}
        role="region"
        aria-label={`Page ${String(pageNumber)} of ${String(pages)}. Page Up and Page Down turn pages.`}
        onKeyDown={onKeyDown}
      >
        {pageFailed ? (
          <p className="viewer-status viewer-failed" role="alert">
            This page could not be shown.
          </p>
        ) : null}
        <canvas
          ref={canvas}
          className="viewer-page-canvas"
          role="img"
          aria-label={`${fileName}, page ${String(pageNumber)}`}
        />
      </div>
    </>
  );
}
