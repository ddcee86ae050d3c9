// Safety numbers (Signal numeric fingerprint): libsignal's vectors, keyprint's recorded identity
// vector, a node:crypto reference for random inputs, and the properties of the combined forms.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  fingerprintDigits, safetyNumber, scannableFingerprint, compareScannable, fingerprintWords, keyprintParty, type FingerprintParty,
} from '../../src/sas/index.js';
import { combinedFingerprints } from '../../src/sas/safety-number.js';
import { hex, unhex, utf8, vectorJson } from '../_util.js';
import { runs } from './_bits.js';

const signal = vectorJson('sas/signal-fingerprint-vectors.json');
const alice: FingerprintParty = { publicKey: unhex(signal.inputs.alice.identityKeyHex), stableId: utf8(signal.inputs.alice.stableId) };
const bob: FingerprintParty = { publicKey: unhex(signal.inputs.bob.identityKeyHex), stableId: utf8(signal.inputs.bob.stableId) };
const { even, odd } = vectorJson<{ even: string[]; odd: string[] }>('sas/pgp-words.json');

/** libsignal's get_fingerprint written out over node:crypto, one SHA-512 call per round. */
function referenceHash(key: Uint8Array, id: Uint8Array, iterations: number): Buffer {
  let h = createHash('sha512').update(Uint8Array.of(0, 0)).update(key).update(id).update(key).digest();
  for (let i = 1; i < iterations; i++) h = createHash('sha512').update(h).update(key).digest();
  return h;
}
/** libsignal's get_encoded_string, with BigInt so it shares no arithmetic with the implementation. */
function referenceDigits(h: Uint8Array): string {
  let out = '';
  for (let off = 0; off < 30; off += 5) out += (BigInt('0x' + hex(h.subarray(off, off + 5))) % 100000n).toString().padStart(5, '0');
  return out;
}

describe('libsignal NumericFingerprintGeneratorTest', () => {
  for (const v of signal.vectors) {
    it(`fingerprint_test_v${v.version}: displayable, both sides`, () => {
      expect(safetyNumber(alice, bob)).toBe(v.displayable);
      expect(safetyNumber(bob, alice)).toBe(v.displayable);
      expect(safetyNumber(alice, bob, { iterations: signal.inputs.iterations })).toBe(v.displayable);
    });

    it(`fingerprint_test_v${v.version}: scannable, both sides`, () => {
      expect(hex(scannableFingerprint(alice, bob, { version: v.version }))).toBe(v.aliceScannableHex);
      expect(hex(scannableFingerprint(bob, alice, { version: v.version }))).toBe(v.bobScannableHex);
    });
  }

  it('per-side 30 digits (derived in the vector file, and the two halves of the published string)', () => {
    expect(fingerprintDigits(alice.publicKey, alice.stableId)).toBe(signal.derived.aliceDisplay30);
    expect(fingerprintDigits(bob.publicKey, bob.stableId)).toBe(signal.derived.bobDisplay30);
    expect(signal.derived.aliceDisplay30 + signal.derived.bobDisplay30).toBe(signal.vectors[0].displayable);
  });

  it('node:crypto reference reproduces the derived 64-byte hashes (the reference is checked too)', () => {
    expect(hex(referenceHash(alice.publicKey, alice.stableId, 5200))).toBe(signal.derived.aliceFingerprint64Hex);
    expect(hex(referenceHash(bob.publicKey, bob.stableId, 5200))).toBe(signal.derived.bobFingerprint64Hex);
  });

  it('fingerprint_mismatching_identifiers: an extra digit in one stable id changes the number', () => {
    const wrong = { ...alice, stableId: utf8('+141512222222') };
    expect(safetyNumber(wrong, bob)).not.toBe(safetyNumber(alice, bob));
    expect(hex(scannableFingerprint(wrong, bob, { version: 2 }))).not.toBe(hex(scannableFingerprint(alice, bob, { version: 2 })));
  });

  it('fingerprint_mismatching_fingerprints: a MITM key on one side changes the number', () => {
    const mitm = { ...bob, publicKey: Uint8Array.from(bob.publicKey, (x, i) => (i === 32 ? x ^ 1 : x)) };
    expect(safetyNumber(alice, mitm)).not.toBe(safetyNumber(alice, bob));
  });

  it('fingerprint_mismatching_versions: same display string, different scannable bytes', () => {
    expect(signal.vectors[0].displayable).toBe(signal.vectors[1].displayable);
    expect(hex(scannableFingerprint(alice, bob, { version: 1 }))).not.toBe(hex(scannableFingerprint(alice, bob, { version: 2 })));
  });

  it('compare: Alice\'s and Bob\'s scannable forms match each other (published bytes)', () => {
    for (const v of signal.vectors) {
      expect(compareScannable(unhex(v.aliceScannableHex), unhex(v.bobScannableHex))).toBe(true);
      expect(compareScannable(unhex(v.bobScannableHex), unhex(v.aliceScannableHex))).toBe(true);
    }
  });

  it('fingerprint_matching_identifiers: compare() against one\'s own serialization is false', () => {
    const mine = scannableFingerprint(alice, bob, { version: 2 });
    expect(compareScannable(mine, mine)).toBe(false);
  });

  it('fingerprint_mismatching_identifiers / _fingerprints: compare() is false both ways', () => {
    const wrongId = scannableFingerprint({ ...alice, stableId: utf8('+141512222222') }, bob, { version: 2 });
    const mitm = { ...bob, publicKey: Uint8Array.from(bob.publicKey, (x, i) => (i === 32 ? x ^ 1 : x)) };
    const bobs = scannableFingerprint(bob, alice, { version: 2 });
    expect(compareScannable(wrongId, bobs)).toBe(false);
    expect(compareScannable(bobs, wrongId)).toBe(false);
    expect(compareScannable(scannableFingerprint(alice, mitm, { version: 2 }), bobs)).toBe(false);
    expect(compareScannable(bobs, scannableFingerprint(alice, mitm, { version: 2 }))).toBe(false);
  });

  it('fingerprint_mismatching_versions: compare() of v1 against v2 is an error, not a match or a mismatch', () => {
    expect(() => compareScannable(unhex(signal.vectors[0].aliceScannableHex), unhex(signal.vectors[1].bobScannableHex))).toThrow(/version 1, got 2/);
  });

  it('fingerprint_encodings: ScannableFingerprint::new(2, [0x12; 32], [0xBA; 32]).serialize()', () => {
    const bytes = combinedFingerprints(2, new Uint8Array(32).fill(0x12), new Uint8Array(32).fill(0xba));
    expect(hex(bytes)).toBe(signal.encodingTest.expectedHex);
  });
});

describe('keyprint identity fingerprint (docs/PROTOCOL.md recorded vector)', () => {
  // RFC 8032 §7.1 TEST 1 and TEST 2 public keys; their did:key strings (multicodec 0xed 0x01, base58btc).
  const key1 = unhex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  const key2 = unhex('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c');
  const did1 = 'did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw';
  const did2 = 'did:key:z6MkiaMbhXHNA4eJVCCj8dbzKzTgYDKf6crKgHVHid1F1WCT';

  it('the did:key strings are the base58btc multicodec encodings of the keys', () => {
    const base58 = (b: Uint8Array) => {
      const A = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
      let n = BigInt('0x' + hex(b)), s = '';
      while (n > 0n) { s = A[Number(n % 58n)] + s; n /= 58n; }
      return s;
    };
    expect(`did:key:z${base58(Uint8Array.of(0xed, 0x01, ...key1))}`).toBe(did1);
    expect(`did:key:z${base58(Uint8Array.of(0xed, 0x01, ...key2))}`).toBe(did2);
  });

  it('keyprintParty: publicKey = 0xed ‖ key, stableId = UTF-8 of the did:key string', () => {
    const p = keyprintParty(key1, did1);
    expect(hex(p.publicKey)).toBe('ed' + hex(key1));
    expect(p.stableId).toEqual(utf8(did1));
  });

  it('recorded: digits, words and the safety number of TEST 1 and TEST 2', () => {
    const p1 = keyprintParty(key1, did1), p2 = keyprintParty(key2, did2);
    expect(fingerprintDigits(p1.publicKey, p1.stableId)).toBe('494664989645055479928911873023');
    expect(fingerprintDigits(p2.publicKey, p2.stableId)).toBe('089050335602007716431357655913');
    expect(fingerprintWords(p1.publicKey, p1.stableId).join(' ')).toBe(
      'reward travesty blowtorch intention pupil recipe reform recipe Trojan cellulose crusade photograph spearhead');
    expect(safetyNumber(p1, p2)).toBe('089050335602007716431357655913494664989645055479928911873023');
    // The same numbers from the node:crypto reference, so the recorded strings are not just echoes.
    expect(referenceDigits(referenceHash(p1.publicKey, p1.stableId, 5200))).toBe('494664989645055479928911873023');
  });
});

const party = fc.record({ publicKey: fc.uint8Array({ minLength: 1, maxLength: 65 }), stableId: fc.uint8Array({ minLength: 1, maxLength: 48 }) });

describe('safety number properties', () => {
  it('property: fingerprintDigits equals the node:crypto reference (random keys, ids, 1–64 rounds)', () => {
    fc.assert(
      fc.property(party, fc.integer({ min: 1, max: 64 }), ({ publicKey, stableId }, iterations) => {
        const digits = fingerprintDigits(publicKey, stableId, { iterations });
        expect(digits).toMatch(/^\d{30}$/);
        expect(digits).toBe(referenceDigits(referenceHash(publicKey, stableId, iterations)));
      }),
      runs(),
    );
  });

  it('property: fingerprintWords = the first 13 bytes of the same hash as PGP words', () => {
    fc.assert(
      fc.property(party, fc.integer({ min: 1, max: 16 }), ({ publicKey, stableId }, iterations) => {
        const h = referenceHash(publicKey, stableId, iterations);
        expect(fingerprintWords(publicKey, stableId, { iterations })).toEqual([...h.subarray(0, 13)].map((b, i) => (i % 2 ? odd : even)[b]));
      }),
      runs(),
    );
  });

  it('property: 60 digits, the same from both sides, smaller half first, deterministic', () => {
    fc.assert(
      fc.property(party, party, (a, b) => {
        const opts = { iterations: 3 };
        const n = safetyNumber(a, b, opts);
        expect(n).toMatch(/^\d{60}$/);
        expect(safetyNumber(b, a, opts)).toBe(n);
        const [x, y] = [fingerprintDigits(a.publicKey, a.stableId, opts), fingerprintDigits(b.publicKey, b.stableId, opts)].sort();
        expect(n).toBe(x + y);
        expect(safetyNumber(a, b, opts)).toBe(n);
      }),
      runs(),
    );
  });

  it('property: scannable bytes hold local then remote; the two sides are mirror images', () => {
    fc.assert(
      fc.property(party, party, fc.integer({ min: 1, max: 300 }), (a, b, version) => {
        const opts = { version, iterations: 2 };
        const mine = scannableFingerprint(a, b, opts), theirs = scannableFingerprint(b, a, opts);
        const v = version < 128 ? [version] : [(version & 0x7f) | 0x80, version >> 7];
        const ha = referenceHash(a.publicKey, a.stableId, 2).subarray(0, 32), hb = referenceHash(b.publicKey, b.stableId, 2).subarray(0, 32);
        expect(hex(mine)).toBe(hex(Uint8Array.of(0x08, ...v, 0x12, 0x22, 0x0a, 0x20, ...ha, 0x1a, 0x22, 0x0a, 0x20, ...hb)));
        expect(hex(theirs)).toBe(hex(Uint8Array.of(0x08, ...v, 0x12, 0x22, 0x0a, 0x20, ...hb, 0x1a, 0x22, 0x0a, 0x20, ...ha)));
      }),
      runs(),
    );
  });

  it('property: compareScannable is true for the two sides of one pair, false once any byte of either differs', () => {
    fc.assert(
      fc.property(party, party, fc.integer({ min: 1, max: 0xffffffff }), fc.nat(), (a, b, version, n) => {
        const opts = { version, iterations: 1 };
        const mine = scannableFingerprint(a, b, opts), theirs = scannableFingerprint(b, a, opts);
        expect(compareScannable(mine, theirs)).toBe(true);
        // Flip one bit inside either 32-byte content of their bytes.
        const bad = theirs.slice();
        // Contents: bytes [len−72+4, len−40) and [len−36, len); k < 32 picks the first, else the second.
        const k = n % 64;
        const at = theirs.length - 72 + 4 + (k < 32 ? k : k + 4);
        bad[at] ^= 1 << (n & 7);
        expect(compareScannable(mine, bad)).toBe(false);
      }),
      runs(),
    );
  });

  it('property: any single-bit change in a key or id changes that party\'s digits', () => {
    fc.assert(
      fc.property(
        party.chain((p) => fc.tuple(fc.constant(p), fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 8 }))),
        ([p, inKey, n, iterations]) => {
          const field = inKey ? p.publicKey : p.stableId;
          const flipped = field.slice();
          flipped[(n >> 3) % field.length] ^= 1 << (n & 7);
          const q = inKey ? { ...p, publicKey: flipped } : { ...p, stableId: flipped };
          expect(fingerprintDigits(q.publicKey, q.stableId, { iterations })).not.toBe(fingerprintDigits(p.publicKey, p.stableId, { iterations }));
        },
      ),
      runs(),
    );
  });

  it('the iteration count matters: 5199 and 5201 rounds give other digits than 5200', () => {
    const d = fingerprintDigits(alice.publicKey, alice.stableId);
    expect(fingerprintDigits(alice.publicKey, alice.stableId, { iterations: 5199 })).not.toBe(d);
    expect(fingerprintDigits(alice.publicKey, alice.stableId, { iterations: 5201 })).not.toBe(d);
  });

  it('boundary: key and id moved between fields give other digits (the id is bound to the key)', () => {
    // 0x0000 ‖ key ‖ id ‖ key: shifting a byte from the end of the key to the start of the id
    // changes the trailing key copy and every round's suffix.
    const a = fingerprintDigits(Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5));
    const b = fingerprintDigits(Uint8Array.of(1, 2), Uint8Array.of(3, 4, 5));
    expect(a).not.toBe(b);
  });
});
