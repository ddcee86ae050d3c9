// ML-KEM's ring arithmetic (FIPS 203 §4.3): the number-theoretic transform, its inverse and the
// base-case products over R_q = Z_q[X]/(X^256 + 1), q = 3329, on polynomials of 256 i16
// coefficients (512 bytes), eight to a v128.
//
// Multiplication by a constant z uses Barrett multiplication with i16x8.q15mulr_sat_s (the
// rounding high product, round(a·b / 2^15)): with z' = round(z · 2^15 / q),
//     a·z − q · round(a·z' / 2^15) ≡ a·z (mod q), and its absolute value is < q·(|a|/2^16 + 1/2) < q
// for every i16 a, so it fits in 16 bits and the two products may wrap (Becker, Hwang, Kannwischer,
// Yang, Yang, "Efficient Barrett multiplication for the NTT", TCHES 2022). Products of two variable
// polynomials accumulate pairs in i32 lanes with i32x4.dot_i16x8_s and are brought back to 16 bits
// by Montgomery reduction, which multiplies by 2^-16; the inverse NTT multiplies by 2^16 / 128 = 512
// instead of 1/128 to undo it (Algorithm 10's final step and the reduction's factor in one).
//
// Nothing here branches on or indexes by a coefficient: every loop bound and table index is public.

import {
  ZETAS, ZETAS_B, FWD4, FWD4_B, FWD2, FWD2_B, INV2, INV2_B, INV4, INV4_B, TWIST, TWIST_B,
} from "./tables";

export const Q: i32 = 3329;
/** q^-1 mod 2^16, for Montgomery reduction. */
const QINV: i32 = 62209;
/** round(2^15 / q): Barrett reduction is Barrett multiplication by 1. */
const ONE_B: i16 = 10;
/** 2^16 / 128 mod q = 512 (see above), and its companion. */
const F: i16 = 512;
const F_B: i16 = 5040;
/** ζ^BitRev7(1)·512 mod q = −1600·512 mod q (the last inverse layer's ζ with F folded in). */
const ZF: i16 = -266;
const ZF_B: i16 = -2618;

/** a·z mod q in (−q, q), z' = round(z · 2^15 / q) (Barrett multiplication, see above). */
// @ts-ignore: decorator
@inline export function bmul(a: v128, z: v128, zb: v128): v128 {
  return i16x8.sub(i16x8.mul(a, z), i16x8.mul(i16x8.q15mulr_sat_s(a, zb), i16x8.splat(<i16>Q)));
}

/** a mod q in (−q, q) for any i16 a. */
// @ts-ignore: decorator
@inline export function bred(a: v128): v128 {
  return i16x8.sub(a, i16x8.mul(i16x8.q15mulr_sat_s(a, i16x8.splat(ONE_B)), i16x8.splat(<i16>Q)));
}

/** The representative in [0, q) of a in (−q, q): adds q where the sign bit is set (a mask, no branch). */
// @ts-ignore: decorator
@inline export function canonical(a: v128): v128 {
  return i16x8.add(a, v128.and(i16x8.shr_s(a, 15), i16x8.splat(<i16>Q)));
}

/** Montgomery reduction of four i32 lanes: c · 2^-16 mod q, |result| ≤ (|c| + 2^15·q) / 2^16. */
// @ts-ignore: decorator
@inline function montgomery(c: v128): v128 {
  const t = i32x4.shr_s(i32x4.shl(i32x4.mul(c, i32x4.splat(QINV)), 16), 16);
  return i32x4.shr_s(i32x4.sub(c, i32x4.mul(t, i32x4.splat(Q))), 16);
}

/**
 * NTT(f) in place (Algorithm 9). Input coefficients |f| < q (or small noise); output in the
 * standard NTT order, reduced to (−q, q). Each layer adds less than q to a coefficient, so seven
 * layers stay below 8q < 2^15 without intermediate reductions.
 */
export function ntt(p: usize): void {
  let k: usize = 1;
  // len = 128 … 8 (in coefficients): butterflies between whole vectors, one ζ per block.
  for (let len: usize = 256; len >= 16; len >>= 1) { // in bytes
    for (let start: usize = 0; start < 512; start += len << 1) {
      const z = i16x8.splat(load<i16>(ZETAS + (k << 1))), zb = i16x8.splat(load<i16>(ZETAS_B + (k << 1)));
      k++;
      for (let j = start; j < start + len; j += 16) {
        const a = v128.load(p + j), b = v128.load(p + j + len);
        const t = bmul(b, z, zb);
        v128.store(p + j, i16x8.add(a, t));
        v128.store(p + j + len, i16x8.sub(a, t));
      }
    }
  }
  // len = 4 and 2 inside each pair of vectors (v0, v1): regroup the halves that meet, butterfly,
  // then put the coefficients back in order.
  for (let pr: usize = 0; pr < 512; pr += 32) {
    const v0 = v128.load(p + pr), v1 = v128.load(p + pr, 16);
    // len 4: [v0 c0..c3, v1 c0..c3] meet [v0 c4..c7, v1 c4..c7].
    const a = i64x2.shuffle(v0, v1, 0, 2), b = i64x2.shuffle(v0, v1, 1, 3);
    const t = bmul(b, v128.load(FWD4 + (pr >> 1)), v128.load(FWD4_B + (pr >> 1)));
    const a2 = i16x8.add(a, t), b2 = i16x8.sub(a, t);
    // len 2: pairs (c0 c1 | c2 c3) and (c4 c5 | c6 c7) of both vectors.
    const x = i32x4.shuffle(a2, b2, 0, 4, 2, 6), y = i32x4.shuffle(a2, b2, 1, 5, 3, 7);
    const u = bmul(y, v128.load(FWD2 + (pr >> 1)), v128.load(FWD2_B + (pr >> 1)));
    const x2 = bred(i16x8.add(x, u)), y2 = bred(i16x8.sub(x, u));
    v128.store(p + pr, i32x4.shuffle(x2, y2, 0, 4, 1, 5));
    v128.store(p + pr, i32x4.shuffle(x2, y2, 2, 6, 3, 7), 16);
  }
}

/** One Gentleman–Sande layer between vectors: a ← a + b (reduced if `reduce`), b ← ζ·(b − a). */
// @ts-ignore: decorator
@inline function invLayer(p: usize, len: usize, reduce: bool): void {
  // Algorithm 10: i runs down from 127; the blocks of this layer use i = 2·blocks − 1 − block.
  const blocks: usize = 256 / len; // len in bytes, so this is 128 / len-in-coefficients
  for (let blk: usize = 0; blk < blocks; blk++) {
    const i: usize = (blocks << 1) - 1 - blk;
    const z = i16x8.splat(load<i16>(ZETAS + (i << 1))), zb = i16x8.splat(load<i16>(ZETAS_B + (i << 1)));
    const start = blk * (len << 1);
    for (let j = start; j < start + len; j += 16) {
      const a = v128.load(p + j), b = v128.load(p + j + len);
      const s = i16x8.add(a, b);
      v128.store(p + j, reduce ? bred(s) : s);
      v128.store(p + j + len, bmul(i16x8.sub(b, a), z, zb));
    }
  }
}

/**
 * NTT^-1(f) · 2^16 in place (Algorithm 10, with 512 in place of 128^-1: the inputs come from
 * basemulAcc, which left a factor 2^-16). Input |f| < q; output in (−q, q). Sums double per
 * layer, so they are reduced after the len = 8 and len = 64 layers (at most 8q < 2^15 before).
 */
export function invntt(p: usize): void {
  for (let pr: usize = 0; pr < 512; pr += 32) {
    const v0 = v128.load(p + pr), v1 = v128.load(p + pr, 16);
    // len 2: (c0 c1 | c2 c3) and (c4 c5 | c6 c7) of both vectors.
    const x = i32x4.shuffle(v0, v1, 0, 2, 4, 6), y = i32x4.shuffle(v0, v1, 1, 3, 5, 7);
    const x2 = i16x8.add(x, y);
    const y2 = bmul(i16x8.sub(y, x), v128.load(INV2 + (pr >> 1)), v128.load(INV2_B + (pr >> 1)));
    // len 4: (c0..c3 | c4..c7) of both vectors.
    const a = i32x4.shuffle(x2, y2, 0, 4, 2, 6), b = i32x4.shuffle(x2, y2, 1, 5, 3, 7);
    const a2 = i16x8.add(a, b);
    const b2 = bmul(i16x8.sub(b, a), v128.load(INV4 + (pr >> 1)), v128.load(INV4_B + (pr >> 1)));
    v128.store(p + pr, i64x2.shuffle(a2, b2, 0, 2));
    v128.store(p + pr, i64x2.shuffle(a2, b2, 1, 3), 16);
  }
  invLayer(p, 16, true);   // len 8: sums < 8q, reduced
  invLayer(p, 32, false);  // len 16
  invLayer(p, 64, false);  // len 32
  invLayer(p, 128, true);  // len 64: sums < 8q, reduced
  // len 128 with the final factor folded in: a ← (a + b)·F, b ← (b − a)·ζ_1·F.
  const z = i16x8.splat(ZF), zb = i16x8.splat(ZF_B);
  const f = i16x8.splat(F), fb = i16x8.splat(F_B);
  for (let j: usize = 0; j < 256; j += 16) {
    const a = v128.load(p + j), b = v128.load(p + j + 256);
    v128.store(p + j, bmul(i16x8.add(a, b), f, fb));
    v128.store(p + j + 256, bmul(i16x8.sub(b, a), z, zb));
  }
}

/**
 * Prepares b (in NTT form, |b| < q) for basemulAcc: tw = [b0, b1·γ_i] for each coefficient pair i
 * (the even lanes are multiplied by 1, which only reduces them).
 */
export function twist(tw: usize, b: usize): void {
  for (let j: usize = 0; j < 512; j += 16) {
    v128.store(tw + j, bmul(v128.load(b + j), v128.load(TWIST + j), v128.load(TWIST_B + j)));
  }
}

/**
 * out = (a_0 ∘ b_0 + a_1 ∘ b_1 + a_2 ∘ b_2) · 2^-16 in the NTT domain (Algorithms 11 and 12): for each
 * pair i, c0 = a0·b0 + a1·b1·γ_i and c1 = a0·b1 + a1·b0, as two dot products per pair — with the
 * twisted b (tw = [b0, b1·γ_i]) and with b's pair swapped ([b1, b0]). b_j and tw_j are the three
 * polynomials at b and tw (512 bytes apart). Bounds: |a| < 2^12 and |b|, |tw| < q keep each i32 sum
 * below 6·2^12·q < 2^27, and the result below q/2 + 2^11 < q.
 */
export function basemulAcc(out: usize, a0: usize, a1: usize, a2: usize, b: usize, tw: usize): void {
  for (let j: usize = 0; j < 512; j += 16) {
    let x = v128.load(a0 + j), t = v128.load(tw + j), s = v128.load(b + j);
    let c0 = i32x4.dot_i16x8_s(x, t);
    let c1 = i32x4.dot_i16x8_s(x, i16x8.shuffle(s, s, 1, 0, 3, 2, 5, 4, 7, 6));
    x = v128.load(a1 + j); t = v128.load(tw + j, 512); s = v128.load(b + j, 512);
    c0 = i32x4.add(c0, i32x4.dot_i16x8_s(x, t));
    c1 = i32x4.add(c1, i32x4.dot_i16x8_s(x, i16x8.shuffle(s, s, 1, 0, 3, 2, 5, 4, 7, 6)));
    x = v128.load(a2 + j); t = v128.load(tw + j, 1024); s = v128.load(b + j, 1024);
    c0 = i32x4.add(c0, i32x4.dot_i16x8_s(x, t));
    c1 = i32x4.add(c1, i32x4.dot_i16x8_s(x, i16x8.shuffle(s, s, 1, 0, 3, 2, 5, 4, 7, 6)));
    const n = i16x8.narrow_i32x4_s(montgomery(c0), montgomery(c1));
    v128.store(out + j, i16x8.shuffle(n, n, 0, 4, 1, 5, 2, 6, 3, 7));
  }
}
