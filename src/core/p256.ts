// P-256 (secp256r1, prime256v1): key generation, ECDH (SEC 1 §3.3.1) and ECDSA with SHA-256-sized
// digests (FIPS 186-5 §6.4) with RFC 6979 deterministic nonces, plus SEC 1 / DER / COSE_Key / SPKI
// encodings (COSE_Key in bytes for ES256 credential keys, or as a decoded map for CTAP key agreement:
// cose-key.ts, one codec). The arithmetic runs in the WebAssembly core (assembly/p256/); this module checks
// arguments, lays out the I/O frame, maps status codes to typed errors and wipes the frame after
// every call that handled a secret.

import { bytes } from './check.js';
import { core, frame, put, alloc, take, wipeFrame } from './_wasm.js';
import { CryptoError, InputError, describe } from '../errors.js';
import { derToRs, rsToDer, spkiToPoint, pointToSpki } from './p256-encoding.js';
import { COSE_ALG_ES256, coseKeyBytesToXy, coseKeyMapToXy, xyToCoseKeyBytes, xyToCoseKeyMap, type P256CoseAlg } from './cose-key.js';

interface P256Exports {
  p256PublicKey(out: number, secret: number, compressed: number): number;
  p256Ecdh(out: number, secret: number, peer: number, peerLen: number): number;
  p256NormalizePoint(out: number, point: number, len: number): number;
  p256Sign(out: number, secret: number, hash: number): number;
  p256Verify(pub: number, pubLen: number, hash: number, sig: number): number;
}
const wasm = () => core() as unknown as P256Exports;

// Status codes of assembly/p256/point.ts (P256_OK, P256_INVALID_SECRET, P256_INVALID_POINT).
const OK = 0;
const INVALID_SECRET = 2;
const INVALID_POINT = 3;

/** A P-256 key pair: 32-byte secret scalar, SEC 1 public key (65 bytes, or 33 compressed). */
export interface P256Keypair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

const invalidSecret = () =>
  new CryptoError('invalid-secret-key', 'P-256 secret key must be an integer from 1 to n − 1 (32 bytes, big-endian)');

function checkPoint(name: string, value: unknown): Uint8Array {
  const p = bytes(name, value);
  // SEC 1 §2.3.3: the identity encodes as the single byte 00; it is never a usable public key.
  if (p.length === 1 && p[0] === 0) {
    throw new CryptoError('invalid-public-key', `"${name}" is the point at infinity`);
  }
  if (p.length !== 33 && p.length !== 65) {
    throw new InputError('invalid-length', `"${name}" expected 33 or 65 bytes, got ${p.length}`);
  }
  return p;
}

const invalidPoint = (name: string) =>
  new CryptoError('invalid-public-key', `"${name}" is not a valid P-256 point (SEC 1 §3.2.2.1: prefix, coordinates < p, on the curve)`);

/** FIPS 186-5 §6.4.1 step 3 / RFC 6979 §2.3.2 bits2int: the leftmost 256 bits of the digest. */
function digest(name: string, value: unknown): Uint8Array {
  const h = bytes(name, value);
  if (h.length < 32 || h.length > 64) {
    throw new InputError('invalid-length', `"${name}" expected 32 to 64 bytes, got ${h.length}`);
  }
  return h.length === 32 ? h : h.subarray(0, 32);
}

function compressedOption(options: unknown): boolean {
  if (options === undefined) return false;
  if (typeof options !== 'object' || options === null) {
    throw new InputError('invalid-type', `"options" expected an object, got ${describe(options)}`);
  }
  const c = (options as { compressed?: unknown }).compressed;
  if (c === undefined) return false;
  if (typeof c !== 'boolean') throw new InputError('invalid-type', `"options.compressed" expected boolean, got ${describe(c)}`);
  return c;
}

/**
 * The public key d·G of a secret key, SEC 1 encoded (§2.3.3).
 * @param secretKey 32 bytes, big-endian, 1 ≤ d < n
 * @param options `compressed: true` for the 33-byte form (default: 65-byte uncompressed)
 * @returns SEC 1 public key
 * @throws InputError `invalid-type` / `invalid-length`; CryptoError `invalid-secret-key` if d = 0 or d ≥ n
 * @example const publicKey = p256PublicKey(secretKey, { compressed: true })
 */
export function p256PublicKey(secretKey: Uint8Array, options: { compressed?: boolean } = {}): Uint8Array {
  bytes('secretKey', secretKey, 32);
  const compressed = compressedOption(options);
  const outLen = compressed ? 33 : 65;
  frame(32 + 80);
  const d = put(secretKey);
  const out = alloc(outLen);
  const status = wasm().p256PublicKey(out, d, compressed ? 1 : 0);
  const publicKey = take(out, outLen);
  wipeFrame();
  if (status === INVALID_SECRET) throw invalidSecret();
  return publicKey;
}

/**
 * A fresh key pair from `crypto.getRandomValues` (rejection sampling: SEC 1 §3.2.1, FIPS 186-5 A.2.2).
 * @param options `compressed: true` for a 33-byte public key
 * @returns `{ secretKey, publicKey }`
 * @example const { secretKey, publicKey } = p256Keypair()
 */
export function p256Keypair(options: { compressed?: boolean } = {}): P256Keypair {
  compressedOption(options);
  for (;;) {
    const secretKey = crypto.getRandomValues(new Uint8Array(32));
    try {
      return { secretKey, publicKey: p256PublicKey(secretKey, options) };
    } catch (e) {
      // Out of range with probability < 2^-32: draw again.
      if (!(e instanceof CryptoError && e.code === 'invalid-secret-key')) throw e;
      secretKey.fill(0);
    }
  }
}

/**
 * ECDH (SEC 1 §3.3.1): the x-coordinate of d·Q. The peer's point is validated before the secret is used.
 * @param secretKey 32 bytes, 1 ≤ d < n
 * @param peerPublicKey SEC 1 point, 65 bytes (04 ‖ x ‖ y) or 33 bytes (02/03 ‖ x)
 * @returns the 32-byte shared secret x-coordinate (hash it with a KDF before use)
 * @throws InputError for a bad type or length; CryptoError `invalid-public-key` for an invalid point,
 *   `invalid-secret-key` for an out-of-range secret key
 * @example const shared = p256Ecdh(mySecretKey, peerPublicKey)
 */
export function p256Ecdh(secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  bytes('secretKey', secretKey, 32);
  const peer = checkPoint('peerPublicKey', peerPublicKey);
  frame(32 + peer.length + 32);
  const d = put(secretKey);
  const q = put(peer);
  const out = alloc(32);
  const status = wasm().p256Ecdh(out, d, q, peer.length);
  const shared = take(out, 32);
  wipeFrame();
  if (status === INVALID_POINT) throw invalidPoint('peerPublicKey');
  if (status === INVALID_SECRET) throw invalidSecret();
  return shared;
}

/**
 * ECDSA signature (FIPS 186-5 §6.4.1) with the RFC 6979 deterministic nonce (HMAC-SHA-256).
 * Not low-S normalised: the output matches RFC 6979 exactly.
 * @param secretKey 32 bytes, 1 ≤ d < n
 * @param messageHash the message digest, 32 to 64 bytes; only the leftmost 256 bits are used
 *   (FIPS 186-5 §6.4.1 step 3), so SHA-256 is the natural match
 * @returns r ‖ s, 64 bytes (IEEE P1363); see p256SignatureToDer for DER
 * @throws InputError for a bad type or length; CryptoError `invalid-secret-key`
 * @example const signature = p256Sign(secretKey, sha256(message))
 */
export function p256Sign(secretKey: Uint8Array, messageHash: Uint8Array): Uint8Array {
  bytes('secretKey', secretKey, 32);
  const h = digest('messageHash', messageHash);
  frame(32 + 32 + 64);
  const d = put(secretKey);
  const z = put(h);
  const out = alloc(64);
  const status = wasm().p256Sign(out, d, z);
  const signature = take(out, 64);
  wipeFrame();
  if (status === INVALID_SECRET) throw invalidSecret();
  return signature;
}

/**
 * ECDSA verification (FIPS 186-5 §6.4.2).
 * @param publicKey SEC 1 point, 65 or 33 bytes
 * @param messageHash the digest, 32 to 64 bytes (leftmost 256 bits used)
 * @param signature r ‖ s (exactly 64 bytes) or a strict DER ECDSA-Sig-Value (any other length)
 * @returns true if valid; false for a wrong signature, including r or s outside [1, n − 1]
 * @throws InputError for a bad type or length; CryptoError `invalid-public-key` for an invalid point,
 *   `invalid-encoding` for a signature that is neither 64 bytes nor valid DER
 * @example if (!p256Verify(publicKey, sha256(message), signature)) throw new Error('bad signature')
 */
export function p256Verify(publicKey: Uint8Array, messageHash: Uint8Array, signature: Uint8Array): boolean {
  const q = checkPoint('publicKey', publicKey);
  const h = digest('messageHash', messageHash);
  bytes('signature', signature);
  const rs = signature.length === 64 ? signature : derToRs(signature);
  frame(q.length + 32 + 64);
  const pq = put(q), pz = put(h), ps = put(rs);
  const status = wasm().p256Verify(pq, q.length, pz, ps);
  if (status === INVALID_POINT) throw invalidPoint('publicKey');
  return status === 1;
}

/**
 * r ‖ s from a strict DER ECDSA-Sig-Value (RFC 3279 §2.2.3; minimal lengths and integers, no trailing bytes).
 * @param der the DER signature
 * @returns 64 bytes r ‖ s
 * @throws InputError `invalid-type`; CryptoError `invalid-encoding` for anything that is not strict DER
 *   or has an integer wider than 256 bits
 * @example const rs = p256SignatureFromDer(derSignature)
 */
export function p256SignatureFromDer(der: Uint8Array): Uint8Array {
  return derToRs(bytes('der', der));
}

/**
 * Strict DER ECDSA-Sig-Value for r ‖ s.
 * @param rs 64 bytes r ‖ s
 * @returns DER bytes (8 to 72 bytes)
 * @throws InputError `invalid-type` / `invalid-length`
 * @example const der = p256SignatureToDer(p256Sign(secretKey, digest))
 */
export function p256SignatureToDer(rs: Uint8Array): Uint8Array {
  return rsToDer(bytes('rs', rs, 64));
}

/** Validates a SEC 1 point in the core and returns its 65-byte uncompressed form. */
function normalize(name: string, point: Uint8Array): Uint8Array {
  frame(point.length + 65);
  const p = put(point);
  const out = alloc(65);
  const status = wasm().p256NormalizePoint(out, p, point.length);
  const result = take(out, 65);
  if (status !== OK) throw invalidPoint(name);
  return result;
}

/**
 * The public key inside a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 5480: id-ecPublicKey with
 * namedCurve prime256v1), validated as a curve point.
 * @param der SPKI DER bytes
 * @returns the 65-byte uncompressed SEC 1 public key
 * @throws CryptoError `invalid-encoding` (malformed DER), `unsupported-key` (other algorithm or curve),
 *   `invalid-public-key` (not a valid point)
 * @example const publicKey = p256PublicKeyFromSpki(certificate.subjectPublicKeyInfo)
 */
export function p256PublicKeyFromSpki(der: Uint8Array): Uint8Array {
  const point = spkiToPoint(bytes('der', der));
  if (point.length !== 33 && point.length !== 65) throw invalidPoint('der');
  return normalize('der', point);
}

/**
 * SubjectPublicKeyInfo DER (uncompressed point) for a P-256 public key.
 * @param publicKey SEC 1 point, 65 or 33 bytes (validated; a compressed key is decompressed)
 * @returns 91-byte SPKI DER
 * @throws InputError / CryptoError `invalid-public-key`
 * @example const spki = p256PublicKeyToSpki(publicKey)
 */
export function p256PublicKeyToSpki(publicKey: Uint8Array): Uint8Array {
  return pointToSpki(normalize('publicKey', checkPoint('publicKey', publicKey)));
}

/** The validated 65-byte point for affine x, y from a COSE_Key. */
function coseXyToPoint(name: string, { x, y }: { x: Uint8Array; y: Uint8Array }): Uint8Array {
  const point = new Uint8Array(65);
  point[0] = 4;
  point.set(x, 1);
  point.set(y, 33);
  return normalize(name, point);
}

/**
 * The public key in a COSE_Key (RFC 9053 §7.1.1 EC2: kty 2, alg −7 ES256, crv 1 P-256, x, y), the
 * form WebAuthn credentials carry.
 * @param cose the CBOR bytes, exactly the five entries and nothing else
 * @returns the 65-byte uncompressed SEC 1 public key
 * @throws CryptoError `invalid-encoding` (other shape), `invalid-public-key` (not a valid point)
 * @example const publicKey = p256PublicKeyFromCose(attestedCredentialData.credentialPublicKey)
 */
export function p256PublicKeyFromCose(cose: Uint8Array): Uint8Array {
  return coseXyToPoint('cose', coseKeyBytesToXy(bytes('cose', cose), COSE_ALG_ES256));
}

/**
 * Deterministic COSE_Key (EC2, ES256, P-256) for a public key.
 * @param publicKey SEC 1 point, 65 or 33 bytes (validated)
 * @returns 77 bytes of CBOR
 * @throws InputError / CryptoError `invalid-public-key`
 * @example const cose = p256PublicKeyToCose(publicKey)
 */
export function p256PublicKeyToCose(publicKey: Uint8Array): Uint8Array {
  const u = normalize('publicKey', checkPoint('publicKey', publicKey));
  return xyToCoseKeyBytes(u.subarray(1, 33), u.subarray(33, 65), COSE_ALG_ES256);
}

/**
 * The public key in a decoded COSE_Key map — the form CTAP messages carry (CTAP 2.1 §6.5.6
 * keyAgreement: alg −25) — with the checks of the byte form: exactly kty 2, alg `alg`, crv 1, 32-byte
 * x and y, and a point on the curve.
 * @param cose the decoded map (integer keys)
 * @param alg the alg it must carry: COSE_ALG_ECDH_ES_HKDF_256 (−25) or COSE_ALG_ES256 (−7)
 * @returns the 65-byte uncompressed SEC 1 public key
 * @throws CryptoError `invalid-encoding` (other shape), `invalid-public-key` (not a valid point);
 *   InputError `invalid-value` for another `alg`
 * @example const point = p256PublicKeyFromCoseMap(response.get(1), COSE_ALG_ECDH_ES_HKDF_256)
 */
export function p256PublicKeyFromCoseMap(cose: unknown, alg: P256CoseAlg): Uint8Array {
  return coseXyToPoint('cose', coseKeyMapToXy(cose, alg));
}

/**
 * The COSE_Key map (CTAP2 canonical key order 1, 3, −1, −2, −3) for a public key.
 * @param publicKey SEC 1 point, 65 or 33 bytes (validated)
 * @param alg COSE_ALG_ECDH_ES_HKDF_256 (−25, CTAP key agreement) or COSE_ALG_ES256 (−7)
 * @returns `Map {1 → 2, 3 → alg, −1 → 1, −2 → x, −3 → y}`
 * @throws InputError / CryptoError `invalid-public-key`
 * @example const keyAgreement = p256PublicKeyToCoseMap(publicKey, COSE_ALG_ECDH_ES_HKDF_256)
 */
export function p256PublicKeyToCoseMap(publicKey: Uint8Array, alg: P256CoseAlg): Map<number, number | Uint8Array> {
  const u = normalize('publicKey', checkPoint('publicKey', publicKey));
  return xyToCoseKeyMap(u.subarray(1, 33), u.subarray(33, 65), alg);
}
