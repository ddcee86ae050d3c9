// SHA-256 (FIPS 180-4 §6.2). Streaming context in linear memory; no allocation.
//
// Context layout (SHA256_CTX bytes): state H0..H7 (8 × u32, host order) | block buffer (64 B) |
// total length in bytes (u64) | bytes buffered (u32).

import { wipe } from "./ct";

export const SHA256_CTX: usize = 112;
export const SHA256_BLOCK: usize = 64;
export const SHA256_OUT: usize = 32;

// §4.2.2 constants K0..K63.
const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]);
// §5.3.3 initial hash value.
const IV: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
]);
// Message schedule W0..W63 (scratch; wiped by callers that hash secrets).
export const W256: usize = memory.data(64 * 4, 16);

// §6.2.2: process `blocks` consecutive 64-byte blocks starting at `p`.
export function sha256Blocks(state: usize, p: usize, blocks: usize): void {
  let a = load<u32>(state, 0), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  let e = load<u32>(state, 16), f = load<u32>(state, 20), g = load<u32>(state, 24), h = load<u32>(state, 28);
  const W = W256;
  while (blocks--) {
    for (let i: usize = 0; i < 64; i += 4) store<u32>(W + i, bswap<u32>(load<u32>(p + i)));
    for (let i: usize = 64; i < 256; i += 4) {
      const w15 = load<u32>(W + i - 60), w2 = load<u32>(W + i - 8);
      const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
      store<u32>(W + i, load<u32>(W + i - 64) + s0 + load<u32>(W + i - 28) + s1);
    }
    const a0 = a, b0 = b, c0 = c, d0 = d, e0 = e, f0 = f, g0 = g, h0 = h;
    let t: u32;
    // Eight rounds per iteration with the working variables renamed instead of shifted.
    for (let i: usize = 0; i < 256; i += 32) {
    const k = K + i, w = W + i;
    t = h + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + (g ^ (e & (f ^ g))) + load<u32>(k, 0) + load<u32>(w, 0);
    d += t; h = t + (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) | (c & (a | b)));
    t = g + (rotr<u32>(d, 6) ^ rotr<u32>(d, 11) ^ rotr<u32>(d, 25)) + (f ^ (d & (e ^ f))) + load<u32>(k, 4) + load<u32>(w, 4);
    c += t; g = t + (rotr<u32>(h, 2) ^ rotr<u32>(h, 13) ^ rotr<u32>(h, 22)) + ((h & a) | (b & (h | a)));
    t = f + (rotr<u32>(c, 6) ^ rotr<u32>(c, 11) ^ rotr<u32>(c, 25)) + (e ^ (c & (d ^ e))) + load<u32>(k, 8) + load<u32>(w, 8);
    b += t; f = t + (rotr<u32>(g, 2) ^ rotr<u32>(g, 13) ^ rotr<u32>(g, 22)) + ((g & h) | (a & (g | h)));
    t = e + (rotr<u32>(b, 6) ^ rotr<u32>(b, 11) ^ rotr<u32>(b, 25)) + (d ^ (b & (c ^ d))) + load<u32>(k, 12) + load<u32>(w, 12);
    a += t; e = t + (rotr<u32>(f, 2) ^ rotr<u32>(f, 13) ^ rotr<u32>(f, 22)) + ((f & g) | (h & (f | g)));
    t = d + (rotr<u32>(a, 6) ^ rotr<u32>(a, 11) ^ rotr<u32>(a, 25)) + (c ^ (a & (b ^ c))) + load<u32>(k, 16) + load<u32>(w, 16);
    h += t; d = t + (rotr<u32>(e, 2) ^ rotr<u32>(e, 13) ^ rotr<u32>(e, 22)) + ((e & f) | (g & (e | f)));
    t = c + (rotr<u32>(h, 6) ^ rotr<u32>(h, 11) ^ rotr<u32>(h, 25)) + (b ^ (h & (a ^ b))) + load<u32>(k, 20) + load<u32>(w, 20);
    g += t; c = t + (rotr<u32>(d, 2) ^ rotr<u32>(d, 13) ^ rotr<u32>(d, 22)) + ((d & e) | (f & (d | e)));
    t = b + (rotr<u32>(g, 6) ^ rotr<u32>(g, 11) ^ rotr<u32>(g, 25)) + (a ^ (g & (h ^ a))) + load<u32>(k, 24) + load<u32>(w, 24);
    f += t; b = t + (rotr<u32>(c, 2) ^ rotr<u32>(c, 13) ^ rotr<u32>(c, 22)) + ((c & d) | (e & (c | d)));
    t = a + (rotr<u32>(f, 6) ^ rotr<u32>(f, 11) ^ rotr<u32>(f, 25)) + (h ^ (f & (g ^ h))) + load<u32>(k, 28) + load<u32>(w, 28);
    e += t; a = t + (rotr<u32>(b, 2) ^ rotr<u32>(b, 13) ^ rotr<u32>(b, 22)) + ((b & c) | (d & (b | c)));
    }
    a += a0; b += b0; c += c0; d += d0; e += e0; f += f0; g += g0; h += h0;
    p += 64;
  }
  store<u32>(state, a, 0); store<u32>(state, b, 4); store<u32>(state, c, 8); store<u32>(state, d, 12);
  store<u32>(state, e, 16); store<u32>(state, f, 20); store<u32>(state, g, 24); store<u32>(state, h, 28);
}

export function sha256Init(ctx: usize): void {
  memory.copy(ctx, IV, 32);
  memory.fill(ctx + 32, 0, SHA256_CTX - 32);
}

export function sha256Update(ctx: usize, p: usize, len: usize): void {
  let buffered = <usize>load<u32>(ctx, 104);
  store<u64>(ctx, load<u64>(ctx, 96) + <u64>len, 96);
  const buf = ctx + 32;
  if (buffered) {
    const take = min<usize>(64 - buffered, len);
    memory.copy(buf + buffered, p, take);
    buffered += take; p += take; len -= take;
    if (buffered < 64) { store<u32>(ctx, <u32>buffered, 104); return; }
    sha256Blocks(ctx, buf, 1);
    buffered = 0;
  }
  const blocks = len >>> 6;
  if (blocks) { sha256Blocks(ctx, p, blocks); p += blocks << 6; len &= 63; }
  memory.copy(buf, p, len);
  store<u32>(ctx, <u32>len, 104);
}

// §5.1.1 padding, then the big-endian digest to `out` (32 bytes).
export function sha256Final(ctx: usize, out: usize): void {
  const buf = ctx + 32;
  let n = <usize>load<u32>(ctx, 104);
  const bits = load<u64>(ctx, 96) << 3;
  store<u8>(buf + n, 0x80); n++;
  if (n > 56) { memory.fill(buf + n, 0, 64 - n); sha256Blocks(ctx, buf, 1); n = 0; }
  memory.fill(buf + n, 0, 56 - n);
  store<u64>(buf, bswap<u64>(bits), 56);
  sha256Blocks(ctx, buf, 1);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, bswap<u32>(load<u32>(ctx + i)));
}

export function sha256(p: usize, len: usize, out: usize, ctx: usize): void {
  sha256Init(ctx);
  sha256Update(ctx, p, len);
  sha256Final(ctx, out);
}

export function wipeSha256Scratch(): void {
  wipe(W256, 64 * 4);
}
