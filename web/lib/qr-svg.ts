// A QR code as SVG path data, for showing invitation texts as scannable codes: the qrcode package's
// encoder (keyprint/card qrMatrix: byte mode, ECC M) and one rectangle per run of dark modules, the
// way the card's SVG renderer draws its code.
import { qrMatrix, qrRuns } from 'keyprint/card';

/** Quiet zone, modules (ISO/IEC 18004 §6.3.8 asks for 4). */
export const QUIET = 4;

/**
 * @param bytes what the code carries (UTF-8 text for invitations)
 * @returns the side in modules including the quiet zone, and the path of the dark modules
 * @throws CardError `too-large-for-qr`
 * @example const { size, d } = qrSvg(new TextEncoder().encode(offer))
 */
export function qrSvg(bytes: Uint8Array): { size: number; d: string; version: number } {
  const qr = qrMatrix(bytes, 'M');
  let d = '';
  for (const r of qrRuns(qr)) d += `M${r.x + QUIET} ${r.y + QUIET}h${r.length}v1h${-r.length}z`;
  return { size: qr.size + 2 * QUIET, d, version: qr.version };
}
