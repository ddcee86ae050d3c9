// SHA3-256 / SHA3-512 / SHAKE128 / SHAKE256: FIPS 202 known answers, differential properties
// against node:crypto at rate boundaries and in random chunkings, and the garbage-input table.
import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sha3_256, sha3_512, shake128, shake256, InputError } from '../../src/core/index.js';
import { hex, utf8, fcSeed } from '../_util.js';

const node = (alg: string, d: Uint8Array, outputLength?: number) =>
  createHash(alg, outputLength === undefined ? undefined : { outputLength }).update(d).digest('hex');
const million = new Uint8Array(1_000_000).fill(0x61);
const abc448 = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
const abc896 = 'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu';

// NIST CSRC "Examples with intermediate values" (SHA3-256/512 of the empty string and of 1600 bits
// of 0xa3; SHAKE128/256 of the empty string) and the NIST example messages "abc", 448 and 896 bits
// and one million "a". Every value here also equals OpenSSL's (node:crypto), checked in the last test.
const KAT: Array<[string, (m: Uint8Array) => Uint8Array, Uint8Array, string]> = [
  ['SHA3-256("")', sha3_256, utf8(''), 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a'],
  ['SHA3-256("abc")', sha3_256, utf8('abc'), '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532'],
  ['SHA3-256(448 bits)', sha3_256, utf8(abc448), '41c0dba2a9d6240849100376a8235e2c82e1b9998a999e21db32dd97496d3376'],
  ['SHA3-256(896 bits)', sha3_256, utf8(abc896), '916f6061fe879741ca6469b43971dfdb28b1a32dc36cb3254e812be27aad1d18'],
  ['SHA3-256(1600 bits of 0xa3)', sha3_256, new Uint8Array(200).fill(0xa3), '79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787'],
  ['SHA3-256(one million "a")', sha3_256, million, '5c8875ae474a3634ba4fd55ec85bffd661f32aca75c6d699d0cdcb6c115891c1'],
  ['SHA3-512("")', sha3_512, utf8(''), 'a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a615b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26'],
  ['SHA3-512("abc")', sha3_512, utf8('abc'), 'b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0'],
  ['SHA3-512(448 bits)', sha3_512, utf8(abc448), '04a371e84ecfb5b8b77cb48610fca8182dd457ce6f326a0fd3d7ec2f1e91636dee691fbe0c985302ba1b0d8dc78c086346b533b49c030d99a27daf1139d6e75e'],
  ['SHA3-512(one million "a")', sha3_512, million, '3c3a876da14034ab60627c077bb98f7e120a2a5370212dffb3385a18d4f38859ed311d0a9d5141ce9cc5c66ee689b266a8aa18ace8282a0e0db596c90b0a7b87'],
  ['SHAKE128("", 256)', (m) => shake128(m, 32), utf8(''), '7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26'],
  ['SHAKE128("abc", 256)', (m) => shake128(m, 32), utf8('abc'), '5881092dd818bf5cf8a3ddb793fbcba74097d5c526a6d35f97b83351940f2cc8'],
  ['SHAKE256("", 512)', (m) => shake256(m, 64), utf8(''), '46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762fd75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be'],
  ['SHAKE256("abc", 512)', (m) => shake256(m, 64), utf8('abc'), '483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739d5a15bef186a5386c75744c0527e1faa9f8726e462a12a4feb06bd8801e751e4'],
];

describe('FIPS 202 known answers (NIST examples)', () => {
  it.each(KAT)('%s', (_, fn, message, expected) => {
    expect(hex(fn(message))).toBe(expected);
  });
  it('the same known answers through the streaming interface, one byte at a time for short messages', () => {
    for (const [name, , message, expected] of KAT) {
      const stream = name.startsWith('SHA3-256') ? sha3_256.create() : name.startsWith('SHA3-512') ? sha3_512.create() : null;
      if (!stream) continue;
      if (message.length < 300) for (let i = 0; i < message.length; i++) stream.update(message.subarray(i, i + 1));
      else stream.update(message);
      expect(hex(stream.digest()), name).toBe(expected);
    }
  });
  it('every known answer equals OpenSSL (node:crypto): the table is not a typo of another hash', () => {
    const algs: Record<string, [string, number?]> = { 'SHA3-256': ['sha3-256'], 'SHA3-512': ['sha3-512'], SHAKE128: ['shake128', 32], SHAKE256: ['shake256', 64] };
    for (const [name, , message, expected] of KAT) {
      const [alg, len] = algs[name.split('(')[0]];
      expect(node(alg, message, len), name).toBe(expected);
    }
  });
});

// Rate boundaries: SHA3-512 72, SHA3-256 / SHAKE256 136, SHAKE128 168; and the 64 KiB window.
const LENGTHS = [0, 1, 7, 8, 71, 72, 73, 135, 136, 137, 143, 144, 167, 168, 169, 271, 272, 273, 335, 336, 337, 1000, 65535, 65536, 65537, 200_000];
const OUT_LENGTHS = [0, 1, 31, 32, 33, 135, 136, 137, 167, 168, 169, 336, 1000, 65536, 70_000];

describe('against node:crypto', () => {
  it.each(LENGTHS)('one-shot at %i bytes', (n) => {
    const d = randomBytes(n);
    expect(hex(sha3_256(d))).toBe(node('sha3-256', d));
    expect(hex(sha3_512(d))).toBe(node('sha3-512', d));
    expect(hex(shake128(d, 200))).toBe(node('shake128', d, 200));
    expect(hex(shake256(d, 200))).toBe(node('shake256', d, 200));
  });

  it.each(OUT_LENGTHS)('SHAKE output of %i bytes', (n) => {
    const d = randomBytes(50);
    expect(hex(shake128(d, n))).toBe(node('shake128', d, n));
    expect(hex(shake256(d, n))).toBe(node('shake256', d, n));
  });

  it('random inputs and output lengths (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat({ max: 600 }), (d, n) => {
        expect(hex(sha3_256(d))).toBe(node('sha3-256', d));
        expect(hex(sha3_512(d))).toBe(node('sha3-512', d));
        expect(hex(shake128(d, n))).toBe(node('shake128', d, n));
        expect(hex(shake256(d, n))).toBe(node('shake256', d, n));
      }),
      { seed: fcSeed, numRuns: 500 },
    );
  });

  it('streaming in random chunkings equals one-shot, and squeezes in random pieces continue one stream (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 400 }), { maxLength: 10 }),
        fc.array(fc.nat({ max: 400 }), { maxLength: 6 }),
        (chunks, pieces) => {
          const all = Buffer.concat(chunks);
          const h256 = sha3_256.create(), h512 = sha3_512.create(), x128 = shake128.create(), x256 = shake256.create();
          for (const c of chunks) { h256.update(c); h512.update(c); x128.update(c); x256.update(c); }
          expect(hex(h256.digest())).toBe(node('sha3-256', all));
          expect(hex(h512.digest())).toBe(node('sha3-512', all));
          const total = pieces.reduce((a, b) => a + b, 0);
          expect(hex(Buffer.concat(pieces.map((n) => x128.squeeze(n))))).toBe(node('shake128', all, total));
          expect(hex(Buffer.concat(pieces.map((n) => x256.squeeze(n))))).toBe(node('shake256', all, total));
        },
      ),
      { seed: fcSeed, numRuns: 500 },
    );
  });

  it('streaming hashers are independent of each other and of one-shot calls', () => {
    const a = sha3_256.create().update(utf8('ab'));
    const x = shake128.create().update(utf8('a'));
    sha3_512(randomBytes(5000));
    const big = randomBytes(200_000);
    a.update(utf8('c')).update(big);
    x.update(utf8('bc'));
    const first = x.squeeze(10);
    shake256(randomBytes(300), 1000);
    expect(hex(a.digest())).toBe(node('sha3-256', Buffer.concat([utf8('abc'), big])));
    expect(hex(Buffer.concat([first, x.squeeze(300)]))).toBe(node('shake128', utf8('abc'), 310));
  });

  it('exposes the FIPS 202 rates and output lengths', () => {
    expect([sha3_256.blockLen, sha3_512.blockLen, shake128.blockLen, shake256.blockLen]).toEqual([136, 72, 168, 136]);
    expect([sha3_256.outputLen, sha3_512.outputLen]).toEqual([32, 64]);
    expect([sha3_256.create().blockLen, shake128.create().blockLen]).toEqual([136, 168]);
  });
});

describe('garbage input', () => {
  const notBytes: Array<[string, unknown]> = [
    ['undefined', undefined], ['null', null], ['string', 'abc'], ['number array', [1, 2, 3]],
    ['ArrayBuffer', new ArrayBuffer(3)], ['Uint16Array', new Uint16Array(3)], ['object', {}],
  ];
  const badLengths: Array<[string, unknown]> = [
    ['-1', -1], ['1.5', 1.5], ['NaN', NaN], ['Infinity', Infinity], ['2^30 + 1', 2 ** 30 + 1], ['string', '32'], ['undefined', undefined],
  ];
  it.each(notBytes)('sha3_256 / sha3_512 / shake128 / shake256 data: %s', (_, v) => {
    for (const f of [() => sha3_256(v as Uint8Array), () => sha3_512(v as Uint8Array), () => shake128(v as Uint8Array, 32), () => shake256(v as Uint8Array, 32)]) {
      expect(f).toThrow(InputError);
      expect(f).toThrow(expect.objectContaining({ code: 'invalid-type' }));
    }
  });
  it.each(notBytes)('streaming update data: %s', (_, v) => {
    expect(() => sha3_256.create().update(v as Uint8Array)).toThrow(expect.objectContaining({ code: 'invalid-type' }));
    expect(() => shake256.create().update(v as Uint8Array)).toThrow(expect.objectContaining({ code: 'invalid-type' }));
  });
  it.each(badLengths)('shake128 / shake256 / squeeze length: %s', (_, v) => {
    for (const f of [() => shake128(new Uint8Array(1), v as number), () => shake256(new Uint8Array(1), v as number), () => shake128.create().squeeze(v as number)]) {
      expect(f).toThrow(InputError);
      expect(f).toThrow(expect.objectContaining({ code: 'invalid-value' }));
    }
  });
  it('messages name the argument and say what was found', () => {
    expect(() => sha3_256('abc' as unknown as Uint8Array)).toThrow('"data" expected Uint8Array, got string');
    expect(() => shake128(new Uint8Array(0), -1)).toThrow('"length" expected an integer from 0 to 1073741824, got -1');
  });
  it('a finished hash refuses more input; a squeezing XOF refuses update', () => {
    const h = sha3_256.create();
    h.digest();
    expect(() => h.update(new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'invalid-value' }));
    expect(() => h.digest()).toThrow(InputError);
    const x = shake128.create();
    x.squeeze(1);
    expect(() => x.update(new Uint8Array(1))).toThrow('this shake128 XOF expected update() before squeeze(), got update() after squeeze()');
  });
});
