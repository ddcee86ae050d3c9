// The printed text of an SVG card, read back only when the file is exactly what render-svg.ts
// draws for the card's payload: the card is rebuilt from the payload and the document compared
// whole. Reading text elements out of an arbitrary file cannot work — an XML comment, a hidden
// <text>, a white rectangle over the digits or an edited group all make what a regex reads differ
// from what a person sees (issue 16, review finding 2). A faithful file has no such freedom: its
// text is, by construction, the fingerprint of the key in its QR code. Browser-safe.
//
// The one canonicalisation: CRLF line endings are read as LF (a file that went through a Windows
// editor or mail client). What the payload does not fix is taken from a short list of candidates,
// each re-rendered and compared in full: the QR error correction level (M, or L when the card's
// maker capped the QR version), the layout (one card, or an A4 sheet of ten), and a full card's
// print date (read from its "printed" text; a compact card's is its verdict's checkedAt).

import type { AttestationTrust, IdentityBundle } from '../identity/index.js';
import { CARD_VERSION } from './payload.js';
import { cardFingerprint, shortDid, type Card, type CardAuthenticator } from './model.js';
import { qrMatrix } from './qr.js';
import { renderSvg } from './render-svg.js';

/** What the payload says about the card as its maker drew it. */
export interface DrawnCard {
  /** The QR code's bytes. */
  payload: Uint8Array;
  /** The bundle the payload carries. */
  bundle: IdentityBundle;
  form: 'full' | 'compact';
  /** The level the maker printed: a compact card's verdict, a full card's as checked here. */
  trust: AttestationTrust;
  authenticator: CardAuthenticator;
  /** A compact card's print time (its verdict's checkedAt); a full card's is read from the file. */
  printedAt?: number;
}

/** The outcome: the printed digits and words of a faithful file, or why the text was not read. */
export type SvgText = { digits: string; words: string[] } | { rejected: string };

/**
 * The printed digits and words of an SVG card, when the file is exactly what the renderer draws
 * for this payload (after reading CRLF as LF); otherwise the reason it is not.
 * @param svg the SVG file's text
 * @param drawn the card as the payload describes it
 * @returns `{ digits, words }` or `{ rejected }`
 * @example const t = svgPrintedText(svg, { payload, bundle, form, trust, authenticator, printedAt })
 */
export function svgPrintedText(svg: string, drawn: DrawnCard): SvgText {
  const text = svg.replace(/\r\n/g, '\n');
  const { did, digits, words } = cardFingerprint(drawn.bundle.identityPublicKey);
  const printed = /printed (\d{4}-\d{2}-\d{2})<\/text>/.exec(text);
  const printedAt = drawn.printedAt ?? (printed ? Date.parse(`${printed[1]}T00:00:00Z`) : undefined);
  if (printedAt === undefined || Number.isNaN(printedAt)) return { rejected: rejection(text, undefined) };
  let closest: string | undefined;
  for (const ecc of ['M', 'L'] as const) {
    let qr;
    try {
      qr = qrMatrix(drawn.payload, ecc);
    } catch {
      continue; // does not fit at this level: not how it was drawn
    }
    const card: Card = {
      version: CARD_VERSION, form: drawn.form, payload: drawn.payload, qr, bundle: drawn.bundle, displayName: drawn.bundle.displayName,
      did, didShort: shortDid(did), digits, words, authenticator: drawn.authenticator, trust: drawn.trust,
      hardwareBound: drawn.bundle.binding !== null, createdAt: drawn.bundle.createdAt, printedAt,
    };
    for (const layout of ['card', 'a4'] as const) {
      const expected = renderSvg(card, { layout });
      if (expected === text) return { digits, words };
      if (closest === undefined || firstDifference(text, expected) > firstDifference(text, closest)) closest = expected;
    }
  }
  return { rejected: rejection(text, closest) };
}

function rejection(text: string, closest: string | undefined): string {
  return `the SVG is not exactly what keyprint draws for this card (first difference at line ${closest ? firstDifference(text, closest) : 1})`;
}

/** The 1-based number of the first line where a and b differ. */
function firstDifference(a: string, b: string): number {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i + 1;
}
