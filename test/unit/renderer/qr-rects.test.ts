import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { darkRuns, type ModuleMatrix } from '../../../renderer/src/sign-in/qr-rects';

function matrixOf(rows: readonly string[]): ModuleMatrix {
  return { size: rows.length, get: (row, col) => (rows[row]?.[col] === '#' ? 1 : 0) };
}

describe('darkRuns', () => {
  it('turns each horizontal run of dark modules into one rectangle', () => {
    const runs = darkRuns(matrixOf(['##.#', '....', '.###', '#..#']));
    expect(runs).toEqual([
      { x: 0, y: 0, width: 2 },
      { x: 3, y: 0, width: 1 },
      { x: 1, y: 2, width: 3 },
      { x: 0, y: 3, width: 1 },
      { x: 3, y: 3, width: 1 },
    ]);
  });

  it('covers exactly the dark modules of a real otpauth QR code', () => {
    const uri = 'otpauth://totp/Wardline:nurse.adams?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Wardline';
    const { modules } = QRCode.create(uri, { errorCorrectionLevel: 'M' });
    const painted = new Set<string>();
    for (const run of darkRuns(modules)) {
      for (let x = run.x; x < run.x + run.width; x += 1) painted.add(`${String(run.y)},${String(x)}`);
    }
    let dark = 0;
    for (let row = 0; row < modules.size; row += 1) {
      for (let col = 0; col < modules.size; col += 1) {
        if (modules.get(row, col)) {
          dark += 1;
          expect(painted.has(`${String(row)},${String(col)}`)).toBe(true);
        }
      }
    }
    expect(painted.size).toBe(dark);
  });
});
