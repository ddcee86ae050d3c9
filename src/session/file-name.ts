// A peer's file name made safe to save under (issue 18 item 7): the peer chooses it, so it must not
// pick the directory (separators, "..", a leading dot), break the file system (Windows' reserved
// characters, control characters, trailing dots and spaces) or disguise itself — "invoice\u202Efdp.exe"
// (U+202E RIGHT-TO-LEFT OVERRIDE) is shown by a file manager as "invoiceexe.pdf". Every character
// displayText would escape (controls, bidi controls — UAX #9 §2 —, default-ignorable characters,
// line and paragraph separators, interlinear annotation) becomes "_": a download name cannot show
// an escape, so the change is made visible by the mark. The one rule for both apps: the web app's
// download attribute and `keyprint chat`'s saved files. Browser-safe: no Node built-ins.

// As display-text.ts HIDDEN, plus what a file system refuses or reads as a path.
const UNSAFE = /[\p{Cc}\p{Bidi_Control}\p{Default_Ignorable_Code_Point}\u2028\u2029\uFFF9-\uFFFB<>:"|?*]/gu;
const MAX_NAME = 120;
const MAX_EXTENSION = 16;

/**
 * A safe local file name for a name chosen by the peer.
 * @param name the peer's file name
 * @returns at most 120 UTF-16 units, no path separator, no control, bidi or invisible character, not
 *   starting with "." and not ending with "." or a space; never empty ("file")
 * @example safeFileName('../../etc/passwd') // 'passwd'
 * @example safeFileName('invoice\u202Efdp.exe') // 'invoice_fdp.exe'
 */
export function safeFileName(name: string): string {
  const base = String(name).split(/[/\\]/).pop() ?? '';
  let s = base.normalize('NFC').replace(UNSAFE, '_').trim();
  s = s.replace(/^\.+/, '').replace(/[. ]+$/, ''); // no hidden files, no "." or ".."; Windows drops trailing dots and spaces
  if (s.length > MAX_NAME) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= MAX_EXTENSION ? s.slice(dot) : '';
    s = cut(s.slice(0, s.length - ext.length), MAX_NAME - ext.length) + ext;
  }
  return s === '' ? 'file' : s;
}

/** The first `n` UTF-16 units of `s`, without splitting a surrogate pair. */
function cut(s: string, n: number): string {
  let out = '';
  for (const c of s) {
    if (out.length + c.length > n) break;
    out += c;
  }
  return out;
}
