// X25519: RFC 7748 §5.2 vectors and iteration loop, the §6.1 exchange, every Wycheproof case,
// properties against node:crypto, wiping of secrets, and the garbage-input table.
import { describe, expect, it } from 'vitest';
import { expectStaticMemoryUnchanged, staticBytes } from './_static-memory.js';
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import { x25519, x25519PublicKey, x25519Keypair, InputError, CryptoError } from '../../src/core/index.js';
import { core } from '../../src/core/_wasm.js';
import { hex, unhex, fcSeed, wycheproof } from '../_util.js';

const RUNS = 1000;

// RFC 8410 PKCS#8 / SPKI prefixes turn raw X25519 keys into node KeyObjects.
const nodePrivate = (k: Uint8Array): KeyObject =>
  createPrivateKey({ key: Buffer.concat([unhex('302e020100300506032b656e04220420'), k]), format: 'der', type: 'pkcs8' });
const nodePublic = (u: Uint8Array): KeyObject =>
  createPublicKey({ key: Buffer.concat([unhex('302a300506032b656e032100'), u]), format: 'der', type: 'spki' });
const nodeRawPublic = (k: KeyObject): Uint8Array => new Uint8Array(createPublicKey(k).export({ format: 'der', type: 'spki' }).subarray(12));

describe('RFC 7748 §5.2', () => {
  it.each([
    ['a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4', 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
      'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552'],
    ['4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d', 'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493',
      '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957'],
  ])('scalar %s', (k, u, out) => {
    expect(hex(x25519(unhex(k), unhex(u)))).toBe(out);
  });

  // k = u = 9; each round: k, u = X25519(k, u), k.
  function iterate(n: number): string {
    let k = unhex('0900000000000000000000000000000000000000000000000000000000000000');
    let u = k;
    for (let i = 0; i < n; i++) [k, u] = [x25519(k, u), k];
    return hex(k);
  }
  it('after 1 iteration', () => {
    expect(iterate(1)).toBe('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
  });
  it('after 1,000 iterations', () => {
    expect(iterate(1000)).toBe('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
  });
});

describe('RFC 7748 §6.1', () => {
  const aliceSecret = unhex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  const alicePublic = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a';
  const bobSecret = unhex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
  const bobPublic = 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f';
  const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
  it('public keys', () => {
    expect(hex(x25519PublicKey(aliceSecret))).toBe(alicePublic);
    expect(hex(x25519PublicKey(bobSecret))).toBe(bobPublic);
  });
  it('shared secret, both ways', () => {
    expect(hex(x25519(aliceSecret, unhex(bobPublic)))).toBe(shared);
    expect(hex(x25519(bobSecret, unhex(alicePublic)))).toBe(shared);
  });
});

// Policy pinned here: every case whose shared secret is all zero (flag ZeroSharedSecret; Wycheproof
// marks them "acceptable") throws CryptoError low-order-point; every other acceptable case (twist
// points, non-canonical u ≥ p, edge-case multiplications) computes the expected shared secret.
describe('wycheproof x25519_test', () => {
  const suite = wycheproof('x25519_test');
  const counts = { valid: 0, acceptableComputed: 0, acceptableRejected: 0, invalid: 0 };
  for (const group of suite.testGroups) {
    it(`${group.curve}: ${group.tests.length} cases`, () => {
      for (const t of group.tests) {
        const k = unhex(t.private), u = unhex(t.public);
        const id = `tcId ${t.tcId} (${t.flags.join(', ')})`;
        const zero = t.flags.includes('ZeroSharedSecret');
        if (t.result === 'valid') {
          expect(zero, id).toBe(false);
          expect(hex(x25519(k, u)), id).toBe(t.shared);
          counts.valid++;
        } else if (t.result === 'acceptable' && zero) {
          expect(t.shared, id).toBe('00'.repeat(32));
          expect(() => x25519(k, u), id).toThrow(expect.objectContaining({ code: 'low-order-point' }));
          counts.acceptableRejected++;
        } else if (t.result === 'acceptable') {
          expect(hex(x25519(k, u)), id).toBe(t.shared);
          counts.acceptableComputed++;
        } else if (t.result === 'invalid') {
          expect(() => x25519(k, u), id).toThrow(CryptoError);
          counts.invalid++;
        } else {
          throw new Error(`${id}: unexpected result ${t.result}`);
        }
      }
    });
  }
  it('covers every case; the rejected (all-zero) class is pinned', () => {
    expect(counts.valid + counts.acceptableComputed + counts.acceptableRejected + counts.invalid).toBe(suite.numberOfTests);
    expect(counts).toEqual({ valid: 264, acceptableComputed: 223, acceptableRejected: 31, invalid: 0 });
  });
});

describe('properties against node:crypto', () => {
  const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
  it('x25519PublicKey matches node (≥ 1,000 keys)', () => {
    fc.assert(fc.property(key, (k) => {
      expect(hex(x25519PublicKey(k))).toBe(hex(nodeRawPublic(nodePrivate(k))));
    }), { seed: fcSeed, numRuns: RUNS });
  });
  it('x25519 matches crypto.diffieHellman on arbitrary 32-byte peer keys (≥ 1,000 pairs)', () => {
    fc.assert(fc.property(key, key, (k, u) => {
      const expected = diffieHellman({ privateKey: nodePrivate(k), publicKey: nodePublic(u) });
      expect(hex(x25519(k, u))).toBe(hex(expected));
    }), { seed: fcSeed, numRuns: RUNS });
  });
  it('both sides of an exchange agree (≥ 1,000 pairs)', () => {
    fc.assert(fc.property(key, key, (a, b) => {
      expect(hex(x25519(a, x25519PublicKey(b)))).toBe(hex(x25519(b, x25519PublicKey(a))));
    }), { seed: fcSeed, numRuns: RUNS });
  });
  it('bit 255 of the peer key is ignored (RFC 7748 §5), checked against @noble/curves', () => {
    fc.assert(fc.property(key, key, (k, u) => {
      const masked = u.slice(); masked[31] &= 0x7f;
      const high = u.slice(); high[31] |= 0x80;
      const expected = hex(nobleX25519.getSharedSecret(k, masked));
      expect(hex(x25519(k, high))).toBe(expected);
      expect(hex(x25519(k, masked))).toBe(expected);
    }), { seed: fcSeed, numRuns: RUNS });
  });
});

describe('x25519Keypair', () => {
  it('returns a consistent pair whose secret is hidden from JSON and inspect', async () => {
    const pair = x25519Keypair();
    expect(pair.secretKey).toHaveLength(32);
    expect(hex(pair.publicKey)).toBe(hex(x25519PublicKey(pair.secretKey)));
    expect(Object.keys(JSON.parse(JSON.stringify(pair)))).toEqual(['publicKey']);
    expect(String(pair)).toBe('[KeyPair]');
    const { inspect } = await import('node:util');
    expect(inspect(pair)).toContain('[redacted]');
    expect(hex(x25519Keypair().secretKey)).not.toBe(hex(pair.secretKey));
  });
});

describe('secret scratch is wiped', () => {
  const memoryContains = (needle: Uint8Array) =>
    Buffer.from(core().memory.buffer).indexOf(Buffer.from(needle)) !== -1;
  it('secret key, clamped scalar and shared secret do not survive a call', () => {
    const k = crypto.getRandomValues(new Uint8Array(32));
    const clamped = k.slice(); clamped[0] &= 248; clamped[31] = (clamped[31] & 127) | 64;
    const peer = x25519PublicKey(crypto.getRandomValues(new Uint8Array(32)));
    const shared = x25519(k, peer);
    x25519PublicKey(k);
    for (const secret of [k, clamped, shared]) expect(memoryContains(secret)).toBe(false);
  });
});

// Stronger than scanning for known values: every byte of static memory (tables, contexts, scratch)
// is the same after a secret-handling call as before it, so no intermediate value survives.
describe('static memory is left exactly as found', () => {
  it.each([
    ['x25519', () => x25519(crypto.getRandomValues(new Uint8Array(32)), x25519PublicKey(new Uint8Array(32).fill(7)))],
    ['x25519PublicKey', () => x25519PublicKey(crypto.getRandomValues(new Uint8Array(32)))],
  ] as const)('%s', (_, call) => expectStaticMemoryUnchanged(call));
  it('the comparison can fail (a changed byte is found)', () => {
    const before = staticBytes();
    const view = new Uint8Array(core().memory.buffer);
    const at = core().ioBase() - 1, old = view[at];
    view[at] = old ^ 1;
    expect(staticBytes().equals(before)).toBe(false);
    view[at] = old;
  });
});

describe('garbage input', () => {
  const good = new Uint8Array(32).fill(9);
  const bad: Array<[string, unknown, string]> = [
    ['undefined', undefined, 'invalid-type'], ['null', null, 'invalid-type'], ['string', 'a'.repeat(32), 'invalid-type'],
    ['number array', Array(32).fill(1), 'invalid-type'], ['ArrayBuffer', new ArrayBuffer(32), 'invalid-type'],
    ['Uint16Array', new Uint16Array(32), 'invalid-type'], ['31 bytes', new Uint8Array(31), 'invalid-length'],
    ['33 bytes', new Uint8Array(33), 'invalid-length'], ['0 bytes', new Uint8Array(0), 'invalid-length'],
  ];
  it.each(bad)('x25519 secretKey: %s', (_, v, code) => {
    expect(() => x25519(v as Uint8Array, good)).toThrow(expect.objectContaining({ code, name: 'InputError' }));
    expect(() => x25519(v as Uint8Array, good)).toThrow(InputError);
  });
  it.each(bad)('x25519 peerPublicKey: %s', (_, v, code) => {
    expect(() => x25519(good, v as Uint8Array)).toThrow(expect.objectContaining({ code }));
    expect(() => x25519(good, v as Uint8Array)).toThrow(InputError);
  });
  it.each(bad)('x25519PublicKey secretKey: %s', (_, v, code) => {
    expect(() => x25519PublicKey(v as Uint8Array)).toThrow(expect.objectContaining({ code }));
    expect(() => x25519PublicKey(v as Uint8Array)).toThrow(InputError);
  });
  it('messages name the argument and say what was found', () => {
    expect(() => x25519(good, new Uint8Array(31))).toThrow('"peerPublicKey" expected 32 bytes, got 31');
  });
  it('an all-zero peer key throws CryptoError low-order-point', () => {
    expect(() => x25519(good, new Uint8Array(32))).toThrow(CryptoError);
    expect(() => x25519(good, new Uint8Array(32))).toThrow(expect.objectContaining({ code: 'low-order-point' }));
  });
});
