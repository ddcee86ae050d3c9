// Constant-time modular inversion modulo odd primes below 2^256 — 2^255 − 19 (fe25519.ts), P-256's
// p and n (p256/field.ts, p256/scalar.ts) — by Bernstein–Yang "safegcd" divsteps ("Fast
// constant-time gcd computation and modular inversion", 2019), in the form of libsecp256k1's
// modinv32 (doc/safegcd_implementation.md).
// f, g, d, e are 9 signed 30-bit limbs ("signed30", one i64 each); 20 batches of 30 divsteps = 600
// ≥ 590, the proven bound for 256-bit inputs with δ starting at 1/2. Each batch runs its divsteps on
// the low 30 bits of f and g alone, which gives a transition matrix scaled by 2^30 (entries ≤ 2^30 in
// absolute value); the matrix is applied to the full f, g (an exact division by 2^30) and to d, e mod
// m (adding the multiple of m, found with m^-1 mod 2^30, that clears the low 30 bits; d, e stay in
// (−2m, m)). Every step is masks and arithmetic on fixed loop counts: the instruction stream and the
// addresses are the same for every input, 0 included (which maps to 0).

// The moduli in signed30 limbs (limb i at bit 30i) and m^-1 mod 2^30 (printed by
// scripts/gen-p256.mjs; checked through the inversions by test/core/p256-field.test.ts and the
// X25519/Ed25519 known answers).
// 2^255 − 19: 2^30 − 19, 2^30 − 1 (×7), 2^15 − 1.
export const MODINV_25519: usize = memory.data<i64>([
  0x3fffffed, 0x3fffffff, 0x3fffffff, 0x3fffffff, 0x3fffffff, 0x3fffffff, 0x3fffffff, 0x3fffffff, 0x7fff,
]);
export const MODINV_25519_INV30: i64 = 395589093;
export const MODINV_P: usize = memory.data<i64>([
  0x3fffffff, 0x3fffffff, 0x3fffffff, 0x3f, 0x0, 0x0, 0x1000, 0x3fffc000, 0xffff,
]);
export const MODINV_P_INV30: i64 = 0x3fffffff;
export const MODINV_N: usize = memory.data<i64>([
  0x3c632551, 0x0ee72b0b, 0x3179e84f, 0x39beab69, 0x3fffffbc, 0x3fffffff, 0xfff, 0x3fffc000, 0xffff,
]);
export const MODINV_N_INV30: i64 = 301941681;

// Scratch: f, g, d, e and a 40-byte buffer for the 8-word input and output. Secret-bearing (the
// value inverted may be a nonce): wiped by modInvWipeScratch.
const SG: usize = memory.data(4 * 72 + 40, 16);
const SG_F: usize = SG;
const SG_G: usize = SG + 72;
const SG_D: usize = SG + 144;
const SG_E: usize = SG + 216;
const SG_B: usize = SG + 288;
const M30: i64 = 0x3fffffff;

/**
 * w = w^-1 mod m for the 256-bit value in 8 little-endian u32 words at w, which must be below m
 * (canonical); 0 gives 0. `m` points at the modulus's 9 signed30 limbs, `minv` is m^-1 mod 2^30.
 * The result is canonical (in [0, m)). Constant time.
 */
export function modInv(w: usize, m: usize, minv: i64): void {
  memory.copy(SG_B, w, 32);
  store<u64>(SG_B, 0, 32);
  for (let i: usize = 0; i < 9; i++) {
    const bit: usize = 30 * i;
    store<i64>(SG_G + 8 * i, <i64>(load<u64>(SG_B + (bit >> 3)) >> <u64>(bit & 7)) & M30);
    store<i64>(SG_F + 8 * i, load<i64>(m + 8 * i));
  }
  memory.fill(SG_D, 0, 144);            // d = 0, e = 1
  store<i64>(SG_E, 1, 0);
  const m0 = load<i64>(m);
  let zeta: i32 = -1;                   // ζ = −(δ + 1/2), δ = 1/2
  for (let batch = 0; batch < 20; batch++) {
    // 30 divsteps on the low bits; (u v; q r) = 2^30 × the transition matrix.
    let f = <u32>load<i64>(SG_F), g = <u32>load<i64>(SG_G);
    let u: u32 = 1, v: u32 = 0, q: u32 = 0, r: u32 = 1;
    for (let i = 0; i < 30; i++) {
      // One divstep: if g is odd, g ← g − f when ζ < 0 (δ > 0), else g ← g + f; when ζ < 0 and g
      // is odd also f ← the old g and ζ ← −ζ − 2, else ζ ← ζ − 1; then g ← g/2. The same on
      // (u, v) and (q, r), with the halving as a doubling of (u, v) instead.
      let mask1 = <u32>(zeta >> 31);      // ζ < 0
      const mask2: u32 = 0 - (g & 1);     // g odd
      const nf = (f ^ mask1) - mask1, nu = (u ^ mask1) - mask1, nv = (v ^ mask1) - mask1;
      g += nf & mask2; q += nu & mask2; r += nv & mask2;
      mask1 &= mask2;                     // ζ < 0 and g odd
      zeta = (zeta ^ <i32>mask1) - 1;
      f += g & mask1; u += q & mask1; v += r & mask1;
      g >>= 1; u <<= 1; v <<= 1;
    }
    const tu = <i64><i32>u, tv = <i64><i32>v, tq = <i64><i32>q, tr = <i64><i32>r;
    // [d, e] ← (t·[d, e] + m·[md, me]) / 2^30, with md, me chosen so the division is exact.
    const sd = load<i64>(SG_D, 64) >> 63, se = load<i64>(SG_E, 64) >> 63;
    let md = (tu & sd) + (tv & se), me = (tq & sd) + (tr & se);
    let di = load<i64>(SG_D), ei = load<i64>(SG_E);
    let cd = tu * di + tv * ei, ce = tq * di + tr * ei;
    md -= (minv * cd + md) & M30;
    me -= (minv * ce + me) & M30;
    cd += m0 * md; ce += m0 * me;
    cd >>= 30; ce >>= 30;
    // f, g ← t·[f, g] / 2^30 (exact: the divsteps cleared the low 30 bits).
    let fi = load<i64>(SG_F), gi = load<i64>(SG_G);
    let cf = (tu * fi + tv * gi) >> 30, cg = (tq * fi + tr * gi) >> 30;
    for (let i: usize = 1; i < 9; i++) {
      const mi = load<i64>(m + 8 * i);
      di = load<i64>(SG_D + 8 * i); ei = load<i64>(SG_E + 8 * i);
      cd += tu * di + tv * ei + mi * md;
      ce += tq * di + tr * ei + mi * me;
      store<i64>(SG_D + 8 * (i - 1), cd & M30); cd >>= 30;
      store<i64>(SG_E + 8 * (i - 1), ce & M30); ce >>= 30;
      fi = load<i64>(SG_F + 8 * i); gi = load<i64>(SG_G + 8 * i);
      cf += tu * fi + tv * gi;
      cg += tq * fi + tr * gi;
      store<i64>(SG_F + 8 * (i - 1), cf & M30); cf >>= 30;
      store<i64>(SG_G + 8 * (i - 1), cg & M30); cg >>= 30;
    }
    store<i64>(SG_D, cd, 64); store<i64>(SG_E, ce, 64);
    store<i64>(SG_F, cf, 64); store<i64>(SG_G, cg, 64);
  }
  // g = 0 and f = ±1 now (f = m if the input was 0, and then d = 0); d = ±1/x in (−2m, m).
  // Normalize to [0, m): add m if negative, negate if f = −1, carry, add m if still negative, carry.
  const addM = load<i64>(SG_D, 64) >> 63, neg = load<i64>(SG_F, 64) >> 63;
  let c: i64 = 0;
  for (let i: usize = 0; i < 9; i++) {
    let x = load<i64>(SG_D + 8 * i) + (load<i64>(m + 8 * i) & addM);
    x = ((x ^ neg) - neg) + c;
    c = x >> 30;
    store<i64>(SG_D + 8 * i, i < 8 ? x & M30 : x);
  }
  const addM2 = load<i64>(SG_D, 64) >> 63;
  c = 0;
  for (let i: usize = 0; i < 9; i++) {
    const x = load<i64>(SG_D + 8 * i) + (load<i64>(m + 8 * i) & addM2) + c;
    c = x >> 30;
    store<i64>(SG_D + 8 * i, i < 8 ? x & M30 : x);
  }
  // Back to 8 words (limb i at bit 30i; d < m < 2^256).
  const u0 = load<u64>(SG_D, 0), u1 = load<u64>(SG_D, 8), u2 = load<u64>(SG_D, 16);
  const u3 = load<u64>(SG_D, 24), u4 = load<u64>(SG_D, 32), u5 = load<u64>(SG_D, 40);
  const u6 = load<u64>(SG_D, 48), u7 = load<u64>(SG_D, 56), u8 = load<u64>(SG_D, 64);
  store<u64>(w, u0 | (u1 << 30) | (u2 << 60), 0);
  store<u64>(w, (u2 >> 4) | (u3 << 26) | (u4 << 56), 8);
  store<u64>(w, (u4 >> 8) | (u5 << 22) | (u6 << 52), 16);
  store<u64>(w, (u6 >> 12) | (u7 << 18) | (u8 << 48), 24);
}

/** Zeroes the inversion's scratch. */
export function modInvWipeScratch(): void {
  memory.fill(SG, 0, 4 * 72 + 40);
}
