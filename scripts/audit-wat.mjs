// `npm run audit:wat`: looks for secret-dependent branches and memory addresses in the compiled
// core (dist/core.wat, the release build's text form). For each function that handles secrets it
// runs a small taint analysis over the WebAssembly stack machine:
//   - sources: every value loaded from linear memory is secret (keys, scalars, field elements and
//     hash state all live there); parameters (pointers, lengths) and constants are public;
//   - propagation: through the operand stack, locals (flow-sensitive, with a fixpoint over loops
//     and merges at block ends), and calls (a result is secret if any argument is, or if the callee
//     reads memory — i.e. always, conservatively);
//   - sinks: the condition of `if`, `br_if` and `br_table` (a branch), the address of a load or
//     store or the operands of memory.copy/fill (a cache-timing channel), and the condition of
//     `select` (V8 usually emits a conditional move, but no engine promises it; docs/CURVE25519.md).
// A branch on a public value (a loop counter against a constant, a public length) is counted, not
// listed. Every secret sink is listed with its function, line and the instructions that compute it;
// those a human reviewed and found public (the analysis cannot know that a value loaded from memory
// is a public length) are listed under REVIEWED with the reason. Exit status 1 for an unreviewed
// secret sink. This is a review aid, not a proof: see docs/SECURITY.md.
//
//   node scripts/audit-wat.mjs [path/to/core.wat] [--json] [--all]   (--all: audit every function)

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

// Functions that handle secrets (names as in the .wat; the release build inlines many helpers, e.g.
// the X25519 ladder and its cswap live inside $assembly/x25519/x25519).
const SECRET_FUNCTIONS = [
  // Curve25519 field and X25519 (ladder + cswap inlined)
  /^\$assembly\/fe25519\//, '$assembly/x25519/x25519', '$assembly/x25519/x25519Base',
  // Ed25519 signing: fixed-base scalar multiplication, table lookup, scalar arithmetic, nonce
  '$assembly/ed25519/geScalarmultBase', '$assembly/ed25519/tableSelect', '$assembly/ed25519/fold', '$assembly/ed25519/dbl',
  '$assembly/ed25519/add', '$assembly/ed25519/p3ToCached', '$assembly/ed25519/geToBytes', '$assembly/ed25519/encode',
  '$assembly/ed25519/expandSeed', '$assembly/ed25519/nonce', '$assembly/ed25519/scReduce', '$assembly/ed25519/reduceLimbs',
  '$assembly/ed25519/scMulAdd', '$assembly/ed25519/maddInPlace', '$assembly/ed25519/finishSignature',
  '$assembly/ed25519/ed25519Sign', '$assembly/ed25519/ed25519SignWithPublicKey', '$assembly/ed25519/ed25519PublicKey',
  // P-256 field, scalar, points, fixed-base and variable-base ladders, ECDH, ECDSA signing
  /^\$assembly\/p256\/field\//, /^\$assembly\/p256\/scalar\//, /^\$assembly\/modinv\//, '$assembly/p256/point/pointAdd', '$assembly/p256/point/pointDouble',
  '$assembly/p256/point/jacobianDouble', '$assembly/p256/point/maddBegin', '$assembly/p256/point/maddEnd',
  '$assembly/p256/point/jacobianToProjective', '$assembly/p256/point/ctAddDigit', '$assembly/p256/point/batchToAffine',
  '$assembly/p256/point/pointMulCt', '$assembly/p256/point/multiplesAffine', '$assembly/p256/point/pointToAffine', '$assembly/p256/point/ctLookup', '$assembly/p256/point/baseMulCt',
  '$assembly/p256/point/affineEncode', '$assembly/p256/point/addTail', '$assembly/p256/ecdh/p256Ecdh',
  '$assembly/p256/ecdh/p256PublicKey', '$assembly/p256/ecdh/wipeAll', '$assembly/p256/ecdsa/p256Sign',
  // SHA-2 compression (keys and secrets are hashed), HMAC, HKDF, constant-time tag comparison
  /^\$assembly\/sha256\//, /^\$assembly\/sha512\//, /^\$assembly\/hmac\//, /^\$assembly\/hkdf\//,
  // SHA-3 sponge (ML-KEM and X-Wing hash their secrets with it); ML-KEM-768 (NTT, noise, encodings,
  // K-PKE, the FO transform with implicit rejection) and X-Wing
  /^\$assembly\/sha3\//, /^\$assembly\/mlkem\//, /^\$assembly\/xwing\//,
  '$assembly/index/hmacSha256', '$assembly/index/hmacSha512', '$assembly/index/hmacSha256Verify', '$assembly/index/hmacSha512Verify',
  /^\$assembly\/index\/hkdf/,
];

// Functions over public data only (signature verification, point decoding): not audited, their
// loads are public, and they do not make the parameters of the helpers they share secret.
const PUBLIC_DATA = [
  '$assembly/ed25519/ed25519Verify', '$assembly/ed25519/ed25519IsValidPublicKey', '$assembly/ed25519/doubleScalarmultVartime', '$assembly/ed25519/slide',
  '$assembly/ed25519/fromBytesNegate', '$assembly/p256/ecdsa/p256Verify', '$assembly/p256/point/wnaf',
  '$assembly/p256/point/pointMulDoubleVartime', '$assembly/p256/point/addAffineVartime',
  '$assembly/p256/point/pointDecode', '$assembly/p256/point/curveRhs', '$assembly/p256/ecdh/p256NormalizePoint',
  '$assembly/index/sha256Digest', '$assembly/index/sha512Digest', '$assembly/index/sha512IterateDigest',
];

// Fields of a hash context that hold public values: the message length so far and the number of
// bytes buffered (assembly/sha256.ts, sha512.ts: the context's `len` / `bufLen`; assembly/sha3.ts:
// the sponge's `pos` and `rate`). A load at one of
// these offsets from a public pointer is public. Reviewed by hand; see docs/SECURITY.md.
const PUBLIC_FIELDS = {
  '$assembly/sha256/sha256Update': [96, 104], '$assembly/sha256/sha256Final': [96, 104],
  '$assembly/sha512/sha512Update': [192, 200], '$assembly/sha512/sha512Final': [192, 200],
  // assembly/sha3.ts: the sponge's position in the block and its rate, after the 200-byte state.
  '$assembly/sha3/keccakUpdate': [200, 204], '$assembly/sha3/keccakFinal': [200, 204], '$assembly/sha3/keccakSqueeze': [200, 204],
};

// Secret sinks a human traced to values whose disclosure is harmless. Key: function name; value:
// [how many sinks, why]. The count pins the review: a new sink fails the audit until re-reviewed.
const REVIEWED = {
  '$assembly/p256/ecdsa/p256Sign': [3, 'rejects an invalid secret key (the caller is told anyway); RFC 6979 §3.2 h.3 retries a candidate k ≥ n and FIPS 186-5 §6.4.1 retries r = 0 or s = 0: each reveals only that a discarded candidate was rejected (probability < 2^-32)'],
  '$assembly/p256/ecdh/p256PublicKey': [1, 'rejects an invalid secret key (d = 0 or d ≥ n): the status is returned to the caller'],
  '$assembly/mlkem/kem/genMatrix': [5, 'SampleNTT (FIPS 203 Algorithm 7, inlined): rejection sampling of 12-bit values < q from SHAKE128(ρ ‖ j ‖ i). The count of accepted values sets the store addresses, the spare-slot selects and whether another block is drawn; it depends on ρ only, which is public (the last 32 bytes of the encapsulation key; FIPS 203 §3.3). The accept/reject decision itself is an addition, not a branch'],
  '$assembly/p256/ecdh/p256Ecdh': [2, 'rejects an invalid secret key (d = 0 or d ≥ n), and selects the status for a shared point at infinity: both are returned to the caller'],
};

const args = process.argv.slice(2);
const path = args.find((a) => !a.startsWith('--')) ?? new URL('../dist/core.wat', import.meta.url);
const asJson = args.includes('--json');
const auditAll = args.includes('--all');
const text = readFileSync(path, 'utf8');
const digest = createHash('sha256').update(text).digest('hex');

// ---- parse functions --------------------------------------------------------------------------

/** @typedef {{ name: string, line: number, params: number, results: number, locals: Map<string, number>, body: Array<{ op: string, arg: string, line: number }> }} Func */

const lines = text.split('\n');
/** @type {Map<string, Func>} */
const funcs = new Map();
for (let i = 0; i < lines.length; i++) {
  const m = /^ \(func (\$\S+)(.*)$/.exec(lines[i]);
  if (!m) continue;
  const header = m[2];
  const params = [...header.matchAll(/\(param (\$\S+) [a-z0-9]+\)/g)].map((p) => p[1]);
  const results = (header.match(/\(result ([a-z0-9 ]+)\)/)?.[1].trim().split(/\s+/) ?? []).length;
  /** @type {Func} */
  const f = { name: m[1], line: i + 1, params: params.length, results, locals: new Map(), body: [] };
  params.forEach((p, k) => f.locals.set(p, k));
  let j = i + 1;
  for (; j < lines.length && !/^ \(func |^ \(export |^\)/.test(lines[j]); j++) {
    const s = lines[j].trim();
    const local = /^\(local (\$\S+) /.exec(s);
    if (local) { f.locals.set(local[1], f.locals.size); continue; }
    if (s === '' || s.startsWith(';;') || s === ')') continue;
    const [op, ...rest] = s.split(/\s+/);
    f.body.push({ op, arg: rest.join(' '), line: j + 1 });
  }
  funcs.set(f.name, f);
  i = j - 1;
}
// Read-only tables: the compiler's non-zero data segments ($n, $n.1, … are one table split around
// zero runs). A value loaded from them at a public address is public (e.g. an exponent's digits).
const segments = new Map();
for (const m of text.matchAll(/^ \(data \$(\d+)(?:\.\d+)? \(i32\.const (\d+)\) "((?:[^"\\]|\\.)*)"\)/gm)) {
  const start = Number(m[2]);
  const length = m[3].replace(/\\[0-9a-f]{2}|\\./g, '.').length;
  const s = segments.get(m[1]);
  segments.set(m[1], s ? [Math.min(s[0], start), Math.max(s[1], start + length)] : [start, start + length]);
}
const readOnly = (address) => [...segments.values()].some(([a, b]) => address >= a && address < b);

// Single-line functions like `(func $x (result i32) i32.const 1)` are rare in AS output; ignored.

// ---- instruction arities ----------------------------------------------------------------------

const BINARY = /^(i32|i64|f32|f64)\.(add|sub|mul|div_[su]|rem_[su]|and|or|xor|shl|shr_[su]|rotl|rotr|eq|ne|lt_[su]|gt_[su]|le_[su]|ge_[su])$|^v128\.(and|or|xor|andnot)$|^(i8x16|i16x8|i32x4|i64x2)\.(add|sub|mul|eq|ne|shl|shr_[su]|lt_[su]|gt_[su]|extmul_\w+|dot_\w+|q15mulr_sat_s|narrow_\w+)$|^i8x16\.shuffle$|^(i8x16|i16x8|i32x4|i64x2)\.replace_lane$/;
const UNARY = /^(i32|i64)\.(eqz|clz|ctz|popcnt|extend\w*|wrap_i64)$|^(i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.(splat|extract_lane\w*|extend_\w+|neg|abs|all_true|bitmask)$|^v128\.(not|any_true)$/;

/** Taint state: a Set of secret locals, or null when unreachable. */
const union = (a, b) => (a === null ? (b === null ? null : new Set(b)) : b === null ? new Set(a) : new Set([...a, ...b]));
const same = (a, b) => (a === null || b === null ? a === b : a.size === b.size && [...a].every((x) => b.has(x)));

function analyse(f) {
  const publicData = PUBLIC_DATA.includes(f.name);
  /** @type {Map<number, {kind: string, line: number, op: string, context: string[]}>} */
  const sinks = new Map();
  let publicBranches = 0, publicAddresses = 0;
  const loopBack = new Map(); // loop body index → state merged from its back edges (previous pass)
  for (let pass = 0; pass < 20; pass++) {
    let changed = false;
    publicBranches = 0; publicAddresses = 0;
    /** @type {Set<string> | null} */
    let state = new Set([...f.locals.keys()].filter((name, k) => k < f.params && paramTaint.get(f.name)[k]));
    /** @type {boolean[]} */
    const stack = [];
    /** @type {Array<{ kind: string, at: number, height: number, results: number, entry: Set<string>|null, exits: Array<Set<string>|null>, thenEnd?: Set<string>|null, loopId?: number }>} */
    const ctl = [{ kind: 'func', at: -1, height: 0, results: f.results, entry: state, exits: [] }];
    // Stack entries: { t: secret?, b: known constant address base (for i32.const and const + x) }.
    const pop = () => (stack.length ? stack.pop() : { t: false });
    const popT = () => pop().t;
    const push = (t, b) => stack.push({ t, b });
    const sink = (kind, i, tainted) => {
      if (state === null) return;
      if (!tainted) { if (kind === 'branch') publicBranches++; else if (kind === 'address') publicAddresses++; return; }
      const ins = f.body[i];
      if (!sinks.has(ins.line)) {
        sinks.set(ins.line, { kind, line: ins.line, op: `${ins.op} ${ins.arg}`.trim(), context: f.body.slice(Math.max(0, i - 10), i + 1).map((x) => `${x.op} ${x.arg}`.trim()) });
      }
    };
    const target = (label) => {
      if (/^\d+$/.test(label)) return ctl[ctl.length - 1 - Number(label)];
      for (let k = ctl.length - 1; k >= 0; k--) if (ctl[k].label === label) return ctl[k];
      return ctl[0];
    };
    const branchTo = (label) => {
      const t = target(label);
      if (t.kind === 'loop') {
        const prev = loopBack.get(t.at) ?? null;
        const merged = union(prev, state);
        if (!same(prev, merged)) { loopBack.set(t.at, merged); changed = true; }
      } else {
        t.exits.push(state === null ? null : new Set(state));
      }
    };
    for (let i = 0; i < f.body.length; i++) {
      const { op, arg } = f.body[i];
      const taintOfLocal = (name) => state !== null && state.has(name);
      if (op === 'block' || op === 'loop' || op === 'if') {
        const label = /^\$\S+/.exec(arg)?.[0];
        const results = (arg.match(/\(result ([a-z0-9 ]+)\)/)?.[1].trim().split(/\s+/) ?? []).length;
        if (op === 'if') sink('branch', i, popT());
        let entry = state;
        if (op === 'loop') entry = state = union(state, loopBack.get(i) ?? null);
        ctl.push({ kind: op, label, at: i, height: stack.length, results, entry: entry === null ? null : new Set(entry), exits: [] });
        continue;
      }
      if (op === 'else') {
        const c = ctl[ctl.length - 1];
        c.thenEnd = state;
        c.thenResult = stack.slice(c.height).some((v) => v.t);
        c.hasElse = true;
        state = c.entry === null ? null : new Set(c.entry);
        stack.length = c.height;
        continue;
      }
      if (op === 'end') {
        const c = ctl.pop();
        const resultTaint = stack.slice(c.height).some((v) => v.t) || c.thenResult === true;
        let s = state;
        if (c.kind === 'if') s = union(s, c.hasElse ? c.thenEnd : c.entry);
        for (const e of c.exits) s = union(s, e);
        state = s;
        stack.length = c.height;
        for (let r = 0; r < c.results; r++) push(resultTaint);
        continue;
      }
      if (state === null) { continue; } // unreachable code until the next else/end
      if (op === 'br') { branchTo(arg); state = null; continue; }
      if (op === 'br_if') { const t = popT(); sink('branch', i, t); branchTo(arg); continue; }
      if (op === 'br_table') { const t = popT(); sink('branch', i, t); for (const l of arg.split(/\s+/)) branchTo(l); state = null; continue; }
      if (op === 'return') { state = null; continue; }
      if (op === 'unreachable') { state = null; continue; }
      if (op === 'nop') continue;
      if (op === 'drop') { pop(); continue; }
      if (op === 'local.get') { push(taintOfLocal(arg)); continue; }
      if (op === 'local.set' || op === 'local.tee') {
        const t = popT();
        state = new Set(state);
        if (t) state.add(arg); else state.delete(arg);
        if (op === 'local.tee') push(t);
        continue;
      }
      if (op === 'global.get') { push(false); continue; }
      if (op === 'i32.const') { push(false, Number(arg)); continue; }
      if (op === 'global.set') { pop(); continue; }
      if (/\.const$/.test(op)) { push(false); continue; }
      if (/\.load/.test(op) && !/load\d+_lane/.test(op)) {
        const a = pop();
        sink('address', i, a.t);
        const offset = Number(/offset=(\d+)/.exec(arg)?.[1] ?? 0);
        const publicField = !a.t && a.b === undefined && PUBLIC_FIELDS[f.name]?.includes(offset);
        push(!(publicData || publicField || (!a.t && a.b !== undefined && readOnly(a.b + offset))));
        continue;
      }
      if (/\.store/.test(op)) { pop(); sink('address', i, popT()); continue; }
      if (op === 'memory.copy' || op === 'memory.fill') { const a = popT(), b = popT(), c = popT(); sink('address', i, a || b || c); continue; }
      if (op === 'memory.size') { push(false); continue; }
      if (op === 'memory.grow') { pop(); push(false); continue; }
      if (op === 'select') { const c = popT(), b = popT(), a = popT(); sink('select', i, c); push(a || b || c); continue; }
      if (op === 'v128.bitselect') { const c = popT(), b = popT(), a = popT(); push(a || b || c); continue; }
      if (op === 'call') {
        const callee = funcs.get(arg);
        const n = callee?.params ?? 0;
        const argTaint = [];
        for (let k = 0; k < n; k++) argTaint.unshift(popT());
        // Interprocedural: a callee's parameter is secret if any call site passes a secret.
        if (callee && !publicData) {
          const pt = paramTaint.get(callee.name);
          argTaint.forEach((t, k) => {
            if (t && !pt[k]) { pt[k] = true; paramSource.set(`${callee.name}#${k}`, `${f.name}:${f.body[i].line}`); dirty.add(callee.name); }
          });
        }
        // Callees read memory: their results are secret, unless the callee works on public data only.
        for (let k = 0; k < (callee?.results ?? 0); k++) push(!PUBLIC_DATA.includes(arg));
        continue;
      }
      if (BINARY.test(op)) {
        const b = pop(), a = pop();
        // const + x keeps the constant as the base (a table address plus an index)
        const base = op === 'i32.add' ? (a.b !== undefined && b.b !== undefined ? a.b + b.b : a.b ?? b.b) : undefined;
        push(a.t || b.t, base);
        continue;
      }
      if (UNARY.test(op)) { push(popT()); continue; }
      throw new Error(`${f.name}: unknown instruction ${op} at line ${f.body[i].line}`);
    }
    if (!changed) break;
  }
  return { sinks: [...sinks.values()].sort((a, b) => a.line - b.line), publicBranches, publicAddresses };
}

// ---- interprocedural fixpoint: parameters start public (exports take pointers and lengths) -------

const paramSource = new Map(); // "callee#k" → "caller:line" that first passed a secret
const paramTaint = new Map([...funcs.values()].map((f) => [f.name, new Array(f.params).fill(false)]));
const dirty = new Set(funcs.keys());
const results = new Map();
for (let round = 0; dirty.size > 0 && round < 50; round++) {
  const todo = [...dirty];
  dirty.clear();
  for (const name of todo) results.set(name, analyse(funcs.get(name)));
}

// ---- report -----------------------------------------------------------------------------------

const selected = [...funcs.values()].filter((f) => auditAll || SECRET_FUNCTIONS.some((p) => (typeof p === 'string' ? p === f.name : p.test(f.name))));
const missing = SECRET_FUNCTIONS.filter((p) => typeof p === 'string' && !funcs.has(p));
const report = selected.map((f) => {
  const { sinks, publicBranches, publicAddresses } = results.get(f.name);
  const secretParams = f.params ? paramTaint.get(f.name).map((t, k) => (t ? `${k}←${paramSource.get(`${f.name}#${k}`)}` : '')).filter(Boolean) : [];
  const reviewed = REVIEWED[f.name];
  const status = sinks.length === 0 ? 'clean' : reviewed && reviewed[0] === sinks.length ? 'reviewed' : 'REVIEW';
  return { name: f.name, line: f.line, publicBranches, publicAddresses, secretBranches: sinks.filter((s) => s.kind === 'branch').length, secretAddresses: sinks.filter((s) => s.kind === 'address').length, secretSelects: sinks.filter((s) => s.kind === 'select').length, status, reason: reviewed?.[1], secretParams, sinks };
});

if (asJson) {
  console.log(JSON.stringify({ file: String(path), sha256: digest, missing, functions: report }, null, 2));
} else {
  console.log(`audit-wat: ${selected.length} secret-handling functions in ${String(path)} (sha256 ${digest.slice(0, 16)}…)`);
  if (missing.length) console.log(`not found (renamed or inlined?): ${missing.join(', ')}`);
  console.log('\n| function | secret params | public branches | public addresses | secret branches | secret addresses | secret selects | status |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of report) console.log(`| ${r.name} | ${r.secretParams.join(', ') || '-'} | ${r.publicBranches} | ${r.publicAddresses} | ${r.secretBranches} | ${r.secretAddresses} | ${r.secretSelects} | ${r.status}${r.reason ? ` (${r.reason})` : ''} |`);
  for (const r of report.filter((x) => x.status === 'REVIEW')) {
    console.log(`\n${r.name} (line ${r.line}):`);
    for (const s of r.sinks) console.log(`  ${s.kind} at line ${s.line}: ${s.op}\n      ← ${s.context.slice(0, -1).join(' ; ')}`);
  }
}
process.exitCode = report.some((r) => r.status === 'REVIEW') ? 1 : 0;
