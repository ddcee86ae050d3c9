// `keyprint trust` (src/cli/trust.ts over src/identity/trust-store.ts, mds.ts) and its effect on every
// command that verifies an attestation (whoami, card, verify, enroll): an identity enrolled on the
// software authenticator is attested-unknown-vendor; after `trust add` of the emulator's CA — or after
// importing a synthetic MDS3 BLOB (signed under a test root, named with --root) that lists its AAGUID —
// the same identity reports hardware-attested; a BLOB reporting the model compromised makes it refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { CtapHidDevice, SoftAuthenticator, serveUdp, type UdpServer } from '../../src/hardware/node.js';
import { EMULATOR_AAGUID } from '../../src/identity/index.js';
import { runCli } from '../_cli.js';
import { mdsBlob, mdsEntry, mdsPki } from '../identity/fixtures/make-mds.js';

const pem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

let dir: string;
let server: UdpServer;
let device: CtapHidDevice;
let authenticator: SoftAuthenticator;
let home: string;
let did: string;
let caPem: string;
const pki = mdsPki('RS256');
let rootPem: string;
const file = (name: string, data: string | Uint8Array) => { const p = join(dir, name); writeFileSync(p, data); return p; };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyprint-trust-'));
  authenticator = await SoftAuthenticator.create();
  device = new CtapHidDevice(authenticator);
  server = await serveUdp(device, { port: 0 });
  home = join(dir, 'home');
  const r = await runCli(['enroll', '--name', 'Ada', '--device', `udp:127.0.0.1:${server.port}`, '--home', home, '--json']);
  expect(r.stderr).toBe('');
  did = JSON.parse(r.stdout).did;
  caPem = file('emulator-ca.pem', pem(authenticator.attestationCaCertificate));
  rootPem = file('test-mds-root.pem', pem(pki.root));
});
afterAll(async () => {
  device.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const whoami = async () => JSON.parse((await runCli(['whoami', '--home', home, '--json'])).stdout);

describe('keyprint trust add / list / remove', () => {
  it('enrolled as attested-unknown-vendor; nothing of the user\'s own yet', async () => {
    expect(await whoami()).toMatchObject({ did, trust: 'attested-unknown-vendor' });
    const l = await runCli(['trust', 'list', '--home', home]);
    expect(l.status).toBe(0);
    expect(l.stdout).toMatch(/^No trust anchors of your own in .*\(add one: keyprint trust add CERT\.pem\)\.\nNo FIDO Metadata Service BLOB imported/);
  });

  it('trust add CA.pem --vendor → whoami, card and verify report hardware-attested for the same identity', async () => {
    const fp = createHash('sha256').update(authenticator.attestationCaCertificate).digest('hex');
    const a = await runCli(['trust', 'add', caPem, '--vendor', 'Keyprint Test Lab', '--home', home]);
    expect(a.stderr).toBe('');
    expect(a.stdout).toBe(`trusted: ${fp.slice(0, 16)}  Keyprint Test Lab: C=US, O=keyprint, CN=keyprint software authenticator CA\n`);
    expect(statSync(join(home, 'trust.json')).mode & 0o777).toBe(0o600);
    const l = JSON.parse((await runCli(['trust', 'list', '--home', home, '--json'])).stdout);
    expect(l.anchors).toEqual([expect.objectContaining({ id: fp.slice(0, 16), vendor: 'Keyprint Test Lab', origin: `file ${caPem}` })]);

    const w = await whoami();
    expect(w).toMatchObject({ trust: 'hardware-attested', enrolledTrust: 'attested-unknown-vendor', authenticator: { vendor: 'Keyprint Test Lab' } });
    const text = (await runCli(['whoami', '--home', home])).stdout;
    expect(text).toMatch(/trust: +hardware-attested — .*\(at enrollment: attested-unknown-vendor\)/);
    const card = join(dir, 'card.svg');
    const c = await runCli(['card', '--out', card, '--home', home, '--device', `udp:127.0.0.1:${server.port}`, '--json']);
    expect(JSON.parse(c.stdout)).toMatchObject({ trust: 'hardware-attested' });
    // verify has no --home flag: it reads the default home's trust store ($KEYPRINT_HOME).
    const v = await runCli(['verify', card], { KEYPRINT_HOME: home });
    // A compact card carries its maker's signed verdict: the holder's claim, never more, in any home (issue 16).
    const claim = new RegExp(`^VERIFIED: Ada ${did} — unattested \\(the card claims hardware-attested, .*claimed by the card's holder, not checked here\\)`);
    expect(v.stdout).toMatch(claim);
    const vOther = await runCli(['verify', card], { KEYPRINT_HOME: join(dir, 'elsewhere') });
    expect(vOther.stdout).toMatch(claim);

    const dup = await runCli(['trust', 'add', caPem, '--home', home]);
    expect(dup.status).toBe(2);
    expect(dup.stderr).toBe(`keyprint: this certificate is already trusted (id ${fp.slice(0, 16)}) [trust-duplicate]\n`);

    const r = await runCli(['trust', 'remove', fp.slice(0, 10), '--home', home]);
    expect(r.stdout).toBe(`removed: ${fp.slice(0, 16)}  Keyprint Test Lab: C=US, O=keyprint, CN=keyprint software authenticator CA\n`);
    expect((await whoami()).trust).toBe('attested-unknown-vendor');
  });
});

describe('keyprint trust import-mds', () => {
  const listed = (statusReports?: Parameters<typeof mdsEntry>[0]['statusReports']) =>
    mdsEntry({ aaguid: EMULATOR_AAGUID, description: 'keyprint Soft Key (MDS test entry)', roots: [authenticator.attestationCaCertificate], statusReports });

  it('without --root the FIDO Alliance root is required: a test-root BLOB is refused, nothing imported', async () => {
    const blob = file('blob-1.jwt', mdsBlob(pki, { no: 1, entries: [listed()] }));
    const r = await runCli(['trust', 'import-mds', blob, '--home', home]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^keyprint: metadata BLOB signer "C=US, O=Test Metadata Service, CN=mds\.test\.invalid" is not trusted: .* \[mds-untrusted\]\n$/);
    expect(JSON.parse((await runCli(['trust', 'list', '--home', home, '--json'])).stdout).metadata).toBeUndefined();
  });

  it('a BLOB listing the emulator\'s AAGUID → hardware-attested with the entry\'s description as the model', async () => {
    const blob = file('blob-2.jwt', mdsBlob(pki, { no: 2, nextUpdate: '2099-12-31', entries: [listed()] }));
    const r = await runCli(['trust', 'import-mds', blob, '--root', rootPem, '--home', home]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^imported FIDO Metadata Service BLOB no\. 2: 1 authenticator models, 0 reported compromised \(refused\); next update 2099-12-31\n/);
    expect(await whoami()).toMatchObject({ trust: 'hardware-attested', authenticator: { model: 'keyprint Soft Key (MDS test entry)', modelAttested: true } });
    const older = await runCli(['trust', 'import-mds', file('blob-0.jwt', mdsBlob(pki, { no: 1, entries: [] })), '--root', rootPem, '--home', home]);
    expect(older.status).toBe(2);
    expect(older.stderr).toMatch(/older than the one imported before \(no\. 2\): download the current one \[mds-rollback\]/);
  });

  it('a newer BLOB reporting the model compromised → whoami says REFUSED (exit 1), enroll refuses the key', async () => {
    const blob = file('blob-3.jwt', mdsBlob(pki, { no: 3, entries: [listed([{ status: 'ATTESTATION_KEY_COMPROMISE', effectiveDate: '2026-10-01' }])] }));
    expect((await runCli(['trust', 'import-mds', blob, '--root', rootPem, '--home', home])).stdout).toMatch(/1 reported compromised/);
    const w = await runCli(['whoami', '--home', home]);
    expect(w.status).toBe(1);
    expect(w.stdout).toMatch(/attestation: +REFUSED — .*ATTESTATION_KEY_COMPROMISE since 2026-10-01 for keyprint Soft Key \(MDS test entry\).*\[authenticator-compromised\]/);
    // A new enrollment in a home that imported the same BLOB is refused before anything is written.
    const refusedHome = join(dir, 'refused');
    expect((await runCli(['trust', 'import-mds', blob, '--root', rootPem, '--home', refusedHome])).status).toBe(0);
    const bad = await runCli(['enroll', '--name', 'Eve', '--device', `udp:127.0.0.1:${server.port}`, '--home', refusedHome]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^keyprint: the security key's attestation does not verify: the FIDO Metadata Service reports ATTESTATION_KEY_COMPROMISE .* \[authenticator-compromised\] \[attestation-invalid\]\n$/);
    expect(() => statSync(join(refusedHome, 'identity.bundle'))).toThrow();
  });
});

describe('keyprint trust: errors', () => {
  it('usage errors exit 2; a damaged or group-writable trust.json stops the commands that rely on it', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['trust', 'frob'], /trust: expected list, add, remove or import-mds, got "frob"/],
      [['trust', 'add'], /trust add: expected one CERT file, got 0 argument\(s\)/],
      [['trust', 'list', 'x'], /trust list: expected nothing, got 1 argument\(s\)/],
      [['trust', 'remove', 'a', '--vendor', 'x'], /trust remove: Unknown option '--vendor'/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
    }
    const broken = join(dir, 'broken');
    await runCli(['trust', 'add', caPem, '--home', broken]);
    writeFileSync(join(broken, 'trust.json'), '{"version":1,"anchors":[{"der":"AAAA"}]}');
    chmodSync(join(broken, 'trust.json'), 0o600);
    const v = await runCli(['whoami', '--home', broken]);
    expect(v.status).toBe(2);
    expect(v.stderr).toBe(`keyprint: ${join(broken, 'trust.json')}: the trust store is damaged: anchors[0] is not a certificate (move it away and add your anchors again: keyprint trust add) [trust-store-corrupt]\n`);
    chmodSync(join(broken, 'trust.json'), 0o666);
    const g = await runCli(['trust', 'list', '--home', broken]);
    expect(g.status).toBe(2);
    expect(g.stderr).toMatch(/trust\.json is writable by others \(mode 0666\); expected 0600 \[trust-store-corrupt\]/);
    const missing = await runCli(['trust', 'add', join(dir, 'nope.pem'), '--home', join(dir, 'other')]);
    expect(missing.stderr).toMatch(/cannot read certificate .*nope\.pem: ENOENT \[input\]/);
  });
});
