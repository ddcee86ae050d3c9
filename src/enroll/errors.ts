// The enrollment layer's error class (its own module: the CLI's identity store throws it too).
// Messages name the cause and, where there is one, a way out in the library's terms; the CLI adds
// its flags and commands by code (src/cli/_hints.ts).

import { KeyprintError } from '../errors.js';

/**
 * Enrollment errors. Codes: `no-hmac-secret`, `pin-required`, `pin-invalid`, `pin-blocked`,
 * `pin-not-set`, `wrong-key` (this authenticator or credential does not unlock the identity),
 * `uv-changed` (the key now verifies its user differently than when it was enrolled, so it gives
 * another secret), `already-enrolled` (the key already holds one of this identity's credentials),
 * `too-many-keys`, `last-key`, `no-such-key`, `several-keys` (the CLI's plain re-enroll would drop
 * keys), `identity-mismatch`, `attestation-invalid`,
 * `binding-invalid`, `cancelled`, `no-identity`, `home-corrupt`, `home-io`, `device` (any other
 * authenticator failure, with the CTAP/HID error as `cause`). An enrollment that fails after the
 * key made its credential removes that credential again when it can (the message says so); when it
 * cannot, `leftCredential` names it.
 */
export class EnrollError extends KeyprintError {
  /** The resident credential a failed enrollment left on the key (it could not be deleted). */
  declare readonly leftCredential?: { rpId: string; credentialId: Uint8Array; userName: string };
  /** The way out, for the app to offer in its own terms (a flag, a command, a button). */
  readonly remedy?: EnrollRemedy;
  constructor(code: string, message: string, options?: { cause?: unknown; remedy?: EnrollRemedy }) {
    super(code, message, options);
    if (options?.remedy) this.remedy = options.remedy;
  }
}

/**
 * The ways out of an enrollment error that need the app's vocabulary: `give-pin` (ask again with
 * the PIN), `no-pin` (the key has none: set one, or ask without), `other-key` (unlock with another of
 * the identity's keys, or add one), `add-key` (add another key first), `remove-key` (remove one
 * first), `pin-next-time` (a left credential that a PIN would have let keyprint delete).
 */
export type EnrollRemedy = 'give-pin' | 'no-pin' | 'other-key' | 'add-key' | 'remove-key' | 'pin-next-time';
