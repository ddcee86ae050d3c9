// PDF renderer (pdf-lib): draws the same layout.ts primitives as the SVG, on a business card page
// (85 × 55 mm) or an A4 sheet of ten. Fonts are PDF standard fonts (Helvetica, Courier: ISO 32000-1
// §9.6.2.2), which every viewer has, so nothing depends on the machine's fonts; they cover
// WinAnsiEncoding only, so other characters (e.g. a non-Latin display name) print as "?" — the SVG
// and PNG renderers show them. The document dates are the card's print time, so output is
// deterministic.

import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Card } from './model.js';
import { layoutCard, pageLayout, type FontRole, type Primitive } from './layout.js';
import { qrRuns } from './qr.js';

const PT = 72 / 25.4; // points per mm

/** Standard font per role. */
export const PDF_FONTS: Record<FontRole, StandardFonts> = {
  sans: StandardFonts.Helvetica,
  'sans-bold': StandardFonts.HelveticaBold,
  mono: StandardFonts.Courier,
  'mono-bold': StandardFonts.CourierBold,
};

function colour(hex: string) {
  const v = parseInt(hex.slice(1), 16);
  return rgb(((v >> 16) & 0xff) / 255, ((v >> 8) & 0xff) / 255, (v & 0xff) / 255);
}

/** Replaces characters the standard font cannot encode with "?". */
function encodable(font: PDFFont, text: string): string {
  const set = new Set(font.getCharacterSet());
  return [...text].map((c) => (set.has(c.codePointAt(0)!) ? c : '?')).join('');
}

function draw(page: PDFPage, fonts: Record<FontRole, PDFFont>, p: Primitive, ox: number, oy: number, pageHeight: number): void {
  const X = (x: number) => (ox + x) * PT;
  const Y = (y: number) => (pageHeight - (oy + y)) * PT;
  switch (p.kind) {
    case 'rect':
      page.drawRectangle({
        x: X(p.x), y: Y(p.y + p.h), width: p.w * PT, height: p.h * PT,
        ...(p.fill ? { color: colour(p.fill) } : {}),
        ...(p.stroke ? { borderColor: colour(p.stroke), borderWidth: (p.strokeWidth ?? 0.2) * PT } : {}),
      });
      return;
    case 'text': {
      const font = fonts[p.font];
      const text = encodable(font, p.text);
      const size = p.size * PT;
      const w = p.anchor === 'middle' ? font.widthOfTextAtSize(text, size) : 0;
      page.drawText(text, { x: X(p.x) - w / 2, y: Y(p.y), size, font, color: colour(p.fill) });
      return;
    }
    case 'qr': {
      const { qr } = p;
      const m = p.size / (qr.size + 2 * p.quiet);
      page.drawRectangle({ x: X(p.x), y: Y(p.y + p.size), width: p.size * PT, height: p.size * PT, color: rgb(1, 1, 1) });
      const black = rgb(0, 0, 0);
      for (const r of qrRuns(qr)) {
        const mx = p.x + (r.x + p.quiet) * m;
        const my = p.y + (r.y + p.quiet) * m;
        page.drawRectangle({ x: X(mx), y: Y(my + m), width: r.length * m * PT, height: m * PT, color: black });
      }
    }
  }
}

/**
 * Renders a card as PDF: one business-card page, or an A4 page with ten copies.
 * @param card the card model
 * @param options.layout `card` (85 × 55 mm, default) or `a4`
 * @returns the PDF bytes
 * @example writeFileSync('cards.pdf', await renderPdf(card, { layout: 'a4' }))
 */
export async function renderPdf(card: Card, options: { layout?: 'card' | 'a4' } = {}): Promise<Uint8Array> {
  const layout = pageLayout(options.layout ?? 'card');
  const doc = await PDFDocument.create();
  const when = new Date(card.printedAt);
  doc.setTitle(`keyprint card: ${card.displayName}`.replace(/[^\x20-\x7e]/g, '?'));
  doc.setCreator('keyprint');
  doc.setProducer('keyprint (pdf-lib)');
  doc.setCreationDate(when);
  doc.setModificationDate(when);
  const fonts = {} as Record<FontRole, PDFFont>;
  for (const role of Object.keys(PDF_FONTS) as FontRole[]) fonts[role] = await doc.embedFont(PDF_FONTS[role]);
  const page = doc.addPage([layout.width * PT, layout.height * PT]);
  const prims = layoutCard(card);
  for (const c of layout.cards) for (const p of prims) draw(page, fonts, p, c.x, c.y, layout.height);
  return doc.save({ useObjectStreams: false });
}
