// Software FIDO2 authenticator (CTAP 2.1 subset) — §6.1 authenticatorMakeCredential, §6.2
// authenticatorGetAssertion, §6.3 authenticatorGetNextAssertion, §6.4 authenticatorGetInfo, §6.5
// authenticatorClientPIN (PIN/UV auth protocols 1 and 2, §6.5.6 / §6.5.7), §6.8
// authenticatorCredentialManagement, §12.5 hmac-secret and §12.1 credProtect; ES256 credentials and
// packed attestation (WebAuthn §8.2) with its own CA.
// For tests and demos: its keys live in a JSON file, not in a secure element.

import { equalBytes } from '../../core/bytes.js';
import { hmacSha256, p256Keypair, p256PublicKey, p256PublicKeyToCose, p256Sign, p256SignatureToDer, sha256 } from '../../core/index.js';
import { CtapError, CtapStatus } from '../errors.js';
import { KeepaliveStatus } from '../ctaphid/constants.js';
import { decodeCborMap, encodeCbor, field, type CborMap, type CborValue } from '../ctap2/cbor.js';
import { AuthDataFlag, encodeAuthData } from '../ctap2/auth-data.js';
import { ClientPinSubCommand, CredentialManagementSubCommand, CtapCommand, PinUvAuthTokenPermission, parseDescriptorList } from '../ctap2/commands.js';
import { CRED_PROTECT, CredProtect, HMAC_SECRET } from '../ctap2/extensions.js';
import { coseKeyAgreement, decapsulate, pinProtocol, pinProtocolV1, type PinUvAuthProtocol } from '../ctap2/pin-protocol.js';
import { generateAttestation } from './attestation.js';
import { MemoryStore, type AuthenticatorStateData, type AuthenticatorStore, type StoredCredential } from './state.js';

/** keyprint's software authenticator AAGUID (fixed): 6b657970-7269-6e74-2d73-6f6674000001. */
export const KEYPRINT_AAGUID = new Uint8Array([
  0x6b, 0x65, 0x79, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x2d, 0x73, 0x6f, 0x66, 0x74, 0x00, 0x00, 0x01,
]);

/** §6.5.2: "pinRetries … maximum value of 8". */
export const MAX_PIN_RETRIES = 8;
/** §6.5.5.7: after 3 consecutive mismatches the authenticator needs a power cycle. */
export const MAX_CONSECUTIVE_PIN_FAILURES = 3;
const MAX_MSG_SIZE = 1200;
const MAX_CREDENTIAL_ID_LENGTH = 64;
const GET_NEXT_ASSERTION_TIMEOUT_MS = 30_000;
/** Credentials kept in the state file before CTAP2_ERR_KEY_STORE_FULL. */
export const MAX_CREDENTIALS = 1024;

/** What the authenticator asks the user to approve. */
export interface PresenceRequest {
  command: 'makeCredential' | 'getAssertion';
  rpId: string;
  userName?: string;
}

/** Per-request context supplied by the CTAPHID layer. */
export interface RequestContext {
  /** Fires when the host sends CTAPHID_CANCEL (or resyncs the channel). */
  signal: AbortSignal;
  /** Sets the status reported in CTAPHID_KEEPALIVE packets. */
  status(status: KeepaliveStatus): void;
}

/** Options for the software authenticator. */
export interface SoftAuthenticatorOptions {
  /** Where state lives (default: memory only). */
  store?: AuthenticatorStore;
  /** Asks for user presence; resolve `true` to approve. Default: approve at once. */
  approve?: (request: PresenceRequest, signal: AbortSignal) => Promise<boolean>;
  /** How long to wait for presence before CTAP2_ERR_USER_ACTION_TIMEOUT (default 30 000 ms). */
  presenceTimeoutMs?: number;
  /**
   * Which authenticator to be. `'2.1'` (default): FIDO_2_0 + FIDO_2_1, PIN/UV protocols [2, 1],
   * pinUvAuthToken, credential management. `'2.0'`: a CTAP 2.0 key as most keys sold before 2021 are —
   * FIDO_2_0 only, PIN protocol 1 only (protocol 2 arrived with CTAP 2.1), no pinUvAuthToken option
   * (only the legacy getPinToken), pinProtocol required on every clientPIN request (CTAP 2.0 §5.5.3),
   * no `pinUvAuthProtocol` key in hmac-secret (CTAP 2.0 §11.4 knows keys 1–3 only), no credential management.
   */
  ctap?: '2.0' | '2.1';
}

interface PinUvAuthToken {
  token: Uint8Array;
  permissions: number;
  rpId?: string;
}

const fail = (status: CtapStatus, message?: string): never => {
  throw new CtapError(status, message);
};

const equal = equalBytes;
const utf8 = (s: string) => new TextEncoder().encode(s);

/**
 * A CTAP 2.1 authenticator in software. `handleCbor` takes a CTAPHID_CBOR request payload and
 * returns the response payload (status byte ‖ CBOR); CtapHidDevice puts it on a report transport.
 * @example
 *   const authenticator = await SoftAuthenticator.create({ store: new DirectoryStore(dir) })
 *   const device = new CtapHidDevice(authenticator)
 */
export class SoftAuthenticator {
  private state: AuthenticatorStateData;
  private readonly keyAgreement = new Map<number, { secretKey: Uint8Array; publicKey: Uint8Array }>();
  private pinToken: PinUvAuthToken | undefined;
  private consecutivePinFailures = 0;
  private pending: { next: () => Promise<CborMap>; left: number; expires: number } | undefined;
  /** §6.8.2/§6.8.3 enumeration state: what the *GetNext* subcommands still have to return. */
  private enumeration: { rps?: string[]; credentials?: StoredCredential[] } = {};

  private constructor(private readonly store: AuthenticatorStore, private readonly options: SoftAuthenticatorOptions, state: AuthenticatorStateData) {
    this.state = state;
    this.powerCycle();
  }

  /**
   * Loads (or initialises) state and the attestation CA.
   * @throws HardwareError `state` if the store cannot be read or written
   */
  static async create(options: SoftAuthenticatorOptions = {}): Promise<SoftAuthenticator> {
    const store = options.store ?? new MemoryStore();
    let state = store.load();
    if (!state) {
      state = { pinRetries: MAX_PIN_RETRIES, signCount: 0, credentials: [] };
    }
    if (!state.attestation) {
      state.attestation = generateAttestation(KEYPRINT_AAGUID);
      store.save(state);
    }
    return new SoftAuthenticator(store, options, state);
  }

  /** The attestation CA certificate (DER): the trust anchor for this authenticator's attestations. */
  get attestationCaCertificate(): Uint8Array {
    return this.state.attestation!.caCertificate.slice();
  }

  /** The number of stored credentials (for tests and the CLI). */
  get credentialCount(): number {
    return this.state.credentials.length;
  }

  /**
   * Simulates unplugging the key: new key-agreement keys, no pinUvAuthToken, the consecutive-failure
   * counter reset (§6.5.5.7: "power cycle"), pending getNextAssertion state dropped.
   */
  powerCycle(): void {
    for (const k of this.keyAgreement.values()) k.secretKey.fill(0);
    this.keyAgreement.clear();
    this.pinToken?.token.fill(0);
    this.pinToken = undefined;
    this.consecutivePinFailures = 0;
    this.pending = undefined;
    this.enumeration = {};
  }

  /**
   * Handles one CTAPHID_CBOR request.
   * @param request command byte ‖ CBOR parameters
   * @returns status byte ‖ CBOR response (never throws: every failure becomes a CTAP status code)
   */
  async handleCbor(request: Uint8Array, context: RequestContext): Promise<Uint8Array> {
    try {
      const response = await this.dispatch(request, context);
      const body = response ? encodeCbor(response) : new Uint8Array(0);
      const out = new Uint8Array(1 + body.length);
      out.set(body, 1);
      return out;
    } catch (e) {
      if (e instanceof CtapError) return new Uint8Array([e.status]);
      // Anything else is a bug or a broken store: report CTAP1_ERR_OTHER rather than hang the host.
      return new Uint8Array([CtapStatus.CTAP1_ERR_OTHER]);
    }
  }

  private async dispatch(request: Uint8Array, context: RequestContext): Promise<CborMap | undefined> {
    if (request.length === 0) fail(CtapStatus.CTAP1_ERR_INVALID_LENGTH, 'empty CBOR request');
    if (request.length > MAX_MSG_SIZE) fail(CtapStatus.CTAP2_ERR_REQUEST_TOO_LARGE);
    const command = request[0];
    const params = () => (request.length > 1 ? decodeCborMap(request.subarray(1)) : new Map() as CborMap);
    switch (command) {
      case CtapCommand.authenticatorGetInfo:
        return this.getInfo();
      case CtapCommand.authenticatorMakeCredential:
        return this.makeCredential(params(), context);
      case CtapCommand.authenticatorGetAssertion:
        return this.getAssertion(params(), context);
      case CtapCommand.authenticatorGetNextAssertion:
        return this.getNextAssertion();
      case CtapCommand.authenticatorClientPIN:
        return this.clientPin(params());
      case CtapCommand.authenticatorCredentialManagement:
        if (this.ctap20) return fail(CtapStatus.CTAP1_ERR_INVALID_COMMAND, 'credential management is CTAP 2.1');
        return this.credentialManagement(params());
      default:
        return fail(CtapStatus.CTAP1_ERR_INVALID_COMMAND, `unsupported command 0x${command.toString(16)}`);
    }
  }

  // ---- §6.4 authenticatorGetInfo ------------------------------------------------------------------

  /** CTAP 2.0 profile (options.ctap = '2.0'): what a CTAP 2.0, PIN-protocol-1-only key does. */
  private get ctap20(): boolean {
    return this.options.ctap === '2.0';
  }

  private getInfo(): CborMap {
    if (this.ctap20) {
      // CTAP 2.0 §5.4: versions, extensions, aaguid, options, maxMsgSize, pinProtocols — nothing newer.
      return new Map<number, CborValue>([
        [0x01, ['FIDO_2_0']],
        [0x02, [CRED_PROTECT, HMAC_SECRET]],
        [0x03, KEYPRINT_AAGUID],
        [0x04, new Map<string, boolean>([['rk', true], ['up', true], ['plat', false], ['clientPin', this.state.pinHash !== undefined]])],
        [0x05, MAX_MSG_SIZE],
        [0x06, [1]],
      ]);
    }
    const options = new Map<string, boolean>([
      ['rk', true], ['up', true], ['plat', false], ['clientPin', this.state.pinHash !== undefined],
      ['credMgmt', true], ['pinUvAuthToken', true], ['makeCredUvNotRqd', true],
    ]);
    return new Map<number, CborValue>([
      [0x01, ['FIDO_2_0', 'FIDO_2_1']],
      [0x02, [CRED_PROTECT, HMAC_SECRET]],
      [0x03, KEYPRINT_AAGUID],
      [0x04, options],
      [0x05, MAX_MSG_SIZE],
      [0x06, [2, 1]],
      [0x07, 8],
      [0x08, MAX_CREDENTIAL_ID_LENGTH],
      [0x09, ['usb']],
      [0x0a, [new Map<string, CborValue>([['alg', -7], ['type', 'public-key']])]],
      [0x0d, 4],
      [0x0e, 1],
    ]);
  }

  /**
   * The PIN/UV auth protocol a request names. CTAP 2.0 knows only pinProtocol 1 (§5.5.1); the 2.0
   * profile answers CTAP1_ERR_INVALID_PARAMETER for anything else, as a 2.0 key does.
   */
  private protocolFor(version: unknown): PinUvAuthProtocol {
    if (this.ctap20 && version !== 1) fail(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, `pinProtocol ${String(version)} is not supported (CTAP 2.0: 1 only)`);
    return pinProtocol(version);
  }

  // ---- user presence -----------------------------------------------------------------------------

  private async userPresence(request: PresenceRequest, context: RequestContext): Promise<void> {
    if (context.signal.aborted) fail(CtapStatus.CTAP2_ERR_KEEPALIVE_CANCEL);
    context.status(KeepaliveStatus.UPNEEDED);
    const approve = this.options.approve ?? (async () => true);
    const timeoutMs = this.options.presenceTimeoutMs ?? 30_000;
    const inner = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const outcome = await Promise.race([
        approve(request, inner.signal).then((ok): 'approved' | 'denied' => (ok ? 'approved' : 'denied')),
        new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); }),
        new Promise<'cancelled'>((resolve) => {
          onAbort = () => resolve('cancelled');
          context.signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
      if (outcome === 'cancelled') fail(CtapStatus.CTAP2_ERR_KEEPALIVE_CANCEL);
      if (outcome === 'timeout') fail(CtapStatus.CTAP2_ERR_USER_ACTION_TIMEOUT);
      if (outcome === 'denied') fail(CtapStatus.CTAP2_ERR_OPERATION_DENIED);
    } finally {
      clearTimeout(timer);
      if (onAbort) context.signal.removeEventListener('abort', onAbort);
      inner.abort();
      context.status(KeepaliveStatus.PROCESSING);
    }
  }

  // ---- pinUvAuthParam checks (§6.1.2 steps 1-11, §6.2.2 steps 1-6) -------------------------------

  /**
   * Verifies pinUvAuthParam over clientDataHash with the current token; returns true (UV done).
   * Throws the spec's errors for a missing protocol, a bad MAC or a missing permission.
   */
  private checkPinUvAuth(
    params: CborMap, paramKey: number, protocolKey: number, clientDataHash: Uint8Array, permission: number, rpId: string,
  ): boolean {
    const param = field(params, paramKey, 'bytes');
    if (param === undefined) return false;
    const version = field(params, protocolKey, 'number');
    if (version === undefined) fail(CtapStatus.CTAP2_ERR_MISSING_PARAMETER, 'pinUvAuthProtocol is required with pinUvAuthParam');
    const protocol = this.protocolFor(version);
    const token = this.pinToken;
    // §6.1.2 step 11.1: "If the authenticator is not in a state to verify … return CTAP2_ERR_PIN_AUTH_INVALID".
    if (!token || !protocol.verify(token.token, clientDataHash, param)) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    if (!(token!.permissions & permission)) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID, 'pinUvAuthToken lacks the permission');
    if (token!.rpId !== undefined && token!.rpId !== rpId) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID, 'pinUvAuthToken is bound to another RP');
    token!.rpId ??= rpId;
    return true;
  }

  /** §6.1.2 step 1 / §6.2.2 step 1: a zero-length pinUvAuthParam asks "is a PIN set?" after a touch. */
  private async zeroLengthPinUvAuthParam(params: CborMap, key: number, request: PresenceRequest, context: RequestContext): Promise<void> {
    const p = params.get(key);
    if (p instanceof Uint8Array && p.length === 0) {
      await this.userPresence(request, context);
      fail(this.state.pinHash ? CtapStatus.CTAP2_ERR_PIN_INVALID : CtapStatus.CTAP2_ERR_PIN_NOT_SET);
    }
  }

  private static options(params: CborMap, key: number): Map<string, boolean> {
    const m = field(params, key, 'map');
    const out = new Map<string, boolean>();
    if (!m) return out;
    for (const [k, v] of m) {
      if (typeof k !== 'string') fail(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, 'option keys must be strings');
      if (typeof v !== 'boolean') fail(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, `option "${String(k)}" must be a boolean`);
      out.set(k as string, v as boolean);
    }
    return out;
  }

  // ---- §6.1 authenticatorMakeCredential -----------------------------------------------------------

  private async makeCredential(params: CborMap, context: RequestContext): Promise<CborMap> {
    const clientDataHash = field(params, 0x01, 'bytes', true);
    const rp = field(params, 0x02, 'map', true);
    const user = field(params, 0x03, 'map', true);
    const credParams = field(params, 0x04, 'array', true);
    const rpId = field(rp, 'id', 'string', true);
    field(rp, 'name', 'string');
    const userId = field(user, 'id', 'bytes', true);
    const userName = field(user, 'name', 'string');
    const userDisplayName = field(user, 'displayName', 'string');
    if (userId.length > 64) fail(CtapStatus.CTAP1_ERR_INVALID_LENGTH, 'user.id longer than 64 bytes');
    const excludeList = parseDescriptorList(field(params, 0x05, 'array') ?? []);
    const extensions = field(params, 0x06, 'map') ?? new Map();
    const options = SoftAuthenticator.options(params, 0x07);
    const request: PresenceRequest = { command: 'makeCredential', rpId, userName };

    // §6.1.2 step 3: the first supported algorithm in pubKeyCredParams.
    let es256 = false;
    for (const p of credParams) {
      if (!(p instanceof Map)) fail(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, 'pubKeyCredParams entries must be maps');
      const type = field(p as CborMap, 'type', 'string', true);
      const alg = field(p as CborMap, 'alg', 'number', true);
      if (type === 'public-key' && alg === -7) es256 = true;
    }
    if (!es256) fail(CtapStatus.CTAP2_ERR_UNSUPPORTED_ALGORITHM);

    await this.zeroLengthPinUvAuthParam(params, 0x08, request, context);
    // §6.1.2 step 5: options. "up": false is invalid for makeCredential; no built-in UV here.
    if (options.get('up') === false) fail(CtapStatus.CTAP2_ERR_INVALID_OPTION, 'up=false is not allowed for makeCredential');
    if (options.get('uv') === true) fail(CtapStatus.CTAP2_ERR_INVALID_OPTION, 'this authenticator has no built-in user verification');
    const rk = options.get('rk') === true;

    const uv = this.checkPinUvAuth(params, 0x08, 0x09, clientDataHash, PinUvAuthTokenPermission.mc, rpId);
    // §6.1.2 step 6 (makeCredUvNotRqd = true): with a PIN set, only discoverable credentials need UV.
    // CTAP 2.0 §5.1 step 7 (no makeCredUvNotRqd): with a PIN set, every credential does (CTAP2_ERR_PIN_REQUIRED, 0x36).
    if (!uv && this.state.pinHash && (rk || this.ctap20)) fail(CtapStatus.CTAP2_ERR_PUAT_REQUIRED);

    // §6.1.2 step 7: excludeList.
    for (const d of excludeList) {
      const c = this.state.credentials.find((x) => x.rpId === rpId && equal(x.id, d.id));
      if (c && !(c.credProtect === CredProtect.userVerificationRequired && !uv)) {
        await this.userPresence(request, context);
        fail(CtapStatus.CTAP2_ERR_CREDENTIAL_EXCLUDED);
      }
    }

    // §12.1 / §12.5 inputs.
    const credProtectIn = extensions.get(CRED_PROTECT);
    if (credProtectIn !== undefined && (typeof credProtectIn !== 'number' || credProtectIn < 1 || credProtectIn > 3)) {
      fail(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, 'credProtect must be 1, 2 or 3');
    }
    const hmacSecretIn = extensions.get(HMAC_SECRET);
    if (hmacSecretIn !== undefined && typeof hmacSecretIn !== 'boolean') {
      fail(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, 'hmac-secret input must be a boolean');
    }

    await this.userPresence(request, context);
    const replaced = this.state.credentials.filter((c) => rk && c.discoverable && c.rpId === rpId && equal(c.userId, userId)).length;
    if (this.state.credentials.length - replaced >= MAX_CREDENTIALS) fail(CtapStatus.CTAP2_ERR_KEY_STORE_FULL);

    const key = p256Keypair();
    const credential: StoredCredential = {
      id: crypto.getRandomValues(new Uint8Array(32)),
      rpId, userId, userName, userDisplayName,
      secretKey: key.secretKey,
      // §12.5: "The authenticator generates two random 32-byte values (called CredRandomWithUV and
      // CredRandomWithoutUV) and associates them with the credential."
      credRandomWithUV: crypto.getRandomValues(new Uint8Array(32)),
      credRandomWithoutUV: crypto.getRandomValues(new Uint8Array(32)),
      credProtect: (credProtectIn as number | undefined) ?? CredProtect.userVerificationOptional,
      discoverable: rk,
      hmacSecret: hmacSecretIn === true,
      createdAt: Date.now(),
    };
    // §6.1.2 step 17: a new discoverable credential replaces one with the same rpId and user.id.
    this.state.credentials = this.state.credentials.filter((c) => !(rk && c.discoverable && c.rpId === rpId && equal(c.userId, userId)));
    this.state.credentials.push(credential);
    this.state.signCount += 1;

    const extOut: CborMap = new Map();
    if (credProtectIn !== undefined) extOut.set(CRED_PROTECT, credential.credProtect);
    if (hmacSecretIn === true) extOut.set(HMAC_SECRET, true);
    const authData = encodeAuthData({
      rpIdHash: sha256(utf8(rpId)),
      flags: AuthDataFlag.UP | (uv ? AuthDataFlag.UV : 0),
      signCount: this.state.signCount,
      attestedCredentialData: { aaguid: KEYPRINT_AAGUID, credentialId: credential.id, publicKey: p256PublicKeyToCose(key.publicKey) },
      extensions: extOut,
    });
    this.store.save(this.state);

    // WebAuthn §8.2 packed, full attestation: sig over authenticatorData ‖ clientDataHash with the batch key.
    const att = this.state.attestation!;
    const signed = new Uint8Array(authData.length + clientDataHash.length);
    signed.set(authData, 0);
    signed.set(clientDataHash, authData.length);
    const sig = p256SignatureToDer(p256Sign(att.secretKey, sha256(signed)));
    // x5c carries the emulator's own CA after the batch certificate: no verifier knows that CA, so a
    // verifier can check the batch certificate's signature but still reports "attested, unknown
    // vendor", never hardware (WebAuthn §8.2 lets x5c hold the CA too, and verifiers ignore roots there).
    const attStmt = new Map<string, CborValue>([['alg', -7], ['sig', sig], ['x5c', [att.certificate, att.caCertificate]]]);
    return new Map<number, CborValue>([[0x01, 'packed'], [0x02, authData], [0x03, attStmt]]);
  }

  // ---- §6.2 authenticatorGetAssertion -------------------------------------------------------------

  private async getAssertion(params: CborMap, context: RequestContext): Promise<CborMap> {
    const rpId = field(params, 0x01, 'string', true);
    const clientDataHash = field(params, 0x02, 'bytes', true);
    const allowList = parseDescriptorList(field(params, 0x03, 'array') ?? []).filter((d) => d.type === 'public-key');
    const extensions = field(params, 0x04, 'map') ?? new Map();
    const options = SoftAuthenticator.options(params, 0x05);
    const request: PresenceRequest = { command: 'getAssertion', rpId };
    this.pending = undefined;

    await this.zeroLengthPinUvAuthParam(params, 0x06, request, context);
    if (options.has('rk')) fail(CtapStatus.CTAP2_ERR_UNSUPPORTED_OPTION, '"rk" is not a getAssertion option');
    if (options.get('uv') === true) fail(CtapStatus.CTAP2_ERR_INVALID_OPTION, 'this authenticator has no built-in user verification');
    const up = options.get('up') ?? true;
    const uv = this.checkPinUvAuth(params, 0x06, 0x07, clientDataHash, PinUvAuthTokenPermission.ga, rpId);

    // §6.2.2 step 7: locate credentials, then apply credProtect (§12.1).
    let candidates = allowList.length
      ? this.state.credentials.filter((c) => c.rpId === rpId && allowList.some((d) => equal(d.id, c.id)))
      : this.state.credentials.filter((c) => c.rpId === rpId && c.discoverable);
    candidates = candidates.filter((c) => {
      if (c.credProtect === CredProtect.userVerificationRequired) return uv;
      if (c.credProtect === CredProtect.userVerificationOptionalWithCredentialIDList) return uv || allowList.length > 0;
      return true;
    });
    if (candidates.length === 0) fail(CtapStatus.CTAP2_ERR_NO_CREDENTIALS);
    candidates.sort((a, b) => b.createdAt - a.createdAt);

    const hmacIn = extensions.get(HMAC_SECRET);
    let hmac: { protocol: PinUvAuthProtocol; shared: Uint8Array; salts: Uint8Array } | undefined;
    if (hmacIn !== undefined) hmac = await this.hmacSecretInput(hmacIn);

    if (up) await this.userPresence(request, context);

    const flags = (up ? AuthDataFlag.UP : 0) | (uv ? AuthDataFlag.UV : 0);
    const assertion = async (c: StoredCredential, count?: number): Promise<CborMap> => {
      this.state.signCount += 1;
      const extOut: CborMap = new Map();
      if (hmac && c.hmacSecret) {
        // §12.5: output_i = HMAC-SHA-256(CredRandom, salt_i), CredRandomWithUV iff UV was performed.
        const credRandom = uv ? c.credRandomWithUV : c.credRandomWithoutUV;
        const out = new Uint8Array(hmac.salts.length);
        out.set(hmacSha256(credRandom, hmac.salts.subarray(0, 32)), 0);
        if (hmac.salts.length === 64) out.set(hmacSha256(credRandom, hmac.salts.subarray(32, 64)), 32);
        extOut.set(HMAC_SECRET, await hmac.protocol.encrypt(hmac.shared, out));
        out.fill(0);
      }
      const authData = encodeAuthData({ rpIdHash: sha256(utf8(rpId)), flags, signCount: this.state.signCount, extensions: extOut });
      const signed = new Uint8Array(authData.length + clientDataHash.length);
      signed.set(authData, 0);
      signed.set(clientDataHash, authData.length);
      const response = new Map<number, CborValue>([
        [0x01, new Map<string, CborValue>([['id', c.id], ['type', 'public-key']])],
        [0x02, authData],
        [0x03, p256SignatureToDer(p256Sign(c.secretKey, sha256(signed)))],
      ]);
      if (c.discoverable) {
        // §6.2.2 step 12: user identifiable information only after UV; the user id always for rk.
        const u = new Map<string, CborValue>([['id', c.userId]]);
        if (uv && c.userName !== undefined) u.set('name', c.userName);
        if (uv && c.userDisplayName !== undefined) u.set('displayName', c.userDisplayName);
        response.set(0x04, u);
      }
      if (count !== undefined) response.set(0x05, count);
      this.store.save(this.state);
      return response;
    };

    if (allowList.length || candidates.length === 1) return assertion(candidates[0]);
    const rest = candidates.slice(1);
    this.pending = {
      next: () => assertion(rest.shift()!),
      left: rest.length,
      expires: Date.now() + GET_NEXT_ASSERTION_TIMEOUT_MS,
    };
    return assertion(candidates[0], candidates.length);
  }

  /** §12.5 authenticator processing of the getAssertion input {1: keyAgreement, 2: saltEnc, 3: saltAuth, 4: protocol}. */
  private async hmacSecretInput(input: CborValue): Promise<{ protocol: PinUvAuthProtocol; shared: Uint8Array; salts: Uint8Array }> {
    if (!(input instanceof Map)) return fail(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, 'hmac-secret input must be a map');
    const keyAgreement = field(input, 1, 'map', true);
    const saltEnc = field(input, 2, 'bytes', true);
    const saltAuth = field(input, 3, 'bytes', true);
    // §12.5: key 4 pinUvAuthProtocol is optional, default 1. CTAP 2.0 (§11.4) has no key 4: always protocol 1.
    const protocol = this.ctap20 ? pinProtocolV1 : pinProtocol(field(input, 4, 'number') ?? 1);
    const shared = decapsulate(protocol, this.agreementKey(protocol.version).secretKey, keyAgreement);
    if (!protocol.verify(shared, saltEnc, saltAuth)) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID, 'hmac-secret saltAuth does not verify');
    let salts: Uint8Array;
    try {
      salts = await protocol.decrypt(shared, saltEnc);
    } catch {
      return fail(CtapStatus.CTAP1_ERR_INVALID_LENGTH, 'hmac-secret saltEnc has an invalid length');
    }
    if (salts.length !== 32 && salts.length !== 64) fail(CtapStatus.CTAP1_ERR_INVALID_LENGTH, 'hmac-secret expects one or two 32-byte salts');
    return { protocol, shared, salts };
  }

  // ---- §6.3 authenticatorGetNextAssertion ---------------------------------------------------------

  private async getNextAssertion(): Promise<CborMap> {
    const p = this.pending;
    if (!p || p.left === 0 || Date.now() > p.expires) {
      this.pending = undefined;
      return fail(CtapStatus.CTAP2_ERR_NOT_ALLOWED, 'no pending getAssertion');
    }
    p.left -= 1;
    const response = await p.next();
    if (p.left === 0) this.pending = undefined;
    return response;
  }

  // ---- §6.5 authenticatorClientPIN ----------------------------------------------------------------

  private agreementKey(version: number): { secretKey: Uint8Array; publicKey: Uint8Array } {
    let k = this.keyAgreement.get(version);
    if (!k) {
      k = p256Keypair();
      this.keyAgreement.set(version, k);
    }
    return k;
  }

  private regenerateAgreementKey(version: number): void {
    this.keyAgreement.get(version)?.secretKey.fill(0);
    this.keyAgreement.delete(version);
  }

  private async clientPin(params: CborMap): Promise<CborMap | undefined> {
    const sub = field(params, 0x02, 'number', true);
    const version = field(params, 0x01, 'number');
    if (this.ctap20) {
      // CTAP 2.0 §5.5.3: pinProtocol (0x01) is required for every subCommand, getRetries included.
      if (version === undefined) fail(CtapStatus.CTAP2_ERR_MISSING_PARAMETER, 'pinProtocol is required');
      this.protocolFor(version);
    }
    if (sub === ClientPinSubCommand.getPINRetries) {
      return new Map<number, CborValue>([[0x03, this.state.pinRetries], [0x04, this.consecutivePinFailures >= MAX_CONSECUTIVE_PIN_FAILURES]]);
    }
    if (version === undefined) fail(CtapStatus.CTAP2_ERR_MISSING_PARAMETER, 'pinUvAuthProtocol is required');
    const protocol = this.protocolFor(version);
    // CTAP 2.0 §5.5.3 has subCommands 0x01–0x05 only.
    if (this.ctap20 && sub > ClientPinSubCommand.getPinToken) fail(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, `clientPIN subCommand ${sub} is not CTAP 2.0`);
    switch (sub) {
      case ClientPinSubCommand.getKeyAgreement:
        return new Map([[0x01, coseKeyAgreement(this.agreementKey(protocol.version).publicKey)]]);
      case ClientPinSubCommand.setPIN:
        return this.setPin(params, protocol);
      case ClientPinSubCommand.changePIN:
        return this.changePin(params, protocol);
      case ClientPinSubCommand.getPinToken:
        return this.getPinToken(params, protocol, PinUvAuthTokenPermission.mc | PinUvAuthTokenPermission.ga, undefined);
      case ClientPinSubCommand.getPinUvAuthTokenUsingPinWithPermissions: {
        const permissions = field(params, 0x09, 'number', true);
        const rpId = field(params, 0x0a, 'string');
        if (permissions === 0) fail(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, 'permissions must not be 0');
        // mc, ga and cm are implemented; bio enrollment, large blobs and config are not.
        if (permissions & ~(PinUvAuthTokenPermission.mc | PinUvAuthTokenPermission.ga | PinUvAuthTokenPermission.cm)) fail(CtapStatus.CTAP2_ERR_UNAUTHORIZED_PERMISSION);
        return this.getPinToken(params, protocol, permissions, rpId);
      }
      case ClientPinSubCommand.getPinUvAuthTokenUsingUvWithPermissions:
      case ClientPinSubCommand.getUVRetries:
        return fail(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND, 'no built-in user verification');
      default:
        return fail(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND);
    }
  }

  /** Decrypts and checks a paddedNewPin (§6.5.5.5): 64 bytes, ≥ 4 code points, ends with 0x00. */
  private async newPin(protocol: PinUvAuthProtocol, shared: Uint8Array, newPinEnc: Uint8Array): Promise<Uint8Array> {
    let padded: Uint8Array;
    try {
      padded = await protocol.decrypt(shared, newPinEnc);
    } catch {
      return fail(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, 'newPinEnc has an invalid length');
    }
    if (padded.length !== 64) fail(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, 'paddedNewPin must be 64 bytes');
    const end = padded.indexOf(0);
    const pin = padded.subarray(0, end < 0 ? 64 : end);
    let codePoints: number;
    try {
      codePoints = [...new TextDecoder('utf-8', { fatal: true }).decode(pin)].length;
    } catch {
      return fail(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION, 'PIN is not UTF-8');
    }
    if (end < 0 || codePoints < 4) fail(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION);
    const hash = sha256(pin).slice(0, 16);
    padded.fill(0);
    return hash;
  }

  private async setPin(params: CborMap, protocol: PinUvAuthProtocol): Promise<undefined> {
    const keyAgreement = field(params, 0x03, 'map', true);
    const pinUvAuthParam = field(params, 0x04, 'bytes', true);
    const newPinEnc = field(params, 0x05, 'bytes', true);
    // §6.5.5.5: "If a PIN has already been set, authenticator returns CTAP2_ERR_NOT_ALLOWED."
    if (this.state.pinHash) fail(CtapStatus.CTAP2_ERR_NOT_ALLOWED, 'a PIN is already set');
    const shared = decapsulate(protocol, this.agreementKey(protocol.version).secretKey, keyAgreement);
    if (!protocol.verify(shared, newPinEnc, pinUvAuthParam)) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    this.state.pinHash = await this.newPin(protocol, shared, newPinEnc);
    this.state.pinRetries = MAX_PIN_RETRIES;
    this.store.save(this.state);
    return undefined;
  }

  /** Common PIN check of changePIN / getPinToken (§6.5.5.6, §6.5.5.7): retries, blocking, power cycle. */
  private async checkPinHash(protocol: PinUvAuthProtocol, shared: Uint8Array, pinHashEnc: Uint8Array): Promise<void> {
    if (!this.state.pinHash) fail(CtapStatus.CTAP2_ERR_PIN_NOT_SET);
    if (this.state.pinRetries === 0) fail(CtapStatus.CTAP2_ERR_PIN_BLOCKED);
    if (this.consecutivePinFailures >= MAX_CONSECUTIVE_PIN_FAILURES) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_BLOCKED);
    // "Authenticator decrements pinRetries by 1 and stores it" before comparing.
    this.state.pinRetries -= 1;
    this.store.save(this.state);
    let hash: Uint8Array | undefined;
    try {
      hash = await protocol.decrypt(shared, pinHashEnc);
    } catch {
      hash = undefined;
    }
    if (!hash || hash.length !== 16 || !equal(hash, this.state.pinHash!)) {
      // "the authenticator generates a new keyAgreement key … If the authenticator sees 3 consecutive
      // mismatches, it returns CTAP2_ERR_PIN_AUTH_BLOCKED, indicating that power cycling is needed."
      this.regenerateAgreementKey(protocol.version);
      this.consecutivePinFailures += 1;
      if (this.state.pinRetries === 0) fail(CtapStatus.CTAP2_ERR_PIN_BLOCKED);
      if (this.consecutivePinFailures >= MAX_CONSECUTIVE_PIN_FAILURES) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_BLOCKED);
      fail(CtapStatus.CTAP2_ERR_PIN_INVALID);
    }
    this.consecutivePinFailures = 0;
    this.state.pinRetries = MAX_PIN_RETRIES;
    this.store.save(this.state);
  }

  private async changePin(params: CborMap, protocol: PinUvAuthProtocol): Promise<undefined> {
    const keyAgreement = field(params, 0x03, 'map', true);
    const pinUvAuthParam = field(params, 0x04, 'bytes', true);
    const newPinEnc = field(params, 0x05, 'bytes', true);
    const pinHashEnc = field(params, 0x06, 'bytes', true);
    if (!this.state.pinHash) fail(CtapStatus.CTAP2_ERR_PIN_NOT_SET);
    if (this.state.pinRetries === 0) fail(CtapStatus.CTAP2_ERR_PIN_BLOCKED);
    const shared = decapsulate(protocol, this.agreementKey(protocol.version).secretKey, keyAgreement);
    const message = new Uint8Array(newPinEnc.length + pinHashEnc.length);
    message.set(newPinEnc, 0);
    message.set(pinHashEnc, newPinEnc.length);
    if (!protocol.verify(shared, message, pinUvAuthParam)) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    await this.checkPinHash(protocol, shared, pinHashEnc);
    this.state.pinHash = await this.newPin(protocol, shared, newPinEnc);
    this.pinToken = undefined;
    this.store.save(this.state);
    return undefined;
  }

  private async getPinToken(params: CborMap, protocol: PinUvAuthProtocol, permissions: number, rpId: string | undefined): Promise<CborMap> {
    const keyAgreement = field(params, 0x03, 'map', true);
    const pinHashEnc = field(params, 0x06, 'bytes', true);
    const shared = decapsulate(protocol, this.agreementKey(protocol.version).secretKey, keyAgreement);
    await this.checkPinHash(protocol, shared, pinHashEnc);
    // §6.5.5.7: resetPinUvAuthToken(), then beginUsingPinUvAuthToken with the requested permissions.
    this.pinToken?.token.fill(0);
    this.pinToken = { token: crypto.getRandomValues(new Uint8Array(32)), permissions, rpId };
    return new Map([[0x02, await protocol.encrypt(shared, this.pinToken.token)]]);
  }

  // ---- §6.8 authenticatorCredentialManagement (discoverable credentials) ----------------------------

  private credentialManagement(params: CborMap): CborMap | undefined {
    const sub = field(params, 0x01, 'number', true);
    const subParams = field(params, 0x02, 'map');
    const next = sub === CredentialManagementSubCommand.enumerateRPsGetNextRP || sub === CredentialManagementSubCommand.enumerateCredentialsGetNextCredential;
    if (!next) {
      this.enumeration = {};
      // §6.8.1–§6.8.5: pinUvAuthParam = authenticate(token, subCommand ‖ subCommandParams), a token with cm.
      const param = field(params, 0x04, 'bytes');
      if (param === undefined) fail(CtapStatus.CTAP2_ERR_PUAT_REQUIRED);
      const version = field(params, 0x03, 'number');
      if (version === undefined) fail(CtapStatus.CTAP2_ERR_MISSING_PARAMETER, 'pinUvAuthProtocol is required');
      const protocol = this.protocolFor(version);
      const body = subParams ? encodeCbor(subParams) : new Uint8Array(0);
      const message = new Uint8Array(1 + body.length);
      message[0] = sub;
      message.set(body, 1);
      const token = this.pinToken;
      if (!token || !protocol.verify(token.token, message, param!)) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
      if (!(token!.permissions & PinUvAuthTokenPermission.cm)) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID, 'pinUvAuthToken lacks the cm permission');
    }
    const resident = this.state.credentials.filter((c) => c.discoverable);
    const rpHash = (rpId: string) => sha256(utf8(rpId));
    const rpEntry = (rpId: string, total?: number) => {
      const m = new Map<number, CborValue>([[0x03, new Map([['id', rpId]])], [0x04, rpHash(rpId)]]);
      if (total !== undefined) m.set(0x05, total);
      return m;
    };
    const credentialEntry = (c: StoredCredential, total?: number) => {
      const user = new Map<string, CborValue>([['id', c.userId]]);
      if (c.userName !== undefined) user.set('name', c.userName);
      if (c.userDisplayName !== undefined) user.set('displayName', c.userDisplayName);
      const m = new Map<number, CborValue>([
        [0x06, user], [0x07, new Map<string, CborValue>([['id', c.id], ['type', 'public-key']])],
        [0x08, p256PublicKeyToCose(p256PublicKey(c.secretKey))],
      ]);
      if (total !== undefined) m.set(0x09, total);
      m.set(0x0a, c.credProtect);
      return m;
    };
    switch (sub) {
      case CredentialManagementSubCommand.getCredsMetadata:
        return new Map([[0x01, resident.length], [0x02, MAX_CREDENTIALS - this.state.credentials.length]]);
      case CredentialManagementSubCommand.enumerateRPsBegin: {
        const rps = [...new Set(resident.map((c) => c.rpId))];
        if (rps.length === 0) fail(CtapStatus.CTAP2_ERR_NO_CREDENTIALS);
        this.enumeration = { rps: rps.slice(1) };
        return rpEntry(rps[0], rps.length);
      }
      case CredentialManagementSubCommand.enumerateRPsGetNextRP: {
        const rp = this.enumeration.rps?.shift();
        if (rp === undefined) return fail(CtapStatus.CTAP2_ERR_NOT_ALLOWED, 'no enumeration of RPs in progress');
        return rpEntry(rp);
      }
      case CredentialManagementSubCommand.enumerateCredentialsBegin: {
        const hash = field(subParams ?? new Map(), 0x01, 'bytes', true);
        const found = resident.filter((c) => equal(rpHash(c.rpId), hash));
        if (found.length === 0) fail(CtapStatus.CTAP2_ERR_NO_CREDENTIALS);
        this.enumeration = { credentials: found.slice(1) };
        return credentialEntry(found[0], found.length);
      }
      case CredentialManagementSubCommand.enumerateCredentialsGetNextCredential: {
        const c = this.enumeration.credentials?.shift();
        if (c === undefined) return fail(CtapStatus.CTAP2_ERR_NOT_ALLOWED, 'no enumeration of credentials in progress');
        return credentialEntry(c);
      }
      case CredentialManagementSubCommand.deleteCredential: {
        const d = parseDescriptorList([field(subParams ?? new Map(), 0x02, 'map', true)])[0];
        const c = resident.find((x) => equal(x.id, d.id));
        if (!c) return fail(CtapStatus.CTAP2_ERR_NO_CREDENTIALS);
        if (this.pinToken!.rpId !== undefined && this.pinToken!.rpId !== c.rpId) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID, 'pinUvAuthToken is bound to another RP');
        c.secretKey.fill(0);
        this.state.credentials = this.state.credentials.filter((x) => x !== c);
        this.store.save(this.state);
        return undefined;
      }
      default:
        return fail(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND);
    }
  }

  toString(): string {
    return 'SoftAuthenticator';
  }
  toJSON(): string {
    return 'SoftAuthenticator';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SoftAuthenticator';
  }
}

