// Strict CBOR, one place: the cborg decode options keyprint uses for every untrusted input, and
// "decode canonical or throw" (decode strictly, then re-encode and compare, as python-fido2 does).
// Two canonical orders: CTAP2's length-first key sort (CTAP 2.1 §8, cborg's default) and RFC 8949
// §4.2.1's bytewise sort (keyprint's own bundles and cards). Callers map CborError to their own
// errors; its message is cborg's own, so they can quote it.

import { decodeFirst, encode, rfc8949EncodeOptions } from 'cborg';
import type { DecodeOptions } from 'cborg';
import { KeyprintError } from '../errors.js';

/** cborg options for untrusted CBOR: minimal lengths, definite lengths, no tags, no duplicate keys,
 *  no undefined/NaN/Infinity/bigints; maps decode to `Map` so integer keys stay integers. */
export const STRICT_CBOR: DecodeOptions = {
  strict: true, // RFC 8949 §4.2.1: preferred serialisation of integers and lengths
  useMaps: true,
  rejectDuplicateMapKeys: true, // RFC 8949 §5.6: duplicate keys make a map invalid
  allowIndefinite: false, // §4.2.1: indefinite-length items are not deterministic
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  tags: [],
};

/** Why strict CBOR was refused: `cbor-malformed` (cborg refused it; the message is cborg's),
 *  `cbor-trailing` (bytes after the item), `cbor-unencodable` (a structure that cannot be
 *  re-encoded), `cbor-non-canonical` (it re-encodes to other bytes). */
export class CborError extends KeyprintError {
  constructor(code: 'cbor-malformed' | 'cbor-trailing' | 'cbor-unencodable' | 'cbor-non-canonical', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The canonical key order: CTAP2's length-first (CTAP 2.1 §8) or RFC 8949 §4.2.1's bytewise. */
export type CborOrder = 'ctap2' | 'rfc8949';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Decodes the first item with STRICT_CBOR.
 * @returns the value and the number of bytes it used
 * @throws CborError `cbor-malformed`
 */
export function decodeStrictPrefix(bytes: Uint8Array): { value: unknown; length: number } {
  try {
    const [value, rest] = decodeFirst(bytes, STRICT_CBOR);
    return { value, length: bytes.length - rest.length };
  } catch (e) {
    throw new CborError('cbor-malformed', message(e), { cause: e });
  }
}

/**
 * Decodes exactly one item with STRICT_CBOR (not checking key order).
 * @throws CborError `cbor-malformed`, `cbor-trailing`
 */
export function decodeStrict(bytes: Uint8Array): unknown {
  const { value, length } = decodeStrictPrefix(bytes);
  if (length !== bytes.length) throw new CborError('cbor-trailing', `expected to end after ${length} bytes, got ${bytes.length - length} more`);
  return value;
}

/** Encodes canonically in the given order. */
export function encodeCanonical(value: unknown, order: CborOrder): Uint8Array {
  return order === 'ctap2' ? encode(value) : encode(value, rfc8949EncodeOptions);
}

/**
 * Re-encodes `value` and compares it with the bytes it was decoded from: catches what cborg's
 * strict mode does not (key order, floats standing for integers, invalid UTF-8 decoded to U+FFFD).
 * @throws CborError `cbor-unencodable`, `cbor-non-canonical`
 */
export function assertCanonical(value: unknown, bytes: Uint8Array, order: CborOrder): void {
  let again: Uint8Array;
  try {
    again = encodeCanonical(value, order);
  } catch (e) {
    throw new CborError('cbor-unencodable', message(e), { cause: e });
  }
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) {
    throw new CborError('cbor-non-canonical', 'expected the deterministic encoding, got another encoding of the same data');
  }
}

/**
 * Decode canonical or throw: exactly one item, strict, and re-encoding to the same bytes.
 * @throws CborError (any code)
 * @example const map = decodeCanonical(bytes, 'ctap2') as Map<number, unknown>
 */
export function decodeCanonical(bytes: Uint8Array, order: CborOrder): unknown {
  const value = decodeStrict(bytes);
  assertCanonical(value, bytes, order);
  return value;
}
