// The error every attestation check throws (WebAuthn Level 3 §7.1 registration steps, §8
// attestation formats). One class, one stable `code` per reason, so callers can switch on it.

import { KeyprintError } from '../errors.js';
import type { CertificateErrorCode } from './x509.js';

/** Why an attestation was rejected. */
export type AttestationErrorCode =
  // input shape
  | 'malformed-cbor'
  | 'malformed-auth-data'
  | 'malformed-client-data'
  | 'malformed-attestation-statement'
  | 'malformed-certificate'
  | 'unsupported-format'
  | 'unsupported-algorithm'
  | 'bad-credential-key'
  // §7.1 client data and authenticator data checks
  | 'bad-client-data-type'
  | 'challenge-mismatch'
  | 'origin-mismatch'
  | 'cross-origin'
  | 'rp-id-mismatch'
  | 'user-not-present'
  | 'user-not-verified'
  | 'missing-credential-data'
  // attestation statement checks
  | 'bad-signature'
  | 'alg-mismatch'
  | 'packed-cert-requirements'
  | 'u2f-cert-requirements'
  | 'aaguid-mismatch'
  | 'nonce-mismatch'
  | 'credential-key-mismatch'
  // FIDO MDS3: the model's status report says its attestation cannot be relied on
  | 'authenticator-compromised'
  // the certificate and its certification path (RFC 5280 §6.1), as x509.ts reports them
  | CertificateErrorCode;

/** An attestation object, its client data or its certificate chain failed verification. */
export class AttestationError extends KeyprintError {
  declare readonly code: AttestationErrorCode;
  constructor(code: AttestationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
