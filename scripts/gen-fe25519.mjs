// Generates the straight-line multiply and square of assembly/fe25519.ts (between the GENERATED
// markers): schoolbook products of 10 limbs in radix 2^25.5 with the 2^255 ≡ 19 fold and the
// odd×odd doubling folded into precomputed multiples, as in ref10's fe_mul / fe_sq.
// Usage: node scripts/gen-fe25519.mjs   (rewrites assembly/fe25519.ts in place)
import { readFileSync, writeFileSync } from 'node:fs';

const odd = (i) => i & 1;

// Term f_i·g_j of h_k (k = (i + j) mod 10): factor 2 when both odd, 19 when i + j ≥ 10.
function factor(i, j) {
  return (odd(i) && odd(j) ? 2 : 1) * (i + j >= 10 ? 19 : 1);
}

const CARRY = `    let c: i64;
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
`;
const STORE = Array.from({ length: 10 }, (_, i) => `  store<i64>(h, h${i}, ${8 * i});`).join('\n');
const LOAD = (v, p) => Array.from({ length: 10 }, (_, i) => `${v}${i} = load<i64>(${p}, ${8 * i})`).join(', ');

// An operand is a pointer `p`, or the sum/difference of two: loaded straight into registers.
const operand = (v, p, q, op) => q === undefined ? LOAD(v, p)
  : Array.from({ length: 10 }, (_, i) => `${v}${i} = load<i64>(${p}, ${8 * i}) ${op} load<i64>(${q}, ${8 * i})`).join(', ');

function mul(f = ['f'], g = ['g']) {
  const lines = [`  const ${operand('f', ...f)};`, `  const ${operand('g', ...g)};`];
  // Precomputed multiples of g: 19·g_j (j ≥ 1), 2·f_i (odd i); 38 = 2·19 from 19·g_j and 2·f_i.
  lines.push(`  const ${[1, 2, 3, 4, 5, 6, 7, 8, 9].map((j) => `g${j}_19 = 19 * g${j}`).join(', ')};`);
  lines.push(`  const ${[1, 3, 5, 7, 9].map((i) => `f${i}_2 = 2 * f${i}`).join(', ')};`);
  for (let k = 0; k < 10; k++) {
    const terms = [];
    for (let i = 0; i < 10; i++) {
      const j = (k - i + 10) % 10;
      const fac = factor(i, j);
      const fv = fac % 2 === 0 ? `f${i}_2` : `f${i}`;
      const gv = fac % 19 === 0 ? `g${j}_19` : `g${j}`;
      terms.push(`${fv} * ${gv}`);
    }
    lines.push(`  let h${k} = ${terms.join(' + ')};`);
  }
  return lines.join('\n');
}

// Square: h_k = Σ_{i<j} 2·f_i·f_j·factor + Σ_{2i≡k} f_i²·factor.
function sq(f = ['f']) {
  const lines = [`  const ${operand('f', ...f)};`];
  const names = new Set();
  const prod = [];
  for (let k = 0; k < 10; k++) {
    const terms = [];
    for (let i = 0; i < 10; i++) {
      const j = (k - i + 10) % 10;
      if (j < i) continue;
      let fac = factor(i, j) * (i === j ? 1 : 2);
      // Split the factor over the two operands: powers of 2 onto f_i, 19 onto f_j.
      const a = fac % 19 === 0 ? fac / 19 : fac;
      const b = fac % 19 === 0 ? 19 : 1;
      const left = a === 1 ? `f${i}` : `f${i}_${a}`;
      const right = b === 1 ? `f${j}` : `f${j}_19`;
      if (a !== 1) names.add(`f${i}_${a} = ${a} * f${i}`);
      if (b !== 1) names.add(`f${j}_19 = 19 * f${j}`);
      terms.push(`${left} * ${right}`);
    }
    prod.push(`  let h${k} = ${terms.join(' + ')};`);
  }
  lines.push(`  const ${[...names].sort().join(', ')};`);
  return lines.concat(prod).join('\n');
}

const body = `// GENERATED FIELD BEGIN (scripts/gen-fe25519.mjs)
/** h = f · g. Inputs may be unreduced sums/differences of reduced elements (ref10 bounds). */
export function feMul(h: usize, f: usize, g: usize): void {
${mul()}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = f². */
export function feSq(h: usize, f: usize): void {
${sq()}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = 2·f² (the doubling formula's 2·Z²). */
export function feSq2(h: usize, f: usize): void {
${sq()}
  h0 += h0; h1 += h1; h2 += h2; h3 += h3; h4 += h4; h5 += h5; h6 += h6; h7 += h7; h8 += h8; h9 += h9;
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

// Fused forms for the ladder and the Edwards formulas: the sum/difference never round-trips
// through memory.
/** h = (a − b) · (u + v). */
export function feMulDiffSum(h: usize, a: usize, b: usize, u: usize, v: usize): void {
${mul(['a', 'b', '-'], ['u', 'v', '+'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = (a + b) · (u − v). */
export function feMulSumDiff(h: usize, a: usize, b: usize, u: usize, v: usize): void {
${mul(['a', 'b', '+'], ['u', 'v', '-'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = (a + b) · (u + v). */
export function feMulSumSum(h: usize, a: usize, b: usize, u: usize, v: usize): void {
${mul(['a', 'b', '+'], ['u', 'v', '+'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = (a − b) · (u − v). */
export function feMulDiffDiff(h: usize, a: usize, b: usize, u: usize, v: usize): void {
${mul(['a', 'b', '-'], ['u', 'v', '-'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = (a − b) · g. */
export function feMulDiff(h: usize, a: usize, b: usize, g: usize): void {
${mul(['a', 'b', '-'], ['g'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = f · (u + v). */
export function feMulSum(h: usize, f: usize, u: usize, v: usize): void {
${mul(['f'], ['u', 'v', '+'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = (a + b)². */
export function feSqSum(h: usize, a: usize, b: usize): void {
${sq(['a', 'b', '+'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = (a − b)². */
export function feSqDiff(h: usize, a: usize, b: usize): void {
${sq(['a', 'b', '-'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}
// GENERATED FIELD END`;

const file = new URL('../assembly/fe25519.ts', import.meta.url);
const src = readFileSync(file, 'utf8');
const out = src.replace(/\/\/ GENERATED FIELD BEGIN[\s\S]*?\/\/ GENERATED FIELD END/, body);
if (out === src && !src.includes(body)) throw new Error('markers not found');
writeFileSync(file, out);
