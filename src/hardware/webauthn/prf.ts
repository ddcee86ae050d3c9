// WebAuthn PRF ↔ CTAP2 hmac-secret salt mapping — WebAuthn L3 §10.1.4 "Pseudo-random function
// extension (prf)": salt = SHA-256(UTF8("WebAuthn PRF") ‖ 0x00 ‖ input). Browser-safe (core only).

import { sha256 } from '../../core/index.js';
import { InputError, describe } from '../../errors.js';

const PREFIX = new TextEncoder().encode('WebAuthn PRF\0');

/**
 * The hmac-secret salt a WebAuthn client sends for a PRF input (§10.1.4).
 * @param input the PRF `eval.first` / `eval.second` bytes
 * @returns 32-byte salt
 * @throws InputError `invalid-type`
 * @example prfSalt(new Uint8Array(32)) // 4f24c922…e3a1
 */
export function prfSalt(input: Uint8Array): Uint8Array {
  if (!(input instanceof Uint8Array)) throw new InputError('invalid-type', `"input" expected Uint8Array, got ${describe(input)}`);
  const m = new Uint8Array(PREFIX.length + input.length);
  m.set(PREFIX, 0);
  m.set(input, PREFIX.length);
  return sha256(m);
}
