// Which font draws each character of a card, and in which order runs of text go — once, for the
// PDF renderer (which embeds the fonts) and for the checks that refuse a name no font can draw
// (enroll, card, the web app's enrolment). The fonts are files in fonts/ (subsets of DejaVu, Noto
// Sans Arabic and Hebrew, Droid Sans Fallback for Chinese and Japanese, a subset of Nanum Gothic for Korean:
// fonts/README.md); what each draws is the
// generated table _font-coverage.ts, so this module needs no font file and runs in the browser.
// Right-to-left text (Hebrew, Arabic) is ordered by a reduced Unicode Bidirectional Algorithm
// (UAX #9): the paragraph direction from the first strong character (P2, P3), neutrals between two
// characters of one direction take it and others the paragraph's (N1, N2), and runs are reversed
// by level (L2); digits are treated as left-to-right letters, enough for names.

import { CardError } from './errors.js';
import { FONT_COVERAGE } from './_font-coverage.js';
import type { FontRole } from './layout.js';

/** The fonts tried for each role, in order: the first that draws a character draws it. */
export const FONT_CHAIN: Record<FontRole, readonly string[]> = {
  sans: ['DejaVuSans.ttf', 'NotoSansArabic-Regular.ttf', 'NotoSansHebrew-Regular.ttf', 'DroidSansFallback-CJK.ttf', 'KeyprintHangul-Bold.ttf'],
  'sans-bold': ['DejaVuSans-Bold.ttf', 'NotoSansArabic-Bold.ttf', 'NotoSansHebrew-Bold.ttf', 'DroidSansFallback-CJK.ttf', 'KeyprintHangul-Bold.ttf'],
  mono: ['DejaVuSansMono.ttf', 'DejaVuSans.ttf', 'NotoSansArabic-Regular.ttf', 'NotoSansHebrew-Regular.ttf', 'DroidSansFallback-CJK.ttf', 'KeyprintHangul-Bold.ttf'],
  'mono-bold': ['DejaVuSansMono-Bold.ttf', 'DejaVuSans-Bold.ttf', 'NotoSansArabic-Bold.ttf', 'NotoSansHebrew-Bold.ttf', 'DroidSansFallback-CJK.ttf', 'KeyprintHangul-Bold.ttf'],
};

/** Every card font file. */
export const CARD_FONT_FILES: readonly string[] = Object.keys(FONT_COVERAGE);

/** Format characters that draw nothing (ZWSP/ZWNJ/ZWJ, marks, word joiners, variation selectors). */
const IGNORABLE = /[\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;

function covers(file: string, cp: number): boolean {
  const ranges = FONT_COVERAGE[file];
  let lo = 0, hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[mid][0]) hi = mid - 1;
    else if (cp > ranges[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * The font that draws a character in a role, if any.
 * @example fontFor('李'.codePointAt(0)!, 'sans-bold') // 'DroidSansFallback-CJK.ttf'
 */
export function fontFor(cp: number, role: FontRole): string | undefined {
  return FONT_CHAIN[role].find((f) => covers(f, cp));
}

/**
 * The characters of a text no card font draws (each once, in order of appearance).
 * @param text the text, e.g. a display name
 * @param role the font role it is printed in (the name: `sans-bold`)
 * @example unprintable('Zoë 李雷 🎉') // ['🎉']
 */
export function unprintable(text: string, role: FontRole = 'sans-bold'): string[] {
  const out: string[] = [];
  for (const c of text) if (!IGNORABLE.test(c) && fontFor(c.codePointAt(0)!, role) === undefined && !out.includes(c)) out.push(c);
  return out;
}

/**
 * Refuses a display name a card cannot print, naming the characters — rather than a card that
 * shows "?" or an empty box where the name should be.
 * @param name the display name
 * @throws CardError `unprintable`: `"Zoë 🎉" cannot be printed on a card: no font here draws 🎉 (U+1F389)`
 * @example checkPrintable(values.name)
 */
export function checkPrintable(name: string): void {
  const bad = unprintable(name);
  if (bad.length === 0) return;
  const list = bad.map((c) => `${c} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`).join(', ');
  throw new CardError('unprintable', `"${name}" cannot be printed on a card: no font here draws ${list}. Leave ${bad.length === 1 ? 'it' : 'them'} out of the name`);
}

/** A run of text drawn in one font and one direction; runs come in visual (left-to-right) order. */
export interface TextRun {
  text: string;
  font: string;
  /** Right-to-left: the text is in logical order, the font's layout turns it (fontkit reverses RTL glyph runs). */
  rtl: boolean;
}

type Dir = 'L' | 'R' | 'N';
// Hebrew and Arabic blocks (and their presentation forms): the right-to-left scripts a card prints.
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/u;
const STRONG_L = /[\p{L}\p{N}]/u;

const dirOf = (c: string): Dir => (RTL.test(c) ? 'R' : STRONG_L.test(c) ? 'L' : 'N');

/**
 * Splits a line into runs of one font and direction, in visual order, for a renderer that draws
 * glyph runs left to right (PDF). Characters no font draws are dropped here (checkPrintable says
 * so before a card is made).
 * @example textRuns('Zoë 李雷 محمد', 'sans-bold').map((r) => r.font)
 */
export function textRuns(text: string, role: FontRole): TextRun[] {
  const chars = [...text].filter((c) => !IGNORABLE.test(c));
  const dirs = chars.map(dirOf);
  const base: Dir = dirs.find((d) => d !== 'N') ?? 'L';
  // N1/N2: a neutral takes the direction of the strong characters around it when they agree.
  const resolved = dirs.map((d, i) => {
    if (d !== 'N') return d;
    let before: Dir = base, after: Dir = base;
    for (let j = i - 1; j >= 0; j--) if (dirs[j] !== 'N') { before = dirs[j]; break; }
    for (let j = i + 1; j < dirs.length; j++) if (dirs[j] !== 'N') { after = dirs[j]; break; }
    return before === after ? before : base;
  });
  // Logical runs of one font and one direction; a neutral keeps the font of the run it joins when that font draws it.
  const runs: Array<TextRun & { level: number }> = [];
  chars.forEach((c, i) => {
    const cp = c.codePointAt(0)!;
    const rtl = resolved[i] === 'R';
    const last = runs.at(-1);
    const font = last && last.rtl === rtl && dirs[i] === 'N' && covers(last.font, cp) ? last.font : fontFor(cp, role);
    if (font === undefined) return;
    if (last && last.rtl === rtl && last.font === font) last.text += c;
    else runs.push({ text: c, font, rtl, level: base === 'R' ? (rtl ? 1 : 2) : (rtl ? 1 : 0) });
  });
  // L2: from the highest level down to the lowest odd one, reverse every sequence at that level or above.
  const max = Math.max(0, ...runs.map((r) => r.level));
  const minOdd = Math.min(...runs.map((r) => r.level).filter((l) => l % 2 === 1), Infinity);
  for (let level = max; level >= minOdd && level >= 1; level--) {
    for (let i = 0; i < runs.length;) {
      if (runs[i].level < level) { i++; continue; }
      let j = i;
      while (j < runs.length && runs[j].level >= level) j++;
      runs.splice(i, j - i, ...runs.slice(i, j).reverse());
      i = j;
    }
  }
  return runs.map(({ text: t, font, rtl }) => ({ text: t, font, rtl }));
}
