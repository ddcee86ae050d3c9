// AES-128-GCM (NIST SP 800-38D), the AEAD of ciphersuite 0x0001 (RFC 9420 §17.1), through WebCrypto:
// the one AEAD helper of the group layer. Message protection (RFC 9420 §6.3), the Welcome's
// GroupInfo (§12.4.3.1) and HPKE's AEAD (RFC 9180 §5.2) all call it.

import { bytes } from '../core/check.js';
import { aesGcmKey, aesGcmOpen as open, aesGcmSeal as seal } from '../core/aes-gcm.js';
import { GroupError } from './errors.js';

/** Nk and Nn of AES-128-GCM (RFC 9180 §7.3); the tag is 16 bytes. */
export const AES_128_GCM = Object.freeze({ keySize: 16, nonceSize: 12, tagSize: 16 });

async function importKey(key: Uint8Array, usage: KeyUsage): Promise<CryptoKey> {
  bytes('key', key, AES_128_GCM.keySize);
  return aesGcmKey(key, [usage]);
}

function check(nonce: Uint8Array, aad: Uint8Array): void {
  bytes('nonce', nonce, AES_128_GCM.nonceSize);
  bytes('aad', aad);
}

/**
 * Encrypts with AES-128-GCM.
 * @param key 16 bytes
 * @param nonce 12 bytes
 * @param aad associated data (may be empty)
 * @returns ciphertext ‖ 16-byte tag
 * @throws InputError for a wrong type or length
 * @example const ct = await aesGcmSeal(key, nonce, aad, plaintext)
 */
export async function aesGcmSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  bytes('plaintext', plaintext);
  const k = await importKey(key, 'encrypt');
  check(nonce, aad);
  return seal(k, nonce, aad, plaintext);
}

/**
 * Decrypts and authenticates with AES-128-GCM.
 * @returns the plaintext
 * @throws GroupError `decrypt-failed` when the tag does not verify (wrong key, nonce or aad, or altered bytes)
 * @throws InputError for a wrong type or length
 * @example const pt = await aesGcmOpen(key, nonce, aad, ct)
 */
export async function aesGcmOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
  bytes('ciphertext', ciphertext);
  const k = await importKey(key, 'decrypt');
  check(nonce, aad);
  try {
    return await open(k, nonce, aad, ciphertext);
  } catch (e) {
    throw new GroupError('decrypt-failed', 'AES-128-GCM ciphertext did not authenticate: wrong key, nonce or associated data, or altered bytes', { cause: (e as Error).cause });
  }
}
