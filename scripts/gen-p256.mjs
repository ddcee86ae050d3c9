// Generates the P-256 core's straight-line code and constants (between the GENERATED markers of
// assembly/p256/field.ts, assembly/p256/scalar.ts and assembly/p256/base-table.ts):
//   - mod p: Montgomery multiplication and squaring over 9 × 29-bit limbs (R = 2^261), products
//     accumulated in 64-bit columns without carries, then a separated reduction in which q·p is five
//     shifted copies of q (p = 2^256 − 2^224 + 2^192 + 2^96 − 1; n0' = 1);
//   - mod n: the same over 9 × 29-bit limbs, with real multiplications by n's limbs in the reduction;
//   - the base point G in the layout of the fixed-base tables, which the core builds from it when it
//     is instantiated (assembly/p256/point.ts buildBaseTables; test/core/tables.test.ts checks them).
// Usage: node scripts/gen-p256.mjs   (rewrites the three files in place)
import { readFileSync, writeFileSync } from 'node:fs';

const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;
const R = 2n ** 256n;
const R29 = 2n ** 261n;
const M32 = 0xffffffffn;

const mod = (a, m) => ((a % m) + m) % m;
function pow(a, e, m) { let r = 1n; a = mod(a, m); while (e) { if (e & 1n) r = r * a % m; a = a * a % m; e >>= 1n; } return r; }

/** a^-1 mod 2^32 for odd a (Newton iteration). */
function inv32(a) { let x = 1n; for (let i = 0; i < 6; i++) x = (x * (2n - a * x)) & M32; return x; }
const limbs = (x) => Array.from({ length: 8 }, (_, i) => Number((x >> BigInt(32 * i)) & M32));

// ---- Montgomery arithmetic, radix 2^29 -------------------------------------------------------------------------
const M29 = (1n << 29n) - 1n;
const limbs29 = (x) => Array.from({ length: 10 }, (_, i) => (i < 9 ? Number((x >> BigInt(29 * i)) & M29) : 0));


/**
 * Montgomery multiplication (or squaring) over 9 × 29-bit limbs, R = 2^261: the 17 product columns
 * accumulate in u64 (each < 2^62 for limbs < 2^29), then nine reduction steps add q·M·2^(29i) with
 * q = T_i·n0' mod 2^29, and the result T9..T17 is carried back into 29-bit limbs.
 * Mod p, n0' = 1 and q·p_j are shifts; mod n they are multiplications by the limbs of n.
 */
function mont29(name, square, modulus) {
  const isP = modulus === P;
  const m = limbs29(modulus);
  const n0 = Number(mod(-inv32(modulus & M32), 2n ** 29n)); // −M^-1 mod 2^29
  // Mod p the columns are signed (i64): q·p = q·(2^256 − 2^224 + 2^192 + 2^96 − 1) is added term by
  // term at its bit position, one shift each, and −q·2^224 may leave a column negative for a while;
  // arithmetic shifts keep the carries exact. Mod n everything is unsigned.
  const T = isP ? 'i64' : 'u64';
  const what = isP ? 'p' : 'n';
  const L = [];
  L.push(square
    ? `/** Montgomery square mod ${what}: r = a²·2^-261 mod ${what} (weakly reduced, see the file header). r may alias a. */`
    : `/** Montgomery product mod ${what}: r = a·b·2^-261 mod ${what} (weakly reduced, see the file header). r may alias a or b. */`);
  L.push(square ? `export function ${name}(r: usize, a: usize): void {` : `export function ${name}(r: usize, a: usize, b: usize): void {`);
  for (let j = 0; j < 9; j++) L.push(`  const a${j} = <${T}>load<u32>(a, ${4 * j});`);
  if (!square) for (let j = 0; j < 9; j++) L.push(`  const b${j} = <${T}>load<u32>(b, ${4 * j});`);
  else for (let j = 0; j < 8; j++) L.push(`  const d${j} = a${j} << 1;`);
  const cols = Array.from({ length: 17 }, () => []);
  for (let i = 0; i < 9; i++) {
    for (let j = 0; j < 9; j++) {
      if (square) {
        if (j < i) continue;
        cols[i + j].push(i === j ? `a${i} * a${i}` : `d${i} * a${j}`);
      } else cols[i + j].push(`a${i} * b${j}`);
    }
  }
  for (let k = 0; k < 17; k++) L.push(`  let t${k}: ${T} = ${cols[k].join(' + ')};`);
  L.push(`  let q: ${T};`);
  for (let i = 0; i < 9; i++) {
    if (isP) {
      // n0' = 1: q = T_i mod 2^29; the −q term clears T_i's low bits, so the carry is T_i >> 29.
      L.push(`  q = t${i} & 0x1fffffff;`);
      L.push(`  t${i + 1} += t${i} >> 29; t${i + 3} += q << 9; t${i + 6} += q << 18; t${i + 7} -= q << 21; t${i + 8} += q << 24;`);
    } else {
      L.push(`  q = (t${i} * 0x${n0.toString(16)}) & 0x1fffffff;`);
      L.push(`  t${i + 1} += ((t${i} + q * 0x${m[0].toString(16)}) >> 29) + q * 0x${m[1].toString(16)};`);
      for (let j = 2; j < 9; j++) if (m[j]) L.push(`  t${i + j} += q * 0x${m[j].toString(16)};`);
    }
  }
  L.push(`  let c: ${T} = t9 >> 29;`);
  L.push(`  store<u32>(r, <u32>(t9 & 0x1fffffff), 0);`);
  for (let j = 1; j < 8; j++) {
    L.push(`  t${9 + j} += c; c = t${9 + j} >> 29; store<u32>(r, <u32>(t${9 + j} & 0x1fffffff), ${4 * j});`);
  }
  L.push(`  store<u32>(r, <u32>(c), 32);`);
  L.push(`}`);
  return L.join('\n');
}

function splice(file, body) {
  const src = readFileSync(file, 'utf8');
  const begin = '// ---- BEGIN GENERATED by scripts/gen-p256.mjs ----';
  const end = '// ---- END GENERATED ----';
  const a = src.indexOf(begin), b = src.indexOf(end);
  if (a < 0 || b < 0) throw new Error(`${file}: GENERATED markers not found`);
  writeFileSync(file, src.slice(0, a + begin.length) + '\n' + body + '\n' + src.slice(b));
}

/** G in the tables' layout: affine (x, y), Montgomery form, 29-bit limbs plus a zero pad. */
function baseTableG() {
  const words = [GX, GY].flatMap((v) => limbs29(mod(v * R29, P)));
  const row = (ws) => '  ' + ws.map((w) => '0x' + w.toString(16).padStart(8, '0')).join(', ') + ',';
  return `export const G_AFFINE: usize = memory.data<u32>([\n${row(words.slice(0, 10))}\n${row(words.slice(10))}\n]);`;
}

const here = new URL('../assembly/p256/', import.meta.url);
splice(new URL('field.ts', here), mont29('fpMul', false, P) + '\n\n' + mont29('fpSqr', true, P));
splice(new URL('scalar.ts', here), mont29('fnMul', false, N) + '\n\n' + mont29('fnSqr', true, N));
splice(new URL('base-table.ts', here), baseTableG());
// The constants field.ts spells out (29-bit limbs, R = 2^261), for checking by eye.
const show = (x) => limbs29(x).map((v) => '0x' + v.toString(16)).join(', ');
console.log('R^2 mod p', show(R29 * R29 % P));
console.log('R mod p  ', show(R29 % P));
console.log('b·R mod p', show(B * R29 % P));
console.log('p        ', show(P));
console.log('4p       ', show(4n * P));
console.log('n        ', show(N));
console.log('R^2 mod n', show(R29 * R29 % N));
console.log('R mod n  ', show(R29 % N));
// fpInv / fnInv (modinv.ts): R^3 turns the plain inverse of a·R into a^-1·R; safegcd's signed30
// limbs of the moduli and their inverses mod 2^30.
const M30 = (1n << 30n) - 1n;
const signed30 = (x) => Array.from({ length: 9 }, (_, i) => '0x' + ((x >> BigInt(30 * i)) & M30).toString(16)).join(', ');
const inv30 = (x) => { let y = 1n; for (let i = 0; i < 6; i++) y = (y * (2n - x * y)) & M30; return y; };
console.log('R^3 mod p', show(R29 ** 3n % P));
console.log('R^3 mod n', show(R29 ** 3n % N));
console.log('p signed30', signed30(P), ' p^-1 mod 2^30', inv30(P));
console.log('n signed30', signed30(N), ' n^-1 mod 2^30', inv30(N));
