// SHA-512 (FIPS 180-4 §6.4). Streaming context in linear memory; no allocation.
//
// Context layout (SHA512_CTX bytes): state H0..H7 (8 × u64, host order) | block buffer (128 B) |
// total length in bytes (u64; messages are < 2^61 bytes here) | bytes buffered (u32).

export const SHA512_CTX: usize = 208;
export const SHA512_BLOCK: usize = 128;
export const SHA512_OUT: usize = 64;

// §5.3.5 initial hash value.
const IV: usize = memory.data<u64>([
  0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
  0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179
]);

// §6.4.2: process `blocks` consecutive 128-byte blocks starting at `p`.
export function sha512Blocks(state: usize, p: usize, blocks: usize): void {
  let a = load<u64>(state, 0), b = load<u64>(state, 8), c = load<u64>(state, 16), d = load<u64>(state, 24);
  let e = load<u64>(state, 32), f = load<u64>(state, 40), g = load<u64>(state, 48), h = load<u64>(state, 56);
  let w0: u64, w1: u64, w2: u64, w3: u64, w4: u64, w5: u64, w6: u64, w7: u64;
  let w8: u64, w9: u64, w10: u64, w11: u64, w12: u64, w13: u64, w14: u64, w15: u64;
  let t: u64, x0: u64, x1: u64;
  let v: v128;
  while (blocks--) {
    // Fully unrolled: schedule in 16 rolling locals, constants as immediates, working variables
    // renamed instead of shifted. Secret inputs (HMAC keys) therefore leave no schedule in memory.
    // GENERATED ROUNDS BEGIN (scripts/gen-sha2-rounds.mjs)
    v = v128.load(p, 0); v = i8x16.shuffle(v, v, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
    w0 = i64x2.extract_lane(v, 0);
    x1 = b ^ c;
    t = h + 0x428a2f98d728ae22 + w0 + (g ^ (e & (f ^ g))) + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 23), 4), 14);
    x0 = a ^ b;
    d += t; h = t + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 5), 6), 28) + (b ^ (x0 & x1));
    w1 = i64x2.extract_lane(v, 1);
    t = g + 0x7137449123ef65cd + w1 + (f ^ (d & (e ^ f))) + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 23), 4), 14);
    x1 = h ^ a;
    c += t; g = t + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 5), 6), 28) + (a ^ (x1 & x0));
    v = v128.load(p, 16); v = i8x16.shuffle(v, v, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
    w2 = i64x2.extract_lane(v, 0);
    t = f + 0xb5c0fbcfec4d3b2f + w2 + (e ^ (c & (d ^ e))) + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 23), 4), 14);
    x0 = g ^ h;
    b += t; f = t + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 5), 6), 28) + (h ^ (x0 & x1));
    w3 = i64x2.extract_lane(v, 1);
    t = e + 0xe9b5dba58189dbbc + w3 + (d ^ (b & (c ^ d))) + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 23), 4), 14);
    x1 = f ^ g;
    a += t; e = t + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 5), 6), 28) + (g ^ (x1 & x0));
    v = v128.load(p, 32); v = i8x16.shuffle(v, v, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
    w4 = i64x2.extract_lane(v, 0);
    t = d + 0x3956c25bf348b538 + w4 + (c ^ (a & (b ^ c))) + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 23), 4), 14);
    x0 = e ^ f;
    h += t; d = t + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 5), 6), 28) + (f ^ (x0 & x1));
    w5 = i64x2.extract_lane(v, 1);
    t = c + 0x59f111f1b605d019 + w5 + (b ^ (h & (a ^ b))) + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 23), 4), 14);
    x1 = d ^ e;
    g += t; c = t + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 5), 6), 28) + (e ^ (x1 & x0));
    v = v128.load(p, 48); v = i8x16.shuffle(v, v, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
    w6 = i64x2.extract_lane(v, 0);
    t = b + 0x923f82a4af194f9b + w6 + (a ^ (g & (h ^ a))) + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 23), 4), 14);
    x0 = c ^ d;
    f += t; b = t + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 5), 6), 28) + (d ^ (x0 & x1));
    w7 = i64x2.extract_lane(v, 1);
    t = a + 0xab1c5ed5da6d8118 + w7 + (h ^ (f & (g ^ h))) + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 23), 4), 14);
    x1 = b ^ c;
    e += t; a = t + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 5), 6), 28) + (c ^ (x1 & x0));
    v = v128.load(p, 64); v = i8x16.shuffle(v, v, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
    w8 = i64x2.extract_lane(v, 0);
    t = h + 0xd807aa98a3030242 + w8 + (g ^ (e & (f ^ g))) + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 23), 4), 14);
    x0 = a ^ b;
    d += t; h = t + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 5), 6), 28) + (b ^ (x0 & x1));
    w9 = i64x2.extract_lane(v, 1);
    t = g + 0x12835b0145706fbe + w9 + (f ^ (d & (e ^ f))) + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 23), 4), 14);
    x1 = h ^ a;
    c += t; g = t + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 5), 6), 28) + (a ^ (x1 & x0));
    v = v128.load(p, 80); v = i8x16.shuffle(v, v, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
    w10 = i64x2.extract_lane(v, 0);
    t = f + 0x243185be4ee4b28c + w10 + (e ^ (c & (d ^ e))) + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 23), 4), 14);
    x0 = g ^ h;
    b += t; f = t + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 5), 6), 28) + (h ^ (x0 & x1));
    w11 = i64x2.extract_lane(v, 1);
    t = e + 0x550c7dc3d5ffb4e2 + w11 + (d ^ (b & (c ^ d))) + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 23), 4), 14);
    x1 = f ^ g;
    a += t; e = t + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 5), 6), 28) + (g ^ (x1 & x0));
    v = v128.load(p, 96); v = i8x16.shuffle(v, v, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
    w12 = i64x2.extract_lane(v, 0);
    t = d + 0x72be5d74f27b896f + w12 + (c ^ (a & (b ^ c))) + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 23), 4), 14);
    x0 = e ^ f;
    h += t; d = t + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 5), 6), 28) + (f ^ (x0 & x1));
    w13 = i64x2.extract_lane(v, 1);
    t = c + 0x80deb1fe3b1696b1 + w13 + (b ^ (h & (a ^ b))) + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 23), 4), 14);
    x1 = d ^ e;
    g += t; c = t + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 5), 6), 28) + (e ^ (x1 & x0));
    v = v128.load(p, 112); v = i8x16.shuffle(v, v, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
    w14 = i64x2.extract_lane(v, 0);
    t = b + 0x9bdc06a725c71235 + w14 + (a ^ (g & (h ^ a))) + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 23), 4), 14);
    x0 = c ^ d;
    f += t; b = t + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 5), 6), 28) + (d ^ (x0 & x1));
    w15 = i64x2.extract_lane(v, 1);
    t = a + 0xc19bf174cf692694 + w15 + (h ^ (f & (g ^ h))) + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 23), 4), 14);
    x1 = b ^ c;
    e += t; a = t + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 5), 6), 28) + (c ^ (x1 & x0));
    w0 += (rotr<u64>(w14, 19) ^ rotr<u64>(w14, 61) ^ (w14 >>> 6)) + w9 + (rotr<u64>(w1, 1) ^ rotr<u64>(w1, 8) ^ (w1 >>> 7));
    t = h + 0xe49b69c19ef14ad2 + w0 + (g ^ (e & (f ^ g))) + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 23), 4), 14);
    x0 = a ^ b;
    d += t; h = t + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 5), 6), 28) + (b ^ (x0 & x1));
    w1 += (rotr<u64>(w15, 19) ^ rotr<u64>(w15, 61) ^ (w15 >>> 6)) + w10 + (rotr<u64>(w2, 1) ^ rotr<u64>(w2, 8) ^ (w2 >>> 7));
    t = g + 0xefbe4786384f25e3 + w1 + (f ^ (d & (e ^ f))) + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 23), 4), 14);
    x1 = h ^ a;
    c += t; g = t + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 5), 6), 28) + (a ^ (x1 & x0));
    w2 += (rotr<u64>(w0, 19) ^ rotr<u64>(w0, 61) ^ (w0 >>> 6)) + w11 + (rotr<u64>(w3, 1) ^ rotr<u64>(w3, 8) ^ (w3 >>> 7));
    t = f + 0x0fc19dc68b8cd5b5 + w2 + (e ^ (c & (d ^ e))) + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 23), 4), 14);
    x0 = g ^ h;
    b += t; f = t + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 5), 6), 28) + (h ^ (x0 & x1));
    w3 += (rotr<u64>(w1, 19) ^ rotr<u64>(w1, 61) ^ (w1 >>> 6)) + w12 + (rotr<u64>(w4, 1) ^ rotr<u64>(w4, 8) ^ (w4 >>> 7));
    t = e + 0x240ca1cc77ac9c65 + w3 + (d ^ (b & (c ^ d))) + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 23), 4), 14);
    x1 = f ^ g;
    a += t; e = t + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 5), 6), 28) + (g ^ (x1 & x0));
    w4 += (rotr<u64>(w2, 19) ^ rotr<u64>(w2, 61) ^ (w2 >>> 6)) + w13 + (rotr<u64>(w5, 1) ^ rotr<u64>(w5, 8) ^ (w5 >>> 7));
    t = d + 0x2de92c6f592b0275 + w4 + (c ^ (a & (b ^ c))) + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 23), 4), 14);
    x0 = e ^ f;
    h += t; d = t + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 5), 6), 28) + (f ^ (x0 & x1));
    w5 += (rotr<u64>(w3, 19) ^ rotr<u64>(w3, 61) ^ (w3 >>> 6)) + w14 + (rotr<u64>(w6, 1) ^ rotr<u64>(w6, 8) ^ (w6 >>> 7));
    t = c + 0x4a7484aa6ea6e483 + w5 + (b ^ (h & (a ^ b))) + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 23), 4), 14);
    x1 = d ^ e;
    g += t; c = t + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 5), 6), 28) + (e ^ (x1 & x0));
    w6 += (rotr<u64>(w4, 19) ^ rotr<u64>(w4, 61) ^ (w4 >>> 6)) + w15 + (rotr<u64>(w7, 1) ^ rotr<u64>(w7, 8) ^ (w7 >>> 7));
    t = b + 0x5cb0a9dcbd41fbd4 + w6 + (a ^ (g & (h ^ a))) + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 23), 4), 14);
    x0 = c ^ d;
    f += t; b = t + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 5), 6), 28) + (d ^ (x0 & x1));
    w7 += (rotr<u64>(w5, 19) ^ rotr<u64>(w5, 61) ^ (w5 >>> 6)) + w0 + (rotr<u64>(w8, 1) ^ rotr<u64>(w8, 8) ^ (w8 >>> 7));
    t = a + 0x76f988da831153b5 + w7 + (h ^ (f & (g ^ h))) + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 23), 4), 14);
    x1 = b ^ c;
    e += t; a = t + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 5), 6), 28) + (c ^ (x1 & x0));
    w8 += (rotr<u64>(w6, 19) ^ rotr<u64>(w6, 61) ^ (w6 >>> 6)) + w1 + (rotr<u64>(w9, 1) ^ rotr<u64>(w9, 8) ^ (w9 >>> 7));
    t = h + 0x983e5152ee66dfab + w8 + (g ^ (e & (f ^ g))) + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 23), 4), 14);
    x0 = a ^ b;
    d += t; h = t + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 5), 6), 28) + (b ^ (x0 & x1));
    w9 += (rotr<u64>(w7, 19) ^ rotr<u64>(w7, 61) ^ (w7 >>> 6)) + w2 + (rotr<u64>(w10, 1) ^ rotr<u64>(w10, 8) ^ (w10 >>> 7));
    t = g + 0xa831c66d2db43210 + w9 + (f ^ (d & (e ^ f))) + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 23), 4), 14);
    x1 = h ^ a;
    c += t; g = t + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 5), 6), 28) + (a ^ (x1 & x0));
    w10 += (rotr<u64>(w8, 19) ^ rotr<u64>(w8, 61) ^ (w8 >>> 6)) + w3 + (rotr<u64>(w11, 1) ^ rotr<u64>(w11, 8) ^ (w11 >>> 7));
    t = f + 0xb00327c898fb213f + w10 + (e ^ (c & (d ^ e))) + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 23), 4), 14);
    x0 = g ^ h;
    b += t; f = t + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 5), 6), 28) + (h ^ (x0 & x1));
    w11 += (rotr<u64>(w9, 19) ^ rotr<u64>(w9, 61) ^ (w9 >>> 6)) + w4 + (rotr<u64>(w12, 1) ^ rotr<u64>(w12, 8) ^ (w12 >>> 7));
    t = e + 0xbf597fc7beef0ee4 + w11 + (d ^ (b & (c ^ d))) + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 23), 4), 14);
    x1 = f ^ g;
    a += t; e = t + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 5), 6), 28) + (g ^ (x1 & x0));
    w12 += (rotr<u64>(w10, 19) ^ rotr<u64>(w10, 61) ^ (w10 >>> 6)) + w5 + (rotr<u64>(w13, 1) ^ rotr<u64>(w13, 8) ^ (w13 >>> 7));
    t = d + 0xc6e00bf33da88fc2 + w12 + (c ^ (a & (b ^ c))) + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 23), 4), 14);
    x0 = e ^ f;
    h += t; d = t + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 5), 6), 28) + (f ^ (x0 & x1));
    w13 += (rotr<u64>(w11, 19) ^ rotr<u64>(w11, 61) ^ (w11 >>> 6)) + w6 + (rotr<u64>(w14, 1) ^ rotr<u64>(w14, 8) ^ (w14 >>> 7));
    t = c + 0xd5a79147930aa725 + w13 + (b ^ (h & (a ^ b))) + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 23), 4), 14);
    x1 = d ^ e;
    g += t; c = t + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 5), 6), 28) + (e ^ (x1 & x0));
    w14 += (rotr<u64>(w12, 19) ^ rotr<u64>(w12, 61) ^ (w12 >>> 6)) + w7 + (rotr<u64>(w15, 1) ^ rotr<u64>(w15, 8) ^ (w15 >>> 7));
    t = b + 0x06ca6351e003826f + w14 + (a ^ (g & (h ^ a))) + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 23), 4), 14);
    x0 = c ^ d;
    f += t; b = t + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 5), 6), 28) + (d ^ (x0 & x1));
    w15 += (rotr<u64>(w13, 19) ^ rotr<u64>(w13, 61) ^ (w13 >>> 6)) + w8 + (rotr<u64>(w0, 1) ^ rotr<u64>(w0, 8) ^ (w0 >>> 7));
    t = a + 0x142929670a0e6e70 + w15 + (h ^ (f & (g ^ h))) + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 23), 4), 14);
    x1 = b ^ c;
    e += t; a = t + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 5), 6), 28) + (c ^ (x1 & x0));
    w0 += (rotr<u64>(w14, 19) ^ rotr<u64>(w14, 61) ^ (w14 >>> 6)) + w9 + (rotr<u64>(w1, 1) ^ rotr<u64>(w1, 8) ^ (w1 >>> 7));
    t = h + 0x27b70a8546d22ffc + w0 + (g ^ (e & (f ^ g))) + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 23), 4), 14);
    x0 = a ^ b;
    d += t; h = t + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 5), 6), 28) + (b ^ (x0 & x1));
    w1 += (rotr<u64>(w15, 19) ^ rotr<u64>(w15, 61) ^ (w15 >>> 6)) + w10 + (rotr<u64>(w2, 1) ^ rotr<u64>(w2, 8) ^ (w2 >>> 7));
    t = g + 0x2e1b21385c26c926 + w1 + (f ^ (d & (e ^ f))) + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 23), 4), 14);
    x1 = h ^ a;
    c += t; g = t + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 5), 6), 28) + (a ^ (x1 & x0));
    w2 += (rotr<u64>(w0, 19) ^ rotr<u64>(w0, 61) ^ (w0 >>> 6)) + w11 + (rotr<u64>(w3, 1) ^ rotr<u64>(w3, 8) ^ (w3 >>> 7));
    t = f + 0x4d2c6dfc5ac42aed + w2 + (e ^ (c & (d ^ e))) + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 23), 4), 14);
    x0 = g ^ h;
    b += t; f = t + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 5), 6), 28) + (h ^ (x0 & x1));
    w3 += (rotr<u64>(w1, 19) ^ rotr<u64>(w1, 61) ^ (w1 >>> 6)) + w12 + (rotr<u64>(w4, 1) ^ rotr<u64>(w4, 8) ^ (w4 >>> 7));
    t = e + 0x53380d139d95b3df + w3 + (d ^ (b & (c ^ d))) + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 23), 4), 14);
    x1 = f ^ g;
    a += t; e = t + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 5), 6), 28) + (g ^ (x1 & x0));
    w4 += (rotr<u64>(w2, 19) ^ rotr<u64>(w2, 61) ^ (w2 >>> 6)) + w13 + (rotr<u64>(w5, 1) ^ rotr<u64>(w5, 8) ^ (w5 >>> 7));
    t = d + 0x650a73548baf63de + w4 + (c ^ (a & (b ^ c))) + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 23), 4), 14);
    x0 = e ^ f;
    h += t; d = t + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 5), 6), 28) + (f ^ (x0 & x1));
    w5 += (rotr<u64>(w3, 19) ^ rotr<u64>(w3, 61) ^ (w3 >>> 6)) + w14 + (rotr<u64>(w6, 1) ^ rotr<u64>(w6, 8) ^ (w6 >>> 7));
    t = c + 0x766a0abb3c77b2a8 + w5 + (b ^ (h & (a ^ b))) + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 23), 4), 14);
    x1 = d ^ e;
    g += t; c = t + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 5), 6), 28) + (e ^ (x1 & x0));
    w6 += (rotr<u64>(w4, 19) ^ rotr<u64>(w4, 61) ^ (w4 >>> 6)) + w15 + (rotr<u64>(w7, 1) ^ rotr<u64>(w7, 8) ^ (w7 >>> 7));
    t = b + 0x81c2c92e47edaee6 + w6 + (a ^ (g & (h ^ a))) + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 23), 4), 14);
    x0 = c ^ d;
    f += t; b = t + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 5), 6), 28) + (d ^ (x0 & x1));
    w7 += (rotr<u64>(w5, 19) ^ rotr<u64>(w5, 61) ^ (w5 >>> 6)) + w0 + (rotr<u64>(w8, 1) ^ rotr<u64>(w8, 8) ^ (w8 >>> 7));
    t = a + 0x92722c851482353b + w7 + (h ^ (f & (g ^ h))) + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 23), 4), 14);
    x1 = b ^ c;
    e += t; a = t + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 5), 6), 28) + (c ^ (x1 & x0));
    w8 += (rotr<u64>(w6, 19) ^ rotr<u64>(w6, 61) ^ (w6 >>> 6)) + w1 + (rotr<u64>(w9, 1) ^ rotr<u64>(w9, 8) ^ (w9 >>> 7));
    t = h + 0xa2bfe8a14cf10364 + w8 + (g ^ (e & (f ^ g))) + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 23), 4), 14);
    x0 = a ^ b;
    d += t; h = t + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 5), 6), 28) + (b ^ (x0 & x1));
    w9 += (rotr<u64>(w7, 19) ^ rotr<u64>(w7, 61) ^ (w7 >>> 6)) + w2 + (rotr<u64>(w10, 1) ^ rotr<u64>(w10, 8) ^ (w10 >>> 7));
    t = g + 0xa81a664bbc423001 + w9 + (f ^ (d & (e ^ f))) + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 23), 4), 14);
    x1 = h ^ a;
    c += t; g = t + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 5), 6), 28) + (a ^ (x1 & x0));
    w10 += (rotr<u64>(w8, 19) ^ rotr<u64>(w8, 61) ^ (w8 >>> 6)) + w3 + (rotr<u64>(w11, 1) ^ rotr<u64>(w11, 8) ^ (w11 >>> 7));
    t = f + 0xc24b8b70d0f89791 + w10 + (e ^ (c & (d ^ e))) + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 23), 4), 14);
    x0 = g ^ h;
    b += t; f = t + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 5), 6), 28) + (h ^ (x0 & x1));
    w11 += (rotr<u64>(w9, 19) ^ rotr<u64>(w9, 61) ^ (w9 >>> 6)) + w4 + (rotr<u64>(w12, 1) ^ rotr<u64>(w12, 8) ^ (w12 >>> 7));
    t = e + 0xc76c51a30654be30 + w11 + (d ^ (b & (c ^ d))) + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 23), 4), 14);
    x1 = f ^ g;
    a += t; e = t + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 5), 6), 28) + (g ^ (x1 & x0));
    w12 += (rotr<u64>(w10, 19) ^ rotr<u64>(w10, 61) ^ (w10 >>> 6)) + w5 + (rotr<u64>(w13, 1) ^ rotr<u64>(w13, 8) ^ (w13 >>> 7));
    t = d + 0xd192e819d6ef5218 + w12 + (c ^ (a & (b ^ c))) + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 23), 4), 14);
    x0 = e ^ f;
    h += t; d = t + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 5), 6), 28) + (f ^ (x0 & x1));
    w13 += (rotr<u64>(w11, 19) ^ rotr<u64>(w11, 61) ^ (w11 >>> 6)) + w6 + (rotr<u64>(w14, 1) ^ rotr<u64>(w14, 8) ^ (w14 >>> 7));
    t = c + 0xd69906245565a910 + w13 + (b ^ (h & (a ^ b))) + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 23), 4), 14);
    x1 = d ^ e;
    g += t; c = t + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 5), 6), 28) + (e ^ (x1 & x0));
    w14 += (rotr<u64>(w12, 19) ^ rotr<u64>(w12, 61) ^ (w12 >>> 6)) + w7 + (rotr<u64>(w15, 1) ^ rotr<u64>(w15, 8) ^ (w15 >>> 7));
    t = b + 0xf40e35855771202a + w14 + (a ^ (g & (h ^ a))) + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 23), 4), 14);
    x0 = c ^ d;
    f += t; b = t + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 5), 6), 28) + (d ^ (x0 & x1));
    w15 += (rotr<u64>(w13, 19) ^ rotr<u64>(w13, 61) ^ (w13 >>> 6)) + w8 + (rotr<u64>(w0, 1) ^ rotr<u64>(w0, 8) ^ (w0 >>> 7));
    t = a + 0x106aa07032bbd1b8 + w15 + (h ^ (f & (g ^ h))) + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 23), 4), 14);
    x1 = b ^ c;
    e += t; a = t + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 5), 6), 28) + (c ^ (x1 & x0));
    w0 += (rotr<u64>(w14, 19) ^ rotr<u64>(w14, 61) ^ (w14 >>> 6)) + w9 + (rotr<u64>(w1, 1) ^ rotr<u64>(w1, 8) ^ (w1 >>> 7));
    t = h + 0x19a4c116b8d2d0c8 + w0 + (g ^ (e & (f ^ g))) + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 23), 4), 14);
    x0 = a ^ b;
    d += t; h = t + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 5), 6), 28) + (b ^ (x0 & x1));
    w1 += (rotr<u64>(w15, 19) ^ rotr<u64>(w15, 61) ^ (w15 >>> 6)) + w10 + (rotr<u64>(w2, 1) ^ rotr<u64>(w2, 8) ^ (w2 >>> 7));
    t = g + 0x1e376c085141ab53 + w1 + (f ^ (d & (e ^ f))) + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 23), 4), 14);
    x1 = h ^ a;
    c += t; g = t + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 5), 6), 28) + (a ^ (x1 & x0));
    w2 += (rotr<u64>(w0, 19) ^ rotr<u64>(w0, 61) ^ (w0 >>> 6)) + w11 + (rotr<u64>(w3, 1) ^ rotr<u64>(w3, 8) ^ (w3 >>> 7));
    t = f + 0x2748774cdf8eeb99 + w2 + (e ^ (c & (d ^ e))) + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 23), 4), 14);
    x0 = g ^ h;
    b += t; f = t + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 5), 6), 28) + (h ^ (x0 & x1));
    w3 += (rotr<u64>(w1, 19) ^ rotr<u64>(w1, 61) ^ (w1 >>> 6)) + w12 + (rotr<u64>(w4, 1) ^ rotr<u64>(w4, 8) ^ (w4 >>> 7));
    t = e + 0x34b0bcb5e19b48a8 + w3 + (d ^ (b & (c ^ d))) + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 23), 4), 14);
    x1 = f ^ g;
    a += t; e = t + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 5), 6), 28) + (g ^ (x1 & x0));
    w4 += (rotr<u64>(w2, 19) ^ rotr<u64>(w2, 61) ^ (w2 >>> 6)) + w13 + (rotr<u64>(w5, 1) ^ rotr<u64>(w5, 8) ^ (w5 >>> 7));
    t = d + 0x391c0cb3c5c95a63 + w4 + (c ^ (a & (b ^ c))) + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 23), 4), 14);
    x0 = e ^ f;
    h += t; d = t + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 5), 6), 28) + (f ^ (x0 & x1));
    w5 += (rotr<u64>(w3, 19) ^ rotr<u64>(w3, 61) ^ (w3 >>> 6)) + w14 + (rotr<u64>(w6, 1) ^ rotr<u64>(w6, 8) ^ (w6 >>> 7));
    t = c + 0x4ed8aa4ae3418acb + w5 + (b ^ (h & (a ^ b))) + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 23), 4), 14);
    x1 = d ^ e;
    g += t; c = t + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 5), 6), 28) + (e ^ (x1 & x0));
    w6 += (rotr<u64>(w4, 19) ^ rotr<u64>(w4, 61) ^ (w4 >>> 6)) + w15 + (rotr<u64>(w7, 1) ^ rotr<u64>(w7, 8) ^ (w7 >>> 7));
    t = b + 0x5b9cca4f7763e373 + w6 + (a ^ (g & (h ^ a))) + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 23), 4), 14);
    x0 = c ^ d;
    f += t; b = t + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 5), 6), 28) + (d ^ (x0 & x1));
    w7 += (rotr<u64>(w5, 19) ^ rotr<u64>(w5, 61) ^ (w5 >>> 6)) + w0 + (rotr<u64>(w8, 1) ^ rotr<u64>(w8, 8) ^ (w8 >>> 7));
    t = a + 0x682e6ff3d6b2b8a3 + w7 + (h ^ (f & (g ^ h))) + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 23), 4), 14);
    x1 = b ^ c;
    e += t; a = t + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 5), 6), 28) + (c ^ (x1 & x0));
    w8 += (rotr<u64>(w6, 19) ^ rotr<u64>(w6, 61) ^ (w6 >>> 6)) + w1 + (rotr<u64>(w9, 1) ^ rotr<u64>(w9, 8) ^ (w9 >>> 7));
    t = h + 0x748f82ee5defb2fc + w8 + (g ^ (e & (f ^ g))) + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 23), 4), 14);
    x0 = a ^ b;
    d += t; h = t + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 5), 6), 28) + (b ^ (x0 & x1));
    w9 += (rotr<u64>(w7, 19) ^ rotr<u64>(w7, 61) ^ (w7 >>> 6)) + w2 + (rotr<u64>(w10, 1) ^ rotr<u64>(w10, 8) ^ (w10 >>> 7));
    t = g + 0x78a5636f43172f60 + w9 + (f ^ (d & (e ^ f))) + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 23), 4), 14);
    x1 = h ^ a;
    c += t; g = t + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 5), 6), 28) + (a ^ (x1 & x0));
    w10 += (rotr<u64>(w8, 19) ^ rotr<u64>(w8, 61) ^ (w8 >>> 6)) + w3 + (rotr<u64>(w11, 1) ^ rotr<u64>(w11, 8) ^ (w11 >>> 7));
    t = f + 0x84c87814a1f0ab72 + w10 + (e ^ (c & (d ^ e))) + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 23), 4), 14);
    x0 = g ^ h;
    b += t; f = t + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 5), 6), 28) + (h ^ (x0 & x1));
    w11 += (rotr<u64>(w9, 19) ^ rotr<u64>(w9, 61) ^ (w9 >>> 6)) + w4 + (rotr<u64>(w12, 1) ^ rotr<u64>(w12, 8) ^ (w12 >>> 7));
    t = e + 0x8cc702081a6439ec + w11 + (d ^ (b & (c ^ d))) + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 23), 4), 14);
    x1 = f ^ g;
    a += t; e = t + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 5), 6), 28) + (g ^ (x1 & x0));
    w12 += (rotr<u64>(w10, 19) ^ rotr<u64>(w10, 61) ^ (w10 >>> 6)) + w5 + (rotr<u64>(w13, 1) ^ rotr<u64>(w13, 8) ^ (w13 >>> 7));
    t = d + 0x90befffa23631e28 + w12 + (c ^ (a & (b ^ c))) + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 23), 4), 14);
    x0 = e ^ f;
    h += t; d = t + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 5), 6), 28) + (f ^ (x0 & x1));
    w13 += (rotr<u64>(w11, 19) ^ rotr<u64>(w11, 61) ^ (w11 >>> 6)) + w6 + (rotr<u64>(w14, 1) ^ rotr<u64>(w14, 8) ^ (w14 >>> 7));
    t = c + 0xa4506cebde82bde9 + w13 + (b ^ (h & (a ^ b))) + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 23), 4), 14);
    x1 = d ^ e;
    g += t; c = t + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 5), 6), 28) + (e ^ (x1 & x0));
    w14 += (rotr<u64>(w12, 19) ^ rotr<u64>(w12, 61) ^ (w12 >>> 6)) + w7 + (rotr<u64>(w15, 1) ^ rotr<u64>(w15, 8) ^ (w15 >>> 7));
    t = b + 0xbef9a3f7b2c67915 + w14 + (a ^ (g & (h ^ a))) + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 23), 4), 14);
    x0 = c ^ d;
    f += t; b = t + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 5), 6), 28) + (d ^ (x0 & x1));
    w15 += (rotr<u64>(w13, 19) ^ rotr<u64>(w13, 61) ^ (w13 >>> 6)) + w8 + (rotr<u64>(w0, 1) ^ rotr<u64>(w0, 8) ^ (w0 >>> 7));
    t = a + 0xc67178f2e372532b + w15 + (h ^ (f & (g ^ h))) + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 23), 4), 14);
    x1 = b ^ c;
    e += t; a = t + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 5), 6), 28) + (c ^ (x1 & x0));
    w0 += (rotr<u64>(w14, 19) ^ rotr<u64>(w14, 61) ^ (w14 >>> 6)) + w9 + (rotr<u64>(w1, 1) ^ rotr<u64>(w1, 8) ^ (w1 >>> 7));
    t = h + 0xca273eceea26619c + w0 + (g ^ (e & (f ^ g))) + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 23), 4), 14);
    x0 = a ^ b;
    d += t; h = t + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 5), 6), 28) + (b ^ (x0 & x1));
    w1 += (rotr<u64>(w15, 19) ^ rotr<u64>(w15, 61) ^ (w15 >>> 6)) + w10 + (rotr<u64>(w2, 1) ^ rotr<u64>(w2, 8) ^ (w2 >>> 7));
    t = g + 0xd186b8c721c0c207 + w1 + (f ^ (d & (e ^ f))) + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 23), 4), 14);
    x1 = h ^ a;
    c += t; g = t + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 5), 6), 28) + (a ^ (x1 & x0));
    w2 += (rotr<u64>(w0, 19) ^ rotr<u64>(w0, 61) ^ (w0 >>> 6)) + w11 + (rotr<u64>(w3, 1) ^ rotr<u64>(w3, 8) ^ (w3 >>> 7));
    t = f + 0xeada7dd6cde0eb1e + w2 + (e ^ (c & (d ^ e))) + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 23), 4), 14);
    x0 = g ^ h;
    b += t; f = t + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 5), 6), 28) + (h ^ (x0 & x1));
    w3 += (rotr<u64>(w1, 19) ^ rotr<u64>(w1, 61) ^ (w1 >>> 6)) + w12 + (rotr<u64>(w4, 1) ^ rotr<u64>(w4, 8) ^ (w4 >>> 7));
    t = e + 0xf57d4f7fee6ed178 + w3 + (d ^ (b & (c ^ d))) + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 23), 4), 14);
    x1 = f ^ g;
    a += t; e = t + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 5), 6), 28) + (g ^ (x1 & x0));
    w4 += (rotr<u64>(w2, 19) ^ rotr<u64>(w2, 61) ^ (w2 >>> 6)) + w13 + (rotr<u64>(w5, 1) ^ rotr<u64>(w5, 8) ^ (w5 >>> 7));
    t = d + 0x06f067aa72176fba + w4 + (c ^ (a & (b ^ c))) + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 23), 4), 14);
    x0 = e ^ f;
    h += t; d = t + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 5), 6), 28) + (f ^ (x0 & x1));
    w5 += (rotr<u64>(w3, 19) ^ rotr<u64>(w3, 61) ^ (w3 >>> 6)) + w14 + (rotr<u64>(w6, 1) ^ rotr<u64>(w6, 8) ^ (w6 >>> 7));
    t = c + 0x0a637dc5a2c898a6 + w5 + (b ^ (h & (a ^ b))) + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 23), 4), 14);
    x1 = d ^ e;
    g += t; c = t + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 5), 6), 28) + (e ^ (x1 & x0));
    w6 += (rotr<u64>(w4, 19) ^ rotr<u64>(w4, 61) ^ (w4 >>> 6)) + w15 + (rotr<u64>(w7, 1) ^ rotr<u64>(w7, 8) ^ (w7 >>> 7));
    t = b + 0x113f9804bef90dae + w6 + (a ^ (g & (h ^ a))) + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 23), 4), 14);
    x0 = c ^ d;
    f += t; b = t + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 5), 6), 28) + (d ^ (x0 & x1));
    w7 += (rotr<u64>(w5, 19) ^ rotr<u64>(w5, 61) ^ (w5 >>> 6)) + w0 + (rotr<u64>(w8, 1) ^ rotr<u64>(w8, 8) ^ (w8 >>> 7));
    t = a + 0x1b710b35131c471b + w7 + (h ^ (f & (g ^ h))) + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 23), 4), 14);
    x1 = b ^ c;
    e += t; a = t + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 5), 6), 28) + (c ^ (x1 & x0));
    w8 += (rotr<u64>(w6, 19) ^ rotr<u64>(w6, 61) ^ (w6 >>> 6)) + w1 + (rotr<u64>(w9, 1) ^ rotr<u64>(w9, 8) ^ (w9 >>> 7));
    t = h + 0x28db77f523047d84 + w8 + (g ^ (e & (f ^ g))) + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 23), 4), 14);
    x0 = a ^ b;
    d += t; h = t + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 5), 6), 28) + (b ^ (x0 & x1));
    w9 += (rotr<u64>(w7, 19) ^ rotr<u64>(w7, 61) ^ (w7 >>> 6)) + w2 + (rotr<u64>(w10, 1) ^ rotr<u64>(w10, 8) ^ (w10 >>> 7));
    t = g + 0x32caab7b40c72493 + w9 + (f ^ (d & (e ^ f))) + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 23), 4), 14);
    x1 = h ^ a;
    c += t; g = t + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 5), 6), 28) + (a ^ (x1 & x0));
    w10 += (rotr<u64>(w8, 19) ^ rotr<u64>(w8, 61) ^ (w8 >>> 6)) + w3 + (rotr<u64>(w11, 1) ^ rotr<u64>(w11, 8) ^ (w11 >>> 7));
    t = f + 0x3c9ebe0a15c9bebc + w10 + (e ^ (c & (d ^ e))) + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 23), 4), 14);
    x0 = g ^ h;
    b += t; f = t + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 5), 6), 28) + (h ^ (x0 & x1));
    w11 += (rotr<u64>(w9, 19) ^ rotr<u64>(w9, 61) ^ (w9 >>> 6)) + w4 + (rotr<u64>(w12, 1) ^ rotr<u64>(w12, 8) ^ (w12 >>> 7));
    t = e + 0x431d67c49c100d4c + w11 + (d ^ (b & (c ^ d))) + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 23), 4), 14);
    x1 = f ^ g;
    a += t; e = t + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 5), 6), 28) + (g ^ (x1 & x0));
    w12 += (rotr<u64>(w10, 19) ^ rotr<u64>(w10, 61) ^ (w10 >>> 6)) + w5 + (rotr<u64>(w13, 1) ^ rotr<u64>(w13, 8) ^ (w13 >>> 7));
    t = d + 0x4cc5d4becb3e42b6 + w12 + (c ^ (a & (b ^ c))) + rotr<u64>(a ^ rotr<u64>(a ^ rotr<u64>(a, 23), 4), 14);
    x0 = e ^ f;
    h += t; d = t + rotr<u64>(e ^ rotr<u64>(e ^ rotr<u64>(e, 5), 6), 28) + (f ^ (x0 & x1));
    w13 += (rotr<u64>(w11, 19) ^ rotr<u64>(w11, 61) ^ (w11 >>> 6)) + w6 + (rotr<u64>(w14, 1) ^ rotr<u64>(w14, 8) ^ (w14 >>> 7));
    t = c + 0x597f299cfc657e2a + w13 + (b ^ (h & (a ^ b))) + rotr<u64>(h ^ rotr<u64>(h ^ rotr<u64>(h, 23), 4), 14);
    x1 = d ^ e;
    g += t; c = t + rotr<u64>(d ^ rotr<u64>(d ^ rotr<u64>(d, 5), 6), 28) + (e ^ (x1 & x0));
    w14 += (rotr<u64>(w12, 19) ^ rotr<u64>(w12, 61) ^ (w12 >>> 6)) + w7 + (rotr<u64>(w15, 1) ^ rotr<u64>(w15, 8) ^ (w15 >>> 7));
    t = b + 0x5fcb6fab3ad6faec + w14 + (a ^ (g & (h ^ a))) + rotr<u64>(g ^ rotr<u64>(g ^ rotr<u64>(g, 23), 4), 14);
    x0 = c ^ d;
    f += t; b = t + rotr<u64>(c ^ rotr<u64>(c ^ rotr<u64>(c, 5), 6), 28) + (d ^ (x0 & x1));
    w15 += (rotr<u64>(w13, 19) ^ rotr<u64>(w13, 61) ^ (w13 >>> 6)) + w8 + (rotr<u64>(w0, 1) ^ rotr<u64>(w0, 8) ^ (w0 >>> 7));
    t = a + 0x6c44198c4a475817 + w15 + (h ^ (f & (g ^ h))) + rotr<u64>(f ^ rotr<u64>(f ^ rotr<u64>(f, 23), 4), 14);
    x1 = b ^ c;
    e += t; a = t + rotr<u64>(b ^ rotr<u64>(b ^ rotr<u64>(b, 5), 6), 28) + (c ^ (x1 & x0));
    // GENERATED ROUNDS END
    // Feed-forward from the state in memory rather than eight saved locals: fewer live values.
    a += load<u64>(state, 0); store<u64>(state, a, 0);
    b += load<u64>(state, 8); store<u64>(state, b, 8);
    c += load<u64>(state, 16); store<u64>(state, c, 16);
    d += load<u64>(state, 24); store<u64>(state, d, 24);
    e += load<u64>(state, 32); store<u64>(state, e, 32);
    f += load<u64>(state, 40); store<u64>(state, f, 40);
    g += load<u64>(state, 48); store<u64>(state, g, 48);
    h += load<u64>(state, 56); store<u64>(state, h, 56);
    p += 128;
  }
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
