// Test fixtures for the identity tests: WebAuthn / CTAP binding assertions built with node:crypto
// (an independent P-256 implementation), and bundles that use them.
import { createHash, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { base64urlnopad } from '@scure/base';
import { encode, rfc8949EncodeOptions } from 'cborg';
import { p256PublicKeyToCose } from '../../src/core/index.js';
import { bindingChallenge } from '../../src/identity/binding.js';
import type { HardwareBinding } from '../../src/identity/bundle.js';

export const sha256n = (b: Uint8Array | string): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());

export interface Credential {
  privateKey: KeyObject;
  cose: Uint8Array;
  credentialId: Uint8Array;
}

/** A fresh P-256 credential (node:crypto) with its COSE_Key. */
export function makeCredential(): Credential {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const point = new Uint8Array(65);
  point[0] = 4;
  point.set(Buffer.from(jwk.x!, 'base64url'), 1);
  point.set(Buffer.from(jwk.y!, 'base64url'), 33);
  return { privateKey, cose: p256PublicKeyToCose(point), credentialId: new Uint8Array(Array.from({ length: 48 }, (_, i) => i * 5)) };
}

/** authenticatorData without attested credential data: rpIdHash ‖ flags ‖ signCount (WebAuthn §6.1). */
export function authData(rpId: string, flags: number, signCount = 7): Uint8Array {
  const out = new Uint8Array(37);
  out.set(sha256n(rpId));
  out[32] = flags;
  new DataView(out.buffer).setUint32(33, signCount);
  return out;
}

export interface AssertionOptions {
  kind?: 'webauthn' | 'ctap';
  rpId?: string; // the RP ID stored in the bundle
  authRpId?: string; // the RP ID hashed into authData (default: rpId)
  flags?: number; // default UP|UV = 0x05
  type?: string;
  challenge?: Uint8Array; // default: the real binding challenge
  origin?: string;
  clientDataJSON?: string; // overrides the whole JSON
  credential?: Credential;
  signWith?: Credential; // sign with another key
}

/** A hardware binding for (identityPublicKey, createdAt), signed by a node:crypto P-256 key. */
export function makeBinding(identityPublicKey: Uint8Array, createdAt: number, o: AssertionOptions = {}): HardwareBinding {
  const cred = o.credential ?? makeCredential();
  const rpId = o.rpId ?? 'keyprint.example';
  const ad = authData(o.authRpId ?? rpId, o.flags ?? 0x05);
  const challenge = o.challenge ?? bindingChallenge({ identityPublicKey, createdAt });
  let clientDataHash: Uint8Array;
  const binding: HardwareBinding = {
    kind: o.kind ?? 'webauthn', rpId, credentialId: cred.credentialId, credentialPublicKey: cred.cose,
    authenticatorData: ad, signature: new Uint8Array(0),
  };
  if (binding.kind === 'webauthn') {
    const json = o.clientDataJSON ?? JSON.stringify({
      type: o.type ?? 'webauthn.get', challenge: base64urlnopad.encode(challenge), origin: o.origin ?? `https://${rpId}`, crossOrigin: false,
    });
    binding.clientDataJSON = new TextEncoder().encode(json);
    clientDataHash = sha256n(binding.clientDataJSON);
  } else {
    binding.clientDataHash = challenge;
    clientDataHash = challenge;
  }
  // ES256 over authData ‖ clientDataHash; node:crypto returns DER (WebAuthn §6.5.5).
  binding.signature = new Uint8Array(nodeSign('sha256', Buffer.concat([ad, clientDataHash]), (o.signWith ?? cred).privateKey));
  return binding;
}

/** A `none` attestationObject (WebAuthn §6.5, §8.7) whose authData attests `credentialId` / `cose` for `rpId`. */
export function attestationObject(cred: Credential, rpId = 'keyprint.example', credentialId = cred.credentialId): Uint8Array {
  const ad = new Uint8Array(37 + 16 + 2 + credentialId.length + cred.cose.length);
  ad.set(sha256n(rpId));
  ad[32] = 0x45; // UP | UV | AT
  let p = 37 + 16; // signCount 0, AAGUID zero
  ad[p] = credentialId.length >> 8;
  ad[p + 1] = credentialId.length & 0xff;
  p += 2;
  ad.set(credentialId, p);
  ad.set(cred.cose, p + credentialId.length);
  return encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', ad]]));
}

/** The identity point (0, 1): a small-order Ed25519 public key, for which (R = identity, S = 0) satisfies §5.1.7's equation for every message. */
export const IDENTITY_POINT = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0));
/** R = identity, S = 0: the "signature" that verified under IDENTITY_POINT before the small-order rule. */
export const SMALL_ORDER_FORGERY = Uint8Array.from({ length: 64 }, (_, i) => (i === 0 ? 1 : 0));

/** A passphrase-only bundle (docs/PROTOCOL.md field table) whose key and self-signature are `key` and `signature`, encoded canonically. */
export function rawBundle(displayName: string, key: Uint8Array, createdAt: number, signature: Uint8Array): Uint8Array {
  return encode(new Map<number, unknown>([[0, 1], [1, displayName], [2, key], [3, createdAt], [5, null], [6, signature]]), rfc8949EncodeOptions);
}
