// Secrets must not outlive a call: after each secret-handling function, linear memory is scanned
// for the key, the padded key blocks and derived intermediates (PRK, inner digest).
import { describe, expect, it } from 'vitest';
import { expectStaticMemoryUnchanged } from './_static-memory.js';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  hmacSha256, hmacSha512, hmacSha256Verify, hkdfSha256, hkdfSha512, hkdfExpandSha256,
  mlKem768Keypair, mlKem768Encapsulate, mlKem768Decapsulate, xwingKeypair, xwingEncapsulate, xwingDecapsulate, XWingDecapsulator,
} from '../../src/core/index.js';
import { core } from '../../src/core/_wasm.js';

function memoryContains(needle: Uint8Array): boolean {
  const heap = new Uint8Array(core().memory.buffer);
  return Buffer.from(heap.buffer, heap.byteOffset, heap.length).indexOf(Buffer.from(needle)) !== -1;
}
const xor = (b: Uint8Array, v: number, n: number) => { const o = new Uint8Array(n); o.set(b); return o.map((x) => x ^ v); };

describe('secret scratch is wiped', () => {
  it('HMAC-SHA-256: key, K0^ipad, K0^opad, inner digest', () => {
    const key = randomBytes(32), data = randomBytes(100);
    hmacSha256(key, data);
    hmacSha256Verify(key, data, new Uint8Array(32));
    const inner = createHash('sha256').update(xor(key, 0x36, 64)).update(data).digest();
    for (const secret of [key, xor(key, 0x36, 64), xor(key, 0x5c, 64), inner]) expect(memoryContains(secret)).toBe(false);
  });
  it('HMAC-SHA-512 with a long key: key and hashed key', () => {
    const key = randomBytes(200), data = randomBytes(10);
    hmacSha512(key, data);
    const k0 = createHash('sha512').update(key).digest();
    for (const secret of [key.subarray(0, 32), k0, xor(k0, 0x36, 128)]) expect(memoryContains(secret)).toBe(false);
  });
  it('HKDF: ikm and the PRK of the combined form', () => {
    const ikm = randomBytes(32), salt = randomBytes(32), info = randomBytes(8);
    hkdfSha256(ikm, salt, info, 100);
    hkdfSha512(ikm, salt, info, 100);
    const prk256 = createHmac('sha256', salt).update(ikm).digest();
    const prk512 = createHmac('sha512', salt).update(ikm).digest();
    for (const secret of [ikm, prk256, prk512]) expect(memoryContains(secret)).toBe(false);
  });
  it('HKDF-Expand: the PRK and the previous block T(i)', () => {
    const prk = randomBytes(32);
    const okm = hkdfExpandSha256(prk, randomBytes(4), 96);
    for (const secret of [prk, okm.subarray(64, 96)]) expect(memoryContains(secret)).toBe(false);
  });
  // ML-KEM-768 (FIPS 203): d, z, σ = G(d ‖ 3)[32:], the first noise PRF output, ŝ's encoding (dk);
  // m, r = G(m ‖ H(ek))[32:], K; on decapsulation m' = m, K and the rejection key J(z ‖ c).
  const shake = (d: Uint8Array, n: number) => createHash('shake256', { outputLength: n }).update(d).digest();
  const cat = (...p: Uint8Array[]) => Buffer.concat(p);
  it('ML-KEM-768 key generation: seed, σ, the noise, ŝ', () => {
    const seed = randomBytes(64);
    const { secretKey } = mlKem768Keypair(seed);
    const sigma = createHash('sha3-512').update(cat(seed.subarray(0, 32), Buffer.from([3]))).digest().subarray(32);
    const noise = shake(cat(sigma, Buffer.from([0])), 128).subarray(0, 32);
    for (const secret of [seed.subarray(0, 32), seed.subarray(32), sigma, noise, secretKey.subarray(0, 32), secretKey.subarray(600, 632)]) {
      expect(memoryContains(secret)).toBe(false);
    }
  });
  it('ML-KEM-768 encapsulation and decapsulation: m, r, K, the rejection key', () => {
    const { publicKey, secretKey } = mlKem768Keypair(randomBytes(64));
    const m = randomBytes(32);
    const { ciphertext, sharedSecret } = mlKem768Encapsulate(publicKey, m);
    const r = createHash('sha3-512').update(cat(m, createHash('sha3-256').update(publicKey).digest())).digest().subarray(32);
    for (const secret of [m, r, sharedSecret, shake(cat(r, Buffer.from([0])), 128).subarray(0, 32)]) expect(memoryContains(secret)).toBe(false);
    mlKem768Decapsulate(secretKey, ciphertext);
    const bad = ciphertext.slice(); bad[0] ^= 1;
    const rejection = mlKem768Decapsulate(secretKey, bad);
    expect(rejection).toEqual(new Uint8Array(shake(cat(secretKey.subarray(2368), bad), 32)));
    for (const secret of [m, sharedSecret, rejection, secretKey.subarray(0, 32)]) expect(memoryContains(secret)).toBe(false);
  });
  it('X-Wing: the seed, its SHAKE256 expansion (d, z, sk_X), the shared secret, with and without the decapsulator', () => {
    const seed = randomBytes(32);
    const { publicKey } = xwingKeypair(seed);
    const { ciphertext, sharedSecret } = xwingEncapsulate(publicKey);
    xwingDecapsulate(seed, ciphertext);
    new XWingDecapsulator(seed).decapsulate(ciphertext);
    const expanded = shake(seed, 96);
    for (const secret of [seed, expanded.subarray(0, 32), expanded.subarray(32, 64), expanded.subarray(64), sharedSecret]) {
      expect(memoryContains(secret)).toBe(false);
    }
  });
  it('the scan itself finds bytes that are present (the test can fail)', () => {
    const marker = randomBytes(32), at = core().ioBase() + 4096;
    new Uint8Array(core().memory.buffer).set(marker, at);
    expect(memoryContains(marker)).toBe(true);
    new Uint8Array(core().memory.buffer).fill(0, at, at + 32);
  });
});

// Stronger than scanning for known values: every byte of static memory (tables, contexts, scratch)
// is the same after the call as before it, so no intermediate value (noise, ŝ, the re-encryption)
// survives.
describe('static memory is left exactly as found by ML-KEM-768 and X-Wing', () => {
  // Each call uses fresh keys and inputs: with the same inputs twice, scratch left behind would be
  // the same after both calls and go unnoticed.
  const mlkem = () => { const pair = mlKem768Keypair(randomBytes(64)); return { pair, ct: mlKem768Encapsulate(pair.publicKey).ciphertext }; };
  const xwing = () => { const pair = xwingKeypair(randomBytes(32)); return { pair, ct: xwingEncapsulate(pair.publicKey).ciphertext }; };
  it.each([
    ['mlKem768Keypair', () => mlKem768Keypair(randomBytes(64))],
    ['mlKem768Encapsulate', () => mlKem768Encapsulate(mlKem768Keypair(randomBytes(64)).publicKey)],
    ['mlKem768Decapsulate', () => { const { pair, ct } = mlkem(); mlKem768Decapsulate(pair.secretKey, ct); }],
    ['mlKem768Decapsulate (implicit rejection)', () => { const { pair } = mlkem(); mlKem768Decapsulate(pair.secretKey, randomBytes(1088)); }],
    ['xwingKeypair', () => xwingKeypair(randomBytes(32))],
    ['xwingEncapsulate', () => xwingEncapsulate(xwingKeypair(randomBytes(32)).publicKey)],
    ['xwingDecapsulate', () => { const { pair, ct } = xwing(); xwingDecapsulate(pair.secretKey, ct); }],
    ['XWingDecapsulator', () => { const { pair, ct } = xwing(); new XWingDecapsulator(pair.secretKey).decapsulate(ct); }],
  ] as const)('%s', (_, call) => expectStaticMemoryUnchanged(call));
});
