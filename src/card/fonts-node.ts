// The card font files (fonts/ in the package: subsets of DejaVu, Noto Sans Arabic and Hebrew, Droid
// Sans Fallback — fonts/README.md), read once, for the renderers that draw text themselves: the
// PDF (pdf-lib embeds subsets of them) and the PNG (resvg). Node only.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CARD_FONT_FILES } from './fonts.js';

/** The directory of the card fonts: fonts/ at the package root (from src/card or dist/card). */
export const FONT_DIR = fileURLToPath(new URL('../../fonts/', import.meta.url));

const cache = new Map<string, Uint8Array>();

/**
 * A card font's bytes.
 * @param file a file name of CARD_FONT_FILES
 * @example await doc.embedFont(fontBytes('DejaVuSans-Bold.ttf'), { subset: true })
 */
export function fontBytes(file: string): Uint8Array {
  let b = cache.get(file);
  if (!b) {
    if (!CARD_FONT_FILES.includes(file)) throw new Error(`"${file}" is not a card font`);
    b = new Uint8Array(readFileSync(FONT_DIR + file));
    cache.set(file, b);
  }
  return b;
}

/** Every card font file's path (for resvg). */
export const fontPaths = (): string[] => CARD_FONT_FILES.map((f) => FONT_DIR + f);
