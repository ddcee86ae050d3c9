// Plaintext layout of an encrypted record (outbox entry, history item) before sealing:
// u32be(length of the JSON header) ‖ UTF-8 JSON header ‖ raw bytes (a file's content, if any).
// Bytes stay binary instead of base64 inside JSON, so a 200 KB file costs 200 KB.
import { StorageError } from './storage-key.js';

export function encodeRecord(header: object, bytes: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + h.length + bytes.length);
  new DataView(out.buffer).setUint32(0, h.length);
  out.set(h, 4);
  out.set(bytes, 4 + h.length);
  return out;
}

/** @throws StorageError `storage-damaged` for a malformed record (only reachable with a valid tag: a bug, not an attack) */
export function decodeRecord<T>(plain: Uint8Array): { header: T; bytes: Uint8Array } {
  const n = plain.length >= 4 ? new DataView(plain.buffer, plain.byteOffset, 4).getUint32(0) : -1;
  if (n < 0 || 4 + n > plain.length) throw new StorageError('storage-damaged', `a stored record expected a header of at most ${Math.max(plain.length - 4, 0)} bytes, got ${n}`);
  try {
    return { header: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain.subarray(4, 4 + n))) as T, bytes: plain.slice(4 + n) };
  } catch (e) {
    throw new StorageError('storage-damaged', 'a stored record expected a JSON header, found other bytes', { cause: e });
  }
}

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
export const unhex = (s: string): Uint8Array => new Uint8Array((s.match(/../g) ?? []).map((x) => parseInt(x, 16)));
