// SHA-256 (FIPS 180-4 §6.2). Streaming context in linear memory; no allocation.
//
// Context layout (SHA256_CTX bytes): state H0..H7 (8 × u32, host order) | block buffer (64 B) |
// total length in bytes (u64) | bytes buffered (u32).

export const SHA256_CTX: usize = 112;
export const SHA256_BLOCK: usize = 64;
export const SHA256_OUT: usize = 32;

// §5.3.3 initial hash value.
const IV: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
]);

const R: usize = memory.data(64, 16);
// §6.2.2: process `blocks` consecutive 64-byte blocks starting at `p`.
export function sha256Blocks(state: usize, p: usize, blocks: usize): void {
  let a = load<u32>(state, 0), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  let e = load<u32>(state, 16), f = load<u32>(state, 20), g = load<u32>(state, 24), h = load<u32>(state, 28);
  let w0: u32, w1: u32, w2: u32, w3: u32, w4: u32, w5: u32, w6: u32, w7: u32;
  let w8: u32, w9: u32, w10: u32, w11: u32, w12: u32, w13: u32, w14: u32, w15: u32;
  let t: u32, x0: u32, x1: u32;
  let v: v128;
  while (blocks--) {
    // Fully unrolled: schedule in 16 rolling locals, constants as immediates, working variables
    // renamed instead of shifted. Secret inputs (HMAC keys) therefore leave no schedule in memory.
    // GENERATED ROUNDS BEGIN (scripts/gen-sha2-rounds.mjs)
    v = v128.load(p, 0); v = i8x16.shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    w0 = i32x4.extract_lane(v, 0);
    x1 = b ^ c;
    t = h + 0x428a2f98 + w0 + (g ^ (e & (f ^ g))) + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 14), 5), 6);
    x0 = a ^ b;
    d += t; h = t + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 9), 11), 2) + (b ^ (x0 & x1));
    w1 = i32x4.extract_lane(v, 1);
    t = g + 0x71374491 + w1 + (f ^ (d & (e ^ f))) + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 14), 5), 6);
    x1 = h ^ a;
    c += t; g = t + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 9), 11), 2) + (a ^ (x1 & x0));
    w2 = i32x4.extract_lane(v, 2);
    t = f + 0xb5c0fbcf + w2 + (e ^ (c & (d ^ e))) + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 14), 5), 6);
    x0 = g ^ h;
    b += t; f = t + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 9), 11), 2) + (h ^ (x0 & x1));
    w3 = i32x4.extract_lane(v, 3);
    t = e + 0xe9b5dba5 + w3 + (d ^ (b & (c ^ d))) + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 14), 5), 6);
    x1 = f ^ g;
    a += t; e = t + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 9), 11), 2) + (g ^ (x1 & x0));
    v = v128.load(p, 16); v = i8x16.shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    w4 = i32x4.extract_lane(v, 0);
    t = d + 0x3956c25b + w4 + (c ^ (a & (b ^ c))) + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 14), 5), 6);
    x0 = e ^ f;
    h += t; d = t + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 9), 11), 2) + (f ^ (x0 & x1));
    w5 = i32x4.extract_lane(v, 1);
    t = c + 0x59f111f1 + w5 + (b ^ (h & (a ^ b))) + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 14), 5), 6);
    x1 = d ^ e;
    g += t; c = t + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 9), 11), 2) + (e ^ (x1 & x0));
    w6 = i32x4.extract_lane(v, 2);
    t = b + 0x923f82a4 + w6 + (a ^ (g & (h ^ a))) + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 14), 5), 6);
    x0 = c ^ d;
    f += t; b = t + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 9), 11), 2) + (d ^ (x0 & x1));
    w7 = i32x4.extract_lane(v, 3);
    t = a + 0xab1c5ed5 + w7 + (h ^ (f & (g ^ h))) + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 14), 5), 6);
    x1 = b ^ c;
    e += t; a = t + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 9), 11), 2) + (c ^ (x1 & x0));
    v = v128.load(p, 32); v = i8x16.shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    w8 = i32x4.extract_lane(v, 0);
    t = h + 0xd807aa98 + w8 + (g ^ (e & (f ^ g))) + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 14), 5), 6);
    x0 = a ^ b;
    d += t; h = t + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 9), 11), 2) + (b ^ (x0 & x1));
    w9 = i32x4.extract_lane(v, 1);
    t = g + 0x12835b01 + w9 + (f ^ (d & (e ^ f))) + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 14), 5), 6);
    x1 = h ^ a;
    c += t; g = t + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 9), 11), 2) + (a ^ (x1 & x0));
    w10 = i32x4.extract_lane(v, 2);
    t = f + 0x243185be + w10 + (e ^ (c & (d ^ e))) + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 14), 5), 6);
    x0 = g ^ h;
    b += t; f = t + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 9), 11), 2) + (h ^ (x0 & x1));
    w11 = i32x4.extract_lane(v, 3);
    t = e + 0x550c7dc3 + w11 + (d ^ (b & (c ^ d))) + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 14), 5), 6);
    x1 = f ^ g;
    a += t; e = t + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 9), 11), 2) + (g ^ (x1 & x0));
    v = v128.load(p, 48); v = i8x16.shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    w12 = i32x4.extract_lane(v, 0);
    t = d + 0x72be5d74 + w12 + (c ^ (a & (b ^ c))) + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 14), 5), 6);
    x0 = e ^ f;
    h += t; d = t + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 9), 11), 2) + (f ^ (x0 & x1));
    w13 = i32x4.extract_lane(v, 1);
    t = c + 0x80deb1fe + w13 + (b ^ (h & (a ^ b))) + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 14), 5), 6);
    x1 = d ^ e;
    g += t; c = t + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 9), 11), 2) + (e ^ (x1 & x0));
    w14 = i32x4.extract_lane(v, 2);
    t = b + 0x9bdc06a7 + w14 + (a ^ (g & (h ^ a))) + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 14), 5), 6);
    x0 = c ^ d;
    f += t; b = t + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 9), 11), 2) + (d ^ (x0 & x1));
    w15 = i32x4.extract_lane(v, 3);
    t = a + 0xc19bf174 + w15 + (h ^ (f & (g ^ h))) + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 14), 5), 6);
    x1 = b ^ c;
    e += t; a = t + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 9), 11), 2) + (c ^ (x1 & x0));
    w0 += (rotr<u32>(w14, 17) ^ rotr<u32>(w14, 19) ^ (w14 >>> 10)) + w9 + (rotr<u32>(w1, 7) ^ rotr<u32>(w1, 18) ^ (w1 >>> 3));
    t = h + 0xe49b69c1 + w0 + (g ^ (e & (f ^ g))) + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 14), 5), 6);
    x0 = a ^ b;
    d += t; h = t + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 9), 11), 2) + (b ^ (x0 & x1));
    w1 += (rotr<u32>(w15, 17) ^ rotr<u32>(w15, 19) ^ (w15 >>> 10)) + w10 + (rotr<u32>(w2, 7) ^ rotr<u32>(w2, 18) ^ (w2 >>> 3));
    t = g + 0xefbe4786 + w1 + (f ^ (d & (e ^ f))) + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 14), 5), 6);
    x1 = h ^ a;
    c += t; g = t + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 9), 11), 2) + (a ^ (x1 & x0));
    w2 += (rotr<u32>(w0, 17) ^ rotr<u32>(w0, 19) ^ (w0 >>> 10)) + w11 + (rotr<u32>(w3, 7) ^ rotr<u32>(w3, 18) ^ (w3 >>> 3));
    t = f + 0x0fc19dc6 + w2 + (e ^ (c & (d ^ e))) + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 14), 5), 6);
    x0 = g ^ h;
    b += t; f = t + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 9), 11), 2) + (h ^ (x0 & x1));
    w3 += (rotr<u32>(w1, 17) ^ rotr<u32>(w1, 19) ^ (w1 >>> 10)) + w12 + (rotr<u32>(w4, 7) ^ rotr<u32>(w4, 18) ^ (w4 >>> 3));
    t = e + 0x240ca1cc + w3 + (d ^ (b & (c ^ d))) + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 14), 5), 6);
    x1 = f ^ g;
    a += t; e = t + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 9), 11), 2) + (g ^ (x1 & x0));
    w4 += (rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10)) + w13 + (rotr<u32>(w5, 7) ^ rotr<u32>(w5, 18) ^ (w5 >>> 3));
    t = d + 0x2de92c6f + w4 + (c ^ (a & (b ^ c))) + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 14), 5), 6);
    x0 = e ^ f;
    h += t; d = t + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 9), 11), 2) + (f ^ (x0 & x1));
    w5 += (rotr<u32>(w3, 17) ^ rotr<u32>(w3, 19) ^ (w3 >>> 10)) + w14 + (rotr<u32>(w6, 7) ^ rotr<u32>(w6, 18) ^ (w6 >>> 3));
    t = c + 0x4a7484aa + w5 + (b ^ (h & (a ^ b))) + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 14), 5), 6);
    x1 = d ^ e;
    g += t; c = t + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 9), 11), 2) + (e ^ (x1 & x0));
    w6 += (rotr<u32>(w4, 17) ^ rotr<u32>(w4, 19) ^ (w4 >>> 10)) + w15 + (rotr<u32>(w7, 7) ^ rotr<u32>(w7, 18) ^ (w7 >>> 3));
    t = b + 0x5cb0a9dc + w6 + (a ^ (g & (h ^ a))) + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 14), 5), 6);
    x0 = c ^ d;
    f += t; b = t + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 9), 11), 2) + (d ^ (x0 & x1));
    w7 += (rotr<u32>(w5, 17) ^ rotr<u32>(w5, 19) ^ (w5 >>> 10)) + w0 + (rotr<u32>(w8, 7) ^ rotr<u32>(w8, 18) ^ (w8 >>> 3));
    t = a + 0x76f988da + w7 + (h ^ (f & (g ^ h))) + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 14), 5), 6);
    x1 = b ^ c;
    e += t; a = t + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 9), 11), 2) + (c ^ (x1 & x0));
    w8 += (rotr<u32>(w6, 17) ^ rotr<u32>(w6, 19) ^ (w6 >>> 10)) + w1 + (rotr<u32>(w9, 7) ^ rotr<u32>(w9, 18) ^ (w9 >>> 3));
    t = h + 0x983e5152 + w8 + (g ^ (e & (f ^ g))) + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 14), 5), 6);
    x0 = a ^ b;
    d += t; h = t + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 9), 11), 2) + (b ^ (x0 & x1));
    w9 += (rotr<u32>(w7, 17) ^ rotr<u32>(w7, 19) ^ (w7 >>> 10)) + w2 + (rotr<u32>(w10, 7) ^ rotr<u32>(w10, 18) ^ (w10 >>> 3));
    t = g + 0xa831c66d + w9 + (f ^ (d & (e ^ f))) + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 14), 5), 6);
    x1 = h ^ a;
    c += t; g = t + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 9), 11), 2) + (a ^ (x1 & x0));
    w10 += (rotr<u32>(w8, 17) ^ rotr<u32>(w8, 19) ^ (w8 >>> 10)) + w3 + (rotr<u32>(w11, 7) ^ rotr<u32>(w11, 18) ^ (w11 >>> 3));
    t = f + 0xb00327c8 + w10 + (e ^ (c & (d ^ e))) + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 14), 5), 6);
    x0 = g ^ h;
    b += t; f = t + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 9), 11), 2) + (h ^ (x0 & x1));
    w11 += (rotr<u32>(w9, 17) ^ rotr<u32>(w9, 19) ^ (w9 >>> 10)) + w4 + (rotr<u32>(w12, 7) ^ rotr<u32>(w12, 18) ^ (w12 >>> 3));
    t = e + 0xbf597fc7 + w11 + (d ^ (b & (c ^ d))) + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 14), 5), 6);
    x1 = f ^ g;
    a += t; e = t + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 9), 11), 2) + (g ^ (x1 & x0));
    w12 += (rotr<u32>(w10, 17) ^ rotr<u32>(w10, 19) ^ (w10 >>> 10)) + w5 + (rotr<u32>(w13, 7) ^ rotr<u32>(w13, 18) ^ (w13 >>> 3));
    t = d + 0xc6e00bf3 + w12 + (c ^ (a & (b ^ c))) + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 14), 5), 6);
    x0 = e ^ f;
    h += t; d = t + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 9), 11), 2) + (f ^ (x0 & x1));
    w13 += (rotr<u32>(w11, 17) ^ rotr<u32>(w11, 19) ^ (w11 >>> 10)) + w6 + (rotr<u32>(w14, 7) ^ rotr<u32>(w14, 18) ^ (w14 >>> 3));
    t = c + 0xd5a79147 + w13 + (b ^ (h & (a ^ b))) + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 14), 5), 6);
    x1 = d ^ e;
    g += t; c = t + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 9), 11), 2) + (e ^ (x1 & x0));
    w14 += (rotr<u32>(w12, 17) ^ rotr<u32>(w12, 19) ^ (w12 >>> 10)) + w7 + (rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3));
    t = b + 0x06ca6351 + w14 + (a ^ (g & (h ^ a))) + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 14), 5), 6);
    x0 = c ^ d;
    f += t; b = t + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 9), 11), 2) + (d ^ (x0 & x1));
    w15 += (rotr<u32>(w13, 17) ^ rotr<u32>(w13, 19) ^ (w13 >>> 10)) + w8 + (rotr<u32>(w0, 7) ^ rotr<u32>(w0, 18) ^ (w0 >>> 3));
    t = a + 0x14292967 + w15 + (h ^ (f & (g ^ h))) + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 14), 5), 6);
    x1 = b ^ c;
    e += t; a = t + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 9), 11), 2) + (c ^ (x1 & x0));
    w0 += (rotr<u32>(w14, 17) ^ rotr<u32>(w14, 19) ^ (w14 >>> 10)) + w9 + (rotr<u32>(w1, 7) ^ rotr<u32>(w1, 18) ^ (w1 >>> 3));
    t = h + 0x27b70a85 + w0 + (g ^ (e & (f ^ g))) + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 14), 5), 6);
    x0 = a ^ b;
    d += t; h = t + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 9), 11), 2) + (b ^ (x0 & x1));
    w1 += (rotr<u32>(w15, 17) ^ rotr<u32>(w15, 19) ^ (w15 >>> 10)) + w10 + (rotr<u32>(w2, 7) ^ rotr<u32>(w2, 18) ^ (w2 >>> 3));
    t = g + 0x2e1b2138 + w1 + (f ^ (d & (e ^ f))) + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 14), 5), 6);
    x1 = h ^ a;
    c += t; g = t + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 9), 11), 2) + (a ^ (x1 & x0));
    w2 += (rotr<u32>(w0, 17) ^ rotr<u32>(w0, 19) ^ (w0 >>> 10)) + w11 + (rotr<u32>(w3, 7) ^ rotr<u32>(w3, 18) ^ (w3 >>> 3));
    t = f + 0x4d2c6dfc + w2 + (e ^ (c & (d ^ e))) + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 14), 5), 6);
    x0 = g ^ h;
    b += t; f = t + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 9), 11), 2) + (h ^ (x0 & x1));
    w3 += (rotr<u32>(w1, 17) ^ rotr<u32>(w1, 19) ^ (w1 >>> 10)) + w12 + (rotr<u32>(w4, 7) ^ rotr<u32>(w4, 18) ^ (w4 >>> 3));
    t = e + 0x53380d13 + w3 + (d ^ (b & (c ^ d))) + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 14), 5), 6);
    x1 = f ^ g;
    a += t; e = t + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 9), 11), 2) + (g ^ (x1 & x0));
    w4 += (rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10)) + w13 + (rotr<u32>(w5, 7) ^ rotr<u32>(w5, 18) ^ (w5 >>> 3));
    t = d + 0x650a7354 + w4 + (c ^ (a & (b ^ c))) + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 14), 5), 6);
    x0 = e ^ f;
    h += t; d = t + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 9), 11), 2) + (f ^ (x0 & x1));
    w5 += (rotr<u32>(w3, 17) ^ rotr<u32>(w3, 19) ^ (w3 >>> 10)) + w14 + (rotr<u32>(w6, 7) ^ rotr<u32>(w6, 18) ^ (w6 >>> 3));
    t = c + 0x766a0abb + w5 + (b ^ (h & (a ^ b))) + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 14), 5), 6);
    x1 = d ^ e;
    g += t; c = t + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 9), 11), 2) + (e ^ (x1 & x0));
    w6 += (rotr<u32>(w4, 17) ^ rotr<u32>(w4, 19) ^ (w4 >>> 10)) + w15 + (rotr<u32>(w7, 7) ^ rotr<u32>(w7, 18) ^ (w7 >>> 3));
    t = b + 0x81c2c92e + w6 + (a ^ (g & (h ^ a))) + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 14), 5), 6);
    x0 = c ^ d;
    f += t; b = t + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 9), 11), 2) + (d ^ (x0 & x1));
    w7 += (rotr<u32>(w5, 17) ^ rotr<u32>(w5, 19) ^ (w5 >>> 10)) + w0 + (rotr<u32>(w8, 7) ^ rotr<u32>(w8, 18) ^ (w8 >>> 3));
    t = a + 0x92722c85 + w7 + (h ^ (f & (g ^ h))) + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 14), 5), 6);
    x1 = b ^ c;
    e += t; a = t + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 9), 11), 2) + (c ^ (x1 & x0));
    w8 += (rotr<u32>(w6, 17) ^ rotr<u32>(w6, 19) ^ (w6 >>> 10)) + w1 + (rotr<u32>(w9, 7) ^ rotr<u32>(w9, 18) ^ (w9 >>> 3));
    t = h + 0xa2bfe8a1 + w8 + (g ^ (e & (f ^ g))) + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 14), 5), 6);
    x0 = a ^ b;
    d += t; h = t + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 9), 11), 2) + (b ^ (x0 & x1));
    w9 += (rotr<u32>(w7, 17) ^ rotr<u32>(w7, 19) ^ (w7 >>> 10)) + w2 + (rotr<u32>(w10, 7) ^ rotr<u32>(w10, 18) ^ (w10 >>> 3));
    t = g + 0xa81a664b + w9 + (f ^ (d & (e ^ f))) + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 14), 5), 6);
    x1 = h ^ a;
    c += t; g = t + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 9), 11), 2) + (a ^ (x1 & x0));
    w10 += (rotr<u32>(w8, 17) ^ rotr<u32>(w8, 19) ^ (w8 >>> 10)) + w3 + (rotr<u32>(w11, 7) ^ rotr<u32>(w11, 18) ^ (w11 >>> 3));
    t = f + 0xc24b8b70 + w10 + (e ^ (c & (d ^ e))) + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 14), 5), 6);
    x0 = g ^ h;
    b += t; f = t + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 9), 11), 2) + (h ^ (x0 & x1));
    w11 += (rotr<u32>(w9, 17) ^ rotr<u32>(w9, 19) ^ (w9 >>> 10)) + w4 + (rotr<u32>(w12, 7) ^ rotr<u32>(w12, 18) ^ (w12 >>> 3));
    t = e + 0xc76c51a3 + w11 + (d ^ (b & (c ^ d))) + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 14), 5), 6);
    x1 = f ^ g;
    a += t; e = t + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 9), 11), 2) + (g ^ (x1 & x0));
    w12 += (rotr<u32>(w10, 17) ^ rotr<u32>(w10, 19) ^ (w10 >>> 10)) + w5 + (rotr<u32>(w13, 7) ^ rotr<u32>(w13, 18) ^ (w13 >>> 3));
    t = d + 0xd192e819 + w12 + (c ^ (a & (b ^ c))) + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 14), 5), 6);
    x0 = e ^ f;
    h += t; d = t + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 9), 11), 2) + (f ^ (x0 & x1));
    w13 += (rotr<u32>(w11, 17) ^ rotr<u32>(w11, 19) ^ (w11 >>> 10)) + w6 + (rotr<u32>(w14, 7) ^ rotr<u32>(w14, 18) ^ (w14 >>> 3));
    t = c + 0xd6990624 + w13 + (b ^ (h & (a ^ b))) + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 14), 5), 6);
    x1 = d ^ e;
    g += t; c = t + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 9), 11), 2) + (e ^ (x1 & x0));
    w14 += (rotr<u32>(w12, 17) ^ rotr<u32>(w12, 19) ^ (w12 >>> 10)) + w7 + (rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3));
    t = b + 0xf40e3585 + w14 + (a ^ (g & (h ^ a))) + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 14), 5), 6);
    x0 = c ^ d;
    f += t; b = t + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 9), 11), 2) + (d ^ (x0 & x1));
    w15 += (rotr<u32>(w13, 17) ^ rotr<u32>(w13, 19) ^ (w13 >>> 10)) + w8 + (rotr<u32>(w0, 7) ^ rotr<u32>(w0, 18) ^ (w0 >>> 3));
    t = a + 0x106aa070 + w15 + (h ^ (f & (g ^ h))) + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 14), 5), 6);
    x1 = b ^ c;
    e += t; a = t + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 9), 11), 2) + (c ^ (x1 & x0));
    w0 += (rotr<u32>(w14, 17) ^ rotr<u32>(w14, 19) ^ (w14 >>> 10)) + w9 + (rotr<u32>(w1, 7) ^ rotr<u32>(w1, 18) ^ (w1 >>> 3));
    t = h + 0x19a4c116 + w0 + (g ^ (e & (f ^ g))) + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 14), 5), 6);
    x0 = a ^ b;
    d += t; h = t + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 9), 11), 2) + (b ^ (x0 & x1));
    w1 += (rotr<u32>(w15, 17) ^ rotr<u32>(w15, 19) ^ (w15 >>> 10)) + w10 + (rotr<u32>(w2, 7) ^ rotr<u32>(w2, 18) ^ (w2 >>> 3));
    t = g + 0x1e376c08 + w1 + (f ^ (d & (e ^ f))) + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 14), 5), 6);
    x1 = h ^ a;
    c += t; g = t + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 9), 11), 2) + (a ^ (x1 & x0));
    w2 += (rotr<u32>(w0, 17) ^ rotr<u32>(w0, 19) ^ (w0 >>> 10)) + w11 + (rotr<u32>(w3, 7) ^ rotr<u32>(w3, 18) ^ (w3 >>> 3));
    t = f + 0x2748774c + w2 + (e ^ (c & (d ^ e))) + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 14), 5), 6);
    x0 = g ^ h;
    b += t; f = t + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 9), 11), 2) + (h ^ (x0 & x1));
    w3 += (rotr<u32>(w1, 17) ^ rotr<u32>(w1, 19) ^ (w1 >>> 10)) + w12 + (rotr<u32>(w4, 7) ^ rotr<u32>(w4, 18) ^ (w4 >>> 3));
    t = e + 0x34b0bcb5 + w3 + (d ^ (b & (c ^ d))) + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 14), 5), 6);
    x1 = f ^ g;
    a += t; e = t + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 9), 11), 2) + (g ^ (x1 & x0));
    w4 += (rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10)) + w13 + (rotr<u32>(w5, 7) ^ rotr<u32>(w5, 18) ^ (w5 >>> 3));
    t = d + 0x391c0cb3 + w4 + (c ^ (a & (b ^ c))) + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 14), 5), 6);
    x0 = e ^ f;
    h += t; d = t + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 9), 11), 2) + (f ^ (x0 & x1));
    w5 += (rotr<u32>(w3, 17) ^ rotr<u32>(w3, 19) ^ (w3 >>> 10)) + w14 + (rotr<u32>(w6, 7) ^ rotr<u32>(w6, 18) ^ (w6 >>> 3));
    t = c + 0x4ed8aa4a + w5 + (b ^ (h & (a ^ b))) + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 14), 5), 6);
    x1 = d ^ e;
    g += t; c = t + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 9), 11), 2) + (e ^ (x1 & x0));
    w6 += (rotr<u32>(w4, 17) ^ rotr<u32>(w4, 19) ^ (w4 >>> 10)) + w15 + (rotr<u32>(w7, 7) ^ rotr<u32>(w7, 18) ^ (w7 >>> 3));
    t = b + 0x5b9cca4f + w6 + (a ^ (g & (h ^ a))) + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 14), 5), 6);
    x0 = c ^ d;
    f += t; b = t + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 9), 11), 2) + (d ^ (x0 & x1));
    w7 += (rotr<u32>(w5, 17) ^ rotr<u32>(w5, 19) ^ (w5 >>> 10)) + w0 + (rotr<u32>(w8, 7) ^ rotr<u32>(w8, 18) ^ (w8 >>> 3));
    t = a + 0x682e6ff3 + w7 + (h ^ (f & (g ^ h))) + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 14), 5), 6);
    x1 = b ^ c;
    e += t; a = t + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 9), 11), 2) + (c ^ (x1 & x0));
    w8 += (rotr<u32>(w6, 17) ^ rotr<u32>(w6, 19) ^ (w6 >>> 10)) + w1 + (rotr<u32>(w9, 7) ^ rotr<u32>(w9, 18) ^ (w9 >>> 3));
    t = h + 0x748f82ee + w8 + (g ^ (e & (f ^ g))) + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 14), 5), 6);
    x0 = a ^ b;
    d += t; h = t + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 9), 11), 2) + (b ^ (x0 & x1));
    w9 += (rotr<u32>(w7, 17) ^ rotr<u32>(w7, 19) ^ (w7 >>> 10)) + w2 + (rotr<u32>(w10, 7) ^ rotr<u32>(w10, 18) ^ (w10 >>> 3));
    t = g + 0x78a5636f + w9 + (f ^ (d & (e ^ f))) + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 14), 5), 6);
    x1 = h ^ a;
    c += t; g = t + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 9), 11), 2) + (a ^ (x1 & x0));
    w10 += (rotr<u32>(w8, 17) ^ rotr<u32>(w8, 19) ^ (w8 >>> 10)) + w3 + (rotr<u32>(w11, 7) ^ rotr<u32>(w11, 18) ^ (w11 >>> 3));
    t = f + 0x84c87814 + w10 + (e ^ (c & (d ^ e))) + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 14), 5), 6);
    x0 = g ^ h;
    b += t; f = t + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 9), 11), 2) + (h ^ (x0 & x1));
    w11 += (rotr<u32>(w9, 17) ^ rotr<u32>(w9, 19) ^ (w9 >>> 10)) + w4 + (rotr<u32>(w12, 7) ^ rotr<u32>(w12, 18) ^ (w12 >>> 3));
    t = e + 0x8cc70208 + w11 + (d ^ (b & (c ^ d))) + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 14), 5), 6);
    x1 = f ^ g;
    a += t; e = t + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 9), 11), 2) + (g ^ (x1 & x0));
    w12 += (rotr<u32>(w10, 17) ^ rotr<u32>(w10, 19) ^ (w10 >>> 10)) + w5 + (rotr<u32>(w13, 7) ^ rotr<u32>(w13, 18) ^ (w13 >>> 3));
    t = d + 0x90befffa + w12 + (c ^ (a & (b ^ c))) + rotr<u32>(a ^ rotr<u32>(a ^ rotr<u32>(a, 14), 5), 6);
    x0 = e ^ f;
    h += t; d = t + rotr<u32>(e ^ rotr<u32>(e ^ rotr<u32>(e, 9), 11), 2) + (f ^ (x0 & x1));
    w13 += (rotr<u32>(w11, 17) ^ rotr<u32>(w11, 19) ^ (w11 >>> 10)) + w6 + (rotr<u32>(w14, 7) ^ rotr<u32>(w14, 18) ^ (w14 >>> 3));
    t = c + 0xa4506ceb + w13 + (b ^ (h & (a ^ b))) + rotr<u32>(h ^ rotr<u32>(h ^ rotr<u32>(h, 14), 5), 6);
    x1 = d ^ e;
    g += t; c = t + rotr<u32>(d ^ rotr<u32>(d ^ rotr<u32>(d, 9), 11), 2) + (e ^ (x1 & x0));
    w14 += (rotr<u32>(w12, 17) ^ rotr<u32>(w12, 19) ^ (w12 >>> 10)) + w7 + (rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3));
    t = b + 0xbef9a3f7 + w14 + (a ^ (g & (h ^ a))) + rotr<u32>(g ^ rotr<u32>(g ^ rotr<u32>(g, 14), 5), 6);
    x0 = c ^ d;
    f += t; b = t + rotr<u32>(c ^ rotr<u32>(c ^ rotr<u32>(c, 9), 11), 2) + (d ^ (x0 & x1));
    w15 += (rotr<u32>(w13, 17) ^ rotr<u32>(w13, 19) ^ (w13 >>> 10)) + w8 + (rotr<u32>(w0, 7) ^ rotr<u32>(w0, 18) ^ (w0 >>> 3));
    t = a + 0xc67178f2 + w15 + (h ^ (f & (g ^ h))) + rotr<u32>(f ^ rotr<u32>(f ^ rotr<u32>(f, 14), 5), 6);
    x1 = b ^ c;
    e += t; a = t + rotr<u32>(b ^ rotr<u32>(b ^ rotr<u32>(b, 9), 11), 2) + (c ^ (x1 & x0));
    // GENERATED ROUNDS END
    // Feed-forward from the state in memory rather than eight saved locals: fewer live values.
    a += load<u32>(state, 0); store<u32>(state, a, 0);
    b += load<u32>(state, 4); store<u32>(state, b, 4);
    c += load<u32>(state, 8); store<u32>(state, c, 8);
    d += load<u32>(state, 12); store<u32>(state, d, 12);
    e += load<u32>(state, 16); store<u32>(state, e, 16);
    f += load<u32>(state, 20); store<u32>(state, f, 20);
    g += load<u32>(state, 24); store<u32>(state, g, 24);
    h += load<u32>(state, 28); store<u32>(state, h, 28);
    p += 64;
  }
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
