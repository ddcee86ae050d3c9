// PDF renderer (pdf-lib): draws the same layout.ts primitives as the SVG, on a business card page
// (85 × 55 mm) or an A4 sheet of ten. Text is drawn in the card fonts (fonts.ts: DejaVu, Noto Sans
// Arabic and Hebrew, Droid Sans Fallback for CJK), embedded (ISO 32000-1 §9.9) with only the
// outlines the card draws (ttf-strip.ts) so every viewer shows them; a line mixing scripts is drawn run by run in visual
// order (fonts.ts textRuns), right-to-left runs shaped by fontkit; each glyph maps back to its
// characters (ToUnicode, §9.10.3), so a text extractor reads the name (poppler's pdftotext puts
// right-to-left runs back in logical order, between U+202B and U+202C). The document dates are the card's print time, so output is deterministic.

import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Card } from './model.js';
import { textRuns } from './fonts.js';
import { fontBytes } from './fonts-node.js';
import { layoutCard, pageLayout, type Primitive } from './layout.js';
import { qrRuns } from './qr.js';
import { stripGlyphs } from './ttf-strip.js';

const PT = 72 / 25.4; // points per mm

function colour(hex: string) {
  const v = parseInt(hex.slice(1), 16);
  return rgb(((v >> 16) & 0xff) / 255, ((v >> 8) & 0xff) / 255, (v & 0xff) / 255);
}

function draw(page: PDFPage, font: (file: string) => PDFFont, p: Primitive, ox: number, oy: number, pageHeight: number): void {
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
      const size = p.size * PT;
      const runs = textRuns(p.text, p.font).map((r) => ({ ...r, pdfFont: font(r.font) }));
      const widths = runs.map((r) => r.pdfFont.widthOfTextAtSize(r.text, size));
      let x = X(p.x) - (p.anchor === 'middle' ? widths.reduce((a, b) => a + b, 0) / 2 : 0);
      runs.forEach((r, i) => {
        page.drawText(r.text, { x, y: Y(p.y), size, font: r.pdfFont, color: colour(p.fill) });
        x += widths[i];
      });
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
  doc.setTitle(`keyprint card: ${card.displayName}`);
  doc.setCreator('keyprint');
  doc.setProducer('keyprint (pdf-lib)');
  doc.setCreationDate(when);
  doc.setModificationDate(when);
  doc.registerFontkit(fontkit);
  const page = doc.addPage([layout.width * PT, layout.height * PT]);
  const prims = layoutCard(card);
  // Embed each font the text needs, once, with only the outlines drawn (ttf-strip.ts).
  const texts = new Map<string, string[]>();
  for (const p of prims) if (p.kind === 'text') for (const r of textRuns(p.text, p.font)) texts.set(r.font, [...(texts.get(r.font) ?? []), r.text]);
  const embedded = new Map<string, PDFFont>();
  for (const [file, runs] of texts) {
    const bytes = fontBytes(file);
    const shaped = fontkit.create(bytes);
    const glyphs = runs.flatMap((t) => shaped.layout(t).glyphs.map((g) => g.id));
    embedded.set(file, await doc.embedFont(stripGlyphs(bytes, glyphs), { subset: false }));
  }
  for (const c of layout.cards) for (const p of prims) draw(page, (f) => embedded.get(f)!, p, c.x, c.y, layout.height);
  return doc.save({ useObjectStreams: false });
}
