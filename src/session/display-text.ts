// Peer-controlled text (names, file names, messages, error texts) made safe to show in a terminal or
// a page (issue 16 item 8). A peer must not be able to drive the terminal (ECMA-48 C0/C1 controls:
// ESC/CSI colour and cursor sequences, OSC 8 hyperlinks, OSC 52 clipboard writes, CR or backspace
// overwriting), reorder what is shown ("Trojan Source", Boucher & Anderson 2021, CVE-2021-42574:
// the explicit directional formatting characters of UAX #9 §2) or hide text in characters that are
// drawn as nothing (Unicode §5.21 Default_Ignorable_Code_Point; tag-character "ASCII smuggling").
// Browser-safe: no Node built-ins. `--json` output keeps the exact text and does not use this.

/** Options for {@link displayText}. */
export interface DisplayTextOptions {
  /** Keep line breaks (`\n`, CRLF as `\n`, U+2028/U+2029 as `\n`): message bodies. Default false. */
  multiline?: boolean;
}

// Removed and shown as a marker: every control (Cc: C0, DEL, C1 incl. U+0085 NEL and U+009B CSI),
// every bidi control (U+061C ALM, U+200E/F LRM/RLM, U+202A–202E embeddings and overrides, U+2066–2069
// isolates — marks too: they move neutrals such as "." and digits), everything default-ignorable
// (zero-width space, word joiner, U+FEFF, soft hyphen, invisible operators U+2061–2064, deprecated
// format characters U+206A–206F, Hangul fillers, CGJ, tag characters, shorthand and musical format
// controls, and the unassigned ranges renderers must also draw as nothing), the line and paragraph
// separators (a line break a terminal may not show), and the interlinear annotation characters
// U+FFF9–FFFB (not default-ignorable, but they delimit text a renderer may hide).
const HIDDEN = /[\p{Cc}\p{Bidi_Control}\p{Default_Ignorable_Code_Point}\u2028\u2029\uFFF9-\uFFFB]/u;
// Default-ignorable characters that text needs, kept where they do their job (below).
const JOINER = /[\u200C\u200D]/u; // ZWNJ, ZWJ: emoji ZWJ sequences (UTS #51 §2.3), Persian, Indic
const SELECTOR = /[\u180B-\u180D\u180F\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u; // variation selectors
const BLACK_FLAG = 0x1f3f4;
const TAG_SPEC = /^[\u{E0020}-\u{E007E}]$/u;
const CANCEL_TAG = '\u{E007F}';

function marker(codePoint: number): string {
  return `\\u{${codePoint.toString(16).toUpperCase()}}`;
}

/** Length (in code points) of the emoji tag sequence at `i` (UTS #51 ED-14a: 🏴 tags… U+E007F), or 0. */
function tagSequenceAt(chars: string[], i: number): number {
  if (chars[i].codePointAt(0) !== BLACK_FLAG) return 0;
  let k = i + 1;
  while (k < chars.length && TAG_SPEC.test(chars[k])) k++;
  return k > i + 1 && chars[k] === CANCEL_TAG ? k + 1 - i : 0;
}

/**
 * Peer-controlled text as it may be shown: controls, bidi controls and invisible characters each
 * replaced by a visible escape of their code point (`"evil\u202Etxt.exe"` → `evil\u{202E}txt.exe`),
 * lone surrogates by U+FFFD, tabs by a space. Visible escapes, not silent removal: the user sees
 * that the text was altered and how (silently dropping U+202E would show a plausible "eviltxt.exe",
 * and U+FFFD would not say what was there), as careful tools do — Git's quoted paths, GNU ls's
 * quoting, rustc's text-direction lint. ZWJ/ZWNJ are kept between two visible characters, a
 * variation selector right after a visible character, and tag characters inside an emoji tag
 * sequence (🏴󠁧󠁢󠁳󠁣󠁴󠁿), so emoji such as 👩‍👩‍👧 and ❤️‍🔥 and Persian or Indic text survive; runs and
 * strays of them (hidden-data channels) are escaped like the rest.
 * @param text a string from the peer
 * @param options `multiline` keeps line breaks (messages); otherwise a line break is escaped too
 * @returns text with no control, bidi control, lone surrogate or hidden character left
 * @example displayText('\x1b[31mred\x1b[0m.txt') // '\\u{1B}[31mred\\u{1B}[0m.txt'
 * @example displayText('a\r\nb', { multiline: true }) // 'a\nb'
 */
export function displayText(text: string, options: DisplayTextOptions = {}): string {
  const multiline = options.multiline === true;
  const chars = Array.from(text); // code points; a lone surrogate is one element
  let out = '';
  // What the last output was, for the joiner and selector rules.
  let last: 'none' | 'visible' | 'selector' = 'none';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const cp = c.codePointAt(0)!;
    const tags = tagSequenceAt(chars, i);
    if (tags > 0) {
      out += chars.slice(i, i + tags).join('');
      i += tags - 1;
      last = 'visible';
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\uFFFD';
      last = 'none';
    } else if (c === '\t') {
      out += ' ';
      last = 'none';
    } else if (multiline && (c === '\n' || c === '\u2028' || c === '\u2029' || (c === '\r' && chars[i + 1] === '\n'))) {
      if (c !== '\r') out += '\n';
      last = 'none';
    } else if (JOINER.test(c)) {
      const next = chars[i + 1];
      const between = last !== 'none' && next !== undefined && !HIDDEN.test(next) && !/\s/u.test(next);
      out += between ? c : marker(cp);
      last = 'none';
    } else if (SELECTOR.test(c)) {
      out += last === 'visible' ? c : marker(cp);
      last = last === 'visible' ? 'selector' : 'none';
    } else if (HIDDEN.test(c)) {
      out += marker(cp);
      last = 'none';
    } else {
      out += c;
      last = /\s/u.test(c) ? 'none' : 'visible';
    }
  }
  return out;
}
