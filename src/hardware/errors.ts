// Typed errors for the hardware layer: CTAPHID ERROR codes (CTAP 2.1 §11.2.9.1.6), CTAP2 status codes
// (CTAP 2.1 §8 "Error responses", anchor #error-responses) and local transport failures. Each layer maps
// what it gets from below into one of these; no raw Error leaks out of src/hardware.

import { KeyprintError } from '../errors.js';

/** CTAPHID_ERROR codes, CTAP 2.1 §11.2.9.1.6 (names, values and order as in the spec). */
export enum CtapHidErrorCode {
  ERR_INVALID_CMD = 0x01,
  ERR_INVALID_PAR = 0x02,
  ERR_INVALID_LEN = 0x03,
  ERR_INVALID_SEQ = 0x04,
  ERR_MSG_TIMEOUT = 0x05,
  ERR_CHANNEL_BUSY = 0x06,
  ERR_LOCK_REQUIRED = 0x0a,
  ERR_INVALID_CHANNEL = 0x0b,
  ERR_OTHER = 0x7f,
}

/**
 * A CTAPHID-level failure: either the device answered with CTAPHID_ERROR, or a received packet broke
 * the framing rules (`local: true`). `code` is the spec name (`ERR_INVALID_SEQ`), `hidCode` its value.
 */
export class CtapHidError extends KeyprintError {
  readonly hidCode: number;
  readonly local: boolean;
  constructor(hidCode: number, message: string, options: { local?: boolean; cause?: unknown } = {}) {
    super(CtapHidErrorCode[hidCode] ?? `ERR_0x${hidCode.toString(16).padStart(2, '0')}`, message, options);
    this.hidCode = hidCode;
    this.local = options.local ?? false;
  }
}

/** CTAP2 status codes, CTAP 2.1 §8 (names, values and order as in the spec). */
export enum CtapStatus {
  CTAP2_OK = 0x00,
  CTAP1_ERR_INVALID_COMMAND = 0x01,
  CTAP1_ERR_INVALID_PARAMETER = 0x02,
  CTAP1_ERR_INVALID_LENGTH = 0x03,
  CTAP1_ERR_INVALID_SEQ = 0x04,
  CTAP1_ERR_TIMEOUT = 0x05,
  CTAP1_ERR_CHANNEL_BUSY = 0x06,
  CTAP1_ERR_LOCK_REQUIRED = 0x0a,
  CTAP1_ERR_INVALID_CHANNEL = 0x0b,
  CTAP2_ERR_CBOR_UNEXPECTED_TYPE = 0x11,
  CTAP2_ERR_INVALID_CBOR = 0x12,
  CTAP2_ERR_MISSING_PARAMETER = 0x14,
  CTAP2_ERR_LIMIT_EXCEEDED = 0x15,
  CTAP2_ERR_FP_DATABASE_FULL = 0x17,
  CTAP2_ERR_LARGE_BLOB_STORAGE_FULL = 0x18,
  CTAP2_ERR_CREDENTIAL_EXCLUDED = 0x19,
  CTAP2_ERR_PROCESSING = 0x21,
  CTAP2_ERR_INVALID_CREDENTIAL = 0x22,
  CTAP2_ERR_USER_ACTION_PENDING = 0x23,
  CTAP2_ERR_OPERATION_PENDING = 0x24,
  CTAP2_ERR_NO_OPERATIONS = 0x25,
  CTAP2_ERR_UNSUPPORTED_ALGORITHM = 0x26,
  CTAP2_ERR_OPERATION_DENIED = 0x27,
  CTAP2_ERR_KEY_STORE_FULL = 0x28,
  CTAP2_ERR_UNSUPPORTED_OPTION = 0x2b,
  CTAP2_ERR_INVALID_OPTION = 0x2c,
  CTAP2_ERR_KEEPALIVE_CANCEL = 0x2d,
  CTAP2_ERR_NO_CREDENTIALS = 0x2e,
  CTAP2_ERR_USER_ACTION_TIMEOUT = 0x2f,
  CTAP2_ERR_NOT_ALLOWED = 0x30,
  CTAP2_ERR_PIN_INVALID = 0x31,
  CTAP2_ERR_PIN_BLOCKED = 0x32,
  CTAP2_ERR_PIN_AUTH_INVALID = 0x33,
  CTAP2_ERR_PIN_AUTH_BLOCKED = 0x34,
  CTAP2_ERR_PIN_NOT_SET = 0x35,
  CTAP2_ERR_PUAT_REQUIRED = 0x36,
  CTAP2_ERR_PIN_POLICY_VIOLATION = 0x37,
  RESERVED_FOR_FUTURE_USE = 0x38,
  CTAP2_ERR_REQUEST_TOO_LARGE = 0x39,
  CTAP2_ERR_ACTION_TIMEOUT = 0x3a,
  CTAP2_ERR_UP_REQUIRED = 0x3b,
  CTAP2_ERR_UV_BLOCKED = 0x3c,
  CTAP2_ERR_INTEGRITY_FAILURE = 0x3d,
  CTAP2_ERR_INVALID_SUBCOMMAND = 0x3e,
  CTAP2_ERR_UV_INVALID = 0x3f,
  CTAP2_ERR_UNAUTHORIZED_PERMISSION = 0x40,
  CTAP1_ERR_OTHER = 0x7f,
  CTAP2_ERR_SPEC_LAST = 0xdf,
  CTAP2_ERR_EXTENSION_FIRST = 0xe0,
  CTAP2_ERR_EXTENSION_LAST = 0xef,
  CTAP2_ERR_VENDOR_FIRST = 0xf0,
  CTAP2_ERR_VENDOR_LAST = 0xff,
}

/** The spec name of a CTAP2 status byte; ranges get their range name (`CTAP2_ERR_VENDOR_0xF3`). */
export function ctapStatusName(status: number): string {
  const name = CtapStatus[status];
  if (name !== undefined && !name.endsWith('_FIRST') && !name.endsWith('_LAST')) return name;
  const hex = `0x${status.toString(16).padStart(2, '0').toUpperCase()}`;
  if (status >= 0xe0 && status <= 0xef) return `CTAP2_ERR_EXTENSION_${hex}`;
  if (status >= 0xf0) return `CTAP2_ERR_VENDOR_${hex}`;
  return `CTAP2_ERR_UNKNOWN_${hex}`;
}

/**
 * The authenticator answered a CTAP2 command with a non-zero status byte. `code` is the spec name
 * (`CTAP2_ERR_PIN_INVALID`), `status` its value (0x31).
 */
export class CtapError extends KeyprintError {
  readonly status: number;
  constructor(status: number, message?: string, options?: { cause?: unknown }) {
    const name = ctapStatusName(status);
    super(name, message ?? `authenticator returned ${name} (0x${status.toString(16).padStart(2, '0')})`, options);
    this.status = status;
  }
}

/**
 * A local failure talking to a device: `timeout` (no answer before the deadline), `aborted`
 * (the caller's AbortSignal fired), `transport` (the HID/UDP layer failed), `closed`,
 * `protocol` (a well-framed but meaningless answer, e.g. non-canonical CBOR), `not-found`.
 */
export class HardwareError extends KeyprintError {
  constructor(
    code: 'timeout' | 'aborted' | 'transport' | 'closed' | 'protocol' | 'not-found' | 'state',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
