// X25519 Diffie-Hellman (RFC 7748 §5, §6.1). Secret keys are 32 random bytes (clamped inside the
// core); the I/O frame and the core's ladder state are wiped after every call.

import { bytes } from './check.js';
import { core, frame, put, alloc, take, wipeFrame } from './_wasm.js';
import { randomBytes } from './_random.js';
import { CryptoError } from '../errors.js';

interface X25519Exports {
  x25519Scalarmult(out: number, scalar: number, u: number): number;
  x25519ScalarmultBase(out: number, scalar: number): void;
}
const wasm = () => core() as unknown as X25519Exports;
/** x25519Scalarmult's flag for an all-zero result (X25519_LOW_ORDER in assembly/index.ts). */
const X25519_LOW_ORDER = 1;

/** A secret key with its public key; the secret is hidden from JSON, `String()` and Node's inspect. */
export interface KeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** @internal Builds a KeyPair whose secret does not leak through logging or serialisation. */
export function keyPair(secretKey: Uint8Array, publicKey: Uint8Array): KeyPair {
  const redacted = { publicKey, secretKey: '[redacted]' };
  return Object.defineProperties({} as KeyPair, {
    secretKey: { value: secretKey, enumerable: false },
    publicKey: { value: publicKey, enumerable: true },
    toJSON: { value: () => ({ publicKey: Array.from(publicKey) }), enumerable: false },
    toString: { value: () => '[KeyPair]', enumerable: false },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => redacted, enumerable: false },
  });
}

/**
 * The X25519 shared secret of `secretKey` and the peer's public key (RFC 7748 §6.1).
 * @param secretKey 32-byte secret key (any 32 bytes; clamped as §5 decodeScalar25519)
 * @param peerPublicKey 32-byte u-coordinate (bit 255 is ignored, §5)
 * @returns 32-byte shared secret; hash it (e.g. HKDF) before use as a key
 * @throws InputError `invalid-type` / `invalid-length` for a non-Uint8Array or wrong length
 * @throws CryptoError `low-order-point` when the peer key has small order (the shared secret would
 *   be all zero and independent of `secretKey`, §6.1)
 * @example const shared = x25519(mySecretKey, theirPublicKey)
 */
export function x25519(secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  bytes('secretKey', secretKey, 32);
  bytes('peerPublicKey', peerPublicKey, 32);
  frame(96);
  const k = put(secretKey), u = put(peerPublicKey), out = alloc(32);
  const lowOrder = wasm().x25519Scalarmult(out, k, u);
  const shared = take(out, 32);
  wipeFrame();
  if (lowOrder === X25519_LOW_ORDER) {
    throw new CryptoError('low-order-point', '"peerPublicKey" is a low-order point: the shared secret would be all zero');
  }
  return shared;
}

/**
 * The X25519 public key of `secretKey`: X25519(secretKey, 9) (RFC 7748 §6.1).
 * @param secretKey 32-byte secret key
 * @returns 32-byte public key
 * @throws InputError `invalid-type` / `invalid-length`
 * @example const publicKey = x25519PublicKey(secretKey)
 */
export function x25519PublicKey(secretKey: Uint8Array): Uint8Array {
  bytes('secretKey', secretKey, 32);
  frame(64);
  const k = put(secretKey), out = alloc(32);
  wasm().x25519ScalarmultBase(out, k);
  const publicKey = take(out, 32);
  wipeFrame();
  return publicKey;
}

/**
 * A fresh X25519 key pair from the platform CSPRNG.
 * @returns `{ secretKey, publicKey }`, 32 bytes each (the secret is hidden from JSON and inspect)
 * @example const { secretKey, publicKey } = x25519Keypair()
 */
export function x25519Keypair(): KeyPair {
  const secretKey = randomBytes(32);
  return keyPair(secretKey, x25519PublicKey(secretKey));
}
