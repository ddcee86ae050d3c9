// Byte helpers, one of each (as noble's utils.ts): constant-time equality, strict hex and base64url
// (RFC 4648 §5, no padding, no Buffer leniency), concatenation and the dashed UUID form.
// Browser-safe: no Buffer, no node: imports.

import { base64urlnopad } from '@scure/base';
import { InputError } from '../errors.js';

/**
 * Byte-string equality in time that depends only on the lengths (lengths are public).
 * The one compare in keyprint: secret or not, bytes are compared without an early exit.
 * @example equalBytes(tag, expected)
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/** Concatenates byte arrays into a fresh one. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * Strict hex (either case, even length, nothing else) → bytes.
 * @throws InputError `invalid-value` for any other string
 */
export function fromHex(text: string, name = 'hex'): Uint8Array {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new InputError('invalid-value', `"${name}" expected hex digits in pairs, got ${typeof text === 'string' ? `${text.length} characters` : typeof text}`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** base64url without padding (RFC 4648 §5), the form WebAuthn and keyprint's files use. */
export function toBase64url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/**
 * Strict base64url without padding (RFC 4648 §5): any other character, padding or a dangling
 * 6-bit group is refused (Buffer.from(s, 'base64url') would skip garbage and return short bytes).
 * @throws InputError `invalid-value`
 */
export function fromBase64url(text: string, name = 'base64url'): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new InputError('invalid-value', `"${name}" expected base64url without padding, got ${typeof text === 'string' ? 'other characters' : typeof text}`);
  }
  try {
    return base64urlnopad.decode(text);
  } catch {
    throw new InputError('invalid-value', `"${name}" expected base64url without padding, got ${text.length} characters that do not decode`);
  }
}

/** 16 bytes → the dashed lowercase UUID form (`01020304-0506-0708-0102-030405060708`). */
export function uuidString(bytes: Uint8Array): string {
  const h = toHex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The dashed UUID form → 16 bytes. @throws InputError `invalid-value` for anything else */
export function uuidBytes(text: string): Uint8Array {
  if (typeof text !== 'string' || !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(text)) {
    throw new InputError('invalid-value', `"uuid" expected the dashed form of 16 bytes, got ${typeof text === 'string' ? `"${text.slice(0, 40)}"` : typeof text}`);
  }
  return fromHex(text.replace(/-/g, ''));
}
