// P-256 (issue 4): ECDH, public key from secret, ECDSA sign and verify (SHA-256 digest), against
// node:crypto, WebCrypto (async) and @noble/curves.

import { createECDH, createHash, createPrivateKey, createPublicKey, sign, verify, diffieHellman, webcrypto } from 'node:crypto';
import { p256 as noble } from '@noble/curves/nist.js';
import * as kp from '../../src/core/index.js';
import type { BenchCase, Suite } from '../_harness.js';

const subtle = webcrypto.subtle;
const a = kp.p256Keypair(), b = kp.p256Keypair();
const message = new TextEncoder().encode('keyprint p256 bench');
const digest = new Uint8Array(createHash('sha256').update(message).digest());
const signature = kp.p256Sign(a.secretKey, digest);
const derSignature = kp.p256SignatureToDer(signature);

const b64 = (x: Uint8Array) => Buffer.from(x).toString('base64url');
const jwk = (k: kp.P256Keypair, secret: boolean) => ({
  kty: 'EC', crv: 'P-256', x: b64(k.publicKey.subarray(1, 33)), y: b64(k.publicKey.subarray(33)),
  ...(secret ? { d: b64(k.secretKey) } : {}),
});
const nodePrivA = createPrivateKey({ key: jwk(a, true), format: 'jwk' });
const nodePubA = createPublicKey({ key: jwk(a, false), format: 'jwk' });
const nodePubB = createPublicKey({ key: jwk(b, false), format: 'jwk' });

const ecdhAlg = { name: 'ECDH', namedCurve: 'P-256' } as const;
const ecdsaAlg = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const wcEcdhA = await subtle.importKey('jwk', jwk(a, true), ecdhAlg, false, ['deriveBits']);
const wcEcdhB = await subtle.importKey('jwk', jwk(b, false), ecdhAlg, false, []);
const wcSignA = await subtle.importKey('jwk', jwk(a, true), ecdsaAlg, false, ['sign']);
const wcVerifyA = await subtle.importKey('jwk', jwk(a, false), ecdsaAlg, false, ['verify']);
const sha256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

const cases: BenchCase[] = [
  { op: 'p256-ecdh', impl: 'keyprint', setup: () => () => kp.p256Ecdh(a.secretKey, b.publicKey) },
  { op: 'p256-ecdh', impl: 'node', setup: () => () => diffieHellman({ privateKey: nodePrivA, publicKey: nodePubB }) },
  { op: 'p256-ecdh', impl: 'webcrypto', setup: () => () => subtle.deriveBits({ name: 'ECDH', public: wcEcdhB }, wcEcdhA, 256) },
  { op: 'p256-ecdh', impl: 'noble', setup: () => () => noble.getSharedSecret(a.secretKey, b.publicKey) },

  { op: 'p256-base', impl: 'keyprint', setup: () => () => kp.p256PublicKey(a.secretKey) },
  { op: 'p256-base', impl: 'node', setup: () => { const e = createECDH('prime256v1'); return () => { e.setPrivateKey(a.secretKey); return e.getPublicKey(); }; } },
  { op: 'p256-base', impl: 'noble', setup: () => () => noble.getPublicKey(a.secretKey, false) },

  { op: 'p256-sign', impl: 'keyprint', setup: () => () => kp.p256Sign(a.secretKey, digest) },
  { op: 'p256-sign', impl: 'node', setup: () => () => sign('sha256', message, { key: nodePrivA, dsaEncoding: 'ieee-p1363' }) },
  { op: 'p256-sign', impl: 'webcrypto', setup: () => () => subtle.sign(sha256, wcSignA, message) },
  { op: 'p256-sign', impl: 'noble', setup: () => () => noble.sign(digest, a.secretKey, { prehash: false, lowS: false }) },

  { op: 'p256-verify', impl: 'keyprint', setup: () => () => kp.p256Verify(a.publicKey, digest, signature) },
  { op: 'p256-verify', impl: 'node', setup: () => () => verify('sha256', message, { key: nodePubA, dsaEncoding: 'der' }, derSignature) },
  { op: 'p256-verify', impl: 'webcrypto', setup: () => () => subtle.verify(sha256, wcVerifyA, signature, message) },
  { op: 'p256-verify', impl: 'noble', setup: () => () => noble.verify(signature, digest, a.publicKey, { prehash: false, lowS: false }) },
];

export default {
  cases,
  bars: [
    { op: 'p256-ecdh', peer: 'webcrypto', max: 1.0 },
    { op: 'p256-ecdh', peer: 'noble', max: 0.083 },
    { op: 'p256-verify', peer: 'noble', max: 0.1 },
    // Issue 25: nearer native OpenSSL, and verification ahead of WebCrypto.
    { op: 'p256-ecdh', peer: 'node', max: 1.5 },
    { op: 'p256-sign', peer: 'node', max: 1.5 },
    { op: 'p256-verify', peer: 'node', max: 1.5 },
    { op: 'p256-verify', peer: 'webcrypto', max: 0.8 },
  ],
} satisfies Suite;
