// HKDF-SHA256 as HPKE's KDF (RFC 9180 §4, §7.2: KDF id 0x0001) over keyprint's core, in the shape of
// @hpke/core's KdfInterface so that @hpke/core's CipherSuite runs its key schedule (§5.1) on it.
// Each user of the KDF (the KEM, the cipher suite) holds its own instance: `init` fixes the suite_id
// that every labeled call is bound to.

import { KdfId, type KdfInterface } from '@hpke/core';
import { hkdfExpandSha256, hkdfExtractSha256, hkdfSha256 } from '../core/index.js';
import { InputError } from '../errors.js';
import { concatBytes as concat } from '../core/bytes.js';

const HPKE_VERSION = new TextEncoder().encode('HPKE-v1');
const EMPTY = new Uint8Array(0);

/** @hpke/core passes ArrayBuffers or views; the core takes Uint8Arrays. */
export function toBytes(input: ArrayBufferLike | ArrayBufferView): Uint8Array {
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return new Uint8Array(input);
}

/** A fresh ArrayBuffer holding exactly `bytes` (what @hpke/core's interfaces return). */
export function toBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : (bytes.slice().buffer as ArrayBuffer);
}

/** HKDF-SHA256 with HPKE's labeled forms (RFC 9180 §4). */
export class HpkeHkdfSha256 implements KdfInterface {
  readonly id = KdfId.HkdfSha256;
  /** Nh (RFC 9180 §7.2). */
  readonly hashSize = 32;
  #suiteId = EMPTY;

  /** Sets the suite_id of §4 (`"KEM" ‖ I2OSP(kem_id, 2)` for the KEM, `"HPKE" ‖ ids` for the suite). */
  init(suiteId: Uint8Array): void {
    this.#suiteId = suiteId.slice();
  }

  /** §4: labeled_ikm = concat("HPKE-v1", suite_id, label, ikm). */
  buildLabeledIkm(label: Uint8Array, ikm: Uint8Array): Uint8Array {
    return concat(HPKE_VERSION, this.#initialised(), label, ikm);
  }

  /** §4: labeled_info = concat(I2OSP(L, 2), "HPKE-v1", suite_id, label, info). */
  buildLabeledInfo(label: Uint8Array, info: Uint8Array, len: number): Uint8Array {
    return concat(Uint8Array.of(len >>> 8, len & 0xff), HPKE_VERSION, this.#initialised(), label, info);
  }

  async extract(salt: ArrayBufferLike | ArrayBufferView, ikm: ArrayBufferLike | ArrayBufferView): Promise<ArrayBuffer> {
    return toBuffer(hkdfExtractSha256(toBytes(ikm), toBytes(salt)));
  }

  async expand(prk: ArrayBufferLike | ArrayBufferView, info: ArrayBufferLike | ArrayBufferView, len: number): Promise<ArrayBuffer> {
    return toBuffer(hkdfExpandSha256(toBytes(prk), toBytes(info), len));
  }

  async extractAndExpand(
    salt: ArrayBufferLike | ArrayBufferView, ikm: ArrayBufferLike | ArrayBufferView, info: ArrayBufferLike | ArrayBufferView, len: number,
  ): Promise<ArrayBuffer> {
    return toBuffer(hkdfSha256(toBytes(ikm), toBytes(salt), toBytes(info), len));
  }

  /** §4 LabeledExtract(salt, label, ikm). */
  async labeledExtract(salt: ArrayBufferLike | ArrayBufferView, label: Uint8Array, ikm: Uint8Array): Promise<ArrayBuffer> {
    return this.extract(salt, this.buildLabeledIkm(label, ikm));
  }

  /** §4 LabeledExpand(prk, label, info, L). */
  async labeledExpand(prk: ArrayBufferLike | ArrayBufferView, label: Uint8Array, info: Uint8Array, len: number): Promise<ArrayBuffer> {
    return this.expand(prk, this.buildLabeledInfo(label, info, len), len);
  }

  #initialised(): Uint8Array {
    // Without a suite_id the labels would not separate KEM from key-schedule outputs (§4).
    if (this.#suiteId.length === 0) throw new InputError('invalid-value', 'HpkeHkdfSha256 expected init(suiteId) before use, got none');
    return this.#suiteId;
  }
}
