// Ed25519 (RFC 8032 §5.1): twisted Edwards group arithmetic over GF(2^255 − 19), fixed-base scalar
// multiplication from a precomputed table, scalar arithmetic mod L, key generation, signing and
// cofactorless verification with libsodium's encoding checks (small-order A and R, y ≥ p).
// Formulas and point representations follow ref10 (SUPERCOP):
//   p2 (X:Y:Z), p3 (X:Y:Z:T) with XY = ZT, p1p1 ((X:Z),(Y:T)), precomp (y+x, y−x, 2dxy),
//   cached (Y+X, Y−X, Z, 2dT); each coordinate one 80-byte field element (assembly/fe25519.ts).
// Secret-dependent paths (key generation, signing) use only constant-time code: no branch or memory
// index depends on a secret. Verification handles public data and is variable time.

import {
  feAdd, feSub, feMul, feSq, feSq2, feCopy, fe0, fe1, feNeg, feCmov, feCswap, feInvert, fePow22523,
  feFromBytes, feToBytes, feCarry, feIsCanonical, feIsNegative, feIsNonzero, feWipeScratch,
  feMulSum, feMulDiff, feMulSumSum, feMulDiffDiff, feMulSumDiff, feMulDiffSum,
} from "./fe25519";
import { BASE, BI, B_XY, D, D2, SQRTM1, SMALL_ORDER_Y } from "./ed25519-table";
import { SHA512_CTX, sha512Init, sha512Update, sha512Final } from "./sha512";
import { wipe } from "./ct";

// --- Group operations ------------------------------------------------------------------------

const GT0: usize = memory.data(80, 16);

// @ts-ignore: decorator
@inline function p1p1ToP2(r: usize, p: usize): void {
  feMul(r, p, p + 240);
  feMul(r + 80, p + 80, p + 160);
  feMul(r + 160, p + 160, p + 240);
}

// @ts-ignore: decorator
@inline function p1p1ToP3(r: usize, p: usize): void {
  feMul(r, p, p + 240);
  feMul(r + 80, p + 80, p + 160);
  feMul(r + 160, p + 160, p + 240);
  feMul(r + 240, p, p + 80);
}

function p3ToCached(r: usize, p: usize): void {
  feAdd(r, p + 80, p);
  feSub(r + 80, p + 80, p);
  feCopy(r + 160, p + 160);
  feMul(r + 240, p + 240, D2);
}

function p3Zero(h: usize): void {
  fe0(h); fe1(h + 80); fe1(h + 160); fe0(h + 240);
}

/** r (p1p1) = 2p; p is p2 (or p3: same leading X, Y, Z). */
function dbl(r: usize, p: usize): void {
  feSq(r, p);
  feSq(r + 160, p + 80);
  feSq2(r + 240, p + 160);
  feAdd(r + 80, p, p + 80);
  feSq(GT0, r + 80);
  feAdd(r + 80, r + 160, r);
  feSub(r + 160, r + 160, r);
  feSub(r, GT0, r + 80);
  feSub(r + 240, r + 240, r + 160);
}

/** r (p1p1) = p (p3) + q (precomp), or p − q when `minus`. */
// @ts-ignore: decorator
@inline function maddSub(r: usize, p: usize, q: usize, minus: bool): void {
  feAdd(r, p + 80, p);
  feSub(r + 80, p + 80, p);
  feMul(r + 160, r, minus ? q + 80 : q);
  feMul(r + 80, r + 80, minus ? q : q + 80);
  feMul(r + 240, q + 160, p + 240);
  feAdd(GT0, p + 160, p + 160);
  feSub(r, r + 160, r + 80);
  feAdd(r + 80, r + 160, r + 80);
  if (minus) { feSub(r + 160, GT0, r + 240); feAdd(r + 240, GT0, r + 240); }
  else { feAdd(r + 160, GT0, r + 240); feSub(r + 240, GT0, r + 240); }
}
function madd(r: usize, p: usize, q: usize): void { maddSub(r, p, q, false); }
function msub(r: usize, p: usize, q: usize): void { maddSub(r, p, q, true); }

/** r (p1p1) = p (p3) + q (cached), or p − q when `minus`. */
// @ts-ignore: decorator
@inline function addSub(r: usize, p: usize, q: usize, minus: bool): void {
  feAdd(r, p + 80, p);
  feSub(r + 80, p + 80, p);
  feMul(r + 160, r, minus ? q + 80 : q);
  feMul(r + 80, r + 80, minus ? q : q + 80);
  feMul(r + 240, q + 240, p + 240);
  feMul(r, p + 160, q + 160);
  feAdd(GT0, r, r);
  feSub(r, r + 160, r + 80);
  feAdd(r + 80, r + 160, r + 80);
  if (minus) { feSub(r + 160, GT0, r + 240); feAdd(r + 240, GT0, r + 240); }
  else { feAdd(r + 160, GT0, r + 240); feSub(r + 240, GT0, r + 240); }
}
function add(r: usize, p: usize, q: usize): void { addSub(r, p, q, false); }
function sub(r: usize, p: usize, q: usize): void { addSub(r, p, q, true); }

/** Encodes p2/p3 `p` (RFC 8032 §5.1.2) given recip = 1/Z: y with the sign of x in bit 255. */
// One block, so that one wipe provably covers all four temporaries.
const ENC: usize = memory.data(320, 16);
const ENC_R: usize = ENC;
const ENC_X: usize = ENC + 80;
const ENC_Y: usize = ENC + 160;
const ENC_R2: usize = ENC + 240;
function encode(s: usize, p: usize, recip: usize): void {
  feMul(ENC_X, p, recip);
  feMul(ENC_Y, p + 80, recip);
  feToBytes(s, ENC_Y);
  store<u8>(s, load<u8>(s, 31) ^ <u8>(feIsNegative(ENC_X) << 7), 31);
}

/** Writes the 32-byte encoding of p2/p3 `p` at s. */
export function geToBytes(s: usize, p: usize): void {
  feInvert(ENC_R, p + 160);
  encode(s, p, ENC_R);
  wipe(ENC, 320);
}

/** Encodes two points with one inversion (Montgomery's trick: 1/Z1 = Z2/(Z1·Z2), 1/Z2 = Z1/(Z1·Z2)). */
function geToBytes2(s1: usize, p1: usize, s2: usize, p2: usize): void {
  feMul(ENC_R, p1 + 160, p2 + 160);
  feInvert(ENC_R, ENC_R);
  feMul(ENC_R2, ENC_R, p2 + 160);
  encode(s1, p1, ENC_R2);
  feMul(ENC_R2, ENC_R, p1 + 160);
  encode(s2, p2, ENC_R2);
  wipe(ENC, 320);
}

// --- Fixed-base scalar multiplication (constant time) ----------------------------------------

const SB_E: usize = memory.data(64, 16);    // signed radix-16 digits (secret)
const SB_R: usize = memory.data(320, 16);   // p1p1
const SB_S: usize = memory.data(240, 16);   // p2
const SB_T: usize = memory.data(256, 16);   // precomp (+ 2 pad limbs)
const SB_N: usize = memory.data(80, 16);    // −xy2d

// @ts-ignore: decorator
@inline function eq(a: u32, b: u32): i64 {
  return <i64>(((a ^ b) - 1) >>> 31);
}

// The neutral element as a table entry: (y+x, y−x, 2dxy) = (1, 1, 0), i32 limbs padded to 32.
const PRECOMP_ZERO: usize = memory.data<i32>([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

/**
 * t = b·256^pos·B for a digit b ∈ [−8, 8], reading all 8 table entries of row `pos` whatever b is
 * and selecting with masks (ref10 "select", 16 bytes at a time with v128.bitselect): neither the
 * branch pattern nor the addresses touched depend on b. The selected i32 limbs are widened to the
 * i64 field-element layout on the way out (t has room for the 2 pad limbs).
 */
function tableSelect(t: usize, pos: usize, b: i32): void {
  const neg = <u32>b >>> 31;
  const abs = <u32>(b - ((-<i32>neg & b) << 1));
  const row = BASE + pos * 1024;
  const m1 = i64x2.splat(-eq(abs, 1)), m2 = i64x2.splat(-eq(abs, 2)), m3 = i64x2.splat(-eq(abs, 3));
  const m4 = i64x2.splat(-eq(abs, 4)), m5 = i64x2.splat(-eq(abs, 5)), m6 = i64x2.splat(-eq(abs, 6));
  const m7 = i64x2.splat(-eq(abs, 7)), m8 = i64x2.splat(-eq(abs, 8));
  for (let k: usize = 0; k < 128; k += 16) {
    let acc = v128.load(PRECOMP_ZERO + k);
    const e = row + k;
    acc = v128.bitselect(v128.load(e, 0), acc, m1);
    acc = v128.bitselect(v128.load(e, 128), acc, m2);
    acc = v128.bitselect(v128.load(e, 256), acc, m3);
    acc = v128.bitselect(v128.load(e, 384), acc, m4);
    acc = v128.bitselect(v128.load(e, 512), acc, m5);
    acc = v128.bitselect(v128.load(e, 640), acc, m6);
    acc = v128.bitselect(v128.load(e, 768), acc, m7);
    acc = v128.bitselect(v128.load(e, 896), acc, m8);
    v128.store(t + 2 * k, i64x2.extend_low_i32x4_s(acc));
    v128.store(t + 2 * k + 16, i64x2.extend_high_i32x4_s(acc));
  }
  // −(x, y) = (−x, y): swap y+x with y−x and negate 2dxy.
  feCswap(t, t + 80, <i64>neg);
  feNeg(SB_N, t + 160);
  feCmov(t + 160, SB_N, <i64>neg);
}

/**
 * h (p3) = h + q (precomp): madd followed by p1p1 → p3, fused so that no sum or difference is
 * stored (the same seven multiplications and the same values as ref10's two steps).
 */
function maddInPlace(h: usize, q: usize): void {
  const zm = SB_R, ym = SB_R + 80, tm = SB_R + 160, t0 = SB_R + 240;
  feMulSum(zm, q, h + 80, h);              // (Y + X)·(y + x)
  feMulDiff(ym, h + 80, h, q + 80);        // (Y − X)·(y − x)
  feMul(tm, q + 160, h + 240);             // 2dxy·T
  feAdd(t0, h + 160, h + 160);             // 2Z
  feMulDiffDiff(h, zm, ym, t0, tm);        // X3 = (zm − ym)(2Z − tm)
  feMulSumSum(h + 80, zm, ym, t0, tm);     // Y3 = (zm + ym)(2Z + tm)
  feMulSumDiff(h + 160, t0, tm, t0, tm);   // Z3 = (2Z + tm)(2Z − tm)
  feMulDiffSum(h + 240, zm, ym, zm, ym);   // T3 = (zm − ym)(zm + ym)
}

/** h (p3) = a·B for a 32-byte little-endian scalar a with a[31] ≤ 127 (ref10 ge_scalarmult_base). */
export function geScalarmultBase(h: usize, a: usize): void {
  for (let i: usize = 0; i < 32; i++) {
    const v = load<u8>(a + i);
    store<i8>(SB_E + 2 * i, <i8>(v & 15));
    store<i8>(SB_E + 2 * i + 1, <i8>(v >> 4));
  }
  // Recode each digit into [−8, 8) with a carry: every e[i] except e[63] is in [−8, 7].
  let carry: i32 = 0;
  for (let i: usize = 0; i < 63; i++) {
    let e = <i32>load<i8>(SB_E + i) + carry;
    carry = (e + 8) >> 4;
    e -= carry << 4;
    store<i8>(SB_E + i, <i8>e);
  }
  store<i8>(SB_E + 63, <i8>(<i32>load<i8>(SB_E + 63) + carry));

  p3Zero(h);
  for (let i: usize = 1; i < 64; i += 2) {
    tableSelect(SB_T, i >> 1, <i32>load<i8>(SB_E + i));
    maddInPlace(h, SB_T);
  }
  dbl(SB_R, h); p1p1ToP2(SB_S, SB_R);
  dbl(SB_R, SB_S); p1p1ToP2(SB_S, SB_R);
  dbl(SB_R, SB_S); p1p1ToP2(SB_S, SB_R);
  dbl(SB_R, SB_S); p1p1ToP3(h, SB_R);
  for (let i: usize = 0; i < 64; i += 2) {
    tableSelect(SB_T, i >> 1, <i32>load<i8>(SB_E + i));
    maddInPlace(h, SB_T);
  }
}

/** Zeroes the scratch of fixed-base multiplication and the group/field temporaries. */
export function geWipeScratch(): void {
  wipe(SB_E, 64); wipe(SB_R, 320); wipe(SB_S, 240); wipe(SB_T, 256); wipe(SB_N, 80);
  wipe(GT0, 80);
  feWipeScratch();
}

// --- Decoding and variable-time double-scalar multiplication (verification) --------------------

const DC_U: usize = memory.data(80, 16);
const DC_V: usize = memory.data(80, 16);
const DC_V3: usize = memory.data(80, 16);
const DC_VXX: usize = memory.data(80, 16);
const DC_CHECK: usize = memory.data(80, 16);

/**
 * h (p3) = −A for the encoding s (RFC 8032 §5.1.3), or false when s is not a canonical encoding of a
 * curve point: y ≥ p (step 1), no square root (step 2), or x = 0 with the sign bit set (step 4).
 */
function fromBytesNegate(h: usize, s: usize): bool {
  if (!feIsCanonical(s)) return false;
  feFromBytes(h + 80, s);
  fe1(h + 160);
  feSq(DC_U, h + 80);
  feMul(DC_V, DC_U, D);
  feSub(DC_U, DC_U, h + 160);       // u = y² − 1
  feAdd(DC_V, DC_V, h + 160);       // v = d·y² + 1
  feSq(DC_V3, DC_V);
  feMul(DC_V3, DC_V3, DC_V);        // v³
  feSq(h, DC_V3);
  feMul(h, h, DC_V);
  feMul(h, h, DC_U);                // u·v⁷
  fePow22523(h, h);
  feMul(h, h, DC_V3);
  feMul(h, h, DC_U);                // x = u·v³·(u·v⁷)^((p−5)/8)
  feSq(DC_VXX, h);
  feMul(DC_VXX, DC_VXX, DC_V);
  feSub(DC_CHECK, DC_VXX, DC_U);    // v·x² − u
  if (feIsNonzero(DC_CHECK)) {
    feAdd(DC_CHECK, DC_VXX, DC_U);  // v·x² + u
    if (feIsNonzero(DC_CHECK)) return false;
    feMul(h, h, SQRTM1);
  }
  const sign = <i64>(load<u8>(s, 31) >> 7);
  // Step 4: "If x = 0, and x_0 = 1, decoding fails."
  if (sign && !feIsNonzero(h)) return false;
  if (feIsNegative(h) == sign) feNeg(h, h);
  feMul(h + 240, h, h + 80);
  return true;
}

/**
 * true if the encoding s names a point of order dividing 8 — its low 255 bits (the sign bit masked)
 * are the y of a torsion point, canonical or + p — whether or not it decodes (libsodium
 * ge25519_has_small_order, the same 7-entry blocklist). Variable time: s is public.
 */
function hasSmallOrder(s: usize): bool {
  const s0 = load<u64>(s), s1 = load<u64>(s, 8), s2 = load<u64>(s, 16), s3 = load<u64>(s, 24) & 0x7fffffffffffffff;
  for (let e = SMALL_ORDER_Y; e < SMALL_ORDER_Y + 7 * 32; e += 32) {
    if (((s0 ^ load<u64>(e)) | (s1 ^ load<u64>(e, 8)) | (s2 ^ load<u64>(e, 16)) | (s3 ^ load<u64>(e, 24))) == 0) return true;
  }
  return false;
}

const SL_A: usize = memory.data(256, 16);
const SL_B: usize = memory.data(256, 16);

/**
 * Sliding-window recoding (ref10 "slide", generalised): r[i] odd in [−max, max] or 0, with
 * Σ r[i]·2^i = a and nonzero digits at least `width` positions apart; max = 2^(width−1) − 1.
 * Variable time: only for public scalars.
 */
function slide(r: usize, a: usize, width: i32): void {
  const max = (1 << (width - 1)) - 1;
  for (let i: usize = 0; i < 256; i++) store<i8>(r + i, <i8>(1 & (load<u8>(a + (i >> 3)) >> <u8>(i & 7))));
  for (let i: i32 = 0; i < 256; i++) {
    if (!load<i8>(r + i)) continue;
    for (let b: i32 = 1; b < width + 1 && i + b < 256; b++) {
      const rb = <i32>load<i8>(r + i + b);
      if (!rb) continue;
      const ri = <i32>load<i8>(r + i);
      if (ri + (rb << b) <= max) {
        store<i8>(r + i, <i8>(ri + (rb << b)));
        store<i8>(r + i + b, 0);
      } else if (ri - (rb << b) >= -max) {
        store<i8>(r + i, <i8>(ri - (rb << b)));
        for (let k = i + b; k < 256; k++) {
          if (!load<i8>(r + k)) { store<i8>(r + k, 1); break; }
          store<i8>(r + k, 0);
        }
      } else break;
    }
  }
}

const DS_AI: usize = memory.data(320 * 8, 16);  // cached A, 3A, …, 15A
const DS_T: usize = memory.data(320, 16);       // p1p1
const DS_U: usize = memory.data(320, 16);       // p3
const DS_A2: usize = memory.data(320, 16);      // p3

/** r (p2) = a·A + b·B, variable time (public inputs only; ref10 ge_double_scalarmult_vartime). */
function doubleScalarmultVartime(r: usize, a: usize, A: usize, b: usize): void {
  slide(SL_A, a, 5);   // A's odd multiples are computed here: 8 of them
  slide(SL_B, b, 8);   // B's come from the table: 64 of them
  p3ToCached(DS_AI, A);
  dbl(DS_T, A); p1p1ToP3(DS_A2, DS_T);
  for (let i: usize = 0; i < 7; i++) {
    add(DS_T, DS_A2, DS_AI + i * 320); p1p1ToP3(DS_U, DS_T); p3ToCached(DS_AI + (i + 1) * 320, DS_U);
  }
  fe0(r); fe1(r + 80); fe1(r + 160);
  let i: i32 = 255;
  for (; i >= 0; i--) if (load<i8>(SL_A + i) || load<i8>(SL_B + i)) break;
  for (; i >= 0; i--) {
    dbl(DS_T, r);
    const ai = <i32>load<i8>(SL_A + i), bi = <i32>load<i8>(SL_B + i);
    if (ai > 0) { p1p1ToP3(DS_U, DS_T); add(DS_T, DS_U, DS_AI + <usize>(ai >> 1) * 320); }
    else if (ai < 0) { p1p1ToP3(DS_U, DS_T); sub(DS_T, DS_U, DS_AI + <usize>((-ai) >> 1) * 320); }
    if (bi > 0) { p1p1ToP3(DS_U, DS_T); madd(DS_T, DS_U, BI + <usize>(bi >> 1) * 240); }
    else if (bi < 0) { p1p1ToP3(DS_U, DS_T); msub(DS_T, DS_U, BI + <usize>((-bi) >> 1) * 240); }
    p1p1ToP2(r, DS_T);
  }
}

// --- Scalars mod L = 2^252 + 27742317777372353535851937790883648493 (constant time) ----------

const L: usize = memory.data<u8>([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

// Scalars as signed 21-bit limbs in i64 (ref10 sc_reduce / sc_muladd): 2^252 = 2^(21·12) ≡ −c (mod L)
// with c = L − 2^252, and −c = 666643 + 470296·2^21 + 654183·2^42 − 997805·2^63 + 136657·2^84
// − 683901·2^105, so limb i ≥ 12 folds into limbs i−12 … i−7. Fixed loops, no data-dependent branch.
const SC: usize = memory.data(24 * 8, 16);

// @ts-ignore: decorator
@inline function sLoad(i: usize): i64 { return load<i64>(SC + (i << 3)); }
// @ts-ignore: decorator
@inline function sStore(i: usize, v: i64): void { store<i64>(SC + (i << 3), v); }

function fold(i: usize): void {
  const v = sLoad(i);
  sStore(i - 12, sLoad(i - 12) + v * 666643);
  sStore(i - 11, sLoad(i - 11) + v * 470296);
  sStore(i - 10, sLoad(i - 10) + v * 654183);
  sStore(i - 9, sLoad(i - 9) - v * 997805);
  sStore(i - 8, sLoad(i - 8) + v * 136657);
  sStore(i - 7, sLoad(i - 7) - v * 683901);
  sStore(i, 0);
}

/** Rounding carries from limbs from, from+2, …, to (limbs end up in [−2^20, 2^20)). */
function carryRound(from: usize, to: usize): void {
  for (let k = from; k <= to; k += 2) {
    const v = sLoad(k), c = (v + (1 << 20)) >> 21;
    sStore(k + 1, sLoad(k + 1) + c);
    sStore(k, v - (c << 21));
  }
}

/** Floor carries from limbs 0 … to, in order (limbs end up in [0, 2^21)). */
function carryFloor(to: usize): void {
  for (let k: usize = 0; k <= to; k++) {
    const v = sLoad(k), c = v >> 21;
    sStore(k + 1, sLoad(k + 1) + c);
    sStore(k, v - (c << 21));
  }
}

/** Reduces the 24 limbs at SC mod L and writes the 32-byte result to r (ref10's carry schedule). */
function reduceLimbs(r: usize): void {
  for (let i: usize = 23; i >= 18; i--) fold(i);
  carryRound(6, 16); carryRound(7, 15);
  for (let i: usize = 17; i >= 12; i--) fold(i);
  carryRound(0, 10); carryRound(1, 11);
  fold(12);
  carryFloor(11);
  fold(12);
  carryFloor(10);
  // Pack 12 limbs (the last one up to 22 bits) into 32 little-endian bytes.
  let acc: u64 = 0, bits: u32 = 0, out: usize = 0;
  for (let k: usize = 0; k < 12; k++) {
    acc |= <u64>sLoad(k) << bits;
    bits += 21;
    while (bits >= 8) { store<u8>(r + out++, <u8>acc); acc >>= 8; bits -= 8; }
  }
  while (out < 32) { store<u8>(r + out++, <u8>acc); acc >>= 8; }
  wipe(SC, 24 * 8);
}

/** Limb k (21 bits from bit 21k) of the little-endian number at p; the top limb takes all that is left. */
// @ts-ignore: decorator
@inline function limb(p: usize, k: usize, top: bool): i64 {
  const bit: usize = k * 21;
  const v = <i64>(load<u32>(p + (bit >> 3)) >> <u32>(bit & 7));
  return top ? v : v & 0x1fffff;
}

/** s[0..32] = s[0..64] mod L (64-byte little-endian input, e.g. a SHA-512 digest). */
export function scReduce(s: usize): void {
  for (let k: usize = 0; k < 23; k++) sStore(k, limb(s, k, false));
  sStore(23, limb(s, 23, true));
  reduceLimbs(s);
}

const SC_A: usize = memory.data(12 * 8, 16);
const SC_B: usize = memory.data(12 * 8, 16);

/** s = (a·b + c) mod L for 32-byte scalars (RFC 8032 §5.1.6 step 6). */
export function scMulAdd(s: usize, a: usize, b: usize, c: usize): void {
  for (let k: usize = 0; k < 11; k++) {
    store<i64>(SC_A + (k << 3), limb(a, k, false));
    store<i64>(SC_B + (k << 3), limb(b, k, false));
    sStore(k, limb(c, k, false));
  }
  store<i64>(SC_A + 88, limb(a, 11, true));
  store<i64>(SC_B + 88, limb(b, 11, true));
  sStore(11, limb(c, 11, true));
  for (let k: usize = 12; k < 24; k++) sStore(k, 0);
  for (let i: usize = 0; i < 12; i++) {
    const ai = load<i64>(SC_A + (i << 3));
    for (let j: usize = 0; j < 12; j++) sStore(i + j, sLoad(i + j) + ai * load<i64>(SC_B + (j << 3)));
  }
  wipe(SC_A, 96); wipe(SC_B, 96);
  // Bring every limb near 21 bits before folding (the products reach ~2^51).
  carryRound(0, 22); carryRound(1, 21);
  reduceLimbs(s);
}

/** true if the 32-byte little-endian s is < L (RFC 8032 §5.1.7 step 1). Variable time: S is public. */
export function scIsCanonical(s: usize): bool {
  for (let i: i32 = 31; i >= 0; i--) {
    const a = load<u8>(s + i), l = load<u8>(L + i);
    if (a != l) return a < l;
  }
  return false;
}

// --- Keys, signing, verification -----------------------------------------------------------

const CTX: usize = memory.data(<i32>SHA512_CTX, 16);
const AZ: usize = memory.data(64, 16);       // SHA-512(seed): clamped scalar a ‖ prefix (secret)
const NONCE: usize = memory.data(64, 16);    // r (secret)
const HRAM: usize = memory.data(64, 16);     // k = SHA-512(R ‖ A ‖ M) mod L
const PK: usize = memory.data(32, 16);
const P3: usize = memory.data(320, 16);
const P3B: usize = memory.data(320, 16);
const RCHECK: usize = memory.data(32, 16);

/** §5.1.5 steps 1–2: h = SHA-512(seed); a = h[0..32] with bits 0–2 and 255 cleared and 254 set. */
function expandSeed(seed: usize): void {
  sha512Init(CTX);
  sha512Update(CTX, seed, 32);
  sha512Final(CTX, AZ);
  store<u8>(AZ, load<u8>(AZ) & 248);
  store<u8>(AZ, (load<u8>(AZ, 31) & 63) | 64, 31);
}

function wipeSecrets(): void {
  wipe(CTX, SHA512_CTX); wipe(AZ, 64); wipe(NONCE, 64); wipe(HRAM, 64); wipe(PK, 32); wipe(P3, 320); wipe(P3B, 320);
  geWipeScratch();
}

/** §5.1.5: the 32-byte public key A = [a]B of a 32-byte seed. */
export function ed25519PublicKey(out: usize, seed: usize): void {
  expandSeed(seed);
  geScalarmultBase(P3, AZ);
  geToBytes(out, P3);
  wipeSecrets();
}

/** §5.1.6: writes the 64-byte signature R ‖ S of the message m (mLen bytes) under `seed`. */
export function ed25519Sign(sig: usize, m: usize, mLen: usize, seed: usize): void {
  expandSeed(seed);
  geScalarmultBase(P3, AZ);
  // Step 2: r = SHA-512(prefix ‖ M) mod L.
  nonce(m, mLen);
  // Step 3: R = [r]B; A and R are encoded together, sharing one inversion.
  geScalarmultBase(P3B, NONCE);
  geToBytes2(PK, P3, sig, P3B);
  finishSignature(sig, m, mLen);
}

/**
 * §5.1.6 for a signer that already holds A = ed25519PublicKey(seed): one fixed-base multiplication
 * instead of two. `pk` must be the public key the caller derived from this very seed, never one
 * supplied from outside: signing under a mismatched A leaks the secret scalar (two signatures of
 * one message under different A give two equations in a). src/core/ed25519.ts keeps A private.
 */
export function ed25519SignWithPublicKey(sig: usize, m: usize, mLen: usize, seed: usize, pk: usize): void {
  expandSeed(seed);
  memory.copy(PK, pk, 32);
  nonce(m, mLen);
  geScalarmultBase(P3B, NONCE);
  geToBytes(sig, P3B);
  finishSignature(sig, m, mLen);
}

/** Step 2: r = SHA-512(prefix ‖ M) mod L, into NONCE. */
function nonce(m: usize, mLen: usize): void {
  sha512Init(CTX);
  sha512Update(CTX, AZ + 32, 32);
  sha512Update(CTX, m, mLen);
  sha512Final(CTX, NONCE);
  scReduce(NONCE);
}

/** Steps 4–5 with R at sig[0..32] and A in PK: S = (r + k·a) mod L into sig[32..64]; wipes. */
function finishSignature(sig: usize, m: usize, mLen: usize): void {
  // Steps 4–5: k = SHA-512(R ‖ A ‖ M) mod L; S = (r + k·a) mod L.
  sha512Init(CTX);
  sha512Update(CTX, sig, 32);
  sha512Update(CTX, PK, 32);
  sha512Update(CTX, m, mLen);
  sha512Final(CTX, HRAM);
  scReduce(HRAM);
  scMulAdd(sig + 32, HRAM, AZ, NONCE);
  wipeSecrets();
}

/**
 * 1 if pk can verify signatures: a canonical encoding of a curve point (§5.1.3) that is not of small
 * order — the checks ed25519Verify applies to A. Decodes into P3 (public data).
 */
export function ed25519IsValidPublicKey(pk: usize): i32 {
  return !hasSmallOrder(pk) && fromBytesNegate(P3, pk) ? 1 : 0;
}

/**
 * §5.1.7, cofactorless: 1 if [S]B = R + [k]A, else 0. Before the equation, as libsodium's
 * crypto_sign_verify_detached does (without ED25519_COMPAT): S ≥ L, a small-order R, and an A that
 * is small-order or not a canonical point encoding are refused. §5.1.7 asks for none of the
 * small-order checks, but without them A = the identity point makes (R = identity, S = 0) verify for
 * every message, and a small-order R lets one signature hold for several keys. R is then compared as
 * bytes with the canonical encoding of [S]B − [k]A, so a non-canonical R never verifies either.
 */
export function ed25519Verify(pk: usize, m: usize, mLen: usize, sig: usize): i32 {
  // §5.1.7 step 1: "If ... S is not in [0, L), the signature is invalid" (libsodium sc25519_is_canonical).
  if (!scIsCanonical(sig + 32)) return 0;
  // libsodium ge25519_has_small_order(sig), ge25519_has_small_order(pk): before decoding, so every
  // encoding of a torsion point is caught, canonical or not.
  if (hasSmallOrder(sig) || hasSmallOrder(pk)) return 0;
  // §5.1.7 step 1: decode A (§5.1.3); y ≥ p fails here (libsodium ge25519_is_canonical(pk)).
  if (!fromBytesNegate(P3, pk)) return 0;
  sha512Init(CTX);
  sha512Update(CTX, sig, 32);
  sha512Update(CTX, pk, 32);
  sha512Update(CTX, m, mLen);
  sha512Final(CTX, HRAM);
  scReduce(HRAM);
  doubleScalarmultVartime(P3B, HRAM, P3, sig + 32);
  geToBytes(RCHECK, P3B);
  let d: u32 = 0;
  for (let i: usize = 0; i < 32; i++) d |= <u32>(load<u8>(RCHECK + i) ^ load<u8>(sig + i));
  return d == 0 ? 1 : 0;
}

// --- The base-point tables, built once at instantiation ----------------------------------------

const TB_ROW: usize = memory.data(320, 16);  // p3: 256^i·B, or 2·B
const TB_Q: usize = memory.data(320, 16);    // p3: the running multiple
const TB_C: usize = memory.data(320, 16);    // cached form of TB_ROW
const TB_P: usize = memory.data(320, 16);    // p1p1
const TB_F: usize = memory.data(400, 16);    // 1/Z, x, y, a coordinate, its encoding

/** Writes field element f at e as canonical limbs (those of its encoding): i64, or i32 when !wide. */
function storeCanonical(e: usize, f: usize, wide: bool): void {
  const bytes = TB_F + 320;
  feCarry(f, f);
  feToBytes(bytes, f);
  feFromBytes(f, bytes);
  for (let k: usize = 0; k < 10; k++) {
    if (wide) store<i64>(e + 8 * k, load<i64>(f + 8 * k));
    else store<i32>(e + 4 * k, <i32>load<i64>(f + 8 * k));
  }
}

/** Writes p (p3) at e as a table entry: (y+x, y−x, 2d·x·y) of its affine form; i64 limbs or i32 (!wide). */
function tableEntry(e: usize, p: usize, wide: bool): void {
  const zi = TB_F, x = TB_F + 80, y = TB_F + 160, v = TB_F + 240;
  const step: usize = wide ? 80 : 40;
  feInvert(zi, p + 160);
  feMul(x, p, zi);
  feMul(y, p + 80, zi);
  feAdd(v, y, x); storeCanonical(e, v, wide);
  feSub(v, y, x); storeCanonical(e + step, v, wide);
  feMul(v, x, y); feMul(v, v, D2); storeCanonical(e + 2 * step, v, wide);
}

/** TB_Q ← TB_Q + TB_C (p3 + cached: the unified formulas, which also double). */
function addRow(): void {
  add(TB_P, TB_Q, TB_C);
  p1p1ToP3(TB_Q, TB_P);
}

/**
 * Fills BASE and BI (ed25519-table.ts) from B, once, when the module is instantiated: row i of BASE
 * is 1·E … 8·E for E = 256^i·B (E·256 by eight doublings for the next row), BI is B, 3·B, 5·B, …
 * by additions of 2·B. The limbs are those of the canonical encodings, so the tables are the bytes
 * @noble/curves' multiples give (test/core/tables.test.ts). Public data only.
 */
function buildBaseTables(): void {
  memory.copy(TB_ROW, B_XY, 160);
  fe1(TB_ROW + 160);
  feMul(TB_ROW + 240, B_XY, B_XY + 80);
  for (let i: usize = 0; i < 32; i++) {
    memory.copy(TB_Q, TB_ROW, 320);
    p3ToCached(TB_C, TB_ROW);
    for (let j: usize = 0; j < 8; j++) {
      tableEntry(BASE + (8 * i + j) * 128, TB_Q, false);
      addRow();
    }
    for (let k = 0; k < 8; k++) { dbl(TB_P, TB_ROW); p1p1ToP3(TB_ROW, TB_P); }
  }
  memory.copy(TB_Q, B_XY, 160);
  fe1(TB_Q + 160);
  feMul(TB_Q + 240, B_XY, B_XY + 80);
  dbl(TB_P, TB_Q); p1p1ToP3(TB_ROW, TB_P);
  p3ToCached(TB_C, TB_ROW);
  for (let j: usize = 0; j < 64; j++) {
    tableEntry(BI + j * 240, TB_Q, true);
    addRow();
  }
  wipe(TB_ROW, 320); wipe(TB_Q, 320); wipe(TB_C, 320); wipe(TB_P, 320); wipe(TB_F, 400);
  geWipeScratch();
}

buildBaseTables();
