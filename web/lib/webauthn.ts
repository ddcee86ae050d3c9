// The two WebAuthn ceremonies the app needs, through @simplewebauthn/browser (which converts the
// JSON option form to the browser's binary form and back). Extensions pass through untouched, so
// PRF inputs are BufferSource and PRF outputs come back as ArrayBuffer (WebAuthn L3 §10.1.4).
// RP ID = the page's host (WebAuthn §5.1.2; an IP address is not a valid RP ID: use localhost).
import { startAuthentication, startRegistration, WebAuthnError, type PublicKeyCredentialDescriptorJSON } from '@simplewebauthn/browser';
import { KEYPRINT_PRF_INPUT } from 'keyprint/identity';
import { b64u, buffer, utf8 } from './bytes.js';

/** The WebAuthn PRF input whose output wraps the identity seed (the CLI's hmac-secret input too). */
export const PRF_INPUT = KEYPRINT_PRF_INPUT;
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
  /** PRF output for PRF_INPUT (32 bytes), when the authenticator returned one. Wipe after use. */
  prfFirst: Uint8Array | undefined;
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
    throw new CeremonyError('exists', 'This security key already holds this credential.', { cause: e });
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
 * attestation, PRF requested (WebAuthn L3 §10.1.4).
 */
export async function createCredential(params: {
  rpId: string; userName: string; challenge: Uint8Array;
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

/** navigator.credentials.get over `challenge` for one credential, with PRF eval of PRF_INPUT in the same call. */
export async function getAssertion(params: {
  rpId: string; challenge: Uint8Array; credentialId: Uint8Array; transports?: string[];
}): Promise<Assertion> {
  let r;
  try {
    r = await startAuthentication({
      optionsJSON: {
        rpId: params.rpId,
        challenge: b64u.encode(params.challenge),
        allowCredentials: [{ id: b64u.encode(params.credentialId), type: 'public-key', transports: params.transports as PublicKeyCredentialDescriptorJSON["transports"] }],
        userVerification: 'preferred',
        timeout: TIMEOUT_MS,
        hints: ['security-key'],
        extensions: { prf: { eval: { first: buffer(utf8(PRF_INPUT)) } } } as AuthenticationExtensionsClientInputs,
      },
    });
  } catch (e) {
    explain(e);
  }
  const first = (r.clientExtensionResults as { prf?: { results?: { first?: ArrayBuffer } } }).prf?.results?.first;
  return {
    credentialId: b64u.decode(r.rawId),
    authenticatorData: b64u.decode(r.response.authenticatorData),
    clientDataJSON: b64u.decode(r.response.clientDataJSON),
    signature: b64u.decode(r.response.signature),
    prfFirst: first ? new Uint8Array(first) : undefined,
  };
}
