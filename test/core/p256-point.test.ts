// P-256 scalar multiplications at the point level (assembly/p256/point.ts), compiled here on their own
// (asc compileString) so scalars outside the API's range can be used: verification's joint
// multiplication a·G + b·Q (Straus–Shamir in Jacobian coordinates, with branches for the identity,
// P = Q and P = −Q), the fixed-base comb and the variable-base windows (Jacobian mixed additions whose
// exceptional cases are masked or proven absent for k in [1, n − 1]) against @noble/curves and
// against each other (comb + windows + complete addition), including the scalars 0, 1, n − 1 and
// inputs whose sum or intermediate sums hit the identity or a doubling.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import asc from 'assemblyscript/asc';
import { readFileSync } from 'node:fs';
import { p256 as noble } from '@noble/curves/nist.js';
import { fcSeed } from '../_util.js';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const RUNS = { seed: fcSeed, numRuns: 1000 };
const Point = noble.Point;
type NoblePoint = InstanceType<typeof Point>;

let core: Record<string, () => number> & { memory: WebAssembly.Memory; buf(): number };
let base = 0;

beforeAll(async () => {
  const read = (f: string) => readFileSync(new URL(`../../assembly/p256/${f}`, import.meta.url), 'utf8');
  // Inputs at BUF: a (32 bytes), b (32), x_Q (32), y_Q (32), big-endian; output x, y at BUF + 128.
  const harness = `
import { FE, fpFromBytes, fpToBytes } from "./p256/field";
import { baseMulCt, pointMulCt, pointMulDoubleVartime, pointFromAffine, pointAdd, pointToAffine } from "./p256/point";
const BUF: usize = memory.data(192, 16);
const P1: usize = memory.data(120, 16), P2: usize = memory.data(120, 16);
const A1: usize = memory.data(80, 16), A2: usize = memory.data(80, 16);
export function buf(): usize { return BUF; }
function loadQ(): void { fpFromBytes(A1, BUF + 64); fpFromBytes(A1 + FE, BUF + 96); }
function result(p: usize): u32 {
  const ok = pointToAffine(A2, p);
  fpToBytes(BUF + 128, A2); fpToBytes(BUF + 160, A2 + FE);
  return ok;
}
export function joint(): u32 { loadQ(); pointMulDoubleVartime(P1, BUF, A1, BUF + 32); return result(P1); }
export function separate(): u32 {
  loadQ(); baseMulCt(P1, BUF); pointFromAffine(P2, A1); pointMulCt(P2, P2, BUF + 32); pointAdd(P1, P1, P2);
  return result(P1);
}
export function comb(): u32 { baseMulCt(P1, BUF); return result(P1); }
export function ladder(): u32 { loadQ(); pointFromAffine(P2, A1); pointMulCt(P2, P2, BUF + 32); return result(P2); }
`;
  const files: Record<string, string> = { 'harness.ts': harness };
  for (const f of ['field.ts', 'scalar.ts', 'point.ts', 'base-table.ts']) files[`p256/${f}`] = read(f);
  files['modinv.ts'] = read('../modinv.ts');
  const out = await asc.compileString(files, { runtime: 'stub', optimizeLevel: 3, noAssert: true, enable: ['simd'] } as never);
  if (out.error || !out.binary) throw new Error(`asc: ${String(out.error)} ${out.stderr.toString()}`);
  const instance = await WebAssembly.instantiate(new WebAssembly.Module(new Uint8Array(out.binary)), {});
  core = instance.exports as typeof core;
  base = core.buf();
}, 60_000);

const be32 = (x: bigint) => Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'));
const fromBe = (b: Uint8Array) => BigInt('0x' + Buffer.from(b).toString('hex'));
const mod = (x: bigint) => ((x % N) + N) % N;

function run(name: 'joint' | 'separate' | 'comb' | 'ladder', a: bigint, b: bigint, q: NoblePoint): string {
  const m = new Uint8Array(core.memory.buffer, base, 192);
  const { x, y } = q.toAffine();
  m.set(be32(a), 0); m.set(be32(b), 32); m.set(be32(x), 64); m.set(be32(y), 96);
  if (!core[name]()) return 'identity';
  return `${fromBe(m.slice(128, 160)).toString(16)},${fromBe(m.slice(160, 192)).toString(16)}`;
}
function expected(p: NoblePoint): string {
  if (p.is0()) return 'identity';
  const { x, y } = p.toAffine();
  return `${x.toString(16)},${y.toString(16)}`;
}

const scalar = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: N - 1n }) },
  { weight: 2, arbitrary: fc.constantFrom(0n, 1n, 2n, 3n, N - 1n, N - 2n, N - 3n, (N - 1n) / 2n, 2n ** 255n) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 20n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: N - 2n ** 20n, max: N - 1n }) },
);
const G = Point.BASE;
/** Q: random multiples of G, and ±G, ±2G, ±3G (which make the joint loop meet its own entries). */
const pointArb = fc.oneof(
  { weight: 3, arbitrary: fc.bigInt({ min: 1n, max: N - 1n }) },
  { weight: 1, arbitrary: fc.constantFrom(1n, 2n, 3n, N - 1n, N - 2n, N - 3n) },
).map((d) => ({ d, q: G.multiply(d) }));

describe('p256 joint multiplication a·G + b·Q (verification)', () => {
  it('equals @noble/curves and the core\'s separate path for random and edge scalars', () => {
    fc.assert(fc.property(scalar, scalar, pointArb, (a, b, { q }) => {
      const want = expected(G.multiplyUnsafe(a).add(q.multiplyUnsafe(b)));
      expect(run('joint', a, b, q)).toBe(want);
      expect(run('separate', a, b, q)).toBe(want);
    }), RUNS);
  });
  it('sums that are the identity (a = −b·d) or a doubling (a = b·d) on the way or at the end', () => {
    fc.assert(fc.property(scalar, pointArb, fc.boolean(), (b, { d, q }, cancel) => {
      const a = mod(cancel ? -b * d : b * d);
      const want = expected(G.multiplyUnsafe(a).add(q.multiplyUnsafe(b)));
      if (cancel) expect(want).toBe('identity');
      expect(run('joint', a, b, q)).toBe(want);
      expect(run('separate', a, b, q)).toBe(want);
    }), RUNS);
  });
  it('Q = ±G with equal or opposite small scalars: the loop adds a point to itself or its negative', () => {
    for (const [a, b, d] of [[1n, 1n, 1n], [1n, 1n, N - 1n], [N - 1n, 1n, 1n], [3n, 3n, 1n], [63n, 15n, 1n], [64n, 16n, 4n], [5n, N - 5n, 1n]]) {
      const q = G.multiply(d);
      const want = expected(G.multiplyUnsafe(a).add(q.multiplyUnsafe(b)));
      expect(run('joint', a, b, q), `${a} ${b} ${d}`).toBe(want);
    }
  });
});

describe('p256 fixed-base comb k·G (public keys, signing)', () => {
  it('equals @noble/curves for random k and the edges 0, 1, 2, n − 1, n − 2, 2^255, 32^i', () => {
    const edges = [0n, 1n, 2n, N - 1n, N - 2n, 2n ** 255n, ...Array.from({ length: 52 }, (_, i) => 32n ** BigInt(i))];
    for (const k of edges) expect(run('comb', k, 0n, G), k.toString(16)).toBe(expected(G.multiplyUnsafe(k)));
    fc.assert(fc.property(scalar, (k) => {
      expect(run('comb', k, 0n, G)).toBe(expected(G.multiplyUnsafe(k)));
    }), RUNS);
  });
});

describe('p256 variable-base windows k·Q (ECDH)', () => {
  it('equals @noble/curves for k = 1 … 40 and n − 40 … n − 1 (where the windows\' last step is closest to Q = ±d·Q), 2^255 and 32^i', () => {
    const ks = [
      ...Array.from({ length: 40 }, (_, i) => BigInt(i + 1)), ...Array.from({ length: 40 }, (_, i) => N - BigInt(i + 1)),
      2n ** 255n, ...Array.from({ length: 52 }, (_, i) => 32n ** BigInt(i)),
    ];
    for (const d of [1n, 2n, N - 1n, 0x1234567890abcdefn]) {
      const q = G.multiply(d);
      for (const k of ks) expect(run('ladder', 0n, k, q), `${k.toString(16)} · ${d}G`).toBe(expected(q.multiply(k)));
    }
  });
  it('equals @noble/curves for random k and Q', () => {
    fc.assert(fc.property(scalar.filter((k) => k > 0n), pointArb, (k, { q }) => {
      expect(run('ladder', 0n, k, q)).toBe(expected(q.multiply(k)));
    }), RUNS);
  });
});
