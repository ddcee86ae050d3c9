// Shared generators and runner of the fuzz campaign (`npm run test:fuzz`, vitest.fuzz.config.ts).
// Random bytes alone rarely get past a parser's first check, so most cases are mutations of valid
// encodings (AFL-style havoc: bit flips, interesting bytes, ±1 on a byte — which is how a CBOR,
// DER or CTAPHID length field gets edited —, truncation, insertion, deletion, duplication and
// splicing with another valid input), and the rest are uniform random bytes.
import fc from 'fast-check';
import { it } from 'vitest';
import { KeyprintError } from '../../src/errors.js';

/** Cases per property: KEYPRINT_FUZZ_RUNS (default 100,000). */
export const FUZZ_RUNS = Number(process.env.KEYPRINT_FUZZ_RUNS ?? 100_000);
/** Seed of every property: KEYPRINT_FUZZ_SEED, else drawn once per run (printed, so a failure reproduces). */
export const FUZZ_SEED = process.env.KEYPRINT_FUZZ_SEED !== undefined ? Number(process.env.KEYPRINT_FUZZ_SEED) : (Date.now() ^ (Math.random() * 2 ** 31)) >>> 0;
/** A single case slower than this is a hang (generous: the machine is shared). */
export const HANG_MS = 2_000;

/** Values that find off-by-ones in length and type fields (AFL's "interesting" 8-bit values). */
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x20, 0x40, 0x41, 0x60, 0xa0, 0xa1, 0xf4, 0xf6, 0x30, 0x81, 0x82];

export type Edit = (b: Uint8Array, other: Uint8Array) => Uint8Array;

const at = (b: Uint8Array, pos: number) => (b.length === 0 ? 0 : pos % b.length);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

/** One havoc edit (each arbitrary yields a pure function of its input). */
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(), fc.nat(7)).map(([pos, bit]): Edit => (b) => { const c = b.slice(); if (c.length) c[at(c, pos)] ^= 1 << bit; return c; }),
  fc.tuple(fc.nat(), fc.constantFrom(...INTERESTING)).map(([pos, v]): Edit => (b) => { const c = b.slice(); if (c.length) c[at(c, pos)] = v; return c; }),
  fc.tuple(fc.nat(), fc.constantFrom(-1, 1, -8, 8)).map(([pos, d]): Edit => (b) => { const c = b.slice(); if (c.length) c[at(c, pos)] += d; return c; }),
  fc.nat().map((pos): Edit => (b) => b.slice(0, at(b, pos))), // truncate
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([pos, x]): Edit => (b) => concat(b.subarray(0, at(b, pos)), x, b.subarray(at(b, pos)))),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 16 })).map(([pos, n]): Edit => (b) => concat(b.subarray(0, at(b, pos)), b.subarray(at(b, pos) + n))),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 16 })).map(([pos, n]): Edit => (b) => { const p = at(b, pos); return concat(b.subarray(0, p + n), b.subarray(p)); }),
  fc.uint8Array({ minLength: 1, maxLength: 4 }).map((x): Edit => (b) => concat(b, x)), // trailing bytes
  fc.tuple(fc.nat(), fc.nat()).map(([p, q]): Edit => (b, other) => concat(b.subarray(0, at(b, p)), other.subarray(at(other, q)))), // splice
);

/** 1–4 havoc edits, to apply with `applyEdits` to inputs known only when the case runs. */
export const edits: fc.Arbitrary<Edit[]> = fc.array(edit, { minLength: 1, maxLength: 4 });

/** Applies `list` to `b`; `other` is the splice partner. */
export const applyEdits = (b: Uint8Array, other: Uint8Array, list: readonly Edit[]): Uint8Array => list.reduce((x, e) => e(x, other), b);

/** A valid seed with 1–4 havoc edits applied. */
export function mutationOf(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.nat(seeds.length - 1), fc.nat(seeds.length - 1), edits).map(([i, j, list]) => applyEdits(seeds[i], seeds[j], list));
}

/** Mostly mutations of `seeds`, some unmodified seeds, some uniform random bytes. */
export function fuzzBytes(seeds: readonly Uint8Array[], maxLength = 512): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 16, arbitrary: mutationOf(seeds) },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
    { weight: 3, arbitrary: fc.uint8Array({ maxLength }) },
  );
}

/** Text variant: mutations of the UTF-8 of valid strings, decoded leniently (U+FFFD for bad bytes). */
export function fuzzText(seeds: readonly string[], maxLength = 256): fc.Arbitrary<string> {
  const enc = new TextEncoder(), dec = new TextDecoder();
  return fc.oneof(
    { weight: 16, arbitrary: mutationOf(seeds.map((s) => enc.encode(s))).map((b) => dec.decode(b)) },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
    { weight: 3, arbitrary: fc.string({ maxLength, unit: 'binary' }) },
  );
}

export const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
export const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Rethrows anything that is not a KeyprintError (or an instance of `typed`): that is a finding. */
export function expectTyped(e: unknown, typed: abstract new (...a: never[]) => Error = KeyprintError): void {
  if (!(e instanceof typed)) {
    const why = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
    throw new Error(`untyped exception (not ${typed.name}): ${why}`, { cause: e });
  }
}

/** Counters a property reports (printed after the run, recorded in docs/SECURITY.md). */
export interface Tally { accepted: number; rejected: number }

// Printed by the first fuzz() of a file (not on import: test/identity reuses the edits, quietly).
let announced = false;
function announce(): void {
  if (announced) return;
  announced = true;
  console.log(`[fuzz] KEYPRINT_FUZZ_SEED=${FUZZ_SEED} KEYPRINT_FUZZ_RUNS=${FUZZ_RUNS}`);
}

/**
 * Declares one fuzz property: FUZZ_RUNS cases at FUZZ_SEED, each timed against HANG_MS. The check
 * returns true when the input was accepted, false when it was rejected with a typed error, and
 * throws on a finding. fast-check prints the seed and path of a failure; so does this header.
 * `arb` may be a function, for generators built from seeds that a `beforeAll` makes.
 */
export function fuzz<T>(name: string, arb: fc.Arbitrary<T> | (() => fc.Arbitrary<T>), check: (x: T) => boolean | Promise<boolean>, options: { runs?: number } = {}): void {
  announce();
  const runs = options.runs ?? FUZZ_RUNS;
  it(`${name} (${runs} cases)`, async () => {
    const tally: Tally = { accepted: 0, rejected: 0 };
    const t0 = performance.now();
    const timed = async (x: T) => {
      const s = performance.now();
      const ok = await check(x);
      const dt = performance.now() - s;
      if (dt > HANG_MS) throw new Error(`hang: one case took ${dt.toFixed(0)} ms (> ${HANG_MS} ms)`);
      tally[ok ? 'accepted' : 'rejected']++;
    };
    const a = typeof arb === 'function' ? arb() : arb;
    await fc.assert(fc.asyncProperty(a, timed), { seed: FUZZ_SEED, numRuns: runs, endOnFailure: true });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`[fuzz] ${name}: ${runs} cases in ${seconds.toFixed(1)} s — accepted ${tally.accepted}, rejected ${tally.rejected} (seed ${FUZZ_SEED})`);
  });
}

