// Card verification, offline, from what a person has: a photo or scan (PNG/JPEG), an SVG card, or
// the payload (bytes or its `kpcard1:` text). This module reads the payload out of the input
// (decode.ts: pngjs / jpeg-js, resvg for SVG — Node only); the checks themselves are
// verify-payload.ts, which the browser uses directly (an SVG's printed text counts there only when
// the file is exactly what the renderer draws, svg-text.ts).

import { CardError } from './errors.js';
import { checkCardPayload, payloadFromText } from './payload.js';
import { decodeImage, readCards, sniff, type RgbaImage, type SheetCard } from './decode.js';
import { verifyCardPayload, type CardVerification, type VerifyCardOptions } from './verify-payload.js';

export { verifyCardPayload } from './verify-payload.js';
export type { CardCheck, CardCheckName, CardClaim, CardIdentity, CardVerification, VerifyCardOptions } from './verify-payload.js';

/**
 * What to verify: an image file (PNG/JPEG), an SVG card, a PDF (keyprint's, or a scan), or the
 * payload (bytes or `kpcard1:` text). An image, SVG or PDF of an A4 sheet holds ten cards.
 */
export type CardInput = { image: Uint8Array } | { svg: string } | { pdf: Uint8Array } | { payload: Uint8Array | string };

/** One card read from an input: its payload (and the SVG it came from), or why it could not be read. */
export interface ReadCard { index: number; payload?: Uint8Array; svg?: string; error?: CardError }

/**
 * Reads every card an input holds: the ten of an A4 sheet (image, SVG or PDF), else the one.
 * Each payload is checked to be a keyprint card (checkCardPayload); one that is not is that
 * card's `error`.
 * @param input see CardInput
 * @returns one entry per card, in sheet order
 * @throws CardError when nothing on it can be read (`image-unreadable`, `image-too-large`, `no-qr`, `payload-text`, `input`)
 * @example for (const c of await readCardInputs({ image: png })) console.log(c.index, c.error?.message)
 */
export async function readCardInputs(input: CardInput): Promise<ReadCard[]> {
  if (typeof input !== 'object' || input === null) throw new CardError('input', 'expected { image }, { svg }, { pdf } or { payload }');
  let cards: SheetCard[];
  let svg: string | undefined;
  if ('image' in input) cards = readCards(decodeImage(input.image));
  else if ('svg' in input) {
    const { svgToPng } = await import('./render-png.js'); // resvg loads only when an SVG is given
    const w = /width="([\d.]+)mm"/.exec(input.svg);
    svg = input.svg;
    cards = readCards(decodeImage(svgToPng(input.svg, w ? Number(w[1]) : 85, 300)));
  } else if ('pdf' in input) {
    const { pdfPage } = await import('./read-pdf.js'); // pdf-lib loads only when a PDF is given
    cards = readCards(await pdfPage(input.pdf) as RgbaImage);
  } else return [{ index: 1, ...(await readAny(input)) }];
  return cards.map((c) => {
    if (!c.payload) return { index: c.index, error: c.error };
    try {
      checkCardPayload(c.payload);
    } catch (e) {
      if (!(e instanceof CardError)) throw e;
      return { index: c.index, error: e };
    }
    return { index: c.index, payload: c.payload, ...(svg !== undefined ? { svg } : {}) };
  });
}

/**
 * Reads the payload bytes from a verifyCard input.
 * @param input see CardInput
 * @returns the payload bytes and, for SVG cards, the SVG text (verifyCardPayload reads its printed
 *   text only if the file is exactly what the renderer draws for the payload)
 * @throws CardError `image-unreadable`, `image-too-large`, `no-qr`, `payload-text`, `input`, `not-a-card`, `payload-version`
 * @example const { payload } = readCardInput({ image: png })
 */
export async function readCardInput(input: CardInput): Promise<{ payload: Uint8Array; svg?: string }> {
  const cards = await readCardInputs(input);
  const first = cards.find((c) => c.payload) ?? cards[0];
  if (!first.payload) throw first.error!;
  return { payload: first.payload, ...(first.svg !== undefined ? { svg: first.svg } : {}) };
}

async function readAny(input: { payload: Uint8Array | string }): Promise<{ payload: Uint8Array }> {
  const p = input.payload;
  let payload: Uint8Array | undefined;
  if (typeof p === 'string') payload = payloadFromText(p);
  else if (p instanceof Uint8Array) payload = sniff(p) === 'payload-text' ? payloadFromText(new TextDecoder().decode(p)) : p;
  if (!payload) throw new CardError('input', 'expected { image }, { svg }, { pdf } or { payload }');
  checkCardPayload(payload);
  return { payload };
}

/**
 * Verifies a card offline. Malformed *files* (not an image, no QR code, not a keyprint card) throw; a payload that
 * decodes badly or fails any check gives `verified: false` with the reason in `checks`.
 * Without `digits`/`words` the printed text is compared only for an SVG card that is exactly what
 * the renderer draws for its payload (else `svgTextRejected` says why); images are not OCR'd. Not
 * compared, `printedTextCompared` is false and the person must type the digits printed on the card.
 * @param input see CardInput
 * @param options see VerifyCardOptions
 * @returns `{ verified, trust, claimed, checks, identity, printedTextCompared, svgTextRejected }`
 * @throws CardError `image-unreadable`, `image-too-large`, `no-qr`, `payload-text`, `input`, `not-a-card`, `payload-version`, `printed-text-input`
 * @example
 * const r = await verifyCard({ image: readFileSync('card.jpg') }, { digits: '12345 67890 …' })
 * if (!r.verified) console.log(r.checks.filter((c) => !c.ok))
 */
export async function verifyCard(input: CardInput, options: VerifyCardOptions = {}): Promise<CardVerification> {
  const { payload, svg } = await readCardInput(input);
  return verifyCardPayload(payload, options, svg === undefined ? undefined : { svg });
}

/**
 * Verifies every card an input holds (the ten of an A4 sheet; one otherwise), each as verifyCard.
 * @returns one entry per card: `{ index, result }`, or `{ index, error }` for a card that could not be read
 * @throws CardError as readCardInputs when nothing can be read
 * @example const all = await verifyCards({ image: scan }, { digits }); all.every((c) => c.result?.verified)
 */
export async function verifyCards(input: CardInput, options: VerifyCardOptions = {}): Promise<Array<{ index: number; result?: CardVerification; error?: CardError }>> {
  const out = [];
  for (const c of await readCardInputs(input)) {
    if (!c.payload) out.push({ index: c.index, error: c.error! });
    else out.push({ index: c.index, result: await verifyCardPayload(c.payload, options, c.svg === undefined ? undefined : { svg: c.svg }) });
  }
  return out;
}
