// ML-KEM's sampling, encoding and compression (FIPS 203 §4.2.1, §4.2.2): polynomials of 256 i16
// coefficients (512 bytes). Everything here except sampleNtt handles secrets (noise, messages,
// decapsulation keys) and is branch-free on coefficient values; sampleNtt expands the public seed ρ
// and may take a variable time (§3.3: the matrix Â is public).

import { keccakInit, keccakUpdate, keccakFinal, keccakF, SHAKE128_RATE, SHAKE_SUFFIX } from "../sha3";
import { Q, bred, canonical } from "./ntt";

/**
 * SampleNTT(ρ ‖ j ‖ i) (Algorithm 7) into `out`: rejection sampling of 12-bit values < q from
 * SHAKE128, read straight from the sponge's state (its first 168 bytes are each output block).
 * `seed` holds the 34 bytes ρ ‖ j ‖ i; `ctx` is a Keccak context; `spare` 2 bytes of scratch.
 *
 * ρ is public, so this may take a time that depends on it (§3.3). It is still written without a
 * branch on the sampled values: each candidate is stored at the next free index (or a spare slot
 * once the polynomial is full) and the index advances by the comparison's result, and every block
 * is parsed to its end. The time then depends only on the number of SHAKE128 blocks drawn — not on
 * which candidates were rejected — which keeps branch-prediction effects out of the timing
 * measurements of key generation (bench/ct) and costs no mispredicted branches.
 */
export function sampleNtt(out: usize, seed: usize, ctx: usize, spare: usize): void {
  keccakInit(ctx, SHAKE128_RATE);
  keccakUpdate(ctx, seed, 34);
  keccakFinal(ctx, SHAKE_SUFFIX);
  let n: u32 = 0;
  for (;;) {
    for (let off: usize = 0; off < <usize>SHAKE128_RATE; off += 3) {
      const b0 = <u32>load<u8>(ctx + off), b1 = <u32>load<u8>(ctx + off, 1), b2 = <u32>load<u8>(ctx + off, 2);
      const d1 = b0 | ((b1 & 15) << 8), d2 = (b1 >> 4) | (b2 << 4);
      store<u16>(select<usize>(out + (<usize>n << 1), spare, n < 256), <u16>d1);
      n += <u32>(d1 < <u32>Q) & <u32>(n < 256);
      store<u16>(select<usize>(out + (<usize>n << 1), spare, n < 256), <u16>d2);
      n += <u32>(d2 < <u32>Q) & <u32>(n < 256);
    }
    if (n == 256) return;
    keccakF(ctx);
  }
}

/**
 * SamplePolyCBD_2(B) (Algorithm 8, η = 2) from the 128 bytes at `buf`: coefficient i is
 * (b[4i] + b[4i+1]) − (b[4i+2] + b[4i+3]) over the bits of B, 32 bits at a time.
 */
export function cbd2(out: usize, buf: usize): void {
  for (let i: usize = 0; i < 32; i++) {
    const t = load<u32>(buf + (i << 2));
    const d = (t & 0x55555555) + ((t >> 1) & 0x55555555);
    for (let j: u32 = 0; j < 8; j++) {
      const a = <i32>((d >> (j << 2)) & 3), b = <i32>((d >> ((j << 2) + 2)) & 3);
      store<i16>(out + (i << 4) + (<usize>j << 1), <i16>(a - b));
    }
  }
}

/** ByteEncode_12 (Algorithm 5) of a polynomial with coefficients in (−q, q): 384 bytes. */
export function encode12(out: usize, p: usize): void {
  for (let j: usize = 0; j < 512; j += 16) v128.store(p + j, canonical(bred(v128.load(p + j))));
  for (let i: usize = 0; i < 128; i++) {
    const x0 = <u32>load<u16>(p + (i << 2)), x1 = <u32>load<u16>(p + (i << 2), 2);
    const o = out + i * 3;
    store<u8>(o, <u8>x0);
    store<u8>(o, <u8>((x0 >> 8) | (x1 << 4)), 1);
    store<u8>(o, <u8>(x1 >> 4), 2);
  }
}

/**
 * ByteDecode_12 (Algorithm 6) of 384 bytes: 12-bit values reduced mod q, as §4.2.1 defines for
 * d = 12 (subtracting q where the value is ≥ q, by mask: a decapsulation key is secret).
 */
export function decode12(p: usize, in_: usize): void {
  for (let i: usize = 0; i < 128; i++) {
    const o = in_ + i * 3;
    const b0 = <i32>load<u8>(o), b1 = <i32>load<u8>(o, 1), b2 = <i32>load<u8>(o, 2);
    const x0 = b0 | ((b1 & 15) << 8), x1 = (b1 >> 4) | (b2 << 4);
    const y0 = x0 - Q, y1 = x1 - Q;
    store<i16>(p + (i << 2), <i16>(y0 + ((y0 >> 31) & Q)));
    store<i16>(p + (i << 2), <i16>(y1 + ((y1 >> 31) & Q)), 2);
  }
}

/** 1 if all 3·256 12-bit values of an encoded vector (1152 bytes) are < q (§7.2), else 0; public data. */
export function modulusCheck(in_: usize): u32 {
  let over: i32 = 0;
  for (let i: usize = 0; i < 384; i++) {
    const o = in_ + i * 3;
    const b0 = <i32>load<u8>(o), b1 = <i32>load<u8>(o, 1), b2 = <i32>load<u8>(o, 2);
    over |= ~((b0 | ((b1 & 15) << 8)) - Q) | ~(((b1 >> 4) | (b2 << 4)) - Q);
  }
  return <u32>over >>> 31 ^ 1;
}

/**
 * Compress_d(x) = round(2^d · x / q) mod 2^d (§4.2.1) for x in [0, q), without division:
 * floor((2^(d+1)·x + q) / 2q) as a multiplication by M = ceil(2^36 / 2q) and a shift. For every
 * numerator N < 2^23 the error N·(M − 2^36/2q)/2^36 < 2^-13 is below the 1/2q ≈ 1.5·10^-4 that
 * separates N/2q from the next integer, so the result is exact (and was checked for all x < q and
 * d = 1, 4, 10 when written).
 */
// @ts-ignore: decorator
@inline function compress(x: i32, d: i32): u32 {
  return <u32>((<u64>((x << (d + 1)) + Q) * 10321340) >> 36) & ((1 << d) - 1);
}

/** Decompress_d(y) = round(q · y / 2^d) (§4.2.1). */
// @ts-ignore: decorator
@inline function decompress(y: u32, d: i32): i16 {
  return <i16>((<i32>y * Q + (1 << (d - 1))) >> d);
}

/** The coefficient at index i of p, as its representative in [0, q) (from (−q, q)). */
// @ts-ignore: decorator
@inline function coeff(p: usize, i: usize): i32 {
  const x = <i32>load<i16>(p + (i << 1));
  return x + ((x >> 31) & Q);
}

/** ByteEncode_10(Compress_10(u)) of one polynomial with coefficients in (−q, q): 320 bytes. */
export function compress10(out: usize, p: usize): void {
  for (let i: usize = 0; i < 256; i += 4) {
    const w = <u64>compress(coeff(p, i), 10) | (<u64>compress(coeff(p, i + 1), 10) << 10)
      | (<u64>compress(coeff(p, i + 2), 10) << 20) | (<u64>compress(coeff(p, i + 3), 10) << 30);
    const o = out + (i >> 2) * 5;
    store<u32>(o, <u32>w);
    store<u8>(o, <u8>(w >> 32), 4);
  }
}

/** Decompress_10(ByteDecode_10(c)) of 320 bytes. */
export function decompress10(p: usize, in_: usize): void {
  for (let i: usize = 0; i < 256; i += 4) {
    const o = in_ + (i >> 2) * 5;
    const w = <u64>load<u32>(o) | (<u64>load<u8>(o, 4) << 32);
    for (let k: usize = 0; k < 4; k++) store<i16>(p + ((i + k) << 1), decompress(<u32>(w >> (10 * k)) & 0x3ff, 10));
  }
}

/** ByteEncode_4(Compress_4(v)) of one polynomial with coefficients in (−q, q): 128 bytes. */
export function compress4(out: usize, p: usize): void {
  for (let i: usize = 0; i < 256; i += 2) {
    store<u8>(out + (i >> 1), <u8>(compress(coeff(p, i), 4) | (compress(coeff(p, i + 1), 4) << 4)));
  }
}

/** Decompress_4(ByteDecode_4(c)) of 128 bytes. */
export function decompress4(p: usize, in_: usize): void {
  for (let i: usize = 0; i < 128; i++) {
    const b = <u32>load<u8>(in_ + i);
    store<i16>(p + (i << 2), decompress(b & 15, 4));
    store<i16>(p + (i << 2), decompress(b >> 4, 4), 2);
  }
}

/** ByteEncode_1(Compress_1(w)): the 32-byte message of a polynomial with coefficients in (−q, q). */
export function compress1(out: usize, p: usize): void {
  for (let i: usize = 0; i < 32; i++) {
    let b: u32 = 0;
    for (let k: usize = 0; k < 8; k++) b |= compress(coeff(p, (i << 3) + k), 1) << <u32>k;
    store<u8>(out + i, <u8>b);
  }
}

/** p += Decompress_1(ByteDecode_1(m)): adds ⌈q/2⌋ = 1665 where the message bit is 1 (by mask). */
export function addMessage(p: usize, m: usize): void {
  for (let i: usize = 0; i < 256; i++) {
    const bit = (<i32>load<u8>(m + (i >> 3)) >> <i32>(i & 7)) & 1;
    const at = p + (i << 1);
    store<i16>(at, load<i16>(at) + <i16>((-bit) & 1665));
  }
}

/** r = a + b, coefficient-wise (no reduction: callers keep the sum below 2^15). */
export function polyAdd(r: usize, a: usize, b: usize): void {
  for (let j: usize = 0; j < 512; j += 16) v128.store(r + j, i16x8.add(v128.load(a + j), v128.load(b + j)));
}

/** r = a − b, coefficient-wise. */
export function polySub(r: usize, a: usize, b: usize): void {
  for (let j: usize = 0; j < 512; j += 16) v128.store(r + j, i16x8.sub(v128.load(a + j), v128.load(b + j)));
}

/** p mod q in (−q, q), coefficient-wise. */
export function polyReduce(p: usize): void {
  for (let j: usize = 0; j < 512; j += 16) v128.store(p + j, bred(v128.load(p + j)));
}
