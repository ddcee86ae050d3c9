// SHA-512 (FIPS 180-4 §6.4). Streaming context in linear memory; no allocation.
//
// Context layout (SHA512_CTX bytes): state H0..H7 (8 × u64, host order) | block buffer (128 B) |
// total length in bytes (u64; messages are < 2^61 bytes here) | bytes buffered (u32).

import { wipe } from "./ct";

export const SHA512_CTX: usize = 208;
export const SHA512_BLOCK: usize = 128;
export const SHA512_OUT: usize = 64;

// §4.2.3 constants K0..K79.
const K: usize = memory.data<u64>([
  0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
  0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
  0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
  0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
  0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
  0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
  0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
  0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
  0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
  0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
  0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
  0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
  0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
  0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
  0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
  0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
  0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
  0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
  0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
  0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817
]);
// §5.3.5 initial hash value.
const IV: usize = memory.data<u64>([
  0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
  0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179
]);
// Message schedule W0..W79 (scratch; wiped by callers that hash secrets).
export const W512: usize = memory.data(80 * 8, 16);

// §6.4.2: process `blocks` consecutive 128-byte blocks starting at `p`.
export function sha512Blocks(state: usize, p: usize, blocks: usize): void {
  let a = load<u64>(state, 0), b = load<u64>(state, 8), c = load<u64>(state, 16), d = load<u64>(state, 24);
  let e = load<u64>(state, 32), f = load<u64>(state, 40), g = load<u64>(state, 48), h = load<u64>(state, 56);
  const W = W512;
  while (blocks--) {
    for (let i: usize = 0; i < 128; i += 8) store<u64>(W + i, bswap<u64>(load<u64>(p + i)));
    for (let i: usize = 128; i < 640; i += 8) {
      const w15 = load<u64>(W + i - 120), w2 = load<u64>(W + i - 16);
      const s0 = rotr<u64>(w15, 1) ^ rotr<u64>(w15, 8) ^ (w15 >>> 7);
      const s1 = rotr<u64>(w2, 19) ^ rotr<u64>(w2, 61) ^ (w2 >>> 6);
      store<u64>(W + i, load<u64>(W + i - 128) + s0 + load<u64>(W + i - 56) + s1);
    }
    const a0 = a, b0 = b, c0 = c, d0 = d, e0 = e, f0 = f, g0 = g, h0 = h;
    let t: u64;
    // Eight rounds per iteration with the working variables renamed instead of shifted.
    for (let i: usize = 0; i < 640; i += 64) {
    const k = K + i, w = W + i;
    t = h + (rotr<u64>(e, 14) ^ rotr<u64>(e, 18) ^ rotr<u64>(e, 41)) + (g ^ (e & (f ^ g))) + load<u64>(k, 0) + load<u64>(w, 0);
    d += t; h = t + (rotr<u64>(a, 28) ^ rotr<u64>(a, 34) ^ rotr<u64>(a, 39)) + ((a & b) | (c & (a | b)));
    t = g + (rotr<u64>(d, 14) ^ rotr<u64>(d, 18) ^ rotr<u64>(d, 41)) + (f ^ (d & (e ^ f))) + load<u64>(k, 8) + load<u64>(w, 8);
    c += t; g = t + (rotr<u64>(h, 28) ^ rotr<u64>(h, 34) ^ rotr<u64>(h, 39)) + ((h & a) | (b & (h | a)));
    t = f + (rotr<u64>(c, 14) ^ rotr<u64>(c, 18) ^ rotr<u64>(c, 41)) + (e ^ (c & (d ^ e))) + load<u64>(k, 16) + load<u64>(w, 16);
    b += t; f = t + (rotr<u64>(g, 28) ^ rotr<u64>(g, 34) ^ rotr<u64>(g, 39)) + ((g & h) | (a & (g | h)));
    t = e + (rotr<u64>(b, 14) ^ rotr<u64>(b, 18) ^ rotr<u64>(b, 41)) + (d ^ (b & (c ^ d))) + load<u64>(k, 24) + load<u64>(w, 24);
    a += t; e = t + (rotr<u64>(f, 28) ^ rotr<u64>(f, 34) ^ rotr<u64>(f, 39)) + ((f & g) | (h & (f | g)));
    t = d + (rotr<u64>(a, 14) ^ rotr<u64>(a, 18) ^ rotr<u64>(a, 41)) + (c ^ (a & (b ^ c))) + load<u64>(k, 32) + load<u64>(w, 32);
    h += t; d = t + (rotr<u64>(e, 28) ^ rotr<u64>(e, 34) ^ rotr<u64>(e, 39)) + ((e & f) | (g & (e | f)));
    t = c + (rotr<u64>(h, 14) ^ rotr<u64>(h, 18) ^ rotr<u64>(h, 41)) + (b ^ (h & (a ^ b))) + load<u64>(k, 40) + load<u64>(w, 40);
    g += t; c = t + (rotr<u64>(d, 28) ^ rotr<u64>(d, 34) ^ rotr<u64>(d, 39)) + ((d & e) | (f & (d | e)));
    t = b + (rotr<u64>(g, 14) ^ rotr<u64>(g, 18) ^ rotr<u64>(g, 41)) + (a ^ (g & (h ^ a))) + load<u64>(k, 48) + load<u64>(w, 48);
    f += t; b = t + (rotr<u64>(c, 28) ^ rotr<u64>(c, 34) ^ rotr<u64>(c, 39)) + ((c & d) | (e & (c | d)));
    t = a + (rotr<u64>(f, 14) ^ rotr<u64>(f, 18) ^ rotr<u64>(f, 41)) + (h ^ (f & (g ^ h))) + load<u64>(k, 56) + load<u64>(w, 56);
    e += t; a = t + (rotr<u64>(b, 28) ^ rotr<u64>(b, 34) ^ rotr<u64>(b, 39)) + ((b & c) | (d & (b | c)));
    }
    a += a0; b += b0; c += c0; d += d0; e += e0; f += f0; g += g0; h += h0;
    p += 128;
  }
  store<u64>(state, a, 0); store<u64>(state, b, 8); store<u64>(state, c, 16); store<u64>(state, d, 24);
  store<u64>(state, e, 32); store<u64>(state, f, 40); store<u64>(state, g, 48); store<u64>(state, h, 56);
}

export function sha512Init(ctx: usize): void {
  memory.copy(ctx, IV, 64);
  memory.fill(ctx + 64, 0, SHA512_CTX - 64);
}

export function sha512Update(ctx: usize, p: usize, len: usize): void {
  let buffered = <usize>load<u32>(ctx, 200);
  store<u64>(ctx, load<u64>(ctx, 192) + <u64>len, 192);
  const buf = ctx + 64;
  if (buffered) {
    const take = min<usize>(128 - buffered, len);
    memory.copy(buf + buffered, p, take);
    buffered += take; p += take; len -= take;
    if (buffered < 128) { store<u32>(ctx, <u32>buffered, 200); return; }
    sha512Blocks(ctx, buf, 1);
    buffered = 0;
  }
  const blocks = len >>> 7;
  if (blocks) { sha512Blocks(ctx, p, blocks); p += blocks << 7; len &= 127; }
  memory.copy(buf, p, len);
  store<u32>(ctx, <u32>len, 200);
}

// §5.1.2 padding (128-bit length; the high 64 bits are zero here), then the big-endian digest.
export function sha512Final(ctx: usize, out: usize): void {
  const buf = ctx + 64;
  let n = <usize>load<u32>(ctx, 200);
  const bits = load<u64>(ctx, 192) << 3;
  store<u8>(buf + n, 0x80); n++;
  if (n > 112) { memory.fill(buf + n, 0, 128 - n); sha512Blocks(ctx, buf, 1); n = 0; }
  memory.fill(buf + n, 0, 120 - n);
  store<u64>(buf, bswap<u64>(bits), 120);
  sha512Blocks(ctx, buf, 1);
  for (let i: usize = 0; i < 64; i += 8) store<u64>(out + i, bswap<u64>(load<u64>(ctx + i)));
}

export function sha512(p: usize, len: usize, out: usize, ctx: usize): void {
  sha512Init(ctx);
  sha512Update(ctx, p, len);
  sha512Final(ctx, out);
}

export function wipeSha512Scratch(): void {
  wipe(W512, 80 * 8);
}

/**
 * H(0) = initial; H(i) = SHA-512(H(i-1) ‖ suffix) for i = 1..iterations; writes H(iterations).
 * The iterated hashing of Signal's numeric fingerprint (libsignal NumericFingerprintGenerator),
 * run entirely inside the module so no round crosses the JS boundary.
 */
export function sha512Iterate(ctx: usize, initial: usize, initialLen: usize, suffix: usize, suffixLen: usize,
                              iterations: u32, out: usize): void {
  if (iterations == 0) { memory.copy(out, initial, initialLen); return; }
  sha512Init(ctx);
  sha512Update(ctx, initial, initialLen);
  sha512Update(ctx, suffix, suffixLen);
  sha512Final(ctx, out);
  for (let i: u32 = 1; i < iterations; i++) {
    sha512Init(ctx);
    sha512Update(ctx, out, 64);
    sha512Update(ctx, suffix, suffixLen);
    sha512Final(ctx, out);
  }
}
