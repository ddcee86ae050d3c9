// PIN/UV auth protocols — CTAP 2.1 §6.5.4 (shared interface), §6.5.6 "PIN/UV Auth Protocol One" and
// §6.5.7 "PIN/UV Auth Protocol Two". Both sides use these: the platform (ctap2/client.ts) and the
// software authenticator. Key agreement is ECDH on P-256 via the WebAssembly core; the authenticator's
// and platform's public keys travel as COSE_Key {1: 2, 3: -25, -1: 1, -2: x, -3: y} (§6.5.6). AES-256-CBC
// is WebCrypto's (core/aes-cbc.ts), so encrypt and decrypt are async; everything runs in a browser too.

import {
  COSE_ALG_ECDH_ES_HKDF_256, hkdfSha256, hmacSha256, p256Ecdh, p256Keypair, p256PublicKey, p256PublicKeyFromCoseMap, p256PublicKeyToCoseMap, sha256,
} from '../../core/index.js';
import { InputError, KeyprintError } from '../../errors.js';
import { bytes } from '../../core/check.js';
import { equalBytes } from '../../core/bytes.js';
import { CtapError, CtapStatus } from '../errors.js';
import { aesCbcDecrypt, aesCbcEncrypt } from '../../core/aes-cbc.js';
import type { CborMap } from './cbor.js';

/** The operations of a PIN/UV auth protocol (§6.5.4). */
export interface PinUvAuthProtocol {
  /** 1 or 2, the value sent as `pinUvAuthProtocol`. */
  readonly version: 1 | 2;
  /** Shared secret from the ECDH x-coordinate Z (§6.5.6: SHA-256(Z); §6.5.7: HMAC key ‖ AES key). */
  kdf(z: Uint8Array): Uint8Array;
  /**
   * Encrypts whole 16-byte blocks under the shared secret (async: WebCrypto).
   * @throws InputError `invalid-length` for a plaintext that is not whole blocks
   */
  encrypt(sharedSecret: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /**
   * Decrypts; §6.5.7: "If the demPlaintext is less than 16 bytes in length, return an error".
   * @throws InputError `invalid-length` for a ciphertext of the wrong size
   */
  decrypt(sharedSecret: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array>;
  /** The MAC of `message` under a shared secret or a pinUvAuthToken. */
  authenticate(key: Uint8Array, message: Uint8Array): Uint8Array;
  /** Constant-time check of `signature` = authenticate(key, message). */
  verify(key: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

const ZERO_IV = new Uint8Array(16);
const ZERO_SALT = new Uint8Array(32);
const utf8 = (s: string) => new TextEncoder().encode(s);
const HMAC_INFO = utf8('CTAP2 HMAC key');
const AES_INFO = utf8('CTAP2 AES key');

const equal = equalBytes; // constant-time (core/bytes.ts)

/** PIN/UV auth protocol one (§6.5.6): SHA-256 KDF, AES-256-CBC with a zero IV, 16-byte HMAC. */
export const pinProtocolV1: PinUvAuthProtocol = Object.freeze({
  version: 1 as const,
  kdf: (z: Uint8Array) => sha256(z),
  encrypt: (key: Uint8Array, plaintext: Uint8Array) => aesCbcEncrypt(key, ZERO_IV, plaintext),
  decrypt: (key: Uint8Array, ciphertext: Uint8Array) => aesCbcDecrypt(key, ZERO_IV, ciphertext),
  // §6.5.6: authenticate(key, message) → LEFT(HMAC-SHA-256(key, message), 16)
  authenticate: (key: Uint8Array, message: Uint8Array) => hmacSha256(key, message).slice(0, 16),
  verify(key: Uint8Array, message: Uint8Array, signature: Uint8Array) {
    return equal(hmacSha256(key, message).subarray(0, 16), signature);
  },
});

/** The HMAC key of a protocol-2 key: the first 32 bytes of a 64-byte shared secret, or a whole token. */
const hmacKeyV2 = (key: Uint8Array) => (bytes('key', key).length === 64 ? key.subarray(0, 32) : key);

/** PIN/UV auth protocol two (§6.5.7): HKDF-SHA-256 KDF, AES-256-CBC with a random IV, 32-byte HMAC. */
export const pinProtocolV2: PinUvAuthProtocol = Object.freeze({
  version: 2 as const,
  // §6.5.7: HKDF-SHA-256(salt = 32 zero bytes, IKM = Z, L = 32, info = "CTAP2 HMAC key") ‖ (… "CTAP2 AES key")
  kdf(z: Uint8Array) {
    const out = new Uint8Array(64);
    out.set(hkdfSha256(z, ZERO_SALT, HMAC_INFO, 32), 0);
    out.set(hkdfSha256(z, ZERO_SALT, AES_INFO, 32), 32);
    return out;
  },
  async encrypt(key: Uint8Array, plaintext: Uint8Array) {
    checkShared2(key);
    const iv = crypto.getRandomValues(new Uint8Array(16));
    const ct = await aesCbcEncrypt(key.subarray(32, 64), iv, plaintext);
    const out = new Uint8Array(16 + ct.length);
    out.set(iv, 0);
    out.set(ct, 16);
    return out;
  },
  async decrypt(key: Uint8Array, ciphertext: Uint8Array) {
    checkShared2(key);
    bytes('ciphertext', ciphertext);
    if (ciphertext.length < 16) {
      throw new InputError('invalid-length', `"ciphertext" expected at least 16 bytes, got ${ciphertext.length}`);
    }
    return aesCbcDecrypt(key.subarray(32, 64), ciphertext.subarray(0, 16), ciphertext.subarray(16));
  },
  authenticate: (key: Uint8Array, message: Uint8Array) => hmacSha256(hmacKeyV2(key), message),
  verify(key: Uint8Array, message: Uint8Array, signature: Uint8Array) {
    return equal(hmacSha256(hmacKeyV2(key), message), signature);
  },
});

function checkShared2(key: Uint8Array): void {
  bytes('sharedSecret', key, 64);
}

/**
 * The protocol object for a `pinUvAuthProtocol` number.
 * @throws CtapError `CTAP1_ERR_INVALID_PARAMETER` for anything but 1 or 2
 */
export function pinProtocol(version: unknown): PinUvAuthProtocol {
  if (version === 1) return pinProtocolV1;
  if (version === 2) return pinProtocolV2;
  throw new CtapError(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, `unsupported pinUvAuthProtocol ${String(version)}`);
}

/**
 * The PIN/UV auth protocol to use with an authenticator, from its getInfo `pinUvAuthProtocols`
 * (§6.4, key 0x06): protocol 2 when it is listed, else 1 — the same choice as python-fido2's
 * ClientPin. §6.5.5.1: the platform "MUST" use "a version supported by the authenticator", so a
 * CTAP 2.0 / 2.1-PRE key that lists only [1] gets protocol 1 everywhere (PIN tokens, getPINRetries,
 * hmac-secret §12.5). An absent or empty list is read as [1]: CTAP 2.0 had no other protocol.
 * @param info getInfo's `pinUvAuthProtocols`
 * @returns the protocol object
 * @throws CtapError `CTAP1_ERR_INVALID_PARAMETER` when the authenticator lists only protocols keyprint lacks
 * @example negotiatePinUvAuthProtocol(await ctap.getInfo()).version // 1 on a Solo 1
 */
export function negotiatePinUvAuthProtocol(info: { pinUvAuthProtocols: readonly number[] }): PinUvAuthProtocol {
  const offered = info.pinUvAuthProtocols;
  if (offered.length === 0) return pinProtocolV1;
  if (offered.includes(2)) return pinProtocolV2;
  if (offered.includes(1)) return pinProtocolV1;
  throw new CtapError(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, `the authenticator offers PIN/UV auth protocols [${offered.join(', ')}]; keyprint supports 1 and 2`);
}

/**
 * The COSE_Key form of a P-256 key-agreement public key (§6.5.6 getPublicKey: alg −25
 * "ECDH-ES+HKDF-256", "although this is NOT the algorithm actually used"), from core's one COSE_Key
 * codec (core/cose-key.ts).
 * @param publicKey SEC 1 point, 65 or 33 bytes (validated; sent uncompressed)
 * @throws InputError for a bad type or length; CryptoError `invalid-public-key` for a point off the curve
 */
export function coseKeyAgreement(publicKey: Uint8Array): CborMap {
  return p256PublicKeyToCoseMap(publicKey, COSE_ALG_ECDH_ES_HKDF_256);
}

/**
 * The SEC 1 point inside a key-agreement COSE_Key, with core's COSE_Key checks (core/cose-key.ts,
 * RFC 9053 §7.1): exactly kty 2 (EC2), alg −25 (§6.5.6), crv 1 (P-256), 32-byte x and y — and the
 * point on the curve, checked here, before any ECDH sees it.
 * @throws CtapError `CTAP1_ERR_INVALID_PARAMETER` for another shape or an invalid point
 */
export function pointFromCoseKeyAgreement(cose: unknown): Uint8Array {
  try {
    return p256PublicKeyFromCoseMap(cose, COSE_ALG_ECDH_ES_HKDF_256);
  } catch (e) {
    if (!(e instanceof KeyprintError)) throw e;
    throw new CtapError(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, `keyAgreement: ${e.message}`, { cause: e });
  }
}

/**
 * Platform side of §6.5.6/§6.5.7 encapsulate(peerCoseKey): a fresh P-256 key pair (or `secretKey`, for
 * known-answer tests), ECDH with the authenticator's key, and the protocol's KDF.
 * @param protocol PIN/UV auth protocol
 * @param peerCoseKey the authenticator's keyAgreement (clientPIN getKeyAgreement)
 * @param secretKey optional fixed platform secret key
 * @returns the platform's keyAgreement COSE_Key to send and the shared secret
 * @throws CtapError `CTAP1_ERR_INVALID_PARAMETER` for a malformed COSE key or an invalid point
 * @example const { keyAgreement, sharedSecret } = encapsulate(pinProtocolV2, response.get(1))
 */
export function encapsulate(
  protocol: PinUvAuthProtocol,
  peerCoseKey: unknown,
  secretKey?: Uint8Array,
): { keyAgreement: CborMap; sharedSecret: Uint8Array } {
  const peer = pointFromCoseKeyAgreement(peerCoseKey);
  const pair = secretKey ? { secretKey, publicKey: p256PublicKey(secretKey) } : p256Keypair();
  const z = p256Ecdh(pair.secretKey, peer);
  const sharedSecret = protocol.kdf(z);
  z.fill(0);
  if (!secretKey) pair.secretKey.fill(0);
  return { keyAgreement: coseKeyAgreement(pair.publicKey), sharedSecret };
}

/**
 * Authenticator side decapsulate: the shared secret for a platform keyAgreement COSE_Key.
 * @throws CtapError `CTAP1_ERR_INVALID_PARAMETER` for a malformed key or an invalid point
 */
export function decapsulate(protocol: PinUvAuthProtocol, secretKey: Uint8Array, peerCoseKey: unknown): Uint8Array {
  const z = p256Ecdh(secretKey, pointFromCoseKeyAgreement(peerCoseKey));
  const shared = protocol.kdf(z);
  z.fill(0);
  return shared;
}

/**
 * LEFT(SHA-256(pin), 16) and the 64-byte zero-padded PIN block (§6.5.5.5 setPIN / §6.5.5.7).
 * @throws InputError `invalid-value` if the PIN has fewer than 4 code points or more than 63 UTF-8 bytes
 */
export function pinBlocks(pin: string): { pinHash: Uint8Array; paddedPin: Uint8Array } {
  if (typeof pin !== 'string') throw new InputError('invalid-type', `"pin" expected string, got ${typeof pin}`);
  const bytes = utf8(pin);
  // §6.5.1: minimum 4 Unicode code points; §6.5.5.5: paddedPin is 64 bytes and must end with 0x00.
  if ([...pin].length < 4) throw new InputError('invalid-value', '"pin" expected at least 4 characters');
  if (bytes.length > 63) throw new InputError('invalid-value', `"pin" expected at most 63 UTF-8 bytes, got ${bytes.length}`);
  const paddedPin = new Uint8Array(64);
  paddedPin.set(bytes);
  return { pinHash: sha256(bytes).slice(0, 16), paddedPin };
}
