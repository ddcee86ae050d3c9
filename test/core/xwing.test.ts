// X-Wing: the draft's test vectors, the combiner recomputed with node:crypto, differential
// properties against @noble/post-quantum (ml_kem768_x25519 is X-Wing), the expanded-key
// decapsulator, the ML-KEM key check inside encapsulation, and the garbage-input table.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import {
  xwingKeypair, xwingEncapsulate, xwingDecapsulate, XWingDecapsulator, X_WING, mlKem768Keypair, mlKem768Decapsulate,
  x25519, x25519PublicKey, CryptoError,
} from '../../src/core/index.js';
import { hex, unhex, fcSeed, vectorJson, garbageBytes } from '../_util.js';

interface Vector { seed: string; sk: string; pk: string; eseed: string; ct: string; ss: string }
const vectors = vectorJson<Vector[]>('xwing/test-vectors.json');
const LABEL = unhex('5c2e2f2f5e5c');
const shake256 = (d: Uint8Array, n: number) => new Uint8Array(createHash('shake256', { outputLength: n }).update(d).digest());
const sha3_256 = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha3-256').update(Buffer.concat(parts)).digest());
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const bytes64 = fc.uint8Array({ minLength: 64, maxLength: 64 });

describe('draft-connolly-cfrg-xwing-kem test vectors', () => {
  it.each(vectors.map((v, i) => [i, v] as const))('vector %i: public key, encapsulation, decapsulation', (_, v) => {
    const seed = unhex(v.seed);
    expect(v.sk).toBe(v.seed); // the decapsulation key is the seed (§5.1)
    expect(hex(xwingKeypair(seed).publicKey)).toBe(v.pk);
    const { ciphertext, sharedSecret } = xwingEncapsulate(unhex(v.pk), unhex(v.eseed));
    expect(hex(ciphertext)).toBe(v.ct);
    expect(hex(sharedSecret)).toBe(v.ss);
    expect(hex(xwingDecapsulate(seed, unhex(v.ct)))).toBe(v.ss);
    const d = new XWingDecapsulator(seed);
    expect(hex(d.publicKey)).toBe(v.pk);
    expect(hex(d.decapsulate(unhex(v.ct)))).toBe(v.ss);
  });

  it('the construction, recomputed from its parts with node:crypto (SHAKE256, SHA3-256) and the core ML-KEM / X25519', () => {
    for (const v of vectors) {
      const expanded = shake256(unhex(v.seed), 96);                           // §5.2
      const mlkem = mlKem768Keypair(expanded.subarray(0, 64));
      const skX = expanded.subarray(64), pkX = x25519PublicKey(skX);
      expect(hex(mlkem.publicKey) + hex(pkX)).toBe(v.pk);
      const ct = unhex(v.ct), ctM = ct.subarray(0, 1088), ctX = ct.subarray(1088);
      const ssM = mlKem768Decapsulate(mlkem.secretKey, ctM), ssX = x25519(skX, ctX);
      expect(hex(sha3_256(ssM, ssX, ctX, pkX, LABEL))).toBe(v.ss);          // §5.3 Combiner
    }
  });
});

describe('against @noble/post-quantum (ml_kem768_x25519 = X-Wing)', () => {
  it('key generation, encapsulation and decapsulation agree on random seeds (property)', () => {
    fc.assert(fc.property(bytes32, bytes64, (seed, eseed) => {
      const mine = xwingKeypair(seed), theirs = ml_kem768_x25519.keygen(seed);
      expect(hex(mine.publicKey)).toBe(hex(theirs.publicKey));
      const e = xwingEncapsulate(mine.publicKey, eseed), ne = ml_kem768_x25519.encapsulate(theirs.publicKey, eseed);
      expect(hex(e.ciphertext)).toBe(hex(ne.cipherText));
      expect(hex(e.sharedSecret)).toBe(hex(ne.sharedSecret));
      expect(hex(xwingDecapsulate(seed, e.ciphertext))).toBe(hex(e.sharedSecret));
    }), { seed: fcSeed, numRuns: 40 });
  });
  it('decapsulation of arbitrary ciphertexts agrees, one-shot and with the decapsulator (property)', () => {
    const seed = new Uint8Array(32).fill(5);
    const d = new XWingDecapsulator(seed);
    fc.assert(fc.property(fc.uint8Array({ minLength: 1120, maxLength: 1120 }), (c) => {
      const expected = hex(ml_kem768_x25519.decapsulate(c, seed));
      expect(hex(xwingDecapsulate(seed, c))).toBe(expected);
      expect(hex(d.decapsulate(c))).toBe(expected);
    }), { seed: fcSeed, numRuns: 40 });
  });
});

describe('attacks and input checks', () => {
  const { publicKey, secretKey } = xwingKeypair(new Uint8Array(32).fill(9));

  it('encapsulation refuses a public key whose ML-KEM part fails FIPS 203 §7.2 (§4: MUST)', () => {
    const pk = publicKey.slice();
    pk[0] = 0xff; pk[1] |= 0x0f; // first coefficient 4095
    expect(() => xwingEncapsulate(pk)).toThrow(CryptoError);
    expect(() => xwingEncapsulate(pk)).toThrow(expect.objectContaining({ code: 'invalid-public-key' }));
  });

  it('a low-order X25519 share does not throw (the draft has no all-zero check); the result is the combiner with ss_X = 0', () => {
    const pk = publicKey.slice();
    pk.fill(0, 1184); // pk_X = 0, a point of order 4
    const eseed = new Uint8Array(64).fill(2);
    const { ciphertext, sharedSecret } = xwingEncapsulate(pk, eseed);
    const ctX = ciphertext.subarray(1088);
    const expanded = shake256(new Uint8Array(32).fill(9), 96);
    const ssM = mlKem768Decapsulate(mlKem768Keypair(expanded.subarray(0, 64)).secretKey, ciphertext.subarray(0, 1088));
    expect(hex(sharedSecret)).toBe(hex(sha3_256(ssM, new Uint8Array(32), ctX, new Uint8Array(32), LABEL)));
    // and the same on the decapsulating side, with ct_X = 0
    const c = ciphertext.slice();
    c.fill(0, 1088);
    expect(() => xwingDecapsulate(secretKey, c)).not.toThrow();
  });

  it('a tampered ciphertext gives a different secret on decapsulation (ML-KEM implicit rejection, or a different ss_X)', () => {
    const { ciphertext, sharedSecret } = xwingEncapsulate(publicKey);
    for (const at of [0, 1087, 1088, 1119]) {
      const c = ciphertext.slice();
      c[at] ^= 1;
      expect(hex(xwingDecapsulate(secretKey, c)), `byte ${at}`).not.toBe(hex(sharedSecret));
    }
  });
});

describe('API', () => {
  it('sizes, fresh keys, and secrets hidden from JSON and inspect', async () => {
    expect(X_WING).toEqual({ publicKey: 1216, secretKey: 32, ciphertext: 1120, sharedSecret: 32, randomness: 64 });
    const a = xwingKeypair(), b = xwingKeypair();
    expect(a.secretKey).toHaveLength(32);
    expect(hex(a.publicKey)).not.toBe(hex(b.publicKey));
    const e = xwingEncapsulate(a.publicKey);
    expect(hex(xwingDecapsulate(a.secretKey, e.ciphertext))).toBe(hex(e.sharedSecret));
    const { inspect } = await import('node:util');
    expect(inspect(a)).toContain('[redacted]');
    expect(inspect(e)).toContain('[redacted]');
  });
  it('XWingDecapsulator: a fresh key by default, hidden from JSON and inspect, unusable after destroy()', async () => {
    const d = new XWingDecapsulator();
    const { ciphertext, sharedSecret } = xwingEncapsulate(d.publicKey);
    expect(hex(d.decapsulate(ciphertext))).toBe(hex(sharedSecret));
    expect(Object.keys(JSON.parse(JSON.stringify(d)))).toEqual(['publicKey']);
    const { inspect } = await import('node:util');
    expect(inspect(d)).toBe('XWingDecapsulator(publicKey, secret hidden)');
    d.destroy();
    expect(() => d.decapsulate(ciphertext)).toThrow('this XWingDecapsulator expected to hold a key, got one that was destroyed');
  });
  it('the seed passed to xwingKeypair is copied, not kept', () => {
    const seed = new Uint8Array(32).fill(4);
    const pair = xwingKeypair(seed);
    seed.fill(0);
    expect(pair.secretKey).toEqual(new Uint8Array(32).fill(4));
  });
});

describe('garbage input', () => {
  const pair = xwingKeypair(new Uint8Array(32).fill(3));
  const ct = xwingEncapsulate(pair.publicKey).ciphertext;
  const bad = (n: number) => garbageBytes(n);
  const optional = (n: number) => garbageBytes(n, { optional: true });
  it.each(optional(32))('xwingKeypair seed: %s', (_, v, code) => {
    expect(() => xwingKeypair(v as Uint8Array)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
  });
  it.each(bad(1216))('xwingEncapsulate publicKey: %s', (_, v, code) => {
    expect(() => xwingEncapsulate(v as Uint8Array)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
  });
  it.each(optional(64))('xwingEncapsulate randomness: %s', (_, v, code) => {
    expect(() => xwingEncapsulate(pair.publicKey, v as Uint8Array)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
  });
  it.each(bad(32))('xwingDecapsulate secretKey: %s', (_, v, code) => {
    expect(() => xwingDecapsulate(v as Uint8Array, ct)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
  });
  it.each(bad(1120))('xwingDecapsulate ciphertext: %s', (_, v, code) => {
    expect(() => xwingDecapsulate(pair.secretKey, v as Uint8Array)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
  });
  it.each(optional(32))('XWingDecapsulator secretKey: %s', (_, v, code) => {
    expect(() => new XWingDecapsulator(v as Uint8Array)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
  });
  it.each(bad(1120))('XWingDecapsulator.decapsulate ciphertext: %s', (_, v, code) => {
    const d = new XWingDecapsulator(pair.secretKey);
    expect(() => d.decapsulate(v as Uint8Array)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
  });
});
