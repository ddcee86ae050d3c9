// Generates the straight-line multiply and square of assembly/fe25519.ts (between the GENERATED
// markers), 10 limbs in radix 2^25.5: multiplications by one level of Karatsuba over the even/odd
// limb split (75 products, see below), squares with ref10's fe_sq columns (55 products, the
// 2^255 ≡ 19 fold and the odd×odd doubling on precomputed multiples), then ref10's carry chain.
// Checks the Karatsuba intermediates against 2^63 before writing anything.
// Usage: node scripts/gen-fe25519.mjs   (rewrites assembly/fe25519.ts in place)
import { readFileSync, writeFileSync } from 'node:fs';

const odd = (i) => i & 1;

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

// Square (ref10's fe_sq columns): term f_i·f_j of h_k (k = (i + j) mod 10) has factor 2 when i and
// j are both odd, 19 when i + j ≥ 10. h_k = D_k + 2·X_k, where D_k collects the squares f_i² and
// X_k the cross products f_i·f_j (i < j), the factors carried by f_i_2 = 2·f_i (odd i) and
// f_j_19 = 19·f_j (j ≥ 5): 10 precomputed values instead of ref10's 19 (fewer live values, fewer
// spills), then one doubling per column.
function sq(f = ['f']) {
  const lines = [`  const ${operand('f', ...f)};`];
  lines.push(`  const ${[1, 3, 5, 7, 9].map((i) => `f${i}_2 = 2 * f${i}`).concat([5, 6, 7, 8, 9].map((j) => `f${j}_19 = 19 * f${j}`)).join(', ')};`);
  for (let k = 0; k < 10; k++) {
    const diag = [], cross = [];
    for (let i = 0; i < 10; i++) {
      const j = (k - i + 10) % 10;
      if (j < i) continue;
      const left = odd(i) && odd(j) ? `f${i}_2` : `f${i}`;
      const right = i + j >= 10 ? `f${j}_19` : `f${j}`;
      (i === j ? diag : cross).push(`${left} * ${right}`);
    }
    const d = diag.length ? diag.join(' + ') + ' + ' : '';
    lines.push(`  let h${k} = ${d}2 * (${cross.join(' + ')});`);
  }
  return lines.join('\n');
}

// Karatsuba over the even/odd split (see docs/CURVE25519.md, "Multiply"): with X = 2^51,
// f = E_f(X) + 2^26·O_f(X) where E_f = Σ f_2i X^i and O_f = Σ f_2i+1 X^i (limb 2i sits at bit 51i,
// limb 2i+1 at 51i + 26). Then f·g = EE + 2^26·(SS − EE − OO) + 2^52·OO with EE = E_f·E_g,
// OO = O_f·O_g, SS = (E_f + O_f)(E_g + O_g): three 5×5 products (75 multiplications) instead of 100.
// 2^52 = 2·X puts OO_k (doubled) on limb 2k + 2, and X^5 = 2^255 ≡ 19 folds coefficient k ≥ 5 onto
// k − 5 with one multiplication by 19 per folded column (9) after the subtraction, so every column
// ends up exactly equal to the schoolbook column (same bounds as ref10); SS itself is checked below.
function conv(name, a, b) {
  // name_k = Σ_{i+j=k} a_i·b_j for 5-limb a, b (k = 0..8).
  const out = [];
  for (let k = 0; k <= 8; k++) {
    const terms = [];
    for (let i = 0; i < 5; i++) {
      const j = k - i;
      if (j >= 0 && j <= 4) terms.push(`${a(i)} * ${b(j)}`);
    }
    out.push(`${name}${k} = ${terms.join(' + ')}`);
  }
  return `  const ${out.join(', ')};`;
}
function karatsubaFold() {
  const lines = [];
  for (let k = 0; k < 9; k++) lines.push(`m${k} = ss${k} - ee${k} - oo${k}`);
  const l = [`  const ${lines.join(', ')};`];
  // Even limbs: EE_k + 2·OO_{k−1}; odd limbs: M_k; coefficients k ≥ 5 fold with ×19.
  const even = (k) => [k <= 8 ? `ee${k}` : null, k >= 1 && k - 1 <= 8 ? `2 * oo${k - 1}` : null].filter(Boolean).join(' + ');
  for (let k = 0; k < 5; k++) {
    l.push(`  let h${2 * k} = ${even(k)} + 19 * (${even(k + 5)});`);
    l.push(k < 4 ? `  let h${2 * k + 1} = m${k} + 19 * m${k + 5};` : `  let h${2 * k + 1} = m${k};`);
  }
  return l.join('\n');
}
function mulK(f = ['f'], g = ['g'], prelude = undefined) {
  const lines = prelude ? [...prelude] : [`  const ${operand('f', ...f)};`, `  const ${operand('g', ...g)};`];
  lines.push(`  const ${[0, 1, 2, 3, 4].map((i) => `fs${i} = f${2 * i} + f${2 * i + 1}`).join(', ')};`);
  lines.push(`  const ${[0, 1, 2, 3, 4].map((i) => `gs${i} = g${2 * i} + g${2 * i + 1}`).join(', ')};`);
  lines.push(conv('ee', (i) => `f${2 * i}`, (j) => `g${2 * j}`));
  lines.push(conv('oo', (i) => `f${2 * i + 1}`, (j) => `g${2 * j + 1}`));
  lines.push(conv('ss', (i) => `fs${i}`, (j) => `gs${j}`));
  lines.push(karatsubaFold());
  return lines.join('\n');
}
// Bound check (interval arithmetic on |·|): inputs are at most one unreduced sum of reduced
// elements, ref10's precondition |f_i| ≤ 1.65·2^26 (even i), 1.65·2^25 (odd i); every intermediate
// of the Karatsuba form must stay below 2^63.
{
  const B = (i) => (i % 2 === 0 ? 1.65 * 2 ** 26 : 1.65 * 2 ** 25);
  const e = [0, 1, 2, 3, 4].map((i) => B(2 * i)), o = [0, 1, 2, 3, 4].map((i) => B(2 * i + 1));
  const s = e.map((x, i) => x + o[i]);
  const cv = (a, b) => Array.from({ length: 9 }, (_, k) => { let t = 0; for (let i = 0; i < 5; i++) if (k - i >= 0 && k - i < 5) t += a[i] * b[k - i]; return t; });
  const ee = cv(e, e), oo = cv(o, o), ss = cv(s, s);
  const m = ss.map((x, k) => x + ee[k] + oo[k]);            // |SS − EE − OO| ≤ SS + EE + OO
  const cross = Array.from({ length: 9 }, (_, k) => { let t = 0; for (let i = 0; i < 5; i++) if (k - i >= 0 && k - i < 5) t += e[i] * o[k - i] + o[i] * e[k - i]; return t; });
  const ev = (k) => (k <= 8 ? ee[k] : 0) + (k >= 1 && k <= 9 ? 2 * oo[k - 1] : 0);
  let max = Math.max(...ss, ...m);
  for (let k = 0; k < 5; k++) max = Math.max(max, ev(k) + 19 * ev(k + 5), cross[k] + (k < 4 ? 19 * cross[k + 5] : 0));
  if (!(max < 2 ** 63)) throw new Error(`Karatsuba bound ${Math.log2(max)} ≥ 63`);
}

// Prelude of feMulDiffA24: f = E = a − b, g = b + 121666·E with 121666·E carried (ref10's
// fe_mul121666 carry order), so g is one unreduced sum of reduced elements, like every other
// multiplication input (|121666·E_i| < 2^44 before the carry).
const A24_PRELUDE = [
  `  const ${Array.from({ length: 10 }, (_, i) => `f${i} = load<i64>(a, ${8 * i}) - load<i64>(b, ${8 * i})`).join(', ')};`,
  `  let ${Array.from({ length: 10 }, (_, i) => `t${i} = f${i} * 121666`).join(', ')};`,
  `  let k: i64;`,
  ...[[9, 0, 25, 19], [1, 2, 25], [3, 4, 25], [5, 6, 25], [7, 8, 25], [0, 1, 26], [2, 3, 26], [4, 5, 26], [6, 7, 26], [8, 9, 26]].map(
    ([i, j, bits, m]) => `  k = (t${i} + (1 << ${bits - 1})) >> ${bits}; t${j} += ${m ? `k * ${m}` : 'k'}; t${i} -= k << ${bits};`),
  `  const ${Array.from({ length: 10 }, (_, i) => `g${i} = load<i64>(b, ${8 * i}) + t${i}`).join(', ')};`,
];

const body = `// GENERATED FIELD BEGIN (scripts/gen-fe25519.mjs)
/** h = f · g. Inputs may be unreduced sums/differences of reduced elements (ref10 bounds). */
export function feMul(h: usize, f: usize, g: usize): void {
${mulK()}
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
${mulK(['a', 'b', '-'], ['u', 'v', '+'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = (a + b) · (u − v). */
export function feMulSumDiff(h: usize, a: usize, b: usize, u: usize, v: usize): void {
${mulK(['a', 'b', '+'], ['u', 'v', '-'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = (a + b) · (u + v). */
export function feMulSumSum(h: usize, a: usize, b: usize, u: usize, v: usize): void {
${mulK(['a', 'b', '+'], ['u', 'v', '+'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = (a − b) · (u − v). */
export function feMulDiffDiff(h: usize, a: usize, b: usize, u: usize, v: usize): void {
${mulK(['a', 'b', '-'], ['u', 'v', '-'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = (a − b) · g. */
export function feMulDiff(h: usize, a: usize, b: usize, g: usize): void {
${mulK(['a', 'b', '-'], ['g'])}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}

/** h = f · (u + v). */
export function feMulSum(h: usize, f: usize, u: usize, v: usize): void {
${mulK(['f'], ['u', 'v', '+'])}
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

/** h = (a − b)·(b + 121666·(a − b)): the ladder's z2 = E·(BB + 121666·E) with E = AA − BB. */
export function feMulDiffA24(h: usize, a: usize, b: usize): void {
${mulK(undefined, undefined, A24_PRELUDE)}
${CARRY.replace(/^    /gm, '  ')}${STORE}
}
// GENERATED FIELD END`;

const file = new URL('../assembly/fe25519.ts', import.meta.url);
const src = readFileSync(file, 'utf8');
const out = src.replace(/\/\/ GENERATED FIELD BEGIN[\s\S]*?\/\/ GENERATED FIELD END/, body);
if (out === src && !src.includes(body)) throw new Error('markers not found');
writeFileSync(file, out);
