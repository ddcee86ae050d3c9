// HKDF (RFC 5869) with HMAC-SHA-256 and HMAC-SHA-512. Extract and expand run inside the core in one
// call; the PRK of the combined form never leaves it. The I/O frame is wiped after every call.

import { bytes, integer } from './check.js';
import { core, frame, put, alloc, take, wipeFrame } from './_wasm.js';
import { InputError } from '../errors.js';

type HkdfFn = (ikm: number, ikmLen: number, salt: number, saltLen: number, info: number, infoLen: number, out: number, len: number) => number;
type ExtractFn = (salt: number, saltLen: number, ikm: number, ikmLen: number, prk: number) => void;
type ExpandFn = (prk: number, prkLen: number, info: number, infoLen: number, out: number, len: number) => number;
interface HkdfExports {
  hkdfSha256: HkdfFn; hkdfSha512: HkdfFn;
  hkdfExtractSha256: ExtractFn; hkdfExtractSha512: ExtractFn;
  hkdfExpandSha256: ExpandFn; hkdfExpandSha512: ExpandFn;
}
const wasm = () => core() as unknown as HkdfExports;
const EMPTY = new Uint8Array(0);

/** `undefined` stands for the empty string (RFC 5869 §2.2 "salt: optional", §2.3 "info: optional"). */
function optional(name: string, value: Uint8Array | undefined): Uint8Array {
  return value === undefined ? EMPTY : bytes(name, value);
}

/** §2.3: "L length of output keying material in octets (<= 255*HashLen)". */
function outputLength(length: unknown, hashLen: number): number {
  return integer('length', length, 0, 255 * hashLen);
}

function derive(fn: HkdfFn, hashLen: number, ikm: Uint8Array, salt?: Uint8Array, info?: Uint8Array, length?: number): Uint8Array {
  bytes('ikm', ikm);
  const s = optional('salt', salt);
  const i = optional('info', info);
  const len = outputLength(length, hashLen);
  frame(ikm.length + s.length + i.length + len);
  const pi = put(ikm), ps = put(s), pn = put(i), out = alloc(len);
  fn(pi, ikm.length, ps, s.length, pn, i.length, out, len);
  const okm = take(out, len);
  wipeFrame();
  return okm;
}

function extract(fn: ExtractFn, hashLen: number, ikm: Uint8Array, salt?: Uint8Array): Uint8Array {
  bytes('ikm', ikm);
  const s = optional('salt', salt);
  frame(ikm.length + s.length + hashLen);
  const pi = put(ikm), ps = put(s), prk = alloc(hashLen);
  fn(ps, s.length, pi, ikm.length, prk);
  const result = take(prk, hashLen);
  wipeFrame();
  return result;
}

function expand(fn: ExpandFn, hashLen: number, prk: Uint8Array, info?: Uint8Array, length?: number): Uint8Array {
  bytes('prk', prk);
  // §2.3: "PRK a pseudorandom key of at least HashLen octets".
  if (prk.length < hashLen) {
    throw new InputError('invalid-length', `"prk" expected at least ${hashLen} bytes, got ${prk.length}`);
  }
  const i = optional('info', info);
  const len = outputLength(length, hashLen);
  frame(prk.length + i.length + len);
  const pp = put(prk), pn = put(i), out = alloc(len);
  fn(pp, prk.length, pn, i.length, out, len);
  const okm = take(out, len);
  wipeFrame();
  return okm;
}

/**
 * HKDF-SHA-256 (RFC 5869 §2): extract a PRK from `ikm` with `salt`, expand it with `info`.
 * @param salt optional (empty/undefined = 32 zero bytes, §2.2)
 * @param info optional context and application-specific information
 * @param length output length, 0 … 8160 (255 · 32)
 * @throws InputError `invalid-type` / `invalid-value` for a bad argument or length
 * @example hkdfSha256(sharedSecret, salt, new TextEncoder().encode('my-app v1'), 32)
 */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array | undefined, length: number): Uint8Array {
  return derive(wasm().hkdfSha256, 32, ikm, salt, info, length);
}

/** HKDF-SHA-512 (RFC 5869 §2); `length` 0 … 16320 (255 · 64). @see hkdfSha256 */
export function hkdfSha512(ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array | undefined, length: number): Uint8Array {
  return derive(wasm().hkdfSha512, 64, ikm, salt, info, length);
}

/**
 * HKDF-Extract with SHA-256 (RFC 5869 §2.2): PRK = HMAC-SHA-256(salt, ikm).
 * @returns 32-byte PRK
 * @example const prk = hkdfExtractSha256(ikm, salt)
 */
export function hkdfExtractSha256(ikm: Uint8Array, salt?: Uint8Array): Uint8Array {
  return extract(wasm().hkdfExtractSha256, 32, ikm, salt);
}

/** HKDF-Extract with SHA-512 (RFC 5869 §2.2). @returns 64-byte PRK */
export function hkdfExtractSha512(ikm: Uint8Array, salt?: Uint8Array): Uint8Array {
  return extract(wasm().hkdfExtractSha512, 64, ikm, salt);
}

/**
 * HKDF-Expand with SHA-256 (RFC 5869 §2.3).
 * @param prk at least 32 bytes
 * @param length 0 … 8160
 * @throws InputError `invalid-length` for a short PRK, `invalid-value` for a bad length
 * @example const key = hkdfExpandSha256(prk, info, 32)
 */
export function hkdfExpandSha256(prk: Uint8Array, info: Uint8Array | undefined, length: number): Uint8Array {
  return expand(wasm().hkdfExpandSha256, 32, prk, info, length);
}

/** HKDF-Expand with SHA-512 (RFC 5869 §2.3); `prk` at least 64 bytes, `length` 0 … 16320. */
export function hkdfExpandSha512(prk: Uint8Array, info: Uint8Array | undefined, length: number): Uint8Array {
  return expand(wasm().hkdfExpandSha512, 64, prk, info, length);
}
