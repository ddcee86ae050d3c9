// A minimal strict DER reader (ITU-T X.690 §8.1 and §10): tag, definite minimal length, contents;
// and a whole-tree DER check (assertStrictDer) that also checks the contents of primitive values
// (X.690 §8.3, §8.6, §8.19, §11; X.680 §41 character sets). Used to slice the exact signed bytes out
// of certificates and to inspect SubjectPublicKeyInfo without trusting a lenient BER parser; and the
// one ECDSA signature codec, Ecdsa-Sig-Value DER (RFC 3279 §2.2.3) ⇄ r ‖ s (IEEE P1363).
// Browser-safe.

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
 * Walks the whole tree and throws DerError on anything that is not DER: BER-only headers (see
 * readTlv), constructed strings or primitive SEQUENCE/SET, and primitive contents that DER or the
 * type's character set forbids (checkPrimitive). Constructed values are descended into; the
 * contents of OCTET STRINGs (e.g. extnValue) are not. `maxDepth` bounds recursion.
 */
export function assertStrictDer(bytes: Uint8Array, maxDepth = 32): void {
  const top = readTlv(bytes, 0);
  if (top.end !== bytes.length) throw new DerError('trailing bytes after the outer TLV');
  walk(top, maxDepth);
}

function walk(t: Tlv, depth: number): void {
  if (depth <= 0) throw new DerError('nesting too deep');
  const constructed = (t.tag & 0x20) !== 0;
  if ((t.tag & 0xc0) === 0) {
    const number = t.tag & 0x1f;
    if (number === 0) throw new DerError('end-of-contents octets are not DER');
    // X.690 §8.9.1, §8.11.1: SEQUENCE and SET are constructed; §10.2: every string type is primitive.
    const mustConstruct = number === 0x10 || number === 0x11;
    if (constructed !== mustConstruct) {
      throw new DerError(`universal tag ${number} expected ${mustConstruct ? 'constructed' : 'primitive'}, got ${constructed ? 'constructed' : 'primitive'}`);
    }
  }
  if (constructed) {
    for (const c of readChildren(t.body)) walk(c, depth - 1);
  } else if ((t.tag & 0xc0) === 0) {
    checkPrimitive(t.tag, t.body);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
// X.680 §41.4 Table 10: A-Z a-z 0-9 space ' ( ) + , - . / : = ?. Like Go's crypto/x509, '*' and '&'
// are tolerated: real CA certificates put wildcards and company names in PrintableString.
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?*&]*$/;
const NUMERIC = /^[0-9 ]*$/;
const UTC_TIME = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d*[1-9])?Z$/;

const latin1 = new TextDecoder('latin1');
const ascii = (body: Uint8Array) => latin1.decode(body);

/** Contents rules of the universal primitive types a certificate uses (X.690 §8, §11; X.680 §41). */
function checkPrimitive(tag: number, body: Uint8Array): void {
  switch (tag) {
    case 0x01: // X.690 §11.1: a DER BOOLEAN is one octet, FALSE 0x00 and TRUE 0xFF.
      if (body.length !== 1 || (body[0] !== 0 && body[0] !== 0xff)) throw new DerError('BOOLEAN expected one octet 00 or FF');
      return;
    case 0x02: // INTEGER
    case 0x0a: // ENUMERATED (X.690 §8.4: encoded as an INTEGER)
      // X.690 §8.3.1: one or more octets; §8.3.2: the first nine bits are not all 0 or all 1.
      if (body.length === 0) throw new DerError('INTEGER expected at least one octet, got 0');
      if (body.length > 1 && ((body[0] === 0x00 && body[1] < 0x80) || (body[0] === 0xff && body[1] >= 0x80))) {
        throw new DerError(`INTEGER expected minimal encoding, got a redundant leading ${body[0] === 0 ? '00' : 'FF'}`);
      }
      return;
    case 0x03: // X.690 §8.6.2.2: the initial octet (unused bits) is 0–7; §8.6.2.3: 0 when there are no bits.
      if (body.length === 0) throw new DerError('BIT STRING expected an initial octet, got none');
      if (body[0] > 7 || (body.length === 1 && body[0] !== 0)) throw new DerError(`BIT STRING unused bits expected ${body.length === 1 ? '0' : '0 to 7'}, got ${body[0]}`);
      return;
    case 0x05: // X.690 §8.8.2: NULL has no contents.
      if (body.length !== 0) throw new DerError(`NULL expected no contents, got ${body.length} octets`);
      return;
    case 0x06: // OBJECT IDENTIFIER
      checkOid(body);
      return;
    case 0x0c: // UTF8String: RFC 3629 UTF-8 (X.680 §41.16)
      try { utf8.decode(body); } catch { throw new DerError('UTF8String is not valid UTF-8'); }
      return;
    case 0x12:
      if (!NUMERIC.test(ascii(body))) throw new DerError('NumericString expected digits and spaces');
      return;
    case 0x13:
      if (!PRINTABLE.test(ascii(body))) throw new DerError('PrintableString has a character outside its set (X.680 §41.4)');
      return;
    case 0x16: // IA5String: International Alphabet 5, i.e. 7-bit
      if (body.some((b) => b >= 0x80)) throw new DerError('IA5String expected 7-bit characters');
      return;
    case 0x1c: // UniversalString: UCS-4, four octets per character, each a Unicode scalar value
      if (body.length % 4 !== 0) throw new DerError(`UniversalString expected a multiple of 4 octets, got ${body.length}`);
      for (let i = 0; i < body.length; i += 4) {
        const c = ((body[i] << 24) | (body[i + 1] << 16) | (body[i + 2] << 8) | body[i + 3]) >>> 0;
        if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) throw new DerError('UniversalString has a value that is not a character');
      }
      return;
    case 0x1e: // BMPString: UCS-2, two octets per character; surrogates are not characters of the BMP
      if (body.length % 2 !== 0) throw new DerError(`BMPString expected an even number of octets, got ${body.length}`);
      for (let i = 0; i < body.length; i += 2) {
        if (body[i] >= 0xd8 && body[i] <= 0xdf) throw new DerError('BMPString has a surrogate code unit');
      }
      return;
    case 0x17: // X.690 §11.8: UTCTime is YYMMDDHHMMSSZ.
      checkTime(UTC_TIME.exec(ascii(body)), 'UTCTime');
      return;
    case 0x18: // X.690 §11.7: GeneralizedTime is YYYYMMDDHHMMSS[.fraction]Z, no trailing zeros in the fraction.
      checkTime(GENERALIZED_TIME.exec(ascii(body)), 'GeneralizedTime');
      return;
  }
}

/** X.690 §8.19.2: each subidentifier is base-128 in the fewest octets (first octet not 0x80), last octet bit 8 clear. */
function checkOid(body: Uint8Array): void {
  if (body.length === 0) throw new DerError('OBJECT IDENTIFIER expected at least one octet, got 0');
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0x80 && (i === 0 || (body[i - 1] & 0x80) === 0)) throw new DerError('OBJECT IDENTIFIER subidentifier has a leading 0x80');
  }
  if (body[body.length - 1] & 0x80) throw new DerError('OBJECT IDENTIFIER ends inside a subidentifier');
}

function checkTime(m: RegExpExecArray | null, type: string): void {
  if (!m) throw new DerError(`${type} is not in its DER form`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  // RFC 5280 §4.1.2.5.1: a two-digit year YY ≥ 50 is 19YY, otherwise 20YY.
  const fullYear = type === 'UTCTime' ? (year >= 50 ? 1900 + year : 2000 + year) : year;
  const last = new Date(0);
  last.setUTCFullYear(fullYear, month, 0); // day 0 of the next month: the month's last day
  const daysInMonth = last.getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    throw new DerError(`${type} is not a valid time`);
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

/**
 * DER Ecdsa-Sig-Value `SEQUENCE { r INTEGER, s INTEGER }` → fixed-size r ‖ s (IEEE P1363).
 * Strict: X.690 §8.3.2 minimal non-negative INTEGERs, each at most `size` bytes, nothing after.
 * @param size the curve's scalar size in bytes (32 for P-256, 48 for P-384, 66 for P-521)
 * @throws DerError for anything else
 */
export function ecdsaSignatureFromDer(der: Uint8Array, size: number): Uint8Array {
  const top = readTlv(der);
  if (top.tag !== 0x30) throw new DerError('expected SEQUENCE');
  if (top.end !== der.length) throw new DerError('trailing bytes');
  const ints = readChildren(top.body);
  if (ints.length !== 2) throw new DerError('expected two INTEGERs in SEQUENCE');
  const out = new Uint8Array(size * 2);
  for (let i = 0; i < 2; i++) {
    const t = ints[i];
    let v = t.body;
    if (t.tag !== 0x02) throw new DerError('expected INTEGER');
    if (v.length === 0) throw new DerError('empty INTEGER');
    if (v[0] & 0x80) throw new DerError('negative INTEGER');
    // §8.3.2: the first nine bits must not be all zero (no redundant leading 0x00).
    if (v.length > 1 && v[0] === 0 && !(v[1] & 0x80)) throw new DerError('non-minimal INTEGER');
    if (v[0] === 0 && v.length > 1) v = v.subarray(1);
    if (v.length > size) throw new DerError(`INTEGER larger than ${size * 8} bits`);
    out.set(v, i * size + size - v.length);
  }
  return out;
}

/** A DER length (X.690 §8.1.3, definite, minimal). */
export function derLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  if (n < 0x100) return Uint8Array.of(0x81, n);
  if (n < 0x10000) return Uint8Array.of(0x82, n >> 8, n & 0xff);
  return Uint8Array.of(0x83, n >> 16, (n >> 8) & 0xff, n & 0xff);
}

/** A TLV from its tag and contents. */
export function derTlv(tag: number, body: Uint8Array): Uint8Array {
  const len = derLength(body.length);
  const out = new Uint8Array(1 + len.length + body.length);
  out[0] = tag;
  out.set(len, 1);
  out.set(body, 1 + len.length);
  return out;
}

/** A DER INTEGER of a non-negative big-endian value: minimal, with a 0x00 when the top bit is set. */
export function derUnsigned(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  const t = v.subarray(i);
  if (!(t[0] & 0x80)) return derTlv(0x02, t);
  const body = new Uint8Array(t.length + 1);
  body.set(t, 1);
  return derTlv(0x02, body);
}

/** r ‖ s (two halves of equal size) → DER Ecdsa-Sig-Value. */
export function ecdsaSignatureToDer(rs: Uint8Array): Uint8Array {
  const half = rs.length / 2;
  const r = derUnsigned(rs.subarray(0, half));
  const s = derUnsigned(rs.subarray(half));
  const body = new Uint8Array(r.length + s.length);
  body.set(r, 0);
  body.set(s, r.length);
  return derTlv(0x30, body);
}
