// SHA3-256, SHA3-512, SHAKE128 and SHAKE256 (FIPS 202): one-shot and streaming. One sponge in the
// core serves all four; they differ in rate and suffix (§6.1, §6.2). Hash inputs are public here,
// as for SHA-2: nothing is wiped.

import { bytes, integer } from './check.js';
import { core, frame, alloc, take, view, put } from './_wasm.js';
import { InputError } from '../errors.js';

interface Sha3Exports {
  sha3_256Digest(p: number, len: number, out: number): void;
  sha3_512Digest(p: number, len: number, out: number): void;
  shake128Digest(p: number, len: number, out: number, outLen: number): void;
  shake256Digest(p: number, len: number, out: number, outLen: number): void;
  keccakInit(ctx: number, rate: number): void;
  keccakUpdate(ctx: number, p: number, len: number): void;
  keccakFinal(ctx: number, suffix: number): void;
  keccakSqueeze(ctx: number, out: number, len: number): void;
  KECCAK_CTX_SIZE: WebAssembly.Global;
}
const wasm = () => core() as unknown as Sha3Exports;

/** Inputs and outputs longer than this go through the core in windows of this size. */
const CHUNK = 1 << 16;
/** Longest SHAKE output one call returns (a larger Uint8Array is rarely what anyone meant). */
const MAX_OUTPUT = 1 << 30;

type Algorithm = 'sha3-256' | 'sha3-512' | 'shake128' | 'shake256';
/** Rate in bytes (§6.1, §6.2: 1600 − 2·capacity, in bytes) and the first padding byte. */
const RATE = { 'sha3-256': 136, 'sha3-512': 72, shake128: 168, shake256: 136 } as const;
const SUFFIX = { 'sha3-256': 0x06, 'sha3-512': 0x06, shake128: 0x1f, shake256: 0x1f } as const;
const ctxSize = () => wasm().KECCAK_CTX_SIZE.value as number;

/** Absorbs `data` into the context at `ctx` (already in the frame) through a CHUNK-sized window. */
function absorb(ctx: number, window: number, data: Uint8Array): void {
  for (let off = 0; off < data.length; off += CHUNK) {
    const chunk = data.subarray(off, off + CHUNK);
    view().set(chunk, window);
    wasm().keccakUpdate(ctx, window, chunk.length);
  }
}

/** Squeezes `length` bytes from the finished context at `ctx` through the same window. */
function squeeze(ctx: number, window: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let off = 0; off < length; off += CHUNK) {
    const n = Math.min(CHUNK, length - off);
    wasm().keccakSqueeze(ctx, window, n);
    out.set(view().subarray(window, window + n), off);
  }
  return out;
}

function digestOnce(alg: Algorithm, data: unknown, outLen: number): Uint8Array {
  bytes('data', data);
  const input = data as Uint8Array;
  const w = wasm();
  if (input.length <= CHUNK && outLen <= CHUNK) {
    frame(input.length + outLen);
    const p = put(input);
    const out = alloc(outLen);
    if (alg === 'sha3-256') w.sha3_256Digest(p, input.length, out);
    else if (alg === 'sha3-512') w.sha3_512Digest(p, input.length, out);
    else if (alg === 'shake128') w.shake128Digest(p, input.length, out, outLen);
    else w.shake256Digest(p, input.length, out, outLen);
    return take(out, outLen);
  }
  frame(ctxSize() + CHUNK);
  const ctx = alloc(ctxSize());
  const window = alloc(CHUNK);
  w.keccakInit(ctx, RATE[alg]);
  absorb(ctx, window, input);
  w.keccakFinal(ctx, SUFFIX[alg]);
  return squeeze(ctx, window, outLen);
}

/** Shared state handling of Sha3Hash and Shake: the context lives in JS and is copied in per call. */
abstract class Sponge {
  readonly blockLen: number;
  protected readonly alg: Algorithm;
  protected ctx: Uint8Array;

  protected constructor(alg: Algorithm) {
    this.alg = alg;
    this.blockLen = RATE[alg];
    const size = ctxSize();
    frame(size);
    const ctx = alloc(size);
    wasm().keccakInit(ctx, RATE[alg]);
    this.ctx = take(ctx, size);
  }

  /** Runs `fn` on the context copied into the frame (with a window of `window` bytes), then copies it back. */
  protected withContext<T>(window: number, fn: (ctx: number, window: number) => T): T {
    const size = this.ctx.length;
    frame(size + window);
    const ctx = put(this.ctx);
    const result = fn(ctx, alloc(window));
    this.ctx.set(view().subarray(ctx, ctx + size));
    return result;
  }

  protected absorbInto(data: Uint8Array): void {
    bytes('data', data);
    this.withContext(Math.min(data.length, CHUNK), (ctx, window) => absorb(ctx, window, data));
  }

  protected misuse(expected: string, got: string): InputError {
    return new InputError('invalid-value', `this ${this.alg} ${expected}, got ${got}`);
  }
}

/** An incremental SHA3-256 or SHA3-512 computation. */
export class Sha3Hash extends Sponge {
  readonly outputLen: number;
  #finished = false;

  constructor(alg: 'sha3-256' | 'sha3-512') {
    super(alg);
    this.outputLen = alg === 'sha3-256' ? 32 : 64;
  }

  /** Absorbs more input. @throws InputError if `data` is not a Uint8Array or the hash was finished. */
  update(data: Uint8Array): this {
    if (this.#finished) throw this.misuse('hash expected update() or digest() before digest()', 'a call after digest()');
    this.absorbInto(data);
    return this;
  }

  /** Finishes and returns the digest; the object cannot be used afterwards. */
  digest(): Uint8Array {
    if (this.#finished) throw this.misuse('hash expected update() or digest() before digest()', 'a call after digest()');
    this.#finished = true;
    const out = this.withContext(this.outputLen, (ctx, window) => {
      wasm().keccakFinal(ctx, SUFFIX[this.alg]);
      wasm().keccakSqueeze(ctx, window, this.outputLen);
      return take(window, this.outputLen);
    });
    this.ctx.fill(0);
    return out;
  }
}

/**
 * An incremental SHAKE128 or SHAKE256 computation: `update` any number of times, then `squeeze`
 * any number of times; consecutive squeezes continue one output stream (§4, the sponge's output is
 * one string of unbounded length).
 */
export class Shake extends Sponge {
  #squeezing = false;

  constructor(alg: 'shake128' | 'shake256') {
    super(alg);
  }

  /** Absorbs more input. @throws InputError if `data` is not a Uint8Array, or after `squeeze`. */
  update(data: Uint8Array): this {
    if (this.#squeezing) throw this.misuse('XOF expected update() before squeeze()', 'update() after squeeze()');
    this.absorbInto(data);
    return this;
  }

  /**
   * The next `length` bytes of output. @throws InputError unless 0 ≤ length ≤ 2^30 (an integer).
   */
  squeeze(length: number): Uint8Array {
    integer('length', length, 0, MAX_OUTPUT);
    return this.withContext(Math.min(length, CHUNK), (ctx, window) => {
      if (!this.#squeezing) {
        wasm().keccakFinal(ctx, SUFFIX[this.alg]);
        this.#squeezing = true;
      }
      return squeeze(ctx, window, length);
    });
  }
}

/**
 * SHA3-256 of `data` (FIPS 202 §6.1). `sha3_256.create()` returns an incremental hash.
 * @param data bytes of any length
 * @returns 32-byte digest
 * @throws InputError `invalid-type` if `data` is not a Uint8Array
 * @example sha3_256(new TextEncoder().encode('abc'))
 */
export const sha3_256 = Object.assign((data: Uint8Array): Uint8Array => digestOnce('sha3-256', data, 32), {
  create: (): Sha3Hash => new Sha3Hash('sha3-256'),
  outputLen: 32,
  blockLen: 136,
});

/**
 * SHA3-512 of `data` (FIPS 202 §6.1). `sha3_512.create()` returns an incremental hash.
 * @param data bytes of any length
 * @returns 64-byte digest
 * @throws InputError `invalid-type` if `data` is not a Uint8Array
 * @example sha3_512.create().update(part1).update(part2).digest()
 */
export const sha3_512 = Object.assign((data: Uint8Array): Uint8Array => digestOnce('sha3-512', data, 64), {
  create: (): Sha3Hash => new Sha3Hash('sha3-512'),
  outputLen: 64,
  blockLen: 72,
});

function shakeOnce(alg: 'shake128' | 'shake256', data: Uint8Array, length: number): Uint8Array {
  integer('length', length, 0, MAX_OUTPUT);
  return digestOnce(alg, data, length);
}

/**
 * SHAKE128(data, 8·length) (FIPS 202 §6.2): `length` bytes of output. `shake128.create()` returns
 * an incremental XOF.
 * @param data bytes of any length
 * @param length output length in bytes, 0 … 2^30
 * @throws InputError `invalid-type` / `invalid-value`
 * @example shake128(seed, 168)
 */
export const shake128 = Object.assign((data: Uint8Array, length: number): Uint8Array => shakeOnce('shake128', data, length), {
  create: (): Shake => new Shake('shake128'),
  blockLen: 168,
});

/**
 * SHAKE256(data, 8·length) (FIPS 202 §6.2): `length` bytes of output. `shake256.create()` returns
 * an incremental XOF.
 * @param data bytes of any length
 * @param length output length in bytes, 0 … 2^30
 * @throws InputError `invalid-type` / `invalid-value`
 * @example shake256.create().update(seed).squeeze(96)
 */
export const shake256 = Object.assign((data: Uint8Array, length: number): Uint8Array => shakeOnce('shake256', data, length), {
  create: (): Shake => new Shake('shake256'),
  blockLen: 136,
});
