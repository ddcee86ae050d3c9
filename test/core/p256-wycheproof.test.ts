// Wycheproof (C2SP/wycheproof testvectors_v1) for P-256: ECDH with raw SEC 1 points and with SPKI
// public keys, and ECDSA-SHA-256 verification with IEEE P1363 (r ‖ s) signatures. Every group and
// every test runs; valid / acceptable / invalid are handled explicitly and deviations are pinned.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { p256Ecdh, p256Verify, p256PublicKeyFromSpki, CryptoError, InputError } from '../../src/core/index.js';
import { hex, unhex, wycheproof } from '../_util.js';

/** Wycheproof private keys are signed big-endian integers (a 00 pad, or fewer bytes): 32 bytes here. */
const secret32 = (h: string) => unhex(BigInt('0x' + h).toString(16).padStart(64, '0'));

type Outcome = { shared: string } | { error: unknown };
function run(fn: () => Uint8Array): Outcome {
  try { return { shared: hex(fn()) }; } catch (error) { return { error }; }
}
/** Rejections must be typed errors from the library, never a crash. */
function expectTypedRejection(o: Outcome, ctx: string) {
  expect('error' in o, `${ctx}: expected a rejection`).toBe(true);
  const e = (o as { error: unknown }).error;
  expect(e instanceof CryptoError || e instanceof InputError, `${ctx}: ${String(e)}`).toBe(true);
}

function ecdhSuite(name: string, decode: (pub: string) => Uint8Array, pinned: Record<string, number>) {
  it(`wycheproof ${name}`, () => {
    const file = wycheproof(name);
    const tally = { valid: 0, acceptableAccepted: 0, acceptableRejected: 0, invalid: 0 } as Record<string, number>;
    const deviations: Record<string, number> = {};
    let total = 0;
    for (const group of file.testGroups) {
      expect(group.curve).toBe('secp256r1');
      for (const t of group.tests) {
        total++;
        const ctx = `tcId ${t.tcId} (${t.comment}; ${t.flags.join(',')})`;
        const o = run(() => p256Ecdh(secret32(t.private), decode(t.public)));
        switch (t.result) {
          case 'valid':
            expect('shared' in o ? o.shared : String((o as { error: unknown }).error), ctx).toBe(t.shared);
            tally.valid++;
            break;
          case 'acceptable':
            if ('shared' in o) {
              expect(o.shared, ctx).toBe(t.shared);
              tally.acceptableAccepted++;
            } else {
              expectTypedRejection(o, ctx);
              tally.acceptableRejected++;
              const key = t.flags.join(',');
              deviations[key] = (deviations[key] ?? 0) + 1;
            }
            break;
          case 'invalid':
            expectTypedRejection(o, ctx);
            tally.invalid++;
            break;
          default:
            throw new Error(`${ctx}: unknown result ${String(t.result)}`);
        }
      }
    }
    expect(total).toBe(file.numberOfTests);
    // Acceptable cases we reject on purpose (strict DER, named curves only): pinned so they cannot grow.
    expect(deviations).toEqual(pinned);
    expect(tally.valid + tally.acceptableAccepted + tally.acceptableRejected + tally.invalid).toBe(total);
  });
}

describe('P-256 ECDH', () => {
  // Raw points: the one acceptable case is a compressed public key, which we accept.
  ecdhSuite('ecdh_secp256r1_ecpoint_test', unhex, {});
  // SPKI: we reject BER/odd-DER encodings (InvalidAsn) and explicit curve parameters (UnnamedCurve,
  // RFC 5480 §2.1.1 "MUST" use namedCurve); both are "acceptable" to reject.
  ecdhSuite('ecdh_secp256r1_test', (pub) => p256PublicKeyFromSpki(unhex(pub)), {
    'InvalidAsn': 222,
    'WrongOrder,UnusedParam,UnnamedCurve': 2,
    'ModifiedGenerator,UnusedParam,UnnamedCurve': 2,
    'ModifiedCofactor,UnusedParam,UnnamedCurve': 1,
    'NoCofactor,UnusedParam,UnnamedCurve': 1,
    'ModifiedCurveParameter,UnusedParam,UnnamedCurve': 1,
  });
});

describe('P-256 ECDSA', () => {
  it('wycheproof ecdsa_secp256r1_sha256_p1363_test', () => {
    const file = wycheproof('ecdsa_secp256r1_sha256_p1363_test');
    let total = 0, valid = 0, invalidFalse = 0, invalidThrown = 0;
    for (const group of file.testGroups) {
      expect(group.sha).toBe('SHA-256');
      const pub = unhex(group.publicKey.uncompressed);
      for (const t of group.tests) {
        total++;
        const ctx = `tcId ${t.tcId} (${t.comment}; ${t.flags.join(',')})`;
        const h = new Uint8Array(createHash('sha256').update(unhex(t.msg)).digest());
        const sig = unhex(t.sig);
        let result: boolean | undefined, error: unknown;
        try { result = p256Verify(pub, h, sig); } catch (e) { error = e; }
        switch (t.result) {
          case 'valid':
            expect(result, `${ctx} ${String(error)}`).toBe(true);
            valid++;
            break;
          case 'invalid':
            if (error === undefined) { expect(result, ctx).toBe(false); invalidFalse++; }
            else {
              // Only signatures that are neither 64 bytes nor DER may throw (malformed input).
              expect(sig.length, ctx).not.toBe(64);
              expect((error as CryptoError).code, ctx).toBe('invalid-encoding');
              invalidThrown++;
            }
            break;
          default:
            throw new Error(`${ctx}: unexpected result ${String(t.result)}`);
        }
      }
    }
    expect(total).toBe(file.numberOfTests);
    expect({ valid, invalidFalse, invalidThrown }).toEqual({ valid: 173, invalidFalse: 68, invalidThrown: 21 });
  });
});
