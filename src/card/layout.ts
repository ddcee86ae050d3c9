// Card layout: places a card's content on an 85 × 55 mm business card (ISO/IEC 7810 ID-1 is
// 85.6 × 54 mm; business cards are 85 × 55) and cards on an A4 sheet (2 × 5), in millimetres. The
// renderers (render-svg.ts, render-pdf.ts) draw exactly these primitives, so SVG and PDF agree.
// Text widths are estimated with conservative per-font factors (no font metrics needed), so a
// layout never depends on which fonts the machine has.

import type { Card } from './model.js';
import { groupDigits } from './model.js';
import type { QrMatrix } from './qr.js';

/** Font roles; each renderer maps them to concrete fonts. */
export type FontRole = 'sans' | 'sans-bold' | 'mono' | 'mono-bold';

/** One drawable item, coordinates in mm from the top-left of the card. */
export type Primitive =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; stroke?: string; fill?: string; strokeWidth?: number }
  // `id` names printed text a verifier reads back (the SVG's class attribute, e.g. kp-digits-0).
  | { kind: 'text'; x: number; y: number; size: number; font: FontRole; text: string; fill: string; anchor: 'start' | 'middle'; id?: string }
  | { kind: 'qr'; x: number; y: number; size: number; qr: QrMatrix; quiet: number };

/** A page: its size and where card copies go. */
export interface PageLayout {
  width: number;
  height: number;
  /** Top-left corners of each card copy, mm. */
  cards: Array<{ x: number; y: number }>;
}

/** Business card size, mm. */
export const CARD_WIDTH = 85;
export const CARD_HEIGHT = 55;
/** A4, mm. */
export const A4 = { width: 210, height: 297 } as const;
/** QR box (including its quiet zone), mm. */
export const QR_BOX = 40;

// Average advance per em, rounded up: DejaVu Sans ≈ 0.55–0.6, Helvetica ≈ 0.5–0.56, mono 0.6.
const EM: Record<FontRole, number> = { sans: 0.62, 'sans-bold': 0.68, mono: 0.61, 'mono-bold': 0.61 };

/**
 * Estimated width of a text in mm.
 * @param text the text
 * @param size font size, mm
 * @param font the font role
 * @returns width, mm (an upper estimate)
 * @example textWidth('Ada', 4, 'sans-bold')
 */
export function textWidth(text: string, size: number, font: FontRole): number {
  let em = 0;
  for (const c of text) em += WIDE.test(c) ? 1 : EM[font];
  return em * size;
}

// East Asian wide characters (UAX #11: CJK, kana, Hangul, fullwidth forms) take a full em.
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** Shortens `text` with an ellipsis until it fits `width`. */
function fit(text: string, size: number, font: FontRole, width: number): string {
  if (textWidth(text, size, font) <= width) return text;
  const chars = [...text];
  while (chars.length > 1 && textWidth(chars.join('') + '…', size, font) > width) chars.pop();
  return chars.join('') + '…';
}

/** Greedy word wrap into lines no wider than `width`. */
function wrap(words: string[], size: number, font: FontRole, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const next = line ? `${line} ${w}` : w;
    if (line && textWidth(next, size, font) > width) {
      lines.push(line);
      line = w;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

const TRUST_LABEL: Record<string, string> = {
  'hardware-attested': 'hardware-attested (vendor certificate chain)',
  'attested-unknown-vendor': 'attested, unknown vendor',
  'self-attested': 'self-attested (model not proven)',
  unattested: 'unattested (model not proven)',
};

/** Date as YYYY-MM-DD (UTC), so rendering does not depend on the machine's time zone. */
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Lays out one card (85 × 55 mm): text column on the left, the QR code (40 mm with its quiet zone)
 * on the right.
 * @param card the card model
 * @returns the primitives, in drawing order
 * @example for (const p of layoutCard(card)) draw(p)
 */
export function layoutCard(card: Card): Primitive[] {
  const ink = '#000000';
  const grey = '#555555';
  const left = 4;
  const col = 39.5; // text column width
  const out: Primitive[] = [];
  out.push({ kind: 'rect', x: 0, y: 0, w: CARD_WIDTH, h: CARD_HEIGHT, fill: '#ffffff', stroke: '#bbbbbb', strokeWidth: 0.15 });
  const text = (y: number, size: number, font: FontRole, t: string, fill = ink, id?: string) =>
    out.push({ kind: 'text', x: left, y, size, font, text: t, fill, anchor: 'start', ...(id ? { id } : {}) });

  // Name: 4 mm, shrinking to 3 mm before it is shortened.
  // Name: 4 mm, shrinking to 3 mm; a longer name takes two lines at 2.8 mm, and only then is it
  // shortened with an ellipsis.
  let nameSize = 4;
  while (nameSize > 3 && textWidth(card.displayName, nameSize, 'sans-bold') > col) nameSize -= 0.25;
  const nameLines = textWidth(card.displayName, nameSize, 'sans-bold') <= col ? [card.displayName] : wrap(card.displayName.split(' '), 2.8, 'sans-bold', col);
  if (nameLines.length === 1) text(7, nameSize, 'sans-bold', fit(card.displayName, nameSize, 'sans-bold', col), ink, 'kp-name');
  else {
    text(4.9, 2.8, 'sans-bold', fit(nameLines[0], 2.8, 'sans-bold', col), ink, 'kp-name');
    text(7.9, 2.8, 'sans-bold', fit(nameLines.slice(1).join(' '), 2.8, 'sans-bold', col), ink, 'kp-name-1');
  }
  text(10.8, 2, 'mono', card.didShort, grey, 'kp-did');

  text(15.2, 1.8, 'sans', 'Safety number (this identity\u2019s half)', grey);
  const groups = groupDigits(card.digits).split(' ');
  text(19.6, 3.3, 'mono-bold', groups.slice(0, 3).join(' '), ink, 'kp-digits-0');
  text(23.6, 3.3, 'mono-bold', groups.slice(3).join(' '), ink, 'kp-digits-1');

  text(27.6, 1.8, 'sans', 'Read aloud', grey);
  // All 13 words must be printed (THREAT-MODEL.md: 13 is the minimum that meets 112 bits): shrink
  // the size until they fit four lines.
  let wordSize = 2.3;
  let lines = wrap(card.words, wordSize, 'sans', col);
  while (lines.length > 4 && wordSize > 1.5) {
    wordSize -= 0.1;
    lines = wrap(card.words, wordSize, 'sans', col);
  }
  lines.forEach((l, i) => text(30.9 + i * 2.9, wordSize, 'sans', l, ink, `kp-words-${i}`));

  // The authenticator model may take two lines; the trust line moves down to make room.
  const model = wrap(`Key: ${card.authenticator.model}`.split(' '), 1.8, 'sans', col + 1);
  text(model.length > 1 ? 43.6 : 44.2, 1.8, 'sans', fit(model[0], 1.8, 'sans', col + 1), ink, 'kp-model-0');
  if (model.length > 1) text(45.9, 1.8, 'sans', fit(model.slice(1).join(' '), 1.8, 'sans', col + 1), ink, 'kp-model-1');
  text(model.length > 1 ? 48.3 : 47, 1.8, 'sans', fit(`Trust: ${card.hardwareBound ? TRUST_LABEL[card.trust] ?? card.trust : 'no hardware binding'}`, 1.8, 'sans', col + 1), ink, 'kp-trust');
  text(51.6, 1.6, 'sans', `Created ${day(card.createdAt)} \u00b7 printed ${day(card.printedAt)}`, grey, 'kp-dates');

  const qx = QR_AT.x;
  const qy = QR_AT.y;
  out.push({ kind: 'qr', x: qx, y: qy, size: QR_BOX, qr: card.qr, quiet: 4 });
  out.push({ kind: 'text', x: qx + QR_BOX / 2, y: qy + QR_BOX + 3.2, size: 1.9, font: 'sans-bold', text: `keyprint card v${card.version}`, fill: ink, anchor: 'middle' });
  out.push({ kind: 'text', x: qx + QR_BOX / 2, y: qy + QR_BOX + 6, size: 1.5, font: 'sans', text: 'scan: keyprint verify', fill: grey, anchor: 'middle' });
  out.push({ kind: 'text', x: qx + QR_BOX / 2, y: qy + QR_BOX + 8.4, size: 1.5, font: 'sans', text: card.form === 'compact' ? 'compact card (signed attestation verdict)' : 'full identity bundle', fill: grey, anchor: 'middle' });
  return out;
}

/** Where the QR box sits on a card (top-left corner, mm): layoutCard draws it here. */
export const QR_AT = { x: CARD_WIDTH - QR_BOX - 1.5, y: 2 } as const;

/**
 * Page layouts: one card, or ten on A4 (2 columns × 5 rows, centred, touching so one cut serves two).
 * @param layout `card` or `a4`
 * @returns the page size and card positions, mm
 * @example pageLayout('a4').cards.length // 10
 */
export function pageLayout(layout: 'card' | 'a4'): PageLayout {
  if (layout === 'card') return { width: CARD_WIDTH, height: CARD_HEIGHT, cards: [{ x: 0, y: 0 }] };
  const mx = (A4.width - 2 * CARD_WIDTH) / 2;
  const my = (A4.height - 5 * CARD_HEIGHT) / 2;
  const cards = [];
  for (let r = 0; r < 5; r++) for (let c = 0; c < 2; c++) cards.push({ x: mx + c * CARD_WIDTH, y: my + r * CARD_HEIGHT });
  return { width: A4.width, height: A4.height, cards };
}
