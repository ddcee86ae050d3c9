// HKDF-SHA-256 / HKDF-SHA-512: RFC 5869 Appendix A, every Wycheproof hkdf_sha256 case, properties
// against node:crypto hkdfSync, and the garbage-input table.
import { describe, expect, it } from 'vitest';
import { hkdfSync, createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  hkdfSha256, hkdfSha512, hkdfExtractSha256, hkdfExtractSha512, hkdfExpandSha256, hkdfExpandSha512,
} from '../../src/core/index.js';
import { hex, unhex, fcSeed, wycheproof } from '../_util.js';

const seq = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

// RFC 5869 Appendix A.1–A.3 (the SHA-256 cases).
const RFC5869 = [
  { ikm: new Uint8Array(22).fill(0x0b), salt: seq(0x00, 13), info: seq(0xf0, 10), L: 42,
    prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865' },
  { ikm: seq(0x00, 80), salt: seq(0x60, 80), info: seq(0xb0, 80), L: 82,
    prk: '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
    okm: 'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87' },
  { ikm: new Uint8Array(22).fill(0x0b), salt: new Uint8Array(0), info: new Uint8Array(0), L: 42,
    prk: '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8' },
];

describe('RFC 5869 Appendix A', () => {
  it.each(RFC5869.map((v, i) => [i + 1, v] as const))('A.%i', (_, v) => {
    expect(hex(hkdfExtractSha256(v.ikm, v.salt))).toBe(v.prk);
    expect(hex(hkdfExpandSha256(unhex(v.prk), v.info, v.L))).toBe(v.okm);
    expect(hex(hkdfSha256(v.ikm, v.salt, v.info, v.L))).toBe(v.okm);
  });
  it('A.3: an absent salt and info equal empty ones', () => {
    const v = RFC5869[2];
    expect(hex(hkdfSha256(v.ikm, undefined, undefined, v.L))).toBe(v.okm);
    expect(hex(hkdfExtractSha256(v.ikm))).toBe(v.prk);
  });
});

describe('wycheproof hkdf_sha256_test', () => {
  const suite = wycheproof('hkdf_sha256_test');
  let seen = 0;
  for (const group of suite.testGroups) {
    it(`keySize ${group.keySize}: ${group.tests.length} cases`, () => {
      for (const t of group.tests) {
        const run = () => hkdfSha256(unhex(t.ikm), unhex(t.salt), unhex(t.info), t.size);
        if (t.result === 'valid') expect(hex(run()), `tcId ${t.tcId}`).toBe(t.okm);
        else if (t.result === 'invalid') {
          // The only invalid class is SizeTooLarge (L > 255·HashLen): refused with a typed error.
          expect(t.flags, `tcId ${t.tcId}`).toEqual(['SizeTooLarge']);
          expect(run, `tcId ${t.tcId}`).toThrow(expect.objectContaining({ code: 'invalid-value' }));
        } else throw new Error(`tcId ${t.tcId}: unexpected result ${t.result}`);
        seen++;
      }
    });
  }
  it('covered every case', () => expect(seen).toBe(suite.numberOfTests));
});

describe('against node:crypto', () => {
  const hkdfRef = (alg: string, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, n: number) =>
    Buffer.from(hkdfSync(alg, ikm, salt, info, n)).toString('hex');
  it('random inputs and lengths (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 1, max: 600 }), (ikm, salt, info, n) => {
          expect(hex(hkdfSha256(ikm, salt, info, n))).toBe(hkdfRef('sha256', ikm, salt, info, n));
          expect(hex(hkdfSha512(ikm, salt, info, n))).toBe(hkdfRef('sha512', ikm, salt, info, n));
        }),
      { seed: fcSeed, numRuns: 1000 },
    );
  });
  it('extract is HMAC(salt, ikm); expand from it equals the combined form', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.uint8Array({ maxLength: 150 }), fc.uint8Array({ maxLength: 50 }), (ikm, salt, info) => {
        const prk256 = hkdfExtractSha256(ikm, salt), prk512 = hkdfExtractSha512(ikm, salt);
        expect(hex(prk256)).toBe(createHmac('sha256', salt).update(ikm).digest('hex'));
        expect(hex(prk512)).toBe(createHmac('sha512', salt).update(ikm).digest('hex'));
        expect(hex(hkdfExpandSha256(prk256, info, 77))).toBe(hex(hkdfSha256(ikm, salt, info, 77)));
        expect(hex(hkdfExpandSha512(prk512, info, 150))).toBe(hex(hkdfSha512(ikm, salt, info, 150)));
      }),
      { seed: fcSeed, numRuns: 1000 },
    );
  });
  it('maximum lengths 255·HashLen are produced in full', () => {
    const ikm = randomBytes(32), salt = randomBytes(16), info = randomBytes(8);
    expect(hex(hkdfSha256(ikm, salt, info, 8160))).toBe(hkdfRef('sha256', ikm, salt, info, 8160));
    expect(hex(hkdfSha512(ikm, salt, info, 16320))).toBe(hkdfRef('sha512', ikm, salt, info, 16320));
  });
  it('zero-length output is empty', () => {
    expect(hkdfSha256(randomBytes(4), undefined, undefined, 0).length).toBe(0);
  });
});

describe('bad input', () => {
  const b = new Uint8Array(32);
  it.each([-1, 8161, 1.5, NaN, Infinity, '32', null, undefined])('hkdfSha256 rejects length %o', (n) => {
    expect(() => hkdfSha256(b, b, b, n as number)).toThrow(expect.objectContaining({ code: 'invalid-value' }));
    expect(() => hkdfExpandSha256(b, b, n as number)).toThrow(/"length" expected an integer from 0 to 8160/);
  });
  it('hkdfSha512 accepts up to 16320 and no more', () => {
    expect(() => hkdfSha512(b, b, b, 16321)).toThrow(/from 0 to 16320, got 16321/);
  });
  it.each([['x'], [[1]], [null], [new ArrayBuffer(2)]])('rejects %o as ikm, salt, info or prk', (v) => {
    expect(() => hkdfSha256(v as never, b, b, 32)).toThrow(/"ikm" expected Uint8Array/);
    expect(() => hkdfSha256(b, v as never, b, 32)).toThrow(/"salt" expected Uint8Array/);
    expect(() => hkdfSha512(b, b, v as never, 32)).toThrow(/"info" expected Uint8Array/);
    expect(() => hkdfExpandSha256(v as never, b, 32)).toThrow(/"prk" expected Uint8Array/);
    expect(() => hkdfExtractSha512(b, v as never)).toThrow(/"salt" expected Uint8Array/);
  });
  it('refuses a PRK shorter than HashLen (RFC 5869 §2.3)', () => {
    expect(() => hkdfExpandSha256(new Uint8Array(31), b, 32)).toThrow(/"prk" expected at least 32 bytes, got 31/);
    expect(() => hkdfExpandSha512(new Uint8Array(63), b, 32)).toThrow(/"prk" expected at least 64 bytes, got 63/);
  });
});
