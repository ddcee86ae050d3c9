// `keyprint selftest`: power-on style known-answer tests of the WebAssembly core on this machine
// (FIPS 180-4, RFC 4231 §4.3, RFC 5869 A.1), with the time each took.

import { ready, sha256, sha512, hmacSha256, hkdfSha256 } from '../core/index.js';
import { CryptoError } from '../errors.js';
import { toHex as hex } from '../core/bytes.js';
import { print } from './output.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const seq = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => from + i);

const CHECKS: Array<[string, () => Uint8Array, string]> = [
  ['SHA-256("abc") — FIPS 180-4', () => sha256(utf8('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['SHA-512("abc") — FIPS 180-4', () => sha512(utf8('abc')),
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'],
  ['HMAC-SHA-256 — RFC 4231 §4.3', () => hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?')),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
  ['HKDF-SHA-256 — RFC 5869 A.1', () => hkdfSha256(new Uint8Array(22).fill(0x0b), seq(0, 13), seq(0xf0, 10), 42),
    '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865'],
];

export async function selftest(): Promise<void> {
  const t0 = performance.now();
  await ready();
  print(`WebAssembly core loaded in ${(performance.now() - t0).toFixed(1)} ms`);
  for (const [name, run, expected] of CHECKS) {
    const t = performance.now();
    const got = hex(run());
    const us = ((performance.now() - t) * 1000).toFixed(0);
    if (got !== expected) throw new CryptoError('selftest-failed', `${name}: expected ${expected}, got ${got}`);
    print(`ok  ${name} (${us} µs)`);
  }
  print('all known-answer tests passed');
}
