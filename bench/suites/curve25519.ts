// X25519 and Ed25519 (issue 3): shared secret, public key from secret, sign and verify a 64-byte
// message, against node:crypto, WebCrypto, @noble/curves and libsodium.

import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, sign, verify, webcrypto, type KeyObject } from 'node:crypto';
import { x25519 as nX25519, ed25519 as nEd25519 } from '@noble/curves/ed25519.js';
import sodium from 'libsodium-wrappers';
import * as kp from '../../src/core/index.js';
import type { BenchCase, Suite } from '../_harness.js';

await sodium.ready;
const subtle = webcrypto.subtle;

const secretA = randomBytes(32), secretB = randomBytes(32);
const publicB = kp.x25519PublicKey(secretB);
const seed = randomBytes(32);
const message = randomBytes(64);
const edPublic = kp.ed25519PublicKey(seed);
const signature = kp.ed25519Sign(seed, message);

// KeyObjects from raw keys via JWK (RFC 8037 OKP).
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const okpPrivate = (crv: string, d: Uint8Array, x: Uint8Array): KeyObject =>
  createPrivateKey({ key: { kty: 'OKP', crv, d: b64u(d), x: b64u(x) }, format: 'jwk' });
const okpPublic = (crv: string, x: Uint8Array): KeyObject => createPublicKey({ key: { kty: 'OKP', crv, x: b64u(x) }, format: 'jwk' });

/** WebCrypto X25519/Ed25519 are available (marked experimental) on Node 20; skip the impl if not. */
async function webcryptoSupported(): Promise<boolean> {
  try {
    await subtle.importKey('raw', publicB, { name: 'X25519' }, false, []);
    await subtle.importKey('raw', edPublic, { name: 'Ed25519' }, false, ['verify']);
    return true;
  } catch {
    console.log('note: WebCrypto X25519/Ed25519 unsupported on this runtime; skipping the webcrypto impl');
    return false;
  }
}
const hasWebcrypto = await webcryptoSupported();

const { privateKey: sodiumSecret } = sodium.crypto_sign_seed_keypair(seed);

const cases: BenchCase[] = [
  { op: 'x25519', impl: 'keyprint', setup: () => () => kp.x25519(secretA, publicB) },
  {
    op: 'x25519', impl: 'node',
    setup: () => {
      const privateKey = okpPrivate('X25519', secretA, kp.x25519PublicKey(secretA)), publicKey = okpPublic('X25519', publicB);
      return () => diffieHellman({ privateKey, publicKey });
    },
  },
  { op: 'x25519', impl: 'noble', setup: () => () => nX25519.getSharedSecret(secretA, publicB) },
  { op: 'x25519', impl: 'libsodium', setup: () => () => sodium.crypto_scalarmult(secretA, publicB) },

  { op: 'x25519-base', impl: 'keyprint', setup: () => () => kp.x25519PublicKey(secretA) },
  // Node has no cheap "public from this secret" call (a KeyObject parsed from PKCS#8 costs ≈ 10× the
  // multiplication), so its figure is key-pair generation: a random secret and its public key.
  { op: 'x25519-base', impl: 'node', setup: () => () => generateKeyPairSync('x25519') },
  { op: 'x25519-base', impl: 'noble', setup: () => () => nX25519.getPublicKey(secretA) },
  { op: 'x25519-base', impl: 'libsodium', setup: () => () => sodium.crypto_scalarmult_base(secretA) },

  // Like libsodium's 64-byte secret key and node's KeyObject, the signer holds its public key.
  { op: 'ed25519-sign', impl: 'keyprint', setup: () => { const signer = new kp.Ed25519Signer(seed); return () => signer.sign(message); } },
  { op: 'ed25519-sign', impl: 'node', setup: () => { const key = okpPrivate('Ed25519', seed, edPublic); return () => sign(null, message, key); } },
  { op: 'ed25519-sign', impl: 'noble', setup: () => () => nEd25519.sign(message, seed) },
  {
    op: 'ed25519-sign', impl: 'libsodium',
    setup: () => { const { privateKey } = sodium.crypto_sign_seed_keypair(seed); return () => sodium.crypto_sign_detached(message, privateKey); },
  },

  // One-shot from the seed alone (two fixed-base multiplications), as noble's sign(message, seed).
  { op: 'ed25519-sign-seed', impl: 'keyprint', setup: () => () => kp.ed25519Sign(seed, message) },
  { op: 'ed25519-sign-seed', impl: 'noble', setup: () => () => nEd25519.sign(message, seed) },
  { op: 'ed25519-verify', impl: 'keyprint', setup: () => () => kp.ed25519Verify(edPublic, message, signature) },
  { op: 'ed25519-verify', impl: 'node', setup: () => { const key = okpPublic('Ed25519', edPublic); return () => verify(null, message, key, signature); } },
  { op: 'ed25519-verify', impl: 'noble', setup: () => () => nEd25519.verify(signature, message, edPublic) },
  { op: 'ed25519-verify', impl: 'libsodium', setup: () => () => sodium.crypto_sign_verify_detached(signature, message, edPublic) },
];

if (hasWebcrypto) {
  cases.push(
    {
      op: 'x25519', impl: 'webcrypto',
      setup: async () => {
        const privateKey = await subtle.importKey('jwk', { kty: 'OKP', crv: 'X25519', d: b64u(secretA), x: b64u(kp.x25519PublicKey(secretA)) }, { name: 'X25519' }, false, ['deriveBits']);
        const publicKey = await subtle.importKey('raw', publicB, { name: 'X25519' }, false, []);
        return () => subtle.deriveBits({ name: 'X25519', public: publicKey }, privateKey, 256);
      },
    },
    {
      op: 'x25519-base', impl: 'webcrypto',
      // As for node: key-pair generation, the closest WebCrypto has to "public key from secret".
      setup: () => () => subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']),
    },
    {
      op: 'ed25519-sign', impl: 'webcrypto',
      setup: async () => {
        const key = await subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d: b64u(seed), x: b64u(edPublic) }, { name: 'Ed25519' }, false, ['sign']);
        return () => subtle.sign({ name: 'Ed25519' }, key, message);
      },
    },
    {
      op: 'ed25519-verify', impl: 'webcrypto',
      setup: async () => {
        const key = await subtle.importKey('raw', edPublic, { name: 'Ed25519' }, false, ['verify']);
        return () => subtle.verify({ name: 'Ed25519' }, key, signature, message);
      },
    },
  );
}

const bars = [
  ...['x25519', 'x25519-base', 'ed25519-sign', 'ed25519-verify'].flatMap((op) => [
    { op, peer: 'libsodium', max: op === 'x25519' ? 0.8 : 1.0 },
    { op, peer: 'noble', max: 0.1 },
  ]),
  // Issue 25: nearer native OpenSSL.
  { op: 'x25519', peer: 'node', max: 1.5 },
];

export default { cases, bars } satisfies Suite;
