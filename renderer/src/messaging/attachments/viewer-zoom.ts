/**
 * Zoom in the attachment viewers: "fit" the window, or a fixed scale from a short ladder that
 * Zoom in and Zoom out step along. Pure, so the steps are tested without a canvas.
 */
export type Zoom = 'fit' | number;

export const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4] as const;

/** The next step up (or down) from the scale now shown (`fitScale` when fitting). */
export function stepZoom(zoom: Zoom, fitScale: number, direction: 1 | -1): number {
  const now = zoom === 'fit' ? fitScale : zoom;
  const steps =
    direction === 1 ? ZOOM_STEPS.filter((step) => step > now + 0.01) : ZOOM_STEPS.filter((step) => step < now - 0.01);
  const next = direction === 1 ? steps[0] : steps.at(-1);
  return next ?? now;
}

/** "Fit", "100%", "150%". */
export function zoomLabel(zoom: Zoom): string {
  return zoom === 'fit' ? 'Fit' : `${String(Math.round(zoom * 100))}%`;
}

/** The page to show after a key press, or null if the key is not for paging. */
export function pageAfterKey(key: string, page: number, pages: number): number | null {
  switch (key) {
    case 'PageDown':
    case 'ArrowRight':
      return Math.min(page + 1, pages);
    case 'PageUp':
    case 'ArrowLeft':
      return Math.max(page - 1, 1);
    case 'Home':
      return 1;
    case 'End':
      return pages;
    default:
      return null;
  }
}
