/** The code points a font file maps to a glyph, as [first, last] ranges (scripts/gen-font-coverage.mjs). */
export function coverage(bytes: Uint8Array): Array<[number, number]>;
