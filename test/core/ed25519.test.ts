// Ed25519: RFC 8032 §7.1 vectors, every Wycheproof case, properties against node:crypto (and
// @noble/curves, libsodium), the small-order / non-canonical A and R attacks, tampering, wiping of
// secrets, and the garbage-input table.
import { describe, expect, it } from 'vitest';
import { expectStaticMemoryUnchanged } from './_static-memory.js';
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { ed25519 as nobleEd25519, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import sodium from 'libsodium-wrappers';
import {
  ed25519PublicKey, ed25519Sign, ed25519Verify, ed25519Keypair, ed25519IsValidPublicKey, Ed25519Signer, InputError,
} from '../../src/core/index.js';
import { core } from '../../src/core/_wasm.js';
import { hex, unhex, fcSeed, wycheproof } from '../_util.js';

const RUNS = 1000;

const nodePrivate = (seed: Uint8Array): KeyObject =>
  createPrivateKey({ key: Buffer.concat([unhex('302e020100300506032b657004220420'), seed]), format: 'der', type: 'pkcs8' });
const nodePublic = (pk: Uint8Array): KeyObject =>
  createPublicKey({ key: Buffer.concat([unhex('302a300506032b6570032100'), pk]), format: 'der', type: 'spki' });

const MSG_1024 =
  '08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1' +
  'e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d' +
  '658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a' +
  '7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e' +
  '06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10' +
  '3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1' +
  '85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d' +
  '502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270' +
  '88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b' +
  'eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba' +
  'b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b' +
  'e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7' +
  '51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d' +
  'cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df' +
  'f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7' +
  '984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4' +
  '88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09' +
  '43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f' +
  'b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161' +
  '0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d' +
  'b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca' +
  'c60c905c15fc910840b94c00a0b9d0';

// RFC 8032 §7.1: SECRET KEY (the seed), PUBLIC KEY, MESSAGE, SIGNATURE.
const RFC8032 = [
  ['TEST 1', '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', '',
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'],
  ['TEST 2', '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '72',
    '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'],
  ['TEST 3', 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7', 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025', 'af82',
    '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a'],
  ['TEST 1024', 'f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5', '278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e', MSG_1024,
    '0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03'],
  ['TEST SHA(abc)', '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42', 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    hex(createHash('sha512').update('abc').digest()),
    'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704'],
] as const;

describe('RFC 8032 §7.1', () => {
  it('TEST 1024 has a 1023-byte message', () => expect(MSG_1024.length).toBe(2046));
  it.each(RFC8032)('%s', (_, seed, pk, msg, sig) => {
    expect(hex(ed25519PublicKey(unhex(seed)))).toBe(pk);
    expect(hex(ed25519Sign(unhex(seed), unhex(msg)))).toBe(sig);
    expect(ed25519Verify(unhex(pk), unhex(msg), unhex(sig))).toBe(true);
    const tampered = unhex(msg + '00');
    expect(ed25519Verify(unhex(pk), tampered, unhex(sig))).toBe(false);
  });
});

// Policy: valid → verifies; invalid → ed25519Verify returns false, except signatures of the wrong
// length (flags TruncatedSignature / SignatureWithGarbage / CompressedSignature), which are malformed
// input and throw InputError invalid-length. Both classes are counted and pinned below. The
// small-order rule changed no verdict: the 17 cases whose R is a small-order encoding (tcId 10–19,
// 25–29, 60, 151) are invalid and failed the equation before; no group's key is small-order.
describe('wycheproof ed25519_test', () => {
  const suite = wycheproof('ed25519_test');
  const counts = { valid: 0, invalidFalse: 0, invalidLength: 0, smallOrderR: 0, smallOrderA: 0 };
  for (const group of suite.testGroups) {
    it(`public key ${group.publicKey.pk.slice(0, 16)}…: ${group.tests.length} cases`, () => {
      const pk = unhex(group.publicKey.pk);
      for (const t of group.tests) {
        const msg = unhex(t.msg), sig = unhex(t.sig);
        const id = `tcId ${t.tcId} (${t.flags.join(', ')}) ${t.comment}`;
        if (sig.length === 64 && isSmallOrderEncoding(sig.subarray(0, 32))) {
          expect(t.result, id).toBe('invalid');
          counts.smallOrderR++;
        }
        if (isSmallOrderEncoding(pk)) counts.smallOrderA++;
        if (t.result === 'valid') {
          expect(ed25519Verify(pk, msg, sig), id).toBe(true);
          counts.valid++;
        } else if (t.result === 'invalid' && sig.length !== 64) {
          expect(() => ed25519Verify(pk, msg, sig), id).toThrow(expect.objectContaining({ code: 'invalid-length' }));
          counts.invalidLength++;
        } else if (t.result === 'invalid') {
          expect(ed25519Verify(pk, msg, sig), id).toBe(false);
          counts.invalidFalse++;
        } else {
          throw new Error(`${id}: unexpected result ${t.result}`);
        }
      }
    });
  }
  it('covers every case; the wrong-length and small-order-R classes are pinned', () => {
    expect(counts.valid + counts.invalidFalse + counts.invalidLength).toBe(suite.numberOfTests);
    expect(counts).toEqual({ valid: 88, invalidFalse: 51, invalidLength: 12, smallOrderR: 17, smallOrderA: 0 });
  });
});

describe('verification edge cases', () => {
  const seed = unhex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  const pk = ed25519PublicKey(seed), msg = unhex('616263');
  const sig = ed25519Sign(seed, msg);
  it('S + L (same point, non-canonical S) is rejected', () => {
    const s = fromLe(sig.subarray(32));
    const forged = sig.slice(); forged.set(le32(s + L), 32);
    expect(ed25519Verify(pk, msg, forged)).toBe(false);
  });
  it('a public key with y ≥ p is not a valid encoding → false', () => {
    const p = (1n << 255n) - 19n;
    expect(ed25519Verify(le32(p + 1n), msg, sig)).toBe(false);
    expect(ed25519Verify(le32(p), msg, sig)).toBe(false);
  });
  it('a public key that is not on the curve → false', () => {
    const bad = le32(2n); // y = 2: (y² − 1)/(d·y² + 1) is not a square
    expect(ed25519Verify(bad, msg, sig)).toBe(false);
  });
  it('x = 0 with the sign bit set ("−0") is rejected (RFC 8032 §5.1.3 step 4)', () => {
    const minusZero = le32(1n); minusZero[31] |= 0x80; // y = 1, x = 0
    expect(ed25519Verify(minusZero, msg, sig)).toBe(false);
  });
});

// --- Small-order and non-canonical A and R (libsodium's rule) -----------------------------------
// libsodium's crypto_sign_verify_detached (without ED25519_COMPAT) refuses, before the equation, an
// R or A whose encoding names a point of the torsion subgroup E[8] (ge25519_has_small_order: y with
// the sign bit masked, canonical or y + p) and an A with y ≥ p (ge25519_is_canonical). Without
// that, A = the identity point makes (R = identity, S = 0) verify for every message.

const P = nobleEd25519.Point;
const L = P.Fn.ORDER;
const FIELD_P = (1n << 255n) - 19n;
const le32 = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const fromLe = (b: Uint8Array) => b.reduceRight((a, x) => (a << 8n) | BigInt(x), 0n);
const withSign = (b: Uint8Array, sign: number) => { const c = b.slice(); c[31] = (c[31] & 0x7f) | (sign << 7); return c; };
const IDENTITY = unhex(ED25519_TORSION_SUBGROUP[0]);
const hramOf = (r: Uint8Array, pk: Uint8Array, msg: Uint8Array) =>
  fromLe(new Uint8Array(createHash('sha512').update(r).update(pk).update(msg).digest())) % L;

/**
 * Every 32-byte encoding of a point of order dividing 8: the 8 canonical ones (@noble/curves
 * ED25519_TORSION_SUBGROUP), each with the sign bit flipped (for x ≠ 0 that is another torsion
 * point; for x = 0 it is "−0", RFC 8032 §5.1.3 step 4), and y + p for y ∈ {0, 1} — the only
 * torsion y below 19, so the only ones whose y + p fits in 255 bits — with both signs.
 */
const SMALL_ORDER: Array<[string, Uint8Array]> = (() => {
  const out = new Map<string, [string, Uint8Array]>();
  ED25519_TORSION_SUBGROUP.forEach((h, i) => {
    const b = unhex(h), order = [1, 2, 4, 8].find((n) => P.fromBytes(b).multiplyUnsafe(BigInt(n)).is0())!;
    for (const sign of [0, 1]) {
      const e = withSign(b, sign);
      out.set(hex(e), [`torsion[${i}] (order ${order})${sign !== b[31] >> 7 ? ', sign flipped' : ''}`, e]);
    }
  });
  for (const y of [0n, 1n]) for (const sign of [0, 1]) out.set(hex(withSign(le32(y + FIELD_P), sign)), [`y = p + ${y}, sign ${sign}`, withSign(le32(y + FIELD_P), sign)]);
  return [...out.values()];
})();
const isSmallOrderEncoding = (b: Uint8Array) => SMALL_ORDER.some(([, e]) => hex(withSign(e, 0)) === hex(withSign(b, 0)));

/** RFC 8032 §5.1.7 as written (strict decoding, S < L, cofactorless equation) and nothing more: what main accepted. */
function rfc8032Verify(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  let A, R;
  try { A = P.fromBytes(pk, false); R = P.fromBytes(sig.subarray(0, 32), false); } catch { return false; }
  const s = fromLe(sig.subarray(32));
  if (s >= L) return false;
  return P.BASE.multiplyUnsafe(s).equals(R.add(A.multiplyUnsafe(hramOf(sig.subarray(0, 32), pk, msg))));
}

/** A seed's clamped scalar mod L (RFC 8032 §5.1.5 steps 1–2). */
function scalarOf(seed: Uint8Array): bigint {
  const h = createHash('sha512').update(seed).digest();
  const a = new Uint8Array(h.subarray(0, 32)); a[0] &= 248; a[31] = (a[31] & 63) | 64;
  return fromLe(a) % L;
}

/**
 * A signature with the small-order R = −[k]T that verifies under the cofactorless equation, made by
 * the holder of `seed` for the mixed-order key A' = [a]B + T: S = k·a gives [S]B − [k]A' = −[k]T.
 * Searches messages until −[k]T is `target` (k depends on R, so one in ord(T) tries).
 */
function smallOrderRSignature(seed: Uint8Array, target: Uint8Array): { pk: Uint8Array; msg: Uint8Array; sig: Uint8Array } {
  const a = scalarOf(seed);
  const T = P.fromBytes(unhex(ED25519_TORSION_SUBGROUP[1])); // order 8: −[k]T reaches all of E[8]
  const pk = hex(target) === hex(IDENTITY) ? P.BASE.multiply(a).toBytes() : P.BASE.multiply(a).add(T).toBytes();
  for (let i = 0; i < 1000; i++) {
    const msg = Uint8Array.of(i & 0xff, i >> 8);
    const k = hramOf(target, pk, msg);
    const R = hex(target) === hex(IDENTITY) ? P.ZERO : T.multiplyUnsafe(k % 8n || 8n).negate();
    if (hex(R.toBytes()) !== hex(target)) continue;
    return { pk, msg, sig: new Uint8Array([...target, ...le32((k * a) % L)]) };
  }
  throw new Error('no message found');
}

describe('small-order and non-canonical A and R are refused (libsodium rule)', () => {
  const messages = Array.from({ length: 32 }, (_, i) => new TextEncoder().encode(`message ${i}`));
  const forgery = new Uint8Array([...IDENTITY, ...new Uint8Array(32)]); // R = identity, S = 0

  it('lists 14 encodings: 8 canonical torsion points, 2 "−0", 4 with y ≥ p', () => {
    expect(SMALL_ORDER).toHaveLength(14);
    expect(SMALL_ORDER.filter(([, e]) => { try { P.fromBytes(e, false); return true; } catch { return false; } })).toHaveLength(8);
  });

  it('A = identity, R = identity, S = 0: the forgery that held for every message is refused', () => {
    for (const msg of messages) {
      expect(rfc8032Verify(IDENTITY, msg, forgery)).toBe(true); // the bare equation accepts it…
      expect(ed25519Verify(IDENTITY, msg, forgery)).toBe(false); // …the core does not
    }
  });

  it.each(SMALL_ORDER)('A = %s: no (R, S) verifies; the forgeries the bare equation accepts are refused', (_, A) => {
    let forgeries = 0;
    for (const msg of messages) {
      for (const R of [IDENTITY, A]) {
        const sig = new Uint8Array([...R, ...new Uint8Array(32)]);
        if (rfc8032Verify(A, msg, sig)) forgeries++;
        expect(ed25519Verify(A, msg, sig)).toBe(false);
      }
      const honest = ed25519Sign(new Uint8Array(32).fill(3), msg);
      expect(ed25519Verify(A, msg, honest)).toBe(false);
    }
    // Canonical torsion keys admit (R = identity, S = 0) for every k ≡ 0 mod ord(A): ~32·2/ord(A) here.
    let canonical = true;
    try { P.fromBytes(A, false); } catch { canonical = false; }
    if (canonical) expect(forgeries).toBeGreaterThan(0);
    else expect(forgeries).toBe(0);
  });

  it.each(SMALL_ORDER)('R = %s: refused even where the cofactorless equation holds', (_, R) => {
    const seed = new Uint8Array(32).fill(0x5a);
    let canonical = true;
    try { P.fromBytes(R, false); } catch { canonical = false; }
    if (canonical) {
      // The signer of a (mixed-order) key can make [S]B − [k]A land on any torsion point.
      const { pk, msg, sig } = smallOrderRSignature(seed, R);
      expect(rfc8032Verify(pk, msg, sig)).toBe(true);
      expect(ed25519Verify(pk, msg, sig)).toBe(false);
    }
    // With an honest key, a small-order R (any encoding) never verifies.
    const pk = ed25519PublicKey(seed);
    for (const msg of messages.slice(0, 4)) {
      const sig = ed25519Sign(seed, msg);
      sig.set(R, 0);
      expect(ed25519Verify(pk, msg, sig)).toBe(false);
    }
  });

  it('R = identity made by an honest key\'s holder (S = k·a): refused here and by libsodium, accepted by @noble/curves', async () => {
    await sodium.ready;
    const { pk, msg, sig } = smallOrderRSignature(new Uint8Array(32).fill(7), IDENTITY);
    expect(hex(pk)).toBe(hex(ed25519PublicKey(new Uint8Array(32).fill(7))));
    expect(ed25519Verify(pk, msg, sig)).toBe(false);
    expect(sodium.crypto_sign_verify_detached(sig, msg, pk)).toBe(false);
    // noble's strict mode rejects small-order A and y ≥ p, but not a small-order R (pinned deviation).
    expect(nobleEd25519.verify(sig, msg, pk, { zip215: false })).toBe(true);
  });

  it('a public key with y ≥ p (each non-canonical y that is on the curve) → false', () => {
    // y ∈ [p, 2^255) encodes y − p ∈ [0, 18]; those on the curve are y − p = 0, 1 (small order, above)
    // and any other y − p whose x exists. Each is refused whatever the signature.
    const seed = new Uint8Array(32).fill(9), msg = messages[0], sig = ed25519Sign(seed, msg);
    for (let y = 0n; y < 19n; y++) {
      for (const sign of [0, 1]) {
        const A = withSign(le32(FIELD_P + y), sign);
        expect(ed25519Verify(A, msg, sig)).toBe(false);
        expect(ed25519IsValidPublicKey(A)).toBe(false);
      }
    }
  });
});

describe('ed25519IsValidPublicKey', () => {
  it.each(SMALL_ORDER)('%s → false', (_, e) => expect(ed25519IsValidPublicKey(e)).toBe(false));
  it('honest keys → true; random 32 bytes → true exactly when a strict decoder finds a point of large order (≥ 1,000 cases)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
      expect(ed25519IsValidPublicKey(ed25519PublicKey(b))).toBe(true);
      let expected: boolean;
      try { expected = !P.fromBytes(b, false).isSmallOrder(); } catch { expected = false; }
      expect(ed25519IsValidPublicKey(b)).toBe(expected);
    }), { seed: fcSeed, numRuns: RUNS });
  });
  it('a mixed-order key (large order with a torsion component) is valid, as in libsodium', () => {
    const A = P.BASE.multiply(12345n).add(P.fromBytes(unhex(ED25519_TORSION_SUBGROUP[1]))).toBytes();
    expect(ed25519IsValidPublicKey(A)).toBe(true);
  });
  it.each([['undefined', undefined], ['string', 'abc'], ['31 bytes', new Uint8Array(31)], ['33 bytes', new Uint8Array(33)]] as const)(
    '%s → InputError', (_, v) => expect(() => ed25519IsValidPublicKey(v as never)).toThrow(InputError));
});

// Random honest signatures and their mutations — a flipped bit, a small-order R or A in any
// encoding, a mixed-order A, S + L, R = identity by the holder — give exactly libsodium's verdict
// and the model's (RFC 8032 §5.1.7 and libsodium's two encoding checks); @noble/curves (zip215:
// false) agrees except where it is cofactored or leaves R unchecked, which is pinned.
describe('properties against libsodium and @noble/curves on valid and mutated inputs', () => {
  const MUTATIONS = ['none', 'flip-msg', 'flip-sig', 'flip-pk', 'small-order-R', 'small-order-A', 'mixed-order-A', 's-plus-L', 'holder-identity-R'] as const;
  const T8 = P.fromBytes(unhex(ED25519_TORSION_SUBGROUP[1]));
  function mutate(seed: Uint8Array, msg: Uint8Array, kind: (typeof MUTATIONS)[number], n: number): { pk: Uint8Array; msg: Uint8Array; sig: Uint8Array } {
    const pk = ed25519PublicKey(seed), sig = ed25519Sign(seed, msg);
    const flip = (b: Uint8Array) => { const c = b.slice(); const i = n % (c.length * 8); c[i >> 3] ^= 1 << (i & 7); return c; };
    const a = scalarOf(seed);
    switch (kind) {
      case 'none': return { pk, msg, sig };
      case 'flip-msg': return { pk, msg: flip(msg.length ? msg : Uint8Array.of(0)), sig };
      case 'flip-sig': return { pk, msg, sig: flip(sig) };
      case 'flip-pk': return { pk: flip(pk), msg, sig };
      case 'small-order-R': { const s = sig.slice(); s.set(SMALL_ORDER[n % 14][1]); return { pk, msg, sig: s }; }
      case 'small-order-A': return { pk: SMALL_ORDER[n % 14][1], msg, sig };
      case 'mixed-order-A': {
        // The holder signs under A' = [a]B + T: [S]B − [k]A' = R − [k]T, so it verifies iff 8 | k.
        const pk2 = P.BASE.multiply(a).add(T8.multiplyUnsafe(BigInt(1 + (n % 7)))).toBytes();
        const r = BigInt(n) + 1n, R = P.BASE.multiply(r).toBytes();
        return { pk: pk2, msg, sig: new Uint8Array([...R, ...le32((r + hramOf(R, pk2, msg) * a) % L)]) };
      }
      case 's-plus-L': { const s = sig.slice(); s.set(le32(fromLe(sig.subarray(32)) + L), 32); return { pk, msg, sig: s }; }
      case 'holder-identity-R': return { pk, msg, sig: new Uint8Array([...IDENTITY, ...le32((hramOf(IDENTITY, pk, msg) * a) % L)]) };
    }
  }
  it('exactly libsodium\'s verdict and the model\'s; noble\'s except the pinned cofactored / R cases (≥ 1,000 cases)', async () => {
    await sodium.ready;
    const nobleOnly = { 'mixed-order-A': 0, 'holder-identity-R': 0 };
    const verdicts = new Map<string, number>();
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...MUTATIONS), fc.nat(), (seed, m, kind, n) => {
      const { pk, msg, sig } = mutate(seed, m, kind, n);
      const ours = ed25519Verify(pk, msg, sig);
      const model = rfc8032Verify(pk, msg, sig) && !isSmallOrderEncoding(pk) && !isSmallOrderEncoding(sig.subarray(0, 32));
      expect(ours).toBe(sodium.crypto_sign_verify_detached(sig, msg, pk));
      expect(ours).toBe(model);
      let noble: boolean;
      try { noble = nobleEd25519.verify(sig, msg, pk, { zip215: false }); } catch { noble = false; }
      if (kind === 'mixed-order-A' || kind === 'holder-identity-R') {
        expect(noble).toBe(true); // cofactored equation; R unchecked
        if (!ours) nobleOnly[kind]++;
      } else {
        expect(ours).toBe(noble);
      }
      verdicts.set(`${kind}:${ours}`, (verdicts.get(`${kind}:${ours}`) ?? 0) + 1);
    }), { seed: fcSeed, numRuns: RUNS });
    // Every mutation ran, honest signatures verified, and the refused forgeries were really refused.
    for (const kind of MUTATIONS) expect([...verdicts.keys()].some((k) => k.startsWith(kind + ':'))).toBe(true);
    expect(verdicts.get('none:false')).toBeUndefined();
    expect(nobleOnly['holder-identity-R']).toBeGreaterThan(0);
    expect(nobleOnly['mixed-order-A']).toBeGreaterThan(0);
  });
});

describe('properties against node:crypto', () => {
  const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const msgArb = fc.uint8Array({ minLength: 0, maxLength: 300 });
  it('public key and signature equal node\'s (deterministic; ≥ 1,000 cases)', () => {
    fc.assert(fc.property(seedArb, msgArb, (seed, msg) => {
      const key = nodePrivate(seed);
      const pk = ed25519PublicKey(seed);
      expect(hex(pk)).toBe(hex(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12)));
      expect(hex(ed25519Sign(seed, msg))).toBe(hex(sign(null, msg, key)));
    }), { seed: fcSeed, numRuns: RUNS });
  });
  it('node\'s signatures verify; keyprint\'s verify under node (≥ 1,000 cases)', () => {
    fc.assert(fc.property(seedArb, msgArb, (seed, msg) => {
      const key = nodePrivate(seed);
      const pk = ed25519PublicKey(seed);
      expect(ed25519Verify(pk, msg, new Uint8Array(sign(null, msg, key)))).toBe(true);
      expect(verify(null, msg, nodePublic(pk), ed25519Sign(seed, msg))).toBe(true);
    }), { seed: fcSeed, numRuns: RUNS });
  });
  it('a flipped bit in message, signature or key makes verification fail (≥ 1,000 cases)', () => {
    fc.assert(fc.property(seedArb, fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.nat(), fc.constantFrom('msg', 'sig', 'pk'), (seed, msg, bit, where) => {
      const pk = ed25519PublicKey(seed), sig = ed25519Sign(seed, msg);
      expect(ed25519Verify(pk, msg, sig)).toBe(true);
      const target = where === 'msg' ? msg.slice() : where === 'sig' ? sig.slice() : pk.slice();
      const i = bit % (target.length * 8);
      target[i >> 3] ^= 1 << (i & 7);
      const ok = where === 'msg' ? ed25519Verify(pk, target, sig) : where === 'sig' ? ed25519Verify(pk, msg, target) : ed25519Verify(target, msg, sig);
      expect(ok).toBe(false);
    }), { seed: fcSeed, numRuns: RUNS });
  });
  it('random signatures verify exactly when @noble/curves (zip215: false) says so (≥ 1,000 cases)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), msgArb, (pk, sig, msg) => {
      let expected: boolean;
      try { expected = nobleEd25519.verify(sig, msg, pk, { zip215: false }); } catch { expected = false; }
      expect(ed25519Verify(pk, msg, sig)).toBe(expected);
    }), { seed: fcSeed, numRuns: RUNS });
  });
});

describe('boundary message lengths', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 255, 256, 1000, 70_000])('%i bytes', (n) => {
    const seed = crypto.getRandomValues(new Uint8Array(32));
    const msg = new Uint8Array(n).map((_, i) => (i * 7 + 3) & 255);
    const sig = ed25519Sign(seed, msg);
    expect(hex(sig)).toBe(hex(sign(null, msg, nodePrivate(seed))));
    expect(ed25519Verify(ed25519PublicKey(seed), msg, sig)).toBe(true);
  });
});

describe('ed25519Keypair', () => {
  it('returns the seed and its public key; the seed is hidden from JSON and inspect', async () => {
    const pair = ed25519Keypair();
    expect(pair.secretKey).toHaveLength(32);
    expect(hex(pair.publicKey)).toBe(hex(ed25519PublicKey(pair.secretKey)));
    expect(Object.keys(pair)).toEqual(['publicKey']);
    const { inspect } = await import('node:util');
    expect(inspect(pair)).toContain('[redacted]');
    expect(hex(ed25519Keypair().secretKey)).not.toBe(hex(pair.secretKey));
  });
});

describe('secret scratch is wiped', () => {
  const memoryContains = (needle: Uint8Array) => Buffer.from(core().memory.buffer).indexOf(Buffer.from(needle)) !== -1;
  it('seed, SHA-512(seed), clamped scalar, prefix and nonce do not survive sign or public-key calls', () => {
    const seed = crypto.getRandomValues(new Uint8Array(32)), msg = crypto.getRandomValues(new Uint8Array(50));
    ed25519PublicKey(seed);
    ed25519Sign(seed, msg);
    const h = createHash('sha512').update(seed).digest();
    const a = new Uint8Array(h.subarray(0, 32)); a[0] &= 248; a[31] = (a[31] & 63) | 64;
    const nonce = createHash('sha512').update(h.subarray(32)).update(msg).digest();
    for (const secret of [seed, h.subarray(0, 32), a, h.subarray(32), nonce.subarray(0, 32)]) {
      expect(memoryContains(new Uint8Array(secret))).toBe(false);
    }
  });
});

// Every byte of static memory is the same after a secret-handling call as before it.
describe('static memory is left exactly as found', () => {
  it.each([
    ['ed25519PublicKey', () => ed25519PublicKey(crypto.getRandomValues(new Uint8Array(32)))],
    ['ed25519Sign', () => ed25519Sign(crypto.getRandomValues(new Uint8Array(32)), crypto.getRandomValues(new Uint8Array(200)))],
  ] as const)('%s', (_, call) => expectStaticMemoryUnchanged(call));
});

describe('garbage input', () => {
  const k32 = new Uint8Array(32).fill(1), s64 = new Uint8Array(64), msg = new Uint8Array(3);
  const notBytes: Array<[string, unknown]> = [
    ['undefined', undefined], ['null', null], ['string', 'abc'], ['number', 7], ['number array', [1, 2, 3]],
    ['ArrayBuffer', new ArrayBuffer(32)], ['Uint16Array', new Uint16Array(32)], ['object', {}],
  ];
  const lengths = (n: number): Array<[string, unknown]> => [[`${n - 1} bytes`, new Uint8Array(n - 1)], [`${n + 1} bytes`, new Uint8Array(n + 1)], ['0 bytes', new Uint8Array(0)]];
  const cases: Array<[string, () => unknown, string]> = [];
  for (const [what, v] of notBytes) {
    cases.push([`ed25519PublicKey seed: ${what}`, () => ed25519PublicKey(v as Uint8Array), 'invalid-type']);
    cases.push([`ed25519Sign seed: ${what}`, () => ed25519Sign(v as Uint8Array, msg), 'invalid-type']);
    cases.push([`ed25519Sign message: ${what}`, () => ed25519Sign(k32, v as Uint8Array), 'invalid-type']);
    cases.push([`ed25519Verify publicKey: ${what}`, () => ed25519Verify(v as Uint8Array, msg, s64), 'invalid-type']);
    cases.push([`ed25519Verify message: ${what}`, () => ed25519Verify(k32, v as Uint8Array, s64), 'invalid-type']);
    cases.push([`ed25519Verify signature: ${what}`, () => ed25519Verify(k32, msg, v as Uint8Array), 'invalid-type']);
  }
  for (const [what, v] of lengths(32)) {
    cases.push([`ed25519PublicKey seed: ${what}`, () => ed25519PublicKey(v as Uint8Array), 'invalid-length']);
    cases.push([`ed25519Sign seed: ${what}`, () => ed25519Sign(v as Uint8Array, msg), 'invalid-length']);
    cases.push([`ed25519Verify publicKey: ${what}`, () => ed25519Verify(v as Uint8Array, msg, s64), 'invalid-length']);
  }
  for (const [what, v] of lengths(64)) {
    cases.push([`ed25519Verify signature: ${what}`, () => ed25519Verify(k32, msg, v as Uint8Array), 'invalid-length']);
  }
  it.each(cases)('%s', (_, call, code) => {
    expect(call).toThrow(InputError);
    expect(call).toThrow(expect.objectContaining({ code }));
  });
  it('messages name the argument', () => {
    expect(() => ed25519Verify(k32, msg, new Uint8Array(63))).toThrow('"signature" expected 64 bytes, got 63');
  });
});

describe('Ed25519Signer (public key derived once, kept private)', () => {
  it('signs exactly as ed25519Sign(seed, message) and its public key is ed25519PublicKey(seed) (≥ 1,000 cases)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), (seed, message) => {
        const signer = new Ed25519Signer(seed);
        expect(hex(signer.publicKey)).toBe(hex(ed25519PublicKey(seed)));
        expect(hex(signer.sign(message))).toBe(hex(ed25519Sign(seed, message)));
      }),
      { seed: fcSeed, numRuns: 1000 },
    );
  });
  it('copies the seed, hides it, and refuses to sign after destroy()', () => {
    const seed = new Uint8Array(32).fill(7);
    const signer = new Ed25519Signer(seed);
    seed.fill(0);
    expect(ed25519Verify(signer.publicKey, new Uint8Array(3), signer.sign(new Uint8Array(3)))).toBe(true);
    const shown = [String(signer), JSON.stringify(signer), inspect(signer)].join(' ');
    expect(shown).not.toMatch(/7, 7, 7|070707/);
    signer.publicKey.fill(0); // the exposed copy is not the one used for signing
    expect(ed25519Verify(ed25519PublicKey(new Uint8Array(32).fill(7)), new Uint8Array(1), signer.sign(new Uint8Array(1)))).toBe(true);
    signer.destroy();
    expect(() => signer.sign(new Uint8Array(1))).toThrow(/destroyed/);
  });
  it('rejects a seed of the wrong type or length', () => {
    expect(() => new Ed25519Signer(new Uint8Array(31))).toThrow(/"seed" expected 32 bytes, got 31/);
    expect(() => new Ed25519Signer('x' as never)).toThrow(/"seed" expected Uint8Array, got string/);
  });
});
