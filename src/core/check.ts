// Argument checks for the public core API: one place, one message form
// (`"peerPublicKey" expected 32 bytes, got 31`).

import { InputError, describe } from '../errors.js';

/** Asserts `value` is a Uint8Array (optionally of exactly `length` bytes) and returns it. */
export function bytes(name: string, value: unknown, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new InputError('invalid-type', `"${name}" expected Uint8Array, got ${describe(value)}`);
  }
  if (length !== undefined && value.length !== length) {
    throw new InputError('invalid-length', `"${name}" expected ${length} bytes, got ${value.length}`);
  }
  return value;
}

/** Asserts `value` is an integer in [min, max] and returns it. */
export function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const found = typeof value === 'number' ? String(value) : describe(value);
    throw new InputError('invalid-value', `"${name}" expected an integer from ${min} to ${max}, got ${found}`);
  }
  return value;
}
