// core/bytes.ts and core/cbor.ts: the one helper per job (issue 19). RFC 4648 §10 vectors for
// base64url; garbage that Buffer.from(s, 'base64url') would accept is refused.
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, fromBase64url, fromHex, toBase64url, toHex, uuidBytes, uuidString } from '../../src/core/bytes.js';
import { CborError, decodeCanonical } from '../../src/core/cbor.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('core/bytes', () => {
  it('RFC 4648 §10 vectors round-trip through base64url without padding', () => {
    const vectors: [string, string][] = [['', ''], ['f', 'Zg'], ['fo', 'Zm8'], ['foo', 'Zm9v'], ['foob', 'Zm9vYg'], ['fooba', 'Zm9vYmE'], ['foobar', 'Zm9vYmFy']];
    for (const [plain, b64] of vectors) {
      expect(toBase64url(utf8(plain))).toBe(b64);
      expect(fromBase64url(b64)).toEqual(utf8(plain));
    }
  });

  it('strict base64url refuses what Buffer accepts: padding, other alphabets, stray characters, a dangling group', () => {
    for (const bad of ['Zg==', 'Zm9v+/', 'Zm 9v', 'Zm9v!', 'Z', 'Zm9vY']) {
      expect(() => fromBase64url(bad), bad).toThrow(/expected base64url without padding/);
    }
  });

  it('hex: lowercase out, strict in', () => {
    expect(toHex(Uint8Array.of(0, 1, 0xab, 0xff))).toBe('0001abff');
    expect(fromHex('0001ABff')).toEqual(Uint8Array.of(0, 1, 0xab, 0xff));
    for (const bad of ['0', 'zz', '0x00', '00 11']) expect(() => fromHex(bad), bad).toThrow(/expected hex digits in pairs/);
  });

  it('equalBytes compares all bytes and lengths; concat and UUIDs', () => {
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1))).toBe(false);
    expect(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3))).toEqual(Uint8Array.of(1, 2, 3));
    const u = '01020304-0506-0708-0102-030405060708';
    expect(uuidString(uuidBytes(u))).toBe(u);
    expect(() => uuidBytes('01020304050607080102030405060708')).toThrow(/dashed form/);
  });
});

describe('core/cbor decodeCanonical', () => {
  it('accepts the canonical encoding in each order and refuses the other order', () => {
    // {1: 0, "a": 0}: CTAP2 sorts by major type first (ints before text); both orders agree here.
    const bytes = Uint8Array.of(0xa2, 0x01, 0x00, 0x61, 0x61, 0x00);
    expect(decodeCanonical(bytes, 'ctap2')).toEqual(new Map<unknown, unknown>([[1, 0], ['a', 0]]));
    // {"bb": 0, "a": 0} is neither length-first nor bytewise sorted; {"a":0, "bb":0} is both.
    const unsorted = Uint8Array.of(0xa2, 0x62, 0x62, 0x62, 0x00, 0x61, 0x61, 0x00);
    for (const order of ['ctap2', 'rfc8949'] as const) {
      expect(() => decodeCanonical(unsorted, order)).toThrow(expect.objectContaining({ code: 'cbor-non-canonical' }));
    }
  });

  it('names each refusal: malformed, trailing', () => {
    expect(() => decodeCanonical(Uint8Array.of(0x18, 0x01), 'ctap2')).toThrow(CborError); // non-minimal integer
    expect(() => decodeCanonical(Uint8Array.of(0x18, 0x01), 'ctap2')).toThrow(expect.objectContaining({ code: 'cbor-malformed' }));
    expect(() => decodeCanonical(Uint8Array.of(0x01, 0x02), 'rfc8949')).toThrow(expect.objectContaining({ code: 'cbor-trailing' }));
  });
});
