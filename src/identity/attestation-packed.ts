// The packed attestation statement format (WebAuthn Level 3 §8.2): `{ alg, sig, x5c? }`, where sig
// is over authenticatorData ‖ clientDataHash, made either by an attestation certificate's key
// (x5c, with the certificate requirements of §8.2.1) or by the credential key itself (self
// attestation). ECDAA (ecdaaKeyId) was removed from WebAuthn and is rejected.

import { AttestationError } from './attestation-error.js';
import {
  chainTrust,
  checkAttestationSignature,
  onlyKeys,
  readX5c,
  statementError,
  type FormatContext,
  type FormatResult,
} from './attestation-chain.js';
import { concat, equalBytes } from './_bytes.js';
import { OID_FIDO_GEN_CE_AAGUID, getExtension, type X509Certificate } from './x509.js';
import { readTlv } from '../core/der.js';
import { isSupportedAlgorithm } from './_signature.js';

const requirement = (why: string) =>
  new AttestationError('packed-cert-requirements', `attestation certificate does not meet WebAuthn §8.2.1: ${why}`);

/** WebAuthn §8.2.1 "Certificate Requirements for Packed Attestation Statements". */
function checkPackedCertificate(cert: X509Certificate, aaguid: Uint8Array): void {
  // "Version MUST be set to 3 (which is indicated by an ASN.1 INTEGER with value 2)."
  if (cert.version !== 3) throw requirement(`version ${cert.version}, expected 3`);
  const attr = (type: string) => cert.subject.attributes.filter((a) => a.type === type).map((a) => a.value);
  const [c] = attr('C');
  const [o] = attr('O');
  const ou = attr('OU');
  const [cn] = attr('CN');
  // "Subject-C: ISO 3166 code specifying the country where the Authenticator vendor is incorporated"
  if (!c || !/^[A-Za-z]{2}$/.test(c)) throw requirement('Subject-C must be an ISO 3166 country code');
  if (!o) throw requirement('Subject-O (authenticator vendor) is missing');
  // "Subject-OU: Literal string “Authenticator Attestation”"
  if (ou.length !== 1 || ou[0] !== 'Authenticator Attestation') throw requirement('Subject-OU must be "Authenticator Attestation"');
  if (!cn) throw requirement('Subject-CN is missing');
  // "The Basic Constraints extension MUST have the CA component set to false."
  if (!cert.basicConstraints || cert.basicConstraints.ca) throw requirement('basicConstraints must be present with CA=false');
  // "If the related attestation root certificate is used for multiple authenticator models, the
  // Extension OID 1.3.6.1.4.1.45724.1.1.4 (id-fido-gen-ce-aaguid) MUST be present ... The extension
  // MUST NOT be marked as critical."  (§8.2 verification: "verify that the value of this extension
  // matches the aaguid in authenticatorData".)
  const ext = getExtension(cert, OID_FIDO_GEN_CE_AAGUID);
  if (ext) {
    if (ext.critical) throw requirement('id-fido-gen-ce-aaguid must not be critical');
    let value: Uint8Array;
    try {
      const t = readTlv(ext.value);
      if (t.tag !== 0x04 || t.end !== ext.value.length || t.body.length !== 16) throw new Error('shape');
      value = t.body;
    } catch {
      throw requirement('id-fido-gen-ce-aaguid is not an OCTET STRING of 16 bytes');
    }
    if (!equalBytes(value, aaguid)) {
      throw new AttestationError('aaguid-mismatch', 'the certificate’s id-fido-gen-ce-aaguid differs from the AAGUID in authenticator data');
    }
  }
}

/**
 * Verifies a packed attestation statement (WebAuthn §8.2 verification procedure).
 * @returns trust `hardware-attested` / `attested-unknown-vendor` (x5c) or `self-attested`
 * @throws AttestationError
 */
export async function verifyPacked(ctx: FormatContext): Promise<FormatResult> {
  const { attStmt } = ctx;
  if (attStmt.has('ecdaaKeyId')) throw new AttestationError('unsupported-format', 'ECDAA attestation is not supported');
  onlyKeys(attStmt, ['alg', 'sig', 'x5c'], 'packed');
  const alg = attStmt.get('alg');
  const sig = attStmt.get('sig');
  if (typeof alg !== 'number' || !Number.isInteger(alg)) throw statementError('alg must be an integer');
  if (!(sig instanceof Uint8Array)) throw statementError('sig must be a byte string');
  if (!isSupportedAlgorithm(alg)) throw new AttestationError('unsupported-algorithm', `attestation alg ${alg} is not supported`);
  const data = concat(ctx.authData, ctx.clientDataHash);

  if (attStmt.has('x5c')) {
    const { ders, certs } = readX5c(attStmt);
    checkPackedCertificate(certs[0], ctx.aaguid);
    const result = await chainTrust(ctx, certs, ders);
    await checkAttestationSignature({ alg, publicKey: certs[0].spki, data, signature: sig, keyError: 'malformed-certificate' });
    return result;
  }

  // Self attestation: "Validate that alg matches the algorithm of the credentialPublicKey in
  // authenticatorData" and verify sig with the credential public key.
  if (alg !== ctx.credentialKey.alg) {
    throw new AttestationError('alg-mismatch', `self attestation alg ${alg} differs from the credential key's alg ${ctx.credentialKey.alg}`);
  }
  await checkAttestationSignature({ alg, publicKey: ctx.credentialKey.spki, data, signature: sig, keyError: 'bad-credential-key' });
  return { trust: 'self-attested' };
}
