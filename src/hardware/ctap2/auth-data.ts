// Authenticator data — WebAuthn L3 §6.1 "Authenticator Data" (and §6.5.1 attested credential data):
// rpIdHash[32] | flags[1] | signCount[4, big-endian] | [aaguid[16] | credIdLen[2] | credId | COSE key]
// | [extensions CBOR map]. Strict parse (no trailing bytes) and the encoder the software authenticator uses.

import { CtapError, CtapStatus } from '../errors.js';
import { bytes } from '../../core/check.js';
import { decodeCbor, decodeCborPrefix, encodeCbor, type CborMap } from './cbor.js';

/** authData flag bits (WebAuthn §6.1). */
export enum AuthDataFlag {
  UP = 0x01,
  UV = 0x04,
  BE = 0x08,
  BS = 0x10,
  AT = 0x40,
  ED = 0x80,
}

/** Attested credential data (WebAuthn §6.5.1). */
export interface AttestedCredentialData {
  aaguid: Uint8Array;
  credentialId: Uint8Array;
  /** The credential public key exactly as encoded (COSE_Key CBOR). */
  publicKey: Uint8Array;
}

/** Parsed authenticator data. */
export interface AuthenticatorData {
  rpIdHash: Uint8Array;
  flags: number;
  signCount: number;
  attestedCredentialData?: AttestedCredentialData;
  extensions?: CborMap;
}

const malformed = (why: string) => new CtapError(CtapStatus.CTAP2_ERR_INVALID_CBOR, `authenticator data: ${why}`);

/**
 * Parses authenticator data strictly.
 * @throws CtapError `CTAP2_ERR_INVALID_CBOR` for truncated data, flags that disagree with the content,
 *   or trailing bytes
 * @example const { flags, signCount } = parseAuthData(assertion.authData)
 */
export function parseAuthData(data: Uint8Array): AuthenticatorData {
  bytes('data', data);
  if (data.length < 37) throw malformed(`expected at least 37 bytes, got ${data.length}`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const flags = data[32];
  const out: AuthenticatorData = { rpIdHash: data.slice(0, 32), flags, signCount: view.getUint32(33) };
  let p = 37;
  if (flags & AuthDataFlag.AT) {
    if (data.length < p + 18) throw malformed('truncated attested credential data');
    const aaguid = data.slice(p, p + 16);
    const idLen = view.getUint16(p + 16);
    p += 18;
    if (data.length < p + idLen) throw malformed('truncated credential ID');
    const credentialId = data.slice(p, p + idLen);
    p += idLen;
    const { length } = decodeCborPrefix(data.subarray(p));
    out.attestedCredentialData = { aaguid, credentialId, publicKey: data.slice(p, p + length) };
    p += length;
  }
  if (flags & AuthDataFlag.ED) {
    const ext = decodeCbor(data.subarray(p));
    if (!(ext instanceof Map)) throw malformed('extensions must be a CBOR map');
    out.extensions = ext;
    p = data.length;
  }
  if (p !== data.length) throw malformed(`${data.length - p} trailing bytes`);
  return out;
}

/** Encodes authenticator data; AT and ED flags are set from the content. */
export function encodeAuthData(a: AuthenticatorData): Uint8Array {
  let flags = a.flags & ~(AuthDataFlag.AT | AuthDataFlag.ED);
  const parts: Uint8Array[] = [a.rpIdHash, new Uint8Array(5)];
  const head = parts[1];
  new DataView(head.buffer).setUint32(1, a.signCount >>> 0);
  if (a.attestedCredentialData) {
    flags |= AuthDataFlag.AT;
    const { aaguid, credentialId, publicKey } = a.attestedCredentialData;
    const len = new Uint8Array(2);
    new DataView(len.buffer).setUint16(0, credentialId.length);
    parts.push(aaguid, len, credentialId, publicKey);
  }
  if (a.extensions && a.extensions.size > 0) {
    flags |= AuthDataFlag.ED;
    parts.push(encodeCbor(a.extensions));
  }
  head[0] = flags;
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let p = 0;
  for (const x of parts) { out.set(x, p); p += x.length; }
  return out;
}
