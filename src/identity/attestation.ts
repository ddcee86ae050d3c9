// Registration attestation verification: WebAuthn Level 3 §7.1 "Registering a New Credential"
// (client data, authenticator data and attestation steps) over the attestation object of §6.5
// (`{ fmt, attStmt, authData }`). Formats: packed (§8.2), fido-u2f (§8.6), none (§8.7) and Apple
// anonymous (§8.8); every other format is rejected as `unsupported-format`. Certification paths are validated per
// RFC 5280 §6.1 against bundled or caller-supplied trust anchors (x509.ts, trust-anchors.ts).

import { sha256 } from '../core/index.js';
import { InputError, describe } from '../errors.js';
import { AttestationError } from './attestation-error.js';
import { statementError, type AttestationTrust, type FormatContext, type FormatResult } from './attestation-chain.js';
import { verifyPacked } from './attestation-packed.js';
import { verifyFidoU2f } from './attestation-u2f.js';
import { verifyApple } from './attestation-apple.js';
import { decodeCbor, parseAuthenticatorData, parseCoseKey, type AuthenticatorFlags } from './authenticator-data.js';
import { bundledIntermediates, defaultTrustAnchors, metadataAnchors, toTrustAnchors, type TrustAnchorInput } from './trust-anchors.js';
import { equalBytes, toBytes } from './_bytes.js';
import { base64urlnopad } from '@scure/base';

export type { AttestationTrust } from './attestation-chain.js';

/** Options of verifyAttestation. Byte inputs are Uint8Array or base64url strings. */
export interface VerifyAttestationOptions {
  /** `response.attestationObject`. */
  attestationObject: Uint8Array | string;
  /** `response.clientDataJSON`, the exact bytes the client produced. */
  clientDataJSON: Uint8Array | string;
  /** The relying party ID the credential must be scoped to, e.g. `example.com`. */
  rpId: string;
  /** Expected origin(s), e.g. `https://example.com`. Checked when given. */
  origin?: string | readonly string[];
  /** The challenge the RP issued. Checked when given — omit only if you check `clientData` yourself. */
  challenge?: Uint8Array | string;
  /** The time every certificate must be valid at (default: now). */
  at?: Date;
  /** Require the UV flag (default false). */
  requireUserVerification?: boolean;
  /**
   * COSE algorithms the RP offered in pubKeyCredParams (§7.1 step 20), e.g. `[-7, -8, -257]`.
   * Default: every algorithm keyprint can verify.
   */
  algorithms?: readonly number[];
  /** Accept clientData.crossOrigin = true (default false). */
  allowCrossOrigin?: boolean;
  /**
   * Trust anchors to use instead of the defaults (bundled Yubico roots + addTrustAnchor). Bundled
   * Yubico intermediates are still offered to path building.
   */
  trustAnchors?: readonly TrustAnchorInput[];
}

/** The collected client data (WebAuthn §5.8.1). */
export interface CollectedClientData {
  type: string;
  challenge: string;
  origin: string;
  crossOrigin?: boolean;
  topOrigin?: string;
}

/** A verified registration. */
export interface AttestationResult {
  /** The attestation statement format: `packed`, `fido-u2f`, `apple` or `none`. */
  fmt: string;
  /**
   * `hardware-attested`: the attestation certificate chains to a trust anchor.
   * `attested-unknown-vendor`: signed with a certificate whose received chain verifies as far as it
   * goes but reaches no anchor (self-signed, or issued by a CA nobody here knows).
   * `self-attested`: signed by the credential key itself. `unattested`: fmt `none`.
   */
  trust: AttestationTrust;
  /** AAGUID, dashed lowercase (all zeros for U2F and most `none` attestations). */
  aaguid: string;
  /** The anchor's vendor, for `hardware-attested` only. */
  vendor?: string;
  /** The model from the AAGUID table (or the certificate), for `hardware-attested` only. */
  model?: string;
  credentialId: Uint8Array;
  /** The credential public key, COSE_Key bytes as the authenticator encoded them. */
  credentialPublicKey: Uint8Array;
  /** COSE algorithm of the credential key. */
  credentialAlgorithm: number;
  signCount: number;
  flags: AuthenticatorFlags;
  /** The received x5c (DER, leaf first), for x5c formats. */
  attestationCertificates?: Uint8Array[];
  clientData: CollectedClientData;
}

const KNOWN_UNSUPPORTED = new Set(['tpm', 'android-key', 'android-safetynet', 'compound']);

function parseClientData(bytes: Uint8Array): CollectedClientData {
  let c: unknown;
  try {
    c = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new AttestationError('malformed-client-data', 'clientDataJSON is not UTF-8 JSON', { cause: e });
  }
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new AttestationError('malformed-client-data', 'clientDataJSON is not an object');
  const o = c as Record<string, unknown>;
  if (typeof o.type !== 'string' || typeof o.challenge !== 'string' || typeof o.origin !== 'string') {
    throw new AttestationError('malformed-client-data', 'clientDataJSON needs string type, challenge and origin');
  }
  if (o.crossOrigin !== undefined && typeof o.crossOrigin !== 'boolean') {
    throw new AttestationError('malformed-client-data', 'clientDataJSON crossOrigin must be a boolean');
  }
  if (o.topOrigin !== undefined && typeof o.topOrigin !== 'string') {
    throw new AttestationError('malformed-client-data', 'clientDataJSON topOrigin must be a string');
  }
  return {
    type: o.type,
    challenge: o.challenge,
    origin: o.origin,
    crossOrigin: o.crossOrigin as boolean | undefined,
    topOrigin: o.topOrigin as string | undefined,
  };
}

function decodeChallenge(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
  try {
    return base64urlnopad.decode(s);
  } catch {
    return undefined;
  }
}

function checkOptions(o: unknown): asserts o is VerifyAttestationOptions {
  if (typeof o !== 'object' || o === null) throw new InputError('invalid-type', `"options" expected an object, got ${describe(o)}`);
  const v = o as Record<string, unknown>;
  if (typeof v.rpId !== 'string' || v.rpId.length === 0) throw new InputError('invalid-type', `"rpId" expected a non-empty string, got ${describe(v.rpId)}`);
  if (v.origin !== undefined && typeof v.origin !== 'string' && !(Array.isArray(v.origin) && v.origin.every((x) => typeof x === 'string'))) {
    throw new InputError('invalid-type', `"origin" expected a string or string[], got ${describe(v.origin)}`);
  }
  if (v.at !== undefined && !(v.at instanceof Date && !Number.isNaN(v.at.getTime()))) {
    throw new InputError('invalid-type', `"at" expected a valid Date, got ${describe(v.at)}`);
  }
  for (const k of ['requireUserVerification', 'allowCrossOrigin'] as const) {
    if (v[k] !== undefined && typeof v[k] !== 'boolean') throw new InputError('invalid-type', `"${k}" expected boolean, got ${describe(v[k])}`);
  }
  if (v.algorithms !== undefined && !(Array.isArray(v.algorithms) && v.algorithms.every((a) => Number.isInteger(a)))) {
    throw new InputError('invalid-type', `"algorithms" expected an array of COSE algorithm integers, got ${describe(v.algorithms)}`);
  }
  if (v.trustAnchors !== undefined && !Array.isArray(v.trustAnchors)) {
    throw new InputError('invalid-type', `"trustAnchors" expected an array, got ${describe(v.trustAnchors)}`);
  }
}

/**
 * Verifies a WebAuthn registration (attestation) per WebAuthn Level 3 §7.1 and reports how far the
 * authenticator can be trusted. Checks, in order: client data type `webauthn.create`, challenge,
 * origin, crossOrigin; the attestation object's CBOR; rpIdHash = SHA-256(rpId); UP; UV if
 * required; attested credential data and a usable COSE key; then the format's signature and, for
 * x5c formats, the certificate requirements and the full certification path at `at`. A chain that
 * reaches no anchor is still checked as far as it goes — each received certificate signed by the
 * next, all valid at `at`, a self-signed top's own signature — and is `attested-unknown-vendor`: the
 * statement is signed by that certificate's key, the vendor is unknown.
 * @param options see VerifyAttestationOptions
 * @returns the credential and its trust level
 * @throws InputError for bad option types; AttestationError with a specific `code`
 *   (`bad-client-data-type`, `challenge-mismatch`, `origin-mismatch`, `rp-id-mismatch`,
 *   `user-not-present`, `user-not-verified`, `bad-signature`, `cert-expired`, `chain-untrusted`,
 *   `packed-cert-requirements`, `aaguid-mismatch`, `unsupported-format`, `malformed-cbor`, …)
 * @example
 * const r = await verifyAttestation({
 *   attestationObject: response.attestationObject, clientDataJSON: response.clientDataJSON,
 *   rpId: 'example.com', origin: 'https://example.com', challenge,
 * });
 * if (r.trust === 'hardware-attested') console.log(r.vendor, r.model);
 */
export async function verifyAttestation(options: VerifyAttestationOptions): Promise<AttestationResult> {
  checkOptions(options);
  const attestationObject = toBytes('attestationObject', options.attestationObject);
  const clientDataJSON = toBytes('clientDataJSON', options.clientDataJSON);
  const expectedChallenge = options.challenge === undefined ? undefined : toBytes('challenge', options.challenge);
  const at = options.at ?? new Date();
  const anchors = options.trustAnchors ? toTrustAnchors(options.trustAnchors) : defaultTrustAnchors();

  // §7.1 steps 5–10: client data.
  const clientData = parseClientData(clientDataJSON);
  if (clientData.type !== 'webauthn.create') {
    throw new AttestationError('bad-client-data-type', `clientData.type expected "webauthn.create", got ${JSON.stringify(clientData.type)}`);
  }
  if (expectedChallenge) {
    const got = decodeChallenge(clientData.challenge);
    if (!got || !equalBytes(got, expectedChallenge)) throw new AttestationError('challenge-mismatch', 'clientData.challenge is not the expected challenge');
  }
  if (options.origin !== undefined) {
    const allowed = typeof options.origin === 'string' ? [options.origin] : options.origin;
    if (!allowed.includes(clientData.origin)) {
      throw new AttestationError('origin-mismatch', `clientData.origin ${JSON.stringify(clientData.origin)} is not an expected origin`);
    }
  }
  if (clientData.crossOrigin === true && !options.allowCrossOrigin) {
    throw new AttestationError('cross-origin', 'the credential was created in a cross-origin iframe');
  }
  // Step 11: hash over the exact clientDataJSON bytes.
  const clientDataHash = sha256(clientDataJSON);

  // Step 12: CBOR-decode the attestation object.
  const obj = decodeCbor(attestationObject, 'attestationObject');
  if (!(obj instanceof Map)) throw new AttestationError('malformed-cbor', 'attestationObject is not a CBOR map');
  const fmt = obj.get('fmt');
  const attStmt = obj.get('attStmt');
  const authDataBytes = obj.get('authData');
  if (typeof fmt !== 'string') throw new AttestationError('malformed-cbor', 'attestationObject.fmt must be a text string');
  if (!(attStmt instanceof Map)) throw new AttestationError('malformed-cbor', 'attestationObject.attStmt must be a map');
  if (!(authDataBytes instanceof Uint8Array)) throw new AttestationError('malformed-cbor', 'attestationObject.authData must be a byte string');
  const authData = parseAuthenticatorData(authDataBytes);

  // Step 13: rpIdHash.
  if (!equalBytes(authData.rpIdHash, sha256(new TextEncoder().encode(options.rpId)))) {
    throw new AttestationError('rp-id-mismatch', `authenticator data rpIdHash is not SHA-256(${JSON.stringify(options.rpId)})`);
  }
  // Steps 14–15: user presence and verification.
  if (!authData.flags.up) throw new AttestationError('user-not-present', 'the UP flag is not set');
  if (options.requireUserVerification && !authData.flags.uv) throw new AttestationError('user-not-verified', 'the UV flag is not set');
  // Step 19 (L3): attested credential data must be present at registration.
  const acd = authData.attestedCredentialData;
  if (!authData.flags.at || !acd) throw new AttestationError('missing-credential-data', 'no attested credential data (AT flag)');
  const credentialKey = parseCoseKey(acd.credentialPublicKey);
  // Step 20: "Verify that the "alg" parameter in the credential public key in authData matches the
  // alg attribute of one of the items in pkOptions.pubKeyCredParams."
  if (options.algorithms && !options.algorithms.includes(credentialKey.alg)) {
    throw new AttestationError('unsupported-algorithm', `credential algorithm ${credentialKey.alg} was not offered in pubKeyCredParams`);
  }

  // Steps 21–23: the format.
  const ctx: FormatContext = {
    fmt,
    attStmt,
    authData: authDataBytes,
    rpIdHash: authData.rpIdHash,
    clientDataHash,
    aaguid: acd.aaguid,
    aaguidString: acd.aaguidString,
    credentialId: acd.credentialId,
    credentialKey,
    anchors,
    // The installed trust store's per-model anchors (FIDO MDS3) apply unless the caller chose anchors.
    lookup: options.trustAnchors ? undefined : metadataAnchors,
    intermediates: bundledIntermediates(),
    at,
  };
  let result: FormatResult;
  if (fmt === 'packed') result = await verifyPacked(ctx);
  else if (fmt === 'fido-u2f') result = await verifyFidoU2f(ctx);
  else if (fmt === 'apple') result = await verifyApple(ctx);
  else if (fmt === 'none') {
    // §8.7: "The attestation statement ... is an empty CBOR map."
    if (attStmt.size !== 0) throw statementError('none attStmt must be an empty map');
    result = { trust: 'unattested' };
  } else {
    throw new AttestationError('unsupported-format', `attestation format ${JSON.stringify(fmt)} is ${KNOWN_UNSUPPORTED.has(fmt) ? 'not supported' : 'unknown'}`);
  }

  return {
    fmt,
    trust: result.trust,
    aaguid: acd.aaguidString,
    vendor: result.vendor,
    model: result.model,
    credentialId: acd.credentialId.slice(),
    credentialPublicKey: acd.credentialPublicKey.slice(),
    credentialAlgorithm: credentialKey.alg,
    signCount: authData.signCount,
    flags: authData.flags,
    attestationCertificates: result.attestationCertificates?.map((d) => d.slice()),
    clientData,
  };
}

export { AttestationError } from './attestation-error.js';
export type { AttestationErrorCode } from './attestation-error.js';
