// Byte codecs around P-256 keys and signatures, pure and strict (no WebAssembly here; p256.ts
// validates the points these carry):
//   - ECDSA-Sig-Value DER (RFC 3279 §2.2.3, X.690 §8.3 / §10 DER) ⇄ r ‖ s (IEEE P1363, 64 bytes);
//   - COSE_Key EC2 for ES256 (RFC 9052 §7, RFC 9053 §7.1.1 / §2.1), deterministic CBOR (RFC 8949 §4.2);
//   - SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) with id-ecPublicKey and prime256v1 (RFC 5480 §2).

import { CryptoError } from '../errors.js';
import { equalBytes } from './bytes.js';
import { DerError, derLength as derLengthBytes, ecdsaSignatureFromDer, ecdsaSignatureToDer, readTlv as readDer } from './der.js';

const fail = (what: string, why: string): never => {
  throw new CryptoError('invalid-encoding', `${what}: ${why}`);
};

// ---- DER ---------------------------------------------------------------------------------------

interface Tlv { tag: number; start: number; end: number }

/** One DER TLV at `off` (der.ts: X.690 §10.1 minimal definite lengths), bounded by `end`; `start` is where its contents begin. */
function readTlv(what: string, b: Uint8Array, off: number, end: number): Tlv {
  try {
    const t = readDer(b.subarray(0, end), off);
    return { tag: t.tag, start: t.start + t.headerLength, end: t.end };
  } catch (e) {
    if (e instanceof DerError) fail(what, e.message);
    throw e;
  }
}

const derLength = (n: number): number[] => [...derLengthBytes(n)];

/** r ‖ s (64 bytes) from a strict DER ECDSA-Sig-Value `SEQUENCE { r INTEGER, s INTEGER }` (der.ts). */
export function derToRs(der: Uint8Array): Uint8Array {
  try {
    return ecdsaSignatureFromDer(der, 32);
  } catch (e) {
    if (e instanceof DerError) fail('DER signature', e.message);
    throw e;
  }
}

/** DER ECDSA-Sig-Value of r ‖ s (64 bytes). */
export function rsToDer(rs: Uint8Array): Uint8Array {
  return ecdsaSignatureToDer(rs.subarray(0, 64));
}

// ---- SPKI --------------------------------------------------------------------------------------

// AlgorithmIdentifier { id-ecPublicKey 1.2.840.10045.2.1, namedCurve prime256v1 1.2.840.10045.3.1.7 }
const EC_ALG_ID = new Uint8Array([
  0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
  0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
]);
const OID_EC_PUBLIC_KEY = EC_ALG_ID.subarray(2, 11);
const OID_PRIME256V1 = EC_ALG_ID.subarray(11, 21);

const same = equalBytes;

/**
 * The SEC 1 point (33 or 65 bytes, not yet validated) inside a SubjectPublicKeyInfo for P-256.
 * RFC 5480 §2.1.1: parameters MUST be namedCurve for PKIX; other curves, explicit parameters
 * (specifiedCurve), other algorithms and trailing data are rejected.
 */
export function spkiToPoint(der: Uint8Array): Uint8Array {
  const what = 'SPKI';
  const spki = readTlv(what, der, 0, der.length);
  if (spki.tag !== 0x30) fail(what, 'expected SEQUENCE');
  if (spki.end !== der.length) fail(what, 'trailing bytes');
  const alg = readTlv(what, der, spki.start, spki.end);
  if (alg.tag !== 0x30) fail(what, 'expected AlgorithmIdentifier SEQUENCE');
  const oid = readTlv(what, der, alg.start, alg.end);
  if (oid.tag !== 0x06 || !same(der.subarray(oid.start - 2, oid.end), OID_EC_PUBLIC_KEY)) {
    throw new CryptoError('unsupported-key', `${what}: algorithm is not id-ecPublicKey (1.2.840.10045.2.1)`);
  }
  const curve = readTlv(what, der, oid.end, alg.end);
  if (curve.end !== alg.end) fail(what, 'extra elements in AlgorithmIdentifier');
  if (curve.tag !== 0x06 || !same(der.subarray(curve.start - 2, curve.end), OID_PRIME256V1)) {
    throw new CryptoError('unsupported-key', `${what}: curve is not prime256v1 (1.2.840.10045.3.1.7)`);
  }
  const bits = readTlv(what, der, alg.end, spki.end);
  if (bits.tag !== 0x03) fail(what, 'expected BIT STRING');
  if (bits.end !== spki.end) fail(what, 'extra elements in SubjectPublicKeyInfo');
  if (bits.end - bits.start < 2 || der[bits.start] !== 0) fail(what, 'BIT STRING must have 0 unused bits');
  return der.slice(bits.start + 1, bits.end);
}

/** SubjectPublicKeyInfo DER for a SEC 1 point (any length; p256.ts passes the 65-byte form). */
export function pointToSpki(point: Uint8Array): Uint8Array {
  const bitString = [0x03, ...derLength(point.length + 1), 0x00, ...point];
  const body = [...EC_ALG_ID, ...bitString];
  return new Uint8Array([0x30, ...derLength(body.length), ...body]);
}

// ---- COSE_Key ----------------------------------------------------------------------------------

// Deterministic CBOR (RFC 8949 §4.2.1) heads for the fixed EC2 / P-256 / ES256 shape:
// {1: 2 (kty EC2), 3: -7 (alg ES256), -1: 1 (crv P-256), -2: x (bstr 32), -3: y (bstr 32)}.
const COSE_LABELS = [0x01, 0x03, 0x20, 0x21, 0x22] as const; // 1, 3, -1, -2, -3
const COSE_FIXED: Record<number, number> = { 0x01: 0x02, 0x03: 0x26, 0x20: 0x01 }; // 2, -7, 1

/**
 * x and y (32 bytes each) from a COSE_Key of exactly the EC2/P-256/ES256 shape; the five entries may
 * come in any order but must each appear once, with minimal CBOR encodings and nothing after the map.
 */
export function coseToXy(cose: Uint8Array): { x: Uint8Array; y: Uint8Array } {
  const what = 'COSE_Key';
  if (cose.length < 1 || cose[0] !== 0xa5) fail(what, 'expected a CBOR map of 5 entries (kty, alg, crv, x, y)');
  let p = 1;
  const seen = new Set<number>();
  let x: Uint8Array | undefined, y: Uint8Array | undefined;
  for (let i = 0; i < 5; i++) {
    if (p >= cose.length) fail(what, 'truncated');
    const label = cose[p++];
    if (!COSE_LABELS.includes(label as (typeof COSE_LABELS)[number])) fail(what, `unexpected label (CBOR 0x${label.toString(16)})`);
    if (seen.has(label)) fail(what, 'duplicate label');
    seen.add(label);
    if (p >= cose.length) fail(what, 'truncated');
    if (label in COSE_FIXED) {
      if (cose[p] !== COSE_FIXED[label]) {
        const name = label === 0x01 ? 'kty must be 2 (EC2)' : label === 0x03 ? 'alg must be -7 (ES256)' : 'crv must be 1 (P-256)';
        fail(what, name);
      }
      p++;
    } else {
      // bstr of 32 bytes: head 0x58 0x20 (RFC 8949 §3.1, one-byte length argument).
      if (cose[p] !== 0x58 || cose[p + 1] !== 0x20) fail(what, `${label === 0x21 ? 'x' : 'y'} must be a 32-byte byte string`);
      if (p + 34 > cose.length) fail(what, 'truncated');
      const v = cose.slice(p + 2, p + 34);
      if (label === 0x21) x = v; else y = v;
      p += 34;
    }
  }
  if (p !== cose.length) fail(what, 'trailing bytes');
  return { x: x!, y: y! };
}

/** Deterministic COSE_Key bytes for the affine coordinates x, y (32 bytes each). */
export function xyToCose(x: Uint8Array, y: Uint8Array): Uint8Array {
  return new Uint8Array([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20, ...x, 0x22, 0x58, 0x20, ...y]);
}
