// P-256 group arithmetic (SEC 2 §2.4.2: y² = x³ − 3x + b over F_p). Points handed between functions
// are homogeneous projective (X : Y : Z), x = X/Z, y = Y/Z, affine points 2 field elements (x | y),
// every coordinate in Montgomery form (field.ts); the identity is (0 : 1 : 0). Tables of multiples are
// built with the complete formulas of Renes–Costello–Batina 2016 ("Complete addition formulas for
// prime order elliptic curves", eprint 2015/1060, Algorithms 4 and 6, a = −3), then made affine.
//
// The scalar multiplications run in Jacobian coordinates (x = X/Z², y = Y/Z³): doublings (4M + 4S)
// and mixed additions of affine table entries (8M + 3S) are much cheaper there, but not complete.
// The constant-time ones (pointMulCt, baseMulCt) mask the identity and prove the other exceptional
// cases (P = ±Q) impossible for scalars in [1, n − 1]; verification (pointMulDoubleVartime, public
// data) branches on them. Secret scalars go through the *Ct functions only: fixed windows, tables
// read by scanning every entry with masks, no branch on a digit.

import {
  FE, FP_ONE, fpMul, fpSqr, fpAdd, fpAddMulSmall, fpSub, fpSub2, fpMulSmall, fpCopy, fpCmov, fpIsZero, fpEqual, fpFromBytes, fpToBytes,
  fpInv, fpSqrt, fpIsOdd, fpCanon, fpWipeScratch,
} from "./field";
import { BASE_TABLE, BASE_ROW, G_ODD, G_AFFINE } from "./base-table";

export const POINT: usize = 3 * FE;
export const AFFINE: usize = 2 * FE;

// b in Montgomery form (b·2^261 mod p, 29-bit limbs).
const B_MONT: usize = memory.data<u32>([
  0x1897bbfb, 0x1cdf6229, 0x018486c4, 0x01732821, 0x1dad59e0, 0x0abf7212, 0x1a06d110, 0x17721d20, 0x008600c3, 0,
]);

// Formula temporaries (9 field elements) and scalar-multiplication state. Secret-bearing: wiped by
// pointWipeScratch.
const T: usize = memory.data(9 * 40, 16);
const WTABLE: usize = memory.data(16 * 120, 16);   // 1·P … 16·P (projective) while building the affine tables
const WAFF: usize = memory.data(16 * 80, 16);      // 1·P … 16·P (affine) for the variable-base windows
const DIGITS: usize = memory.data(52 * 4, 16);     // signed base-32 digits of the scalar
const NAF_G: usize = memory.data(257, 16);         // verification's wNAF digits (public)
const NAF_P: usize = memory.data(257, 16);
const ACC: usize = memory.data(120, 16);
const SAVE: usize = memory.data(120, 16);
const AFF: usize = memory.data(80, 16);
const ZERO: usize = memory.data(40, 16);
const MASKS: usize = memory.data(16 * 16, 16);     // ctLookup's per-entry masks (secret: which entry)

/** r = the identity (0 : 1 : 0). */
export function pointSetIdentity(r: usize): void {
  memory.fill(r, 0, FE);
  fpCopy(r + FE, FP_ONE);
  memory.fill(r + 2 * FE, 0, FE);
}

/** r = (x : y : 1) from an affine point. */
export function pointFromAffine(r: usize, a: usize): void {
  memory.copy(r, a, 2 * FE);
  fpCopy(r + 2 * FE, FP_ONE);
}

/** 1 if p is the identity (Z = 0), else 0. */
export function pointIsIdentity(p: usize): u32 {
  return fpIsZero(p + 2 * FE);
}

// Shared tail of Algorithms 4 and 5 (steps 19–43 / 12–36), from the products
// xx = X1X2, yy = Y1Y2, zz = Z1Z2, and the cross sums xy = X1Y2 + X2Y1, yz = Y1Z2 + Y2Z1,
// xz = X1Z2 + X2Z1, held in T0..T5.
function addTail(r: usize): void {
  const xx = T, yy = T + FE, zz = T + 2 * FE, xy = T + 3 * FE, yz = T + 4 * FE, xz = T + 5 * FE;
  const u = T + 6 * FE, v = T + 7 * FE, w = T + 8 * FE;
  fpMul(u, B_MONT, zz);          // b·zz
  fpSub(u, xz, u);               // xz − b·zz
  fpMulSmall(u, u, 3);
  fpSub(v, yy, u);               // yy − 3(xz − b·zz)
  fpAdd(yy, yy, u);              // yy + 3(xz − b·zz)           (yy is dead after this)
  fpMulSmall(zz, zz, 3); // zz3 = 3·zz
  fpMul(xz, B_MONT, xz);         // b·xz
  fpSub(xz, xz, zz);
  fpSub(xz, xz, xx);             // b·xz − 3zz − xx
  fpMulSmall(xz, xz, 3); // bxz3 = 3(b·xz − 3zz − xx)
  fpMulSmall(xx, xx, 3);
  fpSub(xx, xx, zz);             // 3xx − 3zz
  // X3 = yy_p·xy − yz·bxz3; Y3 = yy_p·yy_m + xx3_m_zz3·bxz3; Z3 = yy_m·yz + xy·xx3_m_zz3
  fpMul(u, yy, xy);
  fpMul(w, yz, xz);
  fpSub(r, u, w);
  fpMul(u, yy, v);
  fpMul(w, xx, xz);
  fpAdd(r + FE, u, w);
  fpMul(u, v, yz);
  fpMul(w, xy, xx);
  fpAdd(r + 2 * FE, u, w);
}

/** r = p + q (Algorithm 4). r may alias p or q. */
export function pointAdd(r: usize, p: usize, q: usize): void {
  const xx = T, yy = T + FE, zz = T + 2 * FE, xy = T + 3 * FE, yz = T + 4 * FE, xz = T + 5 * FE;
  const u = T + 6 * FE, v = T + 7 * FE;
  fpMul(xx, p, q);
  fpMul(yy, p + FE, q + FE);
  fpMul(zz, p + 2 * FE, q + 2 * FE);
  fpAdd(u, p, p + FE); fpAdd(v, q, q + FE); fpMul(xy, u, v);
  fpSub(xy, xy, xx); fpSub(xy, xy, yy);
  fpAdd(u, p + FE, p + 2 * FE); fpAdd(v, q + FE, q + 2 * FE); fpMul(yz, u, v);
  fpSub(yz, yz, yy); fpSub(yz, yz, zz);
  fpAdd(u, p, p + 2 * FE); fpAdd(v, q, q + 2 * FE); fpMul(xz, u, v);
  fpSub(xz, xz, xx); fpSub(xz, xz, zz);
  addTail(r);
}

/** r = 2p (Algorithm 6). r may alias p. */
export function pointDouble(r: usize, p: usize): void {
  const xx = T, yy = T + FE, zz = T + 2 * FE, xy2 = T + 3 * FE, xz2 = T + 4 * FE, yz2 = T + 5 * FE;
  const u = T + 6 * FE, v = T + 7 * FE, w = T + 8 * FE;
  fpSqr(xx, p);
  fpSqr(yy, p + FE);
  fpSqr(zz, p + 2 * FE);
  fpMul(xy2, p, p + FE); fpAdd(xy2, xy2, xy2);
  fpMul(xz2, p, p + 2 * FE); fpAdd(xz2, xz2, xz2);
  fpMul(yz2, p + FE, p + 2 * FE); fpAdd(yz2, yz2, yz2);
  fpMul(u, B_MONT, zz); fpSub(u, u, xz2);          // b·zz − 2xz
  fpMulSmall(u, u, 3);                              // ·3
  fpSub(v, yy, u);                                  // yy_m = yy − 3(…)
  fpAdd(u, yy, u);                                  // yy_p = yy + 3(…)
  fpMul(w, u, v);                                   // y_frag = yy_p·yy_m
  fpMul(u, v, xy2);                                 // x_frag = yy_m·2xy
  fpMulSmall(zz, zz, 3);                            // zz3
  fpMul(xz2, B_MONT, xz2); fpSub(xz2, xz2, zz); fpSub(xz2, xz2, xx); // b·2xz − 3zz − xx
  fpMulSmall(xz2, xz2, 3);                          // bxz6
  fpMulSmall(xx, xx, 3); fpSub(xx, xx, zz);         // 3xx − 3zz
  fpMul(xx, xx, xz2); fpAdd(r + FE, w, xx);         // Y3 = y_frag + (3xx − 3zz)·bxz6
  fpMul(xz2, xz2, yz2); fpSub(r, u, xz2);           // X3 = x_frag − bxz6·2yz
  fpMul(yz2, yz2, yy); fpMulSmall(r + 2 * FE, yz2, 4); // Z3 = 4·2yz·yy
}

// One doubling in Jacobian coordinates (x = X/Z², y = Y/Z³), dbl-2001-b for a = −3 (Bernstein–Lange
// EFD) with Z3 = 2YZ: 4M + 4S against 8M + 3S + 2·m_b for Algorithm 6. Valid for every input on P-256, which has no
// point of order 2; Z = 0 (the identity) stays Z = 0.
function jacobianDouble(p: usize): void {
  const X = p, Y = p + FE, Z = p + 2 * FE;
  const delta = T, gamma = T + FE, beta = T + 2 * FE, alpha = T + 3 * FE, t = T + 4 * FE;
  fpSqr(delta, Z);
  fpSqr(gamma, Y);
  fpMul(beta, X, gamma);
  fpSub(t, X, delta); fpAddMulSmall(alpha, X, delta, 3);
  fpMul(alpha, t, alpha);                      // α = 3(X − δ)(X + δ)
  fpMul(Z, Y, Z); fpAdd(Z, Z, Z);              // Z3 = 2YZ (= (Y + Z)² − γ − δ, cheaper here)
  fpMulSmall(beta, beta, 4);                   // 4β
  fpSqr(X, alpha); fpSub2(X, X, beta);         // X3 = α² − 8β
  fpSub(t, beta, X); fpMul(t, alpha, t);
  fpSqr(gamma, gamma); fpMulSmall(gamma, gamma, 8);
  fpSub(Y, t, gamma);                          // Y3 = α(4β − X3) − 8γ²
}

// Mixed addition in Jacobian coordinates, p ← p + a for an affine a: add-2004-hmv (Bernstein–Lange
// EFD), 8M + 3S, in two halves so that verification can look at H = U2 − X1 and R = S2 − Y1 in between.
// Not complete: p must not be the identity and p ≠ ±a (H ≠ 0). Where that cannot be ruled out the
// caller handles it: baseMulCt by masks (see there), pointMulDoubleVartime by branches on public data.
const MH: usize = T + 5 * FE, MR: usize = T + 6 * FE;

/** First half: MH = x_a·Z1² − X1, MR = y_a·Z1³ − Y1. */
function maddBegin(p: usize, a: usize): void {
  const t = T;
  fpSqr(t, p + 2 * FE);
  fpMul(MR, t, p + 2 * FE);
  fpMul(MH, t, a);
  fpMul(MR, MR, a + FE);
  fpSub(MH, MH, p);
  fpSub(MR, MR, p + FE);
}

/** Second half: X3 = R² − H³ − 2·X1·H², Y3 = R·(X1·H² − X3) − Y1·H³, Z3 = Z1·H. */
function maddEnd(p: usize): void {
  const h2 = T, h3 = T + FE, y1h3 = T + 2 * FE;
  fpMul(p + 2 * FE, p + 2 * FE, MH);
  fpSqr(h2, MH);
  fpMul(h3, h2, MH);
  fpMul(h2, h2, p);
  fpMul(y1h3, p + FE, h3);
  fpSqr(p, MR);
  fpSub(p, p, h3);
  fpSub2(p, p, h2);
  fpSub(h2, h2, p);
  fpMul(h2, h2, MR);
  fpSub(p + FE, h2, y1h3);
}

/** Jacobian (X, Y, Z) at p to projective (X·Z : Y : Z³) in place (same point; Z = 0 stays Z = 0). */
function jacobianToProjective(p: usize): void {
  const t = T;
  fpSqr(t, p + 2 * FE);
  fpMul(p, p, p + 2 * FE);
  fpMul(p + 2 * FE, t, p + 2 * FE);
}

/** r = a when mask is all ones, unchanged when zero. */
function pointCmov(r: usize, a: usize, mask: u64): void {
  fpCmov(r, a, mask); fpCmov(r + FE, a + FE, mask); fpCmov(r + 2 * FE, a + 2 * FE, mask);
}

/**
 * out = table[idx] (entries of `size` bytes, a multiple of 8, `count` of them), reading every entry;
 * 0 if idx ≥ count. 16 bytes at a time (v128 masks), an 8-byte tail when size is not a multiple of 16.
 */
function ctLookup(out: usize, table: usize, count: u32, size: usize, idx: u32): void {
  for (let i: u32 = 0; i < count; i++) {
    const x = i ^ idx;
    v128.store(MASKS + (<usize>i << 4), i32x4.splat(0 - (((x | (0 - x)) >>> 31) ^ 1))); // all ones iff i = idx
  }
  // Column by column, so the accumulator stays in a register across the entries.
  let k: usize = 0;
  for (; k + 16 <= size; k += 16) {
    let acc = i64x2.splat(0);
    let e = table + k;
    for (let i: u32 = 0; i < count; i++) {
      acc = v128.or(acc, v128.and(v128.load(e), v128.load(MASKS + (<usize>i << 4))));
      e += size;
    }
    v128.store(out + k, acc);
  }
  if (k < size) {
    let acc: u64 = 0;
    let e = table + k;
    for (let i: u32 = 0; i < count; i++) {
      acc |= load<u64>(e) & load<u64>(MASKS + (<usize>i << 4));
      e += size;
    }
    store<u64>(out + k, acc);
  }
}

/**
 * Recodes the 32-byte big-endian scalar k into 52 signed base-32 digits d_i ∈ [−16, 16] with
 * k = Σ d_i·32^i, into DIGITS (i32, least significant first), without branches on k: a 5-bit window
 * w plus the incoming carry becomes w − 32 with carry 1 when above 16.
 */
function recode5(k: usize): void {
  let carry: u32 = 0;
  for (let i: u32 = 0; i < 52; i++) {
    const bit = 5 * i, j = bit >> 3; // byte j from the least significant end (public positions)
    let x = <u32>load<u8>(k + 31 - <usize>j);
    if (j < 31) x |= <u32>load<u8>(k + 30 - <usize>j) << 8;
    const w = ((x >>> (bit & 7)) & 31) + carry;
    carry = (16 - w) >>> 31;
    store<i32>(DIGITS + 4 * <usize>i, <i32>w - <i32>(carry << 5));
  }
}

/**
 * One constant-time digit step of the fixed-window multiplications: ACC (Jacobian) ← ACC + d·E for a
 * signed digit d ∈ [−16, 16] and a row of 16 affine entries 1·E … 16·E. The entry for |d| is read by
 * ctLookup and negated by mask; for d = 0 nothing matches, the sum is computed anyway and discarded by
 * a select. `inf` is all ones while ACC is the identity (every digit so far was 0); then the entry
 * itself (Z = 1) is selected instead of the mixed addition's result. Returns the new `inf`. The caller
 * must exclude ACC = ±d·E (see baseMulCt and pointMulCt for why it cannot happen there).
 */
function ctAddDigit(row: usize, d: i32, inf: u64): u64 {
  const neg = <u32>d >>> 31;
  const abs = (<u32>d ^ (0 - neg)) + neg;
  const zero: u64 = 0 - <u64>(((abs | (0 - abs)) >>> 31) ^ 1); // all ones iff d = 0
  ctLookup(AFF, row, 16, AFFINE, abs - 1);
  fpSub(T, ZERO, AFF + FE);
  fpCmov(AFF + FE, T, 0 - <u64>neg);
  memory.copy(SAVE, ACC, POINT);
  maddBegin(ACC, AFF);
  maddEnd(ACC);
  fpCmov(ACC, AFF, inf); fpCmov(ACC + FE, AFF + FE, inf); fpCmov(ACC + 2 * FE, FP_ONE, inf);
  pointCmov(ACC, SAVE, zero);
  return inf & zero;
}

/**
 * out[j] = (j+1)·p for j < 16, affine (80 bytes each), from the projective point p ≠ identity: complete
 * projective formulas into WTABLE (which keeps them: WTABLE[15] = 16·p), then one inversion.
 */
function multiplesAffine(out: usize, p: usize): void {
  memory.copy(WTABLE, p, POINT);
  for (let j: usize = 1; j < 16; j++) {
    if (j & 1) pointDouble(WTABLE + j * POINT, WTABLE + (j >> 1) * POINT); // (j+1)·p = 2·((j+1)/2)·p
    else pointAdd(WTABLE + j * POINT, WTABLE + (j - 1) * POINT, p);
  }
  batchToAffine(out, WTABLE, 16);
}

/**
 * r = k·p for a secret scalar k in [1, n − 1] and a point p ≠ identity: signed 5-bit windows from
 * the top over the affine table 1·p … 16·p (complete projective formulas, then one inversion), ×32
 * by five Jacobian doublings and one ctAddDigit per window, so neither branches nor addresses depend
 * on k. r is projective. The mixed addition's exceptional case ACC = ±d_i·p cannot occur: with
 * s = Σ_{j>i} d_j·32^(j−i−1) ≥ 0 the accumulator is 32s·p, and 32s ≡ ±d_i (mod n) needs, for
 * i ≥ 1 (32s < n/32 + 17), 32s = |d_i| ≤ 16, i.e. s = 0 (the identity, masked) and d_i = 0; for
 * i = 0, 32s = k − d_0 ≤ n + 16 leaves 32s = n ± d_0, i.e. k = n or k = n + 2·d_0 with
 * n + d_0 ≡ 0 (mod 32), which needs d_0 = 15 (n ≡ 17 mod 32): k = n + 30. Neither is below n.
 */
export function pointMulCt(r: usize, p: usize, k: usize): void {
  multiplesAffine(WAFF, p);
  recode5(k);
  pointSetIdentity(ACC);
  let inf = ctAddDigit(WAFF, load<i32>(DIGITS + 4 * 51), 0xffffffffffffffff);
  for (let i: i32 = 50; i >= 0; i--) {
    for (let b = 0; b < 5; b++) jacobianDouble(ACC);
    inf = ctAddDigit(WAFF, load<i32>(DIGITS + 4 * <usize>i), inf);
  }
  jacobianToProjective(ACC);
  memory.copy(r, ACC, POINT);
}

/**
 * r = k·G for a secret k in [1, n − 1]: comb over BASE_TABLE with the signed base-32 digits of k,
 * one Jacobian mixed addition per digit and no doublings. The entry for |d| is read by ctLookup and
 * negated by mask. The mixed addition is not complete, so its exceptional cases are excluded or masked:
 * - the accumulator is the identity exactly while every digit so far was 0 (|d_j| ≤ 16 < 32, so
 *   Σ d_j·32^j = 0 only when all are 0): a mask tracks that, and selects the looked-up entry (Z = 1)
 *   instead of the sum;
 * - d = 0: nothing matches in the lookup, the sum is computed anyway and discarded by a select;
 * - ACC = ±entry (H = 0): ACC = s·G with |s| = |Σ_{j<i} d_j·32^j| < 0.52·32^i and the entry is
 *   d_i·32^i·G with 1 ≤ |d_i| ≤ 16, so s ∓ d_i·32^i lies strictly between 0.48·32^i and 16.52·32^i
 *   in absolute value: not a multiple of n for i ≤ 50 (16.52·2^250 < n). For the top digit i = 51
 *   (32^51 = 2^255), k < n < 2^256 gives d_51 ∈ {0, 1, 2}, and s ≡ ±d·2^255 (mod n) with |s| <
 *   0.52·2^255 leaves only s = 2^256 − n or s = n − 2^256 (d = 2), i.e. k = 2^257 − n or k = n:
 *   neither is in [1, n − 1].
 * The result is projective (X·Z : Y : Z³), as pointToAffine expects.
 */
export function baseMulCt(r: usize, k: usize): void {
  recode5(k);
  pointSetIdentity(ACC);             // (0, 1, 0) is also Jacobian's identity: k = 0 comes out as (0 : 1 : 0)
  let inf: u64 = 0xffffffffffffffff;
  for (let i: u32 = 0; i < 52; i++) {
    inf = ctAddDigit(BASE_TABLE + <usize>i * BASE_ROW, load<i32>(DIGITS + 4 * <usize>i), inf);
  }
  jacobianToProjective(ACC);
  memory.copy(r, ACC, POINT);
}

/**
 * Width-w NAF of the public 32-byte big-endian scalar k into 257 i8 digits at `out` (least significant
 * first): every nonzero digit is odd, |d| < 2^(w−1), and any w consecutive digits hold at most one
 * nonzero. Variable time: verification only.
 */
function wnaf(out: usize, k: usize, w: u32): void {
  memory.fill(out, 0, 257);
  let carry: u32 = 0;
  let i: u32 = 0;
  while (i < 257) {
    const bit = i < 256 ? (<u32>load<u8>(k + 31 - <usize>(i >> 3)) >>> (i & 7)) & 1 : 0;
    if (bit == carry) { i++; continue; }
    let v: u32 = 0;
    for (let b: u32 = 0; b < w; b++) {
      const j = i + b;
      if (j < 256) v |= ((<u32>load<u8>(k + 31 - <usize>(j >> 3)) >>> (j & 7)) & 1) << b;
    }
    v += carry; // odd
    let d = <i32>v;
    carry = 0;
    if (v >= (1 << (w - 1))) { d -= <i32>(1 << w); carry = 1; }
    store<i8>(out + <usize>i, <i8>d);
    i += w;
  }
}

/**
 * out[j] = the affine form of the projective point pts[j] for j < count (none the identity), with one
 * inversion (Montgomery's trick). Fixed sequence of operations; the points are multiples of a public
 * point (the peer's in ECDH, Q in verification).
 */
function batchToAffine(out: usize, pts: usize, count: usize): void {
  const inv = T + 7 * FE, zi = T + 8 * FE;
  fpCopy(out, pts + 2 * FE);
  for (let j: usize = 1; j < count; j++) fpMul(out + j * AFFINE, out + (j - 1) * AFFINE, pts + j * POINT + 2 * FE);
  fpInv(inv, out + (count - 1) * AFFINE);   // 1/(Z_0 ⋯ Z_{count−1})
  for (let j = count - 1; j > 0; j--) {
    fpMul(zi, inv, out + (j - 1) * AFFINE);  // 1/Z_j
    fpMul(inv, inv, pts + j * POINT + 2 * FE);
    fpMul(out + j * AFFINE, pts + j * POINT, zi);
    fpMul(out + j * AFFINE + FE, pts + j * POINT + FE, zi);
  }
  fpMul(out, pts, inv);
  fpMul(out + FE, pts + FE, inv);
}

/**
 * ACC (Jacobian) ← ACC + a for an affine a, with the cases the mixed addition does not cover taken
 * by branches (public data only): ACC the identity (`inf`), ACC = a (a doubling), ACC = −a (the
 * identity). Returns the new `inf`.
 */
function addAffineVartime(a: usize, inf: bool): bool {
  if (inf) { pointFromAffine(ACC, a); return false; }
  maddBegin(ACC, a);
  // H ≡ 0 only if H ∈ {0, p, 2p} (H < 2^257 < 3p), whose lowest limbs are 0, 2^29 − 1, 2^29 − 2:
  // anything else skips the canonical comparison.
  const h0 = load<u32>(MH);
  if ((h0 == 0 || h0 >= 0x1ffffffe) && fpIsZero(MH)) {
    if (!fpIsZero(MR)) return true;
    jacobianDouble(ACC);
    return false;
  }
  maddEnd(ACC);
  return false;
}

/**
 * r = a·G + b·q for public scalars a, b and an affine point q (FIPS 186-5 §6.4.2 step 6): Straus–
 * Shamir interleaving of a width-7 wNAF over the precomputed G_ODD and a width-5 wNAF over 1·q, 3·q,
 * …, 15·q (made affine with one inversion), in Jacobian coordinates: one doubling per digit position
 * and a mixed addition per nonzero digit. r is projective. Variable time: public data only.
 */
export function pointMulDoubleVartime(r: usize, a: usize, q: usize, b: usize): void {
  wnaf(NAF_G, a, 7);
  wnaf(NAF_P, b, 5);
  // WAFF[j] = (2j+1)·q for j < 8: projective multiples by the complete formulas, then affine.
  pointFromAffine(WTABLE, q);
  pointDouble(SAVE, WTABLE);
  for (let j: usize = 1; j < 8; j++) pointAdd(WTABLE + j * POINT, WTABLE + (j - 1) * POINT, SAVE);
  batchToAffine(WAFF, WTABLE, 8);
  let inf = true;
  for (let i: i32 = 256; i >= 0; i--) {
    if (!inf) jacobianDouble(ACC);
    const dg = <i32>load<i8>(NAF_G + <usize>i), dp = <i32>load<i8>(NAF_P + <usize>i);
    if (dp != 0) {
      memory.copy(AFF, WAFF + <usize>((dp < 0 ? -dp : dp) >> 1) * AFFINE, AFFINE);
      if (dp < 0) fpSub(AFF + FE, ZERO, AFF + FE);
      inf = addAffineVartime(AFF, inf);
    }
    if (dg != 0) {
      memory.copy(AFF, G_ODD + <usize>((dg < 0 ? -dg : dg) >> 1) * AFFINE, AFFINE);
      if (dg < 0) fpSub(AFF + FE, ZERO, AFF + FE);
      inf = addAffineVartime(AFF, inf);
    }
  }
  if (inf) { pointSetIdentity(r); return; }
  jacobianToProjective(ACC);
  memory.copy(r, ACC, POINT);
}

/** Affine (x, y) of p into `a`; returns 0 (and garbage in a) if p is the identity. */
export function pointToAffine(a: usize, p: usize): u32 {
  const zi = T + 8 * FE;
  fpInv(zi, p + 2 * FE);
  fpMul(a, p, zi);
  fpMul(a + FE, p + FE, zi);
  return pointIsIdentity(p) ^ 1;
}

/** 1 if the affine point (x, y) satisfies y² = x³ − 3x + b (SEC 1 §3.2.2.1 step 2). */
export function affineOnCurve(a: usize): u32 {
  const l = T, rr = T + FE;
  fpSqr(l, a + FE);
  curveRhs(rr, a);
  return fpEqual(l, rr);
}

/** r = x³ − 3x + b for the x at a. */
function curveRhs(r: usize, x: usize): void {
  const t = T + 2 * FE;
  fpSqr(t, x);
  fpMul(t, t, x);
  fpSub(t, t, x); fpSub(t, t, x); fpSub(t, t, x);
  fpAdd(r, t, B_MONT);
}

// Decoding results.
// Status codes shared by ecdh.ts and ecdsa.ts (re-exported by index.ts; see src/core/p256.ts).
export const P256_OK: i32 = 0;
export const P256_INVALID_SECRET: i32 = 2;
export const P256_INVALID_POINT: i32 = 3;

/**
 * SEC 1 §2.3.4 Octet-String-to-Elliptic-Curve-Point into an affine point `a`, for a 33-byte
 * compressed (02/03 ‖ x) or 65-byte uncompressed (04 ‖ x ‖ y) string; everything else, the identity
 * (00) included, is rejected. Checks x, y < p and that the point is on the curve (§3.2.2.1 public key
 * validation; n·Q = O holds for every curve point since the cofactor is 1). Public data only.
 */
export function pointDecode(a: usize, s: usize, len: usize): i32 {
  const prefix = load<u8>(s);
  if (len == 65 && prefix == 4) {
    if (!fpFromBytes(a, s + 1)) return P256_INVALID_POINT;
    if (!fpFromBytes(a + FE, s + 33)) return P256_INVALID_POINT;
    if (!affineOnCurve(a)) return P256_INVALID_POINT;
    return P256_OK;
  }
  if (len == 33 && (prefix == 2 || prefix == 3)) {
    if (!fpFromBytes(a, s + 1)) return P256_INVALID_POINT;
    const rhs = T + FE;
    curveRhs(rhs, a);
    // §2.3.4 step 2.4.2: no square root means no point with this x.
    if (!fpSqrt(a + FE, rhs)) return P256_INVALID_POINT;
    if (fpIsOdd(a + FE) != <u32>(prefix & 1)) fpSub(a + FE, ZERO, a + FE);
    return P256_OK;
  }
  return P256_INVALID_POINT;
}

/** SEC 1 §2.3.3 Elliptic-Curve-Point-to-Octet-String of an affine point: 65 or 33 bytes at out. */
export function affineEncode(out: usize, a: usize, compressed: bool): void {
  if (compressed) {
    store<u8>(out, <u8>(2 | fpIsOdd(a + FE)));
    fpToBytes(out + 1, a);
  } else {
    store<u8>(out, 4);
    fpToBytes(out + 1, a);
    fpToBytes(out + 33, a + FE);
  }
}

/** Zeroes every buffer the point functions may have left secret-dependent data in. */
export function pointWipeScratch(): void {
  memory.fill(T, 0, 9 * FE);
  memory.fill(WTABLE, 0, 16 * POINT);
  memory.fill(WAFF, 0, 16 * AFFINE);
  memory.fill(DIGITS, 0, 52 * 4);
  memory.fill(ACC, 0, POINT);
  memory.fill(SAVE, 0, POINT);
  memory.fill(AFF, 0, AFFINE);
  memory.fill(MASKS, 0, 16 * 16);
}

/**
 * Fills the fixed-base tables (base-table.ts) from G, once, when the module is instantiated: row i
 * is 1·E … 16·E for E = 32^i·G (the windows' own builder), the next row's E = 2·(16·E); G_ODD is
 * G, 3·G, 5·G, … by additions of 2·G. Coordinates are made canonical, so the tables are the bytes
 * @noble/curves' multiples give (test/core/tables.test.ts). Public data only.
 */
function buildBaseTables(): void {
  pointFromAffine(SAVE, G_AFFINE);
  for (let i: usize = 0; i < 52; i++) {
    multiplesAffine(BASE_TABLE + i * BASE_ROW, SAVE);
    pointDouble(SAVE, WTABLE + 15 * POINT);
  }
  pointFromAffine(WTABLE, G_AFFINE);
  pointDouble(SAVE, WTABLE);
  for (let h: usize = 0; h < 32; h += 16) {
    if (h) pointAdd(WTABLE, WTABLE + 15 * POINT, SAVE);
    for (let j: usize = 1; j < 16; j++) pointAdd(WTABLE + j * POINT, WTABLE + (j - 1) * POINT, SAVE);
    batchToAffine(G_ODD + h * AFFINE, WTABLE, 16);
  }
  for (let e = BASE_TABLE; e < BASE_TABLE + 52 * BASE_ROW; e += FE) fpCanon(e, e);
  for (let e = G_ODD; e < G_ODD + 32 * AFFINE; e += FE) fpCanon(e, e);
  pointWipeScratch();
  fpWipeScratch();
}

buildBaseTables();
