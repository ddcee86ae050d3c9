// The plaintext layout of a record kept at rest (an outbox entry, a history item) before it is
// sealed (AES-256-GCM, NIST SP 800-38D) by the app's storage key — shared by the web app
// (web/lib/outbox-idb.ts, history.ts) and the CLI (src/cli/_outbox-store.ts):
//   record  = u32be(length of the JSON header) ‖ UTF-8 JSON header ‖ raw bytes (a file's content)
//   aad     = fields(label, …): u16be(length) ‖ bytes, for each field
// Bytes stay binary instead of base64 inside JSON, so a 200 KB file costs 200 KB. Pure: no I/O,
// no keys.

import { KeyprintError } from '../errors.js';
import type { OutboxEntry } from './contacts.js';

/** A stored record that does not open: another identity's, altered on disk, or malformed. */
export class StorageError extends KeyprintError {
  constructor(code: 'storage-locked' | 'storage-damaged', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * Encodes a record: header as JSON, then raw bytes.
 * @param header any JSON-serialisable object
 * @param bytes trailing raw bytes (default none)
 * @returns u32be(len) ‖ JSON ‖ bytes
 * @example encodeRecord({ kind: 'text', text: 'hi' })
 */
export function encodeRecord(header: object, bytes: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = utf8(JSON.stringify(header));
  const out = new Uint8Array(4 + h.length + bytes.length);
  new DataView(out.buffer).setUint32(0, h.length);
  out.set(h, 4);
  out.set(bytes, 4 + h.length);
  return out;
}

/**
 * Decodes a record made by `encodeRecord`.
 * @throws StorageError `storage-damaged` for a malformed record (only reachable with a valid tag: a bug, not an attack)
 */
export function decodeRecord<T>(plain: Uint8Array): { header: T; bytes: Uint8Array } {
  const n = plain.length >= 4 ? new DataView(plain.buffer, plain.byteOffset, 4).getUint32(0) : -1;
  if (n < 0 || 4 + n > plain.length) throw new StorageError('storage-damaged', `a stored record expected a header of at most ${Math.max(plain.length - 4, 0)} bytes, got ${n}`);
  try {
    return { header: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain.subarray(4, 4 + n))) as T, bytes: plain.slice(4 + n) };
  } catch (e) {
    throw new StorageError('storage-damaged', 'a stored record expected a JSON header, found other bytes', { cause: e });
  }
}

/**
 * Length-prefixed fields (u16be length each) for associated data: never joined strings.
 * @example fields('keyprint-web outbox v1', peerDid, messageId)
 */
export function fields(...parts: Array<string | Uint8Array>): Uint8Array {
  const bs = parts.map((p) => (typeof p === 'string' ? utf8(p) : p));
  const out = new Uint8Array(bs.reduce((n, b) => n + 2 + b.length, 0));
  const v = new DataView(out.buffer);
  let o = 0;
  for (const b of bs) { v.setUint16(o, b.length); out.set(b, o + 2); o += 2 + b.length; }
  return out;
}

/**
 * The JSON header of an outbox record. A file is its description and the app's reference to its
 * content (`size`, `ref`); a record written by version 1 has neither, and the whole file follows
 * the header instead. A receipt's bytes follow its header.
 */
export type OutboxHeader =
  | { kind: 'text'; text: string }
  | { kind: 'file'; name: string; mime: string; size?: number; ref?: string }
  | { kind: 'receipt' };

/**
 * The plaintext of an outbox entry's content.
 * @example encodeOutboxContent({ kind: 'text', text: 'hi' })
 */
export function encodeOutboxContent(c: OutboxEntry['content']): Uint8Array {
  switch (c.kind) {
    case 'text': return encodeRecord({ kind: 'text', text: c.text } satisfies OutboxHeader);
    case 'receipt': return encodeRecord({ kind: 'receipt' } satisfies OutboxHeader, c.bytes);
    case 'file': return encodeRecord({ kind: 'file', name: c.name, mime: c.mime, size: c.size, ref: c.ref } satisfies OutboxHeader, c.bytes);
  }
}

/**
 * The content back from `encodeOutboxContent`'s plaintext.
 * @throws StorageError `storage-damaged`
 */
export function decodeOutboxContent(plain: Uint8Array): OutboxEntry['content'] {
  const { header, bytes } = decodeRecord<OutboxHeader>(plain);
  if (header?.kind === 'text' && typeof header.text === 'string') return { kind: 'text', text: header.text };
  if (header?.kind === 'receipt') return { kind: 'receipt', bytes };
  if (header?.kind === 'file' && typeof header.name === 'string' && typeof header.mime === 'string') {
    if (typeof header.ref === 'string' && Number.isSafeInteger(header.size)) {
      return { kind: 'file', name: header.name, mime: header.mime, size: header.size!, ref: header.ref, ...(bytes.length > 0 ? { bytes } : {}) };
    }
    // Version 1: the file itself, inline.
    return { kind: 'file', name: header.name, mime: header.mime, size: bytes.length, ref: '', bytes };
  }
  throw new StorageError('storage-damaged', 'a stored outbox record expected a text, file or receipt header, found another');
}

/** Lowercase hex (message ids as record keys and file names); core/bytes.ts's toHex and fromHex. */
export { toHex as hex, fromHex as unhex } from '../core/bytes.js';
