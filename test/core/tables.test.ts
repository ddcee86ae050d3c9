// The base-point tables the core builds when it is instantiated (assembly/p256/point.ts and
// assembly/ed25519.ts buildBaseTables; issue 25: built, not shipped) hold exactly the bytes that
// @noble/curves' multiples give in the core's layouts — the layouts the generators once wrote out:
//   - P-256 (docs/P256.md): BASE_TABLE[i][j] = (j+1)·32^i·G, i < 52, j < 16, and G_ODD[j] = (2j+1)·G,
//     j < 32; affine (x, y), canonical Montgomery form x·2^261 mod p, 9 × 29-bit limbs in u32 + a zero pad;
//   - Ed25519 (docs/CURVE25519.md): BASE[i][j] = (j+1)·256^i·B, i < 32, j < 8, as (y+x, y−x, 2d·x·y) in
//     30 i32 limbs of radix 2^25.5 + 2 zero pads, and BI[j] = (2j+1)·B, j < 64, the same in i64 limbs.
// Each table is looked for, whole, in the core's static memory.
import { describe, expect, it } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { staticBytes } from './_static-memory.js';

const P256_P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const P25519 = 2n ** 255n - 19n;
const D = (((-121665n * modPow(121666n, P25519 - 2n, P25519)) % P25519) + P25519) % P25519;

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
}
const mod = (x: bigint, m: bigint) => ((x % m) + m) % m;

/** 29-bit limbs of the Montgomery form, plus the zero pad: 10 u32. */
const p256Coordinate = (v: bigint): number[] => {
  const m = mod(v * 2n ** 261n, P256_P);
  return [...Array.from({ length: 9 }, (_, i) => Number((m >> BigInt(29 * i)) & 0x1fffffffn)), 0];
};
/** Radix 2^25.5 limbs (26, 25, 26, … bits) of v mod p. */
const fe25519 = (v: bigint): number[] => {
  let x = mod(v, P25519);
  return Array.from({ length: 10 }, (_, i) => {
    const bits = i & 1 ? 25n : 26n;
    const limb = Number(x & ((1n << bits) - 1n));
    x >>= bits;
    return limb;
  });
};

function bytesOf(words: number[], width: 4 | 8): Buffer {
  const b = Buffer.alloc(words.length * width);
  words.forEach((w, i) => (width === 4 ? b.writeUInt32LE(w, 4 * i) : b.writeBigInt64LE(BigInt(w), 8 * i)));
  return b;
}

function p256Entry(k: bigint): number[] {
  const { x, y } = p256.Point.BASE.multiply(k % p256.Point.CURVE().n).toAffine(); // 16·32^51 > n
  return [...p256Coordinate(x), ...p256Coordinate(y)];
}
function ed25519Entry(k: bigint): number[] {
  const { x, y } = ed25519.Point.BASE.multiply(k).toAffine();
  return [...fe25519(y + x), ...fe25519(y - x), ...fe25519(2n * D * x * y)];
}

/** Where `table` sits in the core's static memory (−1: nowhere). */
const find = (table: Buffer) => staticBytes().indexOf(table);

describe('base-point tables built at instantiation', () => {
  it('P-256 BASE_TABLE: (j+1)·32^i·G for i < 52, j < 16 (@noble/curves, Montgomery 29-bit limbs)', () => {
    const words: number[] = [];
    for (let i = 0n; i < 52n; i++) for (let j = 1n; j <= 16n; j++) words.push(...p256Entry(j * 32n ** i));
    expect(find(bytesOf(words, 4))).toBeGreaterThan(0);
  });

  it('P-256 G_ODD: (2j+1)·G for j < 32', () => {
    const words = Array.from({ length: 32 }, (_, j) => p256Entry(2n * BigInt(j) + 1n)).flat();
    expect(find(bytesOf(words, 4))).toBeGreaterThan(0);
  });

  it('Ed25519 BASE: (j+1)·256^i·B for i < 32, j < 8 as (y+x, y−x, 2dxy), i32 limbs padded to 32', () => {
    const words: number[] = [];
    for (let i = 0n; i < 32n; i++) for (let j = 1n; j <= 8n; j++) words.push(...ed25519Entry(j * 256n ** i), 0, 0);
    expect(find(bytesOf(words, 4))).toBeGreaterThan(0);
  });

  it('Ed25519 BI: (2j+1)·B for j < 64, i64 limbs', () => {
    const words = Array.from({ length: 64 }, (_, j) => ed25519Entry(2n * BigInt(j) + 1n)).flat();
    expect(find(bytesOf(words, 8))).toBeGreaterThan(0);
  });

  it('a table that is not there is not found (the search can fail): 2·G in place of G', () => {
    const words = [...p256Entry(2n), ...p256Entry(2n)];
    expect(find(bytesOf(words, 4))).toBe(-1);
  });
});
