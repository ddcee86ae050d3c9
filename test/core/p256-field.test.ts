// The P-256 field and scalar arithmetic's weak-reduction invariants (assembly/p256/field.ts header):
// every output has 29-bit limbs, a zero pad and a value below 2^257, and is congruent to the exact
// result — checked against BigInt for inputs anywhere in the allowed range, extremes included
// (all-ones limbs, values just below 2^257), which the curve-level tests rarely reach. The sources are
// compiled here (asc compileString), so the production core carries no test hooks.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import asc from 'assemblyscript/asc';
import { readFileSync } from 'node:fs';
import { fcSeed } from '../_util.js';

const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const R = 2n ** 261n;
const M29 = (1n << 29n) - 1n;
const RUNS = { seed: fcSeed, numRuns: 1000 };

function modpow(a: bigint, e: bigint, m: bigint): bigint {
  let r = 1n, b = ((a % m) + m) % m;
  for (; e; e >>= 1n) { if (e & 1n) r = r * b % m; b = b * b % m; }
  return r;
}
const RinvP = modpow(R, P - 2n, P), RinvN = modpow(R, N - 2n, N);

type Fn = (...args: Array<number | bigint>) => number; // i64 parameters take a bigint
let core: Record<string, Fn> & { memory: WebAssembly.Memory };
let base = 0;
const A = 0, B = 48, OUT = 96;

beforeAll(async () => {
  const read = (f: string) => readFileSync(new URL(`../../assembly/p256/${f}`, import.meta.url), 'utf8');
  const harness = 'export const BUF: usize = memory.data(256, 16);\nexport function buf(): usize { return BUF; }\n';
  const result = await asc.compileString(
    { 'harness.ts': harness, 'p256/field.ts': read('field.ts'), 'p256/scalar.ts': read('scalar.ts'), 'modinv.ts': read('../modinv.ts') },
    { runtime: 'stub', optimizeLevel: 3, noAssert: true },
  );
  if (result.error || !result.binary) throw new Error(`asc: ${String(result.error)} ${result.stderr.toString()}`);
  const instance = await WebAssembly.instantiate(new WebAssembly.Module(new Uint8Array(result.binary)), {});
  core = instance.exports as typeof core;
  base = core.buf();
});

/** Limbs of an element: 9 × 29 bits + zero pad. */
const limbs = (x: bigint) => Array.from({ length: 10 }, (_, i) => (i < 9 ? Number((x >> BigInt(29 * i)) & M29) : 0));
function put(off: number, x: bigint) {
  new Uint32Array(core.memory.buffer, base + off, 10).set(limbs(x));
}
/** Reads an element and checks the representation invariant. */
function get(off: number): bigint {
  const v = new Uint32Array(core.memory.buffer, base + off, 10);
  for (let i = 0; i < 8; i++) expect(v[i]).toBeLessThan(2 ** 29);
  expect(v[9]).toBe(0);
  const x = Array.from(v.subarray(0, 9)).reduce((acc, l, i) => acc + (BigInt(l) << BigInt(29 * i)), 0n);
  expect(x < 2n ** 257n).toBe(true);
  return x;
}

/** Any weakly reduced value (< 2^257), biased to the extremes the bounds are about. */
const weak = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 257n - 1n }),
  fc.bigInt({ min: 2n ** 257n - 2n ** 64n, max: 2n ** 257n - 1n }),
  fc.bigInt({ min: 0n, max: 2n ** 64n }),
  // 2^257 − 1: every 29-bit limb all ones, the top limb at its 25-bit maximum.
  fc.constantFrom(0n, 1n, P - 1n, P, P + 1n, 2n * P, N, 2n * N, 2n ** 256n - 1n, 2n ** 256n, 2n ** 257n - 1n),
);

function binary(name: string, m: bigint, expected: (a: bigint, b: bigint) => bigint) {
  it(`${name}: congruent to the exact result, invariant kept`, () => {
    fc.assert(fc.property(weak, weak, (a, b) => {
      put(A, a); put(B, b);
      core[name](base + OUT, base + A, base + B);
      expect(get(OUT) % m).toBe(((expected(a, b) % m) + m) % m);
      core[name](base + A, base + A, base + B); // r aliasing a
      expect(get(A) % m).toBe(((expected(a, b) % m) + m) % m);
    }), RUNS);
  });
}

describe('field.ts (mod p)', () => {
  binary('fpMul', P, (a, b) => a * b * RinvP);
  binary('fpAdd', P, (a, b) => a + b);
  binary('fpSub', P, (a, b) => a - b);
  binary('fpSub2', P, (a, b) => a - 2n * b);
  for (const k of [1n, 2n, 3n, 4n]) {
    it(`fpAddMulSmall (k = ${k}): congruent to k(a + b), invariant kept`, () => {
      fc.assert(fc.property(weak, weak, (a, b) => {
        put(A, a); put(B, b);
        core.fpAddMulSmall(base + OUT, base + A, base + B, k);
        expect(get(OUT) % P).toBe(k * (a + b) % P);
      }), RUNS);
    });
  }
  it('fpSqr, fpMulSmall (k = 1 … 8), fpCanon', () => {
    fc.assert(fc.property(weak, fc.integer({ min: 1, max: 8 }), (a, k) => {
      put(A, a);
      core.fpSqr(base + OUT, base + A);
      expect(get(OUT) % P).toBe(a * a * RinvP % P);
      core.fpMulSmall(base + OUT, base + A, BigInt(k));
      expect(get(OUT) % P).toBe(BigInt(k) * a % P);
      core.fpCanon(base + OUT, base + A);
      expect(get(OUT)).toBe(a % P);
    }), RUNS);
  });
  it('fpInv (safegcd) and fpSqrt', () => {
    fc.assert(fc.property(fc.oneof(weak, fc.constantFrom(P - 1n, P + 2n, R % P)), (a) => {
      put(A, a);
      core.fpInv(base + OUT, base + A);
      const am = a * RinvP % P; // the element a represents
      const inv = get(OUT) * RinvP % P;
      expect(am === 0n ? inv : inv * am % P).toBe(am === 0n ? 0n : 1n);
      const ok = core.fpSqrt(base + OUT, base + A);
      expect(ok).toBe(modpow(am, (P - 1n) / 2n, P) <= 1n ? 1 : 0);
      if (ok) { const r = get(OUT) * RinvP % P; expect(r * r % P).toBe(am); }
    }), RUNS);
  });
});

describe('scalar.ts (mod n)', () => {
  binary('fnMul', N, (a, b) => a * b * RinvN);
  binary('fnAdd', N, (a, b) => a + b);
  it('fnSqr and fnIsZero', () => {
    fc.assert(fc.property(weak, (a) => {
      put(A, a);
      core.fnSqr(base + OUT, base + A);
      expect(get(OUT) % N).toBe(a * a * RinvN % N);
      expect(core.fnIsZero(base + A)).toBe(a % N === 0n ? 1 : 0);
    }), RUNS);
  });
  it('fnInv (safegcd): a·a^-1 ≡ 1, 0 ↦ 0', () => {
    fc.assert(fc.property(fc.oneof(weak, fc.constantFrom(N - 1n, 2n * N - 1n, R % N)), (a) => {
      put(A, a);
      core.fnInv(base + OUT, base + A);
      const am = a * RinvN % N;
      const inv = get(OUT) * RinvN % N;
      expect(am === 0n ? inv : inv * am % N).toBe(am === 0n ? 0n : 1n);
    }), RUNS);
  });
});
