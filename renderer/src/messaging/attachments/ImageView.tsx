import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

/**
 * An image from the bytes main handed over: a Blob and an object URL (revoked when the viewer
 * closes), never a file or network address. Fit to the window or shown at actual size; the area
 * scrolls by keyboard at actual size.
 */
export function ImageView({
  bytes,
  mediaType,
  fileName,
}: {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly mediaType: string;
  readonly fileName: string;
}) {
  const image = useRef<HTMLImageElement>(null);
  const [actualSize, setActualSize] = useState(false);
  const [failed, setFailed] = useState(false);

  // The object URL is set on the element itself, and revoked (and taken off it) on close.
  useEffect(() => {
    const element = image.current;
    if (element === null) return;
    const objectUrl = URL.createObjectURL(new Blob([bytes], { type: mediaType }));
    element.src = objectUrl;
    return () => {
      element.removeAttribute('src');
      URL.revokeObjectURL(objectUrl);
    };
  }, [bytes, mediaType]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === '0') setActualSize(false);
    else if (event.key === '1') setActualSize(true);
    else return;
    event.preventDefault();
  }

  if (failed)
    return (
      <p className="viewer-status viewer-failed" role="alert">
        This image could not be shown. It may be damaged.
      </p>
    );
  return (
    <>
      <div className="viewer-tools" role="toolbar" aria-label="Zoom">
        <button
          type="button"
          className="button button-secondary button-small"
          aria-pressed={!actualSize}
          onClick={() => setActualSize(false)}
        >
          Fit to window
        </button>
        <button
          type="button"
          className="button button-secondary button-small"
          aria-pressed={actualSize}
          onClick={() => setActualSize(true)}
        >
          Actual size (100%)
        </button>
      </div>
      <div
        className="viewer-image-area"
        data-zoom={actualSize ? 'actual' : 'fit'}
        tabIndex={0}
        role="region"
        aria-label="Image. Press 1 for actual size, 0 to fit."
        onKeyDown={onKeyDown}
      >
        <img ref={image} className="viewer-image" alt={fileName} draggable={false} onError={() => setFailed(true)} />
      </div>
    </>
  );
}
