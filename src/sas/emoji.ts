// Emoji SAS: Matrix `m.sas.v1` "emoji" method (Matrix client-server API, "SAS method: emoji").
// The first 42 bits of the SAS bytes, big-endian, split into 7 groups of 6 bits; each group indexes
// the 64-entry emoji table (src/sas/_emoji-table.ts, generated from the Matrix spec's data file).

import { EMOJI, EMOJI_NAMES } from './_emoji-table.js';
import { atLeast, options } from './_check.js';
import { InputError, describe } from '../errors.js';

/** One rendered emoji: the character(s) to show and the name to show or read next to it. */
export interface SasEmoji {
  emoji: string;
  name: string;
}

/** Bytes read by `sasEmoji`: 42 bits round up to 6 bytes (the last 6 bits are not used). */
export const SAS_EMOJI_BYTES = 6;

const LOCALES: readonly string[] = ['en', ...Object.keys(EMOJI_NAMES)];

/**
 * The languages `sasEmoji` can name the emoji in: `'en'` (the spec's names) and every language of
 * the Matrix data file that has at least one translated name. Spelling as in the data file
 * (`'de'`, `'pt_BR'`, `'zh_Hans'`); names a language lacks fall back to English.
 * @returns locale codes, `'en'` first
 * @example sasLocales().includes('de') // true
 */
export function sasLocales(): string[] {
  return [...LOCALES];
}

/** Accepts `pt-BR` for `pt_BR` (BCP 47 spelling); anything unknown is an error, not English. */
function resolveLocale(locale: unknown): string {
  if (locale === undefined) return 'en';
  if (typeof locale !== 'string') {
    throw new InputError('invalid-type', `"locale" expected string, got ${describe(locale)}`);
  }
  const key = locale.replace('-', '_');
  if (!LOCALES.includes(key)) {
    throw new InputError('invalid-value', `"locale" expected one of sasLocales(), got ${JSON.stringify(locale)}`);
  }
  return key;
}

/**
 * Renders SAS bytes as 7 emoji (Matrix `m.sas.v1`): bits 0–41, big-endian, 6 bits per emoji.
 * @param bytes the SAS bytes; at least 6 (only the first 42 bits are used)
 * @param opts `locale` for the names (default `'en'`; see `sasLocales()`)
 * @returns 7 `{ emoji, name }` entries
 * @throws InputError `invalid-type` / `invalid-length` for bad bytes, `invalid-value` for an unknown locale
 * @example sasEmoji(deriveSas(secret, transcriptHash)).map((e) => e.emoji).join(' ')
 */
export function sasEmoji(bytes: Uint8Array, opts: { locale?: string } = {}): SasEmoji[] {
  const b = atLeast('bytes', bytes, SAS_EMOJI_BYTES);
  const locale = resolveLocale(options<{ locale: string }>('options', opts).locale);
  const names = locale === 'en' ? undefined : EMOJI_NAMES[locale];
  // 48 bits fit a double exactly; the top 42 of them are the 7 groups.
  const bits = b[0] * 2 ** 40 + b[1] * 2 ** 32 + ((b[2] << 24) >>> 0) + (b[3] << 16) + (b[4] << 8) + b[5];
  const out: SasEmoji[] = [];
  for (let i = 0; i < 7; i++) {
    const index = Math.floor(bits / 2 ** (42 - 6 * i)) % 64;
    const [emoji, english] = EMOJI[index];
    out.push({ emoji, name: names?.[index] ?? english });
  }
  return out;
}
