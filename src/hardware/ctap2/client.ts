// CTAP2 platform client — CTAP 2.1 §6: sends authenticatorGetInfo (§6.4), MakeCredential (§6.1),
// GetAssertion (§6.2), GetNextAssertion (§6.3) and ClientPIN (§6.5.5) over any channel that carries
// CTAPHID_CBOR messages, maps status bytes to CtapError, and implements the platform side of the PIN
// flows (§6.5.5.5 setPIN, §6.5.5.7 getPinToken / getPinUvAuthTokenUsingPinWithPermissions), of
// hmac-secret (§12.5) and of authenticatorCredentialManagement (§6.8: metadata, deleteCredential). What to send is negotiated from getInfo (§6.4), never assumed: the PIN/UV auth
// protocol from `pinUvAuthProtocols`, the token subcommand from the `pinUvAuthToken` option (absent =
// not supported), so CTAP 2.0, 2.1-PRE and 2.1 keys are all spoken to in their own terms.

import { CtapError, CtapStatus, HardwareError } from '../errors.js';
import type { CallOptions } from '../ctaphid/channel.js';
import { decodeCborMap, encodeCbor, type CborMap, type CborValue } from './cbor.js';
import {
  ClientPinSubCommand, CredentialManagementSubCommand, CtapCommand, encodeClientPin, encodeGetAssertion, encodeMakeCredential, getInfoOption, parseClientPin,
  parseGetAssertion, parseGetInfo, parseMakeCredential,
  type AuthenticatorInfo, type ClientPinRequest, type ClientPinResponse, type CredentialDescriptor,
  type GetAssertionRequest, type GetAssertionResponse, type MakeCredentialRequest, type MakeCredentialResponse,
} from './commands.js';
import { decryptHmacSecretOutput, hmacSecretInput, HMAC_SECRET } from './extensions.js';
import { encapsulate, negotiatePinUvAuthProtocol, pinBlocks, type PinUvAuthProtocol } from './pin-protocol.js';
import { parseAuthData } from './auth-data.js';

/** Anything that carries CTAPHID_CBOR payloads: a CtapHidChannel, or a test double. */
export interface CborChannel {
  cbor(payload: Uint8Array, options?: CallOptions): Promise<Uint8Array>;
}

/**
 * A pinUvAuthToken together with the protocol it belongs to. The token is a secret: it is hidden
 * from toString, JSON and Node's inspect; call `wipe()` when done.
 */
export class PinToken {
  constructor(readonly protocol: PinUvAuthProtocol, readonly token: Uint8Array) {}
  /** pinUvAuthParam = authenticate(token, message) — e.g. over clientDataHash (§6.1.2, §6.2.2). */
  authenticate(message: Uint8Array): Uint8Array {
    return this.protocol.authenticate(this.token, message);
  }
  /** Overwrites the token bytes. */
  wipe(): void {
    this.token.fill(0);
  }
  toString(): string {
    return `PinToken(protocol ${this.protocol.version})`;
  }
  toJSON(): string {
    return this.toString();
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A CTAP-level failure to read a response, as the HardwareError `protocol` the client reports; anything else as it was. */
function malformed(what: string, e: unknown): unknown {
  return e instanceof CtapError ? new HardwareError('protocol', `malformed ${what} response: ${e.message}`, { cause: e }) : e;
}

/**
 * CTAP2 client for one authenticator.
 * @example
 *   const ctap = new Ctap2Client(await CtapHidChannel.open(transport))
 *   const info = await ctap.getInfo()
 */
export class Ctap2Client {
  /** The last getInfo: what negotiation reads (versions, protocols, options that do not change while plugged in). */
  private knownInfo: AuthenticatorInfo | undefined;

  constructor(readonly channel: CborChannel) {}

  /**
   * Sends one CTAP2 command.
   * @returns the response map (empty for a status-only answer)
   * @throws CtapError for a non-zero status; HardwareError `protocol` for a non-canonical response
   */
  async send(command: CtapCommand, params?: CborMap, options?: CallOptions): Promise<CborMap> {
    const body = params ? encodeCbor(params) : new Uint8Array(0);
    const payload = new Uint8Array(1 + body.length);
    payload[0] = command;
    payload.set(body, 1);
    const response = await this.channel.cbor(payload, options);
    if (response.length === 0) throw new HardwareError('protocol', 'empty CTAPHID_CBOR response (no status byte)');
    if (response[0] !== CtapStatus.CTAP2_OK) throw new CtapError(response[0]);
    if (response.length === 1) return new Map();
    try {
      return decodeCborMap(response.subarray(1));
    } catch (e) {
      throw new HardwareError('protocol', `authenticator sent an invalid CTAP2 response: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Wraps a parser so malformed responses become HardwareError `protocol`. */
  private parse<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw malformed(what, e);
    }
  }

  /**
   * authenticatorGetInfo (§6.4).
   * @example const { versions, extensions, aaguid } = await ctap.getInfo()
   */
  async getInfo(options?: CallOptions): Promise<AuthenticatorInfo> {
    const m = await this.send(CtapCommand.authenticatorGetInfo, undefined, options);
    return (this.knownInfo = this.parse('getInfo', () => parseGetInfo(m)));
  }

  /** getInfo for negotiation: the last one this client saw, else a fresh one. */
  private async negotiationInfo(options?: CallOptions): Promise<AuthenticatorInfo> {
    return this.knownInfo ?? (await this.getInfo(options));
  }

  /**
   * The PIN/UV auth protocol this authenticator is spoken to with (negotiatePinUvAuthProtocol over
   * its getInfo): 2 when offered, else 1.
   * @throws CtapError when it offers only protocols keyprint lacks
   * @example await ctap.setPin('1234', await ctap.pinUvAuthProtocol())
   */
  async pinUvAuthProtocol(options?: CallOptions): Promise<PinUvAuthProtocol> {
    return negotiatePinUvAuthProtocol(await this.negotiationInfo(options));
  }

  /**
   * authenticatorMakeCredential (§6.1). Touch may be required: pass `onKeepalive` to tell the user.
   * @throws CtapError e.g. `CTAP2_ERR_CREDENTIAL_EXCLUDED`, `CTAP2_ERR_PIN_AUTH_INVALID`, `CTAP2_ERR_KEEPALIVE_CANCEL`
   */
  async makeCredential(request: MakeCredentialRequest, options?: CallOptions): Promise<MakeCredentialResponse> {
    const m = await this.send(CtapCommand.authenticatorMakeCredential, encodeMakeCredential(request), options);
    return this.parse('makeCredential', () => parseMakeCredential(m));
  }

  /**
   * authenticatorGetAssertion (§6.2).
   * @throws CtapError e.g. `CTAP2_ERR_NO_CREDENTIALS`
   */
  async getAssertion(request: GetAssertionRequest, options?: CallOptions): Promise<GetAssertionResponse> {
    const m = await this.send(CtapCommand.authenticatorGetAssertion, encodeGetAssertion(request), options);
    return this.parse('getAssertion', () => parseGetAssertion(m));
  }

  /** authenticatorGetNextAssertion (§6.3), after a getAssertion with numberOfCredentials > 1. */
  async getNextAssertion(options?: CallOptions): Promise<GetAssertionResponse> {
    const m = await this.send(CtapCommand.authenticatorGetNextAssertion, undefined, options);
    return this.parse('getNextAssertion', () => parseGetAssertion(m));
  }

  /** authenticatorClientPIN (§6.5.5) with raw parameters. */
  async clientPin(request: ClientPinRequest, options?: CallOptions): Promise<ClientPinResponse> {
    const m = await this.send(CtapCommand.authenticatorClientPIN, encodeClientPin(request), options);
    return this.parse('clientPIN', () => parseClientPin(m));
  }

  /**
   * getPINRetries (§6.5.5.2): the remaining PIN attempts and whether a power cycle is needed. Sent
   * with the negotiated pinUvAuthProtocol: CTAP 2.0 §5.5.3 requires it for every subCommand (a 2.0
   * key refuses the request without it), and 2.1 authenticators accept it.
   */
  async getPinRetries(options?: CallOptions, protocol?: PinUvAuthProtocol): Promise<{ retries: number; powerCycleState?: boolean }> {
    const version = (protocol ?? (await this.pinUvAuthProtocol(options))).version;
    const r = await this.clientPin({ pinUvAuthProtocol: version, subCommand: ClientPinSubCommand.getPINRetries }, options);
    if (r.pinRetries === undefined) throw new HardwareError('protocol', 'getPINRetries response without pinRetries');
    return { retries: r.pinRetries, powerCycleState: r.powerCycleState };
  }

  /**
   * getKeyAgreement (§6.5.5.4) + encapsulate: a fresh shared secret with the authenticator.
   * @returns the platform key-agreement COSE key to send and the shared secret
   */
  async sharedSecret(protocol: PinUvAuthProtocol, options?: CallOptions): Promise<{ keyAgreement: CborMap; sharedSecret: Uint8Array }> {
    const r = await this.clientPin({ pinUvAuthProtocol: protocol.version, subCommand: ClientPinSubCommand.getKeyAgreement }, options);
    if (!r.keyAgreement) throw new HardwareError('protocol', 'getKeyAgreement response without keyAgreement');
    try {
      return encapsulate(protocol, r.keyAgreement);
    } catch (e) {
      throw new HardwareError('protocol', `authenticator keyAgreement rejected: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * setPIN (§6.5.5.5): newPinEnc = encrypt(shared, paddedPin), pinUvAuthParam = authenticate(shared, newPinEnc).
   * @param protocol default: the negotiated one
   * @throws InputError for a PIN shorter than 4 characters or longer than 63 bytes; CtapError
   *   `CTAP2_ERR_NOT_ALLOWED` if a PIN is already set, `CTAP2_ERR_PIN_POLICY_VIOLATION`
   */
  async setPin(pin: string, protocol?: PinUvAuthProtocol, options?: CallOptions): Promise<void> {
    pinBlocks(pin).paddedPin.fill(0); // a bad PIN fails before any request
    protocol ??= await this.pinUvAuthProtocol(options);
    const { paddedPin } = pinBlocks(pin);
    const { keyAgreement, sharedSecret } = await this.sharedSecret(protocol, options);
    const newPinEnc = await protocol.encrypt(sharedSecret, paddedPin);
    const pinUvAuthParam = protocol.authenticate(sharedSecret, newPinEnc);
    paddedPin.fill(0);
    sharedSecret.fill(0);
    await this.clientPin({
      pinUvAuthProtocol: protocol.version, subCommand: ClientPinSubCommand.setPIN, keyAgreement, newPinEnc, pinUvAuthParam,
    }, options);
  }

  /**
   * A pinUvAuthToken from the PIN (§6.5.5.7): getPinUvAuthTokenUsingPinWithPermissions when
   * `permissions` are given and the authenticator supports it (getInfo option `pinUvAuthToken`
   * true — §6.4: absent means not supported), else the legacy getPinToken (§6.5.5.7.1, CTAP 2.0
   * §5.5.4), whose token carries every permission.
   * @param protocol default: the negotiated one
   * @param permissions PinUvAuthTokenPermission bits (e.g. mc | ga), the RP the token is bound to
   *   (needed for mc/ga permissions), and optionally the getInfo to decide with
   * @throws CtapError `CTAP2_ERR_PIN_INVALID` (wrong PIN), `CTAP2_ERR_PIN_BLOCKED`, `CTAP2_ERR_PIN_AUTH_BLOCKED`
   *   (power cycle needed), `CTAP2_ERR_PIN_NOT_SET`
   */
  async getPinToken(
    pin: string,
    protocol?: PinUvAuthProtocol,
    permissions?: { permissions: number; rpId?: string; info?: AuthenticatorInfo },
    options?: CallOptions,
  ): Promise<PinToken> {
    const info = permissions?.info ?? (await this.negotiationInfo(options));
    protocol ??= negotiatePinUvAuthProtocol(info);
    const withPermissions = permissions !== undefined && getInfoOption(info, 'pinUvAuthToken') === true;
    const { pinHash } = pinBlocks(pin);
    let sharedSecret: Uint8Array | undefined;
    try {
      const agreed = await this.sharedSecret(protocol, options);
      sharedSecret = agreed.sharedSecret;
      const { keyAgreement } = agreed;
      const pinHashEnc = await protocol.encrypt(sharedSecret, pinHash);
      pinHash.fill(0);
      const r = await this.clientPin({
        pinUvAuthProtocol: protocol.version,
        subCommand: withPermissions ? ClientPinSubCommand.getPinUvAuthTokenUsingPinWithPermissions : ClientPinSubCommand.getPinToken,
        keyAgreement, pinHashEnc,
        permissions: withPermissions ? permissions.permissions : undefined,
        rpId: withPermissions ? permissions.rpId : undefined,
      }, options);
      if (!r.pinUvAuthToken) throw new HardwareError('protocol', 'PIN token response without pinUvAuthToken');
      let token: Uint8Array;
      try {
        token = await protocol.decrypt(sharedSecret, r.pinUvAuthToken);
      } catch (e) {
        throw new HardwareError('protocol', 'pinUvAuthToken does not decrypt', { cause: e });
      }
      if (!(token.length === 32 || (protocol.version === 1 && token.length === 16))) {
        throw new HardwareError('protocol', `pinUvAuthToken expected ${protocol.version === 1 ? '16 or 32' : '32'} bytes, got ${token.length}`);
      }
      return new PinToken(protocol, token);
    } finally {
      sharedSecret?.fill(0);
      pinHash.fill(0);
    }
  }

  /**
   * authenticatorCredentialManagement (§6.8) with one subCommand: pinUvAuthParam =
   * authenticate(token, subCommand ‖ subCommandParams) (§6.8.1–§6.8.5), sent as 0x0A, or as the
   * 2.1-PRE prototype 0x41 when the key only offers `credentialMgmtPreview`.
   * @param token a pinUvAuthToken with the `cm` permission (the legacy getPinToken's has every permission)
   * @throws CtapError; HardwareError `protocol` when the key supports neither form
   */
  async credentialManagement(
    subCommand: CredentialManagementSubCommand, subCommandParams: CborMap | undefined, token: PinToken, options?: CallOptions,
  ): Promise<CborMap> {
    const info = await this.negotiationInfo(options);
    const command = getInfoOption(info, 'credMgmt') ? CtapCommand.authenticatorCredentialManagement
      : getInfoOption(info, 'credentialMgmtPreview') ? CtapCommand.authenticatorCredentialManagementPreview : undefined;
    if (command === undefined) throw new HardwareError('protocol', 'this authenticator has no credential management (getInfo credMgmt / credentialMgmtPreview)');
    const paramBytes = subCommandParams ? encodeCbor(subCommandParams) : new Uint8Array(0);
    const message = new Uint8Array(1 + paramBytes.length);
    message[0] = subCommand;
    message.set(paramBytes, 1);
    const request: CborMap = new Map<number, CborValue>([[0x01, subCommand]]);
    if (subCommandParams) request.set(0x02, subCommandParams);
    request.set(0x03, token.protocol.version);
    request.set(0x04, token.authenticate(message));
    return this.send(command, request, options);
  }

  /**
   * Deletes a discoverable credential (§6.8.5 deleteCredential).
   * @throws CtapError `CTAP2_ERR_NO_CREDENTIALS` when the key holds no such credential
   * @example await ctap.deleteCredential(id, await ctap.getPinToken(pin, undefined, { permissions: PinUvAuthTokenPermission.cm }))
   */
  async deleteCredential(credentialId: Uint8Array, token: PinToken, options?: CallOptions): Promise<void> {
    const descriptor: CborMap = new Map<string, CborValue>([['id', credentialId], ['type', 'public-key']]);
    await this.credentialManagement(CredentialManagementSubCommand.deleteCredential, new Map([[0x02, descriptor]]), token, options);
  }

  /**
   * §6.8.1 getCredsMetadata: how many discoverable credentials the key holds, and how many more fit.
   */
  async credentialsMetadata(token: PinToken, options?: CallOptions): Promise<{ existing: number; remaining: number }> {
    const m = await this.credentialManagement(CredentialManagementSubCommand.getCredsMetadata, undefined, token, options);
    const existing = m.get(0x01), remaining = m.get(0x02);
    if (typeof existing !== 'number' || typeof remaining !== 'number') throw new HardwareError('protocol', 'getCredsMetadata response without counts');
    return { existing, remaining };
  }

  /**
   * getAssertion with hmac-secret (§12.5): one or two 32-byte salts in, decrypted outputs out.
   * Give `pinToken` to perform UV (then CredRandomWithUV is used — what WebAuthn PRF reads). The
   * shared secret uses the token's protocol, else `protocol`, else the negotiated one (§12.5: the
   * pinUvAuthProtocol "MUST be a version supported by the authenticator").
   * @returns the assertion and `first` / `second` outputs
   * @throws CtapError; HardwareError `protocol` if the authenticator returned no hmac-secret output
   * @example const { first } = await ctap.hmacSecret({ rpId, clientDataHash, allowList, salt1: prfSalt(input) })
   */
  async hmacSecret(
    request: { rpId: string; clientDataHash: Uint8Array; allowList?: CredentialDescriptor[]; salt1: Uint8Array; salt2?: Uint8Array; pinToken?: PinToken; protocol?: PinUvAuthProtocol; up?: boolean },
    options?: CallOptions,
  ): Promise<{ assertion: GetAssertionResponse; first: Uint8Array; second?: Uint8Array }> {
    const protocol = request.pinToken?.protocol ?? request.protocol ?? (await this.pinUvAuthProtocol(options));
    const { keyAgreement, sharedSecret } = await this.sharedSecret(protocol, options);
    try {
      return await this.hmacSecretAssertion(request, protocol, keyAgreement, sharedSecret, options);
    } finally {
      sharedSecret.fill(0);
    }
  }

  private async hmacSecretAssertion(
    request: Parameters<Ctap2Client['hmacSecret']>[0], protocol: PinUvAuthProtocol, keyAgreement: CborMap, sharedSecret: Uint8Array,
    options?: CallOptions,
  ): Promise<{ assertion: GetAssertionResponse; first: Uint8Array; second?: Uint8Array }> {
    const extensions: CborMap = new Map([[HMAC_SECRET, await hmacSecretInput(protocol, keyAgreement, sharedSecret, request.salt1, request.salt2)]]);
    const assertion = await this.getAssertion({
      rpId: request.rpId, clientDataHash: request.clientDataHash, allowList: request.allowList, extensions,
      options: request.up === undefined ? undefined : { up: request.up },
      pinUvAuthParam: request.pinToken?.authenticate(request.clientDataHash),
      pinUvAuthProtocol: request.pinToken?.protocol.version,
    }, options);
    const output = this.parse('getAssertion', () => parseAuthData(assertion.authData)).extensions?.get(HMAC_SECRET);
    if (!(output instanceof Uint8Array)) throw new HardwareError('protocol', 'authenticator returned no hmac-secret output');
    const { first, second } = await decryptHmacSecretOutput(protocol, sharedSecret, output).catch((e: unknown) => { throw malformed('hmac-secret', e); });
    return { assertion, first, second };
  }
}
