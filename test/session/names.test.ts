// Display-name comparison (src/session/names.ts): look-alike and invisible-character attacks collide,
// distinct names stay distinct, and the skeleton agrees with the confusables.txt data the dependency
// ships. Case folding is checked against Python's str.casefold for every code point.
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import unhomoglyph from 'unhomoglyph';
import { describe, expect, it } from 'vitest';
import { caseFold, nameKey, sameName, skeleton } from '../../src/session/names.js';
import { fcSeed } from '../_util.js';
import { PYTHON } from '../hardware/_python.js';

const confusables: Record<string, string> = createRequire(import.meta.url)('unhomoglyph/data.json');
const U = (cp: number) => String.fromCodePoint(cp);
const hexOf = (s: string) => [...s].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');

/** Every code point except surrogates, unassigned and private use (those have no data). */
function* assignedCodePoints(): Generator<number> {
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp === 0xd800) cp = 0xe000;
    if (!/[\p{Cn}\p{Co}]/u.test(U(cp))) yield cp;
  }
}

// [stored name, presented name, what the attack uses]: each pair must collide.
const ATTACKS: [string, string, string][] = [
  ['Bob', 'Воb', 'Cyrillic capital Ve and small o (mixed script)'],
  ['Bob', 'Bоb', 'Cyrillic small o'],
  ['BOB', 'ВОВ', 'all-Cyrillic capitals'],
  ['Bob', 'Βοb', 'Greek capital Beta and small omicron'],
  ['Bob', 'Ᏼob', 'Cherokee letter Yv'],
  ['Alice', 'Аlісе', 'Cyrillic a, i (Ukrainian), e, s'],
  ['Bob', 'Ｂｏｂ', 'fullwidth forms'],
  ['Bob', '𝐁𝐨𝐛', 'mathematical bold'],
  ['Bob', '𝔅𝔬𝔟', 'mathematical fraktur'],
  ['Bob', '𝙱𝚘𝚋', 'mathematical monospace'],
  ['Bob', 'ⒷⓄⒷ', 'circled letters (NFKC)'],
  ['Bob', 'B0b', 'digit zero (confusables.txt: 0 → O)'],
  ['Alice', 'AIice', 'capital I for l (confusables.txt: I → l)'],
  ['Alice', 'A1ice', 'digit one for l (confusables.txt: 1 → l)'],
  ['Alice', 'A|ice', 'vertical bar for l'],
  ['Kim', 'Kirn', 'rn for m (confusables.txt: m → rn)'],
  ['Mary', 'rnary', 'rn for a capital M, through its case fold'],
  ['Joseph', 'Joſeph', 'long s (NFKC → s)'],
  ['Jofeph', 'Joſeph', 'long s read as the f it looks like (confusables.txt: ſ → f)'],
  ['カナ', '力ナ', 'kanji 力 for katakana カ (confusables.txt)'],
  ['Bób', 'Bo\u0301b', 'combining acute (NFKC composes)'],
  ['Bób', 'Bo\u0341b', 'combining acute tone mark (confusables.txt → U+0301)'],
  ['Bob', 'B\u200Dob', 'zero-width joiner'],
  ['Bob', 'Bo\u200Cb', 'zero-width non-joiner'],
  ['Bob', 'Bob\u200B', 'zero-width space'],
  ['Bob', 'B\u2060ob', 'word joiner'],
  ['Bob', '\uFEFFBob', 'zero-width no-break space (BOM)'],
  ['Bob', 'Bo\u00ADb', 'soft hyphen'],
  ['Bob', 'Bo\u034Fb', 'combining grapheme joiner'],
  ['Bob', 'Bob\u3164', 'Hangul filler'],
  ['Bob', 'Bob\u180E', 'Mongolian vowel separator'],
  ['Bob', 'Bo\uFE0Fb', 'variation selector 16'],
  ['Bob', 'Bob\u{E0100}', 'variation selector 17'],
  ['Bob', 'Bob\u{E0001}\u{E0041}\u{E0042}', 'tag characters'],
  ['Bob', 'B\u202Eob', 'right-to-left override'],
  ['Bob', '\u202DBob\u202C', 'left-to-right override and pop'],
  ['Bob', '\u2067Bob\u2069', 'right-to-left isolate and pop'],
  ['Bob', '\u2068Bob\u2069', 'first-strong isolate'],
  ['Bob', 'Bob\u200E\u200F\u061C', 'LRM, RLM, Arabic letter mark'],
  ['Bob', '\u202BBob\u202C', 'right-to-left embedding'],
  ['Bob Smith', 'Bob\u00A0Smith', 'no-break space'],
  ['Bob Smith', 'Bob\u3000Smith', 'ideographic space'],
  ['Bob Smith', 'Bob\u2003Smith', 'em space'],
  ['Bob Smith', 'Bob\u202FSmith', 'narrow no-break space'],
  ['Bob Smith', 'Bob\u2800Smith', 'braille pattern blank'],
  ['Bob Smith', 'Bob \t Smith', 'a run of spaces and a tab'],
  ['Bob', ' Bob ', 'leading and trailing spaces'],
  ['Bob', 'bob', 'lower case'],
  ['Bob', 'BOB', 'upper case'],
  ['Bob', 'bOB', 'mixed case'],
  ['Strauß', 'STRAUSS', 'ß and SS (full case folding)'],
  ['Strauß', 'Strauss', 'ß and ss'],
  ['STRAUẞ', 'strauss', 'capital sharp s'],
  ['Ivan', 'ıvan', 'Turkish dotless ı (confusables.txt: ı → i)'],
  ['IVAN', 'ivan', 'capital I, drawn like l, against its lower case'],
  ['IVAN', 'lvan', 'capital I against l'],
  ['İvan', 'i̇van', 'İ and its full case fold i + U+0307'],
  ['ΟΔΥΣΣΕΥΣ', 'Οδυσσευς', 'Greek, with final sigma'],
  ['Иван', 'ИВАН', 'Cyrillic case'],
  ['KIM', 'Кim', 'a Cyrillic capital and a case change at once'],
  ['Bob Ivan', 'Воb ivan', 'a Cyrillic capital in one word, a case change in the other'],
  ['Bob', ' \u202EＢ\u200Bо𝐛\u2069 ', 'several tricks at once'],
];

// [name, other name, why they differ]: must not collide.
const DISTINCT: [string, string, string][] = [
  ['Bob', 'Rob', 'another letter'],
  ['Bob', 'Bobby', 'a longer name'],
  ['Ann', 'Anna', 'one more letter'],
  ['Bob Smith', 'BobSmith', 'a space is visible'],
  ['Bob', 'Bób', 'an accent is visible'],
  ['Jörg', 'Jorg', 'a diaeresis is visible'],
  ['İvan', 'Ivan', 'the dot of İ is visible'],
  ['ivan', 'lvan', 'small i and l differ (only capital I looks like l)'],
  ['Bob', 'ʙob', 'small capital B: its own prototype in confusables.txt (Cyrillic в maps to it)'],
  ['Ivan', 'Иван', 'Latin and Cyrillic, not confusable'],
  ['Maria', 'Мария', 'Latin and Cyrillic, not confusable'],
  ['Helena', 'Ελένη', 'Latin and Greek, not confusable'],
  ['李', '季', 'different ideographs'],
  ['Alice', 'Alice2', 'a digit more'],
];

describe('nameKey / sameName: attacks collide', () => {
  it.each(ATTACKS)('%j ~ %j (%s)', (stored, presented) => {
    expect(sameName(stored, presented)).toBe(true);
    expect(sameName(presented, stored)).toBe(true);
  });

  it('the example names of issue 16 share one key with "Bob"', () => {
    for (const n of ['Воb', 'Ｂｏｂ', 'Bob\u200B', 'B\u202Eob', 'bob', ' Bob ', '𝐁𝐨𝐛', 'B0b']) expect(nameKey(n), n).toBe(nameKey('Bob'));
    expect(nameKey('Bob')).toBe('bob');
  });
});

describe('nameKey / sameName: distinct names stay distinct', () => {
  it.each(DISTINCT)('%j ≁ %j (%s)', (a, b) => {
    expect(sameName(a, b)).toBe(false);
    expect(sameName(b, a)).toBe(false);
    expect(nameKey(a)).not.toBe(nameKey(b));
  });
});

// Strings built mostly from characters that interact: ASCII letters and digits, their look-alikes,
// case-special letters, combining marks, invisible characters, bidi controls and spaces.
const interesting = [
  ...'aAbBeEiIlLmMoOsSkK01 ', 'ſ', 'ß', 'ẞ', 'ı', 'İ', 'ς', 'σ', 'Σ', 'Β', 'β', 'Ι', 'ι', 'Μ', 'μ', 'В', 'в', 'о', 'О', 'К', 'к',
  'ʙ', 'ǅ', 'ﬃ', 'Ｂ', '𝐁', 'ℌ', '\u0301', '\u0307', '\u0341', '\u200B', '\u200D', '\u202E', '\u2066', '\u00AD', '\uFE0F',
  '\u{E0041}', '\u00A0', '\u3000', '\u2800', '\t', '\uFF9E', '\u309B', 'ﾞ', '🅭', 'ᄀ', 'ᅡ', '가',
];
const nameArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...interesting), maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const invisibleArb = fc.constantFrom('\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u202E', '\u2067', '\u2069', '\u200E', '\u061C', '\u{E0020}');

describe('nameKey / sameName: properties (fast-check, fixed seed)', () => {
  it('nameKey is idempotent', () => {
    fc.assert(fc.property(nameArb, (x) => nameKey(nameKey(x)) === nameKey(x)), { seed: fcSeed, numRuns: 3000 });
  });

  it('sameName is reflexive and symmetric, and equal keys imply sameName', () => {
    fc.assert(fc.property(nameArb, nameArb, (a, b) => {
      expect(sameName(a, a)).toBe(true);
      expect(sameName(a, b)).toBe(sameName(b, a));
      if (nameKey(a) === nameKey(b)) expect(sameName(a, b)).toBe(true);
    }), { seed: fcSeed, numRuns: 2000 });
  });

  it('a name matches its upper case, its lower case, its NFKC form and its skeleton (and they match it)', () => {
    fc.assert(fc.property(nameArb, (x) => {
      for (const y of [x.toUpperCase(), x.toLowerCase(), x.normalize('NFKC'), skeleton(x)]) {
        expect(sameName(x, y), `${hexOf(x)} / ${hexOf(y)}`).toBe(true);
        expect(sameName(y, x)).toBe(true);
      }
    }), { seed: fcSeed, numRuns: 2000 });
  });

  it('invisible and bidi characters inserted anywhere change nothing', () => {
    fc.assert(fc.property(nameArb, fc.array(fc.tuple(fc.nat(), invisibleArb), { maxLength: 4 }), (x, inserts) => {
      const chars = [...x];
      for (const [at, c] of inserts) chars.splice(at % (chars.length + 1), 0, c);
      expect(nameKey(chars.join(''))).toBe(nameKey(x));
    }), { seed: fcSeed, numRuns: 2000 });
  });
});

describe('nameKey: every code point', () => {
  it('nameKey(nameKey(c)) === nameKey(c) for every assigned code point', () => {
    const bad: string[] = [];
    for (const cp of assignedCodePoints()) {
      const k = nameKey(U(cp));
      if (nameKey(k) !== k) bad.push(hexOf(U(cp)));
    }
    expect(bad).toEqual([]);
  });

  it('every cased code point matches its upper and lower case', () => {
    const bad: string[] = [];
    for (const cp of assignedCodePoints()) {
      const c = U(cp);
      if (c.toUpperCase() === c && c.toLowerCase() === c) continue;
      if (!sameName(c, c.toUpperCase()) || !sameName(c, c.toLowerCase())) bad.push(hexOf(c));
    }
    expect(bad).toEqual([]);
  });
});

describe('skeleton against confusables.txt as shipped by unhomoglyph', () => {
  const entries = Object.entries(confusables);

  it('is the Unicode 13.0.0 file: 6,311 single-code-point sources, 2,051 multi-character prototypes', () => {
    expect(entries.length).toBe(6311);
    expect(entries.every(([k]) => [...k].length === 1)).toBe(true);
    expect(entries.filter(([, v]) => [...v].length > 1).length).toBe(2051);
    expect(confusables['\u{1F16D}']).toBeDefined(); // CIRCLED CC, new in 13.0
    // One prototype carries a TAB (U+1F16D → "㏄\t⃝"); nameKey's whitespace rule absorbs it.
    expect(entries.filter(([, v]) => /\p{Cc}/u.test(v)).map(([k]) => hexOf(k))).toEqual(['U+1F16D']);
  });

  it('unhomoglyph(c) is exactly the data\'s prototype for every source, and leaves every other assigned code point alone', () => {
    const bad: string[] = [];
    for (const cp of assignedCodePoints()) {
      const c = U(cp);
      if (unhomoglyph(c) !== (confusables[c] ?? c)) bad.push(hexOf(c));
    }
    expect(entries.every(([k]) => /\P{Cn}/u.test(k))).toBe(true); // so every source was visited
    expect(bad).toEqual([]);
  });

  it('UTS #39 §4: skeleton(source) is NFD(prototype) for every source that is already NFD', () => {
    const bad = entries.filter(([k, v]) => k.normalize('NFD') === k && skeleton(k) !== v.normalize('NFD'));
    // U+3164 HANGUL FILLER → U+1160: both default-ignorable, which the skeleton removes first
    // (UTS #39 §4 since Unicode 15.1), so the filler's skeleton is empty.
    expect(bad.map(([k]) => hexOf(k))).toEqual(['U+3164']);
    expect(skeleton('\u3164')).toBe('');
  });

  it('a sample of known entries (confusables.txt lines)', () => {
    const sample: [string, string][] = [
      ['\u0412', 'B'], ['\u043E', 'o'], ['0', 'O'], ['1', 'l'], ['I', 'l'], ['m', 'rn'], ['\u0131', 'i'], ['\u017F', 'f'],
      ['\u0432', '\u0299'], ['\u13F4', 'B'], ['\u30AB', '\u529B'], ['\u00A0', ' '], ['\u2028', ' '], ['\uFF21', 'A'],
    ];
    for (const [src, proto] of sample) expect(confusables[src], hexOf(src)).toBe(proto);
    expect(confusables['\u0299']).toBeUndefined(); // ʙ is a prototype, not a source
    expect(confusables['b']).toBeUndefined();
  });

  it('every source and its prototype are the same name, except 22 precomposed sources the skeleton never sees (NFD first)', () => {
    const missed = entries.filter(([k, v]) => !sameName(k, v));
    // UTS #39 §4 applies NFD before the mapping, so an entry for a precomposed character such as
    // ȧ (→ å) or Ő (→ Ö) is never consulted; the skeleton compares their decompositions instead.
    expect(missed.every(([k]) => k.normalize('NFD') !== k)).toBe(true);
    expect(missed.length).toBe(22);
  });
});

describe('caseFold against Python str.casefold (full case folding, CaseFolding.txt C + F)', () => {
  const py = spawnSync(PYTHON, ['-c', 'import unicodedata; print(unicodedata.unidata_version)'], { encoding: 'utf8' });

  it.skipIf(py.status !== 0)('joins everything full case folding joins, and only that (plus ı with i)', () => {
    const script = `
import json, sys, unicodedata
ours = json.load(sys.stdin)  # [code point, caseFold(c)] wherever caseFold changes c
known = lambda c: unicodedata.category(c) != 'Cn'
folds = [[cp, chr(cp).casefold()] for cp in range(0x110000) if not 0xd800 <= cp <= 0xdfff and chr(cp).casefold() != chr(cp)]
coarser = [cp for cp, f in ours if known(chr(cp)) and all(known(x) for x in f) and f.casefold() != chr(cp).casefold()]
print(json.dumps({'version': unicodedata.unidata_version, 'folds': folds, 'coarser': coarser}))`;
    const ours: [number, string][] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp === 0xd800) cp = 0xe000;
      const f = caseFold(U(cp));
      if (f !== U(cp)) ours.push([cp, f]);
    }
    const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(ours), encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    const { folds, coarser } = JSON.parse(r.stdout) as { folds: [number, string][]; coarser: number[] };
    expect(folds.length).toBeGreaterThan(1400);
    const missed = folds.filter(([cp, f]) => caseFold(U(cp)) !== caseFold(f)).map(([cp]) => hexOf(U(cp)));
    expect(missed).toEqual([]);
    expect(coarser.map((cp) => hexOf(U(cp)))).toEqual(['U+0131']);
  });

  it('special cases', () => {
    expect(caseFold('Straße')).toBe('strasse');
    expect(caseFold('ẞ')).toBe('ss');
    expect(caseFold('ΟΔΥΣΣΕΥΣ')).toBe(caseFold('οδυσσευς'));
    expect(caseFold('ς')).toBe('σ');
    expect(caseFold('ﬃ')).toBe('ffi');
    expect(caseFold('İ')).toBe('i\u0307');
    expect(caseFold('ǅ')).toBe('ǆ');
    expect(caseFold('\u212A')).toBe('k'); // KELVIN SIGN
    expect(caseFold('Ꭰ')).toBe(caseFold('ꭰ')); // Cherokee folds to upper case in CaseFolding.txt; joined either way
  });
});
