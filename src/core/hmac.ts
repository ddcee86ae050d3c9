// HMAC-SHA-256 / HMAC-SHA-512 (RFC 2104, FIPS 198-1). The key is secret: the I/O frame and the
// core's scratch are wiped after every call. Verification compares inside the core in constant time.

import { bytes } from './check.js';
import { core, frame, put, alloc, take, wipeFrame } from './_wasm.js';
import { InputError } from '../errors.js';

type HmacFn = (key: number, keyLen: number, p: number, len: number, out: number) => void;
type VerifyFn = (key: number, keyLen: number, p: number, len: number, tag: number, tagLen: number) => number;
interface HmacExports { hmacSha256: HmacFn; hmacSha512: HmacFn; hmacSha256Verify: VerifyFn; hmacSha512Verify: VerifyFn }
const wasm = () => core() as unknown as HmacExports;

function hmac(fn: HmacFn, outLen: number, key: Uint8Array, data: Uint8Array): Uint8Array {
  bytes('key', key);
  bytes('data', data);
  frame(key.length + data.length + outLen);
  const k = put(key);
  const d = put(data);
  const out = alloc(outLen);
  fn(k, key.length, d, data.length, out);
  const mac = take(out, outLen);
  wipeFrame();
  return mac;
}

function verify(fn: VerifyFn, outLen: number, key: Uint8Array, data: Uint8Array, tag: Uint8Array): boolean {
  bytes('key', key);
  bytes('data', data);
  bytes('tag', tag);
  // RFC 2104 §5: a truncated tag keeps the leftmost bits and "not less than half the length of the
  // hash output"; shorter tags are refused rather than silently accepted.
  if (tag.length < outLen / 2 || tag.length > outLen) {
    throw new InputError('invalid-length', `"tag" expected ${outLen / 2} to ${outLen} bytes, got ${tag.length}`);
  }
  frame(key.length + data.length + tag.length);
  const k = put(key), d = put(data), t = put(tag);
  const ok = fn(k, key.length, d, data.length, t, tag.length) === 1;
  wipeFrame();
  return ok;
}

/**
 * HMAC-SHA-256 of `data` under `key` (RFC 2104).
 * @param key any length (keys longer than 64 bytes are hashed first, §2)
 * @returns 32-byte tag
 * @throws InputError `invalid-type` for a non-Uint8Array argument
 * @example hmacSha256(key, message)
 */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(wasm().hmacSha256, 32, key, data);
}

/**
 * HMAC-SHA-512 of `data` under `key` (RFC 2104).
 * @returns 64-byte tag
 * @throws InputError `invalid-type` for a non-Uint8Array argument
 * @example hmacSha512(key, message)
 */
export function hmacSha512(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(wasm().hmacSha512, 64, key, data);
}

/**
 * Checks an HMAC-SHA-256 tag in constant time; a tag of 16…31 bytes is compared as a truncation.
 * @returns true when the tag matches
 * @throws InputError for a non-Uint8Array argument or a tag shorter than 16 / longer than 32 bytes
 * @example if (!hmacSha256Verify(key, message, tag)) throw new Error('forged')
 */
export function hmacSha256Verify(key: Uint8Array, data: Uint8Array, tag: Uint8Array): boolean {
  return verify(wasm().hmacSha256Verify, 32, key, data, tag);
}

/** Checks an HMAC-SHA-512 tag (32…64 bytes) in constant time. @see hmacSha256Verify */
export function hmacSha512Verify(key: Uint8Array, data: Uint8Array, tag: Uint8Array): boolean {
  return verify(wasm().hmacSha512Verify, 64, key, data, tag);
}
