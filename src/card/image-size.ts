// An image's pixel size from its file header, before any decoding: the one header reader the CLI
// (decode.ts, before pngjs / jpeg-js) and the web app (web/lib/qr-scan.ts, before
// createImageBitmap) both use, so a file that declares more pixels than MAX_IMAGE_PIXELS is
// refused in milliseconds instead of after gigabytes of allocation. Browser-safe.
//   PNG  (ISO/IEC 15948 §5.2, §5.3, §11.2.2): the signature, then chunks; IHDR must come first and
//        only once (a second IHDR would let a decoder take another size than the one checked here).
//   JPEG (ITU-T T.81 §B.1.1.2, §B.2.2): marker segments, each skipped by its length; the frame
//        header SOFn gives the size; entropy-coded data after SOS is skipped marker to marker (FF00
//        is a stuffed byte, RSTn belongs to the scan). Exactly one frame header, before the first scan.
// Anything else, or a file that ends inside a header, is refused: what cannot be measured is not decoded.

import { InputError, describe } from '../errors.js';
import { CardError } from './errors.js';

/** Largest image accepted, in pixels (a 600 dpi A4 scan is ~35 M; refuse what would exhaust memory). */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** What an image file's header says. */
export interface ImageHeader {
  kind: 'png' | 'jpeg';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const unreadable = (kind: string, why: string) => new CardError('image-unreadable', `the ${kind} image's header ${why}`);

function pngHeader(b: Uint8Array): ImageHeader {
  const u32 = (i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
  const type = (i: number) => String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);
  let size: { width: number; height: number } | undefined;
  let i = PNG_SIGNATURE.length;
  for (;;) {
    if (i + 8 > b.length) throw unreadable('PNG', `is truncated: the file ends at byte ${b.length}, inside a chunk header${size ? ' before IEND' : ''}`);
    const length = u32(i);
    const t = type(i + 4);
    // §5.3: a chunk's length is at most 2^31 − 1.
    if (length > 0x7fffffff) throw unreadable('PNG', `has a ${t} chunk of ${length} bytes (at most 2^31 − 1)`);
    if (!size) {
      // §5.6: "IHDR shall be first".
      if (t !== 'IHDR' || length !== 13) throw unreadable('PNG', `expected IHDR of 13 bytes first, got ${JSON.stringify(t)} of ${length} bytes`);
      if (i + 8 + 13 > b.length) throw unreadable('PNG', 'is truncated inside IHDR');
      const width = u32(i + 8);
      const height = u32(i + 12);
      // §11.2.2: "Zero is an invalid value"; at most 2^31 − 1.
      if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) throw unreadable('PNG', `declares ${width} × ${height} pixels`);
      size = { width, height };
    } else if (t === 'IHDR') {
      throw unreadable('PNG', 'has a second IHDR chunk');
    } else if (t === 'IEND') {
      return { kind: 'png', ...size };
    }
    i += 12 + length; // length, type, data, CRC
  }
}

// T.81 Table B.1: SOF0–3, 5–7, 9–11, 13–15 (C4 DHT, C8 JPG and CC DAC share the range but are not frames).
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
const isRst = (m: number) => m >= 0xd0 && m <= 0xd7;

function jpegHeader(b: Uint8Array): ImageHeader {
  const u16 = (i: number) => (b[i] << 8) | b[i + 1];
  let size: { width: number; height: number } | undefined;
  let inScan = false;
  let i = 2; // after SOI
  for (;;) {
    if (inScan) {
      // Entropy-coded data: the next marker is an FF followed by neither 00 (stuffing) nor RSTn.
      while (i + 1 < b.length && !(b[i] === 0xff && b[i + 1] !== 0x00 && !isRst(b[i + 1]))) i++;
      // A file cut inside its last scan still has a measured frame; decoders show what arrived.
      if (i + 1 >= b.length) return { kind: 'jpeg', ...size! };
      inScan = false;
    }
    if (i + 2 > b.length) throw unreadable('JPEG', `is truncated: the file ends at byte ${b.length}${size ? '' : ' before a frame header (SOFn)'}`);
    if (b[i] !== 0xff) throw unreadable('JPEG', `expected a marker at byte ${i}, got 0x${b[i].toString(16).padStart(2, '0')}`);
    let m = b[i + 1];
    i += 2;
    while (m === 0xff) { // §B.1.1.2: any marker may be preceded by fill bytes 0xFF
      if (i >= b.length) throw unreadable('JPEG', 'is truncated inside fill bytes');
      m = b[i++];
    }
    if (m === 0xd9) { // EOI
      if (!size) throw unreadable('JPEG', 'ends (EOI) without a frame header (SOFn)');
      return { kind: 'jpeg', ...size };
    }
    if (m === 0x01 || isRst(m)) continue; // TEM and RSTn stand alone
    if (m === 0x00 || m === 0xd8) throw unreadable('JPEG', `has an unexpected marker 0xFF${m.toString(16).padStart(2, '0').toUpperCase()} at byte ${i - 2}`);
    if (i + 2 > b.length) throw unreadable('JPEG', 'is truncated inside a segment length');
    const length = u16(i);
    if (length < 2) throw unreadable('JPEG', `has a segment length of ${length} at byte ${i}`);
    if (i + length > b.length) throw unreadable('JPEG', `is truncated: a segment of ${length} bytes at byte ${i} runs past the end (${b.length} bytes)`);
    if (isSof(m)) {
      if (size) throw unreadable('JPEG', 'has more than one frame header (SOFn)');
      if (length < 8) throw unreadable('JPEG', `has a frame header of ${length} bytes`);
      const height = u16(i + 3);
      const width = u16(i + 5);
      // §B.2.2: Y = 0 defers the height to a DNL segment after the first scan; no size, no decode.
      if (width === 0 || height === 0) throw unreadable('JPEG', `declares ${width} × ${height} pixels (a height given later by DNL is not supported)`);
      size = { width, height };
    } else if (m === 0xda) { // SOS
      if (!size) throw unreadable('JPEG', 'has a scan (SOS) before its frame header (SOFn)');
      inScan = true;
    }
    i += length;
  }
}

/**
 * Reads an image's size from its header, without decoding anything.
 * @param bytes the whole file (the JPEG walk needs every segment header up to EOI)
 * @returns the kind and the declared width and height
 * @throws CardError `image-unreadable` for a file that is not a PNG or JPEG, or whose header is
 *   truncated or malformed; InputError for a non-Uint8Array
 * @example imageHeader(readFileSync('card.png')) // { kind: 'png', width: 1004, height: 650 }
 */
export function imageHeader(bytes: Uint8Array): ImageHeader {
  if (!(bytes instanceof Uint8Array)) throw new InputError('invalid-type', `"bytes" expected Uint8Array, got ${describe(bytes)}`);
  if (bytes.length >= 8 && PNG_SIGNATURE.every((x, i) => bytes[i] === x)) return pngHeader(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpegHeader(bytes);
  throw new CardError('image-unreadable', 'expected a PNG or JPEG image (by its first bytes), got another kind of file');
}

/**
 * Measures an image from its header and refuses it before decoding when it declares more than
 * MAX_IMAGE_PIXELS pixels.
 * @param bytes the whole file
 * @returns the header (kind, width, height)
 * @throws CardError `image-too-large`; `image-unreadable` as imageHeader
 * @example checkImageSize(bytes); const png = PNG.sync.read(bytes)
 */
export function checkImageSize(bytes: Uint8Array): ImageHeader {
  const h = imageHeader(bytes);
  checkPixels(h.width, h.height, `in its ${h.kind.toUpperCase()} header`);
  return h;
}

/**
 * Refuses a pixel size above MAX_IMAGE_PIXELS (for sizes known some other way, e.g. an SVG's).
 * @param width pixels
 * @param height pixels
 * @param where where the size comes from, for the message
 * @throws CardError `image-too-large`
 */
export function checkPixels(width: number, height: number, where: string): void {
  const pixels = width * height;
  if (!(pixels <= MAX_IMAGE_PIXELS)) {
    throw new CardError('image-too-large', `image expected at most ${MAX_IMAGE_PIXELS} pixels, got ${pixels} (${width} × ${height} ${where}): use a photo or scan of the card at a lower resolution`);
  }
}
