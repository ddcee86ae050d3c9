// The one place src/identity checks signatures: COSE algorithms (RFC 9053 §2.1 ECDSA, §2.2 EdDSA;
// RFC 8812 §2 RSASSA-PKCS1-v1_5) and X.509 signature algorithms (RFC 5758 §3.2 ECDSA, RFC 4055 §5
// RSA PKCS#1 v1.5, RFC 8410 §3 Ed25519). P-256 and Ed25519 run in keyprint's WebAssembly core;
// P-384/P-521 and RSA use WebCrypto (`globalThis.crypto.subtle`, Node 20 and browsers). Swapping a
// backend means editing this file only.

import { p256Verify, p256PublicKeyFromSpki, ed25519Verify, sha256 } from '../core/index.js';
import { CryptoError, KeyprintError } from '../errors.js';
import { DerError, ecdsaSignatureFromDer, oidToString, readChildren, readTlv } from '../core/der.js';

type Hash = 'SHA-256' | 'SHA-384' | 'SHA-512';
type Scheme =
  | { kind: 'ecdsa'; hash: Hash }
  | { kind: 'ed25519' }
  | { kind: 'rsa-pkcs1'; hash: Hash }
  | { kind: 'rsa-pss'; hash: Hash };

// COSE algorithm identifiers (IANA "COSE Algorithms" registry).
const COSE: Record<number, Scheme> = {
  [-7]: { kind: 'ecdsa', hash: 'SHA-256' }, // ES256
  [-35]: { kind: 'ecdsa', hash: 'SHA-384' }, // ES384
  [-36]: { kind: 'ecdsa', hash: 'SHA-512' }, // ES512
  [-8]: { kind: 'ed25519' }, // EdDSA (only Ed25519 keys are accepted)
  [-257]: { kind: 'rsa-pkcs1', hash: 'SHA-256' }, // RS256
  [-258]: { kind: 'rsa-pkcs1', hash: 'SHA-384' }, // RS384
  [-259]: { kind: 'rsa-pkcs1', hash: 'SHA-512' }, // RS512
  [-37]: { kind: 'rsa-pss', hash: 'SHA-256' }, // PS256
  [-38]: { kind: 'rsa-pss', hash: 'SHA-384' }, // PS384
  [-39]: { kind: 'rsa-pss', hash: 'SHA-512' }, // PS512
};

// X.509 AlgorithmIdentifier OIDs. SHA-1 based algorithms are deliberately absent.
const X509: Record<string, Scheme> = {
  '1.2.840.10045.4.3.2': { kind: 'ecdsa', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { kind: 'ecdsa', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { kind: 'ecdsa', hash: 'SHA-512' },
  '1.2.840.113549.1.1.11': { kind: 'rsa-pkcs1', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { kind: 'rsa-pkcs1', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { kind: 'rsa-pkcs1', hash: 'SHA-512' },
  '1.3.101.112': { kind: 'ed25519' },
};

const OID_EC = '1.2.840.10045.2.1';
const OID_RSA = '1.2.840.113549.1.1.1';
const OID_ED25519 = '1.3.101.112';
const CURVES: Record<string, { name: 'P-256' | 'P-384' | 'P-521'; size: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
};
const MIN_RSA_BITS = 2048;

/** What a SubjectPublicKeyInfo holds (RFC 5280 §4.1.2.7). */
export interface SpkiInfo {
  keyType: 'ec' | 'rsa' | 'ed25519' | 'other';
  /** `P-256`, `P-384` or `P-521` for EC keys with a named curve. */
  curve?: string;
  /** The subjectPublicKey BIT STRING contents (without the unused-bits octet). */
  key: Uint8Array;
}

/**
 * Reads the algorithm and key bits of a SubjectPublicKeyInfo.
 * @throws CryptoError `invalid-public-key` if it is not a DER SubjectPublicKeyInfo
 */
export function spkiInfo(spki: Uint8Array): SpkiInfo {
  try {
    const top = readTlv(spki);
    if (top.tag !== 0x30 || top.end !== spki.length) throw new DerError('not a SEQUENCE');
    const [algId, bits, ...rest] = readChildren(top.body);
    if (!algId || !bits || rest.length || algId.tag !== 0x30 || bits.tag !== 0x03) throw new DerError('shape');
    const [oid, params] = readChildren(algId.body);
    if (!oid || oid.tag !== 0x06) throw new DerError('no algorithm OID');
    if (bits.body.length < 1 || bits.body[0] !== 0) throw new DerError('key BIT STRING has unused bits');
    const key = bits.body.subarray(1);
    const alg = oidToString(oid.body);
    if (alg === OID_EC) {
      const curve = params && params.tag === 0x06 ? CURVES[oidToString(params.body)]?.name : undefined;
      return { keyType: 'ec', curve, key };
    }
    if (alg === OID_RSA) return { keyType: 'rsa', key };
    if (alg === OID_ED25519) return { keyType: 'ed25519', key };
    return { keyType: 'other', key };
  } catch (e) {
    if (e instanceof DerError) throw new CryptoError('invalid-public-key', `SubjectPublicKeyInfo is malformed: ${e.message}`);
    throw e;
  }
}

/** Whether `alg` (a COSE number or an X.509 OID string) is one verifySignature knows. */
export function isSupportedAlgorithm(alg: number | string): boolean {
  return (typeof alg === 'number' ? COSE[alg] : X509[alg]) !== undefined;
}

/** DER Ecdsa-Sig-Value → fixed-size r ‖ s (IEEE P1363, core/der.ts); undefined if it is not strict DER. */
function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | undefined {
  try {
    return ecdsaSignatureFromDer(der, size);
  } catch {
    return undefined;
  }
}

/** A copy with a plain ArrayBuffer, as WebCrypto's BufferSource wants. */
const buf = (u: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(u);

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new CryptoError('unsupported-algorithm', 'WebCrypto (globalThis.crypto.subtle) is not available');
  return s;
}

const mismatch = (alg: number | string, keyType: string) =>
  new CryptoError('alg-key-mismatch', `signature algorithm ${alg} cannot be used with a ${keyType} key`);

/**
 * Verifies a signature. ECDSA signatures are DER Ecdsa-Sig-Value (WebAuthn §6.5.5, RFC 5758 §3.2),
 * or r ‖ s with `ecdsaEncoding: 'raw'` (JWS, RFC 7518 §3.4); RSA and Ed25519 signatures are raw.
 * @param params.alg COSE algorithm number (e.g. -7) or X.509 signature AlgorithmIdentifier OID
 * @param params.publicKey the signer's SubjectPublicKeyInfo, DER
 * @param params.data the signed bytes
 * @param params.signature the signature bytes
 * @param params.ecdsaEncoding `der` (default) or `raw`
 * @returns true if the signature is valid; false for a wrong or malformed signature
 * @throws CryptoError `unsupported-algorithm`, `alg-key-mismatch`, `invalid-public-key`, `weak-key`
 * @example await verifySignature({ alg: -7, publicKey: spki, data, signature })
 */
export async function verifySignature(params: {
  alg: number | string;
  publicKey: Uint8Array;
  data: Uint8Array;
  signature: Uint8Array;
  ecdsaEncoding?: 'der' | 'raw';
}): Promise<boolean> {
  const { alg, publicKey, data, signature } = params;
  const scheme = typeof alg === 'number' ? COSE[alg] : X509[alg];
  if (!scheme) throw new CryptoError('unsupported-algorithm', `signature algorithm ${alg} is not supported`);
  const info = spkiInfo(publicKey);

  if (scheme.kind === 'ed25519') {
    if (info.keyType !== 'ed25519') throw mismatch(alg, info.keyType);
    if (info.key.length !== 32) throw new CryptoError('invalid-public-key', 'Ed25519 key must be 32 bytes');
    if (signature.length !== 64) return false;
    return ed25519Verify(info.key, data, signature);
  }

  if (scheme.kind === 'ecdsa') {
    if (info.keyType !== 'ec') throw mismatch(alg, info.keyType);
    const curve = Object.values(CURVES).find((c) => c.name === info.curve);
    if (!curve) throw new CryptoError('unsupported-algorithm', 'EC key on an unsupported or unnamed curve');
    // RFC 7518 §3.4: "the JWS Signature value … MUST be a 64-octet sequence" (ES256) — R ‖ S, fixed size.
    const raw = params.ecdsaEncoding === 'raw' ? (signature.length === 2 * curve.size ? signature : undefined) : ecdsaDerToRaw(signature, curve.size);
    if (!raw) return false;
    if (curve.name === 'P-256' && scheme.hash === 'SHA-256') {
      const point = p256PublicKeyFromSpki(publicKey); // validates the point (SEC 1 §3.2.2.1)
      return p256Verify(point, sha256(data), raw);
    }
    let key: CryptoKey;
    try {
      key = await subtle().importKey('spki', buf(publicKey), { name: 'ECDSA', namedCurve: curve.name }, false, ['verify']);
    } catch (e) {
      throw new CryptoError('invalid-public-key', `${curve.name} public key rejected by WebCrypto`, { cause: e });
    }
    return subtle().verify({ name: 'ECDSA', hash: scheme.hash }, key, buf(raw), buf(data));
  }

  // RSA
  if (info.keyType !== 'rsa') throw mismatch(alg, info.keyType);
  const name = scheme.kind === 'rsa-pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
  let key: CryptoKey;
  try {
    key = await subtle().importKey('spki', buf(publicKey), { name, hash: scheme.hash }, false, ['verify']);
  } catch (e) {
    throw new CryptoError('invalid-public-key', 'RSA public key rejected by WebCrypto', { cause: e });
  }
  const bits = (key.algorithm as RsaHashedKeyAlgorithm).modulusLength;
  if (bits < MIN_RSA_BITS) throw new CryptoError('weak-key', `RSA key expected at least ${MIN_RSA_BITS} bits, got ${bits}`);
  const saltLength = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[scheme.hash];
  try {
    return await subtle().verify(name === 'RSA-PSS' ? { name, saltLength } : { name }, key, buf(signature), buf(data));
  } catch (e) {
    if (e instanceof KeyprintError) throw e;
    return false;
  }
}

