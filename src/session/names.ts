// One comparison of display names for the impersonation warning (issue 16 item 5): a presented name
// that a reader could take for a stored contact's name must be caught whatever invisible characters,
// compatibility forms, letter case or look-alike letters it uses. Built from Unicode's own data:
// Default_Ignorable_Code_Point and Bidi_Control (the engine's `\p{…}` tables), NFKC (UAX #15), full
// case folding (Unicode §3.13), and the confusable skeleton of UTS #39 §4 with the prototypes of
// confusables.txt, as shipped by the `unhomoglyph` package (Unicode 13.0.0; the package matrix-js-sdk
// uses for display-name disambiguation). Browser-safe: no Node built-ins.
import unhomoglyph from 'unhomoglyph';

// Rendered as nothing (Unicode §5.21 "Default Ignorable Code Points"), so they only hide differences:
// zero-width space/joiners, U+FEFF, soft hyphen, variation selectors, tag characters, Hangul fillers,
// and every bidi control (U+061C, U+200E/F, U+202A–202E, U+2066–2069 — UAX #9 §2; listed by property
// as well in case an engine's Default_Ignorable table predates U+061C).
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/gu;
// Runs of White_Space, plus U+2800 BRAILLE PATTERN BLANK: not White_Space but drawn empty (a known
// way to pad names; matrix-js-sdk drops it too).
const SPACES = /[\s\u2800]+/gu;
// A character with the combining marks after it: the unit sameName reads one way or another.
const SEGMENT = /\P{M}\p{M}*|\p{M}+/gu;
// Bounds the fold/skeleton alternation below. Single code points settle within 3 rounds, and nameKey
// is idempotent for every assigned code point (test/session/names.test.ts); a string that has not
// settled by then keeps its last value, which is still deterministic.
const MAX_ROUNDS = 8;

/**
 * Full case folding (Unicode §3.13 toCasefold) from what JavaScript has: lower, upper, lower again,
 * and final sigma ς → σ. Lower-first catches U+1E9E ẞ (→ ß → SS → ss); the upper step joins the
 * special foldings (ß → ss, ΐ, ŉ, ligatures); ς → σ undoes the context rule of toLowerCase so the
 * result depends on the character, not its neighbours. Joins exactly what CaseFolding.txt (C + F)
 * joins, plus ı with i (which confusables.txt joins anyway) — checked for every code point against
 * Python's str.casefold in test/session/names.test.ts. Locale-free: no Turkish İ/ı tailoring.
 * @param text any string
 * @returns `text` case-folded
 * @example caseFold('Straße') // 'strasse'
 */
export function caseFold(text: string): string {
  return text.toLowerCase().toUpperCase().toLowerCase().replace(/ς/g, 'σ');
}

/**
 * The confusable skeleton of UTS #39 §4: NFD, default-ignorable code points removed, each character
 * replaced by its confusables.txt prototype (which may be several characters: m → rn), NFD again.
 * Case-sensitive, like the data: the prototype of Cyrillic В is B, that of в is ʙ.
 * @param text any string
 * @returns the skeleton; two strings with equal skeletons are confusable
 * @example skeleton('Воb') === skeleton('Bob') // true (Cyrillic В, о)
 */
export function skeleton(text: string): string {
  return unhomoglyph(text.normalize('NFD').replace(INVISIBLE, '')).normalize('NFD');
}

/** Invisible characters removed and whitespace runs made one space (not trimmed). */
function visible(text: string): string {
  return text.replace(INVISIBLE, '').replace(SPACES, ' ');
}

// NFKC, skeleton, case fold, until nothing changes. Neither order of skeleton and folding is enough
// alone: folding first turns Cyrillic В into в, whose prototype is ʙ, not B; the skeleton of a folded
// string can contain letters the data maps again (M → m → rn); and a prototype may be a compatibility
// character that NFKC changes (U+FF9E), so NFKC runs in every round.
function settle(text: string): string {
  let s = text;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = caseFold(skeleton(s.normalize('NFKC'))).normalize('NFD').replace(SPACES, ' ');
    if (next === s) break;
    s = next;
  }
  return s;
}

/**
 * The comparison key of a display name: invisible and bidi characters removed, NFKC, whitespace runs
 * collapsed and trimmed, then the UTS #39 skeleton and case folding alternated until stable. Names
 * with equal keys look alike; use {@link sameName} for the impersonation check, which also pairs
 * case variants whose capital looks like another letter ("IVAN" and "ivan": capital I is drawn like
 * l). Not for display: the key is a sequence of prototypes ("Mary" → "rnary").
 * @param name a display name (any string)
 * @returns its key, NFD
 * @example nameKey('Ｂｏｂ\u200B') === nameKey('bob') // true
 */
export function nameKey(name: string): string {
  return settle(visible(name).trim()).trim();
}

// Each segment's readings: as it is, as its case fold, and as its skeleton before NFKC (so that ſ,
// which NFKC makes s, can still be read as the f it looks like). Memoised: names repeat letters.
const readingCache = new Map<string, readonly string[]>();
const MAX_CACHED_SEGMENTS = 4096;

function readingsOf(segment: string): readonly string[] {
  let r = readingCache.get(segment);
  if (r === undefined) {
    r = [...new Set([settle(segment), settle(caseFold(segment)), settle(skeleton(segment))])];
    if (readingCache.size >= MAX_CACHED_SEGMENTS) readingCache.clear();
    readingCache.set(segment, r);
  }
  return r;
}

function segmentReadings(name: string): (readonly string[])[] {
  return (visible(name).trim().normalize('NFD').match(SEGMENT) ?? []).map(readingsOf);
}

// Whether some choice of one reading per segment spells the same text for both names. Depth-first
// over (segments of a used, segments of b used, text one side is ahead by); the lead is a suffix of
// one reading, so the states are few.
function someReadingsAgree(a: (readonly string[])[], b: (readonly string[])[]): boolean {
  const seen = new Set<string>();
  const todo: [number, number, string, 'a' | 'b'][] = [[0, 0, '', 'a']];
  while (todo.length > 0) {
    const [i, j, lead, ahead] = todo.pop()!;
    const id = `${i},${j},${ahead},${lead}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (lead === '') {
      if (i === a.length && j === b.length) return true;
      if (i < a.length) for (const r of a[i]) todo.push([i + 1, j, r, 'a']);
      else for (const r of b[j]) todo.push([i, j + 1, r, 'b']);
      continue;
    }
    // The side that is behind reads its next segment.
    const [behind, k] = ahead === 'a' ? [b, j] : [a, i];
    if (k === behind.length) continue;
    const [ni, nj] = ahead === 'a' ? [i, j + 1] : [i + 1, j];
    for (const r of behind[k]) {
      if (r.startsWith(lead)) todo.push([ni, nj, r.slice(lead.length), ahead === 'a' ? 'b' : 'a']);
      else if (lead.startsWith(r)) todo.push([ni, nj, lead.slice(r.length), ahead]);
    }
  }
  return false;
}

/**
 * Whether two display names could be taken for each other: equal {@link nameKey}s, or — character by
 * character (with its combining marks) — each read as it looks, as its case fold looks, or as it
 * looks before compatibility mapping, spelling the same text. So "Bob" matches "bob", "BOB",
 * "Воb" (Cyrillic), "Ｂｏｂ", "𝐁𝐨𝐛", "B0b", "Bob\u200B", "B\u202Eob" and " Bob "; "IVAN" matches
 * "ivan" and "lvan", while "ivan" and "lvan" do not match each other. Symmetric; not transitive.
 * A name that merely resembles another is not caught (see docs/THREAT-MODEL.md "Names").
 * @param a a display name
 * @param b another display name
 * @returns true if the names are the same for the impersonation check
 * @example sameName('Bob', 'Воb') // true
 * @example sameName('Bob', 'Rob') // false
 */
export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b) || someReadingsAgree(segmentReadings(a), segmentReadings(b));
}
