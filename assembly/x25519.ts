// X25519 (RFC 7748 §5): the Montgomery ladder on Curve25519's u-coordinate, constant time, and
// fixed-base multiplication through Ed25519's precomputed table (libsodium's approach): [k]B on the
// birationally equivalent Edwards curve, then u = (1 + y)/(1 − y) = (Z + Y)/(Z − Y) (RFC 7748 §4.1).

import {
  feAdd, feSub, feMul, fe0, fe1, feCopy, feCswap, feInvert, feFromBytes, feToBytes, feWipeScratch,
  feMulDiffA24, feSqSum, feSqDiff, feSq,
} from "./fe25519";
import { geScalarmultBase, geWipeScratch } from "./ed25519";
import { ctIsZero, wipe } from "./ct";

// Ladder state and scalar: all secret, one block so a single wipe clears it.
const STATE: usize = memory.data(13 * 80 + 32 + 320, 16);
const X1: usize = STATE;
const X2: usize = STATE + 80;
const Z2: usize = STATE + 160;
const X3: usize = STATE + 240;
const Z3: usize = STATE + 320;
const T0: usize = STATE + 400;
const T1: usize = STATE + 480;
const T2: usize = STATE + 560;
const T3: usize = STATE + 640;
const K: usize = STATE + 720;
const P: usize = STATE + 752;   // Edwards p3 for the fixed-base path
const S2: usize = STATE + 1072; // the ladder step's A = x2 + z2, B = x2 − z2, C = x3 + z3, D = x3 − z3
const D2: usize = STATE + 1152;
const S3: usize = STATE + 1232;
const D3: usize = STATE + 1312;
const STATE_SIZE: usize = 13 * 80 + 32 + 320;

/**
 * The start of a ladder step: conditionally swaps (x2, z2) with (x3, z3) (RFC 7748 §5 cswap, masks
 * only, as feCswap) and stores A = x2 + z2, B = x2 − z2, C = x3 + z3, D = x3 − z3 in S2, D2, S3, D3.
 * The swapped x2, z2, x3, z3 themselves are not stored: the step needs only A, B, C, D and
 * overwrites all four, so the swap state is carried in `swap` (and undone after the loop).
 */
function swapSumDiff(swap: i64): void {
  const m = i64x2.splat(-swap);
  for (let i: usize = 0; i < 80; i += 16) {
    const x2 = v128.load(X2 + i), x3 = v128.load(X3 + i), z2 = v128.load(Z2 + i), z3 = v128.load(Z3 + i);
    const tx = v128.and(m, v128.xor(x2, x3)), tz = v128.and(m, v128.xor(z2, z3));
    const sx2 = v128.xor(x2, tx), sx3 = v128.xor(x3, tx), sz2 = v128.xor(z2, tz), sz3 = v128.xor(z3, tz);
    v128.store(S2 + i, i64x2.add(sx2, sz2));
    v128.store(D2 + i, i64x2.sub(sx2, sz2));
    v128.store(S3 + i, i64x2.add(sx3, sz3));
    v128.store(D3 + i, i64x2.sub(sx3, sz3));
  }
}

/** RFC 7748 §5 decodeScalar25519: clear bits 0–2 and 255, set bit 254. */
function clamp(k: usize): void {
  store<u8>(k, load<u8>(k) & 248);
  store<u8>(k, (load<u8>(k, 31) & 127) | 64, 31);
}

/**
 * out = X25519(scalar, u) (RFC 7748 §5). Returns 1 when the result is all zero — u was a point of
 * small order (or its non-canonical encoding), so the output does not depend on the scalar — else 0.
 *
 * Why after the ladder and not a list of known low-order u values before it: the constant-time zero
 * check on the output is exact (for a clamped scalar, X25519 yields 0 if and only if the peer's point
 * has order dividing 8, on the curve or its twist, whatever its encoding), needs no list that has to
 * cover every non-canonical encoding, and is what RFC 7748 §6.1 prescribes ("check … whether the
 * shared secret is the all-zero value and abort if so").
 */
export function x25519(out: usize, scalar: usize, u: usize): i32 {
  memory.copy(K, scalar, 32);
  clamp(K);
  // §5: "implementations of X25519 MUST mask the most significant bit in the final byte" —
  // feFromBytes ignores bit 255; values ≥ p are accepted and reduced by the arithmetic.
  feFromBytes(X1, u);
  fe1(X2); fe0(Z2); feCopy(X3, X1); fe1(Z3);
  let swap: i64 = 0;
  for (let pos: i32 = 254; pos >= 0; pos--) {
    // The address depends on the bit position only, never on the scalar's bits.
    const b = <i64>((load<u8>(K + (<usize>pos >> 3)) >> <u8>(pos & 7)) & 1);
    swap ^= b;
    // cswap(x2, x3), cswap(z2, z3), then A = x2 + z2, B = x2 − z2, C = x3 + z3, D = x3 − z3.
    swapSumDiff(swap);
    swap = b;
    // The rest of the RFC 7748 §5 ladder step.
    feMul(T0, D3, S2);                  // DA
    feMul(T1, D2, S3);                  // CB
    feSq(T2, S2);                       // AA
    feSq(T3, D2);                       // BB
    feSqSum(X3, T0, T1);                // x3 = (DA + CB)²
    feSqDiff(Z2, T0, T1);               // (DA − CB)²
    feMul(Z3, X1, Z2);                  // z3 = x1·(DA − CB)²
    feMul(X2, T2, T3);                  // x2 = AA·BB
    feMulDiffA24(Z2, T2, T3);           // z2 = E·(BB + 121666·E) = E·(AA + a24·E), E = AA − BB, a24 = 121665
  }
  feCswap(X2, X3, swap);
  feCswap(Z2, Z3, swap);
  feInvert(Z2, Z2);
  feMul(X2, X2, Z2);
  feToBytes(out, X2);
  wipe(STATE, STATE_SIZE);
  feWipeScratch();
  return <i32>ctIsZero(out, 32);
}

/** out = X25519(scalar, 9), the public key (RFC 7748 §6.1), via the Edwards fixed-base table. */
export function x25519Base(out: usize, scalar: usize): void {
  memory.copy(K, scalar, 32);
  clamp(K);
  geScalarmultBase(P, K);
  // u = (Z + Y)/(Z − Y); Z − Y ≠ 0 because [k]B is not the identity for a clamped k (8 ≤ k < L·8, 8 | k).
  feAdd(T0, P + 160, P + 80);
  feSub(T1, P + 160, P + 80);
  feInvert(T1, T1);
  feMul(T0, T0, T1);
  feToBytes(out, T0);
  wipe(STATE, STATE_SIZE);
  geWipeScratch();
}
