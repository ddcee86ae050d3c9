// Browser enrollment and unlock: the WebAuthn twin of src/enroll/enroll.ts (which does the same
// over CTAP from Node). Enrolling a key is:
//   1. navigator.credentials.create with challenge = bindingChallenge(identity, time): a resident
//      ES256 credential with PRF (the identity's other keys excluded); its attestation is verified
//      (WebAuthn L3 §7.1);
//   2. navigator.credentials.get with the same challenge and PRF eval of a fresh random 32-byte input
//      in the same call: the binding assertion (docs/PROTOCOL.md, kind 1 = WebAuthn) and the wrap key;
//   3. the seed is wrapped under the PRF output (wrapSecret, envelope version 2: the input and the
//      assertion's UV flag travel in it), the bundle — listing every key — is signed and its bindings
//      verified exactly as any verifier will (verifyBinding).
// time = createdAt for the first key; a key added later (the recovery path) is bound at its own
// time (`boundAt`, bundle version 2).
// Unlock: one get for any of the keys, each with its own PRF input (evalByCredential), asking for
// exactly the UV the keys were enrolled with; unwrap, and check the key is the bundle's. A
// version-1 envelope (fixed input "keyprint-wrap-v1") gets its version-2 replacement from `second`
// in the same touch.
import {
  IdentityKeyPair, bindingChallenge, describeAuthenticator, bundleBindings, decodeBundle, encodeBundle, envelopeInfo, newPrfInput, signBundle,
  unwrapIdentity, verifyAttestation, verifyBinding, wrapSecret, wrapSecretWithPassphrase, type AttestationResult, type HardwareBinding,
  type IdentityBundle,
} from 'keyprint/identity';
import { equalBytes, sha256, toHex } from 'keyprint/core';
import { IDENTITY_KEY_NAME, type StoredKey, type StoredProfile } from './profile-store.js';
import { createCredential, getAssertion, type AllowedCredential } from './webauthn.js';

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

/** A new key list (a key added or removed): the bundle, the record, and the envelopes it needs. */
export interface KeysChanged {
  bundle: IdentityBundle;
  profile: StoredProfile;
  /** Envelopes to store, by key-store name (only the new one when a key is added). */
  envelopes: Map<string, Uint8Array>;
}

/** Where the page is: the RP ID is its host, the origin its origin. */
export interface PageOrigin { rpId: string; origin: string }

export const pageOrigin = (): PageOrigin => ({ rpId: location.hostname, origin: location.origin });

/** What the UI shows about the key: the library's one description (identity's describeAuthenticator), as the CLI and cards use. */
export { describeAuthenticator };

/** A bound key before it is in a bundle: its binding (without boundAt), record and envelope. */
interface NewKey { binding: HardwareBinding; key: StoredKey; envelope: Uint8Array }

/**
 * The ceremony for one key (two touches): credential, attestation, binding assertion with PRF of a
 * fresh input, wrap. `time` is the binding challenge's time.
 */
async function bindKey(params: {
  identity: IdentityKeyPair; userName: string; time: number; page: PageOrigin; exclude: StoredKey[]; envelopeName?: string;
  onStep?: (step: 'create' | 'bind' | 'seal') => void;
}): Promise<NewKey> {
  const { identity, page: { rpId, origin } } = params;
  const challenge = bindingChallenge({ identityPublicKey: identity.publicKey, createdAt: params.time });
  params.onStep?.('create');
  const created = await createCredential({ rpId, userName: params.userName, challenge, exclude: params.exclude.map((k) => ({ id: k.credentialId, transports: k.transports })) });
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
  const prfInput = newPrfInput();
  const assertion = await getAssertion({
    rpId, challenge, userVerification: 'preferred', credentials: [{ id: created.credentialId, transports: created.transports, prf: { first: prfInput } }],
  });
  const prf = assertion.prf?.first;
  if (!prf || prf.length !== 32) {
    prf?.fill(0);
    throw new EnrollmentError('no-prf', 'The security key returned no PRF output, so the identity key cannot be protected by it. Use another key or the passphrase option.');
  }
  params.onStep?.('seal');
  // The output is the key's secret with UV exactly when the assertion says UV (CTAP 2.1 §12.5): record that.
  const userVerified = assertion.userVerified;
  let envelope: Uint8Array;
  const seed = identity.exportSecretKey();
  try {
    envelope = await wrapSecret(seed, { prfOutput: prf, credentialId: created.credentialId, prfInput, userVerified });
  } finally {
    seed.fill(0);
    prf.fill(0);
  }
  const binding: HardwareBinding = {
    kind: 'webauthn', rpId, credentialId: created.credentialId, credentialPublicKey: attestation.credentialPublicKey,
    attestationObject: created.attestationObject, authenticatorData: assertion.authenticatorData,
    clientDataJSON: assertion.clientDataJSON, signature: assertion.signature,
  };
  const key: StoredKey = {
    rpId, credentialId: created.credentialId, transports: created.transports, userVerified, registrationClientDataJSON: created.clientDataJSON,
    authenticator: describeAuthenticator(attestation), enrolledAt: params.time, envelope: params.envelopeName ?? envelopeNameFor(created.credentialId),
  };
  return { binding, key, envelope };
}

/** The key-store name of a key added later: `identity-` and 12 hex digits of SHA-256(credentialId) (as the CLI names it). */
function envelopeNameFor(credentialId: Uint8Array): string {
  return `${IDENTITY_KEY_NAME}-${toHex(sha256(credentialId).subarray(0, 6))}`;
}

/** The bundle's bindings verify as any verifier checks them (every key's, at its own time). */
function checkBindings(bundle: IdentityBundle, page: PageOrigin): void {
  const checked = verifyBinding(bundle, { rpId: page.rpId, origins: [page.origin] });
  if (!checked.valid) throw new EnrollmentError('binding-invalid', `The security key's binding assertion does not verify (${checked.reason}).`);
}

/**
 * Creates an identity bound to a security key. Two touches: the credential, then the binding assertion.
 * @param params.displayName the bundle's name
 * @param params.onStep progress for the UI ('create' = first touch, 'bind' = second touch, 'seal')
 */
export async function enrollWithSecurityKey(params: {
  displayName: string; page?: PageOrigin; onStep?: (step: 'create' | 'bind' | 'seal') => void;
}): Promise<Enrolled> {
  const page = params.page ?? pageOrigin();
  const displayName = params.displayName.normalize('NFC').trim();
  const identity = IdentityKeyPair.generate();
  try {
    const createdAt = Date.now();
    // Fails early on a bad name (same checks as the bundle), before anyone touches a key.
    signBundle({ displayName, identityPublicKey: identity.publicKey, createdAt, binding: null }, identity);
    const made = await bindKey({ identity, userName: displayName, time: createdAt, page, exclude: [], envelopeName: IDENTITY_KEY_NAME, onStep: params.onStep });
    const bundle = signBundle({ displayName, identityPublicKey: identity.publicKey, createdAt, binding: made.binding }, identity);
    checkBindings(bundle, page);
    const profile: StoredProfile = { version: 2, kind: 'prf', bundleBytes: encodeBundle(bundle), enrolledAt: createdAt, keys: [made.key] };
    return { identity, bundle, profile, envelope: made.envelope };
  } catch (e) {
    identity.destroy();
    throw e;
  }
}

/**
 * Adds a security key to the unlocked identity — the way back in if a key is lost: its own
 * credential (the other keys excluded), bound at this moment, its own envelope of the same seed;
 * the bundle is re-signed listing every key. Two touches on the new key.
 * @param params.identity the unlocked identity
 * @param params.profile its record
 */
export async function addSecurityKey(params: {
  identity: IdentityKeyPair; profile: StoredProfile; page?: PageOrigin; onStep?: (step: 'create' | 'bind' | 'seal') => void;
}): Promise<KeysChanged> {
  const page = params.page ?? pageOrigin();
  const { identity, profile } = params;
  const old = decodeBundle(profile.bundleBytes);
  const keys = profile.keys ?? [];
  if (profile.kind !== 'prf' || keys.length === 0) throw new EnrollmentError('wrong-kind', 'A passphrase identity has no security keys to add to.');
  if (!equalBytes(identity.publicKey, old.identityPublicKey)) throw new EnrollmentError('identity-mismatch', 'The unlocked key is not the identity stored in this browser.');
  // boundAt must come after createdAt (bundle version 2): a clock behind the bundle's is moved past it.
  const boundAt = Math.max(Date.now(), old.createdAt + 1);
  const made = await bindKey({ identity, userName: old.displayName, time: boundAt, page, exclude: keys, onStep: params.onStep });
  const bundle = signBundle({
    displayName: old.displayName, identityPublicKey: old.identityPublicKey, createdAt: old.createdAt, expiresAt: old.expiresAt,
    binding: old.binding, additionalBindings: [...(old.additionalBindings ?? []), { ...made.binding, boundAt }],
  }, identity);
  checkBindings(bundle, page);
  return {
    bundle, profile: { ...profile, bundleBytes: encodeBundle(bundle), keys: [...keys, made.key] }, envelopes: new Map([[made.key.envelope, made.envelope]]),
  };
}

/**
 * Removes a key: the bundle is re-signed without its binding (the next key becomes the first when
 * the first goes). The credential stays on that security key; its envelope here is deleted.
 * @throws EnrollmentError `last-key` (an identity keeps at least one key), `no-such-key`
 */
export function removeSecurityKey(params: { identity: IdentityKeyPair; profile: StoredProfile; credentialId: Uint8Array }): KeysChanged {
  const { identity, profile, credentialId } = params;
  const old = decodeBundle(profile.bundleBytes);
  const keys = profile.keys ?? [];
  const at = keys.findIndex((k) => equalBytes(k.credentialId, credentialId));
  if (at < 0) throw new EnrollmentError('no-such-key', 'This identity has no such security key.');
  if (keys.length === 1) throw new EnrollmentError('last-key', 'This is the identity\'s only security key: add another one first, or the identity can no longer be unlocked.');
  if (!equalBytes(identity.publicKey, old.identityPublicKey)) throw new EnrollmentError('identity-mismatch', 'The unlocked key is not the identity stored in this browser.');
  const [first, ...rest] = bundleBindings(old).filter((_, i) => i !== at);
  const bundle = signBundle({
    displayName: old.displayName, identityPublicKey: old.identityPublicKey, createdAt: old.createdAt, expiresAt: old.expiresAt,
    binding: first, ...(rest.length ? { additionalBindings: rest } : {}),
  }, identity);
  return { bundle, profile: { ...profile, bundleBytes: encodeBundle(bundle), keys: keys.filter((_, i) => i !== at) }, envelopes: new Map() };
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
    return { identity, bundle, envelope, profile: { version: 2, kind: 'passphrase', bundleBytes: encodeBundle(bundle), enrolledAt: createdAt } };
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

/** What unlockWithSecurityKey found: the identity, the key that unlocked it, and an upgraded envelope to store. */
export interface UnlockedWithKey {
  identity: IdentityKeyPair;
  key: StoredKey;
  /** The key's version-2 envelope, made from `second` in the same touch when its envelope was version 1. */
  upgraded?: Uint8Array;
}

/**
 * The explanation when a key's UV differs from its enrollment's: hmac-secret keeps two secrets
 * (CTAP 2.1 §12.5), and a browser uses the key's PIN whenever the key has one, so a key enrolled
 * before it had a PIN now gives the other secret.
 */
function uvChanged(key: StoredKey, keys: StoredKey[]): EnrollmentError {
  const others = keys.length > 1;
  const wayOut = others
    ? 'Unlock with your other security key, then remove this one under "Security keys" and add it again.'
    : 'Without a second key this identity cannot be unlocked in this browser any more: keep a second key next time (Identity → Security keys → Add).';
  return new EnrollmentError('uv-changed', key.userVerified
    ? `This key was enrolled with its PIN, but it did not verify you this time, so it gives another secret, which does not open your identity. ${wayOut}`
    : `This key now has a PIN (or a fingerprint): it was enrolled without one, and the browser now uses it, so the key gives another secret, which does not open your identity. ${wayOut}`);
}

/**
 * One touch: PRF for whichever of the identity's keys is present → unwrap → the identity (same
 * public key as the bundle). Asks for exactly the UV the keys were enrolled with (`required` or
 * `discouraged`; `preferred` when they differ, checked per key afterwards).
 * @param envelopes every key's envelope, by key-store name
 */
export async function unlockWithSecurityKey(profile: StoredProfile, envelopes: ReadonlyMap<string, Uint8Array>, page: PageOrigin = pageOrigin()): Promise<UnlockedWithKey> {
  const keys = profile.keys ?? [];
  if (profile.kind !== 'prf' || keys.length === 0) throw new EnrollmentError('wrong-kind', 'This identity is protected by a passphrase.');
  const usable = keys.filter((k) => k.rpId === page.rpId);
  if (usable.length === 0) throw new EnrollmentError('wrong-origin', `This identity's security key credentials belong to ${keys[0].rpId}; open the app there.`);
  const bundle = decodeBundle(profile.bundleBytes);
  const asked = usable.map((key) => {
    const envelope = envelopes.get(key.envelope);
    if (!envelope) throw new EnrollmentError('damaged', `The envelope of a security key (${key.envelope}) is missing from this browser.`);
    const info = envelopeInfo(envelope);
    return { key, envelope, uv: info.userVerified ?? key.userVerified, upgradeInput: info.version === 1 ? newPrfInput() : undefined, input: info.prfInput! };
  });
  const mode: UserVerificationRequirement = asked.every((a) => a.uv) ? 'required' : asked.every((a) => !a.uv) ? 'discouraged' : 'preferred';
  const credentials: AllowedCredential[] = asked.map((a) => ({
    id: a.key.credentialId, transports: a.key.transports, prf: { first: a.input, ...(a.upgradeInput ? { second: a.upgradeInput } : {}) },
  }));
  const assertion = await getAssertion({ rpId: page.rpId, challenge: crypto.getRandomValues(new Uint8Array(32)), credentials, userVerification: mode });
  const prf = assertion.prf;
  try {
    const used = asked.find((a) => equalBytes(a.key.credentialId, assertion.credentialId));
    if (!used) throw new EnrollmentError('wrong-key', 'The security key answered with a credential this identity does not list.');
    if (!prf) throw new EnrollmentError('no-prf', 'The security key returned no PRF output.');
    let identity: IdentityKeyPair;
    try {
      identity = checkSameIdentity(await unwrapIdentity(used.envelope, { prfOutput: prf.first, credentialId: used.key.credentialId }), bundle);
    } catch (e) {
      if (e instanceof EnrollmentError) throw e;
      // The other UV state gives the other secret: say so, and how to get back in.
      if (assertion.userVerified !== used.uv) throw uvChanged({ ...used.key, userVerified: used.uv }, keys);
      throw new EnrollmentError('wrong-key', 'This security key does not unlock the identity stored in this browser.', { cause: e });
    }
    if (!used.upgradeInput || !prf.second) return { identity, key: used.key };
    const seed = identity.exportSecretKey();
    try {
      const upgraded = await wrapSecret(seed, { prfOutput: prf.second, credentialId: used.key.credentialId, prfInput: used.upgradeInput, userVerified: used.uv });
      return { identity, key: used.key, upgraded };
    } finally {
      seed.fill(0);
    }
  } finally {
    prf?.first.fill(0);
    prf?.second?.fill(0);
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
