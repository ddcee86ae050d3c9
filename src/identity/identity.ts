// Identity key pairs: an Ed25519 signing key (RFC 8032 §5.1) named by its did:key
// (W3C CCG did:key Method v0.7, multicodec ed25519-pub). The secret seed lives in a private
// field and never appears in `toString`, `toJSON` or Node's `util.inspect`.
//
// keyprint identities have no long-term X25519 key: sessions agree on ephemeral X25519 keys and
// authenticate them with Ed25519 signatures, so there is nothing to convert (Ed25519 → X25519
// reuse of one secret across two protocols) and nothing extra to wrap. See docs/PROTOCOL.md.

import { InputError, describe } from '../errors.js';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../core/index.js';
import { didKeyFromPublicKey } from './did-key.js';

import { IdentityError } from './errors.js';

/** Re-exported where it used to live (identity/errors.ts holds it). */
export { IdentityError };

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** An Ed25519 identity key pair. The seed is reachable only through `exportSecretKey()`. */
export class IdentityKeyPair {
  readonly #seed: Uint8Array;
  #destroyed = false;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** The identity's did:key (`did:key:z6Mk…`). */
  readonly did: string;

  private constructor(seed: Uint8Array) {
    this.#seed = seed;
    this.publicKey = ed25519PublicKey(seed);
    this.did = didKeyFromPublicKey(this.publicKey);
  }

  /**
   * A fresh identity from the platform CSPRNG (`crypto.getRandomValues`).
   * @returns a new key pair
   * @example const identity = IdentityKeyPair.generate()
   */
  static generate(): IdentityKeyPair {
    return new IdentityKeyPair(globalThis.crypto.getRandomValues(new Uint8Array(32)));
  }

  /**
   * The identity for a 32-byte Ed25519 seed (for example one just unwrapped). The seed is copied.
   * @param seed 32-byte Ed25519 secret key
   * @returns the key pair
   * @throws InputError `invalid-type` / `invalid-length`
   * @example const identity = IdentityKeyPair.fromSecretKey(await unwrapSecret(envelope, opts))
   */
  static fromSecretKey(seed: Uint8Array): IdentityKeyPair {
    if (!(seed instanceof Uint8Array)) throw new InputError('invalid-type', `"seed" expected Uint8Array, got ${describe(seed)}`);
    if (seed.length !== 32) throw new InputError('invalid-length', `"seed" expected 32 bytes, got ${seed.length}`);
    return new IdentityKeyPair(seed.slice());
  }

  /**
   * Signs `message` (Ed25519, deterministic).
   * @param message any bytes; callers domain-separate (see bundle.ts)
   * @returns 64-byte signature
   * @throws IdentityError `identity-destroyed` after `destroy()`
   * @example const signature = identity.sign(bytes)
   */
  sign(message: Uint8Array): Uint8Array {
    this.#alive();
    return ed25519Sign(this.#seed, message);
  }

  /**
   * Verifies a signature by this identity.
   * @param message the signed bytes
   * @param signature 64-byte Ed25519 signature
   * @returns true if valid
   * @throws InputError for a wrongly typed or sized argument
   * @example identity.verify(message, signature)
   */
  verify(message: Uint8Array, signature: Uint8Array): boolean {
    return ed25519Verify(this.publicKey, message, signature);
  }

  /**
   * A copy of the 32-byte seed, for wrapping (`wrapSecret`). Wipe it after use.
   * @returns the seed
   * @example const envelope = await wrapSecret(identity.exportSecretKey(), { prfOutput, credentialId, prfInput, userVerified })
   */
  exportSecretKey(): Uint8Array {
    this.#alive();
    return this.#seed.slice();
  }

  /** Overwrites the seed with zeros; `sign` and `exportSecretKey` throw `identity-destroyed` afterwards. */
  destroy(): void {
    this.#seed.fill(0);
    this.#destroyed = true;
  }

  #alive(): void {
    if (this.#destroyed) throw new IdentityError('identity-destroyed', 'identity key pair was destroyed; its secret key is gone');
  }

  toString(): string {
    return `IdentityKeyPair(${this.did})`;
  }

  toJSON(): { did: string } {
    return { did: this.did };
  }

  [INSPECT](): string {
    return this.toString();
  }
}
