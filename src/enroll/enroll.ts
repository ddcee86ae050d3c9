// Enrolling an identity on FIDO2 security keys from Node, over CTAP 2.1 (Node only — not exported
// from keyprint/identity, which stays browser-safe). Enrolling one key is:
//   1. authenticatorMakeCredential (CTAP 2.1 §6.1): RP `keyprint.local`, ES256, resident key,
//      hmac-secret (§12.5), packed attestation, the identity's other keys in excludeList;
//      clientDataHash = SHA-256(registration clientDataJSON) where the clientDataJSON is rebuilt
//      from the bundle alone (see registrationClientData);
//   2. authenticatorGetAssertion (§6.2) with clientDataHash = bindingChallenge(A, time) (docs/PROTOCOL.md,
//      "Binding challenge and verification", kind 2 = CTAP; time = createdAt for the first key, the
//      moment it was added for a later one) and hmac-secret with salt1 = prfSalt(prfInput), a fresh
//      random 32-byte PRF input — the salt a browser sends for WebAuthn PRF input `prfInput`
//      (WebAuthn L3 §10.1.4), so the browser and Node derive the same wrap key;
//   3. the identity seed is wrapped under that output (wrap.ts, version 2: the PRF input and the UV
//      state travel in the envelope), the attestation (WebAuthn §7.1) and the binding (binding.ts)
//      are verified, and the bundle — listing every key — is signed.
// Unlocking asks the key for exactly the UV state it was enrolled with (a PIN token or none), and
// a version-1 envelope (fixed PRF input "keyprint-wrap-v1") is rewritten as version 2 in the same
// touch (salt2 = the new input's salt).
// This layer does no I/O beyond the authenticator: where an identity is kept is its caller's choice
// (the CLI's home directory is src/cli/_identity-store.ts); an unlock that upgrades a version-1
// envelope returns the new key list for the caller to store.

import { sha256 } from '../core/index.js';
import { KeyprintError, InputError, describe } from '../errors.js';
import {
  CtapError, CtapStatus, HardwareError, PinUvAuthTokenPermission, encodeCbor, getInfoOption, negotiatePinUvAuthProtocol, parseAuthData, prfSalt,
  type AuthenticatorInfo, type CallOptions, type Ctap2Client, type PinToken,
} from '../hardware/index.js';
import { verifyAttestation, AttestationError, type AttestationTrust } from '../identity/attestation.js';
import { refuseCompromised } from '../identity/attestation-chain.js';
import { metadataAnchors } from '../identity/trust-anchors.js';
import { equalBytes, toBase64url, toHex, uuidString } from '../core/bytes.js';
import { describeAuthenticator, type AuthenticatorSummary } from '../identity/authenticator-model.js';
import { bindingChallenge, registrationClientData as registrationClientDataFor, verifyBinding } from '../identity/binding.js';
import {
  MAX_BINDINGS, bundleBindings, checkBundleDisplayName, encodeBundle, signBundle, type HardwareBinding, type IdentityBundle,
} from '../identity/bundle.js';
import { IdentityError } from '../identity/errors.js';
import { IdentityKeyPair } from '../identity/identity.js';
import type { TrustAnchorInput } from '../identity/trust-anchors.js';
import { envelopeInfo, newPrfInput, unwrapIdentity, wrapSecret } from '../identity/wrap.js';
import { EnrollError, type EnrollRemedy } from './errors.js';

export { EnrollError, type EnrollRemedy };

/** Key-store name of the first key's envelope (a later key's is `identity-<hash>`, see envelopeNameFor). */
export const IDENTITY_KEY_NAME = 'identity';

/** The WebAuthn RP ID (CTAP `rp.id`) keyprint's credentials are scoped to. */
export const KEYPRINT_RP_ID = 'keyprint.local';
/** The origin in the registration clientDataJSON (`https://` + the RP ID). */
export const KEYPRINT_ORIGIN = `https://${KEYPRINT_RP_ID}`;
const COSE_ES256 = -7;
const DEVICE_TIMEOUT_MS = 60_000; // a touch counts against it (CallOptions.timeoutMs)
const FLAG_UV = 0x04; // authenticatorData flags (WebAuthn §6.1)

/** One security key that unlocks the identity: its credential and what its authenticator is. Nothing secret. */
export interface CredentialRecord {
  rpId: string;
  credentialId: Uint8Array;
  /**
   * Whether the key's wrap secret came with UV (a PIN): hmac-secret keeps separate secrets with and
   * without UV (CTAP 2.1 §12.5), so unlocking asks for exactly this. A version-2 envelope records it too.
   */
  userVerified: boolean;
  /** The exact registration clientDataJSON the attestation signs (also rebuildable, see registrationClientData). */
  registrationClientDataJSON: Uint8Array;
  authenticator: AuthenticatorSummary;
  /** When this key was enrolled (ms since the epoch): the bundle's createdAt for the first key, its binding's boundAt for a later one. */
  enrolledAt: number;
  /** The key-store name of this key's envelope: `identity` (the first key) or `identity-<12 hex of SHA-256(credentialId)>`. */
  envelopeName: string;
}

/** A key of an enrolled identity: its record and its envelope (the seed wrapped under its hmac-secret output). */
export interface EnrolledKey {
  credential: CredentialRecord;
  envelope: Uint8Array;
}

export type { AuthenticatorSummary };

/** The result of enroll(): a new identity's bundle and its one key. Wipe `identity` with `destroy()` when done. */
export interface Enrollment extends EnrolledKey {
  identity: IdentityKeyPair;
  bundle: IdentityBundle;
  bundleBytes: Uint8Array;
}

/** A new key list for an enrolled identity (addKey / removeKey): write it with writeKeys. */
export interface KeyChange {
  bundle: IdentityBundle;
  bundleBytes: Uint8Array;
  /** Every key, in the bundle's order (bundleBindings). */
  keys: EnrolledKey[];
}

/** Options shared by the device calls (enroll, addKey, unlockIdentity). */
export interface DeviceCallOptions {
  /** The PIN, when the authenticator has one (makes the enrollment user-verified). */
  pin?: string;
  /** Called for each CTAPHID KEEPALIVE: 2 = UPNEEDED ("touch your key"). */
  onKeepalive?: CallOptions['onKeepalive'];
  signal?: AbortSignal;
  /** Deadline per authenticator request, including waiting for a touch (default 60 s). */
  timeoutMs?: number;
}

/** The registration clientDataJSON keyprint's CTAP enrollment signs (binding.ts), for keyprint.local. */
export function registrationClientData(challenge: Uint8Array): Uint8Array {
  return registrationClientDataFor(challenge, KEYPRINT_RP_ID);
}

/** Maps CTAP / HID failures to EnrollError (the hardware error stays as `cause`). */
function mapDeviceError(e: unknown): never {
  if (e instanceof CtapError) {
    switch (e.status) {
      case CtapStatus.CTAP2_ERR_PUAT_REQUIRED:
        throw new EnrollError('pin-required', 'this security key has a PIN', { cause: e, remedy: 'give-pin' });
      case CtapStatus.CTAP2_ERR_PIN_INVALID:
        throw new EnrollError('pin-invalid', 'wrong PIN', { cause: e });
      case CtapStatus.CTAP2_ERR_PIN_BLOCKED:
        throw new EnrollError('pin-blocked', 'the PIN is blocked (too many wrong PINs); the key must be reset', { cause: e });
      case CtapStatus.CTAP2_ERR_PIN_AUTH_BLOCKED:
        throw new EnrollError('pin-blocked', 'too many wrong PINs in a row: unplug the key and plug it in again', { cause: e });
      case CtapStatus.CTAP2_ERR_PIN_NOT_SET:
        throw new EnrollError('pin-not-set', 'this security key has no PIN', { cause: e, remedy: 'no-pin' });
      case CtapStatus.CTAP2_ERR_NO_CREDENTIALS:
        throw new EnrollError('wrong-key', 'this security key does not hold the credential of this identity', { cause: e });
      case CtapStatus.CTAP2_ERR_CREDENTIAL_EXCLUDED:
        throw new EnrollError('already-enrolled', 'this security key already holds one of this identity\'s keys: plug in another security key to add', { cause: e });
      case CtapStatus.CTAP2_ERR_KEEPALIVE_CANCEL:
        throw new EnrollError('cancelled', 'cancelled before the security key was touched', { cause: e });
      case CtapStatus.CTAP2_ERR_OPERATION_DENIED:
        throw new EnrollError('cancelled', 'the request was denied on the security key', { cause: e });
      case CtapStatus.CTAP2_ERR_USER_ACTION_TIMEOUT:
      case CtapStatus.CTAP2_ERR_ACTION_TIMEOUT:
        throw new EnrollError('cancelled', 'the security key was not touched in time', { cause: e });
      default:
        throw new EnrollError('device', `the security key refused the request: ${e.message}`, { cause: e });
    }
  }
  if (e instanceof HardwareError && e.code === 'timeout') {
    throw new EnrollError('device', 'the security key did not answer in time (not touched, or unplugged)', { cause: e });
  }
  if (e instanceof HardwareError && e.code === 'aborted') throw new EnrollError('cancelled', 'cancelled', { cause: e });
  throw e;
}

async function device<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    return mapDeviceError(e);
  }
}

function callOptions(o: DeviceCallOptions): CallOptions {
  return { onKeepalive: o.onKeepalive, signal: o.signal, timeoutMs: o.timeoutMs ?? DEVICE_TIMEOUT_MS };
}

/**
 * A pinUvAuthToken for one permission (mc or ga) over the negotiated PIN/UV protocol (§6.5.5.7;
 * the legacy getPinToken on keys without the `pinUvAuthToken` option).
 */
async function pinTokenFor(
  ctap: Ctap2Client, info: AuthenticatorInfo, pin: string, permission: number, o: DeviceCallOptions, rpId = KEYPRINT_RP_ID,
): Promise<PinToken> {
  if (info.options.clientPin !== true) {
    throw new EnrollError('pin-not-set', 'this security key has no PIN', { remedy: 'no-pin' });
  }
  const protocol = negotiatePinUvAuthProtocol(info);
  try {
    return await ctap.getPinToken(pin, protocol, { permissions: permission, rpId, info }, { signal: o.signal, timeoutMs: 10_000 });
  } catch (e) {
    if (e instanceof CtapError && e.status === CtapStatus.CTAP2_ERR_PIN_INVALID) {
      // §6.5.5.2 getPINRetries: tell the user how many attempts are left before the PIN blocks.
      const left = await ctap.getPinRetries({ timeoutMs: 5_000 }, protocol).then((r) => r.retries, () => undefined);
      throw new EnrollError('pin-invalid', left === undefined ? 'wrong PIN' : `wrong PIN (${left} attempt${left === 1 ? '' : 's'} left)`, { cause: e });
    }
    return mapDeviceError(e);
  }
}

/** Fails before any credential exists when the key offers no PIN/UV auth protocol keyprint speaks (hmac-secret needs one). */
function checkPinUvAuthProtocols(info: AuthenticatorInfo): void {
  try {
    negotiatePinUvAuthProtocol(info);
  } catch (e) {
    throw new EnrollError('device', `this security key cannot be used: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Checks a display name the way the bundle will (bundle.ts), before anyone touches a key.
 * @param name the name
 * @returns the NFC-normalised name
 * @throws InputError `"displayName" expected …`
 * @example checkDisplayName('Ada') // 'Ada'
 */
export function checkDisplayName(name: unknown): string {
  if (typeof name !== 'string') throw new InputError('invalid-type', `"displayName" expected string, got ${describe(name)}`);
  const displayName = name.normalize('NFC');
  return checkBundleDisplayName(displayName);
}

/**
 * getInfo and everything that can be checked before the key stores a resident credential:
 * hmac-secret, resident keys, a PIN/UV protocol, ES256, no compromise reported by the user's FIDO
 * metadata, and a PIN given when the key has one.
 */
async function preflight(options: DeviceCallOptions & { ctap: Ctap2Client; trustAnchors?: readonly TrustAnchorInput[] }): Promise<AuthenticatorInfo> {
  const { ctap, pin } = options;
  const info = await device(() => ctap.getInfo({ signal: options.signal, timeoutMs: 10_000 }));
  if (!info.extensions.includes('hmac-secret')) {
    throw new EnrollError('no-hmac-secret', 'this security key does not support hmac-secret (needed to wrap the identity key)');
  }
  // §6.4: an absent `rk` option means false.
  if (getInfoOption(info, 'rk') !== true) throw new EnrollError('device', 'this security key cannot store resident credentials');
  checkPinUvAuthProtocols(info);
  // §6.4 `algorithms` (optional): keyprint's credential is ES256.
  if (info.algorithms && !info.algorithms.some((a) => a.alg === COSE_ES256)) {
    throw new EnrollError('device', 'this security key does not offer ES256 (COSE -7) credentials, which keyprint needs');
  }
  // A model the user's FIDO metadata reports compromised (any of its certificates) is refused now.
  if (!options.trustAnchors) {
    try {
      refuseCompromised(metadataAnchors(uuidString(info.aaguid)), []);
    } catch (e) {
      throw attestationFailure(e);
    }
  }
  // §6.1.2 step 6: with a PIN set, a discoverable credential needs UV even under makeCredUvNotRqd.
  if (pin === undefined && info.options.clientPin === true) {
    throw new EnrollError('pin-required', 'this security key has a PIN', { remedy: 'give-pin' });
  }
  return info;
}

/**
 * Enrolls a new identity on an authenticator: makes a resident ES256 credential with hmac-secret,
 * binds the identity key to it (a CTAP assertion over bindingChallenge), wraps the seed under the
 * hmac-secret output for a fresh PRF input, verifies attestation and binding, and signs the bundle.
 * Two touches: one for the credential, one for the assertion.
 * @param options.ctap an open CTAP2 client
 * @param options.displayName the bundle's name (checked as bundle.ts does)
 * @param options.identity the identity to bind (default: a fresh one from crypto.getRandomValues)
 * @param options.pin the authenticator's PIN (then the credential and the wrap key need UV)
 * @param options.trustAnchors attestation trust anchors instead of the defaults
 * @param options.onKeepalive / signal / timeoutMs see DeviceCallOptions
 * @returns the identity, bundle, envelope and credential record (nothing is written; see writeEnrollment)
 * @throws EnrollError (`no-hmac-secret`, `pin-*`, `attestation-invalid`, `binding-invalid`, `cancelled`,
 *   `device`); InputError for a bad name; HardwareError for transport failures
 * @example const e = await enroll({ ctap, displayName: 'Ada', onKeepalive: (s) => s === 2 && prompt() })
 */
export async function enroll(options: DeviceCallOptions & {
  ctap: Ctap2Client;
  displayName: string;
  identity?: IdentityKeyPair;
  trustAnchors?: readonly TrustAnchorInput[];
}): Promise<Enrollment> {
  const displayName = checkDisplayName(options.displayName);
  const info = await preflight(options);
  const identity = options.identity ?? IdentityKeyPair.generate();
  try {
    const createdAt = Date.now();
    const made = await bind(options, info, {
      identity, userName: displayName, time: createdAt, exclude: [], envelopeName: IDENTITY_KEY_NAME,
      bundleWith: (binding) => signBundle({ displayName, identityPublicKey: identity.publicKey, createdAt, binding }, identity),
    });
    return { identity, bundle: made.bundle, bundleBytes: encodeBundle(made.bundle), envelope: made.key.envelope, credential: made.key.credential };
  } catch (e) {
    if (!options.identity) identity.destroy(); // a fresh identity that was never stored is wiped
    throw e;
  }
}

/**
 * Adds a security key to an enrolled identity — the recovery path when a key is lost: a new
 * credential on this authenticator (its other keys in excludeList), bound at this moment
 * (`boundAt`), with its own envelope wrapping the same seed under its own hmac-secret output; the
 * bundle is re-signed listing every key (version 2). Two touches on the new key.
 * @param options.ctap the new key's CTAP2 client
 * @param options.enrolled the identity as read from its home
 * @param options.identity the unlocked identity (unlockIdentity with one of its keys)
 * @param options.pin the new key's PIN, when it has one
 * @returns the new key list (nothing is written; see writeKeys)
 * @throws EnrollError `too-many-keys`, `already-enrolled` (this key holds one of the identity's
 *   credentials), `identity-mismatch`, and everything enroll() throws
 * @example await writeKeys(home, await addKey({ ctap, enrolled, identity, pin }))
 */
export async function addKey(options: DeviceCallOptions & {
  ctap: Ctap2Client;
  enrolled: EnrolledIdentity;
  identity: IdentityKeyPair;
  trustAnchors?: readonly TrustAnchorInput[];
}): Promise<KeyChange> {
  const { enrolled, identity } = options;
  const old = enrolled.bundle;
  if (!equalBytes(identity.publicKey, old.identityPublicKey)) throw new EnrollError('identity-mismatch', `the unlocked key is not the identity in ${enrolled.home}`);
  const bindings = bundleBindings(old);
  if (bindings.length >= MAX_BINDINGS) throw new EnrollError('too-many-keys', `this identity already has ${bindings.length} security keys, the most a bundle lists: remove one first`, { remedy: 'remove-key' });
  const info = await preflight(options);
  // boundAt must come after createdAt (bundle.ts): a clock behind the bundle's is moved past it.
  const boundAt = Math.max(Date.now(), old.createdAt + 1);
  const made = await bind(options, info, {
    identity, userName: old.displayName, time: boundAt, exclude: bindings.map((b) => b.credentialId), envelopeName: '',
    bundleWith: (binding) => signBundle({
      displayName: old.displayName, identityPublicKey: old.identityPublicKey, createdAt: old.createdAt, expiresAt: old.expiresAt,
      binding: old.binding, additionalBindings: [...(old.additionalBindings ?? []), { ...binding, boundAt }],
    }, identity),
  });
  const bundle = made.bundle;
  return { bundle, bundleBytes: encodeBundle(bundle), keys: [...enrolled.keys, made.key] };
}

/** What bind() needs besides the device: who, when (the binding challenge's time), and how the bundle is made. */
interface BindRequest {
  identity: IdentityKeyPair;
  userName: string;
  /** The time the binding challenge commits to: createdAt (first key) or boundAt (a key added later). */
  time: number;
  /** Credentials the key must not already hold (the identity's other keys). */
  exclude: Uint8Array[];
  /** The envelope's key-store name ('' = derived from the new credential ID). */
  envelopeName: string;
  /** The bundle that lists the new binding (signed), verified before anything is returned. */
  bundleWith(binding: HardwareBinding): IdentityBundle;
}

/** Binds one new key after the preflight checks: credential, attestation, binding assertion, wrap, sign. */
async function bind(
  options: DeviceCallOptions & { ctap: Ctap2Client; trustAnchors?: readonly TrustAnchorInput[] },
  info: AuthenticatorInfo, r: BindRequest,
): Promise<{ bundle: IdentityBundle; key: EnrolledKey }> {
  const { ctap, pin } = options;
  const call = callOptions(options);
  const challenge = bindingChallenge({ identityPublicKey: r.identity.publicKey, createdAt: r.time });
  const clientDataJSON = registrationClientData(challenge);

  // 1. The credential (§6.1). user.id: random, so enrolling again never replaces (deletes) the
  //    credential an existing envelope depends on (§6.1.2 step 17 replaces same rpId + user.id);
  //    excludeList: the identity's other keys (§6.1.2 step 7: CTAP2_ERR_CREDENTIAL_EXCLUDED).
  const mcToken = pin === undefined ? undefined : await pinTokenFor(ctap, info, pin, PinUvAuthTokenPermission.mc, options);
  const clientDataHash = sha256(clientDataJSON);
  const made = await device(() => ctap.makeCredential({
    clientDataHash,
    rp: { id: KEYPRINT_RP_ID, name: 'keyprint' },
    user: { id: globalThis.crypto.getRandomValues(new Uint8Array(16)), name: r.userName, displayName: r.userName },
    pubKeyCredParams: [{ type: 'public-key', alg: COSE_ES256 }],
    ...(r.exclude.length ? { excludeList: r.exclude.map((id) => ({ type: 'public-key' as const, id })) } : {}),
    extensions: new Map([['hmac-secret', true]]),
    options: { rk: true },
    pinUvAuthParam: mcToken?.authenticate(clientDataHash),
    pinUvAuthProtocol: mcToken?.protocol.version,
  }, call)).finally(() => mcToken?.wipe());
  // From here on the key holds a resident credential: whatever fails now, remove it again (or say
  // exactly which one was left), so a failed enrollment leaves no orphan behind.
  let createdId: Uint8Array | undefined;
  try {
    createdId = parseAuthData(made.authData).attestedCredentialData?.credentialId;
    return await finish(options, info, made, { ...r, challenge, clientDataJSON });
  } catch (e) {
    throw await withoutOrphan(e, { ctap, info, pin, credentialId: createdId, displayName: r.userName });
  }
}

/** bind() after makeCredential: attestation, binding assertion with hmac-secret, wrap, sign, check. */
async function finish(
  options: DeviceCallOptions & { ctap: Ctap2Client; trustAnchors?: readonly TrustAnchorInput[] },
  info: AuthenticatorInfo, made: { fmt: string; attStmt: Map<unknown, unknown>; authData: Uint8Array },
  s: BindRequest & { challenge: Uint8Array; clientDataJSON: Uint8Array },
): Promise<{ bundle: IdentityBundle; key: EnrolledKey }> {
  const { ctap, pin } = options;
  const { identity, challenge, clientDataJSON } = s;
  const call = callOptions(options);
  // WebAuthn §6.5 attestationObject: { fmt, attStmt, authData } (CTAP2 canonical CBOR, like a browser's).
  const attestationObject = encodeCbor(new Map<string, unknown>([['fmt', made.fmt], ['attStmt', made.attStmt], ['authData', made.authData]]));

  // 2. Attestation (WebAuthn §7.1): which authenticator made the credential.
  const attestation = await verifyRegistration(attestationObject, clientDataJSON, challenge, pin !== undefined, options.trustAnchors);
  const { credentialId, credentialPublicKey } = attestation;
  // §12.5: the makeCredential output `hmac-secret: true` says the credential has CredRandom values.
  if (parseAuthData(made.authData).extensions?.get('hmac-secret') !== true) throw new EnrollError('no-hmac-secret', 'the security key did not enable hmac-secret for the new credential');

  // 3. The binding assertion with hmac-secret (§6.2, §12.5) for a fresh PRF input. A fresh token:
  //    an mc-permission token is not good for getAssertion, and authenticators may clear
  //    permissions after use (§6.5.5.7).
  const prfInput = newPrfInput();
  const gaToken = pin === undefined ? undefined : await pinTokenFor(ctap, info, pin, PinUvAuthTokenPermission.ga, options);
  const { assertion, first } = await device(() => ctap.hmacSecret({
    rpId: KEYPRINT_RP_ID, clientDataHash: challenge, allowList: [{ type: 'public-key', id: credentialId }],
    salt1: prfSalt(prfInput), pinToken: gaToken, protocol: negotiatePinUvAuthProtocol(info),
  }, call)).finally(() => gaToken?.wipe());
  // The output is CredRandomWithUV's exactly when the assertion says UV (§12.5): record that.
  const userVerified = (assertion.authData[32] & FLAG_UV) !== 0;

  const seed = identity.exportSecretKey();
  let envelope: Uint8Array;
  try {
    envelope = await wrapSecret(seed, { prfOutput: first, credentialId, prfInput, userVerified });
  } finally {
    seed.fill(0);
    first.fill(0);
  }

  const binding: HardwareBinding = {
    kind: 'ctap', rpId: KEYPRINT_RP_ID, credentialId, credentialPublicKey, attestationObject,
    authenticatorData: assertion.authData, clientDataHash: challenge, signature: assertion.signature,
  };
  const bundle = s.bundleWith(binding);
  // 4. The bindings (docs/PROTOCOL.md steps 1–5), as any verifier of the bundle will check them.
  const checked = verifyBinding(bundle, { rpId: KEYPRINT_RP_ID });
  if (!checked.valid) throw new EnrollError('binding-invalid', `the security key's binding assertion does not verify (${checked.reason})`);
  if (pin !== undefined && !userVerified) throw new EnrollError('binding-invalid', 'the security key did not verify the PIN for the binding assertion');

  const credential: CredentialRecord = {
    rpId: KEYPRINT_RP_ID, credentialId, userVerified, registrationClientDataJSON: clientDataJSON, enrolledAt: s.time,
    authenticator: describeAuthenticator(attestation, info.versions), envelopeName: s.envelopeName || envelopeNameFor(credentialId),
  };
  return { bundle, key: { credential, envelope } };
}

/** The key-store name of a key added later: `identity-` and 12 hex digits of SHA-256(credentialId). */
function envelopeNameFor(credentialId: Uint8Array): string {
  return `${IDENTITY_KEY_NAME}-${toHex(sha256(credentialId).subarray(0, 6))}`;
}

/**
 * After a failure that followed makeCredential: deletes the new resident credential through
 * authenticatorCredentialManagement (CTAP 2.1 §6.8.5; a `cm` token needs the PIN) when the key has it
 * and a PIN was given, else says which credential was left and how it can go. The original error is
 * kept — its code, its message first — with the outcome appended; `leftCredential` is set when the
 * credential is still on the key.
 */
async function withoutOrphan(
  e: unknown, c: { ctap: Ctap2Client; info: AuthenticatorInfo; pin?: string; credentialId?: Uint8Array; displayName: string },
): Promise<unknown> {
  if (!(e instanceof KeyprintError) || !c.credentialId) return e;
  const id = toBase64url(c.credentialId);
  const managed = getInfoOption(c.info, 'credMgmt') === true || getInfoOption(c.info, 'credentialMgmtPreview') === true;
  let outcome: string;
  let remedy: EnrollRemedy | undefined;
  if (managed && c.pin !== undefined) {
    try {
      // No AbortSignal: a Ctrl+C that ended the enrollment must not also stop the clean-up.
      const token = await c.ctap.getPinToken(c.pin, negotiatePinUvAuthProtocol(c.info), { permissions: PinUvAuthTokenPermission.cm, info: c.info }, { timeoutMs: 10_000 });
      try {
        await c.ctap.deleteCredential(c.credentialId, token, { timeoutMs: 10_000 });
      } finally {
        token.wipe();
      }
      return new EnrollError(e.code, `${e.message} (the credential it had just made was removed from the key)`, { cause: e });
    } catch (x) {
      outcome = `could not be removed (${x instanceof Error ? x.message : String(x)}): delete it with a credential manager that knows the key's PIN, e.g. ykman fido credentials delete`;
    }
  } else if (managed) {
    outcome = 'is still on the key: delete it with a credential manager (it needs a PIN on the key), e.g. ykman fido credentials delete';
    remedy = 'pin-next-time';
  } else {
    outcome = 'is still on the key, which cannot delete single credentials (no credential management, CTAP 2.1 §6.8): only a reset of the key, which erases all its credentials, removes it';
  }
  const error = new EnrollError(e.code, `${e.message}; the credential it had just made (RP ${KEYPRINT_RP_ID}, user "${c.displayName}", id ${id}) ${outcome}`, { cause: e, remedy });
  return Object.assign(error, { leftCredential: { rpId: KEYPRINT_RP_ID, credentialId: c.credentialId.slice(), userName: c.displayName } });
}

interface Registration {
  credentialId: Uint8Array;
  credentialPublicKey: Uint8Array;
  trust: AttestationTrust;
  vendor?: string;
  model?: string;
  aaguid: string;
  fmt: string;
}

/**
 * verifyAttestation with keyprint's RP ID, origin and challenge. A chain that reaches no trust
 * anchor — the emulator's own CA, or a leaf from a CA nobody published, as Solo sends — enrolls as
 * `attested-unknown-vendor`; any broken signature or certificate fails enrollment with the
 * verifier's reason.
 */
async function verifyRegistration(
  attestationObject: Uint8Array, clientDataJSON: Uint8Array, challenge: Uint8Array, uv: boolean,
  trustAnchors?: readonly TrustAnchorInput[],
): Promise<Registration> {
  const result = await verifyAttestation({
    attestationObject, clientDataJSON, rpId: KEYPRINT_RP_ID, origin: KEYPRINT_ORIGIN, challenge,
    requireUserVerification: uv, algorithms: [COSE_ES256], trustAnchors,
  }).catch((e: unknown): never => { throw attestationFailure(e); });
  const { trust } = result;
  return {
    credentialId: result.credentialId, credentialPublicKey: result.credentialPublicKey, trust,
    vendor: trust === 'hardware-attested' ? result.vendor : undefined, model: trust === 'hardware-attested' ? result.model : undefined,
    aaguid: result.aaguid, fmt: result.fmt,
  };
}

/** An AttestationError as the EnrollError `attestation-invalid` (its code kept in the message); anything else as is. */
function attestationFailure(e: unknown): unknown {
  if (e instanceof AttestationError) return new EnrollError('attestation-invalid', `the security key's attestation does not verify: ${e.message} [${e.code}]`, { cause: e });
  return e;
}

// ---- unlocking ---------------------------------------------------------------------------------

/** An enrolled identity, as its caller keeps it (the CLI: a home directory). */
export interface EnrolledIdentity {
  /** Where it is kept, as named in messages (the CLI: the home directory). */
  home: string;
  bundle: IdentityBundle;
  bundleBytes: Uint8Array;
  /** Its keys, in the bundle's order (bundleBindings): the first key, then those added later. */
  keys: EnrolledKey[];
}

/** What unlockWithKey found: the identity, which of its keys unlocked it, and whether its envelope was upgraded. */
export interface Unlocked {
  identity: IdentityKeyPair;
  /** The key that unlocked, as enrolled. */
  key: EnrolledKey;
  /**
   * A version-1 envelope was rewritten as version 2 in the same touch: the key list with the new
   * envelope, for the caller to store (until it is, the old envelope keeps working).
   */
  upgrade?: { key: EnrolledKey; change: KeyChange };
}

/**
 * Touches the security key for the hmac-secret output of the identity's credential on it, unwraps
 * the seed and checks that its public key is the bundle's. See unlockWithKey.
 * @returns the identity key pair (call `destroy()` when done)
 * @example const identity = await unlockIdentity({ ctap, enrolled: await readEnrollment(home) })
 */
export async function unlockIdentity(options: DeviceCallOptions & { ctap: Ctap2Client; enrolled: EnrolledIdentity }): Promise<IdentityKeyPair> {
  return (await unlockWithKey(options)).identity;
}

/**
 * Unlocks the identity with whichever of its keys this authenticator is: when the identity has
 * several, a silent assertion (`up: false`, CTAP 2.1 §6.2.2) finds the one the key holds, without a
 * touch. The key is asked for exactly the UV state it was enrolled with — a PIN token when it was
 * enrolled with its PIN, none when it was not, even if it has a PIN now (hmac-secret keeps separate
 * secrets, §12.5). A version-1 envelope is opened with salt1 = prfSalt("keyprint-wrap-v1") while
 * salt2 = prfSalt(new input) gives its version-2 replacement in the same touch, returned for the
 * caller to store (`upgrade`).
 * @param options.ctap an open CTAP2 client
 * @param options.enrolled the identity as the caller keeps it
 * @param options.pin required when the key was enrolled with a PIN (and only then used)
 * @returns the identity, the key that unlocked it, and the upgrade outcome
 * @throws EnrollError `wrong-key` ("this security key does not unlock the identity in HOME"),
 *   `uv-changed`, `pin-required`, `pin-invalid`, `identity-mismatch`, `cancelled`, `device`
 * @example const { identity, key } = await unlockWithKey({ ctap, enrolled, pin })
 */
export async function unlockWithKey(options: DeviceCallOptions & { ctap: Ctap2Client; enrolled: EnrolledIdentity }): Promise<Unlocked> {
  const { ctap, enrolled } = options;
  const { home, keys } = enrolled;
  const wrongKey = (cause?: unknown) => new EnrollError('wrong-key', keys.length === 1
    ? `this security key does not unlock the identity in ${home}`
    : `this security key is none of the ${keys.length} keys that unlock the identity in ${home}`, { cause, remedy: keys.length > 1 ? 'other-key' : undefined });
  const info = await device(() => ctap.getInfo({ signal: options.signal, timeoutMs: 10_000 }));
  if (!info.extensions.includes('hmac-secret')) throw wrongKey();
  checkPinUvAuthProtocols(info);
  // Which key this is, found silently (before any PIN is asked for); a key that refuses up=false is tried key by key.
  const probed = await whichKey(ctap, keys, options);
  if (probed === null) throw wrongKey();
  for (const key of probed ? [probed] : keys) {
    try {
      return await unlockOne(ctap, info, enrolled, key, options);
    } catch (e) {
      if (e instanceof EnrollError && e.code === 'wrong-key' && !probed) continue;
      if (e instanceof EnrollError && e.code === 'wrong-key') throw wrongKey(e.cause);
      throw e;
    }
  }
  throw wrongKey();
}

/**
 * Which of the keys this authenticator holds, by a silent assertion for each (no touch): the key,
 * `null` when it holds none, `undefined` when it does not do silent assertions.
 */
async function whichKey(ctap: Ctap2Client, keys: EnrolledKey[], o: DeviceCallOptions): Promise<EnrolledKey | null | undefined> {
  for (const key of keys) {
    try {
      await ctap.getAssertion({
        rpId: key.credential.rpId, clientDataHash: globalThis.crypto.getRandomValues(new Uint8Array(32)),
        allowList: [{ type: 'public-key', id: key.credential.credentialId }], options: { up: false },
      }, { signal: o.signal, timeoutMs: 10_000 });
      return key;
    } catch (e) {
      if (e instanceof CtapError && e.status === CtapStatus.CTAP2_ERR_NO_CREDENTIALS) continue;
      if (e instanceof CtapError && (e.status === CtapStatus.CTAP2_ERR_INVALID_OPTION || e.status === CtapStatus.CTAP2_ERR_UNSUPPORTED_OPTION)) return undefined;
      return mapDeviceError(e);
    }
  }
  return null;
}

/** The explanation when a key's UV state differs from its enrollment's. */
function uvChanged(enrolledWithUv: boolean, why: string): EnrollError {
  return new EnrollError('uv-changed', `this key was enrolled ${enrolledWithUv ? 'with its PIN' : 'without a PIN'}, but ${why}: it now gives another secret, which does not open the identity. Unlock with another of its keys, then remove this one and add it again`, { remedy: 'other-key' });
}

/** unlockWithKey for one key: UV as enrolled, hmac-secret (and the upgrade salt), unwrap, check, upgrade. */
async function unlockOne(ctap: Ctap2Client, info: AuthenticatorInfo, enrolled: EnrolledIdentity, key: EnrolledKey, o: DeviceCallOptions): Promise<Unlocked> {
  const { credential } = key;
  const env = envelopeInfo(key.envelope);
  const uv = env.userVerified ?? credential.userVerified;
  if (uv && o.pin === undefined) throw new EnrollError('pin-required', 'this identity was enrolled with a PIN', { remedy: 'give-pin' });
  // CTAP 2.1 §7.2.3 alwaysUv: every assertion is user-verified, so the secret without UV is out of reach.
  if (!uv && getInfoOption(info, 'alwaysUv') === true) throw uvChanged(false, 'the key now verifies its user for every request (alwaysUv is on; ykman fido config toggle-always-uv turns it off)');
  const token = uv ? await pinTokenFor(ctap, info, o.pin!, PinUvAuthTokenPermission.ga, o, credential.rpId) : undefined;
  const upgradeInput = env.version === 1 ? newPrfInput() : undefined;
  let outputs: { assertion: { authData: Uint8Array }; first: Uint8Array; second?: Uint8Array };
  try {
    outputs = await ctap.hmacSecret({
      rpId: credential.rpId, clientDataHash: globalThis.crypto.getRandomValues(new Uint8Array(32)),
      allowList: [{ type: 'public-key', id: credential.credentialId }], salt1: prfSalt(env.prfInput!),
      ...(upgradeInput ? { salt2: prfSalt(upgradeInput) } : {}), pinToken: token, protocol: negotiatePinUvAuthProtocol(info),
    }, callOptions(o));
  } catch (e) {
    if (e instanceof CtapError && e.status === CtapStatus.CTAP2_ERR_NO_CREDENTIALS) throw new EnrollError('wrong-key', 'no credential', { cause: e });
    return mapDeviceError(e);
  } finally {
    token?.wipe();
  }
  const { first, second } = outputs;
  let identity: IdentityKeyPair;
  try {
    try {
      identity = await unwrapIdentity(key.envelope, { prfOutput: first, credentialId: credential.credentialId });
    } catch (e) {
      if (!(e instanceof IdentityError && e.code === 'unwrap-failed')) throw e;
      // The other UV state gives the other secret (§12.5): say so, and how to get back in.
      if (((outputs.assertion.authData[32] & FLAG_UV) !== 0) !== uv) {
        throw uvChanged(uv, uv ? 'this time the key did not verify its user' : 'it verified its user this time');
      }
      throw new EnrollError('wrong-key', 'unwrap failed', { cause: e });
    }
    if (!equalBytes(identity.publicKey, enrolled.bundle.identityPublicKey)) {
      identity.destroy();
      throw new EnrollError('identity-mismatch', `the unwrapped key is not the identity in ${enrolled.home}`);
    }
    if (!upgradeInput || !second) return { identity, key };
    // The version-2 envelope from the same touch: the seed under the second output.
    const seed = identity.exportSecretKey();
    let envelope: Uint8Array;
    try {
      envelope = await wrapSecret(seed, { prfOutput: second, credentialId: credential.credentialId, prfInput: upgradeInput, userVerified: uv });
    } finally {
      seed.fill(0);
    }
    const upgraded = { credential, envelope };
    const keys = enrolled.keys.map((k) => (k === key ? upgraded : k));
    return { identity, key, upgrade: { key: upgraded, change: { bundle: enrolled.bundle, bundleBytes: enrolled.bundleBytes, keys } } };
  } finally {
    first.fill(0);
    second?.fill(0);
  }
}

/**
 * Removes a key from an enrolled identity: the bundle is re-signed without its binding (the next
 * key becomes the first when the first goes). The credential itself stays on that security key,
 * but its envelope is deleted by writeKeys, so it no longer unlocks this identity from this home.
 * @param options.enrolled the identity as read from its home
 * @param options.identity the unlocked identity (with any of its keys)
 * @param options.credentialId the credential to remove
 * @returns the new key list (write it with writeKeys)
 * @throws EnrollError `no-such-key`, `last-key` (an identity keeps at least one key), `identity-mismatch`
 * @example await writeKeys(home, removeKey({ enrolled, identity, credentialId }))
 */
export function removeKey(options: { enrolled: EnrolledIdentity; identity: IdentityKeyPair; credentialId: Uint8Array }): KeyChange {
  const { enrolled, identity, credentialId } = options;
  const old = enrolled.bundle;
  if (!equalBytes(identity.publicKey, old.identityPublicKey)) throw new EnrollError('identity-mismatch', `the unlocked key is not the identity in ${enrolled.home}`);
  const at = enrolled.keys.findIndex((k) => equalBytes(k.credential.credentialId, credentialId));
  if (at < 0) throw new EnrollError('no-such-key', `the identity in ${enrolled.home} has no key with credential ${toBase64url(credentialId)}`, { remedy: 'other-key' });
  if (enrolled.keys.length === 1) {
    throw new EnrollError('last-key', 'this is the identity\'s only security key, and without it the identity could not be unlocked: add another one first', { remedy: 'add-key' });
  }
  return resign(old, identity, bundleBindings(old).filter((_, i) => i !== at), old.displayName, enrolled.keys.filter((_, i) => i !== at));
}

/**
 * The enrolled identity under another display name, every key kept: the bundle re-signed by the
 * identity, no touch and no new credential — a binding commits to the identity key and createdAt,
 * not to the name (binding.ts), so it stays valid. What `keyprint enroll` on the same key does.
 * @param options.identity the unlocked identity
 * @param options.displayName the new name (checked as bundle.ts does)
 * @returns the new key list (write it with writeKeys)
 * @throws EnrollError `identity-mismatch`; InputError for a bad name
 * @example await writeKeys(home, renameIdentity({ enrolled, identity, displayName: 'Ada Lovelace' }))
 */
export function renameIdentity(options: { enrolled: EnrolledIdentity; identity: IdentityKeyPair; displayName: string }): KeyChange {
  const { enrolled, identity } = options;
  const old = enrolled.bundle;
  if (!equalBytes(identity.publicKey, old.identityPublicKey)) throw new EnrollError('identity-mismatch', `the unlocked key is not the identity in ${enrolled.home}`);
  return resign(old, identity, bundleBindings(old), checkDisplayName(options.displayName), enrolled.keys);
}

/** The bundle signed again with these bindings (the first key's first) and name; createdAt and expiresAt kept. */
function resign(old: IdentityBundle, identity: IdentityKeyPair, bindings: HardwareBinding[], displayName: string, keys: EnrolledKey[]): KeyChange {
  const [first, ...rest] = bindings;
  const bundle = signBundle({
    displayName, identityPublicKey: old.identityPublicKey, createdAt: old.createdAt, expiresAt: old.expiresAt,
    binding: first, ...(rest.length ? { additionalBindings: rest } : {}),
  }, identity);
  return { bundle, bundleBytes: encodeBundle(bundle), keys };
}
