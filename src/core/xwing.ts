// X-Wing (draft-connolly-cfrg-xwing-kem-10): the hybrid KEM of ML-KEM-768 and X25519 with a
// SHA3-256 combiner. Secret keys are 32-byte seeds (§5.1); `XWingDecapsulator` keeps the expanded
// key (§5.5.1) so that one key pair costs one expansion however many ciphertexts it opens.
//
// For a handshake (synchronous after `ready()`):
//   initiator: const d = new XWingDecapsulator();  send d.publicKey (1216 bytes)
//   responder: const { ciphertext, sharedSecret } = xwingEncapsulate(publicKey);  send ciphertext (1120)
//   initiator: const sharedSecret = d.decapsulate(ciphertext); d.destroy()

import { bytes } from './check.js';
import { core, frame, put, alloc, take, wipeFrame } from './_wasm.js';
import { randomBytes } from './_random.js';
import { keyPair, type KeyPair } from './x25519.js';
import { encapsulateWith, type Encapsulation } from './mlkem.js';
import { InputError } from '../errors.js';

interface XWingExports {
  xwingPublicKey(pk: number, seed: number): void;
  xwingExpand(expanded: number, pk: number, seed: number): void;
  xwingEncapsulateDerand(ct: number, ss: number, pk: number, eseed: number): void;
  xwingDecapsulate(ss: number, ct: number, seed: number): void;
  xwingDecapsulateExpanded(ss: number, ct: number, expanded: number): void;
}
const wasm = () => core() as unknown as XWingExports;

/** Byte lengths of X-Wing (§5.1, §7), and of the encapsulation randomness (§5.4.1 eseed). */
export const X_WING = Object.freeze({ publicKey: 1216, secretKey: 32, ciphertext: 1120, sharedSecret: 32, randomness: 64 });
/** sk_M ‖ sk_X ‖ pk_X ‖ Â: the expanded decapsulation key (never leaves this module: §5.5.1). */
const EXPANDED = 2400 + 32 + 32 + 9 * 512;

/**
 * An X-Wing key pair (GenerateKeyPair, §5.2; with `seed`, GenerateKeyPairDerand, §5.2.1).
 * @param seed optional 32-byte secret key (default: fresh from the platform CSPRNG)
 * @returns `{ publicKey, secretKey }`: 1216 and 32 bytes (the secret hidden from JSON and inspect)
 * @throws InputError `invalid-type` / `invalid-length`
 * @example const { publicKey, secretKey } = xwingKeypair()
 */
export function xwingKeypair(seed?: Uint8Array): KeyPair {
  const sk = seed === undefined ? randomBytes(32) : bytes('seed', seed, 32).slice();
  frame(32 + 1216);
  const s = put(sk), pk = alloc(1216);
  wasm().xwingPublicKey(pk, s);
  const publicKey = take(pk, 1216);
  wipeFrame();
  return keyPair(sk, publicKey);
}

/**
 * Encapsulates a fresh shared secret to an X-Wing public key (Encapsulate, §5.4; with
 * `randomness`, EncapsulateDerand, §5.4.1, for test vectors only).
 * @param publicKey the recipient's 1216-byte public key pk_M ‖ pk_X
 * @param randomness optional 64 bytes eseed (default: fresh from the platform CSPRNG)
 * @returns `{ ciphertext, sharedSecret }`: 1120 and 32 bytes (the secret hidden from JSON and inspect)
 * @throws InputError `invalid-type` / `invalid-length`
 * @throws CryptoError `invalid-public-key` when pk_M fails the ML-KEM check (FIPS 203 §7.2; §4 MUST)
 * @example const { ciphertext, sharedSecret } = xwingEncapsulate(theirPublicKey)
 */
export function xwingEncapsulate(publicKey: Uint8Array, randomness?: Uint8Array): Encapsulation {
  return encapsulateWith(publicKey, 1216, randomness, 64, 1120, (ct, ss, pk, eseed) => wasm().xwingEncapsulateDerand(ct, ss, pk, eseed));
}

/**
 * The shared secret of `ciphertext` under the 32-byte secret key (Decapsulate, §5.5). Expands the
 * key on every call; `XWingDecapsulator` expands it once. Never throws for a well-sized ciphertext
 * (ML-KEM's implicit rejection: a wrong ciphertext gives a secret nobody else knows).
 * @param secretKey 32 bytes
 * @param ciphertext 1120 bytes ct_M ‖ ct_X
 * @returns the 32-byte shared secret
 * @throws InputError `invalid-type` / `invalid-length`
 * @example const sharedSecret = xwingDecapsulate(secretKey, ciphertext)
 */
export function xwingDecapsulate(secretKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  bytes('secretKey', secretKey, 32);
  bytes('ciphertext', ciphertext, 1120);
  frame(32 + 1120 + 32);
  const sk = put(secretKey), ct = put(ciphertext), ss = alloc(32);
  wasm().xwingDecapsulate(ss, ct, sk);
  const shared = take(ss, 32);
  wipeFrame();
  return shared;
}

/**
 * An X-Wing secret key held expanded (§5.5.1): the ML-KEM-768 key pair, its matrix Â and the X25519
 * key derived once, so `decapsulate` costs a decapsulation only (and no sampling of Â). The expanded key stays inside this object
 * (the draft forbids sending it anywhere); it is hidden from JSON, `String()` and inspect.
 * @example const d = new XWingDecapsulator(); send(d.publicKey); const ss = d.decapsulate(ciphertext); d.destroy()
 */
export class XWingDecapsulator {
  /** The 1216-byte public key pk_M ‖ pk_X. */
  readonly publicKey: Uint8Array;
  #expanded: Uint8Array;

  /**
   * @param secretKey optional 32-byte X-Wing secret key (default: a fresh one from the CSPRNG)
   * @throws InputError for a wrong type or length
   */
  constructor(secretKey?: Uint8Array) {
    const sk = secretKey === undefined ? randomBytes(32) : bytes('secretKey', secretKey, 32);
    frame(32 + EXPANDED + 1216);
    const s = put(sk), ex = alloc(EXPANDED), pk = alloc(1216);
    wasm().xwingExpand(ex, pk, s);
    this.#expanded = take(ex, EXPANDED);
    this.publicKey = take(pk, 1216);
    wipeFrame();
    if (secretKey === undefined) sk.fill(0);
  }

  /**
   * The shared secret of `ciphertext` (Decapsulate, §5.5): the same as xwingDecapsulate(secretKey, ciphertext).
   * @throws InputError for a bad ciphertext, or `invalid-value` after destroy()
   */
  decapsulate(ciphertext: Uint8Array): Uint8Array {
    bytes('ciphertext', ciphertext, 1120);
    if (this.#expanded.length === 0) throw new InputError('invalid-value', 'this XWingDecapsulator expected to hold a key, got one that was destroyed');
    frame(EXPANDED + 1120 + 32);
    const ex = put(this.#expanded), ct = put(ciphertext), ss = alloc(32);
    wasm().xwingDecapsulateExpanded(ss, ct, ex);
    const shared = take(ss, 32);
    wipeFrame();
    return shared;
  }

  /** Zeroes the expanded key; `decapsulate` throws afterwards. */
  destroy(): void {
    this.#expanded.fill(0);
    this.#expanded = new Uint8Array(0);
  }

  toString(): string { return 'XWingDecapsulator(publicKey, secret hidden)'; }
  toJSON(): { publicKey: number[] } { return { publicKey: Array.from(this.publicKey) }; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
}
