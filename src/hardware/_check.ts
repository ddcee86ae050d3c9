// Argument checks for the public hardware API: one place, one message form
// (`"payload" expected Uint8Array, got string`, `"salt1" expected 32 bytes, got 31`).

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
