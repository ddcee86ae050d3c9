// Hardware binding proof: a FIDO2 credential vouches for an identity key by signing a challenge
// derived from it. The challenge is SHA-256 over a domain-separated, length-prefixed encoding
// (docs/PROTOCOL.md, "Identity bundle and hardware binding"); the assertion is checked as in
// WebAuthn Level 3 §7.2 "Verifying an Authentication Assertion" (steps: type, challenge, origin,
// rpIdHash, UP, UV, signature over authData ‖ SHA-256(clientDataJSON)), or, for a CTAP-level
// binding, CTAP 2.1 §6.2.2 (signature over authData ‖ clientDataHash, clientDataHash = challenge).

import { equalBytes } from '../core/bytes.js';
import { base64urlnopad } from '@scure/base';
import { p256PublicKeyFromCose, p256SignatureFromDer, p256Verify, sha256 } from '../core/index.js';
import { InputError, describe } from '../errors.js';
import { bindingTime, bundleBindings, type HardwareBinding, type IdentityBundle } from './bundle.js';
import { decodeCbor, parseAuthenticatorData } from './authenticator-data.js';

const DOMAIN = 'keyprint-bind-v1';

// authenticatorData flags (WebAuthn §6.1).
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;

/**
 * The challenge a FIDO2 credential signs to bind an identity key:
 * `SHA-256( u16be(16) ‖ "keyprint-bind-v1" ‖ u16be(32) ‖ identityPublicKey ‖ u64be(createdAt) )`.
 * @param params.identityPublicKey the 32-byte Ed25519 identity public key
 * @param params.createdAt the bundle's creation time, ms since the epoch (0 … 2^53 − 1)
 * @returns the 32-byte challenge (WebAuthn `challenge`, or CTAP `clientDataHash`)
 * @throws InputError for a wrong type, length or range
 * @example const challenge = bindingChallenge({ identityPublicKey: id.publicKey, createdAt })
 */
export function bindingChallenge(params: { identityPublicKey: Uint8Array; createdAt: number }): Uint8Array {
  if (typeof params !== 'object' || params === null) throw new InputError('invalid-type', `"params" expected an object, got ${describe(params)}`);
  const { identityPublicKey, createdAt } = params;
  if (!(identityPublicKey instanceof Uint8Array)) {
    throw new InputError('invalid-type', `"identityPublicKey" expected Uint8Array, got ${describe(identityPublicKey)}`);
  }
  if (identityPublicKey.length !== 32) throw new InputError('invalid-length', `"identityPublicKey" expected 32 bytes, got ${identityPublicKey.length}`);
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt) || createdAt < 0) {
    throw new InputError('invalid-value', `"createdAt" expected an integer from 0 to 9007199254740991, got ${typeof createdAt === 'number' ? createdAt : describe(createdAt)}`);
  }
  const label = new TextEncoder().encode(DOMAIN);
  const buf = new Uint8Array(2 + label.length + 2 + 32 + 8);
  const view = new DataView(buf.buffer);
  let o = 0;
  view.setUint16(o, label.length); o += 2;
  buf.set(label, o); o += label.length;
  view.setUint16(o, 32); o += 2;
  buf.set(identityPublicKey, o); o += 32;
  view.setBigUint64(o, BigInt(createdAt));
  return sha256(buf);
}

/** Why a binding did not verify. None of these depends on a secret, so naming it leaks nothing. */
export type BindingFailure =
  | 'no-binding' // passphrase-only bundle
  | 'client-data' // clientDataJSON is not a JSON object with string fields
  | 'type' // clientData.type is not "webauthn.get"
  | 'challenge' // the signed challenge is not bindingChallenge(bundle)
  | 'origin' // clientData.origin is not an origin of the RP ID
  | 'rp-id' // rpIdHash ≠ SHA-256(rpId), or rpId ≠ options.rpId
  | 'user-presence' // UP flag clear
  | 'user-verification' // UV flag clear and options.requireUserVerification
  | 'credential-key' // credentialPublicKey is not an ES256 P-256 COSE_Key
  | 'attestation-mismatch' // attestationObject is malformed or attests another credential or RP
  | 'signature'; // the ES256 signature does not verify

/**
 * The outcome of verifyBinding. `userVerified`: every binding's assertion was user-verified.
 * `index`: which binding failed (in bundleBindings order), when it is not the first.
 */
export type BindingResult = { valid: true; userVerified: boolean } | { valid: false; reason: BindingFailure; index?: number };

/** Options for verifyBinding. */
export interface VerifyBindingOptions {
  /** Require the UV flag (PIN or biometric was checked). Default false: UP only. */
  requireUserVerification?: boolean;
  /** Require this RP ID (otherwise any RP ID whose hash matches authData is accepted). */
  rpId?: string;
  /** Accept exactly these origins (webauthn kind); default: `https://<rpId>` or an https subdomain, or http://localhost. */
  origins?: readonly string[];
}

/**
 * Whether a WebAuthn client-data origin belongs to `rpId` (WebAuthn §5.1.2, §7.2 step 13): exactly
 * one of `allowed` when given, else `https://<rpId>` or an https subdomain, or `http://localhost`.
 * @example originMatches('https://app.example.com', 'example.com') // true
 */
export function originMatches(origin: string, rpId: string, allowed?: readonly string[]): boolean {
  if (allowed) return allowed.includes(origin);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false; // no path, no trailing slash, default port elided
  const host = url.hostname;
  // WebAuthn §5.1.2: the RP ID must be a registrable domain suffix of (or equal to) the origin's
  // effective domain; localhost is a secure context over http.
  if (url.protocol === 'http:') return host === 'localhost' && rpId === 'localhost';
  if (url.protocol !== 'https:') return false;
  return host === rpId || host.endsWith('.' + rpId);
}

/**
 * Verifies a bundle's hardware bindings: each FIDO2 credential in the bundle (the first key's and
 * every key added later) signed `bindingChallenge(identityPublicKey, bindingTime(bundle, binding))`
 * for its RP ID with user presence. Every binding must verify: the identity's holder signed the
 * list, and a bundle that lists a binding that does not verify is not trusted in part. Check the
 * bundle's own signature first (decodeBundle does); attestation (which authenticator made a
 * credential) is verified separately from `binding.attestationObject`.
 * @param bundle a decoded bundle
 * @param options see VerifyBindingOptions (they apply to every binding)
 * @returns `{ valid: true, userVerified }`, or `{ valid: false, reason, index? }`
 * @throws InputError if `bundle` is not an object
 * @example
 * const r = verifyBinding(decodeBundle(bytes), { requireUserVerification: true })
 * if (!r.valid) throw new Error(`binding: ${r.reason}`)
 */
export function verifyBinding(bundle: IdentityBundle, options: VerifyBindingOptions = {}): BindingResult {
  if (typeof bundle !== 'object' || bundle === null) throw new InputError('invalid-type', `"bundle" expected an object, got ${describe(bundle)}`);
  const bindings = bundleBindings(bundle);
  if (bindings.length === 0) return { valid: false, reason: 'no-binding' };
  let userVerified = true;
  for (const [index, b] of bindings.entries()) {
    const r = verifyOne(bundle, b, options);
    if (!r.valid) return index === 0 ? r : { ...r, index };
    userVerified &&= r.userVerified;
  }
  return { valid: true, userVerified };
}

/** verifyBinding for one binding of the bundle. */
function verifyOne(bundle: IdentityBundle, b: HardwareBinding, options: VerifyBindingOptions): BindingResult {
  const fail = (reason: BindingFailure): BindingResult => ({ valid: false, reason });
  const challenge = bindingChallenge({ identityPublicKey: bundle.identityPublicKey, createdAt: bindingTime(bundle, b) });

  if (options.rpId !== undefined && options.rpId !== b.rpId) return fail('rp-id');

  let clientDataHash: Uint8Array;
  if (b.kind === 'webauthn') {
    if (!b.clientDataJSON) return fail('client-data');
    let cd: { type?: unknown; challenge?: unknown; origin?: unknown; crossOrigin?: unknown };
    try {
      // WebAuthn §7.2 step 10: JSON-parse the UTF-8 decoding of clientDataJSON (fatal on bad UTF-8).
      cd = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b.clientDataJSON));
    } catch {
      return fail('client-data');
    }
    if (typeof cd !== 'object' || cd === null || Array.isArray(cd)) return fail('client-data');
    // §7.2 step 11: "Verify that the value of C.type is the string webauthn.get."
    if (cd.type !== 'webauthn.get') return fail('type');
    // §7.2 step 12: C.challenge equals the base64url encoding of the expected challenge.
    if (typeof cd.challenge !== 'string' || cd.challenge !== base64urlnopad.encode(challenge)) return fail('challenge');
    // §7.2 step 13: C.origin is an origin the RP expects.
    if (typeof cd.origin !== 'string' || !originMatches(cd.origin, b.rpId, options.origins)) return fail('origin');
    // §7.2 step 14: crossOrigin true means an iframe not same-origin with its ancestors ran the
    // ceremony; keyprint binds identities only in top-level ceremonies.
    if (cd.crossOrigin !== undefined && cd.crossOrigin !== false) return fail('origin');
    clientDataHash = sha256(b.clientDataJSON);
  } else {
    // CTAP 2.1 §6.2: the platform passes clientDataHash; keyprint's CTAP binding uses the challenge itself.
    if (!b.clientDataHash || !equalBytes(b.clientDataHash, challenge)) return fail('challenge');
    clientDataHash = b.clientDataHash;
  }

  const authData = b.authenticatorData;
  if (authData.length < 37) return fail('rp-id');
  // §7.2 step 15: rpIdHash is the SHA-256 of the RP ID expected by the Relying Party.
  if (!equalBytes(authData.subarray(0, 32), sha256(new TextEncoder().encode(b.rpId)))) return fail('rp-id');
  const flags = authData[32];
  // §7.2 step 16: "Verify that the UP bit of the flags in authData is set."
  if ((flags & FLAG_UP) === 0) return fail('user-presence');
  // §7.2 step 17: if user verification is required, "verify that the UV bit … is set."
  if (options.requireUserVerification && (flags & FLAG_UV) === 0) return fail('user-verification');

  // If the registration attestationObject is kept, it must attest this very credential for this
  // RP; otherwise an attestation of one authenticator could be paired with another's assertion.
  // (Whether the attestation itself is trustworthy is verifyAttestation's job.)
  if (b.attestationObject && !attestsCredential(b.attestationObject, b.credentialId, b.credentialPublicKey, b.rpId)) {
    return fail('attestation-mismatch');
  }

  let publicKey: Uint8Array;
  try {
    publicKey = p256PublicKeyFromCose(b.credentialPublicKey);
  } catch {
    return fail('credential-key');
  }
  let rs: Uint8Array;
  try {
    // WebAuthn §6.5.5: ES256 signatures are ASN.1 DER Ecdsa-Sig-Value; only strict DER is accepted
    // so a signature has a single encoding in the bundle.
    rs = p256SignatureFromDer(b.signature);
  } catch {
    return fail('signature');
  }
  // §7.2 step 20: the signature is over authData ‖ hash (hash = SHA-256(clientDataJSON)).
  const signed = new Uint8Array(authData.length + 32);
  signed.set(authData);
  signed.set(clientDataHash, authData.length);
  if (!p256Verify(publicKey, sha256(signed), rs)) return fail('signature');
  return { valid: true, userVerified: (flags & FLAG_UV) !== 0 };
}

/** Whether an attestationObject (WebAuthn §6.5) carries attested credential data for exactly this credential and RP. */
function attestsCredential(attestationObject: Uint8Array, credentialId: Uint8Array, cose: Uint8Array, rpId: string): boolean {
  try {
    const ao = decodeCbor(attestationObject, 'attestationObject');
    if (!(ao instanceof Map)) return false;
    const authData = ao.get('authData');
    if (!(authData instanceof Uint8Array)) return false;
    const parsed = parseAuthenticatorData(authData);
    const acd = parsed.attestedCredentialData;
    return acd !== undefined
      && equalBytes(parsed.rpIdHash, sha256(new TextEncoder().encode(rpId)))
      && equalBytes(acd.credentialId, credentialId)
      && equalBytes(acd.credentialPublicKey, cose);
  } catch {
    return false;
  }
}

/**
 * The registration clientDataJSON a CTAP enrollment signs (docs/PROTOCOL.md "Enrollment over CTAP"):
 * WebAuthn §5.8.1 fields in a browser's order, the challenge being the binding challenge, so a
 * verifier holding only the bundle can rebuild it and check the attestation signature.
 * @param challenge the 32-byte bindingChallenge
 * @param rpId the binding's RP ID (origin `https://<rpId>`)
 * @returns UTF-8 JSON `{"type":"webauthn.create","challenge":…,"origin":"https://<rpId>","crossOrigin":false}`
 * @example registrationClientData(bindingChallenge(bundle), bundle.binding.rpId)
 */
export function registrationClientData(challenge: Uint8Array, rpId: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({
    type: 'webauthn.create', challenge: base64urlnopad.encode(challenge), origin: `https://${rpId}`, crossOrigin: false,
  }));
}
