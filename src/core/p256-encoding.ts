// Byte codecs around P-256 keys and signatures, pure and strict (no WebAssembly here; p256.ts
// validates the points these carry; COSE_Key is cose-key.ts):
//   - ECDSA-Sig-Value DER (RFC 3279 §2.2.3, X.690 §8.3 / §10 DER) ⇄ r ‖ s (IEEE P1363, 64 bytes);
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
