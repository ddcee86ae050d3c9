// GF(2^255 − 19) arithmetic for X25519 (RFC 7748 §4.1, §5) and Ed25519 (RFC 8032 §5.1).
//
// An element is 10 signed limbs in radix 2^25.5 (26, 25, 26, 25, … bits), each stored as an i64 in
// linear memory (80 bytes), so products are single i64.mul and sums of 10 of them cannot overflow
// (ref10's representation and bounds). Functions take pointers; none allocates, branches on or
// indexes by limb values. Outputs of feMul/feSq/feFromBytes are "reduced" (|limb| ≤ ~2^25/2^26);
// one unreduced feAdd/feSub may feed feMul/feSq, exactly as in ref10's formulas.

import { modInv, modInvWipeScratch, MODINV_25519, MODINV_25519_INV30 } from "./modinv";

// Scratch for inversion and square roots (may hold secrets: wiped by feWipeScratch). One block,
// so that one fill provably covers it.
const SCRATCH: usize = memory.data(432, 16);
const T0: usize = SCRATCH;
const T1: usize = SCRATCH + 80;
const T2: usize = SCRATCH + 160;
const T3: usize = SCRATCH + 240;

export function feWipeScratch(): void {
  memory.fill(SCRATCH, 0, 432);
}

// @ts-ignore: decorator
@inline export function fe0(h: usize): void {
  memory.fill(h, 0, 80);
}

// @ts-ignore: decorator
@inline export function fe1(h: usize): void {
  memory.fill(h, 0, 80);
  store<i64>(h, 1, 0);
}

// @ts-ignore: decorator
@inline export function feCopy(h: usize, f: usize): void {
  memory.copy(h, f, 80);
}

/** h = f + g (no carry). */
export function feAdd(h: usize, f: usize, g: usize): void {
  store<i64>(h, load<i64>(f, 0) + load<i64>(g, 0), 0);
  store<i64>(h, load<i64>(f, 8) + load<i64>(g, 8), 8);
  store<i64>(h, load<i64>(f, 16) + load<i64>(g, 16), 16);
  store<i64>(h, load<i64>(f, 24) + load<i64>(g, 24), 24);
  store<i64>(h, load<i64>(f, 32) + load<i64>(g, 32), 32);
  store<i64>(h, load<i64>(f, 40) + load<i64>(g, 40), 40);
  store<i64>(h, load<i64>(f, 48) + load<i64>(g, 48), 48);
  store<i64>(h, load<i64>(f, 56) + load<i64>(g, 56), 56);
  store<i64>(h, load<i64>(f, 64) + load<i64>(g, 64), 64);
  store<i64>(h, load<i64>(f, 72) + load<i64>(g, 72), 72);
}

/** h = f − g (no carry). */
export function feSub(h: usize, f: usize, g: usize): void {
  store<i64>(h, load<i64>(f, 0) - load<i64>(g, 0), 0);
  store<i64>(h, load<i64>(f, 8) - load<i64>(g, 8), 8);
  store<i64>(h, load<i64>(f, 16) - load<i64>(g, 16), 16);
  store<i64>(h, load<i64>(f, 24) - load<i64>(g, 24), 24);
  store<i64>(h, load<i64>(f, 32) - load<i64>(g, 32), 32);
  store<i64>(h, load<i64>(f, 40) - load<i64>(g, 40), 40);
  store<i64>(h, load<i64>(f, 48) - load<i64>(g, 48), 48);
  store<i64>(h, load<i64>(f, 56) - load<i64>(g, 56), 56);
  store<i64>(h, load<i64>(f, 64) - load<i64>(g, 64), 64);
  store<i64>(h, load<i64>(f, 72) - load<i64>(g, 72), 72);
}

/** h = −f. */
export function feNeg(h: usize, f: usize): void {
  for (let i: usize = 0; i < 80; i += 8) store<i64>(h + i, -load<i64>(f + i));
}

/** f = g if b == 1, unchanged if b == 0 (b must be 0 or 1); no branch on b, 16 bytes at a time. */
export function feCmov(f: usize, g: usize, b: i64): void {
  const m = i64x2.splat(-b);
  for (let i: usize = 0; i < 80; i += 16) v128.store(f + i, v128.bitselect(v128.load(g + i), v128.load(f + i), m));
}

/** Swaps f and g if b == 1, leaves them if b == 0; no branch on b (RFC 7748 §5 cswap). */
export function feCswap(f: usize, g: usize, b: i64): void {
  const m = i64x2.splat(-b);
  for (let i: usize = 0; i < 80; i += 16) {
    const x = v128.load(f + i), y = v128.load(g + i);
    const t = v128.and(m, v128.xor(x, y));
    v128.store(f + i, v128.xor(x, t));
    v128.store(g + i, v128.xor(y, t));
  }
}

// GENERATED FIELD BEGIN (scripts/gen-fe25519.mjs)
/** h = f · g. Inputs may be unreduced sums/differences of reduced elements (ref10 bounds). */
export function feMul(h: usize, f: usize, g: usize): void {
  const f0 = load<i64>(f, 0), f1 = load<i64>(f, 8), f2 = load<i64>(f, 16), f3 = load<i64>(f, 24), f4 = load<i64>(f, 32), f5 = load<i64>(f, 40), f6 = load<i64>(f, 48), f7 = load<i64>(f, 56), f8 = load<i64>(f, 64), f9 = load<i64>(f, 72);
  const g0 = load<i64>(g, 0), g1 = load<i64>(g, 8), g2 = load<i64>(g, 16), g3 = load<i64>(g, 24), g4 = load<i64>(g, 32), g5 = load<i64>(g, 40), g6 = load<i64>(g, 48), g7 = load<i64>(g, 56), g8 = load<i64>(g, 64), g9 = load<i64>(g, 72);
  const fs0 = f0 + f1, fs1 = f2 + f3, fs2 = f4 + f5, fs3 = f6 + f7, fs4 = f8 + f9;
  const gs0 = g0 + g1, gs1 = g2 + g3, gs2 = g4 + g5, gs3 = g6 + g7, gs4 = g8 + g9;
  const ee0 = f0 * g0, ee1 = f0 * g2 + f2 * g0, ee2 = f0 * g4 + f2 * g2 + f4 * g0, ee3 = f0 * g6 + f2 * g4 + f4 * g2 + f6 * g0, ee4 = f0 * g8 + f2 * g6 + f4 * g4 + f6 * g2 + f8 * g0, ee5 = f2 * g8 + f4 * g6 + f6 * g4 + f8 * g2, ee6 = f4 * g8 + f6 * g6 + f8 * g4, ee7 = f6 * g8 + f8 * g6, ee8 = f8 * g8;
  const oo0 = f1 * g1, oo1 = f1 * g3 + f3 * g1, oo2 = f1 * g5 + f3 * g3 + f5 * g1, oo3 = f1 * g7 + f3 * g5 + f5 * g3 + f7 * g1, oo4 = f1 * g9 + f3 * g7 + f5 * g5 + f7 * g3 + f9 * g1, oo5 = f3 * g9 + f5 * g7 + f7 * g5 + f9 * g3, oo6 = f5 * g9 + f7 * g7 + f9 * g5, oo7 = f7 * g9 + f9 * g7, oo8 = f9 * g9;
  const ss0 = fs0 * gs0, ss1 = fs0 * gs1 + fs1 * gs0, ss2 = fs0 * gs2 + fs1 * gs1 + fs2 * gs0, ss3 = fs0 * gs3 + fs1 * gs2 + fs2 * gs1 + fs3 * gs0, ss4 = fs0 * gs4 + fs1 * gs3 + fs2 * gs2 + fs3 * gs1 + fs4 * gs0, ss5 = fs1 * gs4 + fs2 * gs3 + fs3 * gs2 + fs4 * gs1, ss6 = fs2 * gs4 + fs3 * gs3 + fs4 * gs2, ss7 = fs3 * gs4 + fs4 * gs3, ss8 = fs4 * gs4;
  const m0 = ss0 - ee0 - oo0, m1 = ss1 - ee1 - oo1, m2 = ss2 - ee2 - oo2, m3 = ss3 - ee3 - oo3, m4 = ss4 - ee4 - oo4, m5 = ss5 - ee5 - oo5, m6 = ss6 - ee6 - oo6, m7 = ss7 - ee7 - oo7, m8 = ss8 - ee8 - oo8;
  let h0 = ee0 + 19 * (ee5 + 2 * oo4);
  let h1 = m0 + 19 * m5;
  let h2 = ee1 + 2 * oo0 + 19 * (ee6 + 2 * oo5);
  let h3 = m1 + 19 * m6;
  let h4 = ee2 + 2 * oo1 + 19 * (ee7 + 2 * oo6);
  let h5 = m2 + 19 * m7;
  let h6 = ee3 + 2 * oo2 + 19 * (ee8 + 2 * oo7);
  let h7 = m3 + 19 * m8;
  let h8 = ee4 + 2 * oo3 + 19 * (2 * oo8);
  let h9 = m4;
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = f². */
export function feSq(h: usize, f: usize): void {
  const f0 = load<i64>(f, 0), f1 = load<i64>(f, 8), f2 = load<i64>(f, 16), f3 = load<i64>(f, 24), f4 = load<i64>(f, 32), f5 = load<i64>(f, 40), f6 = load<i64>(f, 48), f7 = load<i64>(f, 56), f8 = load<i64>(f, 64), f9 = load<i64>(f, 72);
  const f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9, f5_19 = 19 * f5, f6_19 = 19 * f6, f7_19 = 19 * f7, f8_19 = 19 * f8, f9_19 = 19 * f9;
  let h0 = f0 * f0 + f5_2 * f5_19 + 2 * (f1_2 * f9_19 + f2 * f8_19 + f3_2 * f7_19 + f4 * f6_19);
  let h1 = 2 * (f0 * f1 + f2 * f9_19 + f3 * f8_19 + f4 * f7_19 + f5 * f6_19);
  let h2 = f1_2 * f1 + f6 * f6_19 + 2 * (f0 * f2 + f3_2 * f9_19 + f4 * f8_19 + f5_2 * f7_19);
  let h3 = 2 * (f0 * f3 + f1 * f2 + f4 * f9_19 + f5 * f8_19 + f6 * f7_19);
  let h4 = f2 * f2 + f7_2 * f7_19 + 2 * (f0 * f4 + f1_2 * f3 + f5_2 * f9_19 + f6 * f8_19);
  let h5 = 2 * (f0 * f5 + f1 * f4 + f2 * f3 + f6 * f9_19 + f7 * f8_19);
  let h6 = f3_2 * f3 + f8 * f8_19 + 2 * (f0 * f6 + f1_2 * f5 + f2 * f4 + f7_2 * f9_19);
  let h7 = 2 * (f0 * f7 + f1 * f6 + f2 * f5 + f3 * f4 + f8 * f9_19);
  let h8 = f4 * f4 + f9_2 * f9_19 + 2 * (f0 * f8 + f1_2 * f7 + f2 * f6 + f3_2 * f5);
  let h9 = 2 * (f0 * f9 + f1 * f8 + f2 * f7 + f3 * f6 + f4 * f5);
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = 2·f² (the doubling formula's 2·Z²). */
export function feSq2(h: usize, f: usize): void {
  const f0 = load<i64>(f, 0), f1 = load<i64>(f, 8), f2 = load<i64>(f, 16), f3 = load<i64>(f, 24), f4 = load<i64>(f, 32), f5 = load<i64>(f, 40), f6 = load<i64>(f, 48), f7 = load<i64>(f, 56), f8 = load<i64>(f, 64), f9 = load<i64>(f, 72);
  const f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9, f5_19 = 19 * f5, f6_19 = 19 * f6, f7_19 = 19 * f7, f8_19 = 19 * f8, f9_19 = 19 * f9;
  let h0 = f0 * f0 + f5_2 * f5_19 + 2 * (f1_2 * f9_19 + f2 * f8_19 + f3_2 * f7_19 + f4 * f6_19);
  let h1 = 2 * (f0 * f1 + f2 * f9_19 + f3 * f8_19 + f4 * f7_19 + f5 * f6_19);
  let h2 = f1_2 * f1 + f6 * f6_19 + 2 * (f0 * f2 + f3_2 * f9_19 + f4 * f8_19 + f5_2 * f7_19);
  let h3 = 2 * (f0 * f3 + f1 * f2 + f4 * f9_19 + f5 * f8_19 + f6 * f7_19);
  let h4 = f2 * f2 + f7_2 * f7_19 + 2 * (f0 * f4 + f1_2 * f3 + f5_2 * f9_19 + f6 * f8_19);
  let h5 = 2 * (f0 * f5 + f1 * f4 + f2 * f3 + f6 * f9_19 + f7 * f8_19);
  let h6 = f3_2 * f3 + f8 * f8_19 + 2 * (f0 * f6 + f1_2 * f5 + f2 * f4 + f7_2 * f9_19);
  let h7 = 2 * (f0 * f7 + f1 * f6 + f2 * f5 + f3 * f4 + f8 * f9_19);
  let h8 = f4 * f4 + f9_2 * f9_19 + 2 * (f0 * f8 + f1_2 * f7 + f2 * f6 + f3_2 * f5);
  let h9 = 2 * (f0 * f9 + f1 * f8 + f2 * f7 + f3 * f6 + f4 * f5);
  h0 += h0; h1 += h1; h2 += h2; h3 += h3; h4 += h4; h5 += h5; h6 += h6; h7 += h7; h8 += h8; h9 += h9;
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

// Fused forms for the ladder and the Edwards formulas: the sum/difference never round-trips
// through memory.
/** h = (a − b) · (u + v). */
export function feMulDiffSum(h: usize, a: usize, b: usize, u: usize, v: usize): void {
  const f0 = load<i64>(a, 0) - load<i64>(b, 0), f1 = load<i64>(a, 8) - load<i64>(b, 8), f2 = load<i64>(a, 16) - load<i64>(b, 16), f3 = load<i64>(a, 24) - load<i64>(b, 24), f4 = load<i64>(a, 32) - load<i64>(b, 32), f5 = load<i64>(a, 40) - load<i64>(b, 40), f6 = load<i64>(a, 48) - load<i64>(b, 48), f7 = load<i64>(a, 56) - load<i64>(b, 56), f8 = load<i64>(a, 64) - load<i64>(b, 64), f9 = load<i64>(a, 72) - load<i64>(b, 72);
  const g0 = load<i64>(u, 0) + load<i64>(v, 0), g1 = load<i64>(u, 8) + load<i64>(v, 8), g2 = load<i64>(u, 16) + load<i64>(v, 16), g3 = load<i64>(u, 24) + load<i64>(v, 24), g4 = load<i64>(u, 32) + load<i64>(v, 32), g5 = load<i64>(u, 40) + load<i64>(v, 40), g6 = load<i64>(u, 48) + load<i64>(v, 48), g7 = load<i64>(u, 56) + load<i64>(v, 56), g8 = load<i64>(u, 64) + load<i64>(v, 64), g9 = load<i64>(u, 72) + load<i64>(v, 72);
  const fs0 = f0 + f1, fs1 = f2 + f3, fs2 = f4 + f5, fs3 = f6 + f7, fs4 = f8 + f9;
  const gs0 = g0 + g1, gs1 = g2 + g3, gs2 = g4 + g5, gs3 = g6 + g7, gs4 = g8 + g9;
  const ee0 = f0 * g0, ee1 = f0 * g2 + f2 * g0, ee2 = f0 * g4 + f2 * g2 + f4 * g0, ee3 = f0 * g6 + f2 * g4 + f4 * g2 + f6 * g0, ee4 = f0 * g8 + f2 * g6 + f4 * g4 + f6 * g2 + f8 * g0, ee5 = f2 * g8 + f4 * g6 + f6 * g4 + f8 * g2, ee6 = f4 * g8 + f6 * g6 + f8 * g4, ee7 = f6 * g8 + f8 * g6, ee8 = f8 * g8;
  const oo0 = f1 * g1, oo1 = f1 * g3 + f3 * g1, oo2 = f1 * g5 + f3 * g3 + f5 * g1, oo3 = f1 * g7 + f3 * g5 + f5 * g3 + f7 * g1, oo4 = f1 * g9 + f3 * g7 + f5 * g5 + f7 * g3 + f9 * g1, oo5 = f3 * g9 + f5 * g7 + f7 * g5 + f9 * g3, oo6 = f5 * g9 + f7 * g7 + f9 * g5, oo7 = f7 * g9 + f9 * g7, oo8 = f9 * g9;
  const ss0 = fs0 * gs0, ss1 = fs0 * gs1 + fs1 * gs0, ss2 = fs0 * gs2 + fs1 * gs1 + fs2 * gs0, ss3 = fs0 * gs3 + fs1 * gs2 + fs2 * gs1 + fs3 * gs0, ss4 = fs0 * gs4 + fs1 * gs3 + fs2 * gs2 + fs3 * gs1 + fs4 * gs0, ss5 = fs1 * gs4 + fs2 * gs3 + fs3 * gs2 + fs4 * gs1, ss6 = fs2 * gs4 + fs3 * gs3 + fs4 * gs2, ss7 = fs3 * gs4 + fs4 * gs3, ss8 = fs4 * gs4;
  const m0 = ss0 - ee0 - oo0, m1 = ss1 - ee1 - oo1, m2 = ss2 - ee2 - oo2, m3 = ss3 - ee3 - oo3, m4 = ss4 - ee4 - oo4, m5 = ss5 - ee5 - oo5, m6 = ss6 - ee6 - oo6, m7 = ss7 - ee7 - oo7, m8 = ss8 - ee8 - oo8;
  let h0 = ee0 + 19 * (ee5 + 2 * oo4);
  let h1 = m0 + 19 * m5;
  let h2 = ee1 + 2 * oo0 + 19 * (ee6 + 2 * oo5);
  let h3 = m1 + 19 * m6;
  let h4 = ee2 + 2 * oo1 + 19 * (ee7 + 2 * oo6);
  let h5 = m2 + 19 * m7;
  let h6 = ee3 + 2 * oo2 + 19 * (ee8 + 2 * oo7);
  let h7 = m3 + 19 * m8;
  let h8 = ee4 + 2 * oo3 + 19 * (2 * oo8);
  let h9 = m4;
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = (a + b) · (u − v). */
export function feMulSumDiff(h: usize, a: usize, b: usize, u: usize, v: usize): void {
  const f0 = load<i64>(a, 0) + load<i64>(b, 0), f1 = load<i64>(a, 8) + load<i64>(b, 8), f2 = load<i64>(a, 16) + load<i64>(b, 16), f3 = load<i64>(a, 24) + load<i64>(b, 24), f4 = load<i64>(a, 32) + load<i64>(b, 32), f5 = load<i64>(a, 40) + load<i64>(b, 40), f6 = load<i64>(a, 48) + load<i64>(b, 48), f7 = load<i64>(a, 56) + load<i64>(b, 56), f8 = load<i64>(a, 64) + load<i64>(b, 64), f9 = load<i64>(a, 72) + load<i64>(b, 72);
  const g0 = load<i64>(u, 0) - load<i64>(v, 0), g1 = load<i64>(u, 8) - load<i64>(v, 8), g2 = load<i64>(u, 16) - load<i64>(v, 16), g3 = load<i64>(u, 24) - load<i64>(v, 24), g4 = load<i64>(u, 32) - load<i64>(v, 32), g5 = load<i64>(u, 40) - load<i64>(v, 40), g6 = load<i64>(u, 48) - load<i64>(v, 48), g7 = load<i64>(u, 56) - load<i64>(v, 56), g8 = load<i64>(u, 64) - load<i64>(v, 64), g9 = load<i64>(u, 72) - load<i64>(v, 72);
  const fs0 = f0 + f1, fs1 = f2 + f3, fs2 = f4 + f5, fs3 = f6 + f7, fs4 = f8 + f9;
  const gs0 = g0 + g1, gs1 = g2 + g3, gs2 = g4 + g5, gs3 = g6 + g7, gs4 = g8 + g9;
  const ee0 = f0 * g0, ee1 = f0 * g2 + f2 * g0, ee2 = f0 * g4 + f2 * g2 + f4 * g0, ee3 = f0 * g6 + f2 * g4 + f4 * g2 + f6 * g0, ee4 = f0 * g8 + f2 * g6 + f4 * g4 + f6 * g2 + f8 * g0, ee5 = f2 * g8 + f4 * g6 + f6 * g4 + f8 * g2, ee6 = f4 * g8 + f6 * g6 + f8 * g4, ee7 = f6 * g8 + f8 * g6, ee8 = f8 * g8;
  const oo0 = f1 * g1, oo1 = f1 * g3 + f3 * g1, oo2 = f1 * g5 + f3 * g3 + f5 * g1, oo3 = f1 * g7 + f3 * g5 + f5 * g3 + f7 * g1, oo4 = f1 * g9 + f3 * g7 + f5 * g5 + f7 * g3 + f9 * g1, oo5 = f3 * g9 + f5 * g7 + f7 * g5 + f9 * g3, oo6 = f5 * g9 + f7 * g7 + f9 * g5, oo7 = f7 * g9 + f9 * g7, oo8 = f9 * g9;
  const ss0 = fs0 * gs0, ss1 = fs0 * gs1 + fs1 * gs0, ss2 = fs0 * gs2 + fs1 * gs1 + fs2 * gs0, ss3 = fs0 * gs3 + fs1 * gs2 + fs2 * gs1 + fs3 * gs0, ss4 = fs0 * gs4 + fs1 * gs3 + fs2 * gs2 + fs3 * gs1 + fs4 * gs0, ss5 = fs1 * gs4 + fs2 * gs3 + fs3 * gs2 + fs4 * gs1, ss6 = fs2 * gs4 + fs3 * gs3 + fs4 * gs2, ss7 = fs3 * gs4 + fs4 * gs3, ss8 = fs4 * gs4;
  const m0 = ss0 - ee0 - oo0, m1 = ss1 - ee1 - oo1, m2 = ss2 - ee2 - oo2, m3 = ss3 - ee3 - oo3, m4 = ss4 - ee4 - oo4, m5 = ss5 - ee5 - oo5, m6 = ss6 - ee6 - oo6, m7 = ss7 - ee7 - oo7, m8 = ss8 - ee8 - oo8;
  let h0 = ee0 + 19 * (ee5 + 2 * oo4);
  let h1 = m0 + 19 * m5;
  let h2 = ee1 + 2 * oo0 + 19 * (ee6 + 2 * oo5);
  let h3 = m1 + 19 * m6;
  let h4 = ee2 + 2 * oo1 + 19 * (ee7 + 2 * oo6);
  let h5 = m2 + 19 * m7;
  let h6 = ee3 + 2 * oo2 + 19 * (ee8 + 2 * oo7);
  let h7 = m3 + 19 * m8;
  let h8 = ee4 + 2 * oo3 + 19 * (2 * oo8);
  let h9 = m4;
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = (a + b) · (u + v). */
export function feMulSumSum(h: usize, a: usize, b: usize, u: usize, v: usize): void {
  const f0 = load<i64>(a, 0) + load<i64>(b, 0), f1 = load<i64>(a, 8) + load<i64>(b, 8), f2 = load<i64>(a, 16) + load<i64>(b, 16), f3 = load<i64>(a, 24) + load<i64>(b, 24), f4 = load<i64>(a, 32) + load<i64>(b, 32), f5 = load<i64>(a, 40) + load<i64>(b, 40), f6 = load<i64>(a, 48) + load<i64>(b, 48), f7 = load<i64>(a, 56) + load<i64>(b, 56), f8 = load<i64>(a, 64) + load<i64>(b, 64), f9 = load<i64>(a, 72) + load<i64>(b, 72);
  const g0 = load<i64>(u, 0) + load<i64>(v, 0), g1 = load<i64>(u, 8) + load<i64>(v, 8), g2 = load<i64>(u, 16) + load<i64>(v, 16), g3 = load<i64>(u, 24) + load<i64>(v, 24), g4 = load<i64>(u, 32) + load<i64>(v, 32), g5 = load<i64>(u, 40) + load<i64>(v, 40), g6 = load<i64>(u, 48) + load<i64>(v, 48), g7 = load<i64>(u, 56) + load<i64>(v, 56), g8 = load<i64>(u, 64) + load<i64>(v, 64), g9 = load<i64>(u, 72) + load<i64>(v, 72);
  const fs0 = f0 + f1, fs1 = f2 + f3, fs2 = f4 + f5, fs3 = f6 + f7, fs4 = f8 + f9;
  const gs0 = g0 + g1, gs1 = g2 + g3, gs2 = g4 + g5, gs3 = g6 + g7, gs4 = g8 + g9;
  const ee0 = f0 * g0, ee1 = f0 * g2 + f2 * g0, ee2 = f0 * g4 + f2 * g2 + f4 * g0, ee3 = f0 * g6 + f2 * g4 + f4 * g2 + f6 * g0, ee4 = f0 * g8 + f2 * g6 + f4 * g4 + f6 * g2 + f8 * g0, ee5 = f2 * g8 + f4 * g6 + f6 * g4 + f8 * g2, ee6 = f4 * g8 + f6 * g6 + f8 * g4, ee7 = f6 * g8 + f8 * g6, ee8 = f8 * g8;
  const oo0 = f1 * g1, oo1 = f1 * g3 + f3 * g1, oo2 = f1 * g5 + f3 * g3 + f5 * g1, oo3 = f1 * g7 + f3 * g5 + f5 * g3 + f7 * g1, oo4 = f1 * g9 + f3 * g7 + f5 * g5 + f7 * g3 + f9 * g1, oo5 = f3 * g9 + f5 * g7 + f7 * g5 + f9 * g3, oo6 = f5 * g9 + f7 * g7 + f9 * g5, oo7 = f7 * g9 + f9 * g7, oo8 = f9 * g9;
  const ss0 = fs0 * gs0, ss1 = fs0 * gs1 + fs1 * gs0, ss2 = fs0 * gs2 + fs1 * gs1 + fs2 * gs0, ss3 = fs0 * gs3 + fs1 * gs2 + fs2 * gs1 + fs3 * gs0, ss4 = fs0 * gs4 + fs1 * gs3 + fs2 * gs2 + fs3 * gs1 + fs4 * gs0, ss5 = fs1 * gs4 + fs2 * gs3 + fs3 * gs2 + fs4 * gs1, ss6 = fs2 * gs4 + fs3 * gs3 + fs4 * gs2, ss7 = fs3 * gs4 + fs4 * gs3, ss8 = fs4 * gs4;
  const m0 = ss0 - ee0 - oo0, m1 = ss1 - ee1 - oo1, m2 = ss2 - ee2 - oo2, m3 = ss3 - ee3 - oo3, m4 = ss4 - ee4 - oo4, m5 = ss5 - ee5 - oo5, m6 = ss6 - ee6 - oo6, m7 = ss7 - ee7 - oo7, m8 = ss8 - ee8 - oo8;
  let h0 = ee0 + 19 * (ee5 + 2 * oo4);
  let h1 = m0 + 19 * m5;
  let h2 = ee1 + 2 * oo0 + 19 * (ee6 + 2 * oo5);
  let h3 = m1 + 19 * m6;
  let h4 = ee2 + 2 * oo1 + 19 * (ee7 + 2 * oo6);
  let h5 = m2 + 19 * m7;
  let h6 = ee3 + 2 * oo2 + 19 * (ee8 + 2 * oo7);
  let h7 = m3 + 19 * m8;
  let h8 = ee4 + 2 * oo3 + 19 * (2 * oo8);
  let h9 = m4;
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = (a − b) · (u − v). */
export function feMulDiffDiff(h: usize, a: usize, b: usize, u: usize, v: usize): void {
  const f0 = load<i64>(a, 0) - load<i64>(b, 0), f1 = load<i64>(a, 8) - load<i64>(b, 8), f2 = load<i64>(a, 16) - load<i64>(b, 16), f3 = load<i64>(a, 24) - load<i64>(b, 24), f4 = load<i64>(a, 32) - load<i64>(b, 32), f5 = load<i64>(a, 40) - load<i64>(b, 40), f6 = load<i64>(a, 48) - load<i64>(b, 48), f7 = load<i64>(a, 56) - load<i64>(b, 56), f8 = load<i64>(a, 64) - load<i64>(b, 64), f9 = load<i64>(a, 72) - load<i64>(b, 72);
  const g0 = load<i64>(u, 0) - load<i64>(v, 0), g1 = load<i64>(u, 8) - load<i64>(v, 8), g2 = load<i64>(u, 16) - load<i64>(v, 16), g3 = load<i64>(u, 24) - load<i64>(v, 24), g4 = load<i64>(u, 32) - load<i64>(v, 32), g5 = load<i64>(u, 40) - load<i64>(v, 40), g6 = load<i64>(u, 48) - load<i64>(v, 48), g7 = load<i64>(u, 56) - load<i64>(v, 56), g8 = load<i64>(u, 64) - load<i64>(v, 64), g9 = load<i64>(u, 72) - load<i64>(v, 72);
  const fs0 = f0 + f1, fs1 = f2 + f3, fs2 = f4 + f5, fs3 = f6 + f7, fs4 = f8 + f9;
  const gs0 = g0 + g1, gs1 = g2 + g3, gs2 = g4 + g5, gs3 = g6 + g7, gs4 = g8 + g9;
  const ee0 = f0 * g0, ee1 = f0 * g2 + f2 * g0, ee2 = f0 * g4 + f2 * g2 + f4 * g0, ee3 = f0 * g6 + f2 * g4 + f4 * g2 + f6 * g0, ee4 = f0 * g8 + f2 * g6 + f4 * g4 + f6 * g2 + f8 * g0, ee5 = f2 * g8 + f4 * g6 + f6 * g4 + f8 * g2, ee6 = f4 * g8 + f6 * g6 + f8 * g4, ee7 = f6 * g8 + f8 * g6, ee8 = f8 * g8;
  const oo0 = f1 * g1, oo1 = f1 * g3 + f3 * g1, oo2 = f1 * g5 + f3 * g3 + f5 * g1, oo3 = f1 * g7 + f3 * g5 + f5 * g3 + f7 * g1, oo4 = f1 * g9 + f3 * g7 + f5 * g5 + f7 * g3 + f9 * g1, oo5 = f3 * g9 + f5 * g7 + f7 * g5 + f9 * g3, oo6 = f5 * g9 + f7 * g7 + f9 * g5, oo7 = f7 * g9 + f9 * g7, oo8 = f9 * g9;
  const ss0 = fs0 * gs0, ss1 = fs0 * gs1 + fs1 * gs0, ss2 = fs0 * gs2 + fs1 * gs1 + fs2 * gs0, ss3 = fs0 * gs3 + fs1 * gs2 + fs2 * gs1 + fs3 * gs0, ss4 = fs0 * gs4 + fs1 * gs3 + fs2 * gs2 + fs3 * gs1 + fs4 * gs0, ss5 = fs1 * gs4 + fs2 * gs3 + fs3 * gs2 + fs4 * gs1, ss6 = fs2 * gs4 + fs3 * gs3 + fs4 * gs2, ss7 = fs3 * gs4 + fs4 * gs3, ss8 = fs4 * gs4;
  const m0 = ss0 - ee0 - oo0, m1 = ss1 - ee1 - oo1, m2 = ss2 - ee2 - oo2, m3 = ss3 - ee3 - oo3, m4 = ss4 - ee4 - oo4, m5 = ss5 - ee5 - oo5, m6 = ss6 - ee6 - oo6, m7 = ss7 - ee7 - oo7, m8 = ss8 - ee8 - oo8;
  let h0 = ee0 + 19 * (ee5 + 2 * oo4);
  let h1 = m0 + 19 * m5;
  let h2 = ee1 + 2 * oo0 + 19 * (ee6 + 2 * oo5);
  let h3 = m1 + 19 * m6;
  let h4 = ee2 + 2 * oo1 + 19 * (ee7 + 2 * oo6);
  let h5 = m2 + 19 * m7;
  let h6 = ee3 + 2 * oo2 + 19 * (ee8 + 2 * oo7);
  let h7 = m3 + 19 * m8;
  let h8 = ee4 + 2 * oo3 + 19 * (2 * oo8);
  let h9 = m4;
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = (a − b) · g. */
export function feMulDiff(h: usize, a: usize, b: usize, g: usize): void {
  const f0 = load<i64>(a, 0) - load<i64>(b, 0), f1 = load<i64>(a, 8) - load<i64>(b, 8), f2 = load<i64>(a, 16) - load<i64>(b, 16), f3 = load<i64>(a, 24) - load<i64>(b, 24), f4 = load<i64>(a, 32) - load<i64>(b, 32), f5 = load<i64>(a, 40) - load<i64>(b, 40), f6 = load<i64>(a, 48) - load<i64>(b, 48), f7 = load<i64>(a, 56) - load<i64>(b, 56), f8 = load<i64>(a, 64) - load<i64>(b, 64), f9 = load<i64>(a, 72) - load<i64>(b, 72);
  const g0 = load<i64>(g, 0), g1 = load<i64>(g, 8), g2 = load<i64>(g, 16), g3 = load<i64>(g, 24), g4 = load<i64>(g, 32), g5 = load<i64>(g, 40), g6 = load<i64>(g, 48), g7 = load<i64>(g, 56), g8 = load<i64>(g, 64), g9 = load<i64>(g, 72);
  const fs0 = f0 + f1, fs1 = f2 + f3, fs2 = f4 + f5, fs3 = f6 + f7, fs4 = f8 + f9;
  const gs0 = g0 + g1, gs1 = g2 + g3, gs2 = g4 + g5, gs3 = g6 + g7, gs4 = g8 + g9;
  const ee0 = f0 * g0, ee1 = f0 * g2 + f2 * g0, ee2 = f0 * g4 + f2 * g2 + f4 * g0, ee3 = f0 * g6 + f2 * g4 + f4 * g2 + f6 * g0, ee4 = f0 * g8 + f2 * g6 + f4 * g4 + f6 * g2 + f8 * g0, ee5 = f2 * g8 + f4 * g6 + f6 * g4 + f8 * g2, ee6 = f4 * g8 + f6 * g6 + f8 * g4, ee7 = f6 * g8 + f8 * g6, ee8 = f8 * g8;
  const oo0 = f1 * g1, oo1 = f1 * g3 + f3 * g1, oo2 = f1 * g5 + f3 * g3 + f5 * g1, oo3 = f1 * g7 + f3 * g5 + f5 * g3 + f7 * g1, oo4 = f1 * g9 + f3 * g7 + f5 * g5 + f7 * g3 + f9 * g1, oo5 = f3 * g9 + f5 * g7 + f7 * g5 + f9 * g3, oo6 = f5 * g9 + f7 * g7 + f9 * g5, oo7 = f7 * g9 + f9 * g7, oo8 = f9 * g9;
  const ss0 = fs0 * gs0, ss1 = fs0 * gs1 + fs1 * gs0, ss2 = fs0 * gs2 + fs1 * gs1 + fs2 * gs0, ss3 = fs0 * gs3 + fs1 * gs2 + fs2 * gs1 + fs3 * gs0, ss4 = fs0 * gs4 + fs1 * gs3 + fs2 * gs2 + fs3 * gs1 + fs4 * gs0, ss5 = fs1 * gs4 + fs2 * gs3 + fs3 * gs2 + fs4 * gs1, ss6 = fs2 * gs4 + fs3 * gs3 + fs4 * gs2, ss7 = fs3 * gs4 + fs4 * gs3, ss8 = fs4 * gs4;
  const m0 = ss0 - ee0 - oo0, m1 = ss1 - ee1 - oo1, m2 = ss2 - ee2 - oo2, m3 = ss3 - ee3 - oo3, m4 = ss4 - ee4 - oo4, m5 = ss5 - ee5 - oo5, m6 = ss6 - ee6 - oo6, m7 = ss7 - ee7 - oo7, m8 = ss8 - ee8 - oo8;
  let h0 = ee0 + 19 * (ee5 + 2 * oo4);
  let h1 = m0 + 19 * m5;
  let h2 = ee1 + 2 * oo0 + 19 * (ee6 + 2 * oo5);
  let h3 = m1 + 19 * m6;
  let h4 = ee2 + 2 * oo1 + 19 * (ee7 + 2 * oo6);
  let h5 = m2 + 19 * m7;
  let h6 = ee3 + 2 * oo2 + 19 * (ee8 + 2 * oo7);
  let h7 = m3 + 19 * m8;
  let h8 = ee4 + 2 * oo3 + 19 * (2 * oo8);
  let h9 = m4;
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = f · (u + v). */
export function feMulSum(h: usize, f: usize, u: usize, v: usize): void {
  const f0 = load<i64>(f, 0), f1 = load<i64>(f, 8), f2 = load<i64>(f, 16), f3 = load<i64>(f, 24), f4 = load<i64>(f, 32), f5 = load<i64>(f, 40), f6 = load<i64>(f, 48), f7 = load<i64>(f, 56), f8 = load<i64>(f, 64), f9 = load<i64>(f, 72);
  const g0 = load<i64>(u, 0) + load<i64>(v, 0), g1 = load<i64>(u, 8) + load<i64>(v, 8), g2 = load<i64>(u, 16) + load<i64>(v, 16), g3 = load<i64>(u, 24) + load<i64>(v, 24), g4 = load<i64>(u, 32) + load<i64>(v, 32), g5 = load<i64>(u, 40) + load<i64>(v, 40), g6 = load<i64>(u, 48) + load<i64>(v, 48), g7 = load<i64>(u, 56) + load<i64>(v, 56), g8 = load<i64>(u, 64) + load<i64>(v, 64), g9 = load<i64>(u, 72) + load<i64>(v, 72);
  const fs0 = f0 + f1, fs1 = f2 + f3, fs2 = f4 + f5, fs3 = f6 + f7, fs4 = f8 + f9;
  const gs0 = g0 + g1, gs1 = g2 + g3, gs2 = g4 + g5, gs3 = g6 + g7, gs4 = g8 + g9;
  const ee0 = f0 * g0, ee1 = f0 * g2 + f2 * g0, ee2 = f0 * g4 + f2 * g2 + f4 * g0, ee3 = f0 * g6 + f2 * g4 + f4 * g2 + f6 * g0, ee4 = f0 * g8 + f2 * g6 + f4 * g4 + f6 * g2 + f8 * g0, ee5 = f2 * g8 + f4 * g6 + f6 * g4 + f8 * g2, ee6 = f4 * g8 + f6 * g6 + f8 * g4, ee7 = f6 * g8 + f8 * g6, ee8 = f8 * g8;
  const oo0 = f1 * g1, oo1 = f1 * g3 + f3 * g1, oo2 = f1 * g5 + f3 * g3 + f5 * g1, oo3 = f1 * g7 + f3 * g5 + f5 * g3 + f7 * g1, oo4 = f1 * g9 + f3 * g7 + f5 * g5 + f7 * g3 + f9 * g1, oo5 = f3 * g9 + f5 * g7 + f7 * g5 + f9 * g3, oo6 = f5 * g9 + f7 * g7 + f9 * g5, oo7 = f7 * g9 + f9 * g7, oo8 = f9 * g9;
  const ss0 = fs0 * gs0, ss1 = fs0 * gs1 + fs1 * gs0, ss2 = fs0 * gs2 + fs1 * gs1 + fs2 * gs0, ss3 = fs0 * gs3 + fs1 * gs2 + fs2 * gs1 + fs3 * gs0, ss4 = fs0 * gs4 + fs1 * gs3 + fs2 * gs2 + fs3 * gs1 + fs4 * gs0, ss5 = fs1 * gs4 + fs2 * gs3 + fs3 * gs2 + fs4 * gs1, ss6 = fs2 * gs4 + fs3 * gs3 + fs4 * gs2, ss7 = fs3 * gs4 + fs4 * gs3, ss8 = fs4 * gs4;
  const m0 = ss0 - ee0 - oo0, m1 = ss1 - ee1 - oo1, m2 = ss2 - ee2 - oo2, m3 = ss3 - ee3 - oo3, m4 = ss4 - ee4 - oo4, m5 = ss5 - ee5 - oo5, m6 = ss6 - ee6 - oo6, m7 = ss7 - ee7 - oo7, m8 = ss8 - ee8 - oo8;
  let h0 = ee0 + 19 * (ee5 + 2 * oo4);
  let h1 = m0 + 19 * m5;
  let h2 = ee1 + 2 * oo0 + 19 * (ee6 + 2 * oo5);
  let h3 = m1 + 19 * m6;
  let h4 = ee2 + 2 * oo1 + 19 * (ee7 + 2 * oo6);
  let h5 = m2 + 19 * m7;
  let h6 = ee3 + 2 * oo2 + 19 * (ee8 + 2 * oo7);
  let h7 = m3 + 19 * m8;
  let h8 = ee4 + 2 * oo3 + 19 * (2 * oo8);
  let h9 = m4;
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = (a + b)². */
export function feSqSum(h: usize, a: usize, b: usize): void {
  const f0 = load<i64>(a, 0) + load<i64>(b, 0), f1 = load<i64>(a, 8) + load<i64>(b, 8), f2 = load<i64>(a, 16) + load<i64>(b, 16), f3 = load<i64>(a, 24) + load<i64>(b, 24), f4 = load<i64>(a, 32) + load<i64>(b, 32), f5 = load<i64>(a, 40) + load<i64>(b, 40), f6 = load<i64>(a, 48) + load<i64>(b, 48), f7 = load<i64>(a, 56) + load<i64>(b, 56), f8 = load<i64>(a, 64) + load<i64>(b, 64), f9 = load<i64>(a, 72) + load<i64>(b, 72);
  const f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9, f5_19 = 19 * f5, f6_19 = 19 * f6, f7_19 = 19 * f7, f8_19 = 19 * f8, f9_19 = 19 * f9;
  let h0 = f0 * f0 + f5_2 * f5_19 + 2 * (f1_2 * f9_19 + f2 * f8_19 + f3_2 * f7_19 + f4 * f6_19);
  let h1 = 2 * (f0 * f1 + f2 * f9_19 + f3 * f8_19 + f4 * f7_19 + f5 * f6_19);
  let h2 = f1_2 * f1 + f6 * f6_19 + 2 * (f0 * f2 + f3_2 * f9_19 + f4 * f8_19 + f5_2 * f7_19);
  let h3 = 2 * (f0 * f3 + f1 * f2 + f4 * f9_19 + f5 * f8_19 + f6 * f7_19);
  let h4 = f2 * f2 + f7_2 * f7_19 + 2 * (f0 * f4 + f1_2 * f3 + f5_2 * f9_19 + f6 * f8_19);
  let h5 = 2 * (f0 * f5 + f1 * f4 + f2 * f3 + f6 * f9_19 + f7 * f8_19);
  let h6 = f3_2 * f3 + f8 * f8_19 + 2 * (f0 * f6 + f1_2 * f5 + f2 * f4 + f7_2 * f9_19);
  let h7 = 2 * (f0 * f7 + f1 * f6 + f2 * f5 + f3 * f4 + f8 * f9_19);
  let h8 = f4 * f4 + f9_2 * f9_19 + 2 * (f0 * f8 + f1_2 * f7 + f2 * f6 + f3_2 * f5);
  let h9 = 2 * (f0 * f9 + f1 * f8 + f2 * f7 + f3 * f6 + f4 * f5);
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = (a − b)². */
export function feSqDiff(h: usize, a: usize, b: usize): void {
  const f0 = load<i64>(a, 0) - load<i64>(b, 0), f1 = load<i64>(a, 8) - load<i64>(b, 8), f2 = load<i64>(a, 16) - load<i64>(b, 16), f3 = load<i64>(a, 24) - load<i64>(b, 24), f4 = load<i64>(a, 32) - load<i64>(b, 32), f5 = load<i64>(a, 40) - load<i64>(b, 40), f6 = load<i64>(a, 48) - load<i64>(b, 48), f7 = load<i64>(a, 56) - load<i64>(b, 56), f8 = load<i64>(a, 64) - load<i64>(b, 64), f9 = load<i64>(a, 72) - load<i64>(b, 72);
  const f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9, f5_19 = 19 * f5, f6_19 = 19 * f6, f7_19 = 19 * f7, f8_19 = 19 * f8, f9_19 = 19 * f9;
  let h0 = f0 * f0 + f5_2 * f5_19 + 2 * (f1_2 * f9_19 + f2 * f8_19 + f3_2 * f7_19 + f4 * f6_19);
  let h1 = 2 * (f0 * f1 + f2 * f9_19 + f3 * f8_19 + f4 * f7_19 + f5 * f6_19);
  let h2 = f1_2 * f1 + f6 * f6_19 + 2 * (f0 * f2 + f3_2 * f9_19 + f4 * f8_19 + f5_2 * f7_19);
  let h3 = 2 * (f0 * f3 + f1 * f2 + f4 * f9_19 + f5 * f8_19 + f6 * f7_19);
  let h4 = f2 * f2 + f7_2 * f7_19 + 2 * (f0 * f4 + f1_2 * f3 + f5_2 * f9_19 + f6 * f8_19);
  let h5 = 2 * (f0 * f5 + f1 * f4 + f2 * f3 + f6 * f9_19 + f7 * f8_19);
  let h6 = f3_2 * f3 + f8 * f8_19 + 2 * (f0 * f6 + f1_2 * f5 + f2 * f4 + f7_2 * f9_19);
  let h7 = 2 * (f0 * f7 + f1 * f6 + f2 * f5 + f3 * f4 + f8 * f9_19);
  let h8 = f4 * f4 + f9_2 * f9_19 + 2 * (f0 * f8 + f1_2 * f7 + f2 * f6 + f3_2 * f5);
  let h9 = 2 * (f0 * f9 + f1 * f8 + f2 * f7 + f3 * f6 + f4 * f5);
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = (a − b)·(b + 121666·(a − b)): the ladder's z2 = E·(BB + 121666·E) with E = AA − BB. */
export function feMulDiffA24(h: usize, a: usize, b: usize): void {
  const f0 = load<i64>(a, 0) - load<i64>(b, 0), f1 = load<i64>(a, 8) - load<i64>(b, 8), f2 = load<i64>(a, 16) - load<i64>(b, 16), f3 = load<i64>(a, 24) - load<i64>(b, 24), f4 = load<i64>(a, 32) - load<i64>(b, 32), f5 = load<i64>(a, 40) - load<i64>(b, 40), f6 = load<i64>(a, 48) - load<i64>(b, 48), f7 = load<i64>(a, 56) - load<i64>(b, 56), f8 = load<i64>(a, 64) - load<i64>(b, 64), f9 = load<i64>(a, 72) - load<i64>(b, 72);
  let t0 = f0 * 121666, t1 = f1 * 121666, t2 = f2 * 121666, t3 = f3 * 121666, t4 = f4 * 121666, t5 = f5 * 121666, t6 = f6 * 121666, t7 = f7 * 121666, t8 = f8 * 121666, t9 = f9 * 121666;
  let k: i64;
  k = (t9 + (1 << 24)) >> 25; t0 += k * 19; t9 -= k << 25;
  k = (t1 + (1 << 24)) >> 25; t2 += k; t1 -= k << 25;
  k = (t3 + (1 << 24)) >> 25; t4 += k; t3 -= k << 25;
  k = (t5 + (1 << 24)) >> 25; t6 += k; t5 -= k << 25;
  k = (t7 + (1 << 24)) >> 25; t8 += k; t7 -= k << 25;
  k = (t0 + (1 << 25)) >> 26; t1 += k; t0 -= k << 26;
  k = (t2 + (1 << 25)) >> 26; t3 += k; t2 -= k << 26;
  k = (t4 + (1 << 25)) >> 26; t5 += k; t4 -= k << 26;
  k = (t6 + (1 << 25)) >> 26; t7 += k; t6 -= k << 26;
  k = (t8 + (1 << 25)) >> 26; t9 += k; t8 -= k << 26;
  const g0 = load<i64>(b, 0) + t0, g1 = load<i64>(b, 8) + t1, g2 = load<i64>(b, 16) + t2, g3 = load<i64>(b, 24) + t3, g4 = load<i64>(b, 32) + t4, g5 = load<i64>(b, 40) + t5, g6 = load<i64>(b, 48) + t6, g7 = load<i64>(b, 56) + t7, g8 = load<i64>(b, 64) + t8, g9 = load<i64>(b, 72) + t9;
  const fs0 = f0 + f1, fs1 = f2 + f3, fs2 = f4 + f5, fs3 = f6 + f7, fs4 = f8 + f9;
  const gs0 = g0 + g1, gs1 = g2 + g3, gs2 = g4 + g5, gs3 = g6 + g7, gs4 = g8 + g9;
  const ee0 = f0 * g0, ee1 = f0 * g2 + f2 * g0, ee2 = f0 * g4 + f2 * g2 + f4 * g0, ee3 = f0 * g6 + f2 * g4 + f4 * g2 + f6 * g0, ee4 = f0 * g8 + f2 * g6 + f4 * g4 + f6 * g2 + f8 * g0, ee5 = f2 * g8 + f4 * g6 + f6 * g4 + f8 * g2, ee6 = f4 * g8 + f6 * g6 + f8 * g4, ee7 = f6 * g8 + f8 * g6, ee8 = f8 * g8;
  const oo0 = f1 * g1, oo1 = f1 * g3 + f3 * g1, oo2 = f1 * g5 + f3 * g3 + f5 * g1, oo3 = f1 * g7 + f3 * g5 + f5 * g3 + f7 * g1, oo4 = f1 * g9 + f3 * g7 + f5 * g5 + f7 * g3 + f9 * g1, oo5 = f3 * g9 + f5 * g7 + f7 * g5 + f9 * g3, oo6 = f5 * g9 + f7 * g7 + f9 * g5, oo7 = f7 * g9 + f9 * g7, oo8 = f9 * g9;
  const ss0 = fs0 * gs0, ss1 = fs0 * gs1 + fs1 * gs0, ss2 = fs0 * gs2 + fs1 * gs1 + fs2 * gs0, ss3 = fs0 * gs3 + fs1 * gs2 + fs2 * gs1 + fs3 * gs0, ss4 = fs0 * gs4 + fs1 * gs3 + fs2 * gs2 + fs3 * gs1 + fs4 * gs0, ss5 = fs1 * gs4 + fs2 * gs3 + fs3 * gs2 + fs4 * gs1, ss6 = fs2 * gs4 + fs3 * gs3 + fs4 * gs2, ss7 = fs3 * gs4 + fs4 * gs3, ss8 = fs4 * gs4;
  const m0 = ss0 - ee0 - oo0, m1 = ss1 - ee1 - oo1, m2 = ss2 - ee2 - oo2, m3 = ss3 - ee3 - oo3, m4 = ss4 - ee4 - oo4, m5 = ss5 - ee5 - oo5, m6 = ss6 - ee6 - oo6, m7 = ss7 - ee7 - oo7, m8 = ss8 - ee8 - oo8;
  let h0 = ee0 + 19 * (ee5 + 2 * oo4);
  let h1 = m0 + 19 * m5;
  let h2 = ee1 + 2 * oo0 + 19 * (ee6 + 2 * oo5);
  let h3 = m1 + 19 * m6;
  let h4 = ee2 + 2 * oo1 + 19 * (ee7 + 2 * oo6);
  let h5 = m2 + 19 * m7;
  let h6 = ee3 + 2 * oo2 + 19 * (ee8 + 2 * oo7);
  let h7 = m3 + 19 * m8;
  let h8 = ee4 + 2 * oo3 + 19 * (2 * oo8);
  let h9 = m4;
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}
// GENERATED FIELD END

/** h = f^(2^n) (n ≥ 1). */
export function feSqn(h: usize, f: usize, n: i32): void {
  feSq(h, f);
  for (let i = 1; i < n; i++) feSq(h, h);
}

/** h = f with ref10's carry chain applied (limbs back to about ±2^25); f may be unreduced. */
export function feCarry(h: usize, f: usize): void {
  let h0 = load<i64>(f, 0), h1 = load<i64>(f, 8), h2 = load<i64>(f, 16), h3 = load<i64>(f, 24);
  let h4 = load<i64>(f, 32), h5 = load<i64>(f, 40), h6 = load<i64>(f, 48), h7 = load<i64>(f, 56);
  let h8 = load<i64>(f, 64), h9 = load<i64>(f, 72);
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0); store<i64>(h, h1, 8); store<i64>(h, h2, 16); store<i64>(h, h3, 24);
  store<i64>(h, h4, 32); store<i64>(h, h5, 40); store<i64>(h, h6, 48); store<i64>(h, h7, 56);
  store<i64>(h, h8, 64); store<i64>(h, h9, 72);
}

// Inversion by Bernstein–Yang "safegcd" divsteps (assembly/modinv.ts, shared with P-256): the input
// is carried and encoded canonically, inverted as a 256-bit integer mod p and decoded. About 2.5×
// faster than z^(p−2) (254 squarings, 11 multiplications).
const INV_T: usize = SCRATCH + 320;    // the carried input (80 bytes)
const INV_B: usize = SCRATCH + 400;    // its canonical encoding, then the inverse's (32 bytes)

/** out = 1/z mod p (0 for z ≡ 0); constant time (safegcd, see above). out may alias z. */
export function feInvert(out: usize, z: usize): void {
  // z may be an unreduced sum or difference (x25519Base inverts Z − Y): carry it first, since
  // feToBytes expects carried limbs.
  feCarry(INV_T, z);
  feToBytes(INV_B, INV_T);
  modInv(INV_B, MODINV_25519, MODINV_25519_INV30);
  feFromBytes(out, INV_B);
  memory.fill(INV_T, 0, 112);
  modInvWipeScratch();
}

/** out = z^((p−5)/8) = z^(2^252 − 3), for square roots (RFC 8032 §5.1.3 step 2). */
export function fePow22523(out: usize, z: usize): void {
  feSq(T0, z);                                  // 2
  feSqn(T1, T0, 2);                             // 8
  feMul(T1, z, T1);                             // 9
  feMul(T0, T0, T1);                            // 11
  feSq(T0, T0);                                 // 22
  feMul(T0, T1, T0);                            // 2^5 − 1
  feSqn(T1, T0, 5); feMul(T0, T1, T0);          // 2^10 − 1
  feSqn(T1, T0, 10); feMul(T1, T1, T0);         // 2^20 − 1
  feSqn(T2, T1, 20); feMul(T1, T2, T1);         // 2^40 − 1
  feSqn(T1, T1, 10); feMul(T0, T1, T0);         // 2^50 − 1
  feSqn(T1, T0, 50); feMul(T1, T1, T0);         // 2^100 − 1
  feSqn(T2, T1, 100); feMul(T1, T2, T1);        // 2^200 − 1
  feSqn(T1, T1, 50); feMul(T0, T1, T0);         // 2^250 − 1
  feSqn(T0, T0, 2);                             // 2^252 − 4
  feMul(out, T0, z);                            // 2^252 − 3
}

/**
 * Decodes 32 little-endian bytes, ignoring bit 255 (RFC 7748 §5: "implementations of X25519 MUST
 * mask the most significant bit in the final byte"; RFC 8032 §5.1.3 reads it as the sign of x).
 * Values in [p, 2^255) are accepted unreduced; callers that need canonical input check feIsCanonical.
 */
export function feFromBytes(h: usize, s: usize): void {
  const w0 = load<u64>(s, 0), w1 = load<u64>(s, 8), w2 = load<u64>(s, 16), w3 = load<u64>(s, 24);
  store<i64>(h, <i64>(w0 & 0x3ffffff), 0);
  store<i64>(h, <i64>((w0 >> 26) & 0x1ffffff), 8);
  store<i64>(h, <i64>(((w0 >> 51) | (w1 << 13)) & 0x3ffffff), 16);
  store<i64>(h, <i64>((w1 >> 13) & 0x1ffffff), 24);
  store<i64>(h, <i64>((w1 >> 38) & 0x3ffffff), 32);
  store<i64>(h, <i64>(w2 & 0x1ffffff), 40);
  store<i64>(h, <i64>((w2 >> 25) & 0x3ffffff), 48);
  store<i64>(h, <i64>(((w2 >> 51) | (w3 << 13)) & 0x1ffffff), 56);
  store<i64>(h, <i64>((w3 >> 12) & 0x3ffffff), 64);
  store<i64>(h, <i64>((w3 >> 38) & 0x1ffffff), 72);
}

/** 1 if the 32 bytes at s, bit 255 ignored, encode a value < p; else 0. Variable time (public input). */
export function feIsCanonical(s: usize): bool {
  const w3 = load<u64>(s, 24) & 0x7fffffffffffffff;
  if (w3 != 0x7fffffffffffffff || load<u64>(s, 16) != 0xffffffffffffffff || load<u64>(s, 8) != 0xffffffffffffffff) return true;
  return load<u64>(s, 0) < 0xffffffffffffffed;
}

/** Writes the canonical 32-byte encoding of h (fully reduced mod p; RFC 7748 §5 "encodeUCoordinate"). */
export function feToBytes(s: usize, h: usize): void {
  let h0 = load<i64>(h, 0), h1 = load<i64>(h, 8), h2 = load<i64>(h, 16), h3 = load<i64>(h, 24);
  let h4 = load<i64>(h, 32), h5 = load<i64>(h, 40), h6 = load<i64>(h, 48), h7 = load<i64>(h, 56);
  let h8 = load<i64>(h, 64), h9 = load<i64>(h, 72);
  // q = floor(h / p) ∈ {0, 1} for reduced h: computed from the carries of h + 19.
  let q: i64 = (19 * h9 + (1 << 24)) >> 25;
  q = (h0 + q) >> 26; q = (h1 + q) >> 25; q = (h2 + q) >> 26; q = (h3 + q) >> 25; q = (h4 + q) >> 26;
  q = (h5 + q) >> 25; q = (h6 + q) >> 26; q = (h7 + q) >> 25; q = (h8 + q) >> 26; q = (h9 + q) >> 25;
  // h − q·p = h + 19q − q·2^255: add 19q, carry exactly, drop bit 255.
  h0 += 19 * q;
  let c: i64;
  c = h0 >> 26; h1 += c; h0 -= c << 26;
  c = h1 >> 25; h2 += c; h1 -= c << 25;
  c = h2 >> 26; h3 += c; h2 -= c << 26;
  c = h3 >> 25; h4 += c; h3 -= c << 25;
  c = h4 >> 26; h5 += c; h4 -= c << 26;
  c = h5 >> 25; h6 += c; h5 -= c << 25;
  c = h6 >> 26; h7 += c; h6 -= c << 26;
  c = h7 >> 25; h8 += c; h7 -= c << 25;
  c = h8 >> 26; h9 += c; h8 -= c << 26;
  c = h9 >> 25; h9 -= c << 25;
  const u0 = <u64>h0, u1 = <u64>h1, u2 = <u64>h2, u3 = <u64>h3, u4 = <u64>h4;
  const u5 = <u64>h5, u6 = <u64>h6, u7 = <u64>h7, u8 = <u64>h8, u9 = <u64>h9;
  store<u64>(s, u0 | (u1 << 26) | (u2 << 51), 0);
  store<u64>(s, (u2 >> 13) | (u3 << 13) | (u4 << 38), 8);
  store<u64>(s, u5 | (u6 << 25) | (u7 << 51), 16);
  store<u64>(s, (u7 >> 13) | (u8 << 12) | (u9 << 38), 24);
}

const BYTES: usize = memory.data(32, 16);

/** 1 if h mod p is odd ("negative" in RFC 8032 §5.1.2), else 0. */
export function feIsNegative(h: usize): i64 {
  feToBytes(BYTES, h);
  const r = <i64>(load<u8>(BYTES) & 1);
  memory.fill(BYTES, 0, 32);
  return r;
}

/** 1 if h mod p ≠ 0, else 0; constant time. */
export function feIsNonzero(h: usize): i64 {
  feToBytes(BYTES, h);
  const d = load<u64>(BYTES, 0) | load<u64>(BYTES, 8) | load<u64>(BYTES, 16) | load<u64>(BYTES, 24);
  memory.fill(BYTES, 0, 32);
  return <i64>((d | (0 - d)) >> 63);
}
