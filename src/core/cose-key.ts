// COSE_Key for P-256 public keys, one codec for the two forms keyprint meets (RFC 9052 §7: kty (1),
// alg (3); RFC 9053 §7.1 EC2: crv (-1), x (-2), y (-3); kty 2 EC2, crv 1 P-256):
//   - ES256 credential keys (alg -7, RFC 9053 §2.1) as CBOR bytes: WebAuthn attested credential data
//     (WebAuthn §6.5.1.1) and keyprint bundles;
//   - CTAP 2.1 §6.5.6 key-agreement keys (alg -25 "ECDH-ES+HKDF-256", "although this is NOT the
//     algorithm actually used"), as the decoded CBOR maps inside clientPIN and hmac-secret messages.
// Both have exactly the five entries, each once. Pure and strict; p256.ts validates the point.

import { CryptoError, InputError } from '../errors.js';

/** COSE algorithm ES256 (ECDSA w/ SHA-256, RFC 9053 §2.1). */
export const COSE_ALG_ES256 = -7;
/** COSE algorithm ECDH-ES+HKDF-256 (RFC 9053 §6.3.1): the alg CTAP 2.1 §6.5.6 key-agreement keys carry. */
export const COSE_ALG_ECDH_ES_HKDF_256 = -25;
/** The algs a P-256 COSE_Key is read or written with. */
export type P256CoseAlg = typeof COSE_ALG_ES256 | typeof COSE_ALG_ECDH_ES_HKDF_256;

const KTY = 1, ALG = 3, CRV = -1, X = -2, Y = -3;
const KTY_EC2 = 2, CRV_P256 = 1;
const ALG_NAME: Record<P256CoseAlg, string> = { [COSE_ALG_ES256]: 'ES256', [COSE_ALG_ECDH_ES_HKDF_256]: 'ECDH-ES+HKDF-256' };

const fail = (why: string): never => {
  throw new CryptoError('invalid-encoding', `COSE_Key: ${why}`);
};

function checkAlg(alg: unknown): P256CoseAlg {
  if (alg !== COSE_ALG_ES256 && alg !== COSE_ALG_ECDH_ES_HKDF_256) {
    throw new InputError('invalid-value', `"alg" expected -7 (ES256) or -25 (ECDH-ES+HKDF-256), got ${String(alg)}`);
  }
  return alg;
}

/**
 * x and y (32 bytes each) from a decoded COSE_Key: a Map of exactly kty 2, alg `alg`, crv 1, and
 * 32-byte byte strings x and y. The point is not validated here (p256.ts does).
 * @throws CryptoError `invalid-encoding` for any other shape; InputError `invalid-value` for an unknown `alg`
 */
export function coseKeyMapToXy(cose: unknown, alg: P256CoseAlg): { x: Uint8Array; y: Uint8Array } {
  checkAlg(alg);
  if (!(cose instanceof Map)) return fail('expected a map');
  for (const label of cose.keys()) {
    if (![KTY, ALG, CRV, X, Y].includes(label)) fail(`unexpected label ${String(label)} (expected exactly kty, alg, crv, x, y)`);
  }
  if (cose.size !== 5) fail(`expected the 5 entries kty, alg, crv, x, y, got ${cose.size}`);
  if (cose.get(KTY) !== KTY_EC2) fail('kty must be 2 (EC2)');
  if (cose.get(ALG) !== alg) fail(`alg must be ${alg} (${ALG_NAME[alg]})`);
  if (cose.get(CRV) !== CRV_P256) fail('crv must be 1 (P-256)');
  const x = cose.get(X), y = cose.get(Y);
  if (!(x instanceof Uint8Array) || x.length !== 32) fail('x must be a 32-byte byte string');
  if (!(y instanceof Uint8Array) || y.length !== 32) fail('y must be a 32-byte byte string');
  return { x: (x as Uint8Array).slice(), y: (y as Uint8Array).slice() };
}

/** The map form (CTAP2 canonical key order: 1, 3, -1, -2, -3) of affine x, y (32 bytes each). */
export function xyToCoseKeyMap(x: Uint8Array, y: Uint8Array, alg: P256CoseAlg): Map<number, number | Uint8Array> {
  checkAlg(alg);
  return new Map<number, number | Uint8Array>([[KTY, KTY_EC2], [ALG, alg], [CRV, CRV_P256], [X, x.slice()], [Y, y.slice()]]);
}

// ---- bytes -------------------------------------------------------------------------------------

/**
 * Reads the five entries of a CBOR map of small integers and byte strings — all a P-256 COSE_Key
 * holds — with minimal heads (RFC 8949 §4.2.1), in any key order, no duplicates, nothing after.
 */
function readCoseKeyBytes(b: Uint8Array): Map<number, number | Uint8Array> {
  let p = 0;
  const head = (): { major: number; arg: number } => {
    if (p >= b.length) fail('truncated');
    const initial = b[p++];
    const major = initial >> 5, info = initial & 0x1f;
    if (info < 24) return { major, arg: info };
    // One-byte argument only (no COSE_Key P-256 item needs more); minimal means ≥ 24 (RFC 8949 §4.2.1).
    if (info !== 24) fail(`unexpected CBOR head 0x${initial.toString(16)}`);
    if (p >= b.length) fail('truncated');
    const arg = b[p++];
    if (arg < 24) fail('non-minimal CBOR head');
    return { major, arg };
  };
  const integer = (): number => {
    const { major, arg } = head();
    if (major === 0) return arg;
    if (major === 1) return -1 - arg;
    return fail('expected an integer');
  };
  const { major, arg } = head();
  if (major !== 5 || arg !== 5) fail('expected a CBOR map of 5 entries (kty, alg, crv, x, y)');
  const out = new Map<number, number | Uint8Array>();
  for (let i = 0; i < 5; i++) {
    const label = integer();
    if (out.has(label)) fail('duplicate label');
    const at = p;
    const value = head();
    if (value.major === 0 || value.major === 1) {
      out.set(label, value.major === 0 ? value.arg : -1 - value.arg);
    } else if (value.major === 2) {
      if (p + value.arg > b.length) fail('truncated');
      out.set(label, b.slice(p, p + value.arg));
      p += value.arg;
    } else {
      fail(`unexpected CBOR item 0x${b[at].toString(16)} for label ${label}`);
    }
  }
  if (p !== b.length) fail('trailing bytes');
  return out;
}

/**
 * x and y from COSE_Key bytes of exactly the P-256 shape (coseKeyMapToXy's checks); the five entries may
 * come in any order, each once, with minimal CBOR encodings and nothing after the map.
 * @throws CryptoError `invalid-encoding`; InputError `invalid-value` for an unknown `alg`
 */
export function coseKeyBytesToXy(cose: Uint8Array, alg: P256CoseAlg): { x: Uint8Array; y: Uint8Array } {
  return coseKeyMapToXy(readCoseKeyBytes(cose), alg);
}

/** Deterministic COSE_Key bytes (RFC 8949 §4.2.1; CTAP2 canonical order) for affine x, y (32 bytes each). */
export function xyToCoseKeyBytes(x: Uint8Array, y: Uint8Array, alg: P256CoseAlg): Uint8Array {
  // alg: -7 is the one-byte head 0x26; -25 is 0x38 0x18 (negative integer 24, one-byte argument).
  const algHead = checkAlg(alg) === COSE_ALG_ES256 ? [0x26] : [0x38, 0x18];
  return new Uint8Array([0xa5, 0x01, 0x02, 0x03, ...algHead, 0x20, 0x01, 0x21, 0x58, 0x20, ...x, 0x22, 0x58, 0x20, ...y]);
}
