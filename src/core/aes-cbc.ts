// AES-256-CBC of whole 16-byte blocks, no padding (NIST SP 800-38A §6.2), over WebCrypto: the cipher of
// the CTAP 2.1 PIN/UV auth protocols (§6.5.6 one: zero IV; §6.5.7 two: random IV), whose inputs are
// always whole blocks. WebCrypto's AES-CBC always pads (W3C WebCrypto "AES-CBC" encrypt: RFC 2315 §10.3
// step 2, PKCS#7) and checks the padding on decrypt, so:
//   encrypt: encrypt, then drop the last block — the encryption of the one full padding block 0x10^16;
//   decrypt: append the block that decrypts to a full padding block after C_last, E_k(0x10^16 ⊕ C_last)
//            (the first block of a CBC encryption of 0x10^16 with IV = C_last), then decrypt; WebCrypto
//            strips that block. Any whole-block ciphertext thus decrypts, as raw CBC does.
// Async, as WebCrypto is. Not part of keyprint/core's public API: unpadded CBC has no integrity and is
// only for protocols, like CTAP's, that authenticate the ciphertext (§6.5.5: pinUvAuthParam) or its use.

import { InputError } from '../errors.js';
import { bytes } from './check.js';
import { own, subtle } from './_webcrypto.js';

const BLOCK = 16;
const FULL_PADDING = new Uint8Array(BLOCK).fill(BLOCK);

function check(key: Uint8Array, iv: Uint8Array, data: Uint8Array, name: string): void {
  bytes('key', key, 32);
  bytes('iv', iv, BLOCK);
  bytes(name, data);
  if (data.length % BLOCK !== 0) {
    throw new InputError('invalid-length', `"${name}" expected a multiple of 16 bytes, got ${data.length}`);
  }
}

/** Imports the raw key for AES-CBC (not extractable); the copy handed to WebCrypto is wiped. */
async function importKey(key: ArrayBuffer, usages: KeyUsage[]): Promise<CryptoKey> {
  try {
    return await subtle().importKey('raw', key, { name: 'AES-CBC' }, false, usages);
  } finally {
    new Uint8Array(key).fill(0);
  }
}

/** WebCrypto AES-CBC encryption (PKCS#7-padded: one block longer than whole-block input). */
async function padded(key: CryptoKey, iv: ArrayBuffer, plaintext: ArrayBuffer): Promise<Uint8Array> {
  return new Uint8Array(await subtle().encrypt({ name: 'AES-CBC', iv }, key, plaintext));
}

/**
 * AES-256-CBC encryption of whole blocks, no padding.
 * @param key 32 bytes
 * @param iv 16 bytes
 * @param plaintext a multiple of 16 bytes (0 included)
 * @returns the ciphertext, as long as the plaintext
 * @throws InputError `invalid-type` / `invalid-length`
 * @example const pinHashEnc = await aesCbcEncrypt(sharedSecret, new Uint8Array(16), pinHash)
 */
export async function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  check(key, iv, plaintext, 'plaintext');
  // Copies taken before the first await: the caller may wipe its bytes as soon as this returns a promise.
  const k = own(key), v = own(iv), plain = own(plaintext);
  try {
    // The last block encrypts the padding WebCrypto added (a full block, as the input is whole blocks).
    return (await padded(await importKey(k, ['encrypt']), v, plain)).slice(0, plaintext.length);
  } finally {
    new Uint8Array(plain).fill(0);
  }
}

/**
 * AES-256-CBC decryption of whole blocks, no padding.
 * @param key 32 bytes
 * @param iv 16 bytes
 * @param ciphertext a multiple of 16 bytes (0 included)
 * @returns the plaintext, as long as the ciphertext
 * @throws InputError `invalid-type` / `invalid-length`
 * @example const token = await aesCbcDecrypt(sharedSecret, new Uint8Array(16), pinTokenEnc)
 */
export async function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
  check(key, iv, ciphertext, 'ciphertext');
  const k = own(key), v = own(iv);
  const n = ciphertext.length;
  const extended = new Uint8Array(n + BLOCK);
  extended.set(ciphertext, 0);
  const last = n === 0 ? v : extended.slice(n - BLOCK, n).buffer;
  const cryptoKey = await importKey(k, ['encrypt', 'decrypt']);
  // E_k(0x10^16 ⊕ C_last): CBC-decrypting it after C_last gives 0x10^16, the padding WebCrypto expects.
  extended.set((await padded(cryptoKey, last, own(FULL_PADDING))).subarray(0, BLOCK), n);
  return new Uint8Array(await subtle().decrypt({ name: 'AES-CBC', iv: v }, cryptoKey, extended.buffer));
}
