// Peer text made safe to show (src/session/display-text.ts): terminal escape sequences, overwriting
// controls, Trojan Source bidi reordering and hidden characters come out as visible escapes; plain
// text, emoji sequences and scripts that need joiners come out unchanged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayText } from '../../src/session/display-text.js';
import { fcSeed } from '../_util.js';

const ESC = '\x1b';
// The classes that must never reach the output, written independently of the implementation.
const C0_EXCEPT_LF = /[\x00-\x09\x0b-\x1f]/u;
const DEL_C1 = /[\x7f-\x9f]/u;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const INVISIBLE_FORMAT = /[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0\ufff0-\ufffb\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}]/u;
const LONE_SURROGATE = /\p{Cs}/u;
const LINE_SEPARATORS = /[\u2028\u2029]/u;

// [input, multiline, expected output, the attack]
const ATTACKS: [string, boolean, string, string][] = [
  [`${ESC}[31mred${ESC}[0m.txt`, false, '\\u{1B}[31mred\\u{1B}[0m.txt', 'ANSI CSI colour in a file name'],
  [`${ESC}[2J${ESC}[H`, false, '\\u{1B}[2J\\u{1B}[H', 'CSI clear screen, cursor home'],
  [`${ESC}[1A${ESC}[2KVerified: Bob`, true, '\\u{1B}[1A\\u{1B}[2KVerified: Bob', 'CSI cursor up and erase line (fake status)'],
  [`${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\`, false, '\\u{1B}]8;;https://evil.example/\\u{1B}\\click\\u{1B}]8;;\\u{1B}\\', 'OSC 8 hyperlink'],
  [`${ESC}]52;c;cm0gLXJmIH4K\x07`, false, '\\u{1B}]52;c;cm0gLXJmIH4K\\u{7}', 'OSC 52 clipboard write, BEL-terminated'],
  [`${ESC}]0;owned\x07`, false, '\\u{1B}]0;owned\\u{7}', 'OSC 0 window title'],
  [`${ESC}P+q544e${ESC}\\`, false, '\\u{1B}P+q544e\\u{1B}\\', 'DCS request'],
  ['\x9b31mred', false, '\\u{9B}31mred', 'C1 CSI U+009B'],
  ['\x9d8;;http://x\x9c', false, '\\u{9D}8;;http://x\\u{9C}', 'C1 OSC U+009D and ST U+009C'],
  ['a\x85b', true, 'a\\u{85}b', 'C1 NEL U+0085'],
  ['innocent.txt\rrm -rf ~', true, 'innocent.txt\\u{D}rm -rf ~', 'CR overwriting the line'],
  ['safe\b\b\b\bevil', false, 'safe\\u{8}\\u{8}\\u{8}\\u{8}evil', 'backspaces'],
  ['ding\x07', false, 'ding\\u{7}', 'BEL'],
  ['nul\x00byte', false, 'nul\\u{0}byte', 'NUL'],
  ['del\x7f', false, 'del\\u{7F}', 'DEL'],
  ['v\x0bf\x0c', true, 'v\\u{B}f\\u{C}', 'vertical tab, form feed'],
  ['two\nlines', false, 'two\\u{A}lines', 'a line break in a one-line field'],
  ['a\u2028b\u2029c', false, 'a\\u{2028}b\\u{2029}c', 'line and paragraph separators in a one-line field'],
  ['evil\u202Etxt.exe', false, 'evil\\u{202E}txt.exe', 'Trojan Source: RLO in a file name'],
  ['access = "user\u202E \u2066// admin\u2069 \u2066"', true, 'access = "user\\u{202E} \\u{2066}// admin\\u{2069} \\u{2066}"', 'Trojan Source: stretched string'],
  ['\u202A\u202B\u202C\u202D', false, '\\u{202A}\\u{202B}\\u{202C}\\u{202D}', 'embeddings and overrides'],
  ['\u2067x\u2068y\u2069', false, '\\u{2067}x\\u{2068}y\\u{2069}', 'isolates'],
  ['1\u200F-\u200E2\u061C', false, '1\\u{200F}-\\u{200E}2\\u{61C}', 'bidi marks'],
  ['Bob\u200B', false, 'Bob\\u{200B}', 'zero-width space'],
  ['pay\u2060pal\uFEFF', false, 'pay\\u{2060}pal\\u{FEFF}', 'word joiner, BOM'],
  ['Bob\u3164', false, 'Bob\\u{3164}', 'Hangul filler'],
  ['hi\u{E0049}\u{E0047}\u{E004E}', true, 'hi\\u{E0049}\\u{E0047}\\u{E004E}', 'tag characters (ASCII smuggling)'],
  ['a\uFFF9hidden\uFFFAx\uFFFB', false, 'a\\u{FFF9}hidden\\u{FFFA}x\\u{FFFB}', 'interlinear annotation'],
  ['\u206Ax', false, '\\u{206A}x', 'deprecated format character (inhibit symmetric swapping)'],
  ['x\u200D\u200D\u200Dy', true, 'x\\u{200D}\\u{200D}\\u{200D}y', 'a run of joiners (zero-width steganography)'],
  ['\u200Dstart', false, '\\u{200D}start', 'a joiner at the start'],
  ['😀\uFE0F\uFE0E\uFE0F', true, '😀\uFE0F\\u{FE0E}\\u{FE0F}', 'a run of variation selectors (data smuggling)'],
  ['\uFE0Fx', false, '\\u{FE0F}x', 'a stray variation selector'],
  ['\u{1F3F4}\u{E0067}\u{E0062}', false, '\u{1F3F4}\\u{E0067}\\u{E0062}', 'a tag sequence without its cancel tag'],
  ['lone \uD800 high and \uDC00 low', false, 'lone \uFFFD high and \uFFFD low', 'lone surrogates'],
  ['tab\there', false, 'tab here', 'a tab'],
];

// Text that must come out unchanged.
const PLAIN: [string, boolean, string][] = [
  ['Bob', false, 'ASCII'],
  ['Zoë Ångström-Łukasiewicz', false, 'Latin with diacritics'],
  ['Иван Петров', false, 'Cyrillic'],
  ['שלום עולם', false, 'Hebrew (right-to-left, no controls)'],
  ['مرحبا بالعالم', false, 'Arabic'],
  ['می\u200Cخواهم', false, 'Persian with ZWNJ'],
  ['क्\u200Dष', false, 'Devanagari with ZWJ after virama'],
  ['日本語のテキスト', false, 'Japanese'],
  ['👩\u200D👩\u200D👧', false, 'family: ZWJ emoji sequence'],
  ['❤\uFE0F\u200D🔥', false, 'heart on fire: VS16 then ZWJ'],
  ['👁\uFE0F\u200D🗨\uFE0F', false, 'eye in speech bubble'],
  ['👍🏽', false, 'skin-tone modifier'],
  ['1\uFE0F\u20E3', false, 'keycap'],
  ['\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}', false, 'flag of Scotland (emoji tag sequence)'],
  ['🇺🇦', false, 'regional-indicator flag'],
  ['葛\u{E0100}', false, 'ideographic variation sequence'],
  ['line one\nline two\n', true, 'line breaks in a message'],
  ['\uFFFD is U+FFFD', false, 'a real replacement character'],
  ['\\u{202E} typed literally', false, 'text that looks like a marker'],
];

describe('displayText: attacks', () => {
  it.each(ATTACKS)('%j (multiline %s) → %j: %s', (input, multiline, expected) => {
    expect(displayText(input, { multiline })).toBe(expected);
  });

  it('no ESC, no U+202E survives in the two examples of issue 16', () => {
    expect(displayText(`${ESC}[31mred${ESC}[0m.txt`)).not.toContain(ESC);
    expect(displayText('evil\u202Etxt.exe')).not.toContain('\u202E');
  });

  it('CRLF becomes LF in a message; CR and LF are escaped in a one-line field', () => {
    expect(displayText('a\r\nb\u2028c', { multiline: true })).toBe('a\nb\nc');
    expect(displayText('a\r\nb')).toBe('a\\u{D}\\u{A}b');
  });
});

describe('displayText: plain text passes unchanged', () => {
  it.each(PLAIN)('%j (multiline %s): %s', (input, multiline) => {
    expect(displayText(input, { multiline })).toBe(input);
  });
});

const hostile = fc.constantFrom(
  '\x00', '\x07', '\b', '\t', '\n', '\r', ESC, '\x7f', '\x85', '\x9b', '\x9c', '\u061c', '\u200b', '\u200c', '\u200d', '\u200e',
  '\u202e', '\u2066', '\u2069', '\u2028', '\ufeff', '\ufe0f', '\u{e0041}', '\u{e007f}', '\u{1f3f4}', '\ud800', '\udfff', '\u3164',
  '\ufff9', '\u00ad', '\u180e', 'a', ' ', '👩', 'ش',
);
const textArb = fc.oneof(
  fc.string({ unit: hostile, maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);

describe('displayText: properties (fast-check, fixed seed)', () => {
  it('the output never contains a control (but LF in multiline), bidi control, invisible format character or lone surrogate', () => {
    fc.assert(fc.property(textArb, fc.boolean(), (s, multiline) => {
      const out = displayText(s, { multiline });
      expect(C0_EXCEPT_LF.test(out)).toBe(false);
      expect(DEL_C1.test(out)).toBe(false);
      expect(BIDI.test(out)).toBe(false);
      expect(INVISIBLE_FORMAT.test(out)).toBe(false);
      expect(LONE_SURROGATE.test(out)).toBe(false);
      expect(LINE_SEPARATORS.test(out)).toBe(false);
      if (!multiline) expect(out).not.toContain('\n');
    }), { seed: fcSeed, numRuns: 5000 });
  });

  it('joiners, selectors and tags survive only in place: never in a run, never at an edge, never after a space', () => {
    fc.assert(fc.property(textArb, fc.boolean(), (s, multiline) => {
      const out = Array.from(displayText(s, { multiline }));
      out.forEach((c, i) => {
        if (/[\u200c\u200d]/u.test(c)) {
          expect(i > 0 && i < out.length - 1).toBe(true);
          expect(/[\s\u200c\u200d]/u.test(out[i - 1]) || /[\s\u200c\u200d\ufe0f]/u.test(out[i + 1])).toBe(false);
        }
        if (/[\ufe00-\ufe0f]/u.test(c)) expect(i > 0 && !/[\s\u200c\u200d\ufe00-\ufe0f]/u.test(out[i - 1])).toBe(true);
        if (/[\u{e0000}-\u{e007f}]/u.test(c)) expect(out.slice(0, i).some((x) => x === '\u{1f3f4}')).toBe(true);
      });
    }), { seed: fcSeed, numRuns: 5000 });
  });

  it('text without anything to escape passes unchanged', () => {
    const plain = fc.string({ unit: fc.constantFrom(...'aZ09 .,-_é', 'Ж', 'ש', 'ش', '日', '👩', '😀', '\u0301'), maxLength: 30 });
    fc.assert(fc.property(plain, fc.boolean(), (s, multiline) => displayText(s, { multiline }) === s), { seed: fcSeed, numRuns: 2000 });
  });

  it('is idempotent (a marker is plain text)', () => {
    fc.assert(fc.property(textArb, fc.boolean(), (s, multiline) => {
      const once = displayText(s, { multiline });
      expect(displayText(once, { multiline })).toBe(once);
    }), { seed: fcSeed, numRuns: 3000 });
  });
});
