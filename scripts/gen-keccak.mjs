// Generates the Keccak-f[1600] round code in assembly/sha3.ts (between the GENERATED markers):
// two rounds per loop iteration, A → E → A, with the 25 lanes of each in locals, so no state
// or intermediate value is stored in memory during the permutation. The rotation offsets are
// computed here from FIPS 202 §3.2.2 (Algorithm 2), not typed in, and checked against the
// round constants' own algorithm (§3.2.5, Algorithm 5) in the same way.
// Usage: node scripts/gen-keccak.mjs   (rewrites assembly/sha3.ts in place)
import { readFileSync, writeFileSync } from 'node:fs';

// §3.2.2 ρ: (x, y) = (1, 0); for t = 0..23: offset[x][y] = (t + 1)(t + 2)/2 mod 64; (x, y) = (y, 2x + 3y).
const rho = Array.from({ length: 5 }, () => new Array(5).fill(0));
for (let t = 0, x = 1, y = 0; t < 24; t++) {
  rho[x][y] = (((t + 1) * (t + 2)) / 2) % 64;
  [x, y] = [y, (2 * x + 3 * y) % 5];
}

// §3.2.5 rc(t) and ι: RC[ir] has bit 2^j − 1 set to rc(j + 7·ir) for j = 0..6.
function rc(t) {
  if (t % 255 === 0) return 1;
  let r = 0x80; // R = 10000000 as bits r0..r7, r0 the most significant here
  for (let i = 1; i <= t % 255; i++) {
    const r8 = r & 1; // bit R[8] after prepending 0: the bit that falls off
    r >>= 1;
    if (r8) r ^= 0x80 | 0x08 | 0x04 | 0x02; // R[0] ^= R[8], R[4], R[5], R[6] ^= R[8]
  }
  return r >> 7;
}
export const RC = Array.from({ length: 24 }, (_, ir) => {
  let v = 0n;
  for (let j = 0; j <= 6; j++) if (rc(j + 7 * ir)) v |= 1n << BigInt((1 << j) - 1);
  return v;
});

const lane = (p, x, y) => `${p}${String(x + 5 * y).padStart(2, '0')}`;
const rot = (v, n) => (n === 0 ? v : `rotl<u64>(${v}, ${n})`);

// Lane complementing (Bertoni, Daemen, Peeters, Van Assche, Van Keer, "Keccak implementation
// overview" §2.2): the lanes in COMPLEMENTED are held inverted between rounds, which lets χ's
// ~b1 & b2 become an AND or an OR of the held values in all but a few places. WebAssembly has no
// and-not for i64, so each saved NOT is an instruction. The set is the paper's; the forms of χ per
// lane are searched for here and the whole round is checked against the plain round below.
const COMPLEMENTED = new Set([1, 2, 8, 12, 17, 20]);

/** Finds [notB0, notB1, notB2, op] with the fewest NOTs so that, on held values b' = b ^ f, χ gives out ^ g. */
function chiForm(f0, f1, f2, g) {
  let best;
  for (let n = 0; n < 8; n++) for (const op of ['&', '|']) {
    const n0 = n & 1, n1 = (n >> 1) & 1, n2 = (n >> 2) & 1;
    let ok = true;
    for (let t = 0; t < 8 && ok; t++) {
      const b0 = t & 1, b1 = (t >> 1) & 1, b2 = (t >> 2) & 1;
      const want = (b0 ^ ((1 - b1) & b2)) ^ g;
      const h0 = b0 ^ f0 ^ n0, h1 = b1 ^ f1 ^ n1, h2 = b2 ^ f2 ^ n2;
      const got = h0 ^ (op === '&' ? h1 & h2 : h1 | h2);
      ok = got === want;
    }
    const cost = n0 + n1 + n2;
    if (ok && (!best || cost < best.cost)) best = { n0, n1, n2, op, cost };
  }
  if (!best) throw new Error('no χ form');
  return best;
}

/** One round (θ, ρ, π, χ, ι) from lanes `src` into lanes `dst`; `rcExpr` is ι's constant. */
function round(src, dst, rcExpr) {
  const out = [];
  const flip = (i) => (COMPLEMENTED.has(i) ? 1 : 0);
  // θ on held values: C'[x] is C[x] inverted when column x holds an odd number of inverted lanes,
  // and D'[x] = C'[x−1] ^ ROT(C'[x+1], 1) inverts with C'[x−1] ^ C'[x+1].
  const cFlip = [0, 1, 2, 3, 4].map((x) => [0, 1, 2, 3, 4].reduce((a, y) => a ^ flip(x + 5 * y), 0));
  const dFlip = [0, 1, 2, 3, 4].map((x) => cFlip[(x + 4) % 5] ^ cFlip[(x + 1) % 5]);
  for (let x = 0; x < 5; x++) out.push(`    c${x} = ${[0, 1, 2, 3, 4].map((y) => lane(src, x, y)).join(' ^ ')};`);
  for (let x = 0; x < 5; x++) out.push(`    d${x} = c${(x + 4) % 5} ^ rotl<u64>(c${(x + 1) % 5}, 1);`);
  for (let Y = 0; Y < 5; Y++) {
    // π: B[X, Y] = ρ(A[X + 3Y, X]); θ's D is added on the way in.
    const b = [], bFlip = [];
    for (let X = 0; X < 5; X++) {
      const x = (X + 3 * Y) % 5, y = X;
      b.push(`b${X} = ${rot(`${lane(src, x, y)} ^ d${x}`, rho[x][y])}`);
      bFlip.push(flip(x + 5 * y) ^ dFlip[x]);
    }
    out.push(`    ${b.join('; ')};`);
    // χ: A[X, Y] = B[X, Y] ^ (~B[X + 1, Y] & B[X + 2, Y]), in the form the held values allow; ι on lane (0, 0).
    for (let X = 0; X < 5; X++) {
      const i1 = (X + 1) % 5, i2 = (X + 2) % 5;
      const f = chiForm(bFlip[X], bFlip[i1], bFlip[i2], flip(X + 5 * Y));
      const t = (n, i) => (n ? `~b${i}` : `b${i}`);
      const chi = `${t(f.n0, X)} ^ (${t(f.n1, i1)} ${f.op} ${t(f.n2, i2)})`;
      out.push(`    ${lane(dst, X, Y)} = ${X === 0 && Y === 0 ? `${chi} ^ ${rcExpr}` : chi};`);
    }
  }
  return out;
}

// ---- check: one complemented round equals the plain round on 100 random states ----------------
const M64 = (1n << 64n) - 1n;
const rotl64 = (v, n) => (n === 0 ? v : ((v << BigInt(n)) | (v >> BigInt(64 - n))) & M64);
function plainRound(A, rcv) {
  const C = [0, 1, 2, 3, 4].map((x) => A[x] ^ A[x + 5] ^ A[x + 10] ^ A[x + 15] ^ A[x + 20]);
  const D = [0, 1, 2, 3, 4].map((x) => C[(x + 4) % 5] ^ rotl64(C[(x + 1) % 5], 1));
  const B = new Array(25);
  for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) B[y + 5 * ((2 * x + 3 * y) % 5)] = rotl64(A[x + 5 * y] ^ D[x], rho[x][y]);
  const E = new Array(25);
  for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) E[x + 5 * y] = B[x + 5 * y] ^ (~B[(x + 1) % 5 + 5 * y] & M64 & B[(x + 2) % 5 + 5 * y]);
  E[0] ^= rcv;
  return E;
}
function evalRound(lines, A, rcv) {
  // Interprets the generated statements (a tiny subset of AssemblyScript) on BigInts.
  const env = { rc: rcv };
  A.forEach((v, i) => { env[`a${String(i).padStart(2, '0')}`] = v; });
  for (const line of lines) for (const stmt of line.split(';').map((x) => x.trim()).filter(Boolean)) {
    const [name, expr] = stmt.split(' = ');
    const js = expr.replace(/rotl<u64>\(([^,]+), (\d+)\)/g, 'rotl64($1, $2)').replace(/~(\w+)/g, '(~$1 & M64)').replace(/load<u64>\([^)]*\)/, 'rc');
    env[name] = Function('env', 'rotl64', 'M64', `with (env) { return ${js}; }`)(env, rotl64, M64);
  }
  return Array.from({ length: 25 }, (_, i) => env[`e${String(i).padStart(2, '0')}`]);
}
{
  const lines = round('a', 'e', 'load<u64>(RC)');
  const mask = (i) => (COMPLEMENTED.has(i) ? M64 : 0n);
  for (let trial = 0; trial < 100; trial++) {
    const A = Array.from({ length: 25 }, () => BigInt.asUintN(64, BigInt(Math.floor(Math.random() * 2 ** 53)) * 2654435761n + BigInt(trial)));
    const want = plainRound(A, RC[trial % 24]);
    const got = evalRound(lines, A.map((v, i) => v ^ mask(i)), RC[trial % 24]).map((v, i) => v ^ mask(i));
    if (got.some((v, i) => v !== want[i])) throw new Error('complemented round differs from the plain round');
  }
}
const nots = round('a', 'e', 'rc').join('\n').split('~').length - 1;

// Two rounds per loop iteration (A → E → A). Unrolling all 24 with the constants as immediates
// measured 1.3× slower than hash-wasm where this is 0.8× (docs/MLKEM.md).
const body = [...round('a', 'e', 'load<u64>(RC + (r << 3))'), ...round('e', 'a', 'load<u64>(RC + (r << 3), 8)')].join('\n');

const file = 'assembly/sha3.ts';
const src = readFileSync(file, 'utf8');
const start = src.indexOf('    // GENERATED ROUNDS BEGIN');
const end = src.indexOf('    // GENERATED ROUNDS END');
if (start < 0 || end < 0) throw new Error(`${file}: GENERATED markers not found`);
const rcStart = src.indexOf('// GENERATED RC BEGIN');
const rcEnd = src.indexOf('// GENERATED RC END');
if (rcStart < 0 || rcEnd < 0) throw new Error(`${file}: GENERATED RC markers not found`);
const rcLines = [];
for (let i = 0; i < 24; i += 4) rcLines.push('  ' + RC.slice(i, i + 4).map((v) => `0x${v.toString(16).padStart(16, '0')}`).join(', ') + ',');
let out = src.slice(0, src.indexOf('\n', rcStart) + 1) + rcLines.join('\n') + '\n' + src.slice(rcEnd, src.indexOf('\n', start) + 1) + body + '\n' + src.slice(end);
writeFileSync(file, out);
console.log(`rho: ${JSON.stringify(rho)}; NOTs per round: ${nots}; complemented lanes: ${[...COMPLEMENTED].join(', ')}`);
