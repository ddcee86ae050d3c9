// Reading a card PDF back to pixels, in Node, without a PDF renderer: the first page's content
// stream (ISO 32000-1 §7.8) is parsed for what keyprint's renderer (render-pdf.ts, pdf-lib) draws a
// QR code with — filled rectangles, as `x y w h re` or `m`/`l`/`h` paths, placed with `cm` — and
// those are rasterised at 300 dpi; text is not drawn (the QR code is what is read). A scanned PDF
// (a page that is one JPEG image, DCTDecode §7.4.8) gives that image instead. Anything else —
// another program's vector drawing, other image encodings — is said, with the way out: rasterise
// the page (pdftoppm) and verify the PNG.

import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream, type PDFPage } from 'pdf-lib';
import jpeg from 'jpeg-js';
import { CardError } from './errors.js';
import type { RgbaImage } from './decode-qr.js';
import { MAX_IMAGE_PIXELS, checkPixels } from './image-size.js';

const DPI = 300;
const PT = 72; // points per inch

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5],
];

/**
 * The first page of a PDF as RGBA pixels at 300 dpi.
 * @param bytes the PDF file
 * @returns the page's pixels
 * @throws CardError `image-unreadable` (not a PDF pdf-lib reads, or a page drawn otherwise), `image-too-large`
 * @example readCards(pdfPage(readFileSync('cards.pdf')))
 */
export async function pdfPage(bytes: Uint8Array): Promise<RgbaImage> {
  let page: PDFPage;
  try {
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    page = doc.getPages()[0];
    if (!page) throw new Error('it has no page');
  } catch (e) {
    throw new CardError('image-unreadable', `the PDF does not open: ${(e as Error).message}`, { cause: e });
  }
  const scanned = scannedImage(page);
  if (scanned) return scanned;
  const { width, height } = page.getSize();
  const W = Math.round((width / PT) * DPI), H = Math.round((height / PT) * DPI);
  checkPixels(W, H, 'to rasterise the PDF page at 300 dpi');
  const img: RgbaImage = { width: W, height: H, data: new Uint8Array(W * H * 4).fill(255) };
  const s = DPI / PT;
  let filled = 0;
  const fill = (x0: number, y0: number, x1: number, y1: number, dark: boolean) => {
    // PDF space has y up; pixels have y down.
    const px0 = Math.max(0, Math.round(Math.min(x0, x1) * s)), px1 = Math.min(W, Math.round(Math.max(x0, x1) * s));
    const py0 = Math.max(0, Math.round(H - Math.max(y0, y1) * s)), py1 = Math.min(H, Math.round(H - Math.min(y0, y1) * s));
    const v = dark ? 0 : 255;
    for (let y = py0; y < py1; y++) img.data.fill(v, (y * W + px0) * 4, (y * W + px1) * 4);
    for (let y = py0; y < py1; y++) for (let x = px0; x < px1; x++) img.data[(y * W + x) * 4 + 3] = 255;
    filled++;
  };
  for (const text of contentStreams(page)) drawRectangles(text, fill);
  if (filled === 0) throw new CardError('image-unreadable', 'the PDF page has no drawing keyprint can read: rasterise it (pdftoppm -png -r 300 FILE page) and verify the PNG');
  return img;
}

/** The page's content streams, decoded. */
function contentStreams(page: PDFPage): string[] {
  const contents = page.node.Contents();
  const refs = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  return refs.map((r) => {
    const stream = page.doc.context.lookup(r);
    if (!(stream instanceof PDFRawStream)) throw new CardError('image-unreadable', 'the PDF page content is not a stream');
    return new TextDecoder('latin1').decode(decodePDFRawStream(stream).decode());
  });
}

/**
 * Runs the operators that fill axis-aligned rectangles (q/Q, cm, rg/g, re, m/l/h, f/F/f*, B/B*),
 * skipping text objects; `fill` gets each filled box in page space and whether it is dark.
 */
function drawRectangles(text: string, fill: (x0: number, y0: number, x1: number, y1: number, dark: boolean) => void): void {
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let dark = true;
  const stack: Array<{ ctm: Matrix; dark: boolean }> = [];
  let path: Array<[number, number]> = [];
  let boxes: Array<[number, number, number, number]> = [];
  const args: number[] = [];
  let inText = false;
  const at = (x: number, y: number): [number, number] => [ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]];
  const closePath = () => {
    if (path.length >= 2) {
      const xs = path.map((p) => p[0]), ys = path.map((p) => p[1]);
      boxes.push([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
    }
    path = [];
  };
  for (const token of text.split(/[\s]+/)) {
    if (token === '') continue;
    if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(token)) { args.push(Number(token)); continue; }
    if (inText) { if (token === 'ET') inText = false; args.length = 0; continue; }
    switch (token) {
      case 'BT': inText = true; break;
      case 'q': stack.push({ ctm, dark }); break;
      case 'Q': ({ ctm, dark } = stack.pop() ?? { ctm, dark }); break;
      case 'cm': if (args.length >= 6) ctm = multiply(args.slice(-6) as Matrix, ctm); break;
      case 'rg': if (args.length >= 3) dark = 0.299 * args.at(-3)! + 0.587 * args.at(-2)! + 0.114 * args.at(-1)! < 0.5; break;
      case 'g': if (args.length >= 1) dark = args.at(-1)! < 0.5; break;
      case 'm': closePath(); if (args.length >= 2) path.push(at(args.at(-2)!, args.at(-1)!)); break;
      case 'l': if (args.length >= 2) path.push(at(args.at(-2)!, args.at(-1)!)); break;
      case 'h': closePath(); break;
      case 're': if (args.length >= 4) {
        const [x, y, w, h] = args.slice(-4);
        path = [at(x, y), at(x + w, y), at(x + w, y + h), at(x, y + h)];
        closePath();
      } break;
      case 'f': case 'F': case 'f*': case 'B': case 'B*': case 'b': case 'b*':
        closePath();
        for (const b of boxes) fill(b[0], b[1], b[2], b[3], dark);
        boxes = [];
        break;
      case 'S': case 's': case 'n': path = []; boxes = []; break;
      default: break; // colours for strokes, line widths, dashes, XObjects: not part of a QR code
    }
    args.length = 0;
  }
}

/** A scanned page: one JPEG image drawn on it (the largest), decoded. */
function scannedImage(page: PDFPage): RgbaImage | undefined {
  const resources = page.node.Resources();
  const xobjects = resources?.lookupMaybe(PDFName.of('XObject'), PDFDict);
  if (!xobjects) return undefined;
  let best: RgbaImage | undefined;
  for (const [, ref] of xobjects.entries()) {
    const x = page.doc.context.lookup(ref);
    if (!(x instanceof PDFRawStream) || x.dict.get(PDFName.of('Subtype')) !== PDFName.of('Image')) continue;
    const filter = x.dict.get(PDFName.of('Filter'));
    const dct = filter === PDFName.of('DCTDecode') || (filter instanceof PDFArray && filter.asArray().length === 1 && filter.get(0) === PDFName.of('DCTDecode'));
    if (!dct) throw new CardError('image-unreadable', 'the PDF holds an image keyprint cannot decode (only JPEG): rasterise it (pdftoppm -png -r 300 FILE page) and verify the PNG');
    let j;
    try {
      j = jpeg.decode(x.getContents(), { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
    } catch (e) {
      throw new CardError('image-unreadable', `the PDF's JPEG image does not decode: ${(e as Error).message}`, { cause: e });
    }
    if (!best || j.width * j.height > best.width * best.height) best = { width: j.width, height: j.height, data: j.data };
  }
  return best;
}
