// Card payload (src/card/payload.ts): round trips, strict decoding, the text form, verdict
// signatures, and a fast-check fuzz of the decoder (fixed seed, random bytes and mutations of a
// valid payload: it returns a payload that re-encodes to the same bytes, or throws a typed error).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encode } from 'cborg';
import { fcSeed } from '../_util.js';
import { IdentityKeyPair, encodeBundle, signBundle } from '../../src/identity/index.js';
import {
  CARD_TEXT_PREFIX, CardError, MAX_CARD_PAYLOAD_BYTES, decodeCardPayload, encodeCardPayload, payloadFromText, payloadToText,
  signVerdict, verifyVerdict, verdictSigningInput, cardFingerprint, type AttestationVerdict,
} from '../../src/card/node.js';
import { InputError, KeyprintError } from '../../src/errors.js';

const id = IdentityKeyPair.fromSecretKey(new Uint8Array(32).fill(7));
const other = IdentityKeyPair.fromSecretKey(new Uint8Array(32).fill(9));
const bundle = encodeBundle(signBundle({ displayName: 'Ada', identityPublicKey: id.publicKey, createdAt: 1_700_000_000_000, binding: null }, id));
const verdict: AttestationVerdict = {
  trust: 'hardware-attested', fmt: 'packed', aaguid: new Uint8Array(16).fill(1), attestationHash: new Uint8Array(32).fill(2), checkedAt: 1_700_000_001_000,
  vendor: 'Yubico', model: 'YubiKey 5 NFC',
};
const full = encodeCardPayload({ version: 1, bundle });
const compact = encodeCardPayload({ version: 1, bundle, verdict, verdictSignature: signVerdict(bundle, verdict, id) });

const code = (f: () => unknown): string => {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof KeyprintError) return e.code;
    throw e;
  }
};

describe('encode/decode', () => {
  it('round-trips the full and the compact form', () => {
    expect(decodeCardPayload(full)).toEqual({ version: 1, bundle });
    const d = decodeCardPayload(compact);
    expect(d.verdict).toEqual(verdict);
    expect(encodeCardPayload(d)).toEqual(compact);
  });

  it('is deterministic CBOR with keys 0..3', () => {
    expect(full[0]).toBe(0xa2); // map(2)
    expect(compact[0]).toBe(0xa4); // map(4)
    expect(encodeCardPayload({ version: 1, bundle })).toEqual(full);
  });

  it('refuses non-canonical encodings, unknown keys, wrong versions and half a verdict', () => {
    const m = (entries: Array<[unknown, unknown]>) => encode(new Map(entries));
    expect(code(() => decodeCardPayload(m([[0, 2], [1, bundle]])))).toBe('payload-version');
    expect(code(() => decodeCardPayload(m([[0, 1], [1, bundle], [9, 0]])))).toBe('payload-malformed');
    expect(code(() => decodeCardPayload(m([[0, 1], [1, bundle], [2, new Map()]])))).toBe('payload-malformed');
    expect(code(() => decodeCardPayload(m([[0, 1]])))).toBe('payload-malformed');
    expect(code(() => decodeCardPayload(Uint8Array.from([...full, 0])))).toBe('payload-malformed');
    // Unsorted keys: {1: bundle, 0: 1}.
    const unsorted = Uint8Array.from([0xa2, 0x01, ...full.subarray(3), 0x00, 0x01]);
    expect(code(() => decodeCardPayload(unsorted))).toBe('payload-malformed');
    // A longer-than-needed integer for the version.
    expect(code(() => decodeCardPayload(Uint8Array.from([0xa2, 0x00, 0x18, 0x01, ...full.subarray(3)])))).toBe('payload-malformed');
    expect(code(() => decodeCardPayload(new Uint8Array(MAX_CARD_PAYLOAD_BYTES + 1)))).toBe('payload-too-large');
  });

  it('checks verdict fields both ways', () => {
    expect(code(() => encodeCardPayload({ version: 1, bundle, verdict }))).toBe('invalid-value');
    expect(code(() => encodeCardPayload({ version: 1, bundle, verdict: { ...verdict, trust: 'great' as never }, verdictSignature: new Uint8Array(64) }))).toBe('invalid-value');
    expect(code(() => encodeCardPayload({ version: 1, bundle, verdict: { ...verdict, trust: 'self-attested' }, verdictSignature: new Uint8Array(64) }))).toBe('invalid-value');
    expect(code(() => encodeCardPayload({ version: 1, bundle, verdict: { ...verdict, aaguid: new Uint8Array(15) }, verdictSignature: new Uint8Array(64) }))).toBe('invalid-value');
    expect(code(() => encodeCardPayload({ version: 1, bundle, verdict: { ...verdict, model: 'a\nb' }, verdictSignature: new Uint8Array(64) }))).toBe('invalid-value');
    expect(code(() => encodeCardPayload({ version: 2 as 1, bundle }))).toBe('invalid-value');
    expect(code(() => encodeCardPayload(null as never))).toBe('invalid-value');
    expect(code(() => decodeCardPayload('x' as never))).toBe('invalid-type');
  });
});

describe('verdict signature', () => {
  const sig = signVerdict(bundle, verdict, id);
  it('verifies under the identity key only, for this bundle and verdict only', () => {
    expect(verifyVerdict(id.publicKey, bundle, verdict, sig)).toBe(true);
    expect(verifyVerdict(other.publicKey, bundle, verdict, sig)).toBe(false);
    expect(verifyVerdict(id.publicKey, Uint8Array.from([...bundle.subarray(0, -1), bundle[bundle.length - 1] ^ 1]), verdict, sig)).toBe(false);
    expect(verifyVerdict(id.publicKey, bundle, { ...verdict, trust: 'hardware-attested', model: 'YubiKey Bio' }, sig)).toBe(false);
    expect(verifyVerdict(id.publicKey, bundle, verdict, sig.subarray(1))).toBe(false);
  });
  it('signing input = u16be(24) ‖ domain ‖ SHA-256(bundle) ‖ CBOR(verdict)', () => {
    const input = verdictSigningInput(bundle, verdict);
    expect([input[0], input[1]]).toEqual([0, 24]);
    expect(new TextDecoder().decode(input.subarray(2, 26))).toBe('keyprint-card-verdict-v1');
  });
});

describe('text form', () => {
  it('round-trips and refuses other text', () => {
    const t = payloadToText(compact);
    expect(t.startsWith(CARD_TEXT_PREFIX)).toBe(true);
    expect(payloadFromText(`  ${t}\n`)).toEqual(compact);
    expect(code(() => payloadFromText('kpcard2:AAAA'))).toBe('payload-text');
    expect(code(() => payloadFromText('kpcard1:AA=A'))).toBe('payload-text');
    expect(code(() => payloadFromText('kpcard1:A'))).toBe('payload-text');
  });
});

describe('fuzz (fast-check, fixed seed)', () => {
  const accept = (bytes: Uint8Array) => {
    try {
      const p = decodeCardPayload(bytes);
      expect(encodeCardPayload(p)).toEqual(bytes); // only the canonical encoding is accepted
    } catch (e) {
      if (!(e instanceof CardError || e instanceof InputError)) throw e;
    }
  };
  it('random bytes: a payload or a typed error (2,000 runs)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => accept(b)), { seed: fcSeed, numRuns: 2000 });
  });
  it('mutations of a valid compact payload (3,000 runs)', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat({ max: compact.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.nat({ max: 8 }),
      (flips, cut) => {
        const b = compact.slice(0, compact.length - cut);
        for (const [i, x] of flips) if (i < b.length) b[i] ^= x;
        accept(b);
      },
    ), { seed: fcSeed, numRuns: 3000 });
  });
  it('random well-typed verdicts round-trip (1,000 runs)', () => {
    const trust = fc.constantFrom('attested-unknown-vendor', 'self-attested', 'unattested') as fc.Arbitrary<AttestationVerdict['trust']>;
    fc.assert(fc.property(trust, fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(), fc.stringMatching(/^[a-z-]{1,16}$/),
      (t, aaguid, attestationHash, checkedAt, fmt) => {
        const v: AttestationVerdict = { trust: t, fmt, aaguid, attestationHash, checkedAt };
        const bytes = encodeCardPayload({ version: 1, bundle, verdict: v, verdictSignature: new Uint8Array(64) });
        expect(decodeCardPayload(bytes).verdict).toEqual(v);
      }), { seed: fcSeed, numRuns: 1000 });
  });
});

describe('recorded vector (docs/PROTOCOL.md, "Card payload")', () => {
  it('Alice (seed 11 × 32, createdAt 1767225600000, passphrase-only): full and compact payloads', async () => {
    const { createHash } = await import('node:crypto');
    const h = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    const alice = IdentityKeyPair.fromSecretKey(new Uint8Array(32).fill(0x11));
    const b = encodeBundle(signBundle({ displayName: 'Alice', identityPublicKey: alice.publicKey, createdAt: 1767225600000, binding: null }, alice));
    const fullA = encodeCardPayload({ version: 1, bundle: b });
    expect(fullA.length).toBe(130);
    expect(h(fullA)).toBe('9b62bd040f5c98932838f10a093df9e5f482e798b776dadcbad84661fab1c387');
    expect(payloadToText(fullA).startsWith('kpcard1:ogABAVh8pgABAWVBbGljZQJYINBKsjJ0')).toBe(true);
    const v: AttestationVerdict = { trust: 'attested-unknown-vendor', fmt: 'packed', aaguid: new Uint8Array(16).fill(1), attestationHash: new Uint8Array(32).fill(0xaa), checkedAt: 1767225600000 };
    const compactA = encodeCardPayload({ version: 1, bundle: b, verdict: v, verdictSignature: signVerdict(b, v, alice) });
    expect(compactA.length).toBe(272);
    expect(h(compactA)).toBe('23391d6a72d6157de4ed3574253d70ee4f1131513ca11644a664de33a19ec5b9');
    expect(cardFingerprint(alice.publicKey).digits).toBe('229445818245104574013954614451');
    expect(cardFingerprint(alice.publicKey).words.slice(0, 3)).toEqual(['playhouse', 'upcoming', 'tactics']);
  });
});

describe('constants shared with other modules', () => {
  it('EMULATOR_AAGUID is the software authenticator\'s AAGUID; the default registration clientDataJSON is enroll.ts\'s', async () => {
    const { KEYPRINT_AAGUID } = await import('../../src/hardware/index.js');
    const { EMULATOR_AAGUID, defaultRegistrationClientData } = await import('../../src/card/node.js');
    const { registrationClientData, KEYPRINT_RP_ID } = await import('../../src/enroll/index.js');
    const { bindingChallenge } = await import('../../src/identity/index.js');
    expect(EMULATOR_AAGUID.replace(/-/g, '')).toBe(Buffer.from(KEYPRINT_AAGUID).toString('hex'));
    const b = { ...signBundle({ displayName: 'Ada', identityPublicKey: id.publicKey, createdAt: 5, binding: null }, id) };
    const withRp = { ...b, binding: { rpId: KEYPRINT_RP_ID } } as never;
    expect(defaultRegistrationClientData(withRp)).toEqual(registrationClientData(bindingChallenge(b)));
  });
});
