// Shrinks a TrueType font for embedding in a PDF: every glyph outline the card does not draw is
// emptied, glyph ids stay as they are (so the font's cmap, metrics and OpenType layout tables —
// Arabic joining — keep working unchanged). The PDF embeds the result whole. Why not the PDF
// library's own subsetter: @pdf-lib/fontkit 1.1.1 renumbers glyphs and loses most of them for
// fonts such as Droid Sans Fallback or any font written by fontTools (test/card/fonts.test.ts shows
// the text drawn). Tables: OpenType 1.9 "TrueType font file", `glyf` / `loca` (§5.3), `head`.

const u16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const i16 = (b: Uint8Array, o: number) => (u16(b, o) << 16) >> 16;
const u32 = (b: Uint8Array, o: number) => ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3];
const put32 = (b: Uint8Array, o: number, v: number) => { b[o] = v >>> 24; b[o + 1] = (v >>> 16) & 255; b[o + 2] = (v >>> 8) & 255; b[o + 3] = v & 255; };

/** The OpenType table checksum: the sum of the table's big-endian uint32 words, zero-padded. */
function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 4) sum = (sum + (((b[i] ?? 0) << 24) >>> 0) + ((b[i + 1] ?? 0) << 16) + ((b[i + 2] ?? 0) << 8) + (b[i + 3] ?? 0)) >>> 0;
  return sum;
}

// Composite glyph flags (glyf §"Composite glyph description").
const ARG_WORDS = 0x0001, HAS_SCALE = 0x0008, MORE = 0x0020, XY_SCALE = 0x0040, TWO_BY_TWO = 0x0080;

/**
 * A copy of a TrueType font whose outlines are only those of `glyphs` (and the components they use,
 * and glyph 0, .notdef); everything else is unchanged.
 * @param font a TrueType (`glyf`) font file
 * @param glyphs the glyph ids drawn
 * @returns the smaller font file
 * @throws Error for a font without `glyf`/`loca` (CFF outlines are not handled)
 * @example await doc.embedFont(stripGlyphs(bytes, ids), { subset: false })
 */
export function stripGlyphs(font: Uint8Array, glyphs: Iterable<number>): Uint8Array {
  const numTables = u16(font, 4);
  const tables = new Map<string, { offset: number; length: number }>();
  for (let i = 0; i < numTables; i++) {
    const at = 12 + 16 * i;
    tables.set(String.fromCharCode(...font.subarray(at, at + 4)), { offset: u32(font, at + 8), length: u32(font, at + 12) });
  }
  const table = (tag: string) => {
    const t = tables.get(tag);
    if (!t) throw new Error(`the font has no ${tag} table`);
    return font.subarray(t.offset, t.offset + t.length);
  };
  const head = table('head'), glyf = table('glyf'), loca = table('loca');
  const numGlyphs = u16(table('maxp'), 4);
  const long = i16(head, 50) === 1;
  const at = (g: number) => (long ? u32(loca, 4 * g) : 2 * u16(loca, 2 * g));
  // The glyphs to keep: those drawn, .notdef, and every component of a composite among them.
  const keep = new Set<number>([0]);
  const todo = [...glyphs].filter((g) => g >= 0 && g < numGlyphs);
  while (todo.length) {
    const g = todo.pop()!;
    if (keep.has(g) && g !== 0) continue;
    keep.add(g);
    const start = at(g), end = at(g + 1);
    if (end - start < 10 || i16(glyf, start) >= 0) continue;
    for (let o = start + 10; ;) {
      const flags = u16(glyf, o), component = u16(glyf, o + 2);
      if (!keep.has(component)) todo.push(component);
      o += 4 + (flags & ARG_WORDS ? 4 : 2) + (flags & TWO_BY_TWO ? 8 : flags & XY_SCALE ? 4 : flags & HAS_SCALE ? 2 : 0);
      if (!(flags & MORE)) break;
    }
  }
  // New glyf (kept outlines, 4-byte aligned) and a long loca.
  let size = 0;
  for (let g = 0; g < numGlyphs; g++) if (keep.has(g)) size += (at(g + 1) - at(g) + 3) & ~3;
  const newGlyf = new Uint8Array(size), newLoca = new Uint8Array(4 * (numGlyphs + 1));
  let o = 0;
  for (let g = 0; g < numGlyphs; g++) {
    put32(newLoca, 4 * g, o);
    if (!keep.has(g)) continue;
    newGlyf.set(glyf.subarray(at(g), at(g + 1)), o);
    o += (at(g + 1) - at(g) + 3) & ~3;
  }
  put32(newLoca, 4 * numGlyphs, o);
  const newHead = head.slice();
  newHead[50] = 0; newHead[51] = 1; // indexToLocFormat: long
  put32(newHead, 8, 0); // checkSumAdjustment, set below
  // Reassemble: the same table directory order, each table 4-byte aligned, checksums recomputed.
  const tags = [...tables.keys()];
  const data = tags.map((t) => (t === 'glyf' ? newGlyf : t === 'loca' ? newLoca : t === 'head' ? newHead : table(t)));
  const dir = 12 + 16 * numTables;
  const total = dir + data.reduce((n, d) => n + ((d.length + 3) & ~3), 0);
  const out = new Uint8Array(total);
  out.set(font.subarray(0, 12));
  let offset = dir;
  tags.forEach((tag, i) => {
    const e = 12 + 16 * i;
    out.set(font.subarray(e, e + 4), e);
    put32(out, e + 4, checksum(data[i]));
    put32(out, e + 8, offset);
    put32(out, e + 12, data[i].length);
    out.set(data[i], offset);
    offset += (data[i].length + 3) & ~3;
  });
  const headAt = u32(out, 12 + 16 * tags.indexOf('head') + 8);
  put32(out, headAt + 8, (0xb1b0afba - checksum(out)) >>> 0);
  return out;
}
