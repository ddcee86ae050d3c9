// CTAP2 authenticator API — CTAP 2.1 §6: command bytes (§6), authenticatorMakeCredential (§6.1),
// authenticatorGetAssertion (§6.2), authenticatorGetNextAssertion (§6.3), authenticatorGetInfo (§6.4)
// and authenticatorClientPIN (§6.5.5): parameter keys, request encoders and strict response parsers.

import { CtapError, CtapStatus } from '../errors.js';
import { field, type CborMap, type CborValue } from './cbor.js';

/** CTAP2 command bytes (§6; names, values and order as in the spec). */
export enum CtapCommand {
  authenticatorMakeCredential = 0x01,
  authenticatorGetAssertion = 0x02,
  authenticatorGetInfo = 0x04,
  authenticatorClientPIN = 0x06,
  authenticatorReset = 0x07,
  authenticatorGetNextAssertion = 0x08,
  authenticatorBioEnrollment = 0x09,
  authenticatorCredentialManagement = 0x0a,
  authenticatorSelection = 0x0b,
  authenticatorLargeBlobs = 0x0c,
  authenticatorConfig = 0x0d,
  /** The CTAP 2.1-PRE prototype of authenticatorCredentialManagement (getInfo option `credentialMgmtPreview`). */
  authenticatorCredentialManagementPreview = 0x41,
}

/** authenticatorClientPIN subCommand values (§6.5.5). */
export enum ClientPinSubCommand {
  getPINRetries = 0x01,
  getKeyAgreement = 0x02,
  setPIN = 0x03,
  changePIN = 0x04,
  getPinToken = 0x05,
  getPinUvAuthTokenUsingUvWithPermissions = 0x06,
  getUVRetries = 0x07,
  getPinUvAuthTokenUsingPinWithPermissions = 0x09,
}

/** authenticatorCredentialManagement subCommand values (§6.8). */
export enum CredentialManagementSubCommand {
  getCredsMetadata = 0x01,
  enumerateRPsBegin = 0x02,
  enumerateRPsGetNextRP = 0x03,
  enumerateCredentialsBegin = 0x04,
  enumerateCredentialsGetNextCredential = 0x05,
  deleteCredential = 0x06,
  updateUserInformation = 0x07,
}

/** pinUvAuthToken permissions (§6.5.5.7). */
export enum PinUvAuthTokenPermission {
  mc = 0x01,
  ga = 0x02,
  cm = 0x04,
  be = 0x08,
  lbw = 0x10,
  acfg = 0x20,
}

/** A PublicKeyCredentialDescriptor (WebAuthn §5.8.3). */
export interface CredentialDescriptor {
  type: 'public-key';
  id: Uint8Array;
  transports?: string[];
}

/** authenticatorGetInfo response (§6.4), the fields keyprint uses plus the raw map. */
export interface AuthenticatorInfo {
  versions: string[];
  extensions: string[];
  aaguid: Uint8Array;
  options: Record<string, boolean>;
  maxMsgSize: number;
  pinUvAuthProtocols: number[];
  maxCredentialCountInList?: number;
  maxCredentialIdLength?: number;
  transports?: string[];
  algorithms?: Array<{ type: string; alg: number }>;
  firmwareVersion?: number;
  raw: CborMap;
}

/**
 * §6.4 defaults for getInfo options the authenticator leaves out. Options with no default here
 * (`clientPin`, `uv`, `bioEnroll`, `largeBlobs`, `ep`, …) mean "not supported" when absent and
 * getInfoOption returns undefined for them.
 */
const OPTION_DEFAULTS: ReadonlyMap<string, boolean> = new Map([
  ['plat', false],
  ['rk', false],
  ['up', true],
  // Absent: the authenticator lacks the getPinUvAuthTokenUsing…WithPermissions subcommands — only
  // the legacy getPinToken (0x05) exists.
  ['pinUvAuthToken', false],
  ['noMcGaPermissionsWithClientPin', false],
  ['credMgmt', false],
  ['credentialMgmtPreview', false],
  ['setMinPINLength', false],
  ['makeCredUvNotRqd', false],
  ['alwaysUv', false],
  ['authnrCfg', false],
]);

/**
 * A getInfo option (§6.4) with the spec's meaning of an absent key: the default where §6.4 gives
 * one, else undefined ("not supported").
 * @param info a parsed getInfo
 * @param name the option ID, e.g. `pinUvAuthToken`
 * @returns true / false, or undefined for an absent option without a default
 * @example getInfoOption(info, 'pinUvAuthToken') // false for a CTAP 2.0 key
 */
export function getInfoOption(info: Pick<AuthenticatorInfo, 'options'>, name: string): boolean | undefined {
  return Object.hasOwn(info.options, name) ? info.options[name] : OPTION_DEFAULTS.get(name);
}

/** authenticatorMakeCredential parameters (§6.1). */
export interface MakeCredentialRequest {
  clientDataHash: Uint8Array;
  rp: { id: string; name?: string };
  user: { id: Uint8Array; name?: string; displayName?: string };
  pubKeyCredParams?: Array<{ type: 'public-key'; alg: number }>;
  excludeList?: CredentialDescriptor[];
  extensions?: CborMap;
  options?: { rk?: boolean; up?: boolean; uv?: boolean };
  pinUvAuthParam?: Uint8Array;
  pinUvAuthProtocol?: number;
}

/** authenticatorMakeCredential response (§6.1). */
export interface MakeCredentialResponse {
  fmt: string;
  authData: Uint8Array;
  attStmt: CborMap;
}

/** authenticatorGetAssertion parameters (§6.2). */
export interface GetAssertionRequest {
  rpId: string;
  clientDataHash: Uint8Array;
  allowList?: CredentialDescriptor[];
  extensions?: CborMap;
  options?: { up?: boolean; uv?: boolean };
  pinUvAuthParam?: Uint8Array;
  pinUvAuthProtocol?: number;
}

/** authenticatorGetAssertion / GetNextAssertion response (§6.2). */
export interface GetAssertionResponse {
  credential: CredentialDescriptor;
  authData: Uint8Array;
  signature: Uint8Array;
  user?: { id: Uint8Array; name?: string; displayName?: string };
  numberOfCredentials?: number;
}

/** authenticatorClientPIN parameters (§6.5.5). */
export interface ClientPinRequest {
  pinUvAuthProtocol?: number;
  subCommand: ClientPinSubCommand;
  keyAgreement?: CborMap;
  pinUvAuthParam?: Uint8Array;
  newPinEnc?: Uint8Array;
  pinHashEnc?: Uint8Array;
  permissions?: number;
  rpId?: string;
}

/** authenticatorClientPIN response (§6.5.5). */
export interface ClientPinResponse {
  keyAgreement?: CborMap;
  pinUvAuthToken?: Uint8Array;
  pinRetries?: number;
  powerCycleState?: boolean;
  uvRetries?: number;
}

function put(map: CborMap, key: number, value: CborValue | undefined): void {
  if (value !== undefined) map.set(key, value);
}

function options(o: Record<string, boolean | undefined> | undefined): CborMap | undefined {
  if (!o) return undefined;
  const m: CborMap = new Map();
  for (const [k, v] of Object.entries(o)) if (v !== undefined) m.set(k, v);
  return m.size ? m : undefined;
}

function descriptor(d: CredentialDescriptor): CborMap {
  const m: CborMap = new Map<string, CborValue>([['id', d.id], ['type', d.type]]);
  if (d.transports) m.set('transports', d.transports);
  return m;
}

function entity(o: Record<string, unknown>): CborMap {
  const m: CborMap = new Map();
  for (const [k, v] of Object.entries(o)) if (v !== undefined) m.set(k, v as CborValue);
  return m;
}

/** The CBOR parameter map of an authenticatorMakeCredential request (§6.1, keys 0x01..0x09). */
export function encodeMakeCredential(r: MakeCredentialRequest): CborMap {
  const m: CborMap = new Map();
  put(m, 0x01, r.clientDataHash);
  put(m, 0x02, entity(r.rp));
  put(m, 0x03, entity(r.user));
  put(m, 0x04, (r.pubKeyCredParams ?? [{ type: 'public-key', alg: -7 }]).map((p) => entity(p)));
  if (r.excludeList?.length) put(m, 0x05, r.excludeList.map(descriptor));
  if (r.extensions?.size) put(m, 0x06, r.extensions);
  put(m, 0x07, options(r.options));
  put(m, 0x08, r.pinUvAuthParam);
  put(m, 0x09, r.pinUvAuthProtocol);
  return m;
}

/** The CBOR parameter map of an authenticatorGetAssertion request (§6.2, keys 0x01..0x07). */
export function encodeGetAssertion(r: GetAssertionRequest): CborMap {
  const m: CborMap = new Map();
  put(m, 0x01, r.rpId);
  put(m, 0x02, r.clientDataHash);
  if (r.allowList?.length) put(m, 0x03, r.allowList.map(descriptor));
  if (r.extensions?.size) put(m, 0x04, r.extensions);
  put(m, 0x05, options(r.options));
  put(m, 0x06, r.pinUvAuthParam);
  put(m, 0x07, r.pinUvAuthProtocol);
  return m;
}

/** The CBOR parameter map of an authenticatorClientPIN request (§6.5.5, keys 0x01..0x0A). */
export function encodeClientPin(r: ClientPinRequest): CborMap {
  const m: CborMap = new Map();
  put(m, 0x01, r.pinUvAuthProtocol);
  put(m, 0x02, r.subCommand);
  put(m, 0x03, r.keyAgreement);
  put(m, 0x04, r.pinUvAuthParam);
  put(m, 0x05, r.newPinEnc);
  put(m, 0x06, r.pinHashEnc);
  put(m, 0x09, r.permissions);
  put(m, 0x0a, r.rpId);
  return m;
}

const stringList = (m: CborMap, key: number): string[] | undefined => {
  const list = field(m, key, 'array');
  if (list === undefined) return undefined;
  if (!list.every((x) => typeof x === 'string')) {
    throw new CtapError(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, `parameter ${key} expected an array of strings`);
  }
  return list as string[];
};

/**
 * Parses an authenticatorGetInfo response map (§6.4). Unknown keys are kept in `raw`.
 * @throws CtapError `CTAP2_ERR_MISSING_PARAMETER` / `CTAP2_ERR_CBOR_UNEXPECTED_TYPE`
 */
export function parseGetInfo(m: CborMap): AuthenticatorInfo {
  const aaguid = field(m, 0x03, 'bytes', true);
  if (aaguid.length !== 16) throw new CtapError(CtapStatus.CTAP1_ERR_INVALID_LENGTH, `aaguid expected 16 bytes, got ${aaguid.length}`);
  const opts: Record<string, boolean> = {};
  for (const [k, v] of field(m, 0x04, 'map') ?? new Map()) {
    if (typeof k === 'string' && typeof v === 'boolean') opts[k] = v;
  }
  const protocols = field(m, 0x06, 'array') ?? [];
  const algorithms = field(m, 0x0a, 'array');
  return {
    versions: stringList(m, 0x01) ?? [],
    extensions: stringList(m, 0x02) ?? [],
    aaguid,
    options: opts,
    maxMsgSize: field(m, 0x05, 'number') ?? 1024,
    pinUvAuthProtocols: protocols.filter((x): x is number => typeof x === 'number'),
    maxCredentialCountInList: field(m, 0x07, 'number'),
    maxCredentialIdLength: field(m, 0x08, 'number'),
    transports: stringList(m, 0x09),
    algorithms: algorithms?.filter((x): x is CborMap => x instanceof Map).map((a) => ({
      type: String(a.get('type')), alg: Number(a.get('alg')),
    })),
    firmwareVersion: field(m, 0x0e, 'number'),
    raw: m,
  };
}

/** Parses an authenticatorMakeCredential response (§6.1). */
export function parseMakeCredential(m: CborMap): MakeCredentialResponse {
  return { fmt: field(m, 0x01, 'string', true), authData: field(m, 0x02, 'bytes', true), attStmt: field(m, 0x03, 'map', true) };
}

function parseDescriptor(m: CborMap): CredentialDescriptor {
  const type = field(m, 'type', 'string', true);
  if (type !== 'public-key') throw new CtapError(CtapStatus.CTAP2_ERR_INVALID_CREDENTIAL, `credential type "${type}" is not public-key`);
  return { type, id: field(m, 'id', 'bytes', true) };
}

/** Parses an authenticatorGetAssertion / GetNextAssertion response (§6.2). */
export function parseGetAssertion(m: CborMap): GetAssertionResponse {
  const user = field(m, 0x04, 'map');
  return {
    credential: parseDescriptor(field(m, 0x01, 'map', true)),
    authData: field(m, 0x02, 'bytes', true),
    signature: field(m, 0x03, 'bytes', true),
    user: user && {
      id: field(user, 'id', 'bytes', true), name: field(user, 'name', 'string'), displayName: field(user, 'displayName', 'string'),
    },
    numberOfCredentials: field(m, 0x05, 'number'),
  };
}

/** Parses an authenticatorClientPIN response (§6.5.5). */
export function parseClientPin(m: CborMap): ClientPinResponse {
  return {
    keyAgreement: field(m, 0x01, 'map'),
    pinUvAuthToken: field(m, 0x02, 'bytes'),
    pinRetries: field(m, 0x03, 'number'),
    powerCycleState: field(m, 0x04, 'boolean'),
    uvRetries: field(m, 0x05, 'number'),
  };
}

/** Parses a descriptor list (exclude/allow list) in a request; the authenticator uses this. */
export function parseDescriptorList(v: CborValue[]): CredentialDescriptor[] {
  return v.map((d) => {
    if (!(d instanceof Map)) throw new CtapError(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, 'credential descriptor must be a map');
    const type = field(d, 'type', 'string', true);
    return { type: type as 'public-key', id: field(d, 'id', 'bytes', true) };
  });
}
