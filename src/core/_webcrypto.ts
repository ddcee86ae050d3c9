// WebCrypto access for core's cipher helpers (aes-gcm.ts, aes-cbc.ts): the one SubtleCrypto lookup and
// the copy into an ArrayBuffer of its own that WebCrypto wants as a BufferSource.

import { CryptoError } from '../errors.js';

/** A copy in an ArrayBuffer of its own (the caller's bytes stay theirs; the copy can be wiped). */
export const own = (b: Uint8Array): ArrayBuffer => b.slice().buffer as ArrayBuffer;

/** globalThis.crypto.subtle (Node ≥ 19 and every browser). */
export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new CryptoError('unsupported-algorithm', 'WebCrypto (globalThis.crypto.subtle) is not available');
  return s;
}
