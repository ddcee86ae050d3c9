// The Apple anonymous attestation statement format (WebAuthn Level 3 §8.8): `{ x5c }`, no signature.
// The credential certificate binds the registration through a nonce extension
// (1.2.840.113635.100.8.2 = SEQUENCE { [1] EXPLICIT OCTET STRING nonce }) with
// nonce = SHA-256(authenticatorData ‖ clientDataHash), and its subject key must be the credential key.

import { sha256 } from '../core/index.js';
import { AttestationError } from './attestation-error.js';
import { chainTrust, onlyKeys, readX5c, type FormatContext, type FormatResult } from './attestation-chain.js';
import { concat, equalBytes } from './_bytes.js';
import { readChildren, readTlv } from '../core/der.js';
import { getExtension } from './x509.js';

/** Apple's nonce extension in the credential certificate. */
export const OID_APPLE_NONCE = '1.2.840.113635.100.8.2';

function nonceFromExtension(value: Uint8Array): Uint8Array | undefined {
  try {
    const seq = readTlv(value);
    if (seq.tag !== 0x30 || seq.end !== value.length) return undefined;
    const [tagged, ...rest] = readChildren(seq.body);
    if (!tagged || rest.length || tagged.tag !== 0xa1) return undefined;
    const [octets, ...more] = readChildren(tagged.body);
    if (!octets || more.length || octets.tag !== 0x04) return undefined;
    return octets.body;
  } catch {
    return undefined;
  }
}

/**
 * Verifies an apple attestation statement (WebAuthn §8.8 verification procedure).
 * @returns trust `hardware-attested` (vendor Apple) when the chain ends at the Apple WebAuthn Root CA
 * @throws AttestationError `nonce-mismatch`, `credential-key-mismatch`, chain codes, …
 */
export async function verifyApple(ctx: FormatContext): Promise<FormatResult> {
  onlyKeys(ctx.attStmt, ['x5c'], 'apple');
  const { ders, certs } = readX5c(ctx.attStmt);
  const credCert = certs[0];
  // "Verify that x5c is a valid certificate chain starting from the credCert to the Apple WebAuthn
  // root certificate" — first, so nothing below reads an unauthenticated certificate.
  const result = await chainTrust(ctx, certs, ders);
  // "Concatenate authenticatorData and clientDataHash to form nonceToHash. Perform SHA-256 hash of
  // nonceToHash to produce nonce. Verify that nonce equals the value of the extension with OID
  // 1.2.840.113635.100.8.2 in credCert."
  const ext = getExtension(credCert, OID_APPLE_NONCE);
  const nonce = ext ? nonceFromExtension(ext.value) : undefined;
  if (!nonce) throw new AttestationError('malformed-certificate', 'apple credCert lacks a well-formed nonce extension 1.2.840.113635.100.8.2');
  if (!equalBytes(nonce, sha256(concat(ctx.authData, ctx.clientDataHash)))) {
    throw new AttestationError('nonce-mismatch', 'apple nonce does not match SHA-256(authenticatorData ‖ clientDataHash)');
  }
  // "Verify that the credential public key equals the Subject Public Key of credCert."
  if (!equalBytes(credCert.spki, ctx.credentialKey.spki)) {
    throw new AttestationError('credential-key-mismatch', 'apple credCert key is not the credential public key');
  }
  return result;
}
