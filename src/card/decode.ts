// Reading a card back in Node: PNG (pngjs) or JPEG (jpeg-js) → RGBA pixels → QR code (decode-qr.ts)
// → the payload bytes. Also re-exports decode-qr.ts (sniffing, readQr, the printed text of an SVG),
// so this stays the one decoding module the Node entry and the CLI import.

import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { CardError } from './errors.js';
import { MAX_IMAGE_PIXELS, readQr, sniff, type RgbaImage } from './decode-qr.js';

export { MAX_IMAGE_PIXELS, printedTextFromSvg, readQr, sniff } from './decode-qr.js';
export type { InputKind, RgbaImage } from './decode-qr.js';

/**
 * Decodes a PNG or JPEG into RGBA pixels.
 * @param bytes the image file
 * @returns the pixels
 * @throws CardError `image-unreadable`
 * @example const img = decodeImage(readFileSync('card.jpg'))
 */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  const kind = sniff(bytes);
  try {
    if (kind === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (png.width * png.height > MAX_IMAGE_PIXELS) throw new CardError('image-unreadable', `image expected at most ${MAX_IMAGE_PIXELS} pixels, got ${png.width * png.height}`);
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    if (kind === 'jpeg') {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (e) {
    if (e instanceof CardError) throw e;
    throw new CardError('image-unreadable', `the ${kind.toUpperCase()} image does not decode: ${(e as Error).message}`, { cause: e });
  }
  throw new CardError('image-unreadable', `expected a PNG or JPEG image, got ${kind}`);
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
