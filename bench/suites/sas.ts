// SAS and fingerprints (issue 5): `safety-number` = one party's 30 digits, i.e. 5,200 SHA-512 rounds
// over a 33-byte key (0x05 ‖ X25519, as Signal) and a stable id, then the digit encoding. keyprint
// runs the loop inside the core in one call; each peer runs it in JS with one hash call per round.

import { createHash, randomBytes } from 'node:crypto';
import { sha512 as nSha512 } from '@noble/hashes/sha2.js';
import sodium from 'libsodium-wrappers-sumo';
import { fingerprintDigits } from '../../src/sas/index.js';
import type { BenchCase, Suite } from '../_harness.js';

await sodium.ready;

const key = randomBytes(33);
key[0] = 0x05;
const stableId = new TextEncoder().encode('+14152222222');

/** libsignal's loop and `get_encoded_string`, written plainly over a per-round hash function. */
function digitsWith(hash: (d: Uint8Array) => Uint8Array): () => string {
  return () => {
    const first = new Uint8Array(2 + key.length + stableId.length + key.length);
    first.set(key, 2);
    first.set(stableId, 2 + key.length);
    first.set(key, 2 + key.length + stableId.length);
    const buf = new Uint8Array(64 + key.length);
    buf.set(key, 64);
    let h = hash(first);
    for (let i = 1; i < 5200; i++) { buf.set(h, 0); h = hash(buf); }
    let out = '';
    for (let off = 0; off < 30; off += 5) {
      const chunk = h[off] * 2 ** 32 + ((h[off + 1] << 24) >>> 0) + (h[off + 2] << 16) + (h[off + 3] << 8) + h[off + 4];
      out += String(chunk % 100000).padStart(5, '0');
    }
    return out;
  };
}

const op = 'safety-number';
const cases: BenchCase[] = [
  { op, impl: 'keyprint', setup: () => () => fingerprintDigits(key, stableId) },
  { op, impl: 'node', setup: () => digitsWith((d) => createHash('sha512').update(d).digest()) },
  { op, impl: 'noble', setup: () => digitsWith(nSha512) },
  { op, impl: 'libsodium', setup: () => digitsWith((d) => sodium.crypto_hash_sha512(d)) },
];

// A self-check, so the table never compares loops that compute different things.
const expected = fingerprintDigits(key, stableId);
for (const c of cases.slice(1)) {
  const got = (await c.setup())();
  if (got !== expected) throw new Error(`bench safety-number: ${c.impl} computed ${String(got)}, keyprint ${expected}`);
}

export default {
  cases,
  bars: [{ op, peer: 'libsodium', max: 1.0 }],
} satisfies Suite;
