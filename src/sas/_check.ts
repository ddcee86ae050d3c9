// Argument checks for keyprint/sas, in the core's one message form
// (`"bytes" expected at least 6 bytes, got 5`). The Uint8Array and integer checks are the core's own.

import { InputError, describe } from '../errors.js';
import { bytes, integer } from '../core/check.js';

export { bytes, integer };

/** Asserts `value` is a Uint8Array of at least `min` bytes and returns it. */
export function atLeast(name: string, value: unknown, min: number): Uint8Array {
  bytes(name, value);
  const b = value as Uint8Array;
  if (b.length < min) {
    throw new InputError('invalid-length', `"${name}" expected at least ${min} byte${min === 1 ? '' : 's'}, got ${b.length}`);
  }
  return b;
}

/** Asserts `value` is a plain options object (or undefined, meaning `{}`) and returns it. */
export function options<T extends object>(name: string, value: unknown): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new InputError('invalid-type', `"${name}" expected an options object, got ${describe(value)}`);
  }
  return value as Partial<T>;
}

/** Asserts `value` is `{ publicKey: Uint8Array(≥1), stableId: Uint8Array(≥1) }` and returns it. */
export function party(name: string, value: unknown): { publicKey: Uint8Array; stableId: Uint8Array } {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new InputError('invalid-type', `"${name}" expected { publicKey, stableId }, got ${describe(value)}`);
  }
  const p = value as { publicKey?: unknown; stableId?: unknown };
  return { publicKey: atLeast(`${name}.publicKey`, p.publicKey, 1), stableId: atLeast(`${name}.stableId`, p.stableId, 1) };
}
