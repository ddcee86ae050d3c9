// Data messages after the handshake (docs/PROTOCOL.md "Session protocol", "Data messages"): a
// per-direction symmetric ratchet (each step HKDF-SHA-256, RFC 5869, turns the chain key into the
// next chain key, a message key and a nonce; the old chain key is wiped, so earlier message keys
// cannot be recomputed), AES-256-GCM (NIST SP 800-38D) through WebCrypto with the frame header as
// additional data, and padding of the plaintext to fixed buckets. Also the inner payload codec
// (texts, acks, receipts, and the file sub-protocol's payloads, docs/PROTOCOL.md "Files").

import { aesGcmKey, aesGcmOpen, aesGcmSeal } from '../core/aes-gcm.js';
import { hkdfSha256 } from '../core/index.js';
import { label, Reader, utf8Decode, Writer } from './_bytes.js';
import { SessionError } from './errors.js';
import { CHUNK_SIZES, dataHeader, PAD_BUCKETS } from './messages.js';

export const LABEL_RATCHET = 'keyprint-session-v2 ratchet';
/** Largest text message, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 16000;
/** Largest verification receipt. */
export const MAX_RECEIPT_BYTES = 16000;
/** Largest file: 32 TiB (so that even 16 KiB chunks number below 2^31). */
export const MAX_FILE_BYTES = 2 ** 45;
/** Largest file name / media type, in UTF-8 bytes. */
export const MAX_FILE_NAME_BYTES = 255;
/** Application message ids are 16 random bytes, stable across reconnects (the outbox key). */
export const MESSAGE_ID_BYTES = 16;

/** Why a file transfer ended without the file: on the wire as a byte (docs/PROTOCOL.md "Files"). */
export const FILE_CANCEL_REASONS = ['declined', 'cancelled', 'failed', 'damaged'] as const;
export type FileCancelReason = (typeof FILE_CANCEL_REASONS)[number];

/** What travels inside a data message. File payloads are the sub-protocol of transfer.ts. */
export type Payload =
  | { kind: 'text'; id: Uint8Array; text: string }
  | { kind: 'ack'; id: Uint8Array }
  | { kind: 'receipt'; id: Uint8Array; receipt: Uint8Array }
  | { kind: 'file-offer'; id: Uint8Array; size: number; chunkBytes: number; name: string; mime: string }
  | { kind: 'file-accept'; id: Uint8Array; from: number }
  | { kind: 'file-chunk'; id: Uint8Array; index: number; data: Uint8Array }
  | { kind: 'file-ack'; id: Uint8Array; next: number }
  | { kind: 'file-end'; id: Uint8Array; sha256: Uint8Array }
  | { kind: 'file-cancel'; id: Uint8Array; reason: FileCancelReason };

/** The payloads of the file sub-protocol (handled by transfer.ts, not by the machine). */
export type FilePayload = Extract<Payload, { kind: `file-${string}` }>;

// Kinds 2 and 3 were version 1's file-start and file-chunk (whole files in memory): never reused.
const KIND = {
  text: 1, ack: 4, receipt: 5, 'file-offer': 6, 'file-accept': 7, 'file-chunk': 8, 'file-ack': 9, 'file-end': 10, 'file-cancel': 11,
} as const;
const KIND_NAME = new Map<number, Payload['kind']>(Object.entries(KIND).map(([k, v]) => [v, k as Payload['kind']]));

/** Chunks of `size` bytes in `chunkBytes` pieces (0 for an empty file). */
export const chunkCount = (size: number, chunkBytes: number): number => Math.ceil(size / chunkBytes);

/**
 * Encodes a payload and pads it: `u32be(len) ‖ payload ‖ zeros` up to the smallest PAD_BUCKETS entry.
 * @throws SessionError `malformed` for an out-of-range field
 * @example const padded = encodePayload({ kind: 'text', id: newMessageId(), text: 'hi' }) // 256 bytes
 */
export function encodePayload(p: Payload): Uint8Array {
  if (p.kind === 'file-chunk') return encodeChunk(p.id, p.index, p.data);
  const w = new Writer().u8(KIND[p.kind]).raw(p.id);
  switch (p.kind) {
    case 'text': w.var32(new TextEncoder().encode(p.text)); break;
    case 'ack': break;
    case 'receipt': w.var32(p.receipt); break;
    case 'file-offer': w.u64(p.size).u32(p.chunkBytes).var16(new TextEncoder().encode(p.name)).var16(new TextEncoder().encode(p.mime)); break;
    case 'file-accept': w.u32(p.from); break;
    case 'file-ack': w.u32(p.next); break;
    case 'file-end': w.raw(p.sha256); break;
    case 'file-cancel': w.u8(FILE_CANCEL_REASONS.indexOf(p.reason) + 1); break;
  }
  const inner = w.bytes();
  const out = new Uint8Array(pad(inner.length));
  out.set(new Writer().u32(inner.length).raw(inner).bytes());
  decodePayload(out); // one validator for both directions
  return out;
}

/**
 * A file chunk's padded payload, built in one buffer (the hot path: one copy of the data, checked
 * by construction instead of by decoding it again).
 */
function encodeChunk(id: Uint8Array, index: number, data: Uint8Array): Uint8Array {
  if (!(id instanceof Uint8Array) || id.length !== MESSAGE_ID_BYTES) throw new SessionError('malformed', `file chunk id expected ${MESSAGE_ID_BYTES} bytes`);
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) throw new SessionError('malformed', `file chunk index expected a u32, got ${index}`);
  if (!(data instanceof Uint8Array) || data.length < 1 || data.length > CHUNK_SIZES[CHUNK_SIZES.length - 1]) {
    throw new SessionError('malformed', `file chunk data expected 1 to ${CHUNK_SIZES[CHUNK_SIZES.length - 1]} bytes`);
  }
  const inner = 1 + MESSAGE_ID_BYTES + 4 + 4 + data.length;
  const out = new Uint8Array(pad(inner));
  const v = new DataView(out.buffer);
  v.setUint32(0, inner);
  out[4] = KIND['file-chunk'];
  out.set(id, 5);
  v.setUint32(5 + MESSAGE_ID_BYTES, index);
  v.setUint32(9 + MESSAGE_ID_BYTES, data.length);
  out.set(data, 13 + MESSAGE_ID_BYTES);
  return out;
}

function pad(innerLength: number): number {
  const b = PAD_BUCKETS.find((size) => size >= innerLength + 4);
  if (b === undefined) throw new SessionError('malformed', `payload expected at most ${PAD_BUCKETS[PAD_BUCKETS.length - 1] - 4} bytes, got ${innerLength}`);
  return b;
}

/**
 * Decodes a padded payload (after decryption). The padded length must be the bucket encodePayload
 * picks for the payload's length, and the padding must be zeros. A chunk's data is a view into
 * `padded` (no copy).
 * @throws SessionError `truncated` / `malformed`
 * @example const payload = decodePayload(await open(chain, seq, ciphertext))
 */
export function decodePayload(padded: Uint8Array): Payload {
  const outer = new Reader(padded, 'payload');
  const n = outer.u32('length');
  if (n > padded.length - 4) throw new SessionError('truncated', `payload expected ${n} bytes, got ${padded.length - 4}`);
  // docs/PROTOCOL.md "Data messages": padded to one of the buckets, "the smallest that fits" — any
  // other length would make the padding optional for the sender.
  const bucket = pad(n);
  if (padded.length !== bucket) {
    throw new SessionError('malformed', `padded payload expected ${bucket} bytes for a ${n}-byte payload, got ${padded.length}`);
  }
  const inner = outer.view('inner', n);
  for (let i = 4 + n; i < padded.length; i++) if (padded[i] !== 0) throw new SessionError('malformed', 'payload padding expected zeros');
  const r = new Reader(inner, 'payload');
  const code = r.u8('kind');
  const kind = KIND_NAME.get(code);
  const id = r.fixed('id', MESSAGE_ID_BYTES);
  let p: Payload;
  switch (kind) {
    case 'text': p = { kind, id, text: utf8Decode(r.sized('text', 32, 0, MAX_TEXT_BYTES), 'payload text') }; break;
    case 'ack': p = { kind, id }; break;
    case 'receipt': p = { kind, id, receipt: r.sized('receipt', 32, 1, MAX_RECEIPT_BYTES) }; break;
    case 'file-offer': {
      const size = r.u64('size');
      const chunkBytes = r.u32('chunkBytes');
      if (size > MAX_FILE_BYTES) throw new SessionError('malformed', `file size expected at most ${MAX_FILE_BYTES}, got ${size}`);
      if (!(CHUNK_SIZES as readonly number[]).includes(chunkBytes)) throw new SessionError('malformed', `file chunk size expected one of ${CHUNK_SIZES.join(', ')}, got ${chunkBytes}`);
      const name = utf8Decode(r.sized('name', 16, 1, MAX_FILE_NAME_BYTES), 'file name');
      const mime = utf8Decode(r.sized('mime', 16, 0, MAX_FILE_NAME_BYTES), 'file type');
      p = { kind, id, size, chunkBytes, name, mime };
      break;
    }
    case 'file-accept': p = { kind, id, from: r.u32('from') }; break;
    case 'file-chunk': p = { kind, id, index: r.u32('index'), data: r.sizedView('data', 32, 1, CHUNK_SIZES[CHUNK_SIZES.length - 1]) }; break;
    case 'file-ack': p = { kind, id, next: r.u32('next') }; break;
    case 'file-end': p = { kind, id, sha256: r.fixed('sha256', 32) }; break;
    case 'file-cancel': {
      const reason = FILE_CANCEL_REASONS[r.u8('reason') - 1];
      if (reason === undefined) throw new SessionError('malformed', `file cancel reason expected 1 to ${FILE_CANCEL_REASONS.length}`);
      p = { kind, id, reason };
      break;
    }
    default: throw new SessionError('malformed', `payload kind expected one of ${[...KIND_NAME.keys()].join(', ')}, got ${code}`);
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
