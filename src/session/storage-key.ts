// The key that protects what an app keeps at rest (outbox, opt-in history): derived from the
// unlocked identity, so it exists only while the identity is unlocked. HKDF-SHA-256 (RFC 5869)
// of the identity seed with its own salt and info — a separate key, not the signing key reused —
// imported into WebCrypto as a non-extractable AES-256-GCM key (NIST SP 800-38D). WebCrypto only:
// the same code runs in the web app (web/lib/storage-key.ts re-exports it) and in Node (the CLI).

import { hkdfSha256 } from '../core/index.js';
import { aesGcmKey, aesGcmOpen, aesGcmSeal } from '../core/aes-gcm.js';
import type { IdentityKeyPair } from '../identity/identity.js';
import { StorageError } from './outbox-record.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** HKDF salt and info: each app derives its own key (the web app's and the CLI's never mix). */
export interface StorageKeyLabels { salt: string; info: string }
/** The web app's labels (web/lib/outbox-idb.ts, history.ts). */
export const WEB_STORAGE_LABELS: StorageKeyLabels = { salt: 'keyprint-web at-rest salt v1', info: 'keyprint-web at-rest aes-256-gcm v1' };
/** The CLI's labels (src/cli/_outbox-store.ts). */
export const CLI_STORAGE_LABELS: StorageKeyLabels = { salt: 'keyprint-cli at-rest salt v1', info: 'keyprint-cli at-rest aes-256-gcm v1' };
const NONCE = 12;

/** Ciphertext at rest: a fresh 96-bit nonce per record (SP 800-38D §8.2.2, random IVs). */
export interface Sealed { iv: Uint8Array; ct: Uint8Array }

export class StorageKey {
  readonly #key: CryptoKey;
  /** The identity whose key this is: records are bound to it through the associated data. */
  readonly did: string;
  private constructor(key: CryptoKey, did: string) {
    this.#key = key;
    this.did = did;
  }

  /**
   * Derives the storage key of an unlocked identity.
   * @param identity the unlocked identity (its seed is copied, used and wiped)
   * @param labels HKDF salt and info (default: the web app's)
   * @throws IdentityError `identity-destroyed`
   * @example const key = await StorageKey.derive(identity.keyPair)
   */
  static async derive(identity: IdentityKeyPair, labels: StorageKeyLabels = WEB_STORAGE_LABELS): Promise<StorageKey> {
    const seed = identity.exportSecretKey();
    const raw = hkdfSha256(seed, utf8(labels.salt), utf8(labels.info), 32);
    seed.fill(0);
    try {
      // aesGcmKey wipes the copy it hands WebCrypto; the derived bytes are wiped below.
      const key = await aesGcmKey(raw, ['encrypt', 'decrypt']);
      return new StorageKey(key, identity.did);
    } finally {
      raw.fill(0);
    }
  }

  /** @param aad what the record is (kind, peer did, message id): moving a record elsewhere fails to open */
  async seal(aad: Uint8Array, plaintext: Uint8Array): Promise<Sealed> {
    const iv = crypto.getRandomValues(new Uint8Array(NONCE));
    return { iv, ct: await aesGcmSeal(this.#key, iv, this.#aad(aad), plaintext) };
  }

  /** @throws StorageError `storage-damaged` when the record does not authenticate */
  async open(aad: Uint8Array, sealed: Sealed): Promise<Uint8Array> {
    try {
      return await aesGcmOpen(this.#key, sealed.iv, this.#aad(aad), sealed.ct);
    } catch (e) {
      throw new StorageError('storage-damaged', 'a stored record did not decrypt: expected one written by this identity, found another identity\'s or an altered record', { cause: e });
    }
  }

  #aad(aad: Uint8Array): Uint8Array {
    // Length-prefixed: did, then the caller's fields.
    const d = utf8(this.did);
    const out = new Uint8Array(2 + d.length + aad.length);
    new DataView(out.buffer).setUint16(0, d.length);
    out.set(d, 2);
    out.set(aad, 2 + d.length);
    return out;
  }

  toString(): string { return `StorageKey(${this.did})`; }
  toJSON(): { did: string } { return { did: this.did }; }
}
