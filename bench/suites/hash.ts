// SHA-2, HMAC, HKDF and iterated SHA-512 (the foundation issue's ops and bars).

import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { sha256 as nSha256, sha512 as nSha512 } from '@noble/hashes/sha2.js';
import { hmac as nHmac } from '@noble/hashes/hmac.js';
import { hkdf as nHkdf } from '@noble/hashes/hkdf.js';
import { createSHA256, createSHA512, createHMAC } from 'hash-wasm';
import sodium from 'libsodium-wrappers-sumo';
import * as kp from '../../src/core/index.js';
import type { BenchCase, Suite } from '../_harness.js';

await sodium.ready;
const raw = (sodium as unknown as { libsodium: Record<string, any> }).libsodium;

const data = { '64': randomBytes(64), '1k': randomBytes(1024), '1m': randomBytes(1 << 20) };
const key = randomBytes(32);
const ikm = randomBytes(32), salt = randomBytes(32), info = new TextEncoder().encode('keyprint bench');
// Signal's fingerprint loop: H = SHA-512(H ‖ key), 33-byte key (0x05 ‖ X25519), 5200 rounds.
const fpKey = randomBytes(33), fpInitial = Buffer.concat([Buffer.from([0, 0]), fpKey, randomBytes(32)]);

/** The loop a host without an in-core iterate runs: one hash call per round. */
function iterateWith(hash: (d: Uint8Array) => Uint8Array): () => Uint8Array {
  return () => {
    const buf = new Uint8Array(64 + fpKey.length);
    buf.set(fpKey, 64);
    let h = hash(Buffer.concat([fpInitial, fpKey]));
    for (let i = 1; i < 5200; i++) { buf.set(h, 0); h = hash(buf); }
    return h;
  };
}

const cases: BenchCase[] = [];
for (const [size, d] of Object.entries(data)) {
  const op = `sha256-${size}`;
  cases.push(
    { op, impl: 'keyprint', setup: () => () => kp.sha256(d) },
    { op, impl: 'node', setup: () => () => createHash('sha256').update(d).digest() },
    { op, impl: 'noble', setup: () => () => nSha256(d) },
    { op, impl: 'hash-wasm', setup: async () => { const h = await createSHA256(); return () => { h.init(); h.update(d); return h.digest('binary'); }; } },
    { op, impl: 'libsodium', setup: () => () => sodium.crypto_hash_sha256(d) },
  );
}
cases.push(
  { op: 'sha512-1k', impl: 'keyprint', setup: () => () => kp.sha512(data['1k']) },
  { op: 'sha512-1k', impl: 'node', setup: () => () => createHash('sha512').update(data['1k']).digest() },
  { op: 'sha512-1k', impl: 'noble', setup: () => () => nSha512(data['1k']) },
  { op: 'sha512-1k', impl: 'hash-wasm', setup: async () => { const h = await createSHA512(); return () => { h.init(); h.update(data['1k']); return h.digest('binary'); }; } },
  { op: 'sha512-1k', impl: 'libsodium', setup: () => () => sodium.crypto_hash_sha512(data['1k']) },

  { op: 'hmac-sha256-64', impl: 'keyprint', setup: () => () => kp.hmacSha256(key, data['64']) },
  { op: 'hmac-sha256-64', impl: 'node', setup: () => () => createHmac('sha256', key).update(data['64']).digest() },
  { op: 'hmac-sha256-64', impl: 'noble', setup: () => () => nHmac(nSha256, key, data['64']) },
  { op: 'hmac-sha256-64', impl: 'hash-wasm', setup: async () => { const h = await createHMAC(createSHA256(), key); return () => { h.init(); h.update(data['64']); return h.digest('binary'); }; } },
  { op: 'hmac-sha256-64', impl: 'libsodium', setup: () => () => sodium.crypto_auth_hmacsha256(data['64'], key) },

  { op: 'hkdf-sha256-32', impl: 'keyprint', setup: () => () => kp.hkdfSha256(ikm, salt, info, 32) },
  { op: 'hkdf-sha256-32', impl: 'node', setup: () => () => hkdfSync('sha256', ikm, salt, info, 32) },
  { op: 'hkdf-sha256-32', impl: 'noble', setup: () => () => nHkdf(nSha256, ikm, salt, info, 32) },
  {
    op: 'hkdf-sha256-32', impl: 'libsodium',
    // libsodium.js wraps no HKDF; its raw exports do the same two steps keyprint does in one call.
    setup: () => {
      const heap = () => raw.HEAPU8 as Uint8Array;
      const pIkm = raw._malloc(32), pSalt = raw._malloc(32), pInfo = raw._malloc(info.length);
      const pPrk = raw._malloc(32), pOut = raw._malloc(32);
      return () => {
        const h = heap();
        h.set(ikm, pIkm); h.set(salt, pSalt); h.set(info, pInfo);
        raw._crypto_kdf_hkdf_sha256_extract(pPrk, pSalt, 32, pIkm, 32);
        raw._crypto_kdf_hkdf_sha256_expand(pOut, 32, pInfo, info.length, pPrk);
        return heap().slice(pOut, pOut + 32);
      };
    },
  },

  { op: 'sha512x5200', impl: 'keyprint', setup: () => () => kp.sha512Iterate(fpInitial, fpKey, 5200) },
  { op: 'sha512x5200', impl: 'node', setup: () => iterateWith((d) => createHash('sha512').update(d).digest()) },
  { op: 'sha512x5200', impl: 'noble', setup: () => iterateWith(nSha512) },
  { op: 'sha512x5200', impl: 'hash-wasm', setup: async () => { const h = await createSHA512(); return iterateWith((d) => { h.init(); h.update(d); return h.digest('binary'); }); } },
  { op: 'sha512x5200', impl: 'libsodium', setup: () => iterateWith((d) => sodium.crypto_hash_sha512(d)) },
);

export default {
  cases,
  bars: [
    { op: 'sha256-1m', peer: 'hash-wasm', max: 0.95 },
    { op: 'hmac-sha256-64', peer: 'libsodium', max: 1.0 },
    { op: 'hkdf-sha256-32', peer: 'libsodium', max: 1.0 },
    { op: 'hkdf-sha256-32', peer: 'node', max: 0.3 },
    { op: 'sha512x5200', peer: 'libsodium', max: 1.0 },
  ],
} satisfies Suite;
