// For the trust scenario (scenarios/70-trust.mjs), run with tsx: from an enrolled identity's bundle
// (hex, argv[3]) writes into argv[2] the attestation certificate of Chromium's virtual authenticator
// (anchor.pem), a test metadata root (mds-root.pem) and two synthetic FIDO MDS3 BLOBs signed under it
// listing that authenticator — no. 1 certified, no. 2 reporting it compromised. Never the real service.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'cborg';
import { ready } from '../../src/core/index.js';
import { decodeBundle } from '../../src/identity/index.js';
import { mdsBlob, mdsEntry, mdsPki } from '../identity/fixtures/make-mds.js';
import { CHROMIUM_AAGUID } from '../identity/fixtures/make-attestation.js';

await ready();
const [dir, bundleHex] = process.argv.slice(2);
const bundle = decodeBundle(new Uint8Array(Buffer.from(bundleHex, 'hex')));
const att = decode(bundle.binding!.attestationObject!, { useMaps: true }) as Map<string, Map<string, unknown>>;
const leaf = (att.get('attStmt')!.get('x5c') as Uint8Array[])[0];
const pem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
const pki = mdsPki('ES256');
const entry = (statusReports?: Parameters<typeof mdsEntry>[0]['statusReports']) =>
  mdsEntry({ aaguid: CHROMIUM_AAGUID, description: 'Chromium virtual authenticator (MDS test entry)', roots: [leaf], statusReports });
writeFileSync(join(dir, 'anchor.pem'), pem(leaf));
writeFileSync(join(dir, 'mds-root.pem'), pem(pki.root));
writeFileSync(join(dir, 'mds-1.jwt'), mdsBlob(pki, { no: 1, entries: [entry()] }));
writeFileSync(join(dir, 'mds-2.jwt'), mdsBlob(pki, { no: 2, entries: [entry([{ status: 'USER_VERIFICATION_BYPASS', effectiveDate: '2026-09-09' }])] }));
