// The one COSE_Key codec for P-256 (src/core/cose-key.ts, through p256.ts): the byte form of ES256
// credential keys (RFC 9053 §7.1.1 / §2.1; WebAuthn attested credential data) and the map form of CTAP
// 2.1 §6.5.6 key-agreement keys (alg -25) share one shape check and one point validation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COSE_ALG_ECDH_ES_HKDF_256, COSE_ALG_ES256, CryptoError, InputError, p256PublicKey, p256PublicKeyFromCose, p256PublicKeyFromCoseMap,
  p256PublicKeyToCose, p256PublicKeyToCoseMap,
} from '../../src/core/index.js';
import { fcSeed, hex } from '../_util.js';

const RUNS = { seed: fcSeed, numRuns: 200 };
const secretKeyArb = fc.bigInt({ min: 1n, max: 2n ** 255n }).map((d) => Uint8Array.from(d.toString(16).padStart(64, '0').match(/../g)!, (h) => parseInt(h, 16)));
const code = (f: () => unknown) => { try { f(); } catch (e) { return `${(e as Error).name}:${(e as CryptoError).code}`; } return 'ok'; };

describe('COSE_Key P-256 — map form (CTAP 2.1 §6.5.6) and byte form (WebAuthn ES256), one codec', () => {
  it('property: map and bytes round-trip for both algs; the byte form is the map in CTAP2 canonical order', () => {
    fc.assert(fc.property(secretKeyArb, fc.boolean(), (d, compressed) => {
      const u = p256PublicKey(d);
      for (const alg of [COSE_ALG_ES256, COSE_ALG_ECDH_ES_HKDF_256] as const) {
        const m = p256PublicKeyToCoseMap(p256PublicKey(d, { compressed }), alg);
        expect([...m.entries()]).toEqual([[1, 2], [3, alg], [-1, 1], [-2, u.slice(1, 33)], [-3, u.slice(33)]]);
        expect(hex(p256PublicKeyFromCoseMap(m, alg))).toBe(hex(u));
      }
      expect(hex(p256PublicKeyFromCose(p256PublicKeyToCose(u)))).toBe(hex(u));
    }), RUNS);
  });

  it('the alg must be the one expected: an ES256 key is not a key-agreement key, nor the reverse', () => {
    const u = p256PublicKey(new Uint8Array(32).fill(7));
    expect(code(() => p256PublicKeyFromCoseMap(p256PublicKeyToCoseMap(u, COSE_ALG_ES256), COSE_ALG_ECDH_ES_HKDF_256))).toBe('CryptoError:invalid-encoding');
    expect(code(() => p256PublicKeyFromCoseMap(p256PublicKeyToCoseMap(u, COSE_ALG_ECDH_ES_HKDF_256), COSE_ALG_ES256))).toBe('CryptoError:invalid-encoding');
    expect(code(() => p256PublicKeyFromCoseMap(p256PublicKeyToCoseMap(u, COSE_ALG_ES256), -8 as never))).toBe('InputError:invalid-value');
  });

  it('map form: wrong shapes are invalid-encoding, an off-curve point invalid-public-key', () => {
    const u = p256PublicKey(new Uint8Array(32).fill(7));
    const good = () => new Map<number, unknown>(p256PublicKeyToCoseMap(u, COSE_ALG_ECDH_ES_HKDF_256));
    const alg = COSE_ALG_ECDH_ES_HKDF_256;
    const bad: Array<[string, unknown]> = [
      ['not a map', [1, 2]],
      ['string keys', new Map([['1', 2]])],
      ['kty OKP', new Map([...good(), [1, 1]])],
      ['crv P-384', new Map([...good(), [-1, 2]])],
      ['x of 33 bytes', new Map([...good(), [-2, new Uint8Array(33)]])],
      ['y a number', new Map([...good(), [-3, 5]])],
      ['6 entries', new Map([...good(), [2, new Uint8Array(1)]])],
      ['4 entries', new Map([...good()].filter(([k]) => k !== -3))],
    ];
    for (const [what, value] of bad) expect(code(() => p256PublicKeyFromCoseMap(value, alg)), what).toBe('CryptoError:invalid-encoding');
    const y = (good().get(-3) as Uint8Array).slice();
    y[31] ^= 1;
    expect(code(() => p256PublicKeyFromCoseMap(new Map([...good(), [-3, y]]), alg))).toBe('CryptoError:invalid-public-key');
  });

  it('garbage public keys for the map encoder are InputErrors; an off-curve point is invalid-public-key', () => {
    for (const v of [undefined, 'abc', new Uint8Array(64), new Uint8Array(66)]) {
      expect(() => p256PublicKeyToCoseMap(v as Uint8Array, COSE_ALG_ES256)).toThrow(InputError);
    }
    const offCurve = new Uint8Array(65).fill(1);
    offCurve[0] = 4;
    expect(code(() => p256PublicKeyToCoseMap(offCurve, COSE_ALG_ECDH_ES_HKDF_256))).toBe('CryptoError:invalid-public-key');
  });
});
