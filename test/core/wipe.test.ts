// Secrets must not outlive a call: after each secret-handling function, linear memory is scanned
// for the key, the padded key blocks and derived intermediates (PRK, inner digest).
import { describe, expect, it } from 'vitest';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { hmacSha256, hmacSha512, hmacSha256Verify, hkdfSha256, hkdfSha512, hkdfExpandSha256 } from '../../src/core/index.js';
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
  it('the scan itself finds bytes that are present (the test can fail)', () => {
    const marker = randomBytes(32), at = core().ioBase() + 4096;
    new Uint8Array(core().memory.buffer).set(marker, at);
    expect(memoryContains(marker)).toBe(true);
    new Uint8Array(core().memory.buffer).fill(0, at, at + 32);
  });
});
