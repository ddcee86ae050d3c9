// PNG renderer: rasterises the SVG (render-svg.ts) with resvg at a given resolution (default
// 300 dpi: 1004 × 650 px for a card). Fonts: the card fonts shipped in fonts/ (fonts.ts), passed
// explicitly, and no system font is scanned — so a card looks the same on every machine, and a
// name in any script the fonts cover is drawn (resvg picks, per character, a loaded font that has
// it, shapes Arabic and orders right-to-left text).

import type { Resvg } from '@resvg/resvg-js';
import { requireOptional } from '../core/optional-node.js';
import type { Card } from './model.js';
import { CardError } from './errors.js';
import { fontPaths } from './fonts-node.js';
import { checkPixels } from './image-size.js';
import { pageLayout } from './layout.js';
import { renderSvg } from './render-svg.js';

/**
 * The font options resvg gets: the card fonts, no system fonts.
 * @returns resvg `font` options
 * @example new Resvg(svg, { font: resvgFontOptions() })
 */
export function resvgFontOptions(): { fontFiles: string[]; loadSystemFonts: boolean; defaultFontFamily: string } {
  return { fontFiles: fontPaths(), loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' };
}

/**
 * Renders an SVG document to PNG at a resolution.
 * @param svg the SVG text (with mm width)
 * @param widthMm the page width in mm
 * @param dpi dots per inch
 * @returns PNG bytes
 * @throws CardError `image-unreadable` for an SVG resvg cannot parse; `image-too-large` when the raster
 *   would exceed MAX_IMAGE_PIXELS
 * @example svgToPng(renderSvg(card), 85, 300)
 */
export function svgToPng(svg: string, widthMm: number, dpi: number): Uint8Array {
  const width = Math.round((widthMm / 25.4) * dpi);
  // Optional (package.json optionalDependencies): a light install has no resvg; missing-package names it.
  const { Resvg: ResvgClass } = requireOptional<typeof import('@resvg/resvg-js')>('@resvg/resvg-js');
  let r: Resvg;
  try {
    r = new ResvgClass(svg, { fitTo: { mode: 'width', value: width }, font: resvgFontOptions(), background: '#ffffff', shapeRendering: 2, textRendering: 1 });
  } catch (e) {
    throw new CardError('image-unreadable', `the SVG does not render: ${(e as Error).message}`, { cause: e });
  }
  // The SVG's own size sets the height: measure the raster before allocating it (a hostile file
  // can declare metres of paper).
  checkPixels(width, Math.ceil((r.height * width) / r.width), 'to rasterise the SVG at its declared size');
  return new Uint8Array(r.render().asPng());
}

/**
 * Renders a card as PNG (from its SVG).
 * @param card the card model
 * @param options.dpi resolution (default 300); options.layout `card` (default) or `a4`
 * @returns PNG bytes
 * @example writeFileSync('card.png', renderPng(card))
 */
export function renderPng(card: Card, options: { dpi?: number; layout?: 'card' | 'a4' } = {}): Uint8Array {
  const layout = options.layout ?? 'card';
  return svgToPng(renderSvg(card, { layout }), pageLayout(layout).width, options.dpi ?? 300);
}
