// PGP word list rendering (Juola & Zimmermann): one word per byte, the two-syllable "even" list at
// even positions and the three-syllable "odd" list at odd positions, so a swapped, doubled or dropped
// word shows. ZRTP's "B256" SAS (RFC 6189 §5.1.6) is the first two words of this rendering.

import { PGP_EVEN, PGP_ODD } from './_pgp-words.js';
import { atLeast, integer } from './_check.js';
import { InputError } from '../errors.js';

/** Most words `sasWords` renders (one SHA-512 output's worth). */
export const SAS_WORDS_MAX = 64;

/**
 * Renders the first `count` SAS bytes as PGP words (byte i → even list if i is even, odd list if odd).
 * @param bytes the SAS bytes; at least `count`
 * @param count number of words, 1 … 64 (8 bits each; 5 words = 40 bits for a session SAS)
 * @returns `count` words, case as in the PGP word list
 * @throws InputError `invalid-value` for a bad count, `invalid-type` / `invalid-length` for bad bytes
 * @example sasWords(Uint8Array.of(0xd2, 0x69), 2) // ['standard', 'guitarist']
 */
export function sasWords(bytes: Uint8Array, count: number): string[] {
  const b = atLeast('bytes', bytes, 1);
  integer('count', count, 1, SAS_WORDS_MAX);
  if (b.length < count) {
    throw new InputError('invalid-length', `"bytes" expected at least ${count} bytes for ${count} words, got ${b.length}`);
  }
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push((i % 2 === 0 ? PGP_EVEN : PGP_ODD)[b[i]]);
  return out;
}
