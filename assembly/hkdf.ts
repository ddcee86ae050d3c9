// HKDF (RFC 5869) over HMAC-SHA-256 / HMAC-SHA-512; W = u32 | u64 selects the hash as in hmac.ts.

import { wipe } from "./ct";
import { hmacInit, hmacUpdate, hmacFinal, hmacWipeScratch, hmacCtxSize, outSize } from "./hmac";

// Working and template HMAC contexts (sized for SHA-512), previous block T(i-1), counter octet.
const WORK: usize = memory.data(416, 16);
const TEMPLATE: usize = memory.data(416, 16);
const T: usize = memory.data(64, 16);
const COUNTER: usize = memory.data(16, 16);
const PRK: usize = memory.data(64, 16);

/**
 * §2.2 PRK = HMAC-Hash(salt, IKM). An absent salt means HashLen zero bytes; HMAC zero-pads its key
 * to a block, so an empty salt gives the same PRK and needs no special case.
 */
export function hkdfExtract<W>(salt: usize, saltLen: usize, ikm: usize, ikmLen: usize, prk: usize): void {
  hmacInit<W>(WORK, salt, saltLen);
  hmacUpdate<W>(WORK, ikm, ikmLen);
  hmacFinal<W>(WORK, prk);
  wipe(WORK, 416);
  hmacWipeScratch<W>();
}

/**
 * §2.3 OKM = first L octets of T(1) ‖ T(2) ‖ …, T(i) = HMAC-Hash(PRK, T(i-1) ‖ info ‖ i).
 * The caller enforces L ≤ 255·HashLen. PRK is absorbed once into a template context that each
 * block copies, so a long output costs one key setup, not one per block.
 */
export function hkdfExpand<W>(prk: usize, prkLen: usize, info: usize, infoLen: usize, out: usize, len: usize): void {
  const H = outSize<W>();
  const C = hmacCtxSize<W>();
  hmacInit<W>(TEMPLATE, prk, prkLen);
  let done: usize = 0;
  for (let i: u32 = 1; done < len; i++) {
    memory.copy(WORK, TEMPLATE, C);
    if (i > 1) hmacUpdate<W>(WORK, T, H);
    hmacUpdate<W>(WORK, info, infoLen);
    store<u8>(COUNTER, <u8>i);
    hmacUpdate<W>(WORK, COUNTER, 1);
    hmacFinal<W>(WORK, T);
    const take = min<usize>(H, len - done);
    memory.copy(out + done, T, take);
    done += take;
  }
  wipe(WORK, 416);
  wipe(TEMPLATE, 416);
  wipe(T, 64);
  hmacWipeScratch<W>();
}

/** Extract then expand, with the PRK kept inside the module and wiped. */
export function hkdf<W>(ikm: usize, ikmLen: usize, salt: usize, saltLen: usize, info: usize, infoLen: usize, out: usize, len: usize): void {
  hkdfExtract<W>(salt, saltLen, ikm, ikmLen, PRK);
  hkdfExpand<W>(PRK, outSize<W>(), info, infoLen, out, len);
  wipe(PRK, 64);
}
