// Byte helpers for src/identity: input normalisation (Uint8Array or base64url, RFC 4648 §5),
// concatenation and comparison. Browser-safe: no Buffer, no node: imports.

import { base64, base64urlnopad } from '@scure/base';
import { InputError, describe } from '../errors.js';

/**
 * Accepts a Uint8Array or a base64url string (RFC 4648 §5; padding tolerated) and returns bytes.
 * @param name the argument's name, for the error message
 * @param value Uint8Array, ArrayBuffer or base64url string
 * @returns the bytes (a Uint8Array argument is returned as is, not copied)
 * @throws InputError `invalid-type` for anything else, `invalid-value` for a string that is not base64url
 * @example const authData = toBytes('authData', 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2M')
 */
export function toBytes(name: string, value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === 'string') {
    const s = value.replace(/=+$/, '');
    if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) {
      throw new InputError('invalid-value', `"${name}" expected base64url, got a string that is not base64url`);
    }
    return base64urlnopad.decode(s);
  }
  throw new InputError('invalid-type', `"${name}" expected Uint8Array or base64url string, got ${describe(value)}`);
}

/** Decodes standard base64 (RFC 4648 §4), e.g. a PEM body with whitespace removed. */
export function fromBase64(text: string): Uint8Array {
  return base64.decode(text);
}

// One helper per job: these live in core/bytes.ts (equalBytes is constant-time everywhere).
export { concatBytes as concat, equalBytes, toBase64url, toHex, uuidString } from '../core/bytes.js';

/** PEM → DER for every `-----BEGIN CERTIFICATE-----` block in `text` (RFC 7468 §2). */
export function pemCertificates(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[1].replace(/\s+/g, '');
    try {
      out.push(fromBase64(body));
    } catch {
      throw new InputError('invalid-value', 'PEM certificate block is not valid base64');
    }
  }
  return out;
}
