// ML-KEM-768: every case of the four Wycheproof files with its expected result, the input checks of
// FIPS 203 §7.2 / §7.3 and implicit rejection as attacks, differential properties against
// @noble/post-quantum and interoperability with liboqs (WebAssembly), and the garbage-input table.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { createMLKEM768 } from '@oqs/liboqs-js';
import {
  mlKem768Keypair, mlKem768Encapsulate, mlKem768Decapsulate, ML_KEM_768, InputError, CryptoError,
} from '../../src/core/index.js';
import { hex, unhex, fcSeed, wycheproof, garbageBytes } from '../_util.js';

const shake256 = (d: Uint8Array, n: number) => new Uint8Array(createHash('shake256', { outputLength: n }).update(d).digest());
const sha3 = (alg: string, d: Uint8Array) => new Uint8Array(createHash(alg).update(d).digest());
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const bytes64 = fc.uint8Array({ minLength: 64, maxLength: 64 });

describe('wycheproof mlkem_768_keygen_seed_test', () => {
  const suite = wycheproof('mlkem_768_keygen_seed_test');
  it(`${suite.numberOfTests} seeds give the expected ek and dk`, () => {
    let n = 0;
    for (const group of suite.testGroups) {
      for (const t of group.tests) {
        expect(t.result, `tcId ${t.tcId}`).toBe('valid');
        const pair = mlKem768Keypair(unhex(t.seed));
        expect(hex(pair.publicKey), `tcId ${t.tcId} ek`).toBe(t.ek);
        expect(hex(pair.secretKey), `tcId ${t.tcId} dk`).toBe(t.dk);
        n++;
      }
    }
    expect(n).toBe(100);
  });
});

// Policy pinned here: an encapsulation key of the wrong length throws InputError invalid-length;
// one with a coefficient ≥ q throws CryptoError invalid-public-key (§7.2 modulus check).
describe('wycheproof mlkem_768_encaps_test', () => {
  const suite = wycheproof('mlkem_768_encaps_test');
  const counts = { valid: 0, wrongLength: 0, notReduced: 0 };
  it(`${suite.numberOfTests} cases`, () => {
    for (const group of suite.testGroups) {
      for (const t of group.tests) {
        const id = `tcId ${t.tcId} ${t.comment} (${t.flags.join(', ')})`;
        const ek = unhex(t.ek), m = unhex(t.m);
        if (t.result === 'valid') {
          const { ciphertext, sharedSecret } = mlKem768Encapsulate(ek, m);
          expect(hex(ciphertext), id).toBe(t.c);
          expect(hex(sharedSecret), id).toBe(t.K);
          counts.valid++;
        } else if (t.result === 'invalid' && ek.length !== 1184) {
          expect(() => mlKem768Encapsulate(ek, m), id).toThrow(expect.objectContaining({ name: 'InputError', code: 'invalid-length' }));
          counts.wrongLength++;
        } else if (t.result === 'invalid') {
          expect(() => mlKem768Encapsulate(ek, m), id).toThrow(expect.objectContaining({ name: 'CryptoError', code: 'invalid-public-key' }));
          counts.notReduced++;
        } else {
          throw new Error(`${id}: unexpected result ${t.result}`);
        }
      }
    }
    expect(counts.valid + counts.wrongLength + counts.notReduced).toBe(suite.numberOfTests);
    expect(counts).toEqual({ valid: 133, wrongLength: 20, notReduced: 112 });
  });
});

// Decapsulation from a seed. Policy pinned: a seed that is not 64 bytes and a ciphertext that is not
// 1088 bytes throw InputError invalid-length; every well-formed ciphertext decapsulates (the
// "valid" cases include random and bit-flipped ciphertexts: implicit rejection).
describe('wycheproof mlkem_768_test', () => {
  const suite = wycheproof('mlkem_768_test');
  const counts = { valid: 0, badSeed: 0, badCiphertext: 0 };
  it(`${suite.numberOfTests} cases`, () => {
    for (const group of suite.testGroups) {
      for (const t of group.tests) {
        const id = `tcId ${t.tcId} ${t.comment ?? ''} (${t.flags.join(', ')})`;
        const seed = unhex(t.seed), c = unhex(t.c);
        if (t.result === 'valid') {
          const pair = mlKem768Keypair(seed);
          expect(hex(pair.publicKey), id).toBe(t.ek);
          expect(hex(mlKem768Decapsulate(pair.secretKey, c)), id).toBe(t.K);
          counts.valid++;
        } else if (t.result === 'invalid' && seed.length !== 64) {
          expect(() => mlKem768Keypair(seed), id).toThrow(expect.objectContaining({ name: 'InputError', code: 'invalid-length' }));
          counts.badSeed++;
        } else if (t.result === 'invalid') {
          expect(c.length, id).not.toBe(1088);
          const pair = mlKem768Keypair(seed);
          expect(() => mlKem768Decapsulate(pair.secretKey, c), id).toThrow(expect.objectContaining({ name: 'InputError', code: 'invalid-length' }));
          counts.badCiphertext++;
        } else {
          throw new Error(`${id}: unexpected result ${t.result}`);
        }
      }
    }
    expect(counts.valid + counts.badSeed + counts.badCiphertext).toBe(suite.numberOfTests);
    expect(counts).toEqual({ valid: 153, badSeed: 20, badCiphertext: 20 });
  });
});

// Decapsulation from an expanded (2400-byte) key. Policy pinned: wrong lengths throw InputError;
// a key whose stored H(ek) does not match throws CryptoError invalid-secret-key (§7.3 hash check).
describe('wycheproof mlkem_768_semi_expanded_decaps_test', () => {
  const suite = wycheproof('mlkem_768_semi_expanded_decaps_test');
  const counts = { valid: 0, wrongLength: 0, invalidKey: 0 };
  it(`${suite.numberOfTests} cases`, () => {
    for (const group of suite.testGroups) {
      for (const t of group.tests) {
        const id = `tcId ${t.tcId} ${t.comment} (${t.flags.join(', ')})`;
        const dk = unhex(t.dk), c = unhex(t.c);
        if (t.result === 'valid') {
          expect(hex(mlKem768Decapsulate(dk, c)), id).toBe(t.K);
          counts.valid++;
        } else if (t.result === 'invalid' && (dk.length !== 2400 || c.length !== 1088)) {
          expect(() => mlKem768Decapsulate(dk, c), id).toThrow(expect.objectContaining({ name: 'InputError', code: 'invalid-length' }));
          counts.wrongLength++;
        } else if (t.result === 'invalid') {
          expect(t.flags, id).toContain('InvalidDecapsulationKey');
          expect(() => mlKem768Decapsulate(dk, c), id).toThrow(expect.objectContaining({ name: 'CryptoError', code: 'invalid-secret-key' }));
          counts.invalidKey++;
        } else {
          throw new Error(`${id}: unexpected result ${t.result}`);
        }
      }
    }
    expect(counts.valid + counts.wrongLength + counts.invalidKey).toBe(suite.numberOfTests);
    expect(counts).toEqual({ valid: 3, wrongLength: 4, invalidKey: 2 });
  });
});

describe('attacks and input checks', () => {
  const pair = mlKem768Keypair(new Uint8Array(64).fill(7));
  const z = pair.secretKey.subarray(2368, 2400);

  it('implicit rejection: a tampered ciphertext gives K̄ = J(z ‖ c) = SHAKE256(z ‖ c, 32), computed here with node:crypto', () => {
    const { ciphertext, sharedSecret } = mlKem768Encapsulate(pair.publicKey);
    expect(hex(mlKem768Decapsulate(pair.secretKey, ciphertext))).toBe(hex(sharedSecret));
    for (const at of [0, 319, 320, 959, 960, 1087]) {
      const bad = ciphertext.slice();
      bad[at] ^= 0x01;
      const k = mlKem768Decapsulate(pair.secretKey, bad);
      expect(hex(k), `byte ${at}`).toBe(hex(shake256(concat(z, bad), 32)));
      expect(hex(k)).not.toBe(hex(sharedSecret));
    }
  });

  it('§7.2: an encapsulation key with any coefficient ≥ q is refused (q, 4095, in the first, a middle and the last position)', () => {
    for (const [index, value] of [[0, 3329], [0, 4095], [383, 3329], [767, 4000]]) {
      const ek = pair.publicKey.slice();
      // coefficient `index` occupies 12 bits starting at bit 12·index (ByteEncode_12, little-endian bits)
      const bit = 12 * index, byte = bit >> 3;
      const word = (ek[byte] | (ek[byte + 1] << 8)) & ~(0xfff << (bit & 7)) | (value << (bit & 7));
      ek[byte] = word & 0xff; ek[byte + 1] = (word >> 8) & 0xff;
      expect(() => mlKem768Encapsulate(ek), `coefficient ${index} = ${value}`).toThrow(
        '"publicKey" is not an ML-KEM-768 encapsulation key: a coefficient is not reduced mod q (FIPS 203 §7.2 modulus check)');
    }
    // q − 1 everywhere is the largest valid key.
    const max = new Uint8Array(1184);
    for (let i = 0; i < 384; i++) { max[3 * i] = 0x00; max[3 * i + 1] = 0x0d; max[3 * i + 2] = 0xd0; } // 0xd00 = 3328 twice
    expect(() => mlKem768Encapsulate(max)).not.toThrow();
    expect(mlKem768Encapsulate(max, new Uint8Array(32)).ciphertext).toEqual(ml_kem768.encapsulate(max, new Uint8Array(32)).cipherText);
  });

  it('§7.3: a decapsulation key with a corrupted H(ek) or a corrupted embedded ek is refused', () => {
    const { ciphertext } = mlKem768Encapsulate(pair.publicKey);
    for (const at of [1152, 2000, 2335, 2336, 2367]) {
      const dk = pair.secretKey.slice();
      dk[at] ^= 0x80;
      expect(() => mlKem768Decapsulate(dk, ciphertext), `byte ${at}`).toThrow(expect.objectContaining({ code: 'invalid-secret-key' }));
    }
    // z and ŝ are not covered by the hash check: a changed z only changes the rejection key.
    const dk = pair.secretKey.slice();
    dk[2399] ^= 1;
    expect(hex(mlKem768Decapsulate(dk, ciphertext))).toBe(hex(mlKem768Decapsulate(pair.secretKey, ciphertext)));
  });

  it('ŝ coefficients ≥ q in a decapsulation key are reduced mod q (ByteDecode_12, FIPS 203 §4.2.1), as noble does', () => {
    const dk = pair.secretKey.slice();
    for (let i = 0; i < 1152; i += 3) dk[i + 2] |= 0xf0; // top nibble of every second coefficient: ≥ 3840
    const ct = mlKem768Encapsulate(pair.publicKey).ciphertext;
    expect(hex(mlKem768Decapsulate(dk, ct))).toBe(hex(ml_kem768.decapsulate(ct, dk)));
  });
});

describe('against @noble/post-quantum (ml_kem768)', () => {
  it('key generation, encapsulation and decapsulation agree on random seeds (property)', () => {
    fc.assert(fc.property(bytes64, bytes32, (seed, m) => {
      const mine = mlKem768Keypair(seed), theirs = ml_kem768.keygen(seed);
      expect(hex(mine.publicKey)).toBe(hex(theirs.publicKey));
      expect(hex(mine.secretKey)).toBe(hex(theirs.secretKey));
      const e = mlKem768Encapsulate(mine.publicKey, m), ne = ml_kem768.encapsulate(theirs.publicKey, m);
      expect(hex(e.ciphertext)).toBe(hex(ne.cipherText));
      expect(hex(e.sharedSecret)).toBe(hex(ne.sharedSecret));
      expect(hex(mlKem768Decapsulate(mine.secretKey, e.ciphertext))).toBe(hex(e.sharedSecret));
    }), { seed: fcSeed, numRuns: 60 });
  });
  it('decapsulation of arbitrary ciphertexts (the implicit-rejection path) agrees (property)', () => {
    const pair = mlKem768Keypair(new Uint8Array(64).fill(1));
    fc.assert(fc.property(fc.uint8Array({ minLength: 1088, maxLength: 1088 }), (c) => {
      expect(hex(mlKem768Decapsulate(pair.secretKey, c))).toBe(hex(ml_kem768.decapsulate(c, pair.secretKey)));
    }), { seed: fcSeed, numRuns: 60 });
  });
  it('encapsulation keys of random coefficients, some ≥ q: the §7.2 verdict and the ciphertext agree with noble (property)', () => {
    const encode = (coeffs: number[]) => {
      const ek = new Uint8Array(1184);
      for (let i = 0; i < 384; i++) {
        const [a, b] = [coeffs[2 * i], coeffs[2 * i + 1]];
        ek[3 * i] = a & 0xff; ek[3 * i + 1] = (a >> 8) | ((b & 15) << 4); ek[3 * i + 2] = b >> 4;
      }
      return ek;
    };
    const coeffs = fc.array(fc.integer({ min: 0, max: 3328 }), { minLength: 768, maxLength: 768 });
    const overflow = fc.option(fc.tuple(fc.nat({ max: 767 }), fc.integer({ min: 3329, max: 4095 })));
    fc.assert(fc.property(coeffs, overflow, bytes32, (cs, over, m) => {
      if (over) cs[over[0]] = over[1];
      const ek = encode(cs);
      ek.set(m, 1152); // ρ
      let theirs: { cipherText: Uint8Array } | undefined;
      try { theirs = ml_kem768.encapsulate(ek, m); } catch { theirs = undefined; }
      expect(theirs === undefined).toBe(over !== null);
      if (theirs === undefined) expect(() => mlKem768Encapsulate(ek, m)).toThrow(CryptoError);
      else expect(hex(mlKem768Encapsulate(ek, m).ciphertext)).toBe(hex(theirs.cipherText));
    }), { seed: fcSeed, numRuns: 60 });
  });
});

describe('interoperability with liboqs (@oqs/liboqs-js, liboqs in WebAssembly)', () => {
  it('liboqs keys and ciphertexts decapsulate here; ciphertexts made here decapsulate in liboqs', async () => {
    const kem = await createMLKEM768();
    try {
      for (let i = 0; i < 10; i++) {
        const { publicKey, secretKey } = kem.generateKeyPair();
        const theirs = kem.encapsulate(publicKey);
        expect(hex(mlKem768Decapsulate(secretKey, theirs.ciphertext))).toBe(hex(theirs.sharedSecret));
        const mine = mlKem768Encapsulate(publicKey);
        expect(hex(kem.decapsulate(mine.ciphertext, secretKey))).toBe(hex(mine.sharedSecret));
      }
    } finally {
      kem.destroy();
    }
  });
});

describe('API', () => {
  it('sizes, fresh keys, and secrets hidden from JSON and inspect', async () => {
    expect(ML_KEM_768).toEqual({ publicKey: 1184, secretKey: 2400, ciphertext: 1088, sharedSecret: 32, seed: 64, randomness: 32 });
    const a = mlKem768Keypair(), b = mlKem768Keypair();
    expect(a.publicKey).toHaveLength(1184);
    expect(a.secretKey).toHaveLength(2400);
    expect(hex(a.publicKey)).not.toBe(hex(b.publicKey));
    const e = mlKem768Encapsulate(a.publicKey), f = mlKem768Encapsulate(a.publicKey);
    expect(hex(e.ciphertext)).not.toBe(hex(f.ciphertext));
    expect(Object.keys(JSON.parse(JSON.stringify(e)))).toEqual(['ciphertext']);
    expect(String(e)).toBe('[Encapsulation]');
    const { inspect } = await import('node:util');
    expect(inspect(e)).toContain('[redacted]');
    expect(inspect(a)).toContain('[redacted]');
  });
  it('the key schedule of FIPS 203: dk = dk_PKE ‖ ek ‖ H(ek) ‖ z, checked with node:crypto SHA3-256', () => {
    const seed = Uint8Array.from({ length: 64 }, (_, i) => i);
    const { publicKey, secretKey } = mlKem768Keypair(seed);
    expect(hex(secretKey.subarray(1152, 2336))).toBe(hex(publicKey));
    expect(hex(secretKey.subarray(2336, 2368))).toBe(hex(sha3('sha3-256', publicKey)));
    expect(hex(secretKey.subarray(2368))).toBe(hex(seed.subarray(32)));
  });
});

describe('garbage input', () => {
  const pair = mlKem768Keypair(new Uint8Array(64).fill(3));
  const ct = mlKem768Encapsulate(pair.publicKey).ciphertext;
  const bad = (n: number) => garbageBytes(n);
  const optional = (n: number) => garbageBytes(n, { optional: true });
  it.each(optional(64))('mlKem768Keypair seed: %s', (_, v, code) => {
    expect(() => mlKem768Keypair(v as Uint8Array)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
  });
  it.each(bad(1184))('mlKem768Encapsulate publicKey: %s', (_, v, code) => {
    expect(() => mlKem768Encapsulate(v as Uint8Array)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
  });
  it.each(optional(32))('mlKem768Encapsulate randomness: %s', (_, v, code) => {
    expect(() => mlKem768Encapsulate(pair.publicKey, v as Uint8Array)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
  });
  it.each(bad(2400))('mlKem768Decapsulate secretKey: %s', (_, v, code) => {
    expect(() => mlKem768Decapsulate(v as Uint8Array, ct)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
  });
  it.each(bad(1088))('mlKem768Decapsulate ciphertext: %s', (_, v, code) => {
    expect(() => mlKem768Decapsulate(pair.secretKey, v as Uint8Array)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
  });
  it('messages name the argument and say what was found', () => {
    expect(() => mlKem768Decapsulate(pair.secretKey, new Uint8Array(1087))).toThrow('"ciphertext" expected 1088 bytes, got 1087');
    expect(() => mlKem768Encapsulate(new Uint8Array(1183))).toThrow(InputError);
  });
});
