// Errors of the group layer (MLS, RFC 9420). ts-mls does not catch what a crypto provider throws, so
// these reach the caller of createCommit, joinGroup, processPrivateMessage… unchanged.

import { KeyprintError } from '../errors.js';

/**
 * Stable codes:
 * - `unsupported-suite`: keyprint's provider was asked for a ciphersuite other than 0x0001;
 * - `decrypt-failed`: an AEAD or HPKE ciphertext did not open (wrong key, altered bytes, or an
 *   HPKE `enc` that is a low-order point);
 * - `unsupported-mode`: an HPKE mode other than base (RFC 9420 uses only `mode_base`);
 * - `foreign-key`: an HPKE key that keyprint's provider did not make (a key from another provider).
 */
export type GroupErrorCode = 'unsupported-suite' | 'decrypt-failed' | 'unsupported-mode' | 'foreign-key';

/** A failure in the group layer; `cause` holds the error underneath, when there is one. */
export class GroupError extends KeyprintError {
  declare readonly code: GroupErrorCode;
  constructor(code: GroupErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
