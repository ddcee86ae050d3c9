// Identity certificate: a self-signed X.509 v3 certificate with an Ed25519 key (RFC 5280, RFC 8410),
// checked by two independent parsers and verifiers — the openssl binary and node:crypto's
// X509Certificate — plus keyprint's own reader.
import { describe, expect, it } from 'vitest';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { InputError } from '../../src/core/index.js';
import {
  identityCertificate, readIdentityCertificate, certificateToPem, certificateFingerprint, OID_KEYPRINT_BUNDLE_BINDING,
} from '../../src/identity/identity-certificate.js';
import { signBundle, bundleHash, type BundleFields } from '../../src/identity/bundle.js';
import { IdentityError, IdentityKeyPair } from '../../src/identity/identity.js';
import { hex, unhex, fcSeed } from '../_util.js';
import { makeBinding } from './_fixtures.js';

const SEED = unhex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'); // RFC 8032 §7.1 TEST 1
const id = IdentityKeyPair.fromSecretKey(SEED);
const CREATED = Date.UTC(2026, 0, 1, 0, 0, 0, 789);
const fields: BundleFields = { displayName: 'Ada Lovelace', identityPublicKey: id.publicKey, createdAt: CREATED, binding: makeBinding(id.publicKey, CREATED) };
const bundle = signBundle(fields, id);
const der = identityCertificate(id, bundle);

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

function withFiles<T>(files: Record<string, Uint8Array | string>, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'keyprint-cert-'));
  try {
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('openssl', () => {
  it.skipIf(!hasOpenssl)('openssl x509 -inform DER -text parses it (skipped if the openssl binary is absent)', () => {
    const text = withFiles({ 'c.der': der }, (dir) => execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(dir, 'c.der'), '-text', '-noout'], { encoding: 'utf8' }));
    expect(text).toContain('Version: 3 (0x2)');
    expect(text).toMatch(/Signature Algorithm: ED25519/);
    expect(text).toMatch(/Public Key Algorithm: ED25519/);
    expect(text).toContain('Subject: CN = Ada Lovelace');
    expect(text).toContain('Issuer: CN = Ada Lovelace');
    expect(text).toContain('Not Before: Jan  1 00:00:00 2026 GMT');
    expect(text).toContain('Not After : Dec 31 23:59:59 9999 GMT');
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature/);
    expect(text).toContain(`URI:${id.did}`);
    expect(text).toContain(OID_KEYPRINT_BUNDLE_BINDING);
  });

  it.skipIf(!hasOpenssl)('openssl verify -check_ss_sig accepts the self-signature and rejects a flipped bit (skipped without openssl)', () => {
    const bad = der.slice();
    bad[bad.length - 1] ^= 1;
    const run = (cert: Uint8Array) => withFiles({ 'c.pem': certificateToPem(cert) }, (dir) =>
      spawnSync('openssl', ['verify', '-x509_strict', '-check_ss_sig', '-partial_chain', '-trusted', join(dir, 'c.pem'), join(dir, 'c.pem')], { encoding: 'utf8' }));
    const ok = run(der);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(': OK');
    expect(run(bad).status).not.toBe(0);
  });
});

describe('node:crypto X509Certificate', () => {
  const cert = new X509Certificate(der);
  it('verifies the signature with the identity public key and with its own key', () => {
    const spki = createPublicKey({ key: Buffer.concat([unhex('302a300506032b6570032100'), id.publicKey]), format: 'der', type: 'spki' });
    expect(cert.verify(spki)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    // checkIssued is false by design: keyUsage is digitalSignature only (no keyCertSign), so the
    // certificate cannot issue others, itself included.
    expect(cert.checkIssued(cert)).toBe(false);
    const other = IdentityKeyPair.generate();
    const otherSpki = createPublicKey({ key: Buffer.concat([unhex('302a300506032b6570032100'), other.publicKey]), format: 'der', type: 'spki' });
    expect(cert.verify(otherSpki)).toBe(false);
  });

  it('carries the key, the did:key SAN, the validity and a bundle-derived serial', () => {
    expect(cert.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(hex(cert.publicKey.export({ format: 'der', type: 'spki' }).subarray(12))).toBe(hex(id.publicKey));
    expect(cert.subjectAltName).toBe(`URI:${id.did}`);
    expect(cert.subject).toBe('CN=Ada Lovelace');
    expect(cert.ca).toBe(false);
    expect(new Date(cert.validFrom).getTime()).toBe(Date.UTC(2026, 0, 1));
    const h = bundleHash(bundle);
    const serial = h.slice(0, 16);
    serial[0] = (serial[0] & 0x3f) | 0x40;
    expect(cert.serialNumber.toLowerCase()).toBe(hex(serial));
    expect(cert.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(hex(certificateFingerprint(der)));
  });

  it('expiresAt becomes notAfter (GeneralizedTime from 2050, RFC 5280 §4.1.2.5)', () => {
    const b = signBundle({ ...fields, expiresAt: Date.UTC(2051, 5, 1) }, id);
    const c = new X509Certificate(identityCertificate(id, b));
    expect(new Date(c.validTo).getTime()).toBe(Date.UTC(2051, 5, 1));
    expect(c.verify(c.publicKey)).toBe(true);
  });
});

describe('identityCertificate / readIdentityCertificate', () => {
  it('shortens a display name over 64 characters in the CN (RFC 5280 ub-common-name)', () => {
    const long = 'é'.repeat(64);
    expect(new X509Certificate(identityCertificate(id, signBundle({ ...fields, displayName: long }, id))).subject).toBe(`CN=${long}`);
    const longer = 'x'.repeat(100);
    expect(new X509Certificate(identityCertificate(id, signBundle({ ...fields, displayName: longer }, id))).subject).toBe(`CN=${'x'.repeat(63)}…`);
  });

  it('is deterministic for a given identity and bundle', () => {
    expect(hex(identityCertificate(id, bundle))).toBe(hex(der));
  });

  it('reads back the did:key, key and bundle hash', () => {
    const info = readIdentityCertificate(der);
    expect(info.did).toBe(id.did);
    expect(hex(info.publicKey)).toBe(hex(id.publicKey));
    expect(hex(info.bundleSha256)).toBe(hex(bundleHash(bundle)));
  });

  it('property: for random names, times and identities, node:crypto verifies and the reader agrees', () => {
    const name = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }).filter((s) => /^[\x20-\x7e]+$/.test(s));
    fc.assert(fc.property(name, fc.integer({ min: 0, max: Date.UTC(9000, 0, 1) }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (displayName, createdAt, seed) => {
      const ident = IdentityKeyPair.fromSecretKey(seed);
      const b = signBundle({ displayName, identityPublicKey: ident.publicKey, createdAt, binding: null }, ident);
      const c = identityCertificate(ident, b);
      const x = new X509Certificate(c);
      expect(x.verify(x.publicKey)).toBe(true);
      expect(readIdentityCertificate(c).did).toBe(ident.did);
    }), { seed: fcSeed, numRuns: 1000 });
  });

  it('a signature BIT STRING with nonzero unused bits is rejected (found by the property below)', () => {
    const bad = der.slice();
    bad[der.length - 65] = 0x01;
    expect(() => readIdentityCertificate(bad)).toThrow(expect.objectContaining({ code: 'certificate-invalid' }));
  });

  it('any single-byte change is rejected by the reader (certificate-invalid), never accepted', () => {
    fc.assert(fc.property(fc.nat({ max: der.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
      const bad = der.slice();
      bad[at] ^= x;
      let error: unknown;
      try {
        readIdentityCertificate(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(IdentityError);
      expect((error as IdentityError).code).toBe('certificate-invalid');
    }), { seed: fcSeed, numRuns: 1000 });
  });

  it('refuses a bundle of another identity, and garbage', () => {
    const other = IdentityKeyPair.generate();
    expect(() => identityCertificate(other, bundle)).toThrow(InputError);
    for (const j of [undefined, null, 'id', {}, SEED]) expect(() => identityCertificate(j as never, bundle)).toThrow(InputError);
    for (const j of [undefined, null, 'b', {}]) expect(() => identityCertificate(id, j as never)).toThrow(InputError);
    for (const j of [undefined, null, 'der', [1], new Uint16Array(2)]) expect(() => readIdentityCertificate(j as never)).toThrow(InputError);
    for (const j of [new Uint8Array(0), new Uint8Array(10), unhex('3000')]) expect(() => readIdentityCertificate(j)).toThrow(IdentityError);
  });

  it('PEM armour is RFC 7468 (64-character lines) and openssl-compatible', () => {
    const pem = certificateToPem(der);
    expect(pem.startsWith('-----BEGIN CERTIFICATE-----\n')).toBe(true);
    expect(pem.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
    for (const line of pem.split('\n').slice(1, -2)) expect(line.length).toBeLessThanOrEqual(64);
    expect(new X509Certificate(pem).raw.equals(Buffer.from(der))).toBe(true);
  });
});
