// SHA-256 and SHA-512 (FIPS 180-4): one-shot, streaming, and the in-core iterated SHA-512 used by
// Signal-style safety numbers. Hash inputs are public here; nothing is wiped.

import { bytes, integer } from './check.js';
import { core, frame, alloc, take, view, put } from './_wasm.js';
import { InputError } from '../errors.js';

interface Sha2Exports {
  sha256Digest(p: number, len: number, out: number): void;
  sha512Digest(p: number, len: number, out: number): void;
  sha256Init(ctx: number): void;
  sha256Update(ctx: number, p: number, len: number): void;
  sha256Final(ctx: number, out: number): void;
  sha512Init(ctx: number): void;
  sha512Update(ctx: number, p: number, len: number): void;
  sha512Final(ctx: number, out: number): void;
  sha512IterateDigest(initial: number, initialLen: number, suffix: number, suffixLen: number, n: number, out: number): void;
  SHA256_CTX_SIZE: WebAssembly.Global;
  SHA512_CTX_SIZE: WebAssembly.Global;
}
const wasm = () => core() as unknown as Sha2Exports;

/** Inputs longer than this are fed to the core in chunks of this size instead of growing memory. */
const CHUNK = 1 << 16;

type Algorithm = 'sha256' | 'sha512';
const OUT = { sha256: 32, sha512: 64 } as const;
const BLOCK = { sha256: 64, sha512: 128 } as const;

function ctxSize(alg: Algorithm): number {
  return (alg === 'sha256' ? wasm().SHA256_CTX_SIZE : wasm().SHA512_CTX_SIZE).value as number;
}

/** Absorbs `data` into the context at `ctx` (already in the frame) through a CHUNK-sized window. */
function absorb(alg: Algorithm, ctx: number, window: number, data: Uint8Array): void {
  const w = wasm();
  const update = alg === 'sha256' ? w.sha256Update : w.sha512Update;
  for (let off = 0; off < data.length; off += CHUNK) {
    const chunk = data.subarray(off, off + CHUNK);
    view().set(chunk, window);
    update(ctx, window, chunk.length);
  }
}

function digestOnce(alg: Algorithm, name: string, data: unknown): Uint8Array {
  bytes(name, data);
  const input = data as Uint8Array;
  const w = wasm();
  const outLen = OUT[alg];
  if (input.length <= CHUNK) {
    frame(input.length + outLen);
    const p = put(input);
    const out = alloc(outLen);
    (alg === 'sha256' ? w.sha256Digest : w.sha512Digest)(p, input.length, out);
    return take(out, outLen);
  }
  const size = ctxSize(alg);
  frame(size + CHUNK + outLen);
  const ctx = alloc(size);
  const window = alloc(CHUNK);
  const out = alloc(outLen);
  (alg === 'sha256' ? w.sha256Init : w.sha512Init)(ctx);
  absorb(alg, ctx, window, input);
  (alg === 'sha256' ? w.sha256Final : w.sha512Final)(ctx, out);
  return take(out, outLen);
}

/** An incremental SHA-2 computation. Its state lives in JS and is copied into the core per call. */
export class Sha2Hash {
  readonly outputLen: number;
  readonly blockLen: number;
  #alg: Algorithm;
  #ctx: Uint8Array;
  #finished = false;

  constructor(alg: Algorithm) {
    this.#alg = alg;
    this.outputLen = OUT[alg];
    this.blockLen = BLOCK[alg];
    const size = ctxSize(alg);
    frame(size);
    const ctx = alloc(size);
    (alg === 'sha256' ? wasm().sha256Init : wasm().sha512Init)(ctx);
    this.#ctx = take(ctx, size);
  }

  /** Absorbs more input. @throws InputError if `data` is not a Uint8Array or the hash was finished. */
  update(data: Uint8Array): this {
    bytes('data', data);
    this.#assertOpen();
    const size = this.#ctx.length;
    frame(size + Math.min(data.length, CHUNK));
    const ctx = put(this.#ctx);
    absorb(this.#alg, ctx, alloc(Math.min(data.length, CHUNK)), data);
    this.#ctx.set(view().subarray(ctx, ctx + size));
    return this;
  }

  /** Finishes and returns the digest; the object cannot be used afterwards. */
  digest(): Uint8Array {
    this.#assertOpen();
    this.#finished = true;
    frame(this.#ctx.length + this.outputLen);
    const ctx = put(this.#ctx);
    const out = alloc(this.outputLen);
    (this.#alg === 'sha256' ? wasm().sha256Final : wasm().sha512Final)(ctx, out);
    this.#ctx.fill(0);
    return take(out, this.outputLen);
  }

  #assertOpen(): void {
    if (this.#finished) throw new InputError('invalid-value', `this ${this.#alg} hash expected update() or digest() before digest(), got a call after digest()`);
  }
}

/**
 * SHA-256 of `data` (FIPS 180-4 §6.2). `sha256.create()` returns an incremental hash.
 * @param data bytes of any length
 * @returns 32-byte digest
 * @throws InputError `invalid-type` if `data` is not a Uint8Array
 * @example sha256(new TextEncoder().encode('abc'))
 */
export const sha256 = Object.assign((data: Uint8Array): Uint8Array => digestOnce('sha256', 'data', data), {
  create: (): Sha2Hash => new Sha2Hash('sha256'),
  outputLen: 32,
  blockLen: 64,
});

/**
 * SHA-512 of `data` (FIPS 180-4 §6.4). `sha512.create()` returns an incremental hash.
 * @param data bytes of any length
 * @returns 64-byte digest
 * @throws InputError `invalid-type` if `data` is not a Uint8Array
 * @example sha512.create().update(part1).update(part2).digest()
 */
export const sha512 = Object.assign((data: Uint8Array): Uint8Array => digestOnce('sha512', 'data', data), {
  create: (): Sha2Hash => new Sha2Hash('sha512'),
  outputLen: 64,
  blockLen: 128,
});

/**
 * Iterated SHA-512, entirely inside the core: H(0) = `initial`, H(i) = SHA-512(H(i-1) ‖ `suffix`),
 * returning H(`iterations`). With initial = version ‖ key ‖ id and suffix = key this is the
 * 5,200-round loop of Signal's numeric fingerprint.
 * @param iterations 1 … 2^31−1
 * @returns 64 bytes
 * @example sha512Iterate(concat(version, key, id), key, 5200)
 */
export function sha512Iterate(initial: Uint8Array, suffix: Uint8Array, iterations: number): Uint8Array {
  bytes('initial', initial);
  bytes('suffix', suffix);
  integer('iterations', iterations, 1, 0x7fffffff);
  frame(initial.length + suffix.length + 64);
  const i = put(initial);
  const s = put(suffix);
  const out = alloc(64);
  wasm().sha512IterateDigest(i, initial.length, s, suffix.length, iterations, out);
  return take(out, 64);
}
