// Session errors and cancel codes (docs/PROTOCOL.md "Session protocol", "Cancel codes"). A protocol
// failure never escapes as an exception from the state machine: it becomes `Cancelled{code, by}`.
// SessionError is what decoders and helpers throw; the machine maps it to a cancel with the same code.

import { KeyprintError } from '../errors.js';

/** Stable cancel codes, on the wire as ASCII. Never renumber; add new ones at the end. */
export const CANCEL_CODES = [
  'user', // the user (or the application) cancelled
  'timeout', // a deadline passed (handshake, SAS comparison, confirmation)
  'version', // unknown protocol version
  'suite', // unknown cipher suite
  'truncated', // a message ended before its last field
  'too-large', // a message over MAX_MESSAGE_BYTES
  'malformed', // any other invalid field, unknown type, trailing bytes
  'unexpected-message', // a valid message in the wrong state
  'commitment-mismatch', // the initiator's hello does not match its commitment
  'dtls-mismatch', // the claimed DTLS fingerprint differs from the one on the wire
  'bad-bundle', // the identity bundle does not decode or its self-signature fails
  'low-order-point', // the peer's ephemeral key is low-order (all-zero shared secret)
  'bad-signature', // the transcript signature does not verify
  'sas-mismatch', // a user said the SAS differ
  'mac-mismatch', // key confirmation failed
  'replay', // a data message with an already-used sequence number
  'reorder', // a data message that skips sequence numbers
  'decrypt-failed', // AES-GCM authentication failed
  'closed', // the transport closed
  'identity', // the peer presented our own identity, or its ephemeral key equals ours
  'bad-key', // the peer's X-Wing public key fails the ML-KEM encapsulation-key check (FIPS 203 §7.2)
] as const;

/** One of CANCEL_CODES. */
export type CancelCode = (typeof CANCEL_CODES)[number];

/** Thrown by session decoders and helpers; `code` is a CancelCode or an InputError-like code. */
export class SessionError extends KeyprintError {
  constructor(code: CancelCode | 'invalid-state' | 'invalid-value' | 'signaling' | 'receipt', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A frame of another protocol version: `peerVersion` says whether the peer is older or newer. */
export class VersionError extends SessionError {
  readonly peerVersion: number;
  constructor(peerVersion: number, message: string) {
    super('version', message);
    this.peerVersion = peerVersion;
  }
}

/** Whether `code` is a known cancel code. */
export function isCancelCode(code: unknown): code is CancelCode {
  return typeof code === 'string' && (CANCEL_CODES as readonly string[]).includes(code);
}
