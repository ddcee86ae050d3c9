// Reading a card back in Node: PNG (pngjs) or JPEG (jpeg-js) → RGBA pixels → QR code (decode-qr.ts)
// → the payload bytes. The image is measured from its header first (image-size.ts): a file that
// declares more than MAX_IMAGE_PIXELS never reaches a decoder. Also re-exports decode-qr.ts
// (sniffing, readQr), so this stays the one decoding module the Node entry and the CLI import.

import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { CardError } from './errors.js';
import { readQr, type RgbaImage } from './decode-qr.js';
import { MAX_IMAGE_PIXELS, checkImageSize } from './image-size.js';

export { readCards, readQr, sniff } from './decode-qr.js';
export { MAX_IMAGE_PIXELS } from './image-size.js';
export type { InputKind, RgbaImage, SheetCard } from './decode-qr.js';

/**
 * Decodes a PNG or JPEG into RGBA pixels.
 * @param bytes the image file
 * @returns the pixels
 * @throws CardError `image-too-large` (from the header, before decoding), `image-unreadable`
 * @example const img = decodeImage(readFileSync('card.jpg'))
 */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  const { kind, width, height } = checkImageSize(bytes);
  let img: RgbaImage;
  try {
    if (kind === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      img = { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    } else {
      // jpeg-js applies the same pixel limit to every frame header it reads (a second line of defence).
      const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
      img = { width: j.width, height: j.height, data: j.data };
    }
  } catch (e) {
    throw new CardError('image-unreadable', `the ${kind.toUpperCase()} image does not decode: ${(e as Error).message}`, { cause: e });
  }
  if (img.width !== width || img.height !== height) {
    throw new CardError('image-unreadable', `the ${kind.toUpperCase()} image decodes to ${img.width} × ${img.height} pixels, but its header says ${width} × ${height}`);
  }
  return img;
}

/**
 * Reads the payload bytes from a PNG or JPEG of a card.
 * @param bytes the image file
 * @returns the payload bytes
 * @throws CardError `image-unreadable`, `no-qr`
 * @example verifyCard({ payload: readCardImage(readFileSync('card.png')) })
 */
export function readCardImage(bytes: Uint8Array): Uint8Array {
  return readQr(decodeImage(bytes));
}
