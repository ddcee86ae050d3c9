// HMAC-SHA-256 / HMAC-SHA-512 (RFC 2104, FIPS 198-1). The key is secret: the I/O frame and the
// core's scratch are wiped after every call.

import { bytes } from './_check.js';
import { core, frame, put, alloc, take, wipeFrame } from './_wasm.js';

type HmacFn = (key: number, keyLen: number, p: number, len: number, out: number) => void;
const wasm = () => core() as unknown as { hmacSha256: HmacFn; hmacSha512: HmacFn };

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
