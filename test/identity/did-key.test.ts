// did:key (W3C CCG did:key Method v0.7) for Ed25519: the method's published test vectors, the
// identity key pair object, strict decoding, a property round trip and a garbage table.
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { base58 } from '@scure/base';
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { ed25519IsValidPublicKey, ed25519PublicKey, InputError } from '../../src/core/index.js';
import { didKeyFromPublicKey, publicKeyFromDidKey, isDidKey } from '../../src/identity/did-key.js';
import { IdentityError, IdentityKeyPair } from '../../src/identity/identity.js';
import { hex, unhex, fcSeed } from '../_util.js';
import { IDENTITY_POINT } from './_fixtures.js';

const RUNS = 1000;

// w3c-ccg/did-method-key, test-vectors/ed25519-x25519.json: seed → did:key and the Ed25519
// publicKeyBase58 of the verification method (a separate encoding of the same key).
const CCG_VECTORS = [
  { seed: '00'.repeat(32), did: 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp', publicKeyBase58: '4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS' },
  { seed: '00'.repeat(31) + '01', did: 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG', publicKeyBase58: '6ASf5EcmmEHTgDJ4X4ZT5vT6iHVJBXPg5AN5YoTCpGWt' },
  { seed: '00'.repeat(31) + '02', did: 'did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf', publicKeyBase58: '8pM1DN3RiT8vbom5u1sNryaNT1nyL8CTTW3b5PwWXRBH' },
  { seed: '00'.repeat(31) + '03', did: 'did:key:z6MkvqoYXQfDDJRv8L4wKzxYeuKyVZBfi9Qo6Ro8MiLH3kDQ', publicKeyBase58: 'HPYVwAQmskwT1qEEeRzhoomyfyupJGASQQtCXSNG8XS2' },
  { seed: '00'.repeat(31) + '04', did: 'did:key:z6MkwW6aqMnjgrhJXFUko3NnZPGzVpkNzhYK7yEhnsibmLwL', publicKeyBase58: 'J3qYF7YJMKCqQke47UQwiHizgFUXapHxRxKmxbkar89x' },
];

/** Reference base58btc decoder (BigInt arithmetic), independent of @scure/base. */
function base58Reference(text: string): Uint8Array {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let n = 0n;
  for (const c of text) n = n * 58n + BigInt(alphabet.indexOf(c));
  const out: number[] = [];
  while (n > 0n) { out.unshift(Number(n & 0xffn)); n >>= 8n; }
  for (const c of text) { if (c !== '1') break; out.unshift(0); }
  return new Uint8Array(out);
}

describe('did:key published vectors', () => {
  it.each(CCG_VECTORS)('w3c-ccg did-method-key ed25519-x25519.json: $did', ({ seed, did, publicKeyBase58 }) => {
    const publicKey = ed25519PublicKey(unhex(seed));
    expect(hex(publicKey)).toBe(hex(base58.decode(publicKeyBase58)));
    expect(hex(base58Reference(did.slice(9)))).toBe('ed01' + hex(base58Reference(publicKeyBase58)));
    expect(didKeyFromPublicKey(publicKey)).toBe(did);
    expect(hex(publicKeyFromDidKey(did))).toBe(hex(publicKey));
    expect(IdentityKeyPair.fromSecretKey(unhex(seed)).did).toBe(did);
  });

  it('did:key spec §3.1.2 example did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', () => {
    // The Ed25519 example of the did:key method specification (w3c-ccg.github.io/did-method-key):
    // multicodec ed 01 followed by the 32 key bytes below (decoded by hand from the base58btc text).
    const did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
    const key = publicKeyFromDidKey(did);
    expect(hex(key)).toBe('2e6fcce36701dc791488e0d0b1745cc1e33a4c1c9fcc41c63bd343dbbe0970e6');
    expect(hex(base58Reference(did.slice(9)))).toBe('ed01' + hex(key));
    expect(didKeyFromPublicKey(key)).toBe(did);
  });

  it('RFC 8032 §7.1 TEST 1 public key (matches docs/PROTOCOL.md safety-number vector D1)', () => {
    const key = unhex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(didKeyFromPublicKey(key)).toBe('did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw');
  });
});

describe('did:key properties', () => {
  it('encodes every 32-byte string in 56 characters starting z6Mk; decodes back exactly the valid keys', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
      const did = didKeyFromPublicKey(key);
      expect(did).toHaveLength(56);
      expect(did.startsWith('did:key:z6Mk')).toBe(true);
      if (ed25519IsValidPublicKey(key)) expect(hex(publicKeyFromDidKey(did))).toBe(hex(key));
      else expect(() => publicKeyFromDidKey(did)).toThrow(expect.objectContaining({ code: 'did-invalid' }));
      const honest = ed25519PublicKey(key);
      expect(hex(publicKeyFromDidKey(didKeyFromPublicKey(honest)))).toBe(hex(honest));
    }), { seed: fcSeed, numRuns: RUNS });
  });

  it('random strings are rejected with did-invalid or accepted only if canonical', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => {
      for (const text of [s, 'did:key:' + s, 'did:key:z' + s]) {
        try {
          const key = publicKeyFromDidKey(text);
          expect(didKeyFromPublicKey(key)).toBe(text);
        } catch (e) {
          expect(e).toBeInstanceOf(IdentityError);
          expect((e as IdentityError).code).toBe('did-invalid');
        }
      }
    }), { seed: fcSeed, numRuns: RUNS });
  });

  it('any single-character change of a valid did:key is rejected or names another key', () => {
    const did = CCG_VECTORS[1].did;
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0OIl+/=#';
    fc.assert(fc.property(fc.nat({ max: did.length - 1 }), fc.nat({ max: alphabet.length - 1 }), (i, j) => {
      const mutated = did.slice(0, i) + alphabet[j] + did.slice(i + 1);
      if (mutated === did) return;
      let key: Uint8Array | undefined;
      try {
        key = publicKeyFromDidKey(mutated);
      } catch (e) {
        expect((e as IdentityError).code).toBe('did-invalid');
      }
      if (key) expect(hex(key)).not.toBe(hex(publicKeyFromDidKey(did)));
    }), { seed: fcSeed, numRuns: RUNS });
  });
});

describe('did:key strict decoding: did-invalid with what was expected and found', () => {
  const good = CCG_VECTORS[0].did;
  const body = (bytes: number[]) => 'did:key:z' + base58.encode(new Uint8Array(bytes));
  const key = Array.from(ed25519PublicKey(new Uint8Array(32)));
  const cases: Array<[string, string, RegExp]> = [
    ['empty', '', /expected prefix "did:key:", got ""/],
    ['other method', 'did:web:example.com', /expected prefix "did:key:", got "did:web:"/],
    ['upper-case method', good.replace('did:key', 'DID:KEY'), /expected prefix/],
    ['no multibase', 'did:key:', /expected multibase prefix "z" \(base58btc\), got nothing/],
    ['base64url multibase', 'did:key:u7QE' + 'A'.repeat(43), /expected multibase prefix "z".*got "u"/],
    ['base32 multibase', 'did:key:b' + 'a'.repeat(50), /got "b"/],
    ['0 is not base58', good.slice(0, 20) + '0' + good.slice(21), /expected base58btc characters, got "0" at position 20/],
    ['O is not base58', good.slice(0, 30) + 'O' + good.slice(31), /got "O"/],
    ['I is not base58', good + 'I', /got "I"/],
    ['l is not base58', good + 'l', /got "l"/],
    ['fragment', good + '#' + good.slice(8), /got "#"/],
    ['query', good + '?x=1', /got "\?"/],
    ['whitespace', good + ' ', /got " "/],
    ['nothing after z', 'did:key:z', /expected 48 base58btc characters after "z", got 0/],
    ['far too long', 'did:key:z' + '2'.repeat(100), /got 100/],
    ['x25519 multicodec', body([0xec, 0x01, ...key]), /expected multicodec ed25519-pub \(0xed\), got 0xec \(x25519-pub\)/],
    ['secp256k1 multicodec', body([0xe7, 0x01, ...key, 0]), /got 0xe7 \(secp256k1-pub\)/],
    ['p256 multicodec', body([0x80, 0x24, 2, ...key]), /got 0x1200 \(p256-pub\)/],
    ['ed25519-pub as one byte (not a varint)', body([0xed, ...key]), /expected a multicodec varint|expected multicodec/],
    ['non-minimal varint', body([0xed, 0x81, 0x00, ...key]), /malformed/],
    ['31-byte key', body([0xed, 0x01, ...key.slice(1)]), /expected a 32-byte ed25519-pub key, got 31 bytes/],
    ['33-byte key', body([0xed, 0x01, ...key, 0]), /got 33 bytes/],
    ['did-key-test-suite too short', 'did:key:zTjsVPtY', /expected/],
    ['leading 1 (extra zero byte)', 'did:key:z1' + good.slice(9), /expected multicodec|canonical/],
  ];
  it.each(cases)('%s', (_name, did, message) => {
    let error: unknown;
    try {
      publicKeyFromDidKey(did);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IdentityError);
    expect((error as IdentityError).code).toBe('did-invalid');
    expect((error as Error).message).toMatch(message);
    expect(isDidKey(did)).toBe(false);
  });

  it('accepts the valid DID', () => expect(isDidKey(good)).toBe(true));
});

// Issue 16, finding 5: a did:key naming a small-order point (the identity point verifies the
// forgery (R = identity, S = 0) for every message under the bare equation) or a non-point.
describe('did:key naming a key that cannot verify: did-invalid', () => {
  it('the identity point', () => {
    const did = didKeyFromPublicKey(IDENTITY_POINT);
    expect(() => publicKeyFromDidKey(did)).toThrow(IdentityError);
    expect(() => publicKeyFromDidKey(did)).toThrow(/^did:key expected an Ed25519 public key .*small order.*, got 0100…0000$/);
    expect(isDidKey(did)).toBe(false);
  });
  it.each(ED25519_TORSION_SUBGROUP.map((h) => [h.slice(0, 8), unhex(h)] as const))('torsion point %s…, and with the sign bit flipped', (_, key) => {
    for (const k of [key, key.map((b, i) => (i === 31 ? b ^ 0x80 : b))]) {
      expect(() => publicKeyFromDidKey(didKeyFromPublicKey(k))).toThrow(expect.objectContaining({ code: 'did-invalid' }));
    }
  });
  it('y ≥ p (p + 1 encodes the identity) and a y with no curve point', () => {
    for (const k of [unhex('ee' + 'ff'.repeat(30) + '7f'), unhex('ef' + 'ff'.repeat(30) + '7f'), unhex('02' + '00'.repeat(31))]) {
      expect(() => publicKeyFromDidKey(didKeyFromPublicKey(k))).toThrow(expect.objectContaining({ code: 'did-invalid' }));
    }
  });
});

describe('garbage input', () => {
  const values: unknown[] = [undefined, null, 0, 1n, true, {}, [], new Uint8Array(32), Symbol.for('x'), () => 1];
  it.each(values.map((v) => [String(typeof v), v]))('publicKeyFromDidKey(%s) → InputError invalid-type', (_t, v) => {
    expect(() => publicKeyFromDidKey(v as string)).toThrow(InputError);
    expect(isDidKey(v)).toBe(false);
  });
  it.each([[undefined], [null], ['did'], [[1, 2]], [new Uint16Array(16)], [new Uint8Array(31)], [new Uint8Array(33)]])(
    'didKeyFromPublicKey(%s) → InputError', (v) => {
      expect(() => didKeyFromPublicKey(v as Uint8Array)).toThrow(InputError);
    });
});

describe('IdentityKeyPair', () => {
  const seed = unhex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'); // RFC 8032 §7.1 TEST 1

  it('derives the RFC 8032 TEST 1 key and signs deterministically', () => {
    const id = IdentityKeyPair.fromSecretKey(seed);
    expect(hex(id.publicKey)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    // RFC 8032 §7.1 TEST 1 signature of the empty message.
    expect(hex(id.sign(new Uint8Array(0)))).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
    expect(id.verify(new Uint8Array(0), id.sign(new Uint8Array(0)))).toBe(true);
  });

  it('hides the seed from toString, toJSON, util.inspect, template strings and Object.keys', () => {
    const id = IdentityKeyPair.fromSecretKey(seed);
    const secretHex = hex(seed);
    const views = [String(id), `${id}`, JSON.stringify(id), JSON.stringify({ id }), inspect(id), inspect({ id }, { depth: 5, showHidden: true }),
      JSON.stringify(Object.keys(id)), JSON.stringify(Object.getOwnPropertyNames(id))];
    for (const v of views) {
      expect(v).not.toContain(secretHex);
      expect(v).not.toMatch(/157, ?97, ?177/); // the seed's first bytes as a list
    }
    expect(String(id)).toBe(`IdentityKeyPair(${id.did})`);
    expect(JSON.parse(JSON.stringify(id))).toEqual({ did: id.did });
    expect(inspect(id)).toBe(`IdentityKeyPair(${id.did})`);
  });

  it('copies the seed in and out; exportSecretKey returns a copy', () => {
    const s = seed.slice();
    const id = IdentityKeyPair.fromSecretKey(s);
    s.fill(0);
    expect(hex(id.exportSecretKey())).toBe(hex(seed));
    id.exportSecretKey().fill(1);
    expect(hex(id.exportSecretKey())).toBe(hex(seed));
  });

  it('destroy() wipes the seed and later use throws identity-destroyed', () => {
    const id = IdentityKeyPair.generate();
    id.destroy();
    expect(() => id.sign(new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'identity-destroyed' }));
    expect(() => id.exportSecretKey()).toThrow(expect.objectContaining({ code: 'identity-destroyed' }));
  });

  it('generate() gives distinct keys', () => {
    const a = IdentityKeyPair.generate(), b = IdentityKeyPair.generate();
    expect(a.did).not.toBe(b.did);
  });

  it.each([[undefined], [null], ['seed'], [new Uint8Array(31)], [new Uint8Array(64)], [[...seed]]])('fromSecretKey(%s) → InputError', (v) => {
    expect(() => IdentityKeyPair.fromSecretKey(v as Uint8Array)).toThrow(InputError);
  });
});
