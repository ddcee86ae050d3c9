// AES-256-CBC of whole blocks without padding over WebCrypto (src/core/aes-cbc.ts), the cipher of the
// CTAP 2.1 PIN/UV auth protocols (§6.5.6, §6.5.7): NIST SP 800-38A F.2.5 / F.2.6 known answers, a
// property test against node:crypto's createCipheriv / createDecipheriv with setAutoPadding(false) on
// random keys, IVs and 0–9 blocks (fixed seed), and typed errors for wrong lengths.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aesCbcDecrypt, aesCbcEncrypt } from '../../src/core/aes-cbc.js';
import { InputError } from '../../src/errors.js';
import { fcSeed, hex, unhex } from '../_util.js';

const RUNS = { seed: fcSeed, numRuns: 300 };

// NIST SP 800-38A Appendix F.2.5 CBC-AES256.Encrypt (F.2.6 is the same four blocks decrypted).
const KEY = unhex('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4');
const IV = unhex('000102030405060708090a0b0c0d0e0f');
const PLAIN = unhex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710');
const CIPHER = unhex('f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b');

const nodeCbc = (encrypt: boolean, key: Uint8Array, iv: Uint8Array, data: Uint8Array): string => {
  const c = (encrypt ? createCipheriv : createDecipheriv)('aes-256-cbc', key, iv).setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]).toString('hex');
};

describe('AES-256-CBC without padding — NIST SP 800-38A', () => {
  it('F.2.5 CBC-AES256.Encrypt', async () => {
    expect(hex(await aesCbcEncrypt(KEY, IV, PLAIN))).toBe(hex(CIPHER));
  });
  it('F.2.6 CBC-AES256.Decrypt', async () => {
    expect(hex(await aesCbcDecrypt(KEY, IV, CIPHER))).toBe(hex(PLAIN));
  });
  it('F.2.5 / F.2.6, one block at a time (the last block of each prefix is the next IV)', async () => {
    for (let n = 1; n <= 4; n++) {
      expect(hex(await aesCbcEncrypt(KEY, IV, PLAIN.subarray(0, 16 * n)))).toBe(hex(CIPHER.subarray(0, 16 * n)));
      expect(hex(await aesCbcDecrypt(KEY, IV, CIPHER.subarray(0, 16 * n)))).toBe(hex(PLAIN.subarray(0, 16 * n)));
    }
  });
});

describe('AES-256-CBC without padding — node:crypto setAutoPadding(false)', () => {
  const arb = fc.record({
    key: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    iv: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    blocks: fc.integer({ min: 0, max: 9 }).chain((n) => fc.uint8Array({ minLength: 16 * n, maxLength: 16 * n })),
  });
  it('property: encrypt and decrypt agree with node:crypto on random keys, IVs and block counts', async () => {
    await fc.assert(fc.asyncProperty(arb, async ({ key, iv, blocks }) => {
      expect(hex(await aesCbcEncrypt(key, iv, blocks))).toBe(nodeCbc(true, key, iv, blocks));
      // Any whole-block ciphertext decrypts in raw CBC: no padding to be wrong, never an error.
      expect(hex(await aesCbcDecrypt(key, iv, blocks))).toBe(nodeCbc(false, key, iv, blocks));
    }), RUNS);
  });
  it('a last plaintext block of 0x10 bytes (what PKCS#7 padding looks like) round-trips unchanged', async () => {
    const pt = new Uint8Array(32).fill(0x10);
    const ct = await aesCbcEncrypt(KEY, IV, pt);
    expect(hex(ct)).toBe(nodeCbc(true, KEY, IV, pt));
    expect(hex(await aesCbcDecrypt(KEY, IV, ct))).toBe(hex(pt));
  });
  it('leaves its arguments as they were', async () => {
    const key = KEY.slice(), iv = IV.slice(), pt = PLAIN.slice();
    await aesCbcDecrypt(key, iv, await aesCbcEncrypt(key, iv, pt));
    expect([hex(key), hex(iv), hex(pt)]).toEqual([hex(KEY), hex(IV), hex(PLAIN)]);
  });
});

describe('AES-256-CBC without padding — inputs are read when called', () => {
  it('wiping key, IV and data right after the call (before the promise settles) changes nothing', async () => {
    const key = KEY.slice(), iv = IV.slice(), pt = PLAIN.slice(), ct = CIPHER.slice();
    const encrypted = aesCbcEncrypt(key, iv, pt);
    const decrypted = aesCbcDecrypt(key, iv, ct);
    for (const b of [key, iv, pt, ct]) b.fill(0);
    expect(hex(await encrypted)).toBe(hex(CIPHER));
    expect(hex(await decrypted)).toBe(hex(PLAIN));
  });
});

describe('AES-256-CBC without padding — wrong lengths are typed errors', () => {
  const cases: Array<[string, () => Promise<unknown>, string]> = [
    ['key of 16 bytes', () => aesCbcEncrypt(new Uint8Array(16), IV, PLAIN), '"key" expected 32 bytes, got 16'],
    ['iv of 15 bytes', () => aesCbcDecrypt(KEY, new Uint8Array(15), CIPHER), '"iv" expected 16 bytes, got 15'],
    ['plaintext of 17 bytes', () => aesCbcEncrypt(KEY, IV, new Uint8Array(17)), '"plaintext" expected a multiple of 16 bytes, got 17'],
    ['ciphertext of 33 bytes', () => aesCbcDecrypt(KEY, IV, new Uint8Array(33)), '"ciphertext" expected a multiple of 16 bytes, got 33'],
    ['plaintext not bytes', () => aesCbcEncrypt(KEY, IV, 'abc' as never), '"plaintext" expected Uint8Array, got string'],
  ];
  it.each(cases)('%s', async (_, call, message) => {
    await expect(call()).rejects.toThrow(InputError);
    await expect(call()).rejects.toThrow(message);
  });
});
