// X.509 parsing and RFC 5280 §6.1 path validation (src/identity/x509.ts), against Yubico's published
// PKI (test/vectors/webauthn/yubico-roots, developers.yubico.com/PKI), the real attestation
// certificates in test/vectors/webauthn/real-attestations.json, and chains built with node:crypto.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { X509Certificate as NodeX509, constants, createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { decode } from 'cborg';
import { fcSeed, vectorJson, vectorText } from '../_util.js';
import { CertificateError, parseCertificate, validatePath, type TrustAnchor } from '../../src/identity/x509.js';
import { pemCertificates, toBytes } from '../../src/identity/_bytes.js';
import { bundledIntermediates, defaultTrustAnchors } from '../../src/identity/trust-anchors.js';
import { CryptoError, KeyprintError } from '../../src/errors.js';
import { verifySignature } from '../../src/identity/_signature.js';
import { p256SignatureFromDer } from '../../src/core/index.js';
import { ecKey, makeCert, KeyUsageFlags, type CertSpec } from './fixtures/make-attestation.js';
import { generateAttestation } from '../../src/hardware/authenticator/attestation.js';
import { identityCertificate } from '../../src/identity/identity-certificate.js';
import { signBundle } from '../../src/identity/bundle.js';
import { IdentityKeyPair } from '../../src/identity/identity.js';
import { makeBinding } from './_fixtures.js';
import { applyEdits, edits } from '../fuzz/_mutate.js';

const pem = (f: string) => pemCertificates(vectorText(`webauthn/yubico-roots/${f}`));
const fp = (der: Uint8Array) => createHash('sha256').update(der).digest('hex').toUpperCase();
const anchor = (der: Uint8Array, vendor?: string): TrustAnchor => ({ certificate: parseCertificate(der), vendor });
const at = new Date('2023-06-01T00:00:00Z');

async function code(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(KeyprintError);
    return (e as KeyprintError).code;
  }
  return 'ok';
}

describe('Yubico PKI (developers.yubico.com/PKI, SOURCES-sas-webauthn.md)', () => {
  it('bundled anchors: the three Yubico roots (fingerprints as openssl printed) and the Apple WebAuthn Root CA', () => {
    const roots = defaultTrustAnchors();
    expect(roots.map((a) => [a.certificate.subject.text, fp(a.certificate.der)])).toEqual([
      ['CN=Yubico U2F Root CA Serial 457200631', '0FA1386F80EB8713263AE5C1D84DEB455BDF08AEA50AB05503CEFEE82B092D42'],
      ['CN=Yubico FIDO Root CA Serial 450203556', '35F1A54B353BFB711E6D42ADBEB76C0E9DEAD095018E6A94783BA2192FD6FAAD'],
      ['CN=Yubico Attestation Root 1', '62760C6A6EF91679F454C8902B80FD009825B3F25DA90F1FBACE2EC6586CD5A8'],
      // test/identity/fixtures/apple/README.md
      ['CN=Apple WebAuthn Root CA, O=Apple Inc., ST=California', '0915DD5C07A28DB549D1F677BB5A75D4BFBE9561A773424327762E9E02F9BB29'],
    ]);
    expect(roots.map((a) => [a.vendor, a.formats])).toEqual([
      ...Array(3).fill(['Yubico', ['packed', 'fido-u2f']]),
      ['Apple', ['apple']],
    ]);
    expect(bundledIntermediates().map((c) => c.subject.text)).toEqual([
      'CN=Yubico Attestation Intermediate A 1',
      'CN=Yubico Attestation Intermediate B 1',
      'CN=Yubico FIDO Attestation A 1',
      'CN=Yubico FIDO Attestation B 1',
      'CN=Yubico FIDO Attestation B2 1',
    ]);
  });

  it('every certificate in yubico-ca-certs.txt and yubico-intermediate.pem parses', () => {
    const all = [...pem('yubico-ca-certs.txt'), ...pem('yubico-intermediate.pem')];
    expect(all).toHaveLength(20);
    for (const der of all) {
      const c = parseCertificate(der);
      expect(c.version).toBe(3);
      expect(c.basicConstraints?.ca).toBe(true);
      expect(c.keyUsage?.keyCertSign).toBe(true);
    }
  });

  it('all 15 intermediates chain to Yubico Attestation Root 1 (openssl verify -CAfile yubico-ca-1.pem)', async () => {
    const root = anchor(pem('yubico-ca-1.pem')[0], 'Yubico');
    const inter = pem('yubico-intermediate.pem').map(parseCertificate);
    const when = new Date('2025-09-01T00:00:00Z');
    for (const leaf of inter) {
      const r = await validatePath({ leaf, intermediates: inter, anchors: [root], at: when });
      expect(r.anchor).toBe(root);
      expect(r.path.length).toBeGreaterThanOrEqual(2);
    }
    // Before Attestation Root 1 existed (2024-12-01) the same paths are not yet valid.
    expect(await code(validatePath({ leaf: inter[2], intermediates: inter, anchors: [root], at }))).toBe('cert-not-yet-valid');
  });

  it('every Yubico leaf in real-attestations.json is signed by U2F Root CA Serial 457200631 (collectorCheck)', async () => {
    const root = anchor(pem('yubico-fido-ca-1.pem')[0], 'Yubico');
    const entries = vectorJson('webauthn/real-attestations.json').entries as any[];
    let n = 0;
    for (const e of entries.filter((x) => String(x.collectorCheck).includes('U2F Root CA Serial 457200631: OK'))) {
      const x5c = (decode(toBytes('a', e.attestationObject), { useMaps: true }) as Map<string, any>).get('attStmt').get('x5c');
      const r = await validatePath({ leaf: parseCertificate(x5c[0]), intermediates: [], anchors: [root], at });
      expect(r.path.map((c) => c.subject.text)).toEqual([r.path[0].subject.text, 'CN=Yubico U2F Root CA Serial 457200631']);
      // The same leaf with no anchor: not self-signed, so nothing vouches for it.
      expect(await code(validatePath({ leaf: parseCertificate(x5c[0]), intermediates: [], anchors: [], at }))).toBe('chain-untrusted');
      n++;
    }
    expect(n).toBe(8);
  });
});

describe('RFC 5280 §6.1 path validation on generated chains', () => {
  const rootKey = ecKey('P-384');
  const interKey = ecKey();
  const leafKey = ecKey();
  const rootSubject: Array<[string, string]> = [['C', 'US'], ['O', 'Test'], ['CN', 'Test Root']];
  const interSubject: Array<[string, string]> = [['C', 'US'], ['O', 'Test'], ['CN', 'Test Intermediate']];
  const leafSubject: Array<[string, string]> = [['C', 'US'], ['O', 'Test'], ['OU', 'Authenticator Attestation'], ['CN', 'Leaf']];
  const rootSkid = new Uint8Array(20).fill(1);
  const interSkid = new Uint8Array(20).fill(2);
  const root = makeCert({ subject: rootSubject, publicKey: rootKey.publicKey, signingKey: rootKey.privateKey, hash: 'sha384', ca: true, pathLength: 1, keyUsage: KeyUsageFlags.keyCertSign, skid: rootSkid });
  const interSpec = (over: Partial<CertSpec> = {}): CertSpec => ({
    subject: interSubject, issuer: rootSubject, publicKey: interKey.publicKey, signingKey: rootKey.privateKey, hash: 'sha384',
    ca: true, pathLength: 0, keyUsage: KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, skid: interSkid, akid: rootSkid, ...over,
  });
  const leafSpec = (over: Partial<CertSpec> = {}): CertSpec => ({
    subject: leafSubject, issuer: interSubject, publicKey: leafKey.publicKey, signingKey: interKey.privateKey, ca: false, akid: interSkid, ...over,
  });
  const inter = makeCert(interSpec());
  const leaf = makeCert(leafSpec());
  const anchors = [anchor(root, 'Test')];
  const run = (l: Uint8Array, i: Uint8Array[], a = anchors, when = at) =>
    validatePath({ leaf: parseCertificate(l), intermediates: i.map(parseCertificate), anchors: a, at: when });

  it('leaf → intermediate (ecdsa-with-SHA384 by P-384 root) → root', async () => {
    const r = await run(leaf, [inter]);
    expect(r.anchor?.vendor).toBe('Test');
    expect(r.path.map((c) => c.subject.attributes.at(-1)!.value)).toEqual(['Leaf', 'Test Intermediate', 'Test Root']);
  });
  it('a leaf that is itself a configured anchor is trusted as is', async () => {
    const r = await run(leaf, [], [anchor(leaf, 'Pinned')]);
    expect(r.path).toHaveLength(1);
    expect(r.anchor?.vendor).toBe('Pinned');
  });
  it('missing intermediate → chain-untrusted', async () => expect(await code(run(leaf, []))).toBe('chain-untrusted'));
  it('extra unrelated intermediates are ignored', async () => {
    const other = ecKey();
    const decoy = makeCert({ subject: [['CN', 'Decoy']], publicKey: other.publicKey, signingKey: other.privateKey, ca: true });
    expect((await run(leaf, [decoy, inter])).anchor?.vendor).toBe('Test');
  });
  it('AKI that differs from the issuer SKI is not a match (RFC 5280 §4.2.1.1)', async () => {
    expect(await code(run(makeCert(leafSpec({ akid: new Uint8Array(20).fill(9) })), [inter]))).toBe('chain-untrusted');
  });
  it('leaf signed by the wrong key → chain-invalid-signature', async () => {
    expect(await code(run(makeCert(leafSpec({ signingKey: ecKey().privateKey })), [inter]))).toBe('chain-invalid-signature');
  });
  it('signature byte flipped → chain-invalid-signature', async () => {
    const bad = leaf.slice();
    bad[bad.length - 5] ^= 0x01;
    expect(await code(run(bad, [inter]))).toBe('chain-invalid-signature');
  });
  it('validity: expired and not yet valid, for leaf and intermediate', async () => {
    expect(await code(run(leaf, [inter], anchors, new Date('2047-01-01')))).toBe('cert-expired');
    expect(await code(run(leaf, [inter], anchors, new Date('2016-01-01')))).toBe('cert-not-yet-valid');
    const shortInter = makeCert(interSpec({ notAfter: new Date('2020-01-01') }));
    expect(await code(run(leaf, [shortInter]))).toBe('cert-expired');
  });
  it('issuer with CA=false, without basicConstraints, or v1 → bad-basic-constraints', async () => {
    expect(await code(run(leaf, [makeCert(interSpec({ ca: false }))]))).toBe('bad-basic-constraints');
    expect(await code(run(leaf, [makeCert(interSpec({ ca: null }))]))).toBe('bad-basic-constraints');
    expect(await code(run(makeCert(leafSpec({ akid: undefined })), [makeCert(interSpec({ version: 1 }))]))).toBe('bad-basic-constraints');
  });
  it('pathLenConstraint exceeded → bad-basic-constraints', async () => {
    const tightRoot = makeCert({ subject: rootSubject, publicKey: rootKey.publicKey, signingKey: rootKey.privateKey, hash: 'sha384', ca: true, pathLength: 0, skid: rootSkid });
    expect(await code(run(leaf, [inter], [anchor(tightRoot)]))).toBe('bad-basic-constraints');
  });
  it('issuer keyUsage without keyCertSign → bad-key-usage', async () => {
    expect(await code(run(leaf, [makeCert(interSpec({ keyUsage: KeyUsageFlags.digitalSignature }))]))).toBe('bad-key-usage');
  });
  it('unknown critical extension → unknown-critical-extension; unknown non-critical is fine', async () => {
    const extra = (critical: boolean) => [{ oid: '1.2.3.4.5', critical, value: Uint8Array.of(5, 0) }];
    expect(await code(run(makeCert(leafSpec({ extra: extra(true) })), [inter]))).toBe('unknown-critical-extension');
    expect(await code(run(makeCert(leafSpec({ extra: extra(false) })), [inter]))).toBe('ok');
  });
  it('path building is bounded: eight look-alike intermediates cost at most a few dozen checks', async () => {
    const lookAlikes = Array.from({ length: 8 }, () => {
      const k = ecKey();
      // Same subject as the real intermediate, claims the real root as issuer, signed by nobody real.
      return makeCert({ subject: interSubject, issuer: rootSubject, publicKey: k.publicKey, signingKey: k.privateKey, ca: true });
    });
    const t = performance.now();
    expect(await code(run(leaf, lookAlikes))).toBe('chain-invalid-signature');
    expect(performance.now() - t).toBeLessThan(2000);
    // The genuine intermediate is still found among them.
    expect((await run(leaf, [...lookAlikes.slice(0, 3), inter])).anchor?.vendor).toBe('Test');
  });
  it('self-signed leaf with no anchor: self-signature verified, no anchor', async () => {
    const k = ecKey();
    const self = makeCert({ subject: leafSubject, publicKey: k.publicKey, signingKey: k.privateKey });
    const r = await run(self, []);
    expect(r.anchor).toBeUndefined();
    expect(r.path).toHaveLength(1);
    const forged = makeCert({ subject: leafSubject, publicKey: k.publicKey, signingKey: ecKey().privateKey });
    expect(await code(run(forged, []))).toBe('chain-invalid-signature');
  });
});

describe('parseCertificate rejects malformed input', () => {
  const der = pem('yubico-fido-ca-1.pem')[0];
  it.each([
    ['trailing byte', () => Uint8Array.from([...der, 0])],
    ['truncated', () => der.subarray(0, der.length - 1)],
    ['empty', () => new Uint8Array(0)],
    ['indefinite length (BER)', () => Uint8Array.from([0x30, 0x80, ...der.subarray(4), 0, 0])],
    ['non-minimal length', () => Uint8Array.from([0x30, 0x83, 0x00, der[2], der[3], ...der.subarray(4)])],
    ['outer signatureAlgorithm differs from tbs.signature', () => {
      const d = der.slice();
      // sha256WithRSAEncryption (…01 01 0b) → sha512WithRSAEncryption (…01 01 0d) in the outer AlgorithmIdentifier only.
      const oid = Buffer.from('06092a864886f70d01010b', 'hex');
      const i = Buffer.from(d).lastIndexOf(oid) + oid.length - 1;
      expect(i).toBeGreaterThan(Buffer.from(d).indexOf(oid) + oid.length);
      d[i] = 0x0d;
      return d;
    }],
  ])('%s → malformed-certificate', async (_, make) => {
    expect(await code(() => parseCertificate(make()))).toBe('malformed-certificate');
  });
  it.each([null, undefined, 'MIIB', 42, [1, 2], new ArrayBuffer(8)])('garbage %s → malformed-certificate', async (v) => {
    expect(await code(() => parseCertificate(v as any))).toBe('malformed-certificate');
  });
  it('duplicate extension → malformed-certificate', async () => {
    const k = ecKey();
    const dup = makeCert({ subject: [['CN', 'x']], publicKey: k.publicKey, signingKey: k.privateKey, extra: [{ oid: '2.5.29.19', critical: true, value: Uint8Array.of(0x30, 0) }] });
    expect(await code(() => parseCertificate(dup))).toBe('malformed-certificate');
  });
});

describe('parseCertificate: strict DER contents (X.690 §8, §11) and the Extension structure (RFC 5280 §4.1)', () => {
  const k = ecKey();
  // serial 0x0123 (02 02 01 23), C=US, CN=Leafy, basicConstraints critical (01 01 ff) CA=false.
  const good = makeCert({ subject: [['C', 'US'], ['CN', 'Leafy']], publicKey: k.publicKey, signingKey: k.privateKey, serial: 0x0123, ca: false });
  /** `good` with the first occurrence of `from` (hex) replaced by `to` (same length). */
  const patch = (from: string, to: string) => {
    const at = Buffer.from(good).indexOf(Buffer.from(from, 'hex'));
    expect(at, from).toBeGreaterThan(0);
    const d = good.slice();
    d.set(Buffer.from(to, 'hex'), at);
    return d;
  };
  const utf8Hex = (s: string) => Buffer.from(s).toString('hex');

  it('the unmodified certificate parses', () => {
    expect(parseCertificate(good).serialNumber).toBe('0123');
  });
  it.each([
    ['INTEGER with a redundant leading 00 (§8.3.2)', '02020123', '02020023'],
    ['INTEGER with a redundant leading FF (§8.3.2)', '02020123', '0202ff83'],
    ['OID subidentifier padded with 0x80 (§8.19.2)', '0603551d13', '0603801d13'],
    ['OID ending inside a subidentifier (§8.19.2)', '0603551d13', '0603551d93'],
    ['BOOLEAN that is neither 00 nor FF (§11.1)', '0101ff', '010101'],
    ['UTF8String that is not UTF-8 (RFC 3629)', utf8Hex('Leafy'), utf8Hex('Le') + 'c0' + utf8Hex('fy')],
    ['PrintableString with a character outside its set (X.680 §41.4)', `1302${utf8Hex('US')}`, `1302${utf8Hex('U@')}`],
    ['BIT STRING with more than 7 unused bits (§8.6.2.2)', '03420004', '03420804'],
    ['UTCTime with month 13 (§11.8)', utf8Hex('170714'), utf8Hex('171314')],
    ['UTCTime not in the form YYMMDDHHMMSSZ (§11.8)', utf8Hex('170714024000Z'), utf8Hex('1707140240Z00')],
    ['Extension whose SEQUENCE tag became [1] (RFC 5280 §4.1.2.9)', '300c0603551d13', 'a10c0603551d13'],
    ['Extension with critical twice', '0101ff0402', '01010104'],
    ['constructed OCTET STRING (§10.2)', '0101ff0402', '0101ff2402'],
    ['primitive SEQUENCE (§8.9.1)', '300c0603551d13', '100c0603551d13'],
    ['attribute value that is an OCTET STRING, not a DirectoryString (RFC 5280 §4.1.2.4)', `0c05${utf8Hex('Leafy')}`, `0405${utf8Hex('Leafy')}`],
  ])('%s → malformed-certificate', async (_, from, to) => {
    expect(await code(() => parseCertificate(patch(from, to)))).toBe('malformed-certificate');
  });
  // Deliberate leniencies, pinned (both are what OpenSSL and Go's crypto/x509 accept too).
  it('tolerated: critical encoded as an explicit FALSE (X.690 §11.5 wants it absent)', () => {
    const c = parseCertificate(patch('0603551d130101ff', '0603551d13010100'));
    expect(c.extensions.find((e) => e.oid === '2.5.29.19')?.critical).toBe(false);
  });
  it("tolerated: '*' and '&' in a PrintableString (outside X.680 §41.4, found in real CA certificates)", () => {
    expect(parseCertificate(patch(`1302${utf8Hex('US')}`, `1302${utf8Hex('*&')}`)).issuer.text).toBe('C=*&, CN=Leafy'); // the first C is the issuer's
  });
});

describe('fuzz (fast-check, fixed seed): X.509 parsing and path validation only throw CertificateError', () => {
  const yubicoLeaf = (() => {
    const e = (vectorJson('webauthn/real-attestations.json').entries as any[]).find((x) => x.id === 'jws-YubiKey5Nfc');
    return (decode(toBytes('a', e.attestationObject), { useMaps: true }) as Map<string, any>).get('attStmt').get('x5c')[0] as Uint8Array;
  })();
  const anchors = defaultTrustAnchors();

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        try {
          parseCertificate(b);
        } catch (e) {
          if (!(e instanceof CertificateError)) throw e;
        }
      }),
      { numRuns: 1000, seed: fcSeed },
    );
  });

  it('random DER-ish prefixes (SEQUENCE headers with random bodies)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (body) => {
        const b = Uint8Array.from([0x30, 0x82, body.length >> 8, body.length & 0xff, ...body]);
        try {
          parseCertificate(b);
        } catch (e) {
          if (!(e instanceof CertificateError)) throw e;
        }
      }),
      { numRuns: 1000, seed: fcSeed },
    );
  });

  it('mutated real Yubico leaf: parse or validate fails with CertificateError unless unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: yubicoLeaf.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
        async (flips) => {
          const b = yubicoLeaf.slice();
          for (const [i, x] of flips) b[i] ^= x;
          const changed = b.some((v, i) => v !== yubicoLeaf[i]);
          try {
            const leaf = parseCertificate(b);
            await validatePath({ leaf, intermediates: [], anchors, at });
            expect(changed).toBe(false);
          } catch (e) {
            if (!(e instanceof CertificateError)) throw e;
          }
        },
      ),
      { numRuns: 1000, seed: fcSeed },
    );
  });
});

describe('verifySignature (src/identity/_signature.ts): the one signature backend', () => {
  const msg = new TextEncoder().encode('keyprint attestation');
  const spki = (k: KeyObject) => new Uint8Array(k.export({ type: 'spki', format: 'der' }));
  const p256 = ecKey();
  const p384 = ecKey('P-384');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed = generateKeyPairSync('ed25519');
  const der256 = new Uint8Array(sign('sha256', msg, p256.privateKey));

  it.each([
    ['ES256 (-7), P-256 in the WASM core', -7, p256, () => sign('sha256', msg, p256.privateKey)],
    ['ecdsa-with-SHA256 OID', '1.2.840.10045.4.3.2', p256, () => sign('sha256', msg, p256.privateKey)],
    ['ecdsa-with-SHA384 with a P-256 key (WebCrypto)', '1.2.840.10045.4.3.3', p256, () => sign('sha384', msg, p256.privateKey)],
    ['ES384 (-35), P-384 (WebCrypto)', -35, p384, () => sign('sha384', msg, p384.privateKey)],
    ['RS256 (-257)', -257, rsa, () => sign('sha256', msg, rsa.privateKey)],
    ['sha512WithRSAEncryption OID', '1.2.840.113549.1.1.13', rsa, () => sign('sha512', msg, rsa.privateKey)],
    ['PS256 (-37)', -37, rsa, () => sign('sha256', msg, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })],
    ['EdDSA (-8), Ed25519 in the WASM core', -8, ed, () => sign(null, msg, ed.privateKey)],
  ] as const)('%s: valid → true, one bit flipped → false', async (_, alg, key, make) => {
    const sig = new Uint8Array(make());
    expect(await verifySignature({ alg, publicKey: spki(key.publicKey), data: msg, signature: sig })).toBe(true);
    expect(await verifySignature({ alg, publicKey: spki(key.publicKey), data: msg, signature: flip(sig, sig.length - 2) })).toBe(false);
    expect(await verifySignature({ alg, publicKey: spki(key.publicKey), data: flip(msg, 0), signature: sig })).toBe(false);
  });

  it('ECDSA signatures must be strict DER Ecdsa-Sig-Value (WebAuthn §6.5.5): anything else is false', async () => {
    const pub = spki(p256.publicKey);
    const v = (signature: Uint8Array) => verifySignature({ alg: -7, publicKey: pub, data: msg, signature });
    const t = readTlvForTest(der256);
    expect(await v(der256)).toBe(true);
    expect(await v(Uint8Array.from([...der256, 0]))).toBe(false); // trailing byte
    expect(await v(p256SignatureFromDer(der256))).toBe(false); // raw r ‖ s is not DER
    expect(await v(Uint8Array.from([0x30, t.length + 3, 0x02, t.r.length + 1, 0, ...t.r, 0x02, t.s.length, ...t.s]))).toBe(false); // non-minimal r
    expect(await v(new Uint8Array(0))).toBe(false);
  });

  it('a 1024-bit RSA key → CryptoError weak-key; key/algorithm mismatch → alg-key-mismatch; SHA-1 → unsupported-algorithm', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await expect(verifySignature({ alg: -257, publicKey: spki(weak.publicKey), data: msg, signature: new Uint8Array(sign('sha256', msg, weak.privateKey)) })).rejects.toMatchObject({ code: 'weak-key' });
    await expect(verifySignature({ alg: -257, publicKey: spki(p256.publicKey), data: msg, signature: der256 })).rejects.toMatchObject({ code: 'alg-key-mismatch' });
    await expect(verifySignature({ alg: -7, publicKey: spki(ed.publicKey), data: msg, signature: der256 })).rejects.toMatchObject({ code: 'alg-key-mismatch' });
    await expect(verifySignature({ alg: '1.2.840.113549.1.1.5', publicKey: spki(rsa.publicKey), data: msg, signature: der256 })).rejects.toMatchObject({ code: 'unsupported-algorithm' });
    await expect(verifySignature({ alg: -7, publicKey: Uint8Array.of(0x30, 0), data: msg, signature: der256 })).rejects.toBeInstanceOf(CryptoError);
  });

  it('fuzz: random ES256 / RS256 / EdDSA signature bytes → false, never a throw', async () => {
    const keys = [[-7, spki(p256.publicKey)], [-257, spki(rsa.publicKey)], [-8, spki(ed.publicKey)], [-35, spki(p384.publicKey)]] as const;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: keys.length - 1 }), fc.uint8Array({ maxLength: 300 }), async (i, signature) => {
        expect(await verifySignature({ alg: keys[i][0], publicKey: keys[i][1], data: msg, signature })).toBe(false);
      }),
      { numRuns: 1000, seed: fcSeed },
    );
  });
});

function flip(b: Uint8Array, i: number): Uint8Array {
  const c = b.slice();
  c[i] ^= 1;
  return c;
}
function readTlvForTest(der: Uint8Array): { length: number; r: Uint8Array; s: Uint8Array } {
  const rl = der[3];
  const r = der.subarray(4, 4 + rl);
  const s = der.subarray(6 + rl, 6 + rl + der[5 + rl]);
  return { length: der[1], r, s };
}

describe('differential against OpenSSL (node:crypto X509Certificate)', () => {
  // Every certificate keyprint makes or meets: Yubico's PKI, the real attestations' x5c, makeCert
  // fixtures, the software authenticator's CA and batch certificates, an identity certificate.
  const realX5c = (vectorJson('webauthn/real-attestations.json').entries as any[]).flatMap((e) => {
    const st = (decode(toBytes('a', e.attestationObject), { useMaps: true }) as Map<string, any>).get('attStmt') as Map<string, any>;
    return (st.get('x5c') ?? []) as Uint8Array[];
  });
  const k = ecKey();
  const made = [
    makeCert({ subject: [['C', 'US'], ['O', 'Chromium'], ['OU', 'Authenticator Attestation'], ['CN', 'Batch Certificate']], publicKey: k.publicKey, signingKey: k.privateKey, ca: false }),
    makeCert({ subject: [['CN', 'Root ✓']], publicKey: k.publicKey, signingKey: k.privateKey, ca: true, pathLength: 1, keyUsage: KeyUsageFlags.keyCertSign, skid: new Uint8Array(20).fill(1), serial: 0x80 }),
    makeCert({ subject: [['CN', 'Leaf']], issuer: [['CN', 'Root ✓']], publicKey: k.publicKey, signingKey: k.privateKey, akid: new Uint8Array(20).fill(1), aaguid: new Uint8Array(16).fill(2), serial: 2 ** 40 }),
  ];
  const soft = generateAttestation(new Uint8Array(16).fill(5));
  const id = IdentityKeyPair.generate();
  const identity = identityCertificate(id, signBundle({ displayName: 'Ada Lovelace', identityPublicKey: id.publicKey, createdAt: Date.UTC(2026, 0, 1), binding: makeBinding(id.publicKey, Date.UTC(2026, 0, 1)) }, id));
  const seeds = [...pem('yubico-ca-certs.txt'), ...pem('yubico-intermediate.pem'), ...realX5c, ...made, soft.caCertificate, soft.certificate, identity];
  const openssl = (der: Uint8Array): boolean => { try { new NodeX509(der); return true; } catch { return false; } };

  it('every seed parses in both', () => {
    expect(seeds.length).toBeGreaterThan(30);
    for (const der of seeds) {
      expect(openssl(der)).toBe(true);
      expect(() => parseCertificate(der)).not.toThrow();
    }
  });

  it('fixtures and generators write minimal INTEGER serials (X.690 §8.3.2)', () => {
    for (const der of [...made, soft.caCertificate, soft.certificate, identity]) {
      const serial = parseCertificate(der).serialNumber;
      expect(serial.length === 2 || !/^(00[0-7]|ff[89a-f])/.test(serial), serial).toBe(true);
    }
  });

  it('mutated certificates (havoc edits): parseCertificate accepts only what OpenSSL accepts', () => {
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.nat(seeds.length - 1), edits, (i, j, list) => {
        const der = applyEdits(seeds[i], seeds[j], list);
        try {
          parseCertificate(der);
        } catch (e) {
          if (!(e instanceof CertificateError)) throw e;
          return;
        }
        if (!openssl(der)) throw new Error(`parseCertificate accepted what OpenSSL rejects: ${Buffer.from(der).toString('hex')}`);
      }),
      { numRuns: Number(process.env.KEYPRINT_X509_DIFF_RUNS ?? 500), seed: fcSeed },
    );
  });
});
