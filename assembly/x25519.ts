// X25519 (RFC 7748 §5): the Montgomery ladder on Curve25519's u-coordinate, constant time, and
// fixed-base multiplication through Ed25519's precomputed table (libsodium's approach): [k]B on the
// birationally equivalent Edwards curve, then u = (1 + y)/(1 − y) = (Z + Y)/(Z − Y) (RFC 7748 §4.1).

import {
  feAdd, feSub, feMul, fe0, fe1, feCopy, feCswap, feMul121666, feInvert, feFromBytes, feToBytes, feWipeScratch,
  feMulDiffSum, feMulSum, feSqSum, feSqDiff,
} from "./fe25519";
import { geScalarmultBase, geWipeScratch } from "./ed25519";
import { ctIsZero, wipe } from "./ct";

// Ladder state and scalar: all secret, one block so a single wipe clears it.
const STATE: usize = memory.data(9 * 80 + 32 + 320, 16);
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
const STATE_SIZE: usize = 9 * 80 + 32 + 320;

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
    feCswap(X2, X3, swap);
    feCswap(Z2, Z3, swap);
    swap = b;
    // RFC 7748 §5 ladder step; sums and differences are fused into the multiplications.
    feMulDiffSum(T0, X3, Z3, X2, Z2);   // DA = (x3 − z3)(x2 + z2)
    feMulDiffSum(T1, X2, Z2, X3, Z3);   // CB = (x2 − z2)(x3 + z3)
    feSqSum(T2, X2, Z2);                // AA
    feSqDiff(T3, X2, Z2);               // BB
    feSqSum(X3, T0, T1);                // x3 = (DA + CB)²
    feSqDiff(Z2, T0, T1);               // (DA − CB)²
    feMul(Z3, X1, Z2);                  // z3 = x1·(DA − CB)²
    feMul(X2, T2, T3);                  // x2 = AA·BB
    feSub(T0, T2, T3);                  // E = AA − BB
    feMul121666(T1, T0);                // 121666·E
    feMulSum(Z2, T0, T3, T1);           // z2 = E·(BB + 121666·E) = E·(AA + a24·E), a24 = 121665
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
