// HMAC (RFC 2104; FIPS 198-1) over SHA-256 and SHA-512, streaming, in linear memory.
//
// The type parameter picks the hash at compile time: u32 → SHA-256, u64 → SHA-512 (the word
// size of each hash). Context layout: inner hash context | outer hash context.

import { wipe } from "./ct";
import { SHA256_CTX, sha256Init, sha256Update, sha256Final } from "./sha256";
import { SHA512_CTX, sha512Init, sha512Update, sha512Final } from "./sha512";

// Key block K0 XOR pad, and the inner digest: secret scratch, wiped by hmacWipeScratch.
const PAD: usize = memory.data(128, 16);
const INNER: usize = memory.data(64, 16);

// @ts-ignore: decorator
@inline export function ctxSize<W>(): usize { return sizeof<W>() == 8 ? SHA512_CTX : SHA256_CTX; }
// @ts-ignore: decorator
@inline export function blockSize<W>(): usize { return sizeof<W>() == 8 ? 128 : 64; }
// @ts-ignore: decorator
@inline export function outSize<W>(): usize { return sizeof<W>() == 8 ? 64 : 32; }
// @ts-ignore: decorator
@inline export function hmacCtxSize<W>(): usize { return 2 * ctxSize<W>(); }

// @ts-ignore: decorator
@inline function hInit<W>(ctx: usize): void { if (sizeof<W>() == 8) sha512Init(ctx); else sha256Init(ctx); }
// @ts-ignore: decorator
@inline function hUpdate<W>(ctx: usize, p: usize, len: usize): void {
  if (sizeof<W>() == 8) sha512Update(ctx, p, len); else sha256Update(ctx, p, len);
}
// @ts-ignore: decorator
@inline function hFinal<W>(ctx: usize, out: usize): void {
  if (sizeof<W>() == 8) sha512Final(ctx, out); else sha256Final(ctx, out);
}

/** RFC 2104 §2: K0 = key (hashed first if longer than a block), zero-padded; absorb K0^ipad / K0^opad. */
export function hmacInit<W>(ctx: usize, key: usize, keyLen: usize): void {
  const B = blockSize<W>();
  const inner = ctx, outer = ctx + ctxSize<W>();
  memory.fill(PAD, 0, B);
  if (keyLen > B) {
    hInit<W>(inner);
    hUpdate<W>(inner, key, keyLen);
    hFinal<W>(inner, PAD);
  } else {
    memory.copy(PAD, key, keyLen);
  }
  for (let i: usize = 0; i < B; i += 8) store<u64>(PAD + i, load<u64>(PAD + i) ^ 0x3636363636363636);
  hInit<W>(inner);
  hUpdate<W>(inner, PAD, B);
  // 0x36 ^ 0x5c = 0x6a turns ipad into opad.
  for (let i: usize = 0; i < B; i += 8) store<u64>(PAD + i, load<u64>(PAD + i) ^ 0x6a6a6a6a6a6a6a6a);
  hInit<W>(outer);
  hUpdate<W>(outer, PAD, B);
  wipe(PAD, B);
}

export function hmacUpdate<W>(ctx: usize, p: usize, len: usize): void {
  hUpdate<W>(ctx, p, len);
}

/** HMAC = H(K0^opad ‖ H(K0^ipad ‖ text)); leaves the contexts consumed. */
export function hmacFinal<W>(ctx: usize, out: usize): void {
  const outer = ctx + ctxSize<W>();
  hFinal<W>(ctx, INNER);
  hUpdate<W>(outer, INNER, outSize<W>());
  hFinal<W>(outer, out);
}

/** Zero every piece of scratch an HMAC computation may have left secret bytes in (the hashes
 * themselves keep their schedule in locals, so only these buffers and the contexts hold secrets). */
export function hmacWipeScratch<W>(): void {
  wipe(PAD, 128);
  wipe(INNER, 64);
}
