// FIDO Metadata Service v3 BLOBs (src/identity/mds.ts) and the user's trust store
// (src/identity/trust-store.ts): synthetic BLOBs signed under a test root with node:crypto — never a
// network fetch — checked the way FIDO MDS 3.0 §3.2 asks (chain to the root, JWS signature, then
// the payload), and what importing one does to attestation verdicts: a listed model becomes
// hardware-attested with its description, an unlisted one does not, a compromised one is refused.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash, X509Certificate as NodeX509 } from 'node:crypto';
import {
  MetadataError, compromiseOf, verifyMetadataBlob,
} from '../../src/identity/mds.js';
import {
  TrustStoreError, addAnchor, decodeTrustStore, emptyTrustStore, encodeTrustStore, importMetadata, listTrust, removeAnchor,
  removeMetadata, useTrustStore, type TrustStore,
} from '../../src/identity/trust-store.js';
import { fidoMdsRoots } from '../../src/identity/trust-anchors.js';
import { certificateKeyId, parseCertificate } from '../../src/identity/x509.js';
import { verifyAttestation } from '../../src/identity/attestation.js';
import { KeyprintError } from '../../src/errors.js';
import { ecKey, fidoU2f, makeCert, packed, uuidBytes, type Registration } from './fixtures/make-attestation.js';
import { mdsBlob, mdsEntry, mdsPki } from './fixtures/make-mds.js';

async function code(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (!(e instanceof KeyprintError)) throw e;
    return e.code;
  }
  return 'ok';
}

const pki = mdsPki('ES256');
const NOW = new Date('2026-12-01T00:00:00Z');

// A vendor PKI no bundled anchor knows: root → packed leaf carrying its AAGUID.
const ACME_AAGUID = '4acd0e5f-0a1b-4c2d-8e3f-1234567890ab';
const OTHER_AAGUID = '4acd0e5f-0a1b-4c2d-8e3f-0000000000ff';
const vendorKey = ecKey();
const vendorRoot = makeCert({ subject: [['C', 'SE'], ['O', 'Acme Keys AB'], ['CN', 'Acme FIDO Root']], publicKey: vendorKey.publicKey, signingKey: vendorKey.privateKey, ca: true });
const leafKey = ecKey();
const leafFor = (aaguid: string) => makeCert({
  subject: [['C', 'SE'], ['O', 'Acme Keys AB'], ['OU', 'Authenticator Attestation'], ['CN', 'Acme EE']],
  issuer: [['C', 'SE'], ['O', 'Acme Keys AB'], ['CN', 'Acme FIDO Root']],
  publicKey: leafKey.publicKey, signingKey: vendorKey.privateKey, ca: false, aaguid: uuidBytes(aaguid),
});
const leaf = leafFor(ACME_AAGUID);
const registration = (aaguid = ACME_AAGUID, certs = [leafFor(aaguid)]) => packed({ leafKey: leafKey.privateKey, certs, aaguid: uuidBytes(aaguid) });
const verify = (r: Registration) => verifyAttestation({ attestationObject: r.attestationObject, clientDataJSON: r.clientDataJSON, rpId: r.rpId, challenge: r.challenge, at: NOW });
const acmeEntry = (over: Partial<Parameters<typeof mdsEntry>[0]> = {}) => mdsEntry({ aaguid: ACME_AAGUID, description: 'Acme Key 2 NFC', roots: [vendorRoot], ...over });
const importOf = (blob: string, store: TrustStore = emptyTrustStore()) => importMetadata(store, blob, { origin: 'test', roots: [pki.root], now: NOW });

afterEach(() => useTrustStore(undefined));

describe('verifyMetadataBlob (FIDO MDS 3.0 §3.2)', () => {
  it('ES256 and RS256 BLOBs under a named root: header facts and entries (UAF-only and rootless entries skipped)', async () => {
    for (const alg of ['ES256', 'RS256'] as const) {
      const p = mdsPki(alg);
      const blob = mdsBlob(p, {
        no: 42, nextUpdate: '2027-01-01', entries: [
          acmeEntry({ aaguid: ACME_AAGUID.toUpperCase() }),
          { aaid: '4e4e#4005', metadataStatement: { description: 'a UAF authenticator', attestationRootCertificates: [] }, statusReports: [] },
          mdsEntry({ aaguid: OTHER_AAGUID, description: 'no usable root', roots: [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])] }),
          mdsEntry({ keyIds: ['AB'.repeat(20)], description: 'Acme U2F', roots: [vendorRoot] }),
        ],
      });
      const r = await verifyMetadataBlob(blob, { roots: [p.root], at: NOW });
      expect(r).toMatchObject({ no: 42, nextUpdate: '2027-01-01', signer: 'C=US, O=Test Metadata Service, CN=mds.test.invalid', root: 'C=BE, O=Test MDS Root Org, CN=Test MDS Root', skipped: 2 });
      expect(r.entries.map((e) => [e.aaguid, e.attestationCertificateKeyIdentifiers, e.description])).toEqual([
        [ACME_AAGUID, undefined, 'Acme Key 2 NFC'],
        [undefined, ['ab'.repeat(20)], 'Acme U2F'],
      ]);
      expect(r.entries[0].attestationRootCertificates).toEqual([vendorRoot]);
    }
  });

  it('by default only the FIDO Alliance roots (GlobalSign Root R46, Root CA - R3) are accepted: a test-root BLOB is mds-untrusted', async () => {
    expect(fidoMdsRoots().map((a) => a.certificate.subject.text)).toEqual([
      'C=BE, O=GlobalSign nv-sa, CN=GlobalSign Root R46', 'OU=GlobalSign Root CA - R3, O=GlobalSign, CN=GlobalSign',
    ]);
    // Pinned fingerprints, recomputed with node:crypto (provenance: test/vectors/SOURCES-sas-webauthn.md).
    expect(fidoMdsRoots().map((a) => new NodeX509(Buffer.from(a.certificate.der)).fingerprint256)).toEqual([
      '4F:A3:12:6D:8D:3A:11:D1:C4:85:5A:4F:80:7C:BA:D6:CF:91:9D:3A:5A:88:B0:3B:EA:2C:63:72:D9:3C:40:C9',
      'CB:B5:22:D7:B7:F1:27:AD:6A:01:13:86:5B:DF:1C:D4:10:2E:7D:07:59:AF:63:5A:7C:F4:72:0D:C9:63:C5:3B',
    ]);
    const e = await verifyMetadataBlob(mdsBlob(pki, { entries: [acmeEntry()] }), { at: NOW }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MetadataError);
    expect(e).toMatchObject({ code: 'mds-untrusted', message: expect.stringMatching(/signer "C=US, O=Test Metadata Service, CN=mds.test.invalid" is not trusted: .*\[chain-untrusted\]/) });
  });

  it('attacks: a changed payload or header, a self-signed or foreign signer, an expired signer, alg none, no x5c, crit → refused before any entry is read', async () => {
    const good = mdsBlob(pki, { entries: [acmeEntry()] });
    const [h, p, s] = good.split('.');
    const evil = Buffer.from(JSON.stringify({ legalHeader: 'x', no: 8, nextUpdate: '2099-01-01', entries: [acmeEntry({ aaguid: OTHER_AAGUID })] })).toString('base64url');
    const run = (blob: string) => code(verifyMetadataBlob(blob, { roots: [pki.root], at: NOW }));
    expect(await run(good)).toBe('ok');
    expect(await run(`${h}.${evil}.${s}`)).toBe('mds-bad-signature'); // swapped payload
    const sig = Buffer.from(s, 'base64url');
    sig[10] ^= 1;
    expect(await run(`${h}.${p}.${sig.toString('base64url')}`)).toBe('mds-bad-signature');
    expect(await run(`${h}.${p}.${Buffer.from(sig.subarray(0, 63)).toString('base64url')}`)).toBe('mds-bad-signature'); // not 64 bytes (RFC 7518 §3.4)
    // A DER-encoded ECDSA signature is not a JWS signature.
    const { sign } = await import('node:crypto');
    const derSig = sign('sha256', Buffer.from(`${h}.${p}`), pki.signerKey);
    expect(await run(`${h}.${p}.${derSig.toString('base64url')}`)).toBe('mds-bad-signature');
    // Signed by another PKI: its own (valid) chain does not reach the named root.
    const other = mdsPki('ES256');
    expect(await run(mdsBlob(other, { entries: [acmeEntry()] }))).toBe('mds-untrusted');
    // x5c = [a self-signed certificate of the same name] — not accepted as "unknown issuer".
    const selfKey = ecKey();
    const self = makeCert({ subject: [['C', 'US'], ['O', 'Test Metadata Service'], ['CN', 'mds.test.invalid']], publicKey: selfKey.publicKey, signingKey: selfKey.privateKey, ca: false });
    expect(await run(mdsBlob({ ...pki, signer: self, signerKey: selfKey.privateKey }, { x5c: [self] }))).toBe('mds-untrusted');
    // The signer only, without the intermediate: no path.
    expect(await run(mdsBlob(pki, { x5c: [pki.signer] }))).toBe('mds-untrusted');
    // Expired signing certificate.
    const old = mdsPki('ES256', { signerNotAfter: new Date('2020-01-01') });
    expect(await code(verifyMetadataBlob(mdsBlob(old, {}), { roots: [old.root], at: NOW }))).toBe('mds-untrusted');
    // Header games.
    const unsigned = (header: Record<string, unknown>) => mdsBlob(pki, { header });
    expect(await run(unsigned({ alg: 'none', x5c: [] }))).toBe('mds-unsupported');
    expect(await run(unsigned({ alg: 'HS256', x5c: [Buffer.from(pki.signer).toString('base64')] }))).toBe('mds-unsupported');
    expect(await run(unsigned({ alg: 'ES256', x5u: 'https://example.invalid/chain' }))).toBe('mds-unsupported');
    expect(await run(unsigned({ alg: 'ES256', crit: ['exp'], x5c: [pki.signer, pki.intermediate].map((c) => Buffer.from(c).toString('base64')) }))).toBe('mds-unsupported');
    expect(await run(unsigned({ alg: 'ES256', x5c: ['not base64!'] }))).toBe('mds-malformed');
    // Shapes.
    for (const bad of ['', 'a.b', 'a.b.c.d', `${h}.${p}`, `${h}.${p}.${s}=`, `${h}!.${p}.${s}`]) expect(await run(bad), bad).toBe('mds-malformed');
    expect(await run(mdsBlob(pki, { payload: { no: -1, nextUpdate: '2099-01-01', entries: [] } }))).toBe('mds-malformed');
    expect(await run(mdsBlob(pki, { payload: { no: 1, nextUpdate: 'soon', entries: [] } }))).toBe('mds-malformed');
    expect(await run(mdsBlob(pki, { payload: [1, 2] }))).toBe('mds-malformed');
    // A malformed entry is left out (it vouches for nothing); the rest of the BLOB stays usable.
    const mixed = await verifyMetadataBlob(mdsBlob(pki, { entries: [{ aaguid: 'not-a-uuid', statusReports: [] }, { aaguid: ACME_AAGUID }, acmeEntry()] }), { roots: [pki.root], at: NOW });
    expect([mixed.skipped, mixed.entries.map((e) => e.description)]).toEqual([2, ['Acme Key 2 NFC']]);
  });
});

describe('trust store: an imported BLOB decides attestation verdicts', () => {
  it('a listed model → hardware-attested, with the entry\'s description as model and the root\'s O as vendor', async () => {
    expect((await verify(registration())).trust).toBe('attested-unknown-vendor');
    const { store, metadata } = await importOf(mdsBlob(pki, { no: 3, entries: [acmeEntry()] }));
    expect(metadata).toMatchObject({ no: 3, entries: 1, compromised: 0, stale: false, origin: 'test' });
    useTrustStore(store);
    expect(await verify(registration())).toMatchObject({ trust: 'hardware-attested', vendor: 'Acme Keys AB', model: 'Acme Key 2 NFC' });
    useTrustStore(undefined);
    expect((await verify(registration())).trust).toBe('attested-unknown-vendor');
  });

  it('an entry vouches only for its own AAGUID: the same root under another AAGUID stays attested-unknown-vendor', async () => {
    useTrustStore((await importOf(mdsBlob(pki, { entries: [acmeEntry()] }))).store);
    expect((await verify(registration(OTHER_AAGUID))).trust).toBe('attested-unknown-vendor');
  });

  it('a compromised model is refused (ATTESTATION_KEY_COMPROMISE, USER_VERIFICATION_BYPASS, REVOKED); a report naming another certificate is not this one', async () => {
    for (const status of ['ATTESTATION_KEY_COMPROMISE', 'USER_VERIFICATION_BYPASS', 'REVOKED']) {
      const reports = [{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2023-01-01' }, { status, effectiveDate: '2025-06-01' }];
      const { store, metadata } = await importOf(mdsBlob(pki, { entries: [acmeEntry({ statusReports: reports })] }));
      expect(metadata.compromised).toBe(1);
      useTrustStore(store);
      const e = await verify(registration()).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'authenticator-compromised', message: `the FIDO Metadata Service reports ${status} since 2025-06-01 for Acme Key 2 NFC: its attestation cannot be relied on` });
    }
    const otherLeaf = makeCert({ subject: [['CN', 'another batch']], issuer: [['C', 'SE'], ['O', 'Acme Keys AB'], ['CN', 'Acme FIDO Root']], publicKey: ecKey().publicKey, signingKey: vendorKey.privateKey, ca: false });
    const reports = [{ status: 'ATTESTATION_KEY_COMPROMISE', effectiveDate: '2025-06-01', certificate: otherLeaf }];
    useTrustStore((await importOf(mdsBlob(pki, { entries: [acmeEntry({ statusReports: reports })] }))).store);
    expect((await verify(registration())).trust).toBe('hardware-attested');
    const mine = [{ status: 'ATTESTATION_KEY_COMPROMISE', certificate: leaf }];
    useTrustStore((await importOf(mdsBlob(pki, { entries: [acmeEntry({ statusReports: mine })] }))).store);
    expect(await code(verify(registration(ACME_AAGUID, [leaf])))).toBe('authenticator-compromised');
    expect((await verify(registration())).trust).toBe('hardware-attested'); // another batch certificate of that model
    expect(compromiseOf({ statusReports: [{ status: 'UPDATE_AVAILABLE' }, { status: 'FIDO_CERTIFIED_L2' }] })).toBeUndefined();
  });

  it('U2F keys are found by attestation key id (SHA-1 of the subjectPublicKey, RFC 5280 §4.2.1.2 (1)), cross-checked with node:crypto', async () => {
    const u2fLeaf = makeCert({ subject: [['CN', 'Acme U2F EE']], issuer: [['C', 'SE'], ['O', 'Acme Keys AB'], ['CN', 'Acme FIDO Root']], publicKey: leafKey.publicKey, signingKey: vendorKey.privateKey, ca: false });
    const jwk = leafKey.publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    const keyId = createHash('sha1').update(point).digest('hex');
    expect(await certificateKeyId(parseCertificate(u2fLeaf))).toBe(keyId);
    const r = fidoU2f({ leafKey: leafKey.privateKey, cert: u2fLeaf });
    expect((await verify(r)).trust).toBe('attested-unknown-vendor');
    useTrustStore((await importOf(mdsBlob(pki, { entries: [mdsEntry({ keyIds: [keyId], description: 'Acme U2F Key', roots: [vendorRoot] })] }))).store);
    expect(await verify(r)).toMatchObject({ trust: 'hardware-attested', model: 'Acme U2F Key' });
  });

  it('§3.2 step 5: an older BLOB (lower no) than the one imported is refused; the same or a newer one replaces it', async () => {
    const { store } = await importOf(mdsBlob(pki, { no: 5, entries: [acmeEntry()] }));
    expect(await code(importOf(mdsBlob(pki, { no: 4, entries: [] }), store))).toBe('mds-rollback');
    const newer = await importOf(mdsBlob(pki, { no: 6, entries: [] }), store);
    expect(newer.store.metadata!.no).toBe(6);
    expect(newer.store.metadata!.entries).toEqual([]);
    expect(removeMetadata(newer.store).metadata).toBeUndefined();
    // A BLOB past its nextUpdate is imported and flagged stale.
    const stale = await importOf(mdsBlob(pki, { no: 9, nextUpdate: '2026-11-30' }));
    expect(stale.metadata.stale).toBe(true);
  });
});

describe('trust store: the user\'s own anchors', () => {
  const pem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

  it('add (PEM) → hardware-attested with the given vendor, list shows origin, remove by id prefix → back to attested-unknown-vendor', async () => {
    const { store, added } = addAnchor(emptyTrustStore(), pem(vendorRoot), { origin: 'file /tmp/acme.pem', vendor: 'Acme', now: Date.UTC(2026, 0, 2) });
    const fp = createHash('sha256').update(vendorRoot).digest('hex');
    expect(added).toEqual([{
      id: fp.slice(0, 16), fingerprint: fp, subject: 'C=SE, O=Acme Keys AB, CN=Acme FIDO Root', issuer: 'C=SE, O=Acme Keys AB, CN=Acme FIDO Root',
      vendor: 'Acme', origin: 'file /tmp/acme.pem', addedAt: '2026-01-02T00:00:00.000Z', notAfter: '2046-07-14T02:40:00.000Z',
    }]);
    expect(listTrust(store).anchors).toEqual(added);
    useTrustStore(store);
    expect(await verify(registration())).toMatchObject({ trust: 'hardware-attested', vendor: 'Acme' });
    // A user anchor is not scoped: another AAGUID under the same root is attested too (no model claimed).
    expect(await verify(registration(OTHER_AAGUID))).toMatchObject({ trust: 'hardware-attested', vendor: 'Acme', model: undefined });
    const { store: none, removed } = removeAnchor(store, fp.slice(0, 8).toUpperCase());
    expect(removed.id).toBe(fp.slice(0, 16));
    useTrustStore(none);
    expect((await verify(registration())).trust).toBe('attested-unknown-vendor');
  });

  it('the attestation certificate itself may be the anchor (FIDO MDS3 allows it; Solo\'s CA is unpublished)', async () => {
    useTrustStore(addAnchor(emptyTrustStore(), leaf, { origin: 'test' }).store);
    expect(await verify(registration(ACME_AAGUID, [leaf]))).toMatchObject({ trust: 'hardware-attested', vendor: 'Acme Keys AB' });
  });

  it('errors: duplicate, unknown id, no certificate, garbage', async () => {
    const { store } = addAnchor(emptyTrustStore(), vendorRoot, { origin: 'a' });
    expect(await code(() => addAnchor(store, pem(vendorRoot), { origin: 'b' }))).toBe('trust-duplicate');
    expect(await code(() => addAnchor(emptyTrustStore(), pem(vendorRoot) + pem(vendorRoot), { origin: 'b' }))).toBe('trust-duplicate');
    expect(await code(() => removeAnchor(store, '00000000'))).toBe('trust-not-found');
    expect(await code(() => removeAnchor(store, 'abc'))).toBe('invalid-value');
    expect(await code(() => addAnchor(store, 'no pem here', { origin: 'b' }))).toBe('invalid-value');
    expect(await code(() => addAnchor(store, new Uint8Array([1, 2, 3]), { origin: 'b' }))).toBe('malformed-certificate');
    expect(await code(() => addAnchor(store, leaf, { origin: 'b', vendor: '' }))).toBe('invalid-value');
  });

  it('encode → decode is lossless; a damaged file is trust-store-corrupt, naming the field', async () => {
    let store = addAnchor(emptyTrustStore(), vendorRoot, { origin: 'file a.pem', vendor: 'Acme', now: 1 }).store;
    store = (await importOf(mdsBlob(pki, { no: 11, entries: [acmeEntry({ statusReports: [{ status: 'REVOKED', certificate: leaf }] })] }), store)).store;
    expect(decodeTrustStore(encodeTrustStore(store))).toEqual(store);
    const text = encodeTrustStore(store);
    const cases: Array<[string, RegExp]> = [
      ['{', /not JSON/],
      ['{"version":2,"anchors":[]}', /expected \{ "version": 1/],
      [text.replace(/"der":"[^"]+"/, '"der":"AAAA"'), /anchors\[0\] is not a certificate/],
      [text.replace('"addedAt":1', '"addedAt":"x"'), /anchors\[0\]\.addedAt is not an integer/],
      [text.replace('"no":11', '"no":"11"'), /metadata\.no is not an integer/],
      [text.replace('"description":"Acme Key 2 NFC"', '"description":5'), /metadata\.entries\[0\]\.description is not a string/],
    ];
    for (const [t, re] of cases) {
      const e = await code(() => decodeTrustStore(t));
      expect(e, t.slice(0, 40)).toBe('trust-store-corrupt');
      expect(() => decodeTrustStore(t)).toThrow(re);
    }
    expect(await code(() => decodeTrustStore(text.replace(/"addedAt":1/, '"addedAt":1.5')))).toBe('trust-store-corrupt');
    expect(TrustStoreError.name).toBe('TrustStoreError');
  });
});
