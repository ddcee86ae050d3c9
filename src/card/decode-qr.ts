// Reading a card's QR code from pixels, with no image-format decoder: RGBA pixels → QR code (jsQR,
// ISO/IEC 18004 detection with perspective correction) → the payload bytes; an A4 sheet of ten
// cards (layout.ts) read card by card, where it sits; sniffing what a file is. Browser-safe (no Node modules): the web app gets its pixels from a canvas, Node from
// decode.ts (pngjs / jpeg-js).

import jsQRModule from 'jsqr';
import { InputError, describe } from '../errors.js';
import { CardError } from './errors.js';
import { checkPixels } from './image-size.js';
import { CARD_TEXT_PREFIX } from './payload.js';
import { A4, QR_AT, QR_BOX, pageLayout } from './layout.js';

// jsqr is CommonJS with `exports.default`; under NodeNext the default import is module.exports.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as
  (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: 'dontInvert' | 'onlyInvert' | 'attemptBoth' | 'invertFirst' }) =>
    { binaryData: number[] } | null;

/** An RGBA image. */
export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes. */
  data: Uint8Array;
}

/** What a file holds, judged by its first bytes. */
export type InputKind = 'png' | 'jpeg' | 'svg' | 'pdf' | 'payload-text' | 'bundle-or-payload';

/**
 * Sniffs a file's kind from its first bytes.
 * @param bytes the file
 * @returns its kind
 * @example sniff(readFileSync(path)) // 'png'
 */
export function sniff(bytes: Uint8Array): InputKind {
  if (!(bytes instanceof Uint8Array)) throw new InputError('invalid-type', `"bytes" expected Uint8Array, got ${describe(bytes)}`);
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 512)).trimStart();
  if (head.startsWith('%PDF-')) return 'pdf';
  if (head.startsWith(CARD_TEXT_PREFIX)) return 'payload-text';
  if (head.startsWith('<?xml') || head.startsWith('<svg')) return 'svg';
  return 'bundle-or-payload';
}

/**
 * Bilinear resampling by a factor. jsQR samples the module grid from the finder patterns and is
 * sensitive to where module edges fall on the pixel grid (large versions drift); resampling moves
 * them, so a code it misses at one scale usually decodes at another.
 */
function resample(img: RgbaImage, f: number): RgbaImage {
  const width = Math.max(1, Math.round(img.width * f));
  const height = Math.max(1, Math.round(img.height * f));
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(img.height - 1, Math.max(0, (y + 0.5) / f - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, (x + 0.5) / f - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const fx = sx - x0;
      const d = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const at = (xx: number, yy: number) => img.data[(yy * img.width + xx) * 4 + c];
        data[d + c] = Math.round(at(x0, y0) * (1 - fx) * (1 - fy) + at(x1, y0) * fx * (1 - fy) + at(x0, y1) * (1 - fx) * fy + at(x1, y1) * fx * fy);
      }
      data[d + 3] = 255;
    }
  }
  return { width, height, data };
}

/**
 * Finds the QR code in an image and returns its bytes. Tries the image as it is, then resampled at
 * a few scales (see resample): up for low-resolution scans, down for large photos.
 * @param image RGBA pixels
 * @param options.rescale try other scales when the image as it is fails (default true; a camera
 *   loop passes false: the next frame is a cheaper retry than six resamplings)
 * @returns the QR code's byte content
 * @throws CardError `no-qr`
 * @example const payload = readQr(decodeImage(png))
 */
export function readQr(image: RgbaImage, options: { rescale?: boolean } = {}): Uint8Array {
  if (typeof image !== 'object' || image === null || !(image.data instanceof Uint8Array) || !Number.isInteger(image.width) || !Number.isInteger(image.height)
    || image.width < 1 || image.height < 1 || image.data.length !== image.width * image.height * 4) {
    throw new CardError('image-unreadable', `expected RGBA pixels { width, height, data: width × height × 4 bytes }, got ${describe(image)}`);
  }
  const pixels = image.width * image.height;
  checkPixels(image.width, image.height, 'of RGBA pixels');
  // As is first; then other scales, keeping the work bounded (≤ ~6 MP per attempt).
  const factors = [1, 1.25, 0.66, 1.5, 0.8, 2, 0.5].filter((f) => f === 1 || (options.rescale !== false && pixels * f * f <= 6_000_000));
  for (const f of factors) {
    const img = f === 1 ? image : resample(image, f);
    const clamped = new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength);
    const found = jsQR(clamped, img.width, img.height, { inversionAttempts: 'attemptBoth' });
    if (found) return Uint8Array.from(found.binaryData);
  }
  throw new CardError('no-qr', 'no readable QR code in the image');
}

/** One card of a sheet as read: its QR code's bytes, or why there were none. */
export interface SheetCard {
  /** 1-based position on the sheet, row by row (pageLayout('a4') order). */
  index: number;
  payload?: Uint8Array;
  error?: CardError;
}

/** The page is A4 portrait (a scan or a rendering of a whole sheet), within 2 %. */
const isA4 = (img: RgbaImage) => Math.abs(img.width / img.height - A4.width / A4.height) < 0.02 * (A4.width / A4.height);

function crop(img: RgbaImage, x: number, y: number, w: number, h: number): RgbaImage {
  const x0 = Math.max(0, Math.round(x)), y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(img.width, Math.round(x + w)), y1 = Math.min(img.height, Math.round(y + h));
  const width = Math.max(1, x1 - x0), height = Math.max(1, y1 - y0);
  const data = new Uint8Array(width * height * 4);
  for (let row = 0; row < height; row++) data.set(img.data.subarray(((y0 + row) * img.width + x0) * 4, ((y0 + row) * img.width + x0 + width) * 4), row * width * 4);
  return { width, height, data };
}

/**
 * Reads every card of an image: on an A4 page (a sheet printed by `keyprint card --layout a4`, a
 * scan of it, `pdftoppm -r 300`), each of the ten QR codes where the layout puts it — one QR
 * reader over the whole page finds finder patterns of several codes and reads none; otherwise,
 * or when no position holds a code (one card scanned on A4 paper), the image as one card.
 * @param image RGBA pixels
 * @returns one entry per card: `{ index, payload }` or `{ index, error }` (`no-qr`)
 * @throws CardError `no-qr` when the image holds no readable code at all
 * @example for (const c of readCards(decodeImage(png))) if (c.payload) verify(c.payload)
 */
export function readCards(image: RgbaImage): SheetCard[] {
  if (typeof image === 'object' && image !== null && image.width > 0 && image.height > 0 && isA4(image)) {
    const px = image.width / A4.width; // pixels per mm
    const margin = 3; // mm around the QR box (its quiet zone is inside it)
    const cards = pageLayout('a4').cards.map((c, i): SheetCard => {
      const box = crop(image, (c.x + QR_AT.x - margin) * px, (c.y + QR_AT.y - margin) * px, (QR_BOX + 2 * margin) * px, (QR_BOX + 2 * margin) * px);
      try {
        return { index: i + 1, payload: readQr(box) };
      } catch (e) {
        if (!(e instanceof CardError)) throw e;
        return { index: i + 1, error: e };
      }
    });
    if (cards.some((c) => c.payload)) return cards;
  }
  return [{ index: 1, payload: readQr(image) }];
}
