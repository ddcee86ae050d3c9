// Byte helpers for the session protocol: a bounds-checked reader and a writer for the
// length-prefixed big-endian fields of docs/PROTOCOL.md "Session protocol". Internal only.

import { describe } from '../errors.js';
import { SessionError } from './errors.js';

/** Appends big-endian integers and byte strings; `bytes()` returns the concatenation. */
export class Writer {
  readonly #parts: Uint8Array[] = [];
  #length = 0;
  u8(n: number): this { return this.raw(Uint8Array.of(n & 0xff)); }
  u16(n: number): this { return this.raw(Uint8Array.of((n >>> 8) & 0xff, n & 0xff)); }
  u32(n: number): this { return this.raw(Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)); }
  raw(b: Uint8Array): this {
    if (!(b instanceof Uint8Array)) throw new SessionError('invalid-value', `field expected Uint8Array, got ${describe(b)}`);
    this.#parts.push(b);
    this.#length += b.length;
    return this;
  }
  /** u64be of a safe integer. */
  u64(n: number): this { return this.u32(Math.floor(n / 0x1_0000_0000)).u32(n >>> 0); }
  /** u16be(len) ‖ b */
  var16(b: Uint8Array): this { return this.u16(b.length).raw(b); }
  /** u32be(len) ‖ b */
  var32(b: Uint8Array): this { return this.u32(b.length).raw(b); }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let o = 0;
    for (const p of this.#parts) { out.set(p, o); o += p.length; }
    return out;
  }
}

/** Reads fields front to back; running out of bytes is `truncated`, anything invalid `malformed`. */
export class Reader {
  #offset = 0;
  constructor(private readonly buf: Uint8Array, private readonly what: string) {}
  get remaining(): number { return this.buf.length - this.#offset; }
  #need(n: number, field: string): void {
    if (this.remaining < n) throw new SessionError('truncated', `${this.what} ${field} expected ${n} bytes, got ${this.remaining}`);
  }
  u8(field: string): number { this.#need(1, field); return this.buf[this.#offset++]; }
  u16(field: string): number { this.#need(2, field); const o = this.#offset; this.#offset += 2; return (this.buf[o] << 8) | this.buf[o + 1]; }
  u32(field: string): number {
    this.#need(4, field);
    const o = this.#offset; this.#offset += 4;
    return ((this.buf[o] << 24) >>> 0) + (this.buf[o + 1] << 16) + (this.buf[o + 2] << 8) + this.buf[o + 3];
  }
  fixed(field: string, n: number): Uint8Array { this.#need(n, field); const o = this.#offset; this.#offset += n; return this.buf.slice(o, o + n); }
  /** As `fixed`, without a copy: a view into the buffer (bulk data the caller only reads). */
  view(field: string, n: number): Uint8Array { this.#need(n, field); const o = this.#offset; this.#offset += n; return this.buf.subarray(o, o + n); }
  /** A u16- or u32-length-prefixed field whose length must lie in [min, max]. */
  sized(field: string, prefix: 16 | 32, min: number, max: number): Uint8Array {
    const n = prefix === 16 ? this.u16(`${field} length`) : this.u32(`${field} length`);
    if (n < min || n > max) throw new SessionError('malformed', `${this.what} ${field} expected ${min} to ${max} bytes, got ${n}`);
    return this.fixed(field, n);
  }
  /** As `sized`, returning a view (no copy). */
  sizedView(field: string, prefix: 16 | 32, min: number, max: number): Uint8Array {
    const n = prefix === 16 ? this.u16(`${field} length`) : this.u32(`${field} length`);
    if (n < min || n > max) throw new SessionError('malformed', `${this.what} ${field} expected ${min} to ${max} bytes, got ${n}`);
    return this.view(field, n);
  }
  /** A u64be that must be a safe integer (≤ 2^53 − 1), as two u32 halves. */
  u64(field: string): number {
    const hi = this.u32(`${field} high`), lo = this.u32(`${field} low`);
    if (hi > 0x1fffff) throw new SessionError('malformed', `${this.what} ${field} expected at most 2^53 - 1, got a larger number`);
    return hi * 0x1_0000_0000 + lo;
  }
  end(): void {
    if (this.remaining !== 0) throw new SessionError('malformed', `${this.what} expected to end, got ${this.remaining} more bytes`);
  }
}

/** u16be(len(label)) ‖ label: every label is length-prefixed, so none is a prefix of another. */
export function label(text: string): Uint8Array {
  return new Writer().var16(new TextEncoder().encode(text)).bytes();
}

// One helper per job: these live in core/bytes.ts.
export { concatBytes as concat, equalBytes, toHex } from '../core/bytes.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Strict UTF-8 decoding: invalid sequences are `malformed`, never U+FFFD. */
export function utf8Decode(b: Uint8Array, what: string): string {
  try { return UTF8.decode(b); } catch { throw new SessionError('malformed', `${what} expected UTF-8 text, got invalid bytes`); }
}
export const utf8Encode = (s: string): Uint8Array => new TextEncoder().encode(s);
