// A QR code for a terminal: two modules per character cell with the Unicode half blocks ▀ ▄ █
// (U+2580, U+2584, U+2588), drawn dark-on-light with a 2-module quiet zone (ISO/IEC 18004 §9.1 asks
// for 4; terminals add their own margin, and phone scanners read 2). Light modules are spaces, so
// it scans on a dark-text-on-light terminal; `invert` swaps for light-on-dark themes.

import { qrMatrix, type QrMatrix } from '../card/qr.js';

const QUIET = 2;

/**
 * Renders text (e.g. a signal) as a QR code in half-block characters.
 * @param text the content (byte mode, ECC level L: signals are short and shown on screens)
 * @param options.invert light modules drawn, dark ones blank (for dark terminal themes)
 * @returns lines joined with "\n", (size + 4) / 2 rows of size + 4 columns
 * @example process.stdout.write(terminalQr(signalText) + '\n')
 */
export function terminalQr(text: string, options: { invert?: boolean } = {}): string {
  return halfBlocks(qrMatrix(new TextEncoder().encode(text), 'L'), options.invert === true);
}

/** The half-block rendering of a matrix (exported for tests). */
export function halfBlocks(qr: QrMatrix, invert: boolean): string {
  const n = qr.size + 2 * QUIET;
  // "ink" = the character cell's foreground is drawn: dark modules normally, light ones inverted.
  const ink = (x: number, y: number): boolean => {
    const mx = x - QUIET, my = y - QUIET;
    const dark = mx >= 0 && my >= 0 && mx < qr.size && my < qr.size && qr.modules[my * qr.size + mx] === 1;
    return dark !== invert;
  };
  const rows: string[] = [];
  for (let y = 0; y < n; y += 2) {
    let row = '';
    for (let x = 0; x < n; x++) {
      const top = ink(x, y), bottom = y + 1 < n && ink(x, y + 1);
      row += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    rows.push(row);
  }
  return rows.join('\n');
}
