// What to call an authenticator, from what its attestation proved (WebAuthn L3 §6.5.3): one rule for
// the CLI, cards and the web app. Browser-safe.

import { lookupAaguid } from './aaguids.js';
import type { AttestationTrust } from './attestation.js';

/** The AAGUID of keyprint's software authenticator (`keyprint emulator`; "keyprint-soft" ‖ 0x000001). */
export const EMULATOR_AAGUID = '6b657970-7269-6e74-2d73-6f6674000001';

/**
 * A human-readable model: the attested model (only a chain to a known vendor proves one), else the
 * keyprint emulator or the AAGUID table's entry marked as a mere claim, else "unknown authenticator".
 * @param r trust level and AAGUID (dashed lowercase), with model/vendor when hardware-attested
 * @returns e.g. `YubiKey 5 NFC`, `Security Key NFC (claimed by AAGUID, not attested)`
 * @example authenticatorModel(await verifyAttestation({ … }))
 */
export function authenticatorModel(r: { trust: AttestationTrust; aaguid: string; model?: string; vendor?: string }): string {
  if (r.trust === 'hardware-attested' && r.model) return r.model;
  if (r.trust === 'hardware-attested' && r.vendor) return `${r.vendor} authenticator`;
  if (r.aaguid === EMULATOR_AAGUID) return 'keyprint software authenticator (emulator)';
  const claimed = lookupAaguid(r.aaguid);
  return claimed ? `${claimed.model} (claimed by AAGUID, not attested)` : 'unknown authenticator';
}

/** The authenticator, as attestation (and, over CTAP, getInfo) describe it; stored beside a bundle. */
export interface AuthenticatorSummary {
  /** `authenticatorModel`'s name for it. */
  model: string;
  /** True if the model name comes from an attestation chain to a known vendor anchor. */
  modelAttested: boolean;
  aaguid: string;
  vendor?: string;
  /** The attestation trust level (attestation.ts). */
  trust: AttestationTrust;
  fmt: string;
  /** CTAP versions from getInfo (CTAP enrollments only). */
  versions?: string[];
}

/**
 * What an enrolled authenticator is today: the summary recorded at enrollment with the trust, vendor
 * and model of a fresh attestation verdict (the user's trust store may have changed since — an anchor
 * added, a metadata BLOB imported). The one rule `keyprint whoami` and the web app's identity screen use.
 * @param recorded the summary stored at enrollment
 * @param verdict today's verifyAttestation / checkBundleAttestation outcome
 * @returns the summary to show
 * @example currentAuthenticator(credential.authenticator, check.verdict).trust // 'hardware-attested'
 */
export function currentAuthenticator(recorded: AuthenticatorSummary, verdict: { trust: AttestationTrust; vendor?: string; model?: string }): AuthenticatorSummary {
  const attested = verdict.trust === 'hardware-attested';
  const { vendor: _old, ...rest } = recorded;
  return {
    ...rest,
    trust: verdict.trust,
    modelAttested: attested && verdict.model !== undefined,
    model: authenticatorModel({ trust: verdict.trust, aaguid: recorded.aaguid, model: verdict.model, vendor: verdict.vendor }),
    ...(attested && verdict.vendor ? { vendor: verdict.vendor } : {}),
  };
}

/**
 * The summary recorded at enrollment, from the attestation verdict (and, over CTAP, getInfo's
 * versions): one description of the authenticator for the CLI's and the web app's enrollment.
 * @param r the verifyAttestation result (trust, AAGUID, fmt; vendor and model when hardware-attested)
 * @param versions CTAP versions from getInfo (CTAP enrollments only)
 * @example describeAuthenticator(await verifyAttestation({ … }), info.versions)
 */
export function describeAuthenticator(
  r: { trust: AttestationTrust; aaguid: string; fmt: string; model?: string; vendor?: string }, versions?: string[],
): AuthenticatorSummary {
  const attested = r.trust === 'hardware-attested';
  return {
    model: authenticatorModel(r), modelAttested: attested && r.model !== undefined, aaguid: r.aaguid,
    ...(attested && r.vendor ? { vendor: r.vendor } : {}), trust: r.trust, fmt: r.fmt, ...(versions ? { versions } : {}),
  };
}
