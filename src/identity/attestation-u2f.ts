// The FIDO U2F attestation statement format (WebAuthn Level 3 §8.6): `{ sig, x5c: [cert] }`, with
// sig made by the certificate's P-256 key over the U2F registration data
// 0x00 ‖ rpIdHash ‖ clientDataHash ‖ credentialId ‖ publicKeyU2F (FIDO U2F Raw Message Formats §4.3).

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
import { concat } from './_bytes.js';
import { spkiInfo } from './_signature.js';

/**
 * Verifies a fido-u2f attestation statement (WebAuthn §8.6 verification procedure).
 * @returns trust `hardware-attested` or `attested-unknown-vendor`
 * @throws AttestationError
 */
export async function verifyFidoU2f(ctx: FormatContext): Promise<FormatResult> {
  const { attStmt } = ctx;
  onlyKeys(attStmt, ['sig', 'x5c'], 'fido-u2f');
  const sig = attStmt.get('sig');
  if (!(sig instanceof Uint8Array)) throw statementError('sig must be a byte string');
  // "Check that x5c has exactly one element"
  const { ders, certs } = readX5c(attStmt, 1);
  // "If certificate public key is not an Elliptic Curve (EC) public key over the P-256 curve, terminate"
  let info;
  try {
    info = spkiInfo(certs[0].spki);
  } catch (e) {
    throw new AttestationError('malformed-certificate', 'attestation certificate key is malformed', { cause: e });
  }
  if (info.keyType !== 'ec' || info.curve !== 'P-256') {
    throw new AttestationError('u2f-cert-requirements', 'fido-u2f attestation certificate key must be EC P-256');
  }
  // "Convert the COSE_KEY formatted credentialPublicKey ... to Raw ANSI X9.62 public key format"
  const key = ctx.credentialKey;
  if (key.kty !== 2 || key.crv !== 1 || key.alg !== -7 || !key.point) {
    throw new AttestationError('bad-credential-key', 'fido-u2f credential key must be an EC2 P-256 ES256 key');
  }
  // The U2F signature does not cover the AAGUID; WebAuthn §6.5.1 has the client set it to zeros for
  // U2F authenticators. Anything else is unsigned data posing as a model claim, so it is refused.
  if (ctx.aaguid.some((b) => b !== 0)) {
    throw new AttestationError('aaguid-mismatch', 'fido-u2f authenticator data must carry an all-zero AAGUID (it is not signed)');
  }
  const verificationData = concat(Uint8Array.of(0), ctx.rpIdHash, ctx.clientDataHash, ctx.credentialId, key.point);
  const result = await chainTrust(ctx, certs, ders);
  await checkAttestationSignature({ alg: -7, publicKey: certs[0].spki, data: verificationData, signature: sig, keyError: 'malformed-certificate' });
  return result;
}
