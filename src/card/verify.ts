// Card verification, offline, from what a person has: a photo or scan (PNG/JPEG), an SVG card, or
// the payload (bytes or its `kpcard1:` text). This module reads the payload out of the input
// (decode.ts: pngjs / jpeg-js, resvg for SVG — Node only); the checks themselves are
// verify-payload.ts, which the browser uses directly (an SVG's printed text counts there only when
// the file is exactly what the renderer draws, svg-text.ts).

import { CardError } from './errors.js';
import { checkCardPayload, payloadFromText } from './payload.js';
import { readCardImage, sniff } from './decode.js';
import { verifyCardPayload, type CardVerification, type VerifyCardOptions } from './verify-payload.js';

export { verifyCardPayload } from './verify-payload.js';
export type { CardCheck, CardCheckName, CardClaim, CardIdentity, CardVerification, VerifyCardOptions } from './verify-payload.js';

/** What to verify: an image file (PNG/JPEG), an SVG card, or the payload (bytes or `kpcard1:` text). */
export type CardInput = { image: Uint8Array } | { svg: string } | { payload: Uint8Array | string };

/**
 * Reads the payload bytes from a verifyCard input.
 * @param input see CardInput
 * @returns the payload bytes and, for SVG cards, the SVG text (verifyCardPayload reads its printed
 *   text only if the file is exactly what the renderer draws for the payload)
 * @throws CardError `image-unreadable`, `image-too-large`, `no-qr`, `payload-text`, `input`, `not-a-card`, `payload-version`
 * @example const { payload } = readCardInput({ image: png })
 */
export async function readCardInput(input: CardInput): Promise<{ payload: Uint8Array; svg?: string }> {
  const read = await readAny(input);
  checkCardPayload(read.payload);
  return read;
}

async function readAny(input: CardInput): Promise<{ payload: Uint8Array; svg?: string }> {
  if (typeof input !== 'object' || input === null) throw new CardError('input', 'expected { image }, { svg } or { payload }');
  if ('image' in input) return { payload: readCardImage(input.image) };
  if ('svg' in input) {
    const { svgToPng } = await import('./render-png.js'); // resvg loads only when an SVG is given
    const w = /width="([\d.]+)mm"/.exec(input.svg);
    return { payload: readCardImage(svgToPng(input.svg, w ? Number(w[1]) : 85, 300)), svg: input.svg };
  }
  if ('payload' in input) {
    const p = input.payload;
    if (typeof p === 'string') return { payload: payloadFromText(p) };
    if (p instanceof Uint8Array) {
      if (sniff(p) === 'payload-text') return { payload: payloadFromText(new TextDecoder().decode(p)) };
      return { payload: p };
    }
  }
  throw new CardError('input', 'expected { image }, { svg } or { payload }');
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
