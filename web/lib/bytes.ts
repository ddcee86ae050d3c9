// Small byte helpers for the web app (base64url, UTF-8, grouping digits for display).
import { fromBase64url, toBase64url } from 'keyprint/core';

/** Strict base64url (core/bytes.ts); decoding tolerates trailing padding, as WebAuthn JSON may carry it. */
export const b64u = {
  encode: toBase64url,
  decode: (s: string): Uint8Array => fromBase64url(s.replace(/=+$/, '')),
};

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A fresh ArrayBuffer holding exactly these bytes (WebAuthn wants BufferSource, not a view into a bigger buffer). */
export const buffer = (b: Uint8Array): ArrayBuffer => b.slice().buffer as ArrayBuffer;

/** "123451234512345…" → "12345 12345 12345 …" */
export const groupDigits = (digits: string, size = 5): string => digits.replace(new RegExp(`(.{${size}})(?!$)`, 'g'), '$1 ');
