// The padded payload codec of src/session/ratchet.ts (docs/PROTOCOL.md "Data messages"):
// padded = u32be(len(payload)) ‖ payload ‖ zeros, to 256, 1024, 4096 or 16384 bytes, the smallest
// that fits — so decodePayload accepts exactly one length for each payload.
import { describe, expect, it } from 'vitest';
import { PAD_BUCKETS, SessionError, decodePayload, encodePayload, newMessageId, type Payload } from '../../src/session/index.js';

const id = new Uint8Array(16).fill(0x11);
const text = (n: number): Payload => ({ kind: 'text', id, text: 'x'.repeat(n) });
/** Inner length of a text payload: kind ‖ id ‖ u32 length ‖ text. */
const innerOf = (n: number) => 1 + 16 + 4 + n;

function codeOf(f: () => unknown): string {
  try { f(); } catch (e) {
    expect(e).toBeInstanceOf(SessionError);
    return (e as SessionError).code;
  }
  return 'ok';
}

/** `padded` moved into a buffer of `length` bytes (zero padding, or cut). */
function resized(padded: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(padded.subarray(0, Math.min(length, padded.length)));
  return out;
}

describe('encodePayload / decodePayload: padding buckets', () => {
  it.each([
    [0, 256], [256 - 4 - innerOf(0), 256], [256 - 4 - innerOf(0) + 1, 1024], [1024 - 4 - innerOf(0), 1024],
    [1024 - 4 - innerOf(0) + 1, 4096], [4096 - 4 - innerOf(0) + 1, 16384], [16000, 16384],
  ])('a %i-character text pads to %i bytes and decodes back', (n, bucket) => {
    const padded = encodePayload(text(n));
    expect(padded.length).toBe(bucket);
    expect(PAD_BUCKETS).toContain(bucket);
    expect(decodePayload(padded)).toEqual(text(n));
  });

  it('the report\'s reproducer: a padded payload cut to 40 bytes → malformed', () => {
    const padded = encodePayload({ kind: 'ack', id: newMessageId() });
    expect(codeOf(() => decodePayload(padded.subarray(0, 40)))).toBe('malformed');
  });

  it.each([
    ['cut to the content (no padding)', 4 + innerOf(5)],
    ['one byte short of the bucket', 255],
    ['one byte past the bucket', 257],
    ['the next bucket up (1024)', 1024],
    ['the largest bucket (16384)', 16384],
  ])('a short text in a buffer %s → malformed', (_, length) => {
    const padded = encodePayload(text(5));
    expect(codeOf(() => decodePayload(resized(padded, length)))).toBe('malformed');
  });

  it('a 1024-bucket payload in 256 bytes is truncated; in 4096 bytes malformed', () => {
    const padded = encodePayload(text(500));
    expect(padded.length).toBe(1024);
    expect(codeOf(() => decodePayload(resized(padded, 256)))).toBe('truncated');
    expect(codeOf(() => decodePayload(resized(padded, 4096)))).toBe('malformed');
  });

  it('padding must be zeros', () => {
    const padded = encodePayload(text(5));
    padded[255] = 1;
    expect(codeOf(() => decodePayload(padded))).toBe('malformed');
  });

  it('a length larger than the largest bucket allows → malformed, a length past the end → truncated', () => {
    const big = new Uint8Array(16384 + 256);
    new DataView(big.buffer).setUint32(0, 16384);
    expect(codeOf(() => decodePayload(big))).toBe('malformed');
    const short = new Uint8Array(256);
    new DataView(short.buffer).setUint32(0, 253);
    expect(codeOf(() => decodePayload(short))).toBe('truncated');
  });
});
