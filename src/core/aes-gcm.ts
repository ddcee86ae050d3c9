// AES-GCM (NIST SP 800-38D) through WebCrypto, one place: import a raw key, seal, open. 128-bit tags,
// 96-bit nonces (SP 800-38D §5.2.1.1). Every byte argument is copied into an ArrayBuffer of its own
// (WebCrypto wants a BufferSource; the caller's bytes stay theirs) and a copied key is wiped.
// Used by the session ratchet, the storage key, key wrapping, the group layer and the web backup.

import { CryptoError } from '../errors.js';
import { own, subtle } from './_webcrypto.js';

/**
 * Imports a raw AES key (16 or 32 bytes) for AES-GCM, not extractable. The copy handed to
 * WebCrypto is wiped; wiping `raw` is the caller's.
 * @example const key = await aesGcmKey(okm, ['encrypt', 'decrypt'])
 */
export async function aesGcmKey(raw: Uint8Array, usages: KeyUsage[]): Promise<CryptoKey> {
  const copy = own(raw);
  try {
    return await subtle().importKey('raw', copy, { name: 'AES-GCM' }, false, usages);
  } finally {
    new Uint8Array(copy).fill(0);
  }
}

const params = (nonce: Uint8Array, aad: Uint8Array): AesGcmParams => ({ name: 'AES-GCM', iv: own(nonce), additionalData: own(aad), tagLength: 128 });

/**
 * Encrypts; the plaintext copy is wiped.
 * @returns ciphertext ‖ 16-byte tag
 * @example const ct = await aesGcmSeal(key, nonce, aad, plaintext)
 */
export async function aesGcmSeal(key: CryptoKey, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const plain = own(plaintext);
  try {
    return new Uint8Array(await subtle().encrypt(params(nonce, aad), key, plain));
  } finally {
    new Uint8Array(plain).fill(0);
  }
}

/**
 * Decrypts and authenticates.
 * @throws CryptoError `decrypt-failed` when the tag does not verify (callers map it to their own error)
 * @example const pt = await aesGcmOpen(key, nonce, aad, ct)
 */
export async function aesGcmOpen(key: CryptoKey, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
  const p = params(nonce, aad);
  const s = subtle();
  try {
    return new Uint8Array(await s.decrypt(p, key, own(ciphertext)));
  } catch (e) {
    throw new CryptoError('decrypt-failed', 'AES-GCM ciphertext did not authenticate', { cause: e });
  }
}
