// Data messages after the handshake (docs/PROTOCOL.md "Session protocol", "Data messages"): a
// per-direction symmetric ratchet (each step HKDF-SHA-256, RFC 5869, turns the chain key into the
// next chain key, a message key and a nonce; the old chain key is wiped, so earlier message keys
// cannot be recomputed), AES-256-GCM (NIST SP 800-38D) through WebCrypto with the frame header as
// additional data, and padding of the plaintext to fixed buckets. Also the inner payload codec.

import { aesGcmKey, aesGcmOpen, aesGcmSeal } from '../core/aes-gcm.js';
import { hkdfSha256 } from '../core/index.js';
import { label, Reader, utf8Decode, Writer } from './_bytes.js';
import { SessionError } from './errors.js';
import { dataHeader, PAD_BUCKETS } from './messages.js';

export const LABEL_RATCHET = 'keyprint-session-v2 ratchet';
/** Largest text message, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 16000;
/** Bytes of file content per chunk. */
export const FILE_CHUNK_BYTES = 16000;
/** Largest file. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Largest file name / media type, in UTF-8 bytes. */
export const MAX_FILE_NAME_BYTES = 255;
/** Application message ids are 16 random bytes, stable across reconnects (the outbox key). */
export const MESSAGE_ID_BYTES = 16;

/** What travels inside a data message. */
export type Payload =
  | { kind: 'text'; id: Uint8Array; text: string }
  | { kind: 'file-start'; id: Uint8Array; size: number; chunks: number; name: string; mime: string }
  | { kind: 'file-chunk'; id: Uint8Array; index: number; data: Uint8Array }
  | { kind: 'ack'; id: Uint8Array };

const KIND = { text: 1, 'file-start': 2, 'file-chunk': 3, ack: 4 } as const;

/**
 * Encodes a payload and pads it: `u32be(len) ‖ payload ‖ zeros` up to the smallest PAD_BUCKETS entry.
 * @throws SessionError `malformed` for an out-of-range field
 * @example const padded = encodePayload({ kind: 'text', id: newMessageId(), text: 'hi' }) // 256 bytes
 */
export function encodePayload(p: Payload): Uint8Array {
  const w = new Writer().u8(KIND[p.kind]).raw(p.id);
  switch (p.kind) {
    case 'text': w.var32(new TextEncoder().encode(p.text)); break;
    case 'file-start': w.u32(p.size).u32(p.chunks).var16(new TextEncoder().encode(p.name)).var16(new TextEncoder().encode(p.mime)); break;
    case 'file-chunk': w.u32(p.index).var32(p.data); break;
    case 'ack': break;
  }
  const inner = w.bytes();
  const out = new Uint8Array(pad(inner.length));
  out.set(new Writer().u32(inner.length).raw(inner).bytes());
  decodePayload(out); // one validator for both directions
  return out;
}

function pad(innerLength: number): number {
  const b = PAD_BUCKETS.find((size) => size >= innerLength + 4);
  if (b === undefined) throw new SessionError('malformed', `payload expected at most ${PAD_BUCKETS[PAD_BUCKETS.length - 1] - 4} bytes, got ${innerLength}`);
  return b;
}

/**
 * Decodes a padded payload (after decryption). The padded length must be the bucket encodePayload
 * picks for the payload's length, and the padding must be zeros.
 * @throws SessionError `truncated` / `malformed`
 * @example const payload = decodePayload(await open(chain, seq, ciphertext))
 */
export function decodePayload(padded: Uint8Array): Payload {
  const outer = new Reader(padded, 'payload');
  const n = outer.u32('length');
  if (n > padded.length - 4) throw new SessionError('truncated', `payload expected ${n} bytes, got ${padded.length - 4}`);
  // docs/PROTOCOL.md "Data messages": padded to 256, 1024, 4096 or 16384 bytes, "the smallest that
  // fits" — any other length would make the padding optional for the sender.
  const bucket = pad(n);
  if (padded.length !== bucket) {
    throw new SessionError('malformed', `padded payload expected ${bucket} bytes for a ${n}-byte payload, got ${padded.length}`);
  }
  const inner = outer.fixed('inner', n);
  for (let i = 4 + n; i < padded.length; i++) if (padded[i] !== 0) throw new SessionError('malformed', 'payload padding expected zeros');
  const r = new Reader(inner, 'payload');
  const kind = r.u8('kind');
  const id = r.fixed('id', MESSAGE_ID_BYTES);
  let p: Payload;
  switch (kind) {
    case KIND.text: p = { kind: 'text', id, text: utf8Decode(r.sized('text', 32, 0, MAX_TEXT_BYTES), 'payload text') }; break;
    case KIND['file-start']: {
      const size = r.u32('size');
      const chunks = r.u32('chunks');
      if (size > MAX_FILE_BYTES) throw new SessionError('malformed', `file size expected at most ${MAX_FILE_BYTES}, got ${size}`);
      if (chunks !== Math.max(1, Math.ceil(size / FILE_CHUNK_BYTES))) throw new SessionError('malformed', `file chunks expected ${Math.max(1, Math.ceil(size / FILE_CHUNK_BYTES))}, got ${chunks}`);
      const name = utf8Decode(r.sized('name', 16, 1, MAX_FILE_NAME_BYTES), 'file name');
      const mime = utf8Decode(r.sized('mime', 16, 0, MAX_FILE_NAME_BYTES), 'file type');
      p = { kind: 'file-start', id, size, chunks, name, mime };
      break;
    }
    case KIND['file-chunk']: p = { kind: 'file-chunk', id, index: r.u32('index'), data: r.sized('data', 32, 0, FILE_CHUNK_BYTES) }; break;
    case KIND.ack: p = { kind: 'ack', id }; break;
    default: throw new SessionError('malformed', `payload kind expected 1 to 4, got ${kind}`);
  }
  r.end();
  return p;
}

/** One direction's chain. Keys are single-use; the chain only moves forward. */
export class Chain {
  #key: Uint8Array;
  #seq = 0;
  constructor(chainKey: Uint8Array) { this.#key = chainKey.slice(); chainKey.fill(0); }
  /** The sequence number of the next message. */
  get seq(): number { return this.#seq; }
  /**
   * Advances one step: HKDF(ikm = chainKey, salt = none, info = label ‖ u32be(seq), L = 76)
   * = nextChainKey[32] ‖ messageKey[32] ‖ nonce[12]. The old chain key is overwritten.
   */
  next(): { seq: number; key: Uint8Array; iv: Uint8Array } {
    const seq = this.#seq;
    if (seq === 0xffffffff) throw new SessionError('invalid-state', 'chain exhausted: start a new session');
    const out = hkdfSha256(this.#key, undefined, new Writer().raw(label(LABEL_RATCHET)).u32(seq).bytes(), 76);
    this.#key.fill(0);
    this.#key = out.slice(0, 32);
    this.#seq = seq + 1;
    const step = { seq, key: out.slice(32, 64), iv: out.slice(64, 76) };
    out.fill(0);
    return step;
  }
  wipe(): void { this.#key.fill(0); }
  toString(): string { return '[Chain]'; }
  toJSON(): string { return '[Chain]'; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return '[Chain]'; }
}

async function aesKey(raw: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  const key = await aesGcmKey(raw, [usage]);
  raw.fill(0);
  return key;
}

/**
 * Encrypts one padded payload with the next key of `chain`.
 * @returns seq and ciphertext (‖ tag) for a data frame
 */
export async function seal(chain: Chain, padded: Uint8Array): Promise<{ seq: number; ciphertext: Uint8Array }> {
  const { seq, key, iv } = chain.next();
  const k = await aesKey(key, 'encrypt');
  return { seq, ciphertext: await aesGcmSeal(k, iv, dataHeader(seq), padded) };
}

/**
 * Decrypts the next message of `chain`; the caller has checked that `seq` is `chain.seq`.
 * @throws SessionError `decrypt-failed`
 */
export async function open(chain: Chain, seq: number, ciphertext: Uint8Array): Promise<Uint8Array> {
  const step = chain.next();
  if (step.seq !== seq) throw new SessionError('invalid-state', 'open expected the chain\'s next seq');
  const k = await aesKey(step.key, 'decrypt');
  try {
    return await aesGcmOpen(k, step.iv, dataHeader(seq), ciphertext);
  } catch (e) {
    throw new SessionError('decrypt-failed', 'data message did not authenticate', { cause: (e as Error).cause });
  }
}
