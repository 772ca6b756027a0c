/**
 * A QR code's module matrix as SVG rectangles: one rectangle per horizontal run of dark modules,
 * so a version-10 code is a few hundred elements rather than a few thousand. Pure; rendering is
 * the QrCode component's job.
 */
export interface ModuleMatrix {
  readonly size: number;
  get(row: number, col: number): number;
}

export interface ModuleRun {
  readonly x: number;
  readonly y: number;
  readonly width: number;
}

export function darkRuns(matrix: ModuleMatrix): ModuleRun[] {
  const runs: ModuleRun[] = [];
  for (let y = 0; y < matrix.size; y += 1) {
    let start = -1;
    for (let x = 0; x <= matrix.size; x += 1) {
      const dark = x < matrix.size && matrix.get(y, x) !== 0;
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        runs.push({ x: start, y, width: x - start });
        start = -1;
      }
    }
  }
  return runs;
}
