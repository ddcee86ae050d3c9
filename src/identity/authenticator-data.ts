// Authenticator data (WebAuthn Level 3 §6.1, §6.5.1 attested credential data) and credential
// public keys (COSE_Key, RFC 9052 §7 / RFC 9053 §7; WebAuthn §6.5.1.1). CBOR is decoded with
// cborg in strict mode: minimal-length integers, definite lengths, no tags, no duplicate map keys,
// no undefined/NaN/Infinity, no bigints — the CTAP2 canonical subset authenticators emit.

import { STRICT_CBOR as CORE_STRICT_CBOR, decodeStrict, decodeStrictPrefix } from '../core/cbor.js';
import { p256PublicKeyToSpki } from '../core/index.js';
import { KeyprintError } from '../errors.js';
import { AttestationError } from './attestation-error.js';
import { concat, uuidString } from './_bytes.js';
import { fromHex } from '../core/bytes.js';
import { derTlv, derUnsigned } from '../core/der.js';

/** cborg options for untrusted CTAP2 / WebAuthn CBOR. */
export const STRICT_CBOR = CORE_STRICT_CBOR;

/**
 * Decodes exactly one CBOR item with STRICT_CBOR; trailing bytes are an error.
 * @param bytes the CBOR bytes
 * @param what names the input in the error message
 * @param code the error code to throw (default `malformed-cbor`)
 * @returns the decoded value (maps as `Map`, byte strings as `Uint8Array`)
 * @throws AttestationError `malformed-cbor` (or `code`)
 * @example const obj = decodeCbor(attestationObject, 'attestationObject') as Map<string, unknown>
 */
export function decodeCbor(bytes: Uint8Array, what: string, code: 'malformed-cbor' | 'malformed-auth-data' = 'malformed-cbor'): unknown {
  try {
    return decodeStrict(bytes);
  } catch (e) {
    throw new AttestationError(code, `${what} is not valid strict CBOR: ${(e as Error).message}`, { cause: (e as Error).cause ?? e });
  }
}

/** The flags byte (WebAuthn §6.1). */
export interface AuthenticatorFlags {
  /** User Present (bit 0). */
  up: boolean;
  /** User Verified (bit 2). */
  uv: boolean;
  /** Backup Eligibility (bit 3). */
  be: boolean;
  /** Backup State (bit 4). */
  bs: boolean;
  /** Attested credential data included (bit 6). */
  at: boolean;
  /** Extension data included (bit 7). */
  ed: boolean;
  /** The raw byte. */
  value: number;
}

/** Attested credential data (WebAuthn §6.5.1). */
export interface AttestedCredentialData {
  aaguid: Uint8Array;
  /** Dashed lowercase form, e.g. `01020304-0506-0708-0102-030405060708`. */
  aaguidString: string;
  credentialId: Uint8Array;
  /** The COSE_Key bytes exactly as the authenticator encoded them. */
  credentialPublicKey: Uint8Array;
}

/** Parsed authenticator data. Byte fields are views into `bytes`. */
export interface AuthenticatorData {
  bytes: Uint8Array;
  rpIdHash: Uint8Array;
  flags: AuthenticatorFlags;
  signCount: number;
  attestedCredentialData?: AttestedCredentialData;
  /** Authenticator extension outputs (CBOR map), when ED is set. */
  extensions?: Map<unknown, unknown>;
}

const bad = (why: string, cause?: unknown) =>
  new AttestationError('malformed-auth-data', `authenticator data is malformed: ${why}`, { cause });

/** WebAuthn §7.1 step 5 (L3): credential IDs longer than 1023 bytes are rejected. */
const MAX_CREDENTIAL_ID = 1023;

/**
 * Parses authenticator data (WebAuthn §6.1): `rpIdHash[32] ‖ flags[1] ‖ signCount[4, BE] ‖
 * [attested credential data] ‖ [extensions]`. The AT and ED flags must agree with what follows,
 * and nothing may follow the last element.
 * @param bytes the authenticator data
 * @returns the parsed fields (views into `bytes`)
 * @throws AttestationError `malformed-auth-data`
 * @example const { flags, signCount } = parseAuthenticatorData(authData)
 */
export function parseAuthenticatorData(bytes: Uint8Array): AuthenticatorData {
  if (!(bytes instanceof Uint8Array)) throw bad('expected Uint8Array');
  if (bytes.length < 37) throw bad(`expected at least 37 bytes, got ${bytes.length}`);
  const rpIdHash = bytes.subarray(0, 32);
  const f = bytes[32];
  const flags: AuthenticatorFlags = {
    up: (f & 0x01) !== 0,
    uv: (f & 0x04) !== 0,
    be: (f & 0x08) !== 0,
    bs: (f & 0x10) !== 0,
    at: (f & 0x40) !== 0,
    ed: (f & 0x80) !== 0,
    value: f,
  };
  // §6.1.3: "If the BE flag is not set, the BS flag MUST NOT be set" (L3 registration step 16).
  if (flags.bs && !flags.be) throw bad('BS (backup state) is set without BE (backup eligibility)');
  const signCount = ((bytes[33] << 24) | (bytes[34] << 16) | (bytes[35] << 8) | bytes[36]) >>> 0;
  let p = 37;
  let attestedCredentialData: AttestedCredentialData | undefined;
  if (flags.at) {
    if (bytes.length < p + 18) throw bad('AT is set but attested credential data is truncated');
    const aaguid = bytes.subarray(p, p + 16);
    const idLen = (bytes[p + 16] << 8) | bytes[p + 17];
    p += 18;
    if (idLen > MAX_CREDENTIAL_ID) throw bad(`credential ID expected at most ${MAX_CREDENTIAL_ID} bytes, got ${idLen}`);
    if (bytes.length < p + idLen) throw bad('credential ID is truncated');
    const credentialId = bytes.subarray(p, p + idLen);
    p += idLen;
    let keyLen: number;
    try {
      keyLen = decodeStrictPrefix(bytes.subarray(p)).length;
    } catch (e) {
      throw bad(`credential public key is not valid strict CBOR: ${(e as Error).message}`, (e as Error).cause);
    }
    const credentialPublicKey = bytes.subarray(p, p + keyLen);
    p += keyLen;
    attestedCredentialData = { aaguid, aaguidString: uuidString(aaguid), credentialId, credentialPublicKey };
  }
  let extensions: Map<unknown, unknown> | undefined;
  if (flags.ed) {
    if (p >= bytes.length) throw bad('ED is set but there are no extensions');
    const ext = decodeCbor(bytes.subarray(p), 'authenticator extensions', 'malformed-auth-data');
    if (!(ext instanceof Map)) throw bad('extensions are not a CBOR map');
    extensions = ext;
    p = bytes.length;
  }
  if (p !== bytes.length) throw bad(`${bytes.length - p} unexpected trailing byte(s)`);
  return { bytes, rpIdHash, flags, signCount, attestedCredentialData, extensions };
}

/** A credential public key (COSE_Key) with the SubjectPublicKeyInfo used to verify with it. */
export interface CoseKey {
  /** COSE kty: 1 OKP, 2 EC2, 3 RSA. */
  kty: number;
  /** COSE alg, e.g. -7 ES256, -8 EdDSA, -257 RS256. */
  alg: number;
  /** COSE crv for EC2/OKP keys: 1 P-256, 2 P-384, 3 P-521, 6 Ed25519. */
  crv?: number;
  /** DER SubjectPublicKeyInfo of the same key. */
  spki: Uint8Array;
  /** For EC2 keys: the uncompressed SEC 1 point 0x04 ‖ x ‖ y. */
  point?: Uint8Array;
}

// DER for building SubjectPublicKeyInfo from COSE parameters: core/der.ts.
const der = derTlv;
const hexBytes = (h: string) => fromHex(h);
// AlgorithmIdentifiers: id-ecPublicKey with the named curve; rsaEncryption with NULL; id-Ed25519.
const ALG_EC_P384 = hexBytes('301006072a8648ce3d020106052b81040022');
const ALG_EC_P521 = hexBytes('301006072a8648ce3d020106052b81040023');
const ALG_RSA = hexBytes('300d06092a864886f70d0101010500');
const ALG_ED25519 = hexBytes('300506032b6570');
const spkiOf = (algId: Uint8Array, key: Uint8Array) => der(0x30, concat(algId, der(0x03, concat(Uint8Array.of(0), key))));

const EC2_CURVES: Record<number, { size: number; alg: number }> = {
  1: { size: 32, alg: -7 },
  2: { size: 48, alg: -35 },
  3: { size: 66, alg: -36 },
};
const RSA_ALGS = new Set([-257, -258, -259, -37, -38, -39]);

const badKey = (why: string, cause?: unknown) =>
  new AttestationError('bad-credential-key', `credential public key is not usable: ${why}`, { cause });

/**
 * Parses a credential public key (COSE_Key) and converts it to a SubjectPublicKeyInfo.
 * Supported: EC2 P-256/ES256 (point validated), P-384/ES384, P-521/ES512; OKP Ed25519/EdDSA;
 * RSA with RS256/384/512 or PS256/384/512. The key's alg must match its curve.
 * @param bytes the COSE_Key CBOR bytes
 * @returns kty, alg, crv and the SPKI
 * @throws AttestationError `malformed-cbor`, `bad-credential-key`, `unsupported-algorithm`
 * @example const { alg, spki } = parseCoseKey(credentialPublicKey)
 */
export function parseCoseKey(bytes: Uint8Array): CoseKey {
  const m = decodeCbor(bytes, 'credential public key');
  if (!(m instanceof Map)) throw badKey('not a CBOR map');
  const kty = m.get(1);
  const alg = m.get(3);
  if (typeof kty !== 'number') throw badKey('kty (1) missing');
  // WebAuthn §6.5.1.1: the COSE_Key "MUST contain the "alg" parameter".
  if (typeof alg !== 'number') throw badKey('alg (3) missing');
  const b = (label: number, len?: number): Uint8Array => {
    const v = m.get(label);
    if (!(v instanceof Uint8Array)) throw badKey(`parameter ${label} is not a byte string`);
    if (len !== undefined && v.length !== len) throw badKey(`parameter ${label} expected ${len} bytes, got ${v.length}`);
    return v;
  };
  if (kty === 2) {
    const crv = m.get(-1);
    const c = typeof crv === 'number' ? EC2_CURVES[crv] : undefined;
    if (!c) throw new AttestationError('unsupported-algorithm', `EC2 curve ${String(crv)} is not supported`);
    if (alg !== c.alg) throw badKey(`alg ${alg} does not match curve ${crv}`);
    const point = concat(Uint8Array.of(4), b(-2, c.size), b(-3, c.size));
    let spki: Uint8Array;
    if (crv === 1) {
      try {
        spki = p256PublicKeyToSpki(point);
      } catch (e) {
        throw badKey(e instanceof KeyprintError ? e.message : 'invalid P-256 point', e);
      }
    } else {
      spki = spkiOf(crv === 2 ? ALG_EC_P384 : ALG_EC_P521, point);
    }
    return { kty, alg, crv, spki, point };
  }
  if (kty === 1) {
    const crv = m.get(-1);
    if (crv !== 6) throw new AttestationError('unsupported-algorithm', `OKP curve ${String(crv)} is not supported`);
    if (alg !== -8) throw badKey(`alg ${alg} does not match Ed25519`);
    return { kty, alg, crv, spki: spkiOf(ALG_ED25519, b(-2, 32)) };
  }
  if (kty === 3) {
    if (!RSA_ALGS.has(alg)) throw badKey(`alg ${alg} is not an RSA algorithm`);
    const n = b(-1);
    const e = b(-2);
    if (n.length < 256 || n[0] === 0) throw badKey(`RSA modulus expected at least 2048 bits, got ${n.length} bytes`);
    if (e.length === 0 || e.length > 8) throw badKey('RSA exponent has a bad length');
    return { kty, alg, spki: spkiOf(ALG_RSA, der(0x30, concat(derUnsigned(n), derUnsigned(e)))) };
  }
  throw new AttestationError('unsupported-algorithm', `COSE key type ${kty} is not supported`);
}
