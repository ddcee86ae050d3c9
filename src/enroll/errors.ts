// The enrollment layer's error class (its own module: enroll.ts and home-node.ts both throw it).

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
}
