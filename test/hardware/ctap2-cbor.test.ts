// CTAP2 canonical CBOR (CTAP 2.1 §8) and the request/response parsers: known encodings from
// python-fido2 tests/test_ctap2.py (_INFO, _MC_RESP, _GA_RESP, _AUTH_DATA_MC/GA), then fast-check
// properties (fixed seed, ≥ 1 000 runs) that the decoder, the response parsers and the software
// authenticator's request parser only ever fail with typed CTAP errors.
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  CtapError, CtapStatus, SoftAuthenticator, ctapStatusName, decodeCbor, decodeCborMap, decodeCborPrefix, encodeCbor, parseAuthData, parseClientPin,
  parseGetAssertion, parseGetInfo, parseMakeCredential, type CborMap, type CborValue,
} from '../../src/hardware/index.js';
import { fcSeed, hex, unhex } from '../_util.js';

// python-fido2 tests/test_ctap2.py (commit 2d685d2)
const INFO = 'a60182665532465f5632684649444f5f325f3002826375766d6b686d61632d7365637265740350f8a011f38c0a4d15800617111f9edc7d04a462726bf5627570f564706c6174f469636c69656e7450696ef4051904b0068101';
const AUTH_DATA_GA = '0021F5FC0B85CD22E60623BCD7D1CA48948909249B4776EB515154E57B66AE12010000001D';
const GA_RESP = 'a301a26269645840fe3aac036d14c1e1c65518b698dd1da8f596bc33e11072813466c6bf3845691509b80fb76d59309b8d39e0a93452688f6ca3a39a76f3fc52744fb73948b1578364747970656a7075626c69632d6b65790258250021f5fc0b85cd22e60623bcd7d1ca48948909249b4776eb515154e57b66ae12010000001d035846304402206765cbf6e871d3af7f01ae96f06b13c90f26f54b905c5166a2c791274fc2397102200b143893586cc799fba4da83b119eaea1bd80ac3ce88fcedb3efbd596a1f4f63';
const ATT_CRED_DATA = 'f8a011f38c0a4d15800617111f9edc7d0040fe3aac036d14c1e1c65518b698dd1da8f596bc33e11072813466c6bf3845691509b80fb76d59309b8d39e0a93452688f6ca3a39a76f3fc52744fb73948b15783a5010203262001215820643566c206dd00227005fa5de69320616ca268043a38f08bde2e9dc45a5cafaf225820171353b2932434703726aae579fa6542432861fe591e481ea22d63997e1a5290';

describe('python-fido2 test_ctap2.py encodings', () => {
  it('TestInfo.test_parse_bytes: _INFO decodes, is canonical, and parses', () => {
    const m = decodeCborMap(unhex(INFO));
    expect(hex(encodeCbor(m))).toBe(INFO);
    const info = parseGetInfo(m);
    expect(info.versions).toEqual(['U2F_V2', 'FIDO_2_0']);
    expect(info.extensions).toEqual(['uvm', 'hmac-secret']);
    expect(hex(info.aaguid)).toBe('f8a011f38c0a4d15800617111f9edc7d');
    expect(info.options).toEqual({ rk: true, up: true, plat: false, clientPin: false });
    expect(info.maxMsgSize).toBe(1200);
    expect(info.pinUvAuthProtocols).toEqual([1]);
  });
  it('TestAuthenticatorData: _AUTH_DATA_GA and _AUTH_DATA_MC', () => {
    const ga = parseAuthData(unhex(AUTH_DATA_GA));
    expect(ga.flags).toBe(0x01);
    expect(ga.signCount).toBe(29);
    expect(ga.attestedCredentialData).toBeUndefined();
    const mc = parseAuthData(unhex(AUTH_DATA_GA.slice(0, 64) + '410000001C' + ATT_CRED_DATA));
    expect(mc.flags).toBe(0x41);
    expect(mc.signCount).toBe(28);
    expect(hex(mc.attestedCredentialData!.credentialId)).toMatch(/^fe3aac03/);
    expect(hex(mc.attestedCredentialData!.publicKey)).toMatch(/^a5010203262001215820643566c2/);
  });
  it('TestCtap2.test_get_assertion: _GA_RESP parses', () => {
    const r = parseGetAssertion(decodeCborMap(unhex(GA_RESP)));
    expect(r.credential.type).toBe('public-key');
    expect(hex(r.authData)).toBe(AUTH_DATA_GA.toLowerCase());
    expect(hex(r.signature)).toMatch(/^304402206765cbf6/);
    expect(r.user).toBeUndefined();
  });
});

describe('canonical CBOR', () => {
  it('integer keys first (1, 3, −1, −2, −3), then text keys length-first', () => {
    const m = new Map<number | string, CborValue>([[-3, 1], ['up', true], [3, 1], ['rk', true], [-1, 1], [1, 1], ['abc', 1], [-2, 1]]);
    expect(hex(encodeCbor(m))).toBe('a8' + '0101' + '0301' + '2001' + '2101' + '2201' + '62726bf5' + '627570f5' + '63616263' + '01');
  });
  it('rejects non-canonical, tagged, indefinite, float, duplicate and trailing input with CTAP2_ERR_INVALID_CBOR', () => {
    for (const bad of ['a2020101' + '01', 'a201010101', 'c101', '9f01ff', 'f93c00', '1801', '0101', 'a1181701', '5f41aaff']) {
      expect(() => decodeCbor(unhex(bad)), bad).toThrow(expect.objectContaining({ code: 'CTAP2_ERR_INVALID_CBOR' }));
    }
  });
  it('CTAP 2.1 §8: a map key that is not an integer or text string → CTAP2_ERR_INVALID_CBOR, and cborg never warns', () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      for (const bad of [
        'a1a001', // {{}: 1} — the fuzz campaign's reproducer
        'a1800101', // {[]: 1}
        'a1410001', // {h'00': 1}
        'a1f501', 'a1f601', // {true: 1}, {null: 1}
        'a1f93e0001', // {1.5: 1}
        '8201a1a10102a0', // [1, {{1: 2}: {}}]: nested
        'a10181a14001', // {1: [{h'': 1}]}: nested under an integer key
      ]) {
        expect(() => decodeCbor(unhex(bad)), bad).toThrow(expect.objectContaining({ code: 'CTAP2_ERR_INVALID_CBOR' }));
        expect(() => decodeCborPrefix(unhex(bad + '00')), bad).toThrow(expect.objectContaining({ code: 'CTAP2_ERR_INVALID_CBOR' }));
      }
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    // Integer (including negative) and text keys, at any depth, still decode.
    expect(decodeCbor(unhex('a2012002a1626964f5'))).toEqual(new Map<number | string, CborValue>([[1, -1], [2, new Map([['id', true]])]]));
  });
  it('floats → CTAP2_ERR_INVALID_CBOR, also those that re-encode identically (1.5)', () => {
    for (const bad of ['f93e00', '81f93e00', 'a101f93e00', 'fb3ff8000000000000']) {
      expect(() => decodeCbor(unhex(bad)), bad).toThrow(expect.objectContaining({ code: 'CTAP2_ERR_INVALID_CBOR' }));
    }
  });
  it('every status byte has a name; ranges get their range names', () => {
    expect(ctapStatusName(0x31)).toBe('CTAP2_ERR_PIN_INVALID');
    expect(ctapStatusName(CtapStatus.CTAP2_ERR_KEEPALIVE_CANCEL)).toBe('CTAP2_ERR_KEEPALIVE_CANCEL');
    expect(ctapStatusName(0xe3)).toBe('CTAP2_ERR_EXTENSION_0xE3');
    expect(ctapStatusName(0xf0)).toBe('CTAP2_ERR_VENDOR_0xF0');
    expect(new CtapError(0x36).code).toBe('CTAP2_ERR_PUAT_REQUIRED');
  });
});

// Arbitrary CTAP-shaped values: maps with integer or text keys, no floats, no tags.
const { value: ctapValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
    fc.string({ maxLength: 12 }),
    fc.boolean(),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.uniqueArray(fc.tuple(fc.oneof(fc.integer({ min: -30, max: 300 }), fc.string({ maxLength: 6 })), tie('value')), {
      maxLength: 6, selector: ([k]) => (typeof k === 'number' ? `n${k}` : `s${k}`),
    }).map((entries) => new Map(entries) as CborMap),
  ),
}));

const typedOnly = (e: unknown) => e instanceof CtapError;

describe('properties (fast-check, fixed seed)', () => {
  it('encode → decode → encode is the identity on CTAP-shaped values', () => {
    fc.assert(fc.property(ctapValue, (v) => {
      const bytes = encodeCbor(v);
      return hex(encodeCbor(decodeCbor(bytes))) === hex(bytes);
    }), { seed: fcSeed, numRuns: 1000 });
  });

  it('decodeCbor on random bytes: a canonical value or CTAP2_ERR_INVALID_CBOR, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      try {
        return hex(encodeCbor(decodeCbor(b))) === hex(b);
      } catch (e) {
        return e instanceof CtapError && e.code === 'CTAP2_ERR_INVALID_CBOR';
      }
    }), { seed: fcSeed, numRuns: 2000 });
  });

  it('response parsers (getInfo, makeCredential, getAssertion, clientPIN) fail only with CtapError on random maps', () => {
    const keyed = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 16 }), ctapValue), { maxLength: 8, selector: ([k]) => k })
      .map((e) => new Map(e) as CborMap);
    fc.assert(fc.property(keyed, (m) => {
      for (const parse of [parseGetInfo, parseMakeCredential, parseGetAssertion, parseClientPin]) {
        try { parse(m); } catch (e) { if (!typedOnly(e)) return false; }
      }
      return true;
    }), { seed: fcSeed, numRuns: 1000 });
  });

  it('parseAuthData on random bytes fails only with CtapError', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 30, maxLength: 120 }), fc.integer({ min: 0, max: 255 }), (b, flags) => {
      if (b.length > 32) b[32] = flags;
      try { parseAuthData(b); return true; } catch (e) { return typedOnly(e); }
    }), { seed: fcSeed, numRuns: 1000 });
  });

  it('the software authenticator answers every random request with one status byte (+ CBOR), never throws', async () => {
    const auth = await SoftAuthenticator.create();
    const context = { signal: new AbortController().signal, status: () => {} };
    const fieldValue = fc.oneof(ctapValue, fc.constant(new Uint8Array(32)), fc.constant('keyprint.example'),
      fc.constant(new Map<string, CborValue>([['id', 'x.example']])), fc.constant([new Map<string, CborValue>([['alg', -7], ['type', 'public-key']])]));
    const request = fc.tuple(
      fc.constantFrom(0x01, 0x02, 0x04, 0x06, 0x07, 0x08, 0x0b, 0x42),
      fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 10 }), fieldValue), { maxLength: 8, selector: ([k]) => k }),
    );
    await fc.assert(fc.asyncProperty(request, async ([cmd, entries]) => {
      const body = encodeCbor(new Map(entries));
      const out = await auth.handleCbor(new Uint8Array([cmd, ...body]), context);
      if (out.length === 0) return false;
      if (out[0] !== 0) return out.length === 1 && out[0] !== 0x7f; // never CTAP1_ERR_OTHER (an internal error)
      if (out.length > 1) decodeCborMap(out.subarray(1));
      return true;
    }), { seed: fcSeed, numRuns: 1000 });
  });
});
