// DHKEM(X25519, HKDF-SHA256), KEM id 0x0020 (RFC 9180 §4.1, §7.1), over keyprint's core, in the shape
// of @hpke/core's KemInterface. Base mode only: MLS seals with SealBase (RFC 9420 §5.1.3), so the
// authenticated modes' AuthEncap/AuthDecap are refused rather than half-implemented.

import { KemId, type KemInterface, type RecipientContextParams, type SenderContextParams } from '@hpke/core';
import { x25519, x25519Keypair, x25519PublicKey } from '../core/index.js';
import { InputError, describe } from '../errors.js';
import { concatBytes as concat } from '../core/bytes.js';
import { GroupError } from './errors.js';
import { HpkeHkdfSha256, toBuffer, toBytes } from './_hpke-kdf.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const EMPTY = new Uint8Array(0);
/** Nsecret, Nenc, Npk, Nsk of DHKEM(X25519, HKDF-SHA256) (RFC 9180 §7.1). */
const N = 32;

/**
 * An X25519 key as @hpke/core and ts-mls carry it (a CryptoKey-shaped object). The bytes are private
 * to this module; a private key's public half is computed once, when first needed, and neither is
 * shown by JSON, `String()` or Node's inspect.
 */
export class X25519Key implements CryptoKey {
  readonly type: 'public' | 'private';
  readonly algorithm: KeyAlgorithm = { name: 'X25519' };
  readonly extractable = true;
  readonly usages: KeyUsage[];
  readonly #bytes: Uint8Array;
  #publicKey: Uint8Array | undefined;

  constructor(type: 'public' | 'private', bytes: Uint8Array, publicKey?: Uint8Array) {
    this.type = type;
    this.usages = type === 'private' ? ['deriveBits'] : [];
    this.#bytes = bytes;
    this.#publicKey = type === 'public' ? bytes : publicKey;
  }

  /** The key's own 32 bytes (a copy). */
  static bytes(key: X25519Key): Uint8Array { return key.#bytes.slice(); }
  /** The secret scalar of a private key, not copied: for the DH in this module only. */
  static secret(key: X25519Key): Uint8Array { return key.#bytes; }
  /** pk(sk) for a private key, the key itself for a public one (RFC 7748 §6.1). */
  static publicBytes(key: X25519Key): Uint8Array {
    key.#publicKey ??= x25519PublicKey(key.#bytes);
    return key.#publicKey;
  }

  toString(): string { return `[X25519Key ${this.type}]`; }
  toJSON(): string { return this.toString(); }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
}

/**
 * Asserts that `key` is one of ours of the wanted type; keys of other providers cannot be used here.
 * @throws GroupError `foreign-key` for a key keyprint's provider did not make; InputError for the wrong type
 */
export function ownKey(name: string, key: unknown, type: 'public' | 'private'): X25519Key {
  if (!(key instanceof X25519Key)) {
    throw new GroupError('foreign-key', `"${name}" expected an X25519 key from keyprint's group crypto provider, got ${describe(key)}`);
  }
  if (key.type !== type) throw new InputError('invalid-value', `"${name}" expected a ${type} key, got a ${key.type} key`);
  return key;
}

function raw(name: string, input: ArrayBufferLike | ArrayBufferView): Uint8Array {
  if (!(input instanceof ArrayBuffer) && !ArrayBuffer.isView(input)) {
    throw new InputError('invalid-type', `"${name}" expected bytes, got ${describe(input)}`);
  }
  const bytes = toBytes(input);
  // RFC 9180 §7.1.1: "DeserializePublicKey(pkXm)" of a 32-byte string; the same length for sk (§7.1.2).
  if (bytes.length !== N) throw new InputError('invalid-length', `"${name}" expected ${N} bytes, got ${bytes.length}`);
  return bytes.slice();
}

function pair(secret: Uint8Array, publicKey: Uint8Array): CryptoKeyPair {
  return { privateKey: new X25519Key('private', secret, publicKey), publicKey: new X25519Key('public', publicKey) };
}

/** DHKEM(X25519, HKDF-SHA256) for @hpke/core's CipherSuite. */
export class DhkemX25519HkdfSha256 implements KemInterface {
  readonly id = KemId.DhkemX25519HkdfSha256;
  readonly secretSize = N;
  readonly encSize = N;
  readonly publicKeySize = N;
  readonly privateKeySize = N;
  readonly #kdf = new HpkeHkdfSha256();

  constructor() {
    // §4.1: suite_id = concat("KEM", I2OSP(kem_id, 2)).
    this.#kdf.init(concat(utf8('KEM'), Uint8Array.of(this.id >>> 8, this.id & 0xff)));
  }

  async serializePublicKey(key: CryptoKey): Promise<ArrayBuffer> {
    return toBuffer(X25519Key.bytes(ownKey('publicKey', key, 'public')));
  }

  async deserializePublicKey(key: ArrayBufferLike | ArrayBufferView): Promise<CryptoKey> {
    return new X25519Key('public', raw('publicKey', key));
  }

  async serializePrivateKey(key: CryptoKey): Promise<ArrayBuffer> {
    return toBuffer(X25519Key.bytes(ownKey('privateKey', key, 'private')));
  }

  async deserializePrivateKey(key: ArrayBufferLike | ArrayBufferView): Promise<CryptoKey> {
    return new X25519Key('private', raw('privateKey', key));
  }

  async importKey(format: 'raw' | 'jwk', key: ArrayBuffer | JsonWebKey, isPublic = true): Promise<CryptoKey> {
    if (format !== 'raw' || !(key instanceof ArrayBuffer)) {
      throw new InputError('invalid-value', `"format" expected raw bytes, got ${format}`);
    }
    return isPublic ? this.deserializePublicKey(key) : this.deserializePrivateKey(key);
  }

  async generateKeyPair(): Promise<CryptoKeyPair> {
    const { secretKey, publicKey } = x25519Keypair();
    return pair(secretKey, publicKey);
  }

  /** §7.1.3 DeriveKeyPair: dkp_prk = LabeledExtract("", "dkp_prk", ikm); sk = LabeledExpand(dkp_prk, "sk", "", Nsk). */
  async deriveKeyPair(ikm: ArrayBufferLike | ArrayBufferView): Promise<CryptoKeyPair> {
    const dkpPrk = await this.#kdf.labeledExtract(EMPTY, utf8('dkp_prk'), toBytes(ikm));
    const secret = new Uint8Array(await this.#kdf.labeledExpand(dkpPrk, utf8('sk'), EMPTY, N));
    new Uint8Array(dkpPrk).fill(0);
    return pair(secret, x25519PublicKey(secret));
  }

  /** §4.1 Encap(pkR): enc = pkE, shared_secret = ExtractAndExpand(DH(skE, pkR), enc ‖ pkRm). */
  async encap(params: SenderContextParams): Promise<{ sharedSecret: ArrayBuffer; enc: ArrayBuffer }> {
    if (params.senderKey !== undefined) throw unsupportedMode('AuthEncap');
    const pkR = ownKey('recipientPublicKey', params.recipientPublicKey, 'public');
    const ephemeral = params.ekm === undefined ? await this.generateKeyPair()
      : 'privateKey' in params.ekm ? params.ekm : await this.deriveKeyPair(params.ekm);
    const skE = ownKey('ekm.privateKey', ephemeral.privateKey, 'private');
    // §7.1.4: the all-zero DH output is rejected — x25519 throws CryptoError `low-order-point`.
    const dh = x25519(X25519Key.secret(skE), X25519Key.publicBytes(pkR));
    const enc = X25519Key.publicBytes(skE);
    return { sharedSecret: await this.#extractAndExpand(dh, concat(enc, X25519Key.publicBytes(pkR))), enc: toBuffer(enc.slice()) };
  }

  /** §4.1 Decap(enc, skR): shared_secret = ExtractAndExpand(DH(skR, pkE), enc ‖ pk(skR)). */
  async decap(params: RecipientContextParams): Promise<ArrayBuffer> {
    if (params.senderPublicKey !== undefined) throw unsupportedMode('AuthDecap');
    const recipient = 'privateKey' in params.recipientKey ? params.recipientKey.privateKey : params.recipientKey;
    const skR = ownKey('recipientKey', recipient, 'private');
    const enc = raw('enc', params.enc);
    const dh = x25519(X25519Key.secret(skR), enc);
    return this.#extractAndExpand(dh, concat(enc, X25519Key.publicBytes(skR)));
  }

  /** §4.1 ExtractAndExpand: eae_prk = LabeledExtract("", "eae_prk", dh); LabeledExpand(eae_prk, "shared_secret", kem_context, Nsecret). */
  async #extractAndExpand(dh: Uint8Array, kemContext: Uint8Array): Promise<ArrayBuffer> {
    const eaePrk = await this.#kdf.labeledExtract(EMPTY, utf8('eae_prk'), dh);
    dh.fill(0);
    const secret = await this.#kdf.labeledExpand(eaePrk, utf8('shared_secret'), kemContext, N);
    new Uint8Array(eaePrk).fill(0);
    return secret;
  }
}

function unsupportedMode(what: string): GroupError {
  return new GroupError('unsupported-mode', `HPKE ${what} expected base mode only (RFC 9420 §5.1.3 uses SealBase/OpenBase), got an authenticated mode`);
}
