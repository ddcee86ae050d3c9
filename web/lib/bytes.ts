// Small byte helpers for the web app (base64url, UTF-8, grouping digits for display).
import { base64urlnopad } from '@scure/base';

export const b64u = {
  encode: (b: Uint8Array): string => base64urlnopad.encode(b),
  decode: (s: string): Uint8Array => base64urlnopad.decode(s.replace(/=+$/, '')),
};

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A fresh ArrayBuffer holding exactly these bytes (WebAuthn wants BufferSource, not a view into a bigger buffer). */
export const buffer = (b: Uint8Array): ArrayBuffer => b.slice().buffer as ArrayBuffer;

/** "123451234512345…" → "12345 12345 12345 …" */
export const groupDigits = (digits: string, size = 5): string => digits.replace(new RegExp(`(.{${size}})(?!$)`, 'g'), '$1 ');

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
