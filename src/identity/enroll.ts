// Enrolling an identity on a FIDO2 security key from Node, over CTAP 2.1 (Node only — not exported
// from keyprint/identity, which stays browser-safe). One enrollment is:
//   1. authenticatorMakeCredential (CTAP 2.1 §6.1): RP `keyprint.local`, ES256, resident key,
//      hmac-secret (§12.5), packed attestation; clientDataHash = SHA-256(registration clientDataJSON)
//      where the clientDataJSON is rebuilt from the bundle alone (see registrationClientData);
//   2. authenticatorGetAssertion (§6.2) with clientDataHash = bindingChallenge (docs/PROTOCOL.md,
//      "Binding challenge and verification", kind 2 = CTAP) and hmac-secret with
//      salt1 = prfSalt("keyprint-wrap-v1") — the salt a browser sends for WebAuthn PRF input
//      "keyprint-wrap-v1" (WebAuthn L3 §10.1.4), so the browser and Node derive the same wrap key;
//   3. the identity seed is wrapped under that output (wrap.ts), the attestation (WebAuthn §7.1) and
//      the binding (binding.ts) are verified, and the bundle is signed.
// The home directory layout (writeEnrollment / readEnrollment) lives here too:
//   HOME/identity.bundle    the signed bundle (canonical CBOR)
//   HOME/credential.json    which credential unlocks it, and what the authenticator is (no secrets)
//   HOME/keys/identity.kpw  the wrapped seed (NodeKeyStore)
// Directories 0700, files 0600, every file written atomically (temp file → fsync → rename).

import { access, chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { base64urlnopad } from '@scure/base';
import { sha256 } from '../core/index.js';
import { KeyprintError, InputError, describe } from '../errors.js';
import {
  CtapError, CtapStatus, HardwareError, PinUvAuthTokenPermission, encodeCbor, getInfoOption, negotiatePinUvAuthProtocol, parseAuthData, prfSalt,
  type AuthenticatorInfo, type CallOptions, type Ctap2Client, type PinToken,
} from '../hardware/index.js';
import { verifyAttestation, AttestationError, type AttestationTrust } from './attestation.js';
import { refuseCompromised } from './attestation-chain.js';
import { metadataAnchors } from './trust-anchors.js';
import { uuidString } from './_bytes.js';
import { authenticatorModel, KEYPRINT_PRF_INPUT, type AuthenticatorSummary } from './authenticator-model.js';
import { bindingChallenge, registrationClientData as registrationClientDataFor, verifyBinding } from './binding.js';
import { checkBundleDisplayName, decodeBundle, encodeBundle, signBundle, type HardwareBinding, type IdentityBundle } from './bundle.js';
import { IdentityError, IdentityKeyPair } from './identity.js';
import { NodeKeyStore } from './key-store-node.js';
import type { TrustAnchorInput } from './trust-anchors.js';
import { unwrapIdentity, wrapSecret } from './wrap.js';
import { writeFileAtomic } from './_atomic-file-node.js';

/** The WebAuthn RP ID (CTAP `rp.id`) keyprint's credentials are scoped to. */
export const KEYPRINT_RP_ID = 'keyprint.local';
/** The origin in the registration clientDataJSON (`https://` + the RP ID). */
export const KEYPRINT_ORIGIN = `https://${KEYPRINT_RP_ID}`;
/** The WebAuthn PRF input whose hmac-secret output wraps the identity seed. */
export { KEYPRINT_PRF_INPUT };
/** Key name of the wrapped seed in the home's key store. */
export const IDENTITY_KEY_NAME = 'identity';
/** File names inside the home directory. */
export const HOME_FILES = { bundle: 'identity.bundle', credential: 'credential.json', envelope: `keys/${IDENTITY_KEY_NAME}.kpw` } as const;

const COSE_ES256 = -7;
const DEVICE_TIMEOUT_MS = 60_000; // a touch counts against it (CallOptions.timeoutMs)

/**
 * Enrollment errors. Codes: `no-hmac-secret`, `pin-required`, `pin-invalid`, `pin-blocked`,
 * `pin-not-set`, `wrong-key` (this authenticator or credential does not unlock the identity),
 * `identity-mismatch`, `attestation-invalid`, `binding-invalid`, `cancelled`, `no-identity`,
 * `home-corrupt`, `home-io`, `device` (any other authenticator failure, with the CTAP/HID error as
 * `cause`). An enrollment that fails after the key made its credential removes that credential
 * again when it can (the message says so); when it cannot, `leftCredential` names it.
 */
export class EnrollError extends KeyprintError {
  /** The resident credential a failed enrollment left on the key (it could not be deleted). */
  declare readonly leftCredential?: { rpId: string; credentialId: Uint8Array; userName: string };
}

/** What `credential.json` holds: the credential that unlocks the identity, and its authenticator. Nothing secret. */
export interface CredentialRecord {
  version: 1;
  rpId: string;
  credentialId: Uint8Array;
  /** Whether a PIN (UV) was used: hmac-secret then returns CredRandomWithUV, so unlocking needs the PIN too. */
  userVerified: boolean;
  /** The PRF input the wrap key comes from (`prfSalt(utf8(prfInput))` is the hmac-secret salt). */
  prfInput: string;
  /** The exact registration clientDataJSON the attestation signs (also rebuildable, see registrationClientData). */
  registrationClientDataJSON: Uint8Array;
  authenticator: AuthenticatorSummary;
  /** When the enrollment happened (ms since the epoch); the bundle's createdAt. */
  enrolledAt: number;
}

export type { AuthenticatorSummary };

/** The result of enroll(). Wipe `identity` with `destroy()` when done. */
export interface Enrollment {
  identity: IdentityKeyPair;
  bundle: IdentityBundle;
  bundleBytes: Uint8Array;
  envelope: Uint8Array;
  credential: CredentialRecord;
}

/** Options shared by enroll() and unlockIdentity(). */
export interface DeviceCallOptions {
  /** The PIN, when the authenticator has one (makes the enrollment user-verified). */
  pin?: string;
  /** Called for each CTAPHID KEEPALIVE: 2 = UPNEEDED ("touch your key"). */
  onKeepalive?: CallOptions['onKeepalive'];
  signal?: AbortSignal;
  /** Deadline per authenticator request, including waiting for a touch (default 60 s). */
  timeoutMs?: number;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** The registration clientDataJSON keyprint's CTAP enrollment signs (binding.ts), for keyprint.local. */
export function registrationClientData(challenge: Uint8Array): Uint8Array {
  return registrationClientDataFor(challenge, KEYPRINT_RP_ID);
}

/** Maps CTAP / HID failures to EnrollError (the hardware error stays as `cause`). */
function mapDeviceError(e: unknown): never {
  if (e instanceof CtapError) {
    switch (e.status) {
      case CtapStatus.CTAP2_ERR_PUAT_REQUIRED:
        throw new EnrollError('pin-required', 'this security key has a PIN: pass --pin PIN', { cause: e });
      case CtapStatus.CTAP2_ERR_PIN_INVALID:
        throw new EnrollError('pin-invalid', 'wrong PIN', { cause: e });
      case CtapStatus.CTAP2_ERR_PIN_BLOCKED:
        throw new EnrollError('pin-blocked', 'the PIN is blocked (too many wrong PINs); the key must be reset', { cause: e });
      case CtapStatus.CTAP2_ERR_PIN_AUTH_BLOCKED:
        throw new EnrollError('pin-blocked', 'too many wrong PINs in a row: unplug the key and plug it in again', { cause: e });
      case CtapStatus.CTAP2_ERR_PIN_NOT_SET:
        throw new EnrollError('pin-not-set', 'this security key has no PIN: set one first, or enroll without --pin', { cause: e });
      case CtapStatus.CTAP2_ERR_NO_CREDENTIALS:
        throw new EnrollError('wrong-key', 'this security key does not hold the credential of this identity', { cause: e });
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
async function pinTokenFor(ctap: Ctap2Client, info: AuthenticatorInfo, pin: string, permission: number, o: DeviceCallOptions): Promise<PinToken> {
  if (info.options.clientPin !== true) {
    throw new EnrollError('pin-not-set', 'this security key has no PIN: set one first, or leave out --pin');
  }
  const protocol = negotiatePinUvAuthProtocol(info);
  try {
    return await ctap.getPinToken(pin, protocol, { permissions: permission, rpId: KEYPRINT_RP_ID, info }, { signal: o.signal, timeoutMs: 10_000 });
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
 * Enrolls an identity on an authenticator: makes a resident ES256 credential with hmac-secret,
 * binds the identity key to it (a CTAP assertion over bindingChallenge), wraps the seed under the
 * hmac-secret output for keyprint's PRF input, verifies attestation and binding, and signs the bundle.
 * Two touches: one for the credential, one for the assertion.
 * @param options.ctap an open CTAP2 client
 * @param options.displayName the bundle's name (checked as bundle.ts does)
 * @param options.identity the identity to bind (default: a fresh one from crypto.getRandomValues)
 * @param options.pin the authenticator's PIN (then the credential and the wrap key need UV)
 * @param options.trustAnchors attestation trust anchors instead of the defaults
 * @param options.reuse the identity's current enrollment on this authenticator (just unlocked with
 *   it): its credential is used again — one touch, and no second credential left on the key
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
  reuse?: EnrolledIdentity;
}): Promise<Enrollment> {
  const { ctap, pin } = options;
  const displayName = checkDisplayName(options.displayName);
  const info = await device(() => ctap.getInfo({ signal: options.signal, timeoutMs: 10_000 }));
  if (!info.extensions.includes('hmac-secret')) {
    throw new EnrollError('no-hmac-secret', 'this security key does not support hmac-secret (needed to wrap the identity key)');
  }
  // Everything that can be checked before the key stores a resident credential is checked here.
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
    throw new EnrollError('pin-required', 'this security key has a PIN: pass --pin PIN');
  }

  const identity = options.identity ?? IdentityKeyPair.generate();
  try {
    return await bind(options, info, displayName, identity);
  } catch (e) {
    if (!options.identity) identity.destroy(); // a fresh identity that was never stored is wiped
    throw e;
  }
}

/** enroll() after the preflight checks: credential, attestation, binding assertion, wrap, sign. */
async function bind(
  options: DeviceCallOptions & { ctap: Ctap2Client; trustAnchors?: readonly TrustAnchorInput[]; reuse?: EnrolledIdentity },
  info: AuthenticatorInfo, displayName: string, identity: IdentityKeyPair,
): Promise<Enrollment> {
  const { ctap, pin } = options;
  const call = callOptions(options);
  // Issue 20: enrolling the same identity again on the key it is enrolled on uses its credential
  // again (same attestation, same binding challenge) instead of leaving the old one orphaned on the
  // key — when the user-verification setting is unchanged (the attestation was checked under it).
  const reuse = options.reuse && options.reuse.bundle.binding?.attestationObject && options.reuse.credential.userVerified === (pin !== undefined)
    ? options.reuse : undefined;
  if (reuse) return rebind(options, reuse, displayName, identity);
  const createdAt = Date.now();
  const challenge = bindingChallenge({ identityPublicKey: identity.publicKey, createdAt });
  const clientDataJSON = registrationClientData(challenge);

  // 1. The credential (§6.1). user.id: random, so enrolling again never replaces (deletes) the
  //    credential an existing envelope depends on (§6.1.2 step 17 replaces same rpId + user.id).
  const mcToken = pin === undefined ? undefined : await pinTokenFor(ctap, info, pin, PinUvAuthTokenPermission.mc, options);
  const clientDataHash = sha256(clientDataJSON);
  const made = await device(() => ctap.makeCredential({
    clientDataHash,
    rp: { id: KEYPRINT_RP_ID, name: 'keyprint' },
    user: { id: globalThis.crypto.getRandomValues(new Uint8Array(16)), name: displayName, displayName },
    pubKeyCredParams: [{ type: 'public-key', alg: COSE_ES256 }],
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
    return await finish(options, info, made, { displayName, identity, createdAt, challenge, clientDataJSON });
  } catch (e) {
    throw await withoutOrphan(e, { ctap, info, pin, credentialId: createdId, displayName });
  }
}

/** enroll() after makeCredential: attestation, binding assertion with hmac-secret, wrap, sign, check. */
async function finish(
  options: DeviceCallOptions & { ctap: Ctap2Client; trustAnchors?: readonly TrustAnchorInput[] },
  info: AuthenticatorInfo, made: { fmt: string; attStmt: Map<unknown, unknown>; authData: Uint8Array },
  s: { displayName: string; identity: IdentityKeyPair; createdAt: number; challenge: Uint8Array; clientDataJSON: Uint8Array },
): Promise<Enrollment> {
  const { pin } = options;
  const { displayName, identity, createdAt, challenge, clientDataJSON } = s;
  // WebAuthn §6.5 attestationObject: { fmt, attStmt, authData } (CTAP2 canonical CBOR, like a browser's).
  const attestationObject = encodeCbor(new Map<string, unknown>([['fmt', made.fmt], ['attStmt', made.attStmt], ['authData', made.authData]]));

  // 2. Attestation (WebAuthn §7.1): which authenticator made the credential.
  const attestation = await verifyRegistration(attestationObject, clientDataJSON, challenge, pin !== undefined, options.trustAnchors);
  const { credentialId, credentialPublicKey } = attestation;
  // §12.5: the makeCredential output `hmac-secret: true` says the credential has CredRandom values.
  if (parseAuthData(made.authData).extensions?.get('hmac-secret') !== true) throw new EnrollError('no-hmac-secret', 'the security key did not enable hmac-secret for the new credential');
  return assertAndSign(options, displayName, identity, { createdAt, challenge, clientDataJSON, attestationObject, credentialId, credentialPublicKey, authenticator: describeAuthenticator(attestation, info) }, info);
}

/** The same identity on the credential it is enrolled with: a new binding assertion and wrap, one touch. */
async function rebind(
  options: DeviceCallOptions & { ctap: Ctap2Client }, reuse: EnrolledIdentity, displayName: string, identity: IdentityKeyPair,
): Promise<Enrollment> {
  const b = reuse.bundle;
  if (!equalBytes(b.identityPublicKey, identity.publicKey)) throw new EnrollError('identity-mismatch', 'the identity to enroll is not the one of this enrollment');
  const challenge = bindingChallenge({ identityPublicKey: identity.publicKey, createdAt: b.createdAt });
  const info = await device(() => options.ctap.getInfo({ signal: options.signal, timeoutMs: 10_000 }));
  return assertAndSign(options, displayName, identity, {
    createdAt: b.createdAt, challenge, clientDataJSON: reuse.credential.registrationClientDataJSON, attestationObject: b.binding!.attestationObject!,
    credentialId: b.binding!.credentialId, credentialPublicKey: b.binding!.credentialPublicKey, authenticator: reuse.credential.authenticator,
  }, info);
}

/** Steps 3–4 of enrolling: the binding assertion with hmac-secret, the wrap, the signed bundle. */
async function assertAndSign(
  options: DeviceCallOptions & { ctap: Ctap2Client }, displayName: string, identity: IdentityKeyPair,
  c: { createdAt: number; challenge: Uint8Array; clientDataJSON: Uint8Array; attestationObject: Uint8Array; credentialId: Uint8Array; credentialPublicKey: Uint8Array; authenticator: AuthenticatorSummary },
  info: AuthenticatorInfo,
): Promise<Enrollment> {
  const { ctap, pin } = options;
  const call = callOptions(options);
  const { createdAt, challenge, clientDataJSON, attestationObject, credentialId, credentialPublicKey } = c;

  // 3. The binding assertion with hmac-secret (§6.2, §12.5). A fresh token: an mc-permission token
  //    is not good for getAssertion, and authenticators may clear permissions after use (§6.5.5.7).
  const gaToken = pin === undefined ? undefined : await pinTokenFor(ctap, info, pin, PinUvAuthTokenPermission.ga, options);
  const { assertion, first } = await device(() => ctap.hmacSecret({
    rpId: KEYPRINT_RP_ID, clientDataHash: challenge, allowList: [{ type: 'public-key', id: credentialId }],
    salt1: prfSalt(utf8(KEYPRINT_PRF_INPUT)), pinToken: gaToken, protocol: negotiatePinUvAuthProtocol(info),
  }, call)).finally(() => gaToken?.wipe());

  const seed = identity.exportSecretKey();
  let envelope: Uint8Array;
  try {
    envelope = await wrapSecret(seed, { prfOutput: first, credentialId });
  } finally {
    seed.fill(0);
    first.fill(0);
  }

  const binding: HardwareBinding = {
    kind: 'ctap', rpId: KEYPRINT_RP_ID, credentialId, credentialPublicKey, attestationObject,
    authenticatorData: assertion.authData, clientDataHash: challenge, signature: assertion.signature,
  };
  const bundle = signBundle({ displayName, identityPublicKey: identity.publicKey, createdAt, binding }, identity);
  // 4. The binding (docs/PROTOCOL.md steps 1–5), as any verifier of the bundle will check it.
  const checked = verifyBinding(bundle, { rpId: KEYPRINT_RP_ID, requireUserVerification: pin !== undefined });
  if (!checked.valid) throw new EnrollError('binding-invalid', `the security key's binding assertion does not verify (${checked.reason})`);

  const credential: CredentialRecord = {
    version: 1, rpId: KEYPRINT_RP_ID, credentialId, userVerified: pin !== undefined, prfInput: KEYPRINT_PRF_INPUT,
    registrationClientDataJSON: clientDataJSON, enrolledAt: createdAt,
    authenticator: c.authenticator,
  };
  return { identity, bundle, bundleBytes: encodeBundle(bundle), envelope, credential };
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
  const id = b64(c.credentialId);
  const managed = getInfoOption(c.info, 'credMgmt') === true || getInfoOption(c.info, 'credentialMgmtPreview') === true;
  let outcome: string;
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
    outcome = 'is still on the key: delete it with a credential manager (it needs a PIN on the key), e.g. ykman fido credentials delete, or enroll with --pin next time so keyprint removes it';
  } else {
    outcome = 'is still on the key, which cannot delete single credentials (no credential management, CTAP 2.1 §6.8): only a reset of the key, which erases all its credentials, removes it';
  }
  const error = new EnrollError(e.code, `${e.message}; the credential it had just made (RP ${KEYPRINT_RP_ID}, user "${c.displayName}", id ${id}) ${outcome}`, { cause: e });
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

function describeAuthenticator(r: Registration, info: AuthenticatorInfo): AuthenticatorSummary {
  const modelAttested = r.trust === 'hardware-attested' && r.model !== undefined;
  return {
    model: authenticatorModel(r), modelAttested, aaguid: r.aaguid, ...(r.vendor ? { vendor: r.vendor } : {}), trust: r.trust, fmt: r.fmt,
    versions: info.versions,
  };
}

// ---- unlocking ---------------------------------------------------------------------------------

/** An enrolled identity as read from a home directory. */
export interface EnrolledIdentity {
  home: string;
  bundle: IdentityBundle;
  bundleBytes: Uint8Array;
  envelope: Uint8Array;
  credential: CredentialRecord;
}

/**
 * Touches the security key for the hmac-secret output of the identity's credential, unwraps the
 * seed and checks that its public key is the bundle's.
 * @param options.ctap an open CTAP2 client
 * @param options.enrolled from readEnrollment
 * @param options.pin required when the identity was enrolled with a PIN (and only then used)
 * @returns the identity key pair (call `destroy()` when done)
 * @throws EnrollError `wrong-key` ("this security key does not unlock the identity in HOME"),
 *   `pin-required`, `pin-invalid`, `identity-mismatch`, `cancelled`, `device`
 * @example const identity = await unlockIdentity({ ctap, enrolled: await readEnrollment(home) })
 */
export async function unlockIdentity(options: DeviceCallOptions & { ctap: Ctap2Client; enrolled: EnrolledIdentity }): Promise<IdentityKeyPair> {
  const { ctap, enrolled } = options;
  const { credential, home } = enrolled;
  const wrongKey = (cause?: unknown) => new EnrollError('wrong-key', `this security key does not unlock the identity in ${home}`, { cause });
  if (credential.userVerified && options.pin === undefined) {
    throw new EnrollError('pin-required', 'this identity was enrolled with a PIN: pass --pin PIN');
  }
  const info = await device(() => ctap.getInfo({ signal: options.signal, timeoutMs: 10_000 }));
  if (!info.extensions.includes('hmac-secret')) throw wrongKey();
  checkPinUvAuthProtocols(info);
  // The PIN only when the enrollment used one: with UV the key returns CredRandomWithUV, without it
  // CredRandomWithoutUV (§12.5), and only the one used at enrollment opens the envelope.
  const token = credential.userVerified ? await pinTokenFor(ctap, info, options.pin!, PinUvAuthTokenPermission.ga, options) : undefined;
  let first: Uint8Array;
  try {
    ({ first } = await ctap.hmacSecret({
      rpId: credential.rpId, clientDataHash: globalThis.crypto.getRandomValues(new Uint8Array(32)),
      allowList: [{ type: 'public-key', id: credential.credentialId }], salt1: prfSalt(utf8(credential.prfInput)), pinToken: token,
      protocol: negotiatePinUvAuthProtocol(info),
    }, callOptions(options)));
  } catch (e) {
    if (e instanceof CtapError && e.status === CtapStatus.CTAP2_ERR_NO_CREDENTIALS) throw wrongKey(e);
    return mapDeviceError(e);
  } finally {
    token?.wipe();
  }
  let identity: IdentityKeyPair;
  try {
    identity = await unwrapIdentity(enrolled.envelope, { prfOutput: first, credentialId: credential.credentialId });
  } catch (e) {
    if (e instanceof IdentityError && e.code === 'unwrap-failed') throw wrongKey(e);
    throw e;
  } finally {
    first.fill(0);
  }
  if (!equalBytes(identity.publicKey, enrolled.bundle.identityPublicKey)) {
    identity.destroy();
    throw new EnrollError('identity-mismatch', `the unwrapped key is not the identity in ${home}/${HOME_FILES.bundle}`);
  }
  return identity;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

// ---- the home directory ------------------------------------------------------------------------

const b64 = (b: Uint8Array) => base64urlnopad.encode(b);

function credentialToJson(c: CredentialRecord): string {
  return JSON.stringify({
    version: c.version, rpId: c.rpId, credentialId: b64(c.credentialId), userVerified: c.userVerified, prfInput: c.prfInput,
    registrationClientDataJSON: b64(c.registrationClientDataJSON), authenticator: c.authenticator, enrolledAt: c.enrolledAt,
  }, null, 2) + '\n';
}

function credentialFromJson(text: string, path: string): CredentialRecord {
  const bad = (why: string) => new EnrollError('home-corrupt', `${path} ${why}`);
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw bad('is not JSON');
  }
  if (typeof o !== 'object' || o === null || o.version !== 1) throw bad('expected version 1');
  const bytes = (k: string) => {
    const v = o[k];
    try {
      if (typeof v === 'string') return base64urlnopad.decode(v);
    } catch { /* falls through */ }
    throw bad(`field "${k}" expected base64url bytes`);
  };
  const a = o.authenticator as Record<string, unknown> | undefined;
  if (typeof o.rpId !== 'string' || typeof o.userVerified !== 'boolean' || typeof o.prfInput !== 'string'
    || typeof o.enrolledAt !== 'number' || typeof a !== 'object' || a === null || typeof a.model !== 'string' || typeof a.trust !== 'string') {
    throw bad('is missing fields');
  }
  return {
    version: 1, rpId: o.rpId, credentialId: bytes('credentialId'), userVerified: o.userVerified, prfInput: o.prfInput,
    registrationClientDataJSON: bytes('registrationClientDataJSON'), enrolledAt: o.enrolledAt,
    authenticator: a as unknown as AuthenticatorSummary,
  };
}

async function ensureHome(home: string): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await chmod(home, 0o700);
}

/**
 * Writes an enrollment into `home` (0700): the envelope (key store), then `credential.json`, then
 * `identity.bundle` — the bundle last, since its presence means "enrolled". Each file 0600, atomic.
 * @param home the home directory (created if missing)
 * @param e the enrollment
 * @returns the paths written
 * @throws IdentityError `key-store-*`; EnrollError `home-io`
 * @example await writeEnrollment(resolveHome(), await enroll({ ctap, displayName: 'Ada' }))
 */
export async function writeEnrollment(home: string, e: Pick<Enrollment, 'bundleBytes' | 'envelope' | 'credential'>): Promise<{ bundle: string; credential: string; envelope: string }> {
  const paths = { bundle: join(home, HOME_FILES.bundle), credential: join(home, HOME_FILES.credential), envelope: join(home, HOME_FILES.envelope) };
  try {
    await ensureHome(home);
    await new NodeKeyStore({ home }).put(IDENTITY_KEY_NAME, e.envelope);
    await writeFileAtomic(paths.credential, credentialToJson(e.credential));
    await writeFileAtomic(paths.bundle, e.bundleBytes);
  } catch (err) {
    if (err instanceof KeyprintError) throw err;
    throw new EnrollError('home-io', `could not write the identity to ${home}: ${(err as Error).message}`, { cause: err });
  }
  return paths;
}

async function readIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    const st = await stat(path);
    // Public data, but a file others can change could swap in another identity or credential.
    if (process.platform !== 'win32' && (st.mode & 0o022) !== 0) {
      throw new EnrollError('home-corrupt', `${path} is writable by others (mode 0${(st.mode & 0o777).toString(8)}); expected 0600`);
    }
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (e instanceof KeyprintError) throw e;
    throw new EnrollError('home-io', `could not read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Reads the identity enrolled in `home` (no device needed); the bundle's signature is checked.
 * @param home the home directory
 * @returns the enrolled identity, or undefined when `home` has no `identity.bundle`
 * @throws EnrollError `home-corrupt` (a missing or damaged file, or files that do not belong
 *   together); IdentityError `bundle-*`, `key-store-*`
 * @example const enrolled = await readEnrollment(home); if (!enrolled) console.log('run keyprint enroll')
 */
export async function readEnrollment(home: string): Promise<EnrolledIdentity | undefined> {
  const bundlePath = join(home, HOME_FILES.bundle);
  const bundleBytes = await readIfPresent(bundlePath);
  if (!bundleBytes) return undefined;
  let bundle: IdentityBundle;
  try {
    bundle = decodeBundle(bundleBytes);
  } catch (e) {
    if (e instanceof KeyprintError) throw new EnrollError('home-corrupt', `${bundlePath} is not a valid bundle: ${e.message}`, { cause: e });
    throw e;
  }
  const credentialPath = join(home, HOME_FILES.credential);
  const credentialBytes = await readIfPresent(credentialPath);
  if (!credentialBytes) throw new EnrollError('home-corrupt', `${credentialPath} is missing`);
  const credential = credentialFromJson(new TextDecoder().decode(credentialBytes), credentialPath);
  const envelope = await new NodeKeyStore({ home }).get(IDENTITY_KEY_NAME);
  if (!envelope) throw new EnrollError('home-corrupt', `${join(home, HOME_FILES.envelope)} is missing`);
  if (!bundle.binding || !equalBytes(bundle.binding.credentialId, credential.credentialId)) {
    throw new EnrollError('home-corrupt', `${credentialPath} names another credential than ${bundlePath}`);
  }
  return { home, bundle, bundleBytes, envelope, credential };
}
