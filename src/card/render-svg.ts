// SVG renderer: the vector source of truth for a card (SVG 1.1). Draws layout.ts primitives in mm
// (viewBox units = mm); the QR code is one path of horizontal runs. Output is deterministic: the
// same card gives the same bytes (numbers are printed with fixed precision, no timestamps or ids
// beyond the card's content).

import type { Card } from './model.js';
import { layoutCard, pageLayout, type FontRole, type Primitive } from './layout.js';
import { qrRuns } from './qr.js';

/** Font families per role; DejaVu first (what render-png.ts loads), then common fallbacks. */
export const SVG_FONTS: Record<FontRole, { family: string; weight: 'normal' | 'bold' }> = {
  sans: { family: "'DejaVu Sans', Helvetica, Arial, sans-serif", weight: 'normal' },
  'sans-bold': { family: "'DejaVu Sans', Helvetica, Arial, sans-serif", weight: 'bold' },
  mono: { family: "'DejaVu Sans Mono', 'Courier New', monospace", weight: 'normal' },
  'mono-bold': { family: "'DejaVu Sans Mono', 'Courier New', monospace", weight: 'bold' },
};

const n = (x: number) => {
  const s = x.toFixed(3).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};

/** XML-escapes text content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function qrPath(p: Extract<Primitive, { kind: 'qr' }>): string {
  const { qr } = p;
  const total = qr.size + 2 * p.quiet;
  const m = p.size / total;
  let d = '';
  for (const r of qrRuns(qr)) d += `M${r.x + p.quiet} ${r.y + p.quiet}h${r.length}v1h${-r.length}z`;
  return `<rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.size)}" height="${n(p.size)}" fill="#ffffff"/>`
    + `<path transform="translate(${n(p.x)} ${n(p.y)}) scale(${n(m)})" fill="#000000" shape-rendering="crispEdges" d="${d}"/>`;
}

function primitive(p: Primitive): string {
  switch (p.kind) {
    case 'rect':
      return `<rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.w)}" height="${n(p.h)}" fill="${p.fill ?? 'none'}"${p.stroke ? ` stroke="${p.stroke}" stroke-width="${n(p.strokeWidth ?? 0.2)}"` : ''}/>`;
    case 'text': {
      const f = SVG_FONTS[p.font];
      return `<text${p.id ? ` class="${p.id}"` : ''} x="${n(p.x)}" y="${n(p.y)}" font-family="${escapeXml(f.family)}" font-size="${n(p.size)}"`
        + `${f.weight === 'bold' ? ' font-weight="bold"' : ''}${p.anchor === 'middle' ? ' text-anchor="middle"' : ''} fill="${p.fill}">${escapeXml(p.text)}</text>`;
    }
    case 'qr':
      return qrPath(p);
  }
}

/**
 * Renders a card (or an A4 sheet of ten) as SVG.
 * @param card the card model (createCard)
 * @param options.layout `card` (85 × 55 mm, default) or `a4` (ten cards)
 * @returns the SVG document (UTF-8 text)
 * @example writeFileSync('card.svg', renderSvg(await createCard(bundle)))
 */
export function renderSvg(card: Card, options: { layout?: 'card' | 'a4' } = {}): string {
  const page = pageLayout(options.layout ?? 'card');
  const body = layoutCard(card).map(primitive).join('\n');
  const copies = page.cards.length === 1 && page.cards[0].x === 0 && page.cards[0].y === 0
    ? body
    : page.cards.map((c) => `<g transform="translate(${n(c.x)} ${n(c.y)})">\n${body}\n</g>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n`
    + `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${n(page.width)}mm" height="${n(page.height)}mm" viewBox="0 0 ${n(page.width)} ${n(page.height)}">\n`
    + `<title>${escapeXml(`keyprint card: ${card.displayName}`)}</title>\n`
    + (page.cards.length > 1 ? `<rect width="${n(page.width)}" height="${n(page.height)}" fill="#ffffff"/>\n` : '')
    + `${copies}\n</svg>\n`;
}
