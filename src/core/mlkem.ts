// ML-KEM-768 (FIPS 203): key generation from a 64-byte seed, encapsulation, and decapsulation with
// implicit rejection, with the input checks of §7.2 (encapsulation key) and §7.3 (decapsulation
// key). Keys and ciphertexts are the byte strings of FIPS 203 (ek 1184, dk 2400, c 1088 bytes).
// Every call is synchronous after `ready()`; the I/O frame and the core's scratch are wiped after
// each one.

import { bytes } from './check.js';
import { core, frame, put, alloc, take, wipeFrame } from './_wasm.js';
import { randomBytes } from './_random.js';
import { keyPair, type KeyPair } from './x25519.js';
import { CryptoError } from '../errors.js';

interface MlKemExports {
  mlkem768KeypairDerand(ek: number, dk: number, seed: number): void;
  mlkem768EncapsulateDerand(ct: number, ss: number, ek: number, m: number): void;
  mlkem768Decapsulate(ss: number, ct: number, dk: number): void;
  mlkem768EncapsulationKeyValid(ek: number): number;
  mlkem768DecapsulationKeyValid(dk: number): number;
}
const wasm = () => core() as unknown as MlKemExports;

/** Byte lengths of ML-KEM-768 (FIPS 203 §8, Table 3), and of the seed and randomness inputs. */
export const ML_KEM_768 = Object.freeze({
  publicKey: 1184, secretKey: 2400, ciphertext: 1088, sharedSecret: 32, seed: 64, randomness: 32,
});

/** A KEM ciphertext with its shared secret; the secret is hidden from JSON, `String()` and inspect. */
export interface Encapsulation {
  readonly ciphertext: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

/** @internal Builds an Encapsulation whose shared secret does not leak through logging. */
export function encapsulation(ciphertext: Uint8Array, sharedSecret: Uint8Array): Encapsulation {
  const redacted = { ciphertext, sharedSecret: '[redacted]' };
  return Object.defineProperties({} as Encapsulation, {
    ciphertext: { value: ciphertext, enumerable: true },
    sharedSecret: { value: sharedSecret, enumerable: false },
    toJSON: { value: () => ({ ciphertext: Array.from(ciphertext) }), enumerable: false },
    toString: { value: () => '[Encapsulation]', enumerable: false },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => redacted, enumerable: false },
  });
}

/**
 * @internal The steps every encapsulation shares: argument checks, randomness (drawn and wiped
 * here unless given), the FIPS 203 §7.2 check of the ML-KEM encapsulation key at the start of the
 * public key, the core call, wiping the frame.
 */
export function encapsulateWith(
  publicKey: Uint8Array, publicKeyLength: number, randomness: Uint8Array | undefined, randomnessLength: number,
  ciphertextLength: number, encapsulate: (ct: number, ss: number, pk: number, r: number) => void,
): Encapsulation {
  bytes('publicKey', publicKey, publicKeyLength);
  const r = randomness === undefined ? randomBytes(randomnessLength) : bytes('randomness', randomness, randomnessLength);
  frame(publicKeyLength + randomnessLength + ciphertextLength + 32);
  const pk = put(publicKey), rp = put(r), ct = alloc(ciphertextLength), ss = alloc(32);
  if (randomness === undefined) r.fill(0);
  if (wasm().mlkem768EncapsulationKeyValid(pk) !== 1) {
    wipeFrame();
    throw new CryptoError('invalid-public-key',
      '"publicKey" is not an ML-KEM-768 encapsulation key: a coefficient is not reduced mod q (FIPS 203 §7.2 modulus check); ask the other side for its key again');
  }
  encapsulate(ct, ss, pk, rp);
  const result = encapsulation(take(ct, ciphertextLength), take(ss, 32));
  wipeFrame();
  return result;
}

/**
 * An ML-KEM-768 key pair (ML-KEM.KeyGen, FIPS 203 Algorithm 19; from `seed` = d ‖ z it is
 * KeyGen_internal, Algorithm 16, and deterministic).
 * @param seed optional 64 bytes d ‖ z (default: fresh from the platform CSPRNG); keep it secret —
 *   it determines the secret key
 * @returns `{ publicKey, secretKey }`: the encapsulation key (1184 bytes) and decapsulation key
 *   (2400 bytes); the secret is hidden from JSON and inspect
 * @throws InputError `invalid-type` / `invalid-length` for a bad seed
 * @example const { publicKey, secretKey } = mlKem768Keypair()
 */
export function mlKem768Keypair(seed?: Uint8Array): KeyPair {
  const d = seed === undefined ? randomBytes(64) : bytes('seed', seed, 64);
  frame(64 + 1184 + 2400);
  const s = put(d), ek = alloc(1184), dk = alloc(2400);
  wasm().mlkem768KeypairDerand(ek, dk, s);
  const pair = keyPair(take(dk, 2400), take(ek, 1184));
  wipeFrame();
  if (seed === undefined) d.fill(0);
  return pair;
}

/**
 * Encapsulates a fresh shared secret to `publicKey` (ML-KEM.Encaps, FIPS 203 Algorithm 20, with the
 * §7.2 input check). With `randomness` it is Encaps_internal (Algorithm 17), for test vectors only.
 * @param publicKey the recipient's 1184-byte encapsulation key
 * @param randomness optional 32 bytes m (default: fresh from the platform CSPRNG)
 * @returns `{ ciphertext, sharedSecret }`: 1088 and 32 bytes (the secret hidden from JSON and inspect)
 * @throws InputError `invalid-type` / `invalid-length`
 * @throws CryptoError `invalid-public-key` when a coefficient of `publicKey` is ≥ q (§7.2)
 * @example const { ciphertext, sharedSecret } = mlKem768Encapsulate(theirPublicKey)
 */
export function mlKem768Encapsulate(publicKey: Uint8Array, randomness?: Uint8Array): Encapsulation {
  return encapsulateWith(publicKey, 1184, randomness, 32, 1088, (ct, ss, pk, m) => wasm().mlkem768EncapsulateDerand(ct, ss, pk, m));
}

/**
 * The shared secret of `ciphertext` under `secretKey` (ML-KEM.Decaps, FIPS 203 Algorithm 21, with
 * the §7.3 input checks). A ciphertext that was not produced for this key does not throw: implicit
 * rejection returns a pseudorandom secret the sender cannot know (Algorithm 18 lines 9–10), so the
 * handshake fails later, at key confirmation, without revealing why.
 * @param secretKey the 2400-byte decapsulation key
 * @param ciphertext 1088 bytes
 * @returns the 32-byte shared secret
 * @throws InputError `invalid-type` / `invalid-length`
 * @throws CryptoError `invalid-secret-key` when the key's stored hash of its encapsulation key does
 *   not match (§7.3 hash check): the key is corrupted
 * @example const sharedSecret = mlKem768Decapsulate(secretKey, ciphertext)
 */
export function mlKem768Decapsulate(secretKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  bytes('secretKey', secretKey, 2400);
  bytes('ciphertext', ciphertext, 1088);
  frame(2400 + 1088 + 32);
  const dk = put(secretKey), ct = put(ciphertext), ss = alloc(32);
  if (wasm().mlkem768DecapsulationKeyValid(dk) !== 1) {
    wipeFrame();
    throw new CryptoError('invalid-secret-key',
      '"secretKey" is not an ML-KEM-768 decapsulation key: its hash of the encapsulation key does not match (FIPS 203 §7.3 hash check); the key is corrupted, generate a new one');
  }
  wasm().mlkem768Decapsulate(ss, ct, dk);
  const shared = take(ss, 32);
  wipeFrame();
  return shared;
}
