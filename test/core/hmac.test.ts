// HMAC-SHA-256 / HMAC-SHA-512: RFC 4231 test cases, every Wycheproof case, properties against
// node:crypto, and the garbage-input table.
import { describe, expect, it } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { hmacSha256, hmacSha512, hmacSha256Verify, hmacSha512Verify, InputError } from '../../src/core/index.js';
import { hex, unhex, utf8, fcSeed, wycheproof } from '../_util.js';

const rep = (b: number, n: number) => new Uint8Array(n).fill(b);
const seq = (from: number, to: number) => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

// RFC 4231 §4.2–4.8 (case 5's tags are truncated to 128 bits, §4.6).
const RFC4231 = [
  { key: rep(0x0b, 20), data: utf8('Hi There'),
    s256: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    s512: '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854' },
  { key: utf8('Jefe'), data: utf8('what do ya want for nothing?'),
    s256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    s512: '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737' },
  { key: rep(0xaa, 20), data: rep(0xdd, 50),
    s256: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    s512: 'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb' },
  { key: seq(0x01, 0x19), data: rep(0xcd, 50),
    s256: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    s512: 'b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd' },
  { key: rep(0x0c, 20), data: utf8('Test With Truncation'),
    s256: 'a3b6167473100ee06e0c796c2955552b', s512: '415fad6271580a531d4179bc891d87a6' },
  { key: rep(0xaa, 131), data: utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
    s256: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    s512: '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598' },
  { key: rep(0xaa, 131),
    data: utf8('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
    s256: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    s512: 'e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58' },
];

describe('RFC 4231', () => {
  it.each(RFC4231.map((v, i) => [i + 1, v] as const))('test case %i', (_, v) => {
    expect(hex(hmacSha256(v.key, v.data)).slice(0, v.s256.length)).toBe(v.s256);
    expect(hex(hmacSha512(v.key, v.data)).slice(0, v.s512.length)).toBe(v.s512);
    expect(hmacSha256Verify(v.key, v.data, unhex(v.s256))).toBe(true);
    expect(hmacSha512Verify(v.key, v.data, unhex(v.s512.length === 32 ? v.s512 + hex(hmacSha512(v.key, v.data)).slice(32, 64) : v.s512))).toBe(true);
  });
});

describe.each([
  ['hmac_sha256_test', hmacSha256, hmacSha256Verify],
  ['hmac_sha512_test', hmacSha512, hmacSha512Verify],
] as const)('wycheproof %s', (file, mac, verify) => {
  const suite = wycheproof(file);
  const counts = { valid: 0, invalid: 0 };
  for (const group of suite.testGroups) {
    it(`keySize ${group.keySize}, tagSize ${group.tagSize}: ${group.tests.length} cases`, () => {
      for (const t of group.tests) {
        const key = unhex(t.key), msg = unhex(t.msg), tag = unhex(t.tag);
        const full = hex(mac(key, msg));
        const ok = verify(key, msg, tag);
        if (t.result === 'valid') {
          expect(full.slice(0, tag.length * 2), `tcId ${t.tcId}`).toBe(t.tag);
          expect(ok, `tcId ${t.tcId}`).toBe(true);
          counts.valid++;
        } else if (t.result === 'invalid') {
          expect(full.slice(0, tag.length * 2), `tcId ${t.tcId}`).not.toBe(t.tag);
          expect(ok, `tcId ${t.tcId} ${t.comment}`).toBe(false);
          counts.invalid++;
        } else {
          throw new Error(`tcId ${t.tcId}: unexpected result ${t.result}`);
        }
      }
    });
  }
  it('covered every case', () => {
    expect(counts.valid + counts.invalid).toBe(suite.numberOfTests);
  });
});

describe('against node:crypto', () => {
  const lengths = [0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 1000];
  it.each(lengths)('key and data of %i bytes', (n) => {
    const k = randomBytes(n), d = randomBytes(n);
    expect(hex(hmacSha256(k, d))).toBe(createHmac('sha256', k).update(d).digest('hex'));
    expect(hex(hmacSha512(k, d))).toBe(createHmac('sha512', k).update(d).digest('hex'));
  });
  it('large data (1 MiB + 1) grows the core memory and still agrees', () => {
    const k = randomBytes(32), d = randomBytes((1 << 20) + 1);
    expect(hex(hmacSha256(k, d))).toBe(createHmac('sha256', k).update(d).digest('hex'));
  });
  it('random keys and messages (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (k, d) => {
        expect(hex(hmacSha256(k, d))).toBe(createHmac('sha256', k).update(d).digest('hex'));
        expect(hex(hmacSha512(k, d))).toBe(createHmac('sha512', k).update(d).digest('hex'));
      }),
      { seed: fcSeed, numRuns: 1000 },
    );
  });
  it('any single flipped tag bit fails verification (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.uint8Array({ maxLength: 80 }), fc.nat(255), (k, d, bit) => {
        const tag = hmacSha256(k, d);
        tag[bit >> 3] ^= 1 << (bit & 7);
        expect(hmacSha256Verify(k, d, tag)).toBe(false);
      }),
      { seed: fcSeed, numRuns: 1000 },
    );
  });
});

describe('bad input', () => {
  const b = new Uint8Array(32);
  it.each([['string'], [null], [[1]], [new ArrayBuffer(8)], [undefined]])('rejects %o as key, data or tag', (v) => {
    expect(() => hmacSha256(v as never, b)).toThrow(/"key" expected Uint8Array/);
    expect(() => hmacSha512(b, v as never)).toThrow(/"data" expected Uint8Array/);
    expect(() => hmacSha256Verify(b, b, v as never)).toThrow(InputError);
  });
  it.each([[hmacSha256Verify, 15], [hmacSha256Verify, 33], [hmacSha512Verify, 31], [hmacSha512Verify, 65], [hmacSha256Verify, 0]] as const)(
    'refuses a tag of the wrong length',
    (verify, n) => {
      expect(() => verify(b, b, new Uint8Array(n))).toThrow(expect.objectContaining({ code: 'invalid-length' }));
    },
  );
});
