// CTAP2 canonical CBOR — CTAP 2.1 §8 "Message Encoding" / "CTAP2 canonical CBOR encoding form": only
// integer and text map keys, sorted length-first (major type, then encoded length, then bytes), minimal integer
// and length encodings, definite lengths, no tags, no floats. Encoding uses cborg's default (canonical)
// sorter; decoding is strict and then re-encodes to prove the input was canonical, as python-fido2 does.

import { encode } from 'cborg';
import { CborError, assertCanonical, decodeStrict, decodeStrictPrefix } from '../../core/cbor.js';
import { CtapError, CtapStatus } from '../errors.js';
import { bytes } from '../../core/check.js';

/** A decoded CTAP2 value. Maps decode to `Map` so integer keys stay integers. */
export type CborValue = number | string | boolean | null | Uint8Array | CborValue[] | CborMap;
export type CborMap = Map<number | string, CborValue>;

/**
 * Encodes a value in CTAP2 canonical form. Use `Map` for integer-keyed maps.
 * @example encodeCbor(new Map([[1, 'packed']]))
 */
export function encodeCbor(value: unknown): Uint8Array {
  return encode(value);
}

function invalid(why: string, cause?: unknown): CtapError {
  return new CtapError(CtapStatus.CTAP2_ERR_INVALID_CBOR, `invalid CTAP2 CBOR: ${why}`, { cause });
}

const kindName = (v: unknown): string =>
  v instanceof Uint8Array ? 'byte string' : v instanceof Map ? 'map' : Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'number' ? 'float' : typeof v;

/**
 * CTAP 2.1 §8: map keys are integers or text strings — not maps, arrays, byte strings or simple
 * values, which cborg decodes too, outside CborMap. And, as this module promises, no floats (no
 * CTAP2 message has one; a float that happens to re-encode identically would otherwise pass).
 * Runs before the canonical re-encoding, which would otherwise sort complex keys with a warning.
 */
function checkTypes(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number' && !Number.isInteger(v)) throw invalid(`number expected an integer, got ${v}`);
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (v instanceof Map) {
      for (const [k, x] of v) {
        if (!(typeof k === 'string' || (typeof k === 'number' && Number.isInteger(k)))) {
          throw invalid(`map key expected an integer or a text string, got a ${kindName(k)}`);
        }
        stack.push(x);
      }
    }
  }
}

function canonicalCheck(input: Uint8Array, value: unknown): void {
  checkTypes(value);
  try {
    assertCanonical(value, input, 'ctap2');
  } catch (e) {
    if (e instanceof CborError && e.code === 'cbor-unencodable') throw invalid('value cannot be re-encoded', e.cause);
    throw invalid('not in canonical form (key order, minimal encoding or floats)');
  }
}

/**
 * Decodes exactly one canonical CBOR item.
 * @returns the value (maps as `Map`)
 * @throws CtapError `CTAP2_ERR_INVALID_CBOR` for malformed, non-canonical, tagged, indefinite or
 *   trailing data, a map key that is not an integer or text string, or a float
 * @example const map = decodeCbor(bytes) as CborMap
 */
export function decodeCbor(input: Uint8Array): CborValue {
  bytes('input', input);
  let value: unknown;
  try {
    value = decodeStrict(input);
  } catch (e) {
    throw invalid((e as Error).message, (e as Error).cause ?? e);
  }
  canonicalCheck(input, value);
  return value as CborValue;
}

/**
 * Decodes the first canonical CBOR item of `input` (for authData, where a COSE key is followed by more).
 * @returns the value and the number of bytes it used
 * @throws CtapError `CTAP2_ERR_INVALID_CBOR`
 */
export function decodeCborPrefix(input: Uint8Array): { value: CborValue; length: number } {
  bytes('input', input);
  let value: unknown, length: number;
  try {
    ({ value, length } = decodeStrictPrefix(input));
  } catch (e) {
    throw invalid((e as Error).message, (e as Error).cause);
  }
  canonicalCheck(input.subarray(0, length), value);
  return { value: value as CborValue, length };
}

/** Decodes a canonical CBOR map with integer keys (a CTAP2 request or response). */
export function decodeCborMap(input: Uint8Array): CborMap {
  const value = decodeCbor(input);
  if (!(value instanceof Map)) {
    throw new CtapError(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, 'CTAP2 parameters must be a CBOR map');
  }
  return value;
}

type Kind = 'bytes' | 'string' | 'number' | 'boolean' | 'map' | 'array';

function kindOf(v: unknown): Kind | 'other' {
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Map) return 'map';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  return 'other';
}

type KindType<K extends Kind> = K extends 'bytes' ? Uint8Array : K extends 'string' ? string : K extends 'number' ? number
  : K extends 'boolean' ? boolean : K extends 'map' ? CborMap : CborValue[];

/**
 * A typed field of a CBOR map.
 * @throws CtapError `CTAP2_ERR_MISSING_PARAMETER` if required and absent, `CTAP2_ERR_CBOR_UNEXPECTED_TYPE`
 *   if it has another type
 */
export function field<K extends Kind>(map: CborMap, key: number | string, kind: K, required: true): KindType<K>;
export function field<K extends Kind>(map: CborMap, key: number | string, kind: K, required?: false): KindType<K> | undefined;
export function field<K extends Kind>(map: CborMap, key: number | string, kind: K, required = false): KindType<K> | undefined {
  const v = map.get(key);
  if (v === undefined) {
    if (required) throw new CtapError(CtapStatus.CTAP2_ERR_MISSING_PARAMETER, `missing parameter ${String(key)}`);
    return undefined;
  }
  if (kindOf(v) !== kind) {
    throw new CtapError(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, `parameter ${String(key)} expected ${kind}, got ${kindOf(v)}`);
  }
  return v as KindType<K>;
}
