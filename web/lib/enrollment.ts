// Browser enrollment and unlock: the WebAuthn twin of src/identity/enroll.ts (which does the same
// over CTAP from Node). One enrollment is:
//   1. navigator.credentials.create with challenge = bindingChallenge(identity, createdAt): a
//      resident ES256 credential with PRF; its attestation is verified (WebAuthn L3 §7.1);
//   2. navigator.credentials.get with the same challenge and PRF eval of "keyprint-wrap-v1" in the
//      same call: the binding assertion (docs/PROTOCOL.md, kind 1 = WebAuthn) and the wrap key;
//   3. the seed is wrapped under the PRF output (wrapSecret), the bundle is signed and its binding
//      verified exactly as any verifier will (verifyBinding).
// Unlock: one get with PRF for the stored credential, unwrap, and check the key is the bundle's.
import {
  IdentityKeyPair, authenticatorModel, bindingChallenge, decodeBundle, encodeBundle, signBundle, unwrapIdentity, verifyAttestation,
  verifyBinding, wrapSecret, wrapSecretWithPassphrase, type AttestationResult, type IdentityBundle,
} from 'keyprint/identity';
import { equalBytes } from './bytes.js';
import type { AuthenticatorSummary, StoredProfile } from './profile-store.js';
import { PRF_INPUT, createCredential, getAssertion, type Assertion } from './webauthn.js';

/** Enrollment and unlock failures the UI shows as they are. */
export class EnrollmentError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnrollmentError';
  }
}

export interface Enrolled {
  identity: IdentityKeyPair;
  bundle: IdentityBundle;
  profile: StoredProfile;
  envelope: Uint8Array;
}

/** Where the page is: the RP ID is its host, the origin its origin. */
export interface PageOrigin { rpId: string; origin: string }

export const pageOrigin = (): PageOrigin => ({ rpId: location.hostname, origin: location.origin });

/** What the UI shows about the key: the library's naming rule (`authenticatorModel`), as the CLI and cards use. */
export function describeAuthenticator(r: AttestationResult): AuthenticatorSummary {
  const attested = r.trust === 'hardware-attested' && r.model !== undefined;
  return { model: authenticatorModel(r), modelAttested: attested, aaguid: r.aaguid, ...(attested && r.vendor ? { vendor: r.vendor } : {}), trust: r.trust, fmt: r.fmt };
}

/**
 * Creates an identity bound to a security key. Two touches: the credential, then the binding assertion.
 * @param params.displayName the bundle's name
 * @param params.onStep progress for the UI ('create' = first touch, 'bind' = second touch, 'seal')
 */
export async function enrollWithSecurityKey(params: {
  displayName: string; page?: PageOrigin; onStep?: (step: 'create' | 'bind' | 'seal') => void;
}): Promise<Enrolled> {
  const { rpId, origin } = params.page ?? pageOrigin();
  const displayName = params.displayName.normalize('NFC').trim();
  const identity = IdentityKeyPair.generate();
  try {
    const createdAt = Date.now();
    const challenge = bindingChallenge({ identityPublicKey: identity.publicKey, createdAt });
    // Fails early on a bad name (same checks as the bundle), before anyone touches a key.
    signBundle({ displayName, identityPublicKey: identity.publicKey, createdAt, binding: null }, identity);

    params.onStep?.('create');
    const created = await createCredential({ rpId, userName: displayName, challenge });
    if (created.prfEnabled === false) {
      throw new EnrollmentError('no-prf', 'This security key does not support the PRF (hmac-secret) extension, which keyprint needs to protect your identity key. Use another key or the passphrase option.');
    }
    let attestation: AttestationResult;
    try {
      attestation = await verifyAttestation({
        attestationObject: created.attestationObject, clientDataJSON: created.clientDataJSON, rpId, origin, challenge, algorithms: [-7],
      });
    } catch (e) {
      throw new EnrollmentError('attestation-invalid', `The security key's attestation does not verify: ${(e as Error).message}`, { cause: e });
    }
    if (!equalBytes(attestation.credentialId, created.credentialId)) throw new EnrollmentError('attestation-invalid', 'The attestation names another credential.');

    params.onStep?.('bind');
    const assertion: Assertion = await getAssertion({ rpId, challenge, credentialId: created.credentialId, transports: created.transports });
    const prf = assertion.prfFirst;
    if (!prf || prf.length !== 32) {
      prf?.fill(0);
      throw new EnrollmentError('no-prf', 'The security key returned no PRF output, so the identity key cannot be protected by it. Use another key or the passphrase option.');
    }
    params.onStep?.('seal');
    let envelope: Uint8Array;
    const seed = identity.exportSecretKey();
    try {
      envelope = await wrapSecret(seed, { prfOutput: prf, credentialId: created.credentialId });
    } finally {
      seed.fill(0);
      prf.fill(0);
    }
    const bundle = signBundle({
      displayName, identityPublicKey: identity.publicKey, createdAt,
      binding: {
        kind: 'webauthn', rpId, credentialId: created.credentialId, credentialPublicKey: attestation.credentialPublicKey,
        attestationObject: created.attestationObject, authenticatorData: assertion.authenticatorData,
        clientDataJSON: assertion.clientDataJSON, signature: assertion.signature,
      },
    }, identity);
    const checked = verifyBinding(bundle, { rpId, origins: [origin] });
    if (!checked.valid) throw new EnrollmentError('binding-invalid', `The security key's binding assertion does not verify (${checked.reason}).`);
    const profile: StoredProfile = {
      version: 1, kind: 'prf', bundleBytes: encodeBundle(bundle), enrolledAt: createdAt,
      credential: {
        rpId, credentialId: created.credentialId, transports: created.transports, prfInput: PRF_INPUT, userVerified: checked.userVerified,
        registrationClientDataJSON: created.clientDataJSON, authenticator: describeAuthenticator(attestation),
      },
    };
    return { identity, bundle, profile, envelope };
  } catch (e) {
    identity.destroy();
    throw e;
  }
}

/** Creates a passphrase-only identity (binding null): weaker, its strength is the passphrase's. */
export async function createWithPassphrase(params: { displayName: string; passphrase: string }): Promise<Enrolled> {
  const displayName = params.displayName.normalize('NFC').trim();
  const identity = IdentityKeyPair.generate();
  try {
    const createdAt = Date.now();
    const bundle = signBundle({ displayName, identityPublicKey: identity.publicKey, createdAt, binding: null }, identity);
    const seed = identity.exportSecretKey();
    let envelope: Uint8Array;
    try {
      envelope = await wrapSecretWithPassphrase(seed, { passphrase: params.passphrase });
    } finally {
      seed.fill(0);
    }
    return { identity, bundle, envelope, profile: { version: 1, kind: 'passphrase', bundleBytes: encodeBundle(bundle), enrolledAt: createdAt } };
  } catch (e) {
    identity.destroy();
    throw e;
  }
}

function checkSameIdentity(identity: IdentityKeyPair, bundle: IdentityBundle): IdentityKeyPair {
  if (!equalBytes(identity.publicKey, bundle.identityPublicKey)) {
    identity.destroy();
    throw new EnrollmentError('identity-mismatch', 'The unlocked key is not the identity stored in this browser.');
  }
  return identity;
}

/** One touch: PRF for the stored credential → unwrap → the identity (same public key as the bundle). */
export async function unlockWithSecurityKey(profile: StoredProfile, envelope: Uint8Array, page: PageOrigin = pageOrigin()): Promise<IdentityKeyPair> {
  const c = profile.credential;
  if (profile.kind !== 'prf' || !c) throw new EnrollmentError('wrong-kind', 'This identity is protected by a passphrase.');
  if (c.rpId !== page.rpId) throw new EnrollmentError('wrong-origin', `This identity's security key credential belongs to ${c.rpId}; open the app there.`);
  const bundle = decodeBundle(profile.bundleBytes);
  const a = await getAssertion({ rpId: c.rpId, challenge: crypto.getRandomValues(new Uint8Array(32)), credentialId: c.credentialId, transports: c.transports });
  if (!a.prfFirst) throw new EnrollmentError('no-prf', 'The security key returned no PRF output.');
  try {
    return checkSameIdentity(await unwrapIdentity(envelope, { prfOutput: a.prfFirst, credentialId: c.credentialId }), bundle);
  } catch (e) {
    if (e instanceof EnrollmentError) throw e;
    throw new EnrollmentError('wrong-key', 'This security key does not unlock the identity stored in this browser.', { cause: e });
  } finally {
    a.prfFirst.fill(0);
  }
}

export async function unlockWithPassphrase(profile: StoredProfile, envelope: Uint8Array, passphrase: string): Promise<IdentityKeyPair> {
  const bundle = decodeBundle(profile.bundleBytes);
  try {
    return checkSameIdentity(await unwrapIdentity(envelope, { passphrase }), bundle);
  } catch (e) {
    if (e instanceof EnrollmentError) throw e;
    throw new EnrollmentError('wrong-passphrase', 'Wrong passphrase.', { cause: e });
  }
}
