// SHA-3, ML-KEM-768 and X-Wing (issue 22): key generation, encapsulation and decapsulation against
// @oqs/liboqs-js (liboqs in WebAssembly) and @noble/post-quantum (pure JS); SHA3-256 against
// node:crypto, @noble/hashes and hash-wasm.
//
// liboqs has no X-Wing: its `liboqs` row composes X-Wing from WebAssembly parts — liboqs's
// ML-KEM-768, libsodium's X25519 and hash-wasm's SHA3-256 — doing exactly the work of the X-Wing
// operation except the key expansion (liboqs-js generates keys only from its own RNG, so
// `xwing-keygen` there is ML-KEM and X25519 key generation without the SHAKE256 seed expansion).
// `xwing-decaps` uses a cached expanded key on both sides (keyprint's XWingDecapsulator);
// `xwing-decaps-seed` is the draft's Decapsulate(ct, sk) from the 32-byte seed, as noble does it.

import { createHash, randomBytes } from 'node:crypto';
import { createMLKEM768 } from '@oqs/liboqs-js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { ml_kem768_x25519 as nobleXWing } from '@noble/post-quantum/hybrid.js';
import { sha3_256 as nSha3 } from '@noble/hashes/sha3.js';
import { createSHA3 } from 'hash-wasm';
import sodium from 'libsodium-wrappers';
import * as kp from '../../src/core/index.js';
import type { BenchCase, Suite } from '../_harness.js';

await sodium.ready;
const oqs = await createMLKEM768();
const hashWasmSha3 = await createSHA3(256);
const sha3With = (h: typeof hashWasmSha3) => (d: Uint8Array) => { h.init(); h.update(d); return h.digest('binary'); };
const LABEL = Uint8Array.from([0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c]);

// ML-KEM-768 inputs: one key pair per implementation, a ciphertext for it.
const mine = kp.mlKem768Keypair();
const mineCt = kp.mlKem768Encapsulate(mine.publicKey).ciphertext;
const theirs = oqs.generateKeyPair();
const theirsCt = oqs.encapsulate(theirs.publicKey).ciphertext;
const noble = ml_kem768.keygen();
const nobleCt = ml_kem768.encapsulate(noble.publicKey).cipherText;

// X-Wing inputs.
const xSeed = randomBytes(32);
const xPair = kp.xwingKeypair(xSeed);
const xDecapsulator = new kp.XWingDecapsulator(xSeed);
const xCt = kp.xwingEncapsulate(xPair.publicKey).ciphertext;
const nobleXCt = nobleXWing.encapsulate(nobleXWing.keygen(xSeed).publicKey).cipherText;

/** X-Wing from liboqs (ML-KEM-768), libsodium (X25519) and hash-wasm (SHA3-256). */
const composed = (() => {
  const skX = randomBytes(32), pkX = sodium.crypto_scalarmult_base(skX);
  const pkM = theirs.publicKey, skM = theirs.secretKey;
  const sha3 = sha3With(hashWasmSha3);
  const combiner = (ssM: Uint8Array, ssX: Uint8Array, ctX: Uint8Array, pk: Uint8Array) => {
    const input = new Uint8Array(134);
    input.set(ssM, 0); input.set(ssX, 32); input.set(ctX, 64); input.set(pk, 96); input.set(LABEL, 128);
    return sha3(input);
  };
  const encapsulate = () => {
    const ekX = randomBytes(32);
    const ctX = sodium.crypto_scalarmult_base(ekX), ssX = sodium.crypto_scalarmult(ekX, pkX);
    const { ciphertext, sharedSecret } = oqs.encapsulate(pkM);
    const ct = new Uint8Array(1120);
    ct.set(ciphertext, 0); ct.set(ctX, 1088);
    return { ct, ss: combiner(sharedSecret, ssX, ctX, pkX) };
  };
  const ct = encapsulate().ct;
  return {
    keygen: () => { const k = oqs.generateKeyPair(); const s = randomBytes(32); return [k, sodium.crypto_scalarmult_base(s)]; },
    encapsulate,
    decapsulate: () => {
      const ssM = oqs.decapsulate(ct.subarray(0, 1088), skM), ctX = ct.subarray(1088);
      return combiner(ssM, sodium.crypto_scalarmult(skX, ctX), ctX, pkX);
    },
  };
})();

const data = { '1k': randomBytes(1024), '1m': randomBytes(1 << 20) };

const cases: BenchCase[] = [
  { op: 'mlkem768-keygen', impl: 'keyprint', setup: () => () => kp.mlKem768Keypair() },
  { op: 'mlkem768-keygen', impl: 'liboqs', setup: () => () => oqs.generateKeyPair() },
  { op: 'mlkem768-keygen', impl: 'noble', setup: () => () => ml_kem768.keygen() },
  { op: 'mlkem768-encaps', impl: 'keyprint', setup: () => () => kp.mlKem768Encapsulate(mine.publicKey) },
  { op: 'mlkem768-encaps', impl: 'liboqs', setup: () => () => oqs.encapsulate(theirs.publicKey) },
  { op: 'mlkem768-encaps', impl: 'noble', setup: () => () => ml_kem768.encapsulate(noble.publicKey) },
  { op: 'mlkem768-decaps', impl: 'keyprint', setup: () => () => kp.mlKem768Decapsulate(mine.secretKey, mineCt) },
  { op: 'mlkem768-decaps', impl: 'liboqs', setup: () => () => oqs.decapsulate(theirsCt, theirs.secretKey) },
  { op: 'mlkem768-decaps', impl: 'noble', setup: () => () => ml_kem768.decapsulate(nobleCt, noble.secretKey) },

  { op: 'xwing-keygen', impl: 'keyprint', setup: () => () => kp.xwingKeypair() },
  { op: 'xwing-keygen', impl: 'liboqs', setup: () => composed.keygen },
  { op: 'xwing-keygen', impl: 'noble', setup: () => () => nobleXWing.keygen() },
  { op: 'xwing-encaps', impl: 'keyprint', setup: () => () => kp.xwingEncapsulate(xPair.publicKey) },
  { op: 'xwing-encaps', impl: 'liboqs', setup: () => composed.encapsulate },
  { op: 'xwing-encaps', impl: 'noble', setup: () => () => nobleXWing.encapsulate(xPair.publicKey) },
  { op: 'xwing-decaps', impl: 'keyprint', setup: () => () => xDecapsulator.decapsulate(xCt) },
  { op: 'xwing-decaps', impl: 'liboqs', setup: () => composed.decapsulate },
  { op: 'xwing-decaps-seed', impl: 'keyprint', setup: () => () => kp.xwingDecapsulate(xSeed, xCt) },
  { op: 'xwing-decaps-seed', impl: 'noble', setup: () => () => nobleXWing.decapsulate(nobleXCt, xSeed) },
];
for (const [size, d] of Object.entries(data)) {
  const op = `sha3-256-${size}`;
  cases.push(
    { op, impl: 'keyprint', setup: () => () => kp.sha3_256(d) },
    { op, impl: 'node', setup: () => () => createHash('sha3-256').update(d).digest() },
    { op, impl: 'noble', setup: () => () => nSha3(d) },
    { op, impl: 'hash-wasm', setup: async () => sha3With(await createSHA3(256)).bind(null, d) },
  );
}

const bars = [
  ...['mlkem768-keygen', 'mlkem768-encaps', 'mlkem768-decaps', 'xwing-keygen', 'xwing-encaps', 'xwing-decaps'].map((op) => ({ op, peer: 'liboqs', max: 1.0 })),
  ...['mlkem768-keygen', 'mlkem768-encaps', 'mlkem768-decaps', 'xwing-keygen', 'xwing-encaps', 'xwing-decaps-seed'].map((op) => ({ op, peer: 'noble', max: 0.1 })),
  { op: 'sha3-256-1m', peer: 'hash-wasm', max: 1.0 },
];

export default { cases, bars } satisfies Suite;
