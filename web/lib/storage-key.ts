// The key that protects what the app keeps at rest (outbox, opt-in history): derived from the
// unlocked identity, so it exists only while the identity is unlocked. HKDF-SHA-256 (RFC 5869)
// of the identity seed with its own salt and info — a separate key, not the signing key reused —
// imported into WebCrypto as a non-extractable AES-256-GCM key (NIST SP 800-38D).
// Relative imports (not the `keyprint/*` aliases) so vitest can load it; they name the same modules.
import { KeyprintError, hkdfSha256 } from '../../src/core/index.js';
import type { IdentityKeyPair } from '../../src/identity/identity.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const SALT = utf8('keyprint-web at-rest salt v1');
const INFO = utf8('keyprint-web at-rest aes-256-gcm v1');
const NONCE = 12;

/** A stored record that does not decrypt: another identity's, or altered on disk. */
export class StorageError extends KeyprintError {
  constructor(code: 'storage-locked' | 'storage-damaged', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

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
   * @example const key = await StorageKey.derive(identity.keyPair)
   */
  static async derive(identity: IdentityKeyPair): Promise<StorageKey> {
    const seed = identity.exportSecretKey();
    const raw = hkdfSha256(seed, SALT, INFO, 32);
    seed.fill(0);
    try {
      const key = await crypto.subtle.importKey('raw', raw.slice().buffer as ArrayBuffer, 'AES-GCM', false, ['encrypt', 'decrypt']);
      return new StorageKey(key, identity.did);
    } finally {
      raw.fill(0);
    }
  }

  /** @param aad what the record is (kind, peer did, message id): moving a record elsewhere fails to open */
  async seal(aad: Uint8Array, plaintext: Uint8Array): Promise<Sealed> {
    const iv = crypto.getRandomValues(new Uint8Array(NONCE));
    const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: this.#aad(aad) }, this.#key, plaintext.slice().buffer as ArrayBuffer);
    return { iv, ct: new Uint8Array(ct) };
  }

  /** @throws StorageError `storage-damaged` when the record does not authenticate */
  async open(aad: Uint8Array, sealed: Sealed): Promise<Uint8Array> {
    try {
      const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv.slice(), additionalData: this.#aad(aad) }, this.#key, sealed.ct.slice().buffer as ArrayBuffer);
      return new Uint8Array(pt);
    } catch (e) {
      throw new StorageError('storage-damaged', 'a stored record did not decrypt: expected one written by this identity, found another identity\'s or an altered record', { cause: e });
    }
  }

  #aad(aad: Uint8Array): ArrayBuffer {
    // Length-prefixed: did, then the caller's fields.
    const d = utf8(this.did);
    const out = new Uint8Array(2 + d.length + aad.length);
    new DataView(out.buffer).setUint16(0, d.length);
    out.set(d, 2);
    out.set(aad, 2 + d.length);
    return out.buffer;
  }

  toString(): string { return `StorageKey(${this.did})`; }
  toJSON(): { did: string } { return { did: this.did }; }
}

/** Length-prefixed fields (u16 length each) for associated data. */
export function fields(...parts: Array<string | Uint8Array>): Uint8Array {
  const bs = parts.map((p) => (typeof p === 'string' ? utf8(p) : p));
  const out = new Uint8Array(bs.reduce((n, b) => n + 2 + b.length, 0));
  const v = new DataView(out.buffer);
  let o = 0;
  for (const b of bs) { v.setUint16(o, b.length); out.set(b, o + 2); o += 2 + b.length; }
  return out;
}
