// Ed25519 signatures (RFC 8032 §5.1). The secret key is the 32-byte seed; the core expands it,
// signs and wipes every secret (seed hash, nonce, scalar-multiplication state) before returning.
// Verification is cofactorless, rejects S ≥ L, non-canonical encodings and small-order A or R
// (libsodium's rule), and returns false for every signature that does not verify; only wrongly
// typed or sized arguments throw.

import { bytes } from './check.js';
import { core, frame, put, alloc, take, wipeFrame } from './_wasm.js';
import { randomBytes } from './_random.js';
import { InputError } from '../errors.js';
import { keyPair, type KeyPair } from './x25519.js';

interface Ed25519Exports {
  ed25519PublicKeyFromSeed(out: number, seed: number): void;
  ed25519SignDetached(sig: number, m: number, mLen: number, seed: number): void;
  ed25519SignWithPublicKey(sig: number, m: number, mLen: number, seed: number, pk: number): void;
  ed25519VerifyDetached(pk: number, m: number, mLen: number, sig: number): number;
  ed25519IsValidPublicKey(pk: number): number;
}
const wasm = () => core() as unknown as Ed25519Exports;

/**
 * The Ed25519 public key of a 32-byte seed (RFC 8032 §5.1.5).
 * @param seed 32-byte secret key (the seed)
 * @returns 32-byte public key
 * @throws InputError `invalid-type` / `invalid-length`
 * @example const publicKey = ed25519PublicKey(seed)
 */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  bytes('seed', seed, 32);
  frame(64);
  const s = put(seed), out = alloc(32);
  wasm().ed25519PublicKeyFromSeed(out, s);
  const publicKey = take(out, 32);
  wipeFrame();
  return publicKey;
}

/**
 * Signs `message` with the key derived from `seed` (RFC 8032 §5.1.6; deterministic).
 * @param seed 32-byte secret key (the seed)
 * @param message any length
 * @returns 64-byte signature R ‖ S
 * @throws InputError `invalid-type` / `invalid-length`
 * @example const signature = ed25519Sign(seed, new TextEncoder().encode('hello'))
 */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  bytes('seed', seed, 32);
  bytes('message', message);
  frame(32 + message.length + 64);
  const s = put(seed), m = put(message), sig = alloc(64);
  wasm().ed25519SignDetached(sig, m, message.length, s);
  const signature = take(sig, 64);
  wipeFrame();
  return signature;
}

/**
 * A signing key that derives its public key once, for callers that sign many messages: each
 * `sign` then costs one fixed-base multiplication instead of two (as libsodium's 64-byte secret
 * key does). The public key is computed here and kept private, never taken from the caller —
 * signing under a public key that does not match the seed would leak the secret scalar.
 * The seed is copied in; `destroy()` zeroes the copy. Neither is shown by toString, toJSON or inspect.
 */
export class Ed25519Signer {
  readonly publicKey: Uint8Array;
  #seed: Uint8Array;
  #publicKey: Uint8Array;

  /** @param seed 32-byte secret key (the seed) @throws InputError for a wrong type or length */
  constructor(seed: Uint8Array) {
    bytes('seed', seed, 32);
    this.#seed = seed.slice();
    this.#publicKey = ed25519PublicKey(this.#seed);
    this.publicKey = this.#publicKey.slice();
  }

  /**
   * Signs `message` (RFC 8032 §5.1.6); the same signature `ed25519Sign(seed, message)` gives.
   * @throws InputError for a non-Uint8Array message, or KeyprintError `destroyed` after destroy()
   * @example const signer = new Ed25519Signer(seed); const sig = signer.sign(message)
   */
  sign(message: Uint8Array): Uint8Array {
    bytes('message', message);
    if (this.#seed.length === 0) throw new InputError('invalid-value', 'this Ed25519Signer expected to hold a key, got one that was destroyed');
    frame(32 + 32 + message.length + 64);
    const s = put(this.#seed), pk = put(this.#publicKey), m = put(message), sig = alloc(64);
    wasm().ed25519SignWithPublicKey(sig, m, message.length, s, pk);
    const signature = take(sig, 64);
    wipeFrame();
    return signature;
  }

  /** Zeroes the seed copy; `sign` throws afterwards. */
  destroy(): void {
    this.#seed.fill(0);
    this.#seed = new Uint8Array(0);
  }

  toString(): string { return 'Ed25519Signer(publicKey, secret hidden)'; }
  toJSON(): { publicKey: number[] } { return { publicKey: Array.from(this.publicKey) }; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
}

/**
 * Verifies an Ed25519 signature (RFC 8032 §5.1.7, cofactorless: [S]B = R + [k]A), with libsodium's
 * checks before the equation: a public key or R of small order (any encoding of one of the 8 torsion
 * points) and a public key with y ≥ p never verify.
 * @param publicKey 32-byte public key (one that fails `ed25519IsValidPublicKey` makes every signature invalid)
 * @param message any length
 * @param signature 64-byte R ‖ S
 * @returns true if the signature is valid; false otherwise, including S ≥ L, a non-canonical R or A,
 *   a small-order R or A
 * @throws InputError `invalid-type` / `invalid-length` for a non-Uint8Array or wrong length
 * @example if (!ed25519Verify(publicKey, message, signature)) throw new Error('bad signature')
 */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  bytes('publicKey', publicKey, 32);
  bytes('message', message);
  bytes('signature', signature, 64);
  frame(32 + message.length + 64);
  const pk = put(publicKey), m = put(message), sig = put(signature);
  const ok = wasm().ed25519VerifyDetached(pk, m, message.length, sig) === 1;
  return ok;
}

/**
 * Whether `publicKey` can verify Ed25519 signatures here: a canonical encoding of a curve point
 * (RFC 8032 §5.1.3: y < p, x recoverable, no "−0") that is not one of the 8 points of small order
 * (libsodium's `ge25519_is_canonical` and `ge25519_has_small_order`). A key that fails this makes
 * `ed25519Verify` false for every signature; check it where a key is accepted (bundles, did:key).
 * Points of large order with a small-order component pass, as in libsodium.
 * @param publicKey 32 bytes
 * @returns true if the key is valid
 * @throws InputError `invalid-type` / `invalid-length`
 * @example if (!ed25519IsValidPublicKey(key)) throw new Error('not an Ed25519 public key')
 */
export function ed25519IsValidPublicKey(publicKey: Uint8Array): boolean {
  bytes('publicKey', publicKey, 32);
  frame(32);
  return wasm().ed25519IsValidPublicKey(put(publicKey)) === 1;
}

/**
 * A fresh Ed25519 key pair from the platform CSPRNG.
 * @returns `{ secretKey, publicKey }`: the 32-byte seed and the 32-byte public key
 * @example const { secretKey, publicKey } = ed25519Keypair()
 */
export function ed25519Keypair(): KeyPair {
  const seed = randomBytes(32);
  return keyPair(seed, ed25519PublicKey(seed));
}
