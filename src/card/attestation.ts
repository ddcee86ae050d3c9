// Attestation of a bundle's credential, as a card's maker (at print time) and a card's verifier
// (for a full card) check it: WebAuthn L3 §7.1 via verifyAttestation, with the registration
// clientDataJSON rebuilt from the bundle the way keyprint's CTAP enrollment makes it
// (src/enroll/enroll.ts `registrationClientData`), and checked at the bundle's creation time —
// attestation certificates expire, and what matters is that they were valid at registration.

import { sha256 } from '../core/index.js';
import { equalBytes, uuidBytes, uuidString } from '../core/bytes.js';
import {
  AttestationError, authenticatorModel, bindingChallenge, bindingTime, registrationClientData, verifyAttestation,
  type HardwareBinding, type IdentityBundle, type TrustAnchorInput,
} from '../identity/index.js';
import type { AttestationVerdict } from './payload.js';

/** Options for checking a bundle's attestation. */
export interface AttestationCheckOptions {
  /**
   * The exact registration clientDataJSON. Default: keyprint's CTAP enrollment form
   * `{"type":"webauthn.create","challenge":b64url(bindingChallenge),"origin":"https://<rpId>","crossOrigin":false}`.
   * A browser enrollment (binding kind `webauthn`) must pass the bytes the browser produced.
   */
  registrationClientDataJSON?: Uint8Array;
  /** Trust anchors instead of the defaults (bundled Yubico roots + addTrustAnchor). */
  trustAnchors?: readonly TrustAnchorInput[];
  /** Which of the bundle's bindings to check (a key added later, from bundleBindings); default the first. */
  forBinding?: HardwareBinding;
}

/** The outcome of checkBundleAttestation. */
export type AttestationCheck =
  | { ok: true; verdict: AttestationVerdict }
  | { ok: false; code: string; reason: string };

/**
 * The registration clientDataJSON a CTAP enrollment of this bundle's key signed (identity's
 * `registrationClientData` for the binding's RP ID and its binding challenge, at bindingTime).
 * @param bundle the bundle
 * @param binding one of its bindings (default the first)
 * @example verifyAttestation({ attestationObject, clientDataJSON: defaultRegistrationClientData(bundle), rpId })
 */
export function defaultRegistrationClientData(bundle: IdentityBundle, binding: HardwareBinding | null = bundle.binding): Uint8Array {
  const createdAt = binding ? bindingTime(bundle, binding) : bundle.createdAt;
  return registrationClientData(bindingChallenge({ identityPublicKey: bundle.identityPublicKey, createdAt }), binding?.rpId ?? 'keyprint.local');
}

/**
 * identity's `authenticatorModel` for a verdict (whose AAGUID is bytes).
 * @returns e.g. `YubiKey 5 NFC`, `keyprint software authenticator (emulator)`
 * @example verdictModel(verdict)
 */
export function verdictModel(v: Pick<AttestationVerdict, 'trust' | 'aaguid' | 'model' | 'vendor'>): string {
  return authenticatorModel({ trust: v.trust, aaguid: uuidString(v.aaguid), model: v.model, vendor: v.vendor });
}

/**
 * Verifies the attestationObject a bundle's binding keeps (WebAuthn L3 §7.1), at the time the key
 * was bound (the bundle's creation time for the first key), and returns the verdict a compact card carries. A chain that reaches none of the
 * trust anchors is checked as far as it goes and is `attested-unknown-vendor` (the signature holds,
 * the vendor is unknown); a broken chain or signature is a failure.
 * @param bundle a decoded bundle whose binding has an attestationObject
 * @param options see AttestationCheckOptions
 * @param checkedAt the verdict's time (default now)
 * @returns `{ ok: true, verdict }` or `{ ok: false, code, reason }`
 * @example const r = await checkBundleAttestation(bundle)
 */
export async function checkBundleAttestation(bundle: IdentityBundle, options: AttestationCheckOptions = {}, checkedAt = Date.now()): Promise<AttestationCheck> {
  const b = options.forBinding ?? bundle.binding;
  if (!b) return { ok: false, code: 'no-binding', reason: 'passphrase-only identity: no hardware binding, no attestation' };
  if (!b.attestationObject) return { ok: false, code: 'no-attestation', reason: 'the bundle keeps no attestationObject' };
  if (b.kind === 'webauthn' && !options.registrationClientDataJSON) {
    return { ok: false, code: 'no-client-data', reason: 'a browser (webauthn) enrollment needs its registration clientDataJSON to verify the attestation' };
  }
  const base = {
    attestationObject: b.attestationObject,
    clientDataJSON: options.registrationClientDataJSON ?? defaultRegistrationClientData(bundle, b),
    rpId: b.rpId,
    at: new Date(bindingTime(bundle, b)),
  };
  let result;
  try {
    result = await verifyAttestation({ ...base, trustAnchors: options.trustAnchors });
  } catch (e) {
    if (e instanceof AttestationError) return { ok: false, code: e.code, reason: `attestation does not verify: ${e.message} [${e.code}]` };
    throw e;
  }
  // The attestation must be for this very credential (verifyBinding checks the same from its side).
  if (!equalBytes(result.credentialPublicKey, b.credentialPublicKey) || !equalBytes(result.credentialId, b.credentialId)) {
    return { ok: false, code: 'attestation-mismatch', reason: 'the attestation is for another credential' };
  }
  const { trust } = result;
  const verdict: AttestationVerdict = {
    trust, fmt: result.fmt, aaguid: uuidBytes(result.aaguid), attestationHash: sha256(b.attestationObject), checkedAt,
  };
  if (trust === 'hardware-attested') {
    if (result.vendor) verdict.vendor = result.vendor.slice(0, 64);
    if (result.model) verdict.model = result.model.slice(0, 64);
  }
  return { ok: true, verdict };
}

