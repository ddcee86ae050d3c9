// Images measured from their headers before decoding (src/card/image-size.ts; issue 16, "hostile
// input"): sizes read from real PNG/JPEG files equal the decoded ones; files declaring more than
// MAX_IMAGE_PIXELS are refused as `image-too-large` by decodeImage and verifyCard before any pixel
// is decoded (a 30000 × 30000 PNG used to take gigabytes in PNG.sync.read); segments are skipped by
// their lengths (a fake frame header inside APP1 is not the frame); truncated, unknown and
// ambiguous headers (a second IHDR, two frames, a scan before the frame) are refused.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fcSeed } from '../_util.js';
import { CardError } from '../../src/card/errors.js';
import { MAX_IMAGE_PIXELS, checkImageSize, createCard, decodeImage, imageHeader, renderPng, verifyCard } from '../../src/card/node.js';
import { IdentityKeyPair, signBundle } from '../../src/identity/index.js';
import {
  PNG_SIGNATURE, hostileJpeg, hostilePng, ihdr, jpegOf, jpegSegment, pngChunk, readPng, sof0, writeJpeg, writePng,
} from './_fixtures.js';

const codeOf = (f: () => unknown): string => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? `untyped ${(e as Error).message}`;
  }
};
const iend = pngChunk('IEND', new Uint8Array(0));
const idat = pngChunk('IDAT', Uint8Array.of(0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01));
const cat = (...p: Uint8Array[]) => new Uint8Array(Buffer.concat(p));
/** A scan: SOS for 3 components, then entropy-coded bytes. */
const scan = (entropy: number[]) => cat(jpegSegment(0xda, Uint8Array.of(3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0)), Uint8Array.from(entropy));

describe('imageHeader: the size a real file declares', () => {
  it('PNG and JPEG written by pngjs / jpeg-js: the header size is the decoded size', () => {
    const img = { width: 37, height: 23, data: new Uint8Array(37 * 23 * 4).fill(200) };
    expect(imageHeader(writePng(img))).toEqual({ kind: 'png', width: 37, height: 23 });
    const jpg = writeJpeg(img, 80);
    expect(imageHeader(jpg)).toEqual({ kind: 'jpeg', width: 37, height: 23 });
    expect(decodeImage(jpg)).toMatchObject({ width: 37, height: 23 });
  });

  it('a card rendered at 300 dpi: 1004 × 650', async () => {
    const id = IdentityKeyPair.generate();
    const card = await createCard(signBundle({ displayName: 'Pat', identityPublicKey: id.publicKey, createdAt: Date.UTC(2026, 0, 1), binding: null }, id));
    const png = renderPng(card);
    expect(imageHeader(png)).toEqual({ kind: 'png', width: 1004, height: 650 });
    expect(readPng(png)).toMatchObject({ width: 1004, height: 650 });
  });

  it('JPEG segments are skipped by their length: a frame header inside APP1 is data, not the frame', () => {
    // APP1 (EXIF-like) whose payload is the bytes of a 16 × 16 SOF0; the real frame is 30000 × 30000.
    const fake = jpegSegment(0xe1, cat(new TextEncoder().encode('Exif\0\0'), sof0(16, 16)));
    expect(imageHeader(jpegOf(fake, sof0(30000, 30000)))).toEqual({ kind: 'jpeg', width: 30000, height: 30000 });
    const fakeBig = jpegSegment(0xe1, cat(new TextEncoder().encode('Exif\0\0'), sof0(30000, 30000)));
    expect(imageHeader(jpegOf(fakeBig, sof0(16, 16)))).toEqual({ kind: 'jpeg', width: 16, height: 16 });
  });

  it('JPEG scans are walked marker to marker (FF00 stuffing, RSTn, fill bytes, DHT between scans)', () => {
    const dht = jpegSegment(0xc4, Uint8Array.of(0, ...new Array(16).fill(0)));
    const progressive = jpegOf(sof0(640, 480), scan([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xd7, 0x78]), Uint8Array.of(0xff, 0xff), dht, scan([0xff, 0x00, 0x01]));
    expect(imageHeader(progressive)).toEqual({ kind: 'jpeg', width: 640, height: 480 });
    // A file cut inside its scan is measured (decoders show what arrived).
    expect(imageHeader(progressive.subarray(0, progressive.length - 3))).toEqual({ kind: 'jpeg', width: 640, height: 480 });
  });
});

describe('refused before decoding: more pixels than MAX_IMAGE_PIXELS', () => {
  it('a PNG whose IHDR declares 30000 × 30000 with a small zlib stream', () => {
    const png = hostilePng();
    expect(png.length).toBeLessThan(10_000);
    expect(() => checkImageSize(png)).toThrow(expect.objectContaining({
      code: 'image-too-large', message: `image expected at most ${MAX_IMAGE_PIXELS} pixels, got 900000000 (30000 × 30000 in its PNG header): use a photo or scan of the card at a lower resolution`,
    }));
    expect(codeOf(() => decodeImage(png))).toBe('image-too-large');
  });

  it('a JPEG whose frame header declares 30000 × 30000', () => {
    expect(codeOf(() => decodeImage(hostileJpeg()))).toBe('image-too-large');
    // 65535 × 65535, the most a frame header can say.
    expect(codeOf(() => decodeImage(hostileJpeg(65535, 65535)))).toBe('image-too-large');
  });

  it('the limit itself: 8000 × 5000 passes the header check, 8000 × 5001 does not', () => {
    expect(checkImageSize(hostilePng(8000, 5000, 1))).toEqual({ kind: 'png', width: 8000, height: 5000 });
    expect(codeOf(() => checkImageSize(hostilePng(8000, 5001, 1)))).toBe('image-too-large');
    expect(checkImageSize(hostileJpeg(8000, 5000))).toEqual({ kind: 'jpeg', width: 8000, height: 5000 });
    expect(codeOf(() => checkImageSize(hostileJpeg(5001, 8000)))).toBe('image-too-large');
  });

  it('verifyCard on such images throws image-too-large (a CardError, not a result)', async () => {
    await expect(verifyCard({ image: hostilePng() })).rejects.toMatchObject({ code: 'image-too-large' });
    await expect(verifyCard({ image: hostileJpeg() })).rejects.toMatchObject({ code: 'image-too-large' });
  });

  it('an SVG whose rendering would exceed the limit (20000 mm wide at 300 dpi) is refused before rasterising', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20000mm" height="20000mm" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';
    await expect(verifyCard({ svg })).rejects.toMatchObject({ code: 'image-too-large' });
    // An SVG resvg cannot size is unreadable (a CardError, so the CLI exits 2 with one line).
    await expect(verifyCard({ svg: '<svg xmlns="http://www.w3.org/2000/svg" width="0mm" height="10mm"/>' })).rejects.toMatchObject({ code: 'image-unreadable' });
  });
});

describe('refused: headers that cannot be measured, or that a decoder could read differently', () => {
  it.each([
    ['PNG signature only', PNG_SIGNATURE],
    ['PNG cut inside IHDR', cat(PNG_SIGNATURE, ihdr(10, 10)).subarray(0, 20)],
    ['PNG without IEND', cat(PNG_SIGNATURE, ihdr(10, 10), idat)],
    ['PNG whose first chunk is not IHDR', cat(PNG_SIGNATURE, idat, ihdr(10, 10), iend)],
    ['PNG with a second IHDR (small, then large)', cat(PNG_SIGNATURE, ihdr(10, 10), ihdr(30000, 30000), idat, iend)],
    ['PNG declaring width 0', cat(PNG_SIGNATURE, ihdr(0, 10), idat, iend)],
    ['PNG declaring 2^31 rows', cat(PNG_SIGNATURE, ihdr(10, 0x80000000), idat, iend)],
    ['JPEG SOI only', Uint8Array.of(0xff, 0xd8, 0xff)],
    ['JPEG without a frame header', jpegOf(jpegSegment(0xfe, new TextEncoder().encode('comment')))],
    ['JPEG with a scan before its frame header', jpegOf(scan([1, 2, 3]), sof0(16, 16))],
    ['JPEG with two frame headers', jpegOf(sof0(16, 16), sof0(30000, 30000))],
    ['JPEG with a frame after its first scan', jpegOf(sof0(16, 16), scan([1, 2, 3]), sof0(30000, 30000))],
    ['JPEG whose height comes later (DNL)', jpegOf(sof0(100, 0))],
    ['JPEG segment running past the end', jpegOf(sof0(16, 16)).subarray(0, 24)],
    ['JPEG segment length 1', cat(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 1), sof0(16, 16))],
    ['JPEG with garbage between segments', jpegOf(sof0(16, 16), Uint8Array.of(0x00, 0x11))],
    ['GIF', new TextEncoder().encode('GIF89a\x10\x00\x10\x00')],
    ['WebP', new TextEncoder().encode('RIFF\x24\x00\x00\x00WEBPVP8 ')],
    ['empty', new Uint8Array(0)],
  ])('%s: image-unreadable', (_, bytes) => {
    expect(codeOf(() => imageHeader(bytes))).toBe('image-unreadable');
    expect(codeOf(() => decodeImage(bytes))).toBe('image-unreadable');
  });

  it('a non-Uint8Array is an InputError', () => {
    for (const bad of [undefined, null, 'png', [0x89], new ArrayBuffer(8)]) expect(codeOf(() => imageHeader(bad as never))).toBe('invalid-type');
  });
});

describe('mutated real files (fast-check, fixed seed)', () => {
  // A header the reader accepts is the size the decoder produces: a mutated PNG or JPEG either
  // fails with a CardError, or decodes to exactly the measured size (decodeImage checks both).
  const img = { width: 40, height: 24, data: new Uint8Array(40 * 24 * 4).map((_, i) => (i * 37) & 255) };
  const seeds = [writePng(img), writeJpeg(img, 70)];
  it('imageHeader and decodeImage: CardError or the measured size, never another error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), (which, edits, cut) => {
        const b = seeds[which].slice(0, seeds[which].length - (cut % 8 === 0 ? cut % 200 : 0));
        for (const [at, v] of edits) b[at % b.length] = v;
        let header;
        try {
          header = imageHeader(b);
        } catch (e) {
          if (!(e instanceof CardError)) throw e;
          return;
        }
        if (header.width * header.height > 1_000_000) return; // a mutated size: decoding it only costs time
        try {
          expect(decodeImage(b)).toMatchObject({ width: header.width, height: header.height });
        } catch (e) {
          if (!(e instanceof CardError)) throw e;
        }
      }),
      { numRuns: 1000, seed: fcSeed },
    );
  });
});
