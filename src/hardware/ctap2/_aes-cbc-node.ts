// AES-256-CBC without padding, as the PIN/UV auth protocols use it (CTAP 2.1 §6.5.6 / §6.5.7: inputs
// are always whole 16-byte blocks). Node-only: node:crypto gives padding-free CBC directly and
// synchronously, where WebCrypto AES-CBC always adds PKCS#7 and is async; src/hardware (apart from
// webauthn/) runs in Node, so we use node:crypto here rather than emulate raw CBC over WebCrypto.

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { InputError } from '../../errors.js';
import { bytes } from '../../core/check.js';

function check(key: Uint8Array, iv: Uint8Array, data: Uint8Array, name: string): void {
  bytes('key', key, 32);
  bytes('iv', iv, 16);
  bytes(name, data);
  if (data.length % 16 !== 0) {
    throw new InputError('invalid-length', `"${name}" expected a multiple of 16 bytes, got ${data.length}`);
  }
}

/** AES-256-CBC encryption of whole blocks, no padding. */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  check(key, iv, plaintext, 'plaintext');
  const c = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(plaintext), c.final()]));
}

/** AES-256-CBC decryption of whole blocks, no padding. */
export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  check(key, iv, ciphertext, 'ciphertext');
  const d = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
}
