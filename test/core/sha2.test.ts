// SHA-256 / SHA-512 / iterated SHA-512: FIPS 180-4 examples, differential properties against
// node:crypto, streaming equivalence, and the garbage-input table.
import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sha256, sha512, sha512Iterate, InputError } from '../../src/core/index.js';
import { hex, utf8, fcSeed } from '../_util.js';

const nodeHash = (alg: string, d: Uint8Array) => createHash(alg).update(d).digest('hex');
const million = new Uint8Array(1_000_000).fill(0x61);

describe('FIPS 180-4 examples (NIST CSRC "Examples with intermediate values")', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ])('SHA-256(%j)', (msg, expected) => {
    expect(hex(sha256(utf8(msg)))).toBe(expected);
  });
  it('SHA-256 of one million "a"', () => {
    expect(hex(sha256(million))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });
  it.each([
    ['', 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'],
    ['abc', 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'],
    ['abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909'],
  ])('SHA-512(%j)', (msg, expected) => {
    expect(hex(sha512(utf8(msg)))).toBe(expected);
  });
  it('SHA-512 of one million "a"', () => {
    expect(hex(sha512(million))).toBe('e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b');
  });
});

// Block-boundary lengths for both block sizes, plus lengths that cross the 64 KiB chunk window.
const LENGTHS = [0, 1, 55, 56, 63, 64, 65, 111, 112, 113, 127, 128, 129, 1000, 65535, 65536, 65537, 1 << 20];

describe('against node:crypto', () => {
  it.each(LENGTHS)('one-shot at %i bytes', (n) => {
    const d = randomBytes(n);
    expect(hex(sha256(d))).toBe(nodeHash('sha256', d));
    expect(hex(sha512(d))).toBe(nodeHash('sha512', d));
  });

  it('random inputs (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (d) => {
        expect(hex(sha256(d))).toBe(nodeHash('sha256', d));
        expect(hex(sha512(d))).toBe(nodeHash('sha512', d));
      }),
      { seed: fcSeed, numRuns: 1000 },
    );
  });

  it('streaming in random chunkings equals one-shot (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }), (chunks) => {
        const all = Buffer.concat(chunks);
        const h256 = sha256.create(), h512 = sha512.create();
        for (const c of chunks) { h256.update(c); h512.update(c); }
        expect(hex(h256.digest())).toBe(nodeHash('sha256', all));
        expect(hex(h512.digest())).toBe(nodeHash('sha512', all));
      }),
      { seed: fcSeed, numRuns: 1000 },
    );
  });

  it('streaming hashers are independent of each other and of one-shot calls', () => {
    const a = sha256.create().update(utf8('ab'));
    const b = sha512.create().update(utf8('a'));
    sha256(randomBytes(5000));
    const big = randomBytes(200_000);
    a.update(utf8('c')).update(big);
    b.update(utf8('bc'));
    expect(hex(a.digest())).toBe(nodeHash('sha256', Buffer.concat([utf8('abc'), big])));
    expect(hex(b.digest())).toBe(nodeHash('sha512', utf8('abc')));
  });
});

describe('sha512Iterate', () => {
  const iterateRef = (initial: Uint8Array, suffix: Uint8Array, n: number) => {
    let h = Buffer.from(initial);
    for (let i = 0; i < n; i++) h = createHash('sha512').update(h).update(suffix).digest();
    return h.toString('hex');
  };
  it('equals the host-side loop for Signal-shaped inputs (5200 rounds)', () => {
    const key = randomBytes(33), id = utf8('+14152222222');
    const initial = Buffer.concat([Buffer.from([0, 0]), key, id]);
    expect(hex(sha512Iterate(initial, key, 5200))).toBe(iterateRef(initial, key, 5200));
  });
  it('random initial/suffix lengths and counts (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 20 }), (i, s, n) => {
        expect(hex(sha512Iterate(i, s, n))).toBe(iterateRef(i, s, n));
      }),
      { seed: fcSeed, numRuns: 1000 },
    );
  });
});

describe('bad input', () => {
  const notBytes: unknown[] = ['abc', 123, null, undefined, [1, 2, 3], new ArrayBuffer(4), new Uint16Array(2), {}];
  it.each(notBytes.map((v) => [v]))('sha256 / sha512 reject %o', (v) => {
    expect(() => sha256(v as Uint8Array)).toThrow(InputError);
    expect(() => sha512(v as Uint8Array)).toThrow(/"data" expected Uint8Array, got /);
    expect(() => sha256.create().update(v as Uint8Array)).toThrow(InputError);
  });
  it('a finished hash refuses more input', () => {
    const h = sha256.create();
    h.digest();
    expect(() => h.update(new Uint8Array(1))).toThrow(InputError);
    expect(() => h.digest()).toThrow(/after digest/);
  });
  it.each([0, -1, 1.5, 2 ** 31, NaN, '5', null])('sha512Iterate rejects iterations=%o', (n) => {
    expect(() => sha512Iterate(new Uint8Array(1), new Uint8Array(1), n as number)).toThrow(
      expect.objectContaining({ code: 'invalid-value' }),
    );
  });
  it('sha512Iterate rejects non-bytes', () => {
    expect(() => sha512Iterate('x' as never, new Uint8Array(1), 1)).toThrow(/"initial" expected Uint8Array, got string/);
    expect(() => sha512Iterate(new Uint8Array(1), [1] as never, 1)).toThrow(/"suffix" expected Uint8Array, got Array\(1\)/);
  });
});
