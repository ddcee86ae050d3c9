// QR code matrices for card payloads: the `qrcode` package's encoder (ISO/IEC 18004), one byte-mode
// segment (the payload is binary CBOR), error correction level M by default (~15 % recovery: enough
// for a scuffed printed card, while version ≤ 20 keeps modules ≥ 0.38 mm inside 40 mm); level L
// (~7 %) only when M would need a larger version than the card allows (model.ts).

import QRCode from 'qrcode';
import { CardError } from './errors.js';

/** A QR code as a square of modules. */
export interface QrMatrix {
  /** QR version, 1–40. */
  version: number;
  /** Modules per side (17 + 4 × version). */
  size: number;
  /** `size × size` entries, row-major, 1 = dark. */
  modules: Uint8Array;
  /** Error correction level. */
  ecc: 'L' | 'M';
}

/**
 * Encodes bytes as a QR code (byte mode; the encoder's mask choice is deterministic).
 * @param bytes the payload
 * @param ecc error correction level (default M)
 * @returns the module matrix
 * @throws CardError `too-large-for-qr` above version 40's capacity (2,331 bytes at M, 2,953 at L)
 * @example const qr = qrMatrix(card.payload); qr.version // 20
 */
export function qrMatrix(bytes: Uint8Array, ecc: 'L' | 'M' = 'M'): QrMatrix {
  let q;
  try {
    q = QRCode.create([{ data: bytes, mode: 'byte' }], { errorCorrectionLevel: ecc });
  } catch (e) {
    throw new CardError('too-large-for-qr', `card payload of ${bytes.length} bytes does not fit a QR code at ECC level ${ecc}`, { cause: e });
  }
  const size = q.modules.size;
  const modules = new Uint8Array(size * size);
  for (let i = 0; i < modules.length; i++) modules[i] = q.modules.data[i] ? 1 : 0;
  return { version: q.version, size, modules, ecc };
}

/** A horizontal run of dark modules: row `y`, columns `x` … `x + length − 1`. */
export interface QrRun { x: number; y: number; length: number }

/**
 * The dark modules as horizontal runs, row by row: what both vector renderers draw (one rectangle
 * per run rather than per module).
 * @example for (const { x, y, length } of qrRuns(qr)) draw(x, y, length)
 */
export function* qrRuns(qr: QrMatrix): Generator<QrRun> {
  for (let y = 0; y < qr.size; y++) {
    let x = 0;
    while (x < qr.size) {
      if (!qr.modules[y * qr.size + x]) { x++; continue; }
      const start = x;
      while (x < qr.size && qr.modules[y * qr.size + x]) x++;
      yield { x: start, y, length: x - start };
    }
  }
}
