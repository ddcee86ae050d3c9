// A minimal strict DER reader (ITU-T X.690 §8.1 and §10): tag, definite minimal length, contents.
// Used to slice the exact signed bytes out of certificates and to inspect SubjectPublicKeyInfo
// without trusting a lenient BER parser. Browser-safe.

/** One TLV: `tag` is the identifier octet, `start`/`end` bound the whole TLV, `body` the contents. */
export interface Tlv {
  tag: number;
  start: number;
  headerLength: number;
  end: number;
  body: Uint8Array;
}

/** Thrown (as a plain marker) for any DER violation; callers map it to their own KeyprintError. */
export class DerError extends Error {}

/**
 * Reads one TLV at `offset`. Rejects high tag numbers, indefinite lengths, non-minimal lengths
 * (X.690 §10.1) and lengths that run past the end of `bytes`.
 */
export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  if (offset + 2 > bytes.length) throw new DerError('truncated TLV header');
  const tag = bytes[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used in X.509');
  let len = bytes[offset + 1];
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length (BER) is not DER');
    if (n > 4) throw new DerError('length too large');
    if (p + n > bytes.length) throw new DerError('truncated length');
    if (bytes[p] === 0) throw new DerError('non-minimal length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[p + i];
    if (len < 0x80) throw new DerError('non-minimal length');
    p += n;
  }
  const end = p + len;
  if (end > bytes.length) throw new DerError('TLV runs past the end of its container');
  return { tag, start: offset, headerLength: p - offset, end, body: bytes.subarray(p, end) };
}

/** The TLVs that exactly fill `bytes` (the contents of a constructed value). */
export function readChildren(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let p = 0;
  while (p < bytes.length) {
    const t = readTlv(bytes, p);
    out.push(t);
    p = t.end;
  }
  return out;
}

/**
 * Walks the whole tree and throws DerError on any BER-only encoding (constructed values are
 * descended into; primitives are left to the schema parser). `maxDepth` bounds recursion.
 */
export function assertStrictDer(bytes: Uint8Array, maxDepth = 32): void {
  const top = readTlv(bytes, 0);
  if (top.end !== bytes.length) throw new DerError('trailing bytes after the outer TLV');
  walk(top, maxDepth);
}

function walk(t: Tlv, depth: number): void {
  if (depth <= 0) throw new DerError('nesting too deep');
  if (t.tag & 0x20) for (const c of readChildren(t.body)) walk(c, depth - 1);
  // X.690 §11.1: a DER BOOLEAN TRUE is 0xFF.
  if (t.tag === 0x01 && (t.body.length !== 1 || (t.body[0] !== 0 && t.body[0] !== 0xff))) {
    throw new DerError('BOOLEAN is not DER');
  }
}

/** Decodes an OBJECT IDENTIFIER's contents to dotted form (X.690 §8.19). */
export function oidToString(body: Uint8Array): string {
  if (body.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < body.length; i++) {
    if (v === 0 && body[i] === 0x80) throw new DerError('non-minimal OID arc');
    v = v * 128 + (body[i] & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OID arc too large');
    if (!(body[i] & 0x80)) {
      parts.push(v);
      v = 0;
    } else if (i === body.length - 1) {
      throw new DerError('truncated OID');
    }
  }
  const first = parts[0] < 80 ? Math.floor(parts[0] / 40) : 2;
  return [first, parts[0] - first * 40, ...parts.slice(1)].join('.');
}
