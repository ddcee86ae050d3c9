// GF(2^255 − 19) arithmetic for X25519 (RFC 7748 §4.1, §5) and Ed25519 (RFC 8032 §5.1).
//
// An element is 10 signed limbs in radix 2^25.5 (26, 25, 26, 25, … bits), each stored as an i64 in
// linear memory (80 bytes), so products are single i64.mul and sums of 10 of them cannot overflow
// (ref10's representation and bounds). Functions take pointers; none allocates, branches on or
// indexes by limb values. Outputs of feMul/feSq/feFromBytes are "reduced" (|limb| ≤ ~2^25/2^26);
// one unreduced feAdd/feSub may feed feMul/feSq, exactly as in ref10's formulas.

// Scratch for inversion and square roots (may hold secrets: wiped by feWipeScratch). One block,
// so that one fill provably covers it.
const SCRATCH: usize = memory.data(320, 16);
const T0: usize = SCRATCH;
const T1: usize = SCRATCH + 80;
const T2: usize = SCRATCH + 160;
const T3: usize = SCRATCH + 240;

export function feWipeScratch(): void {
  memory.fill(SCRATCH, 0, 320);
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

/** h = 121666 · f (the ladder's a24 + 1; RFC 7748 §5 uses a24 = 121665 with AA, we use BB). */
export function feMul121666(h: usize, f: usize): void {
  let h0 = load<i64>(f, 0) * 121666, h1 = load<i64>(f, 8) * 121666, h2 = load<i64>(f, 16) * 121666;
  let h3 = load<i64>(f, 24) * 121666, h4 = load<i64>(f, 32) * 121666, h5 = load<i64>(f, 40) * 121666;
  let h6 = load<i64>(f, 48) * 121666, h7 = load<i64>(f, 56) * 121666, h8 = load<i64>(f, 64) * 121666;
  let h9 = load<i64>(f, 72) * 121666;
  let c: i64;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  store<i64>(h, h0, 0); store<i64>(h, h1, 8); store<i64>(h, h2, 16); store<i64>(h, h3, 24);
  store<i64>(h, h4, 32); store<i64>(h, h5, 40); store<i64>(h, h6, 48); store<i64>(h, h7, 56);
  store<i64>(h, h8, 64); store<i64>(h, h9, 72);
}

// GENERATED FIELD BEGIN (scripts/gen-fe25519.mjs)
/** h = f · g. Inputs may be unreduced sums/differences of reduced elements (ref10 bounds). */
export function feMul(h: usize, f: usize, g: usize): void {
  const f0 = load<i64>(f, 0), f1 = load<i64>(f, 8), f2 = load<i64>(f, 16), f3 = load<i64>(f, 24), f4 = load<i64>(f, 32), f5 = load<i64>(f, 40), f6 = load<i64>(f, 48), f7 = load<i64>(f, 56), f8 = load<i64>(f, 64), f9 = load<i64>(f, 72);
  const g0 = load<i64>(g, 0), g1 = load<i64>(g, 8), g2 = load<i64>(g, 16), g3 = load<i64>(g, 24), g4 = load<i64>(g, 32), g5 = load<i64>(g, 40), g6 = load<i64>(g, 48), g7 = load<i64>(g, 56), g8 = load<i64>(g, 64), g9 = load<i64>(g, 72);
  const g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4, g5_19 = 19 * g5, g6_19 = 19 * g6, g7_19 = 19 * g7, g8_19 = 19 * g8, g9_19 = 19 * g9;
  const f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9;
  let h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19 + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  let h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  let h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19 + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  let h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  let h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  let h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  let h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  let h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  let h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  let h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
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
  const f0_2 = 2 * f0, f1_2 = 2 * f1, f1_4 = 4 * f1, f2_2 = 2 * f2, f3_2 = 2 * f3, f3_4 = 4 * f3, f4_2 = 2 * f4, f5_19 = 19 * f5, f5_2 = 2 * f5, f5_4 = 4 * f5, f6_19 = 19 * f6, f6_2 = 2 * f6, f7_19 = 19 * f7, f7_2 = 2 * f7, f7_4 = 4 * f7, f8_19 = 19 * f8, f8_2 = 2 * f8, f9_19 = 19 * f9, f9_2 = 2 * f9;
  let h0 = f0 * f0 + f1_4 * f9_19 + f2_2 * f8_19 + f3_4 * f7_19 + f4_2 * f6_19 + f5_2 * f5_19;
  let h1 = f0_2 * f1 + f2_2 * f9_19 + f3_2 * f8_19 + f4_2 * f7_19 + f5_2 * f6_19;
  let h2 = f0_2 * f2 + f1_2 * f1 + f3_4 * f9_19 + f4_2 * f8_19 + f5_4 * f7_19 + f6 * f6_19;
  let h3 = f0_2 * f3 + f1_2 * f2 + f4_2 * f9_19 + f5_2 * f8_19 + f6_2 * f7_19;
  let h4 = f0_2 * f4 + f1_4 * f3 + f2 * f2 + f5_4 * f9_19 + f6_2 * f8_19 + f7_2 * f7_19;
  let h5 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6_2 * f9_19 + f7_2 * f8_19;
  let h6 = f0_2 * f6 + f1_4 * f5 + f2_2 * f4 + f3_2 * f3 + f7_4 * f9_19 + f8 * f8_19;
  let h7 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8_2 * f9_19;
  let h8 = f0_2 * f8 + f1_4 * f7 + f2_2 * f6 + f3_4 * f5 + f4 * f4 + f9_2 * f9_19;
  let h9 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
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
  const f0_2 = 2 * f0, f1_2 = 2 * f1, f1_4 = 4 * f1, f2_2 = 2 * f2, f3_2 = 2 * f3, f3_4 = 4 * f3, f4_2 = 2 * f4, f5_19 = 19 * f5, f5_2 = 2 * f5, f5_4 = 4 * f5, f6_19 = 19 * f6, f6_2 = 2 * f6, f7_19 = 19 * f7, f7_2 = 2 * f7, f7_4 = 4 * f7, f8_19 = 19 * f8, f8_2 = 2 * f8, f9_19 = 19 * f9, f9_2 = 2 * f9;
  let h0 = f0 * f0 + f1_4 * f9_19 + f2_2 * f8_19 + f3_4 * f7_19 + f4_2 * f6_19 + f5_2 * f5_19;
  let h1 = f0_2 * f1 + f2_2 * f9_19 + f3_2 * f8_19 + f4_2 * f7_19 + f5_2 * f6_19;
  let h2 = f0_2 * f2 + f1_2 * f1 + f3_4 * f9_19 + f4_2 * f8_19 + f5_4 * f7_19 + f6 * f6_19;
  let h3 = f0_2 * f3 + f1_2 * f2 + f4_2 * f9_19 + f5_2 * f8_19 + f6_2 * f7_19;
  let h4 = f0_2 * f4 + f1_4 * f3 + f2 * f2 + f5_4 * f9_19 + f6_2 * f8_19 + f7_2 * f7_19;
  let h5 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6_2 * f9_19 + f7_2 * f8_19;
  let h6 = f0_2 * f6 + f1_4 * f5 + f2_2 * f4 + f3_2 * f3 + f7_4 * f9_19 + f8 * f8_19;
  let h7 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8_2 * f9_19;
  let h8 = f0_2 * f8 + f1_4 * f7 + f2_2 * f6 + f3_4 * f5 + f4 * f4 + f9_2 * f9_19;
  let h9 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
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
  const g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4, g5_19 = 19 * g5, g6_19 = 19 * g6, g7_19 = 19 * g7, g8_19 = 19 * g8, g9_19 = 19 * g9;
  const f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9;
  let h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19 + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  let h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  let h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19 + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  let h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  let h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  let h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  let h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  let h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  let h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  let h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
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
  const g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4, g5_19 = 19 * g5, g6_19 = 19 * g6, g7_19 = 19 * g7, g8_19 = 19 * g8, g9_19 = 19 * g9;
  const f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9;
  let h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19 + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  let h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  let h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19 + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  let h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  let h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  let h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  let h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  let h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  let h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  let h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
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
  const g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4, g5_19 = 19 * g5, g6_19 = 19 * g6, g7_19 = 19 * g7, g8_19 = 19 * g8, g9_19 = 19 * g9;
  const f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9;
  let h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19 + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  let h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  let h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19 + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  let h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  let h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  let h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  let h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  let h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  let h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  let h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
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
  const g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4, g5_19 = 19 * g5, g6_19 = 19 * g6, g7_19 = 19 * g7, g8_19 = 19 * g8, g9_19 = 19 * g9;
  const f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9;
  let h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19 + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  let h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  let h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19 + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  let h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  let h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  let h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  let h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  let h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  let h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  let h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
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
  const g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4, g5_19 = 19 * g5, g6_19 = 19 * g6, g7_19 = 19 * g7, g8_19 = 19 * g8, g9_19 = 19 * g9;
  const f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9;
  let h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19 + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  let h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  let h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19 + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  let h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  let h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  let h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  let h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  let h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  let h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  let h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
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
  const g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4, g5_19 = 19 * g5, g6_19 = 19 * g6, g7_19 = 19 * g7, g8_19 = 19 * g8, g9_19 = 19 * g9;
  const f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9;
  let h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19 + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  let h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  let h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19 + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  let h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  let h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  let h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  let h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  let h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  let h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  let h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
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
  const f0_2 = 2 * f0, f1_2 = 2 * f1, f1_4 = 4 * f1, f2_2 = 2 * f2, f3_2 = 2 * f3, f3_4 = 4 * f3, f4_2 = 2 * f4, f5_19 = 19 * f5, f5_2 = 2 * f5, f5_4 = 4 * f5, f6_19 = 19 * f6, f6_2 = 2 * f6, f7_19 = 19 * f7, f7_2 = 2 * f7, f7_4 = 4 * f7, f8_19 = 19 * f8, f8_2 = 2 * f8, f9_19 = 19 * f9, f9_2 = 2 * f9;
  let h0 = f0 * f0 + f1_4 * f9_19 + f2_2 * f8_19 + f3_4 * f7_19 + f4_2 * f6_19 + f5_2 * f5_19;
  let h1 = f0_2 * f1 + f2_2 * f9_19 + f3_2 * f8_19 + f4_2 * f7_19 + f5_2 * f6_19;
  let h2 = f0_2 * f2 + f1_2 * f1 + f3_4 * f9_19 + f4_2 * f8_19 + f5_4 * f7_19 + f6 * f6_19;
  let h3 = f0_2 * f3 + f1_2 * f2 + f4_2 * f9_19 + f5_2 * f8_19 + f6_2 * f7_19;
  let h4 = f0_2 * f4 + f1_4 * f3 + f2 * f2 + f5_4 * f9_19 + f6_2 * f8_19 + f7_2 * f7_19;
  let h5 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6_2 * f9_19 + f7_2 * f8_19;
  let h6 = f0_2 * f6 + f1_4 * f5 + f2_2 * f4 + f3_2 * f3 + f7_4 * f9_19 + f8 * f8_19;
  let h7 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8_2 * f9_19;
  let h8 = f0_2 * f8 + f1_4 * f7 + f2_2 * f6 + f3_4 * f5 + f4 * f4 + f9_2 * f9_19;
  let h9 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
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
  const f0_2 = 2 * f0, f1_2 = 2 * f1, f1_4 = 4 * f1, f2_2 = 2 * f2, f3_2 = 2 * f3, f3_4 = 4 * f3, f4_2 = 2 * f4, f5_19 = 19 * f5, f5_2 = 2 * f5, f5_4 = 4 * f5, f6_19 = 19 * f6, f6_2 = 2 * f6, f7_19 = 19 * f7, f7_2 = 2 * f7, f7_4 = 4 * f7, f8_19 = 19 * f8, f8_2 = 2 * f8, f9_19 = 19 * f9, f9_2 = 2 * f9;
  let h0 = f0 * f0 + f1_4 * f9_19 + f2_2 * f8_19 + f3_4 * f7_19 + f4_2 * f6_19 + f5_2 * f5_19;
  let h1 = f0_2 * f1 + f2_2 * f9_19 + f3_2 * f8_19 + f4_2 * f7_19 + f5_2 * f6_19;
  let h2 = f0_2 * f2 + f1_2 * f1 + f3_4 * f9_19 + f4_2 * f8_19 + f5_4 * f7_19 + f6 * f6_19;
  let h3 = f0_2 * f3 + f1_2 * f2 + f4_2 * f9_19 + f5_2 * f8_19 + f6_2 * f7_19;
  let h4 = f0_2 * f4 + f1_4 * f3 + f2 * f2 + f5_4 * f9_19 + f6_2 * f8_19 + f7_2 * f7_19;
  let h5 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6_2 * f9_19 + f7_2 * f8_19;
  let h6 = f0_2 * f6 + f1_4 * f5 + f2_2 * f4 + f3_2 * f3 + f7_4 * f9_19 + f8 * f8_19;
  let h7 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8_2 * f9_19;
  let h8 = f0_2 * f8 + f1_4 * f7 + f2_2 * f6 + f3_4 * f5 + f4 * f4 + f9_2 * f9_19;
  let h9 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
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

/** out = z^(p−2) = 1/z (0 for z = 0): the standard 254-squaring, 11-multiplication chain. */
export function feInvert(out: usize, z: usize): void {
  feSq(T0, z);                                  // 2
  feSqn(T1, T0, 2);                             // 8
  feMul(T1, z, T1);                             // 9
  feMul(T0, T0, T1);                            // 11
  feSq(T2, T0);                                 // 22
  feMul(T1, T1, T2);                            // 2^5 − 1
  feSqn(T2, T1, 5); feMul(T1, T2, T1);          // 2^10 − 1
  feSqn(T2, T1, 10); feMul(T2, T2, T1);         // 2^20 − 1
  feSqn(T3, T2, 20); feMul(T2, T3, T2);         // 2^40 − 1
  feSqn(T2, T2, 10); feMul(T1, T2, T1);         // 2^50 − 1
  feSqn(T2, T1, 50); feMul(T2, T2, T1);         // 2^100 − 1
  feSqn(T3, T2, 100); feMul(T2, T3, T2);        // 2^200 − 1
  feSqn(T2, T2, 50); feMul(T1, T2, T1);         // 2^250 − 1
  feSqn(T1, T1, 5);                             // 2^255 − 2^5
  feMul(out, T1, T0);                           // 2^255 − 21 = p − 2
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
