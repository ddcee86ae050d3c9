// CTAP2 extensions — CTAP 2.1 §12.5 "HMAC Secret Extension (hmac-secret)" and §12.1 "Credential
// Protection (credProtect)": platform-side input builders and output decoding.

import { bytes } from '../../core/check.js';
import { CtapError, CtapStatus } from '../errors.js';
import type { CborMap } from './cbor.js';
import type { PinUvAuthProtocol } from './pin-protocol.js';

/** credProtect policy values (§12.1; names as in the spec). */
export enum CredProtect {
  userVerificationOptional = 0x01,
  userVerificationOptionalWithCredentialIDList = 0x02,
  userVerificationRequired = 0x03,
}

/** Extension identifiers as they appear in getInfo and in the extensions maps. */
export const HMAC_SECRET = 'hmac-secret';
export const CRED_PROTECT = 'credProtect';

/**
 * The getAssertion `hmac-secret` input map (§12.5): {1: keyAgreement, 2: saltEnc, 3: saltAuth,
 * 4: pinUvAuthProtocol}; saltEnc = encrypt(shared, salt1 [‖ salt2]), saltAuth = authenticate(shared, saltEnc).
 * @param protocol the PIN/UV auth protocol the shared secret came from
 * @param keyAgreement the platform's COSE key from `encapsulate`
 * @param sharedSecret the shared secret from `encapsulate`
 * @param salt1 32 bytes
 * @param salt2 optional second 32-byte salt
 * @throws InputError `invalid-length` for salts that are not 32 bytes
 * @example extensions.set('hmac-secret', await hmacSecretInput(pinProtocolV2, keyAgreement, shared, prfSalt(input)))
 */
export async function hmacSecretInput(
  protocol: PinUvAuthProtocol,
  keyAgreement: CborMap,
  sharedSecret: Uint8Array,
  salt1: Uint8Array,
  salt2?: Uint8Array,
): Promise<CborMap> {
  bytes('salt1', salt1, 32);
  if (salt2 !== undefined) bytes('salt2', salt2, 32);
  bytes('sharedSecret', sharedSecret);
  const salts = new Uint8Array(salt2 ? 64 : 32);
  salts.set(salt1, 0);
  if (salt2) salts.set(salt2, 32);
  const saltEnc = await protocol.encrypt(sharedSecret, salts);
  const saltAuth = protocol.authenticate(sharedSecret, saltEnc);
  const m: CborMap = new Map<number, CborMap | Uint8Array | number>([[1, keyAgreement], [2, saltEnc], [3, saltAuth]]);
  // §12.5: key 4 pinUvAuthProtocol is optional and defaults to 1; always send it.
  m.set(4, protocol.version);
  return m;
}

/**
 * Decrypts the `hmac-secret` authData extension output (§12.5): output1 [‖ output2].
 * @returns `first` and, if two salts were sent, `second` (32 bytes each)
 * @throws CtapError `CTAP1_ERR_INVALID_LENGTH` if the output does not decrypt to 32 or 64 bytes
 */
export async function decryptHmacSecretOutput(
  protocol: PinUvAuthProtocol,
  sharedSecret: Uint8Array,
  output: Uint8Array,
): Promise<{ first: Uint8Array; second?: Uint8Array }> {
  bytes('output', output);
  let plain: Uint8Array;
  try {
    plain = await protocol.decrypt(sharedSecret, output);
  } catch (e) {
    throw new CtapError(CtapStatus.CTAP1_ERR_INVALID_LENGTH, 'hmac-secret output has an invalid length', { cause: e });
  }
  if (plain.length !== 32 && plain.length !== 64) {
    throw new CtapError(CtapStatus.CTAP1_ERR_INVALID_LENGTH, `hmac-secret output expected 32 or 64 bytes, got ${plain.length}`);
  }
  return plain.length === 64 ? { first: plain.slice(0, 32), second: plain.slice(32) } : { first: plain };
}
