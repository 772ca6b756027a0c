import QRCode from 'qrcode';
import { useMemo } from 'react';
import { darkRuns } from './qr-rects';

const QUIET_ZONE = 4;

/**
 * A QR code drawn as SVG rectangles by React: no canvas, no data: URL, no markup strings. The
 * quiet zone and white ground are part of the image so it scans on any background.
 */
export function QrCode({ text, label }: { readonly text: string; readonly label: string }) {
  const { size, runs } = useMemo(() => {
    const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
    return { size: modules.size, runs: darkRuns(modules) };
  }, [text]);
  const extent = size + QUIET_ZONE * 2;

  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      viewBox={`${String(-QUIET_ZONE)} ${String(-QUIET_ZONE)} ${String(extent)} ${String(extent)}`}
      shapeRendering="crispEdges"
    >
      <rect x={-QUIET_ZONE} y={-QUIET_ZONE} width={extent} height={extent} fill="#ffffff" />
      {runs.map((run) => (
        <rect
          key={`${String(run.y)}:${String(run.x)}`}
          x={run.x}
          y={run.y}
          width={run.width}
          height={1}
          fill="#000000"
        />
      ))}
    </svg>
  );
}
