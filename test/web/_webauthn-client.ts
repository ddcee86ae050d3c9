// A WebAuthn client (navigator.credentials.create / get, WebAuthn L3 §5.1.3, §5.1.4) over keyprint's
// CTAP client, so the web app's enrollment code (web/lib/enrollment.ts, webauthn.ts through
// @simplewebauthn/browser) runs in Node against the software authenticator — the same credential the
// CLI uses, for origin https://keyprint.local (RP ID keyprint.local). It does what a browser does:
// clientDataJSON (§5.8.1), the PRF extension mapped onto hmac-secret with salt = SHA-256("WebAuthn PRF"
// ‖ 0x00 ‖ input) (§10.1.4, `eval` and `evalByCredential`), excludeCredentials → InvalidStateError,
// and silent probing to find which allowed credential the key holds. Its UV rule is Chromium's, as
// measured with Chromium 156's virtual authenticators (hmac-secret, 2026-12): a request that evaluates
// PRF uses the key's UV whenever the key has it (a PIN here), whatever `userVerification` says;
// otherwise `discouraged` means no UV. The PIN is what the user would type in the browser's dialog.
import { base64urlnopad } from '@scure/base';
import { sha256 } from '../../src/core/index.js';
import {
  CtapError, CtapStatus, PinUvAuthTokenPermission, encodeCbor, parseAuthData, prfSalt, type Ctap2Client,
} from '../../src/hardware/index.js';

const b64 = (b: Uint8Array) => base64urlnopad.encode(b);
const bytes = (v: BufferSource) => (v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).slice();
const ab = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;

interface PrfValues { first: BufferSource; second?: BufferSource }

export interface WebAuthnClientOptions {
  /** Opens the security key for one ceremony (a fresh CTAP client) and closes it. */
  connect: () => Promise<{ ctap: Ctap2Client; close(): Promise<void> }>;
  origin: string;
  /** What the user types when the browser asks for the key's PIN. */
  pin?: string;
}

/** Installs the client as `navigator.credentials` (and `window.PublicKeyCredential`); returns the uninstaller. */
export function installWebAuthnClient(o: WebAuthnClientOptions): () => void {
  const g = globalThis as Record<string, unknown>;
  const saved = { window: g.window, navigator: Object.getOwnPropertyDescriptor(globalThis, 'navigator'), pkc: g.PublicKeyCredential };
  g.window = globalThis;
  g.PublicKeyCredential = class PublicKeyCredential {};
  Object.defineProperty(globalThis, 'navigator', { value: { credentials: { create: (x: CredentialCreationOptions) => ceremony(o, () => create(o, x)), get: (x: CredentialRequestOptions) => ceremony(o, () => get(o, x)) } }, configurable: true });
  return () => {
    g.window = saved.window;
    g.PublicKeyCredential = saved.pkc;
    if (saved.navigator) Object.defineProperty(globalThis, 'navigator', saved.navigator);
    else delete g.navigator;
  };
}

let current: { ctap: Ctap2Client; close(): Promise<void> } | undefined;

/** One ceremony on a fresh connection; CTAP failures become the DOMExceptions a browser throws. */
async function ceremony<T>(o: WebAuthnClientOptions, f: () => Promise<T>): Promise<T> {
  current = await o.connect();
  try {
    return await f();
  } catch (e) {
    if (e instanceof CtapError && e.status === CtapStatus.CTAP2_ERR_CREDENTIAL_EXCLUDED) throw new DOMException('excluded credential', 'InvalidStateError');
    if (e instanceof CtapError || e instanceof DOMException) throw e instanceof DOMException ? e : new DOMException(e.message, 'NotAllowedError');
    throw e;
  } finally {
    await current.close();
    current = undefined;
  }
}

function clientData(type: string, challenge: BufferSource, origin: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ type, challenge: b64(bytes(challenge)), origin, crossOrigin: false }));
}

/** Chromium's rule: UV whenever the key has it and PRF is evaluated; else as `userVerification` asks. */
async function userVerification(ctap: Ctap2Client, requirement: string | undefined, prf: boolean): Promise<boolean> {
  const canUv = (await ctap.getInfo()).options.clientPin === true;
  if (requirement === 'required' && !canUv) throw new DOMException('the key cannot verify the user', 'NotAllowedError');
  return canUv && (prf || requirement !== 'discouraged');
}

async function token(o: WebAuthnClientOptions, ctap: Ctap2Client, uv: boolean, permission: number, rpId: string) {
  if (!uv) return undefined;
  if (o.pin === undefined) throw new DOMException('the user gave no PIN', 'NotAllowedError');
  return ctap.getPinToken(o.pin, undefined, { permissions: permission, rpId });
}

async function create(o: WebAuthnClientOptions, options: CredentialCreationOptions) {
  const ctap = current!.ctap;
  const pk = options.publicKey!;
  const rpId = pk.rp.id!;
  const clientDataJSON = clientData('webauthn.create', pk.challenge, o.origin);
  const clientDataHash = sha256(clientDataJSON);
  const prf = (pk.extensions as { prf?: unknown } | undefined)?.prf !== undefined;
  const uv = await userVerification(ctap, pk.authenticatorSelection?.userVerification, prf);
  const t = await token(o, ctap, uv, PinUvAuthTokenPermission.mc, rpId);
  const made = await ctap.makeCredential({
    clientDataHash, rp: { id: rpId, name: pk.rp.name }, user: { id: bytes(pk.user.id), name: pk.user.name, displayName: pk.user.displayName },
    pubKeyCredParams: pk.pubKeyCredParams.map((p) => ({ type: 'public-key' as const, alg: p.alg })),
    excludeList: (pk.excludeCredentials ?? []).map((c) => ({ type: 'public-key' as const, id: bytes(c.id) })),
    ...(prf ? { extensions: new Map([['hmac-secret', true]]) } : {}),
    options: { rk: pk.authenticatorSelection?.residentKey === 'required' },
    pinUvAuthParam: t?.authenticate(clientDataHash), pinUvAuthProtocol: t?.protocol.version,
  });
  t?.wipe();
  const auth = parseAuthData(made.authData);
  const id = auth.attestedCredentialData!.credentialId;
  const attestationObject = encodeCbor(new Map<string, unknown>([['fmt', made.fmt], ['attStmt', made.attStmt], ['authData', made.authData]]));
  return {
    id: b64(id), rawId: ab(id), type: 'public-key', authenticatorAttachment: 'cross-platform',
    response: { attestationObject: ab(attestationObject), clientDataJSON: ab(clientDataJSON), getTransports: () => ['usb'] },
    getClientExtensionResults: () => (prf ? { prf: { enabled: auth.extensions?.get('hmac-secret') === true } } : {}),
  };
}

async function get(o: WebAuthnClientOptions, options: CredentialRequestOptions) {
  const ctap = current!.ctap;
  const pk = options.publicKey!;
  const rpId = pk.rpId!;
  const allowed = (pk.allowCredentials ?? []).map((c) => bytes(c.id));
  // Silent probing (up=false): which of the allowed credentials this key holds.
  let id: Uint8Array | undefined;
  for (const c of allowed) {
    try {
      await ctap.getAssertion({ rpId, clientDataHash: new Uint8Array(32), allowList: [{ type: 'public-key', id: c }], options: { up: false } });
      id = c;
      break;
    } catch (e) {
      if (!(e instanceof CtapError && e.status === CtapStatus.CTAP2_ERR_NO_CREDENTIALS)) throw e;
    }
  }
  if (!id) throw new DOMException('no allowed credential on this key', 'NotAllowedError');
  const ext = (pk.extensions as { prf?: { eval?: PrfValues; evalByCredential?: Record<string, PrfValues> } } | undefined)?.prf;
  const inputs = ext?.evalByCredential?.[b64(id)] ?? ext?.eval;
  const clientDataJSON = clientData('webauthn.get', pk.challenge, o.origin);
  const clientDataHash = sha256(clientDataJSON);
  const uv = await userVerification(ctap, pk.userVerification, inputs !== undefined);
  const t = await token(o, ctap, uv, PinUvAuthTokenPermission.ga, rpId);
  const allowList = [{ type: 'public-key' as const, id }];
  let assertion, results: Record<string, ArrayBuffer> | undefined;
  if (inputs) {
    const r = await ctap.hmacSecret({
      rpId, clientDataHash, allowList, salt1: prfSalt(bytes(inputs.first)), ...(inputs.second ? { salt2: prfSalt(bytes(inputs.second)) } : {}), pinToken: t,
    });
    assertion = r.assertion;
    results = { first: ab(r.first), ...(r.second ? { second: ab(r.second) } : {}) };
  } else {
    assertion = await ctap.getAssertion({ rpId, clientDataHash, allowList, pinUvAuthParam: t?.authenticate(clientDataHash), pinUvAuthProtocol: t?.protocol.version });
  }
  t?.wipe();
  return {
    id: b64(id), rawId: ab(id), type: 'public-key', authenticatorAttachment: 'cross-platform',
    response: { authenticatorData: ab(assertion.authData), clientDataJSON: ab(clientDataJSON), signature: ab(assertion.signature), userHandle: null },
    getClientExtensionResults: () => (results ? { prf: { results } } : {}),
  };
}
