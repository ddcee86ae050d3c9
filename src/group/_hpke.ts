// HPKE (RFC 9180) for ciphersuite 0x0001 as ts-mls's `Hpke`: @hpke/core's CipherSuite — the key
// schedule (§5.1), single-shot seal/open (§6.1) and the secret export (§5.3) — run on keyprint's KEM
// (DHKEM(X25519, HKDF-SHA256)) and KDF (HKDF-SHA256), with AES-128-GCM through WebCrypto as its AEAD.
// This is how ts-mls's own providers build `Hpke` (an @hpke/core CipherSuite wrapped in ts-mls's
// interface); only the KEM, KDF and AEAD objects differ.

import { AeadId, CipherSuite, type AeadEncryptionContext, type AeadInterface } from '@hpke/core';
import type { Hpke, PrivateKey, PublicKey } from 'ts-mls';
import { bytes } from '../core/check.js';
import { GroupError } from './errors.js';
import { AES_128_GCM, aesGcmOpen, aesGcmSeal } from './_aes-gcm.js';
import { DhkemX25519HkdfSha256, ownKey } from './_hpke-kem.js';
import { HpkeHkdfSha256, toBuffer, toBytes } from './_hpke-kdf.js';

const EMPTY = new Uint8Array(0);

/** AES-128-GCM, AEAD id 0x0001 (RFC 9180 §7.3), in the shape of @hpke/core's AeadInterface. */
class Aes128Gcm implements AeadInterface {
  readonly id = AeadId.Aes128Gcm;
  readonly keySize = AES_128_GCM.keySize;
  readonly nonceSize = AES_128_GCM.nonceSize;
  readonly tagSize = AES_128_GCM.tagSize;
  createEncryptionContext(key: ArrayBufferLike | ArrayBufferView): AeadEncryptionContext {
    const k = toBytes(key).slice();
    return {
      seal: async (iv, data, aad) => toBuffer(await aesGcmSeal(k, toBytes(iv), toBytes(aad), toBytes(data))),
      open: async (iv, data, aad) => toBuffer(await aesGcmOpen(k, toBytes(iv), toBytes(aad), toBytes(data))),
    };
  }
}

/**
 * What failed on the receiving side (open, or a recipient's secret export) once the caller's key has
 * been checked: the peer's `enc` or ciphertext. `decrypt-failed`, naming the cause.
 */
function receiveFailed(e: unknown, what: string): GroupError {
  const reason = e instanceof Error ? e.message : String(e);
  return new GroupError('decrypt-failed', `HPKE ${what} failed: ${reason}`, { cause: e });
}

/** DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM (RFC 9180 §7: 0x0020, 0x0001, 0x0001) on keyprint's core. */
export function hpkeCipherSuite(): CipherSuite {
  return new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HpkeHkdfSha256(), aead: new Aes128Gcm() });
}

/**
 * ts-mls's `Hpke` for MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 on keyprint's core.
 * @returns the object ts-mls calls for EncryptWithLabel/DecryptWithLabel (RFC 9420 §5.1.3), node key
 *   derivation (§7.4), external init (§12.4.3.2) and the epoch's AEAD (§6.3.1, §12.4.3.1)
 */
export function makeHpke(): Hpke {
  const suite = hpkeCipherSuite();
  const kem = suite.kem;
  return {
    async seal(publicKey: PublicKey, plaintext: Uint8Array, info: Uint8Array, aad?: Uint8Array) {
      const { ct, enc } = await suite.seal({ recipientPublicKey: publicKey, info }, plaintext, aad ?? EMPTY);
      return { ct: new Uint8Array(ct), enc: new Uint8Array(enc) };
    },
    async open(privateKey: PrivateKey, kemOutput: Uint8Array, ciphertext: Uint8Array, info: Uint8Array, aad?: Uint8Array) {
      ownKey('privateKey', privateKey, 'private');
      try {
        return new Uint8Array(await suite.open({ recipientKey: privateKey, enc: kemOutput, info }, ciphertext, aad ?? EMPTY));
      } catch (e) {
        throw receiveFailed(e, 'open (RFC 9180 §6.1 OpenBase)');
      }
    },
    async exportSecret(publicKey: PublicKey, exporterContext: Uint8Array, length: number, info: Uint8Array) {
      const context = await suite.createSenderContext({ recipientPublicKey: publicKey, info });
      return { enc: new Uint8Array(context.enc), secret: new Uint8Array(await context.export(exporterContext, length)) };
    },
    async importSecret(privateKey: PrivateKey, exporterContext: Uint8Array, kemOutput: Uint8Array, length: number, info: Uint8Array) {
      ownKey('privateKey', privateKey, 'private');
      try {
        const context = await suite.createRecipientContext({ recipientKey: privateKey, enc: kemOutput, info });
        return new Uint8Array(await context.export(exporterContext, length));
      } catch (e) {
        throw receiveFailed(e, 'secret import (RFC 9180 §5.3 on the recipient\'s context)');
      }
    },
    // RFC 9180 §7.1.1/§7.1.2: Npk = Nsk = 32 bytes for X25519.
    importPrivateKey: async (k: Uint8Array) => (await kem.deserializePrivateKey(bytes('privateKey', k, 32))) as PrivateKey,
    importPublicKey: async (k: Uint8Array) => (await kem.deserializePublicKey(bytes('publicKey', k, 32))) as PublicKey,
    exportPublicKey: async (k: PublicKey) => new Uint8Array(await kem.serializePublicKey(k)),
    exportPrivateKey: async (k: PrivateKey) => new Uint8Array(await kem.serializePrivateKey(k)),
    encryptAead: (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined, plaintext: Uint8Array) => aesGcmSeal(key, nonce, aad ?? EMPTY, plaintext),
    decryptAead: (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined, ciphertext: Uint8Array) => aesGcmOpen(key, nonce, aad ?? EMPTY, ciphertext),
    async deriveKeyPair(ikm: Uint8Array) {
      const { privateKey, publicKey } = await kem.deriveKeyPair(ikm);
      return { privateKey: privateKey as PrivateKey, publicKey: publicKey as PublicKey };
    },
    async generateKeyPair() {
      const { privateKey, publicKey } = await kem.generateKeyPair();
      return { privateKey: privateKey as PrivateKey, publicKey: publicKey as PublicKey };
    },
    keyLength: AES_128_GCM.keySize,
    nonceLength: AES_128_GCM.nonceSize,
  };
}
