// ZRTP SAS renderings (RFC 6189). §4.5.2: "sasvalue = sashash [truncated to leftmost 32 bits]";
// §5.1.6: "B32 " renders the leftmost 20 bits of sasvalue as 4 z-base-32 characters, "B256" the
// leftmost 16 bits as two PGP words (even list, then odd list).

import { ZBASE32_ALPHABET } from './_zbase32.js';
import { atLeast, bytes as checkBytes } from './_check.js';
import { sasWords } from './words.js';

/** Bytes read by `sasBase32`: 20 bits round up to 3 bytes (the last 4 bits are not used). */
export const SAS_BASE32_BYTES = 3;

/** RFC 6189 §4.5.2: sashash = KDF(s0, "SAS", KDF_Context, 256), i.e. 32 bytes. */
export const ZRTP_SASHASH_BYTES = 32;

/**
 * Renders the top 20 bits of the SAS bytes as 4 z-base-32 characters (ZRTP "B32 ").
 * @param bytes the SAS bytes; at least 3
 * @returns 4 characters from `ybndrfg8ejkmcpqxot1uwisza345h769`
 * @throws InputError `invalid-type` / `invalid-length` for bad bytes
 * @example sasBase32(Uint8Array.of(0, 0, 0)) // 'yyyy'
 */
export function sasBase32(bytes: Uint8Array): string {
  const b = atLeast('bytes', bytes, SAS_BASE32_BYTES);
  const top20 = (b[0] << 12) | (b[1] << 4) | (b[2] >> 4);
  let out = '';
  for (let shift = 15; shift >= 0; shift -= 5) out += ZBASE32_ALPHABET[(top20 >> shift) & 31];
  return out;
}

/** Both ZRTP renderings of one sashash. */
export interface ZrtpSas {
  /** "B32 ": 4 z-base-32 characters (20 bits). */
  b32: string;
  /** "B256": [even word, odd word] (16 bits); bzrtp shows them joined with ':'. */
  b256: [string, string];
}

/**
 * The ZRTP SAS of a sashash (RFC 6189 §4.5.2, §5.1.6), in both renderings.
 * @param sashash KDF(s0, "SAS", KDF_Context, 256): exactly 32 bytes
 * @returns `{ b32, b256 }`
 * @throws InputError `invalid-type` / `invalid-length` unless `sashash` is 32 bytes
 * @example zrtpSas(sashash).b256.join(':') // e.g. 'standard:guitarist'
 */
export function zrtpSas(sashash: Uint8Array): ZrtpSas {
  checkBytes('sashash', sashash, ZRTP_SASHASH_BYTES);
  // sasvalue is sashash[0..4]; both renderings take their bits from its left end.
  const [even, odd] = sasWords(sashash, 2);
  return { b32: sasBase32(sashash), b256: [even, odd] };
}
