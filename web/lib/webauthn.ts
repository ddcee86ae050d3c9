// The two WebAuthn ceremonies the app needs, through @simplewebauthn/browser (which converts the
// JSON option form to the browser's binary form and back). Extensions pass through untouched, so
// PRF inputs are BufferSource and PRF outputs come back as ArrayBuffer (WebAuthn L3 §10.1.4).
// RP ID = the page's host (WebAuthn §5.1.2; an IP address is not a valid RP ID: use localhost).
// PRF inputs are per credential (each envelope carries its own, wrap.ts): one credential is asked
// with `eval`, several with `evalByCredential`; `second` gives an upgraded envelope's output in the
// same touch.
import { startAuthentication, startRegistration, WebAuthnError, type PublicKeyCredentialDescriptorJSON } from '@simplewebauthn/browser';
import { b64u, buffer } from './bytes.js';

const COSE_ES256 = -7;
const TIMEOUT_MS = 120_000;

export interface CreatedCredential {
  credentialId: Uint8Array;
  attestationObject: Uint8Array;
  clientDataJSON: Uint8Array;
  transports: string[];
  prfEnabled: boolean | undefined;
}

export interface Assertion {
  credentialId: Uint8Array;
  authenticatorData: Uint8Array;
  clientDataJSON: Uint8Array;
  signature: Uint8Array;
  /** Whether the authenticator verified the user (authenticatorData flag UV, WebAuthn §6.1). */
  userVerified: boolean;
  /** PRF outputs for the credential's inputs (32 bytes each), when the authenticator returned them. Wipe after use. */
  prf: { first: Uint8Array; second?: Uint8Array } | undefined;
}

/** A credential to ask for, with the PRF inputs to evaluate for it (none for a receipt). */
export interface AllowedCredential {
  id: Uint8Array;
  transports?: string[];
  prf?: { first: Uint8Array; second?: Uint8Array };
}

/** A ceremony failure in words a person can act on. */
export class CeremonyError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CeremonyError';
  }
}

function explain(e: unknown): never {
  const name = e instanceof WebAuthnError ? (e.cause as Error | undefined)?.name : (e as Error | undefined)?.name;
  if (name === 'NotAllowedError' || name === 'AbortError') {
    throw new CeremonyError('cancelled', 'The security key request was cancelled or timed out. Try again and touch your key when it blinks.', { cause: e });
  }
  if (name === 'InvalidStateError') {
    throw new CeremonyError('exists', 'This security key is already one of this identity\'s keys. Plug in another security key.', { cause: e });
  }
  if (name === 'SecurityError') {
    throw new CeremonyError('insecure', 'The browser refused WebAuthn on this address. Open the app at http://localhost or over https.', { cause: e });
  }
  if (name === 'NotSupportedError') {
    throw new CeremonyError('unsupported', 'This browser or security key does not support what keyprint needs (ES256, resident keys, PRF).', { cause: e });
  }
  throw new CeremonyError('failed', `The security key request failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

/** Why this page cannot use security keys, or null when it can. */
export function webauthnProblem(): string | null {
  if (typeof window === 'undefined' || typeof window.PublicKeyCredential !== 'function') return 'This browser does not support security keys (WebAuthn).';
  if (!window.isSecureContext) return 'Security keys need a secure page: open the app over https or at http://localhost.';
  // WebAuthn §5.1.2: the RP ID is a domain; an IP address is not one.
  if (/^[\d.]+$|^\[.*\]$/.test(location.hostname)) return `Security keys do not work on an IP address: open http://localhost${location.port ? `:${location.port}` : ''}/ instead.`;
  return null;
}

/**
 * navigator.credentials.create: cross-platform, resident ES256 credential, UV preferred, direct
 * attestation, PRF requested (WebAuthn L3 §10.1.4); the identity's other keys in excludeCredentials
 * (a key that holds one of them answers InvalidStateError: `exists`).
 */
export async function createCredential(params: {
  rpId: string; userName: string; challenge: Uint8Array; exclude?: Array<{ id: Uint8Array; transports?: string[] }>;
}): Promise<CreatedCredential> {
  const userId = crypto.getRandomValues(new Uint8Array(16)); // random: a re-enrollment never replaces an older credential
  let r;
  try {
    r = await startRegistration({
      optionsJSON: {
        rp: { id: params.rpId, name: 'keyprint' },
        user: { id: b64u.encode(userId), name: params.userName, displayName: params.userName },
        challenge: b64u.encode(params.challenge),
        pubKeyCredParams: [{ type: 'public-key', alg: COSE_ES256 }],
        excludeCredentials: (params.exclude ?? []).map((c) => ({ id: b64u.encode(c.id), type: 'public-key', transports: c.transports as PublicKeyCredentialDescriptorJSON['transports'] })),
        timeout: TIMEOUT_MS,
        attestation: 'direct',
        hints: ['security-key'],
        authenticatorSelection: {
          authenticatorAttachment: 'cross-platform', residentKey: 'required', requireResidentKey: true, userVerification: 'preferred',
        },
        extensions: { credProps: true, prf: {} } as AuthenticationExtensionsClientInputs,
      },
    });
  } catch (e) {
    explain(e);
  }
  const prf = (r.clientExtensionResults as { prf?: { enabled?: boolean } }).prf;
  return {
    credentialId: b64u.decode(r.rawId),
    attestationObject: b64u.decode(r.response.attestationObject),
    clientDataJSON: b64u.decode(r.response.clientDataJSON),
    transports: r.response.transports ?? [],
    prfEnabled: prf?.enabled,
  };
}

/** WebAuthn's PRF inputs (`eval` for one credential, `evalByCredential` for several), or none. */
function prfExtension(credentials: AllowedCredential[]): AuthenticationExtensionsClientInputs {
  const values = (p: { first: Uint8Array; second?: Uint8Array }) => ({ first: buffer(p.first), ...(p.second ? { second: buffer(p.second) } : {}) });
  const asked = credentials.filter((c) => c.prf);
  if (asked.length === 0) return {};
  if (credentials.length === 1) return { prf: { eval: values(asked[0].prf!) } } as AuthenticationExtensionsClientInputs;
  return { prf: { evalByCredential: Object.fromEntries(asked.map((c) => [b64u.encode(c.id), values(c.prf!)])) } } as AuthenticationExtensionsClientInputs;
}

/**
 * navigator.credentials.get over `challenge` for any of `credentials`, with each one's PRF inputs
 * evaluated in the same call; `userVerification` as the caller decides (unlock: exactly what the
 * key was enrolled with).
 */
export async function getAssertion(params: {
  rpId: string; challenge: Uint8Array; credentials: AllowedCredential[]; userVerification: UserVerificationRequirement;
}): Promise<Assertion> {
  let r;
  try {
    r = await startAuthentication({
      optionsJSON: {
        rpId: params.rpId,
        challenge: b64u.encode(params.challenge),
        allowCredentials: params.credentials.map((c) => ({ id: b64u.encode(c.id), type: 'public-key', transports: c.transports as PublicKeyCredentialDescriptorJSON['transports'] })),
        userVerification: params.userVerification,
        timeout: TIMEOUT_MS,
        hints: ['security-key'],
        extensions: prfExtension(params.credentials),
      },
    });
  } catch (e) {
    explain(e);
  }
  const results = (r.clientExtensionResults as { prf?: { results?: { first?: ArrayBuffer; second?: ArrayBuffer } } }).prf?.results;
  const authenticatorData = b64u.decode(r.response.authenticatorData);
  return {
    credentialId: b64u.decode(r.rawId),
    authenticatorData,
    clientDataJSON: b64u.decode(r.response.clientDataJSON),
    signature: b64u.decode(r.response.signature),
    userVerified: (authenticatorData[32] & 0x04) !== 0,
    prf: results?.first ? { first: new Uint8Array(results.first), ...(results.second ? { second: new Uint8Array(results.second) } : {}) } : undefined,
  };
}
