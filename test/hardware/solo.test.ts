// keyprint's CLI against authenticators it did not write: the Solo 1 firmware's PC simulation (CTAP
// 2.0 / FIDO_2_1_PRE, PIN protocol 1 only, no pinUvAuthToken option, a leaf-only attestation from an
// unpublished CA, answers always to 127.0.0.1:7112) — and the same suite against `keyprint emulator
// --ctap 2.0`, a protocol-1-only CTAP 2.0 key. No shims, no relay: `--device udp:127.0.0.1:8111` as a
// user would type it. python3-fido2 sets the PIN and reads retries and credentials independently.
// Also: a second key (another `keyprint emulator --ctap 2.0`) added with `enroll --add`, and a home
// written before envelope version 2 upgraded by its next unlock (both salts in one assertion).
// One file on purpose: the simulation owns UDP 8111 and 7112, so nothing else may run against it at
// the same time (vitest runs files in parallel, tests within a file in order).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { decode } from 'cborg';
import { decodeBundle, envelopeInfo } from '../../src/identity/index.js';
import { openAuthenticator } from '../../src/hardware/node.js';
import { legacyHome } from '../cli/_legacy-home.js';
import { mdsBlob, mdsEntry, mdsPki } from '../identity/fixtures/make-mds.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../_cli.js';
import { pythonFido2Missing } from './_python.js';
import { buildSolo, python, startEmulator20, startSolo, type RunningKey } from './_solo.js';

const CI = process.env.CI === 'true';
const built = buildSolo();
// On CI the simulation must build and python-fido2 must run (.ci/run installs both); elsewhere a
// machine without them skips this file with the reason.
const missing = built.error ? `the Solo simulation does not build: ${built.error}` : pythonFido2Missing;
if (CI && missing) throw new Error(`solo.test.ts cannot run on CI: ${missing}`);

interface Target {
  name: string;
  start(state: string): Promise<RunningKey>;
  /** What `keyprint devices` prints for it. */
  versions: string;
  aaguid: string;
  model: RegExp;
  /** Whether it has authenticatorCredentialManagement (CTAP 2.1 §6.8). */
  credentialManagement: boolean;
  /** Its resident credential IDs (hex, sorted), read independently of keyprint. */
  credentials(key: RunningKey, dir: string): Promise<string[]>;
}

const TARGETS: Target[] = [
  {
    name: 'Solo 1 firmware PC simulation',
    start: (state) => startSolo(built.bin!, state),
    versions: 'U2F_V2, FIDO_2_0, FIDO_2_1_PRE',
    aaguid: '0076631b-d4a0-427f-5773-0ec71c9e0279',
    model: /^unknown authenticator$/,
    credentialManagement: true,
    // python-fido2's CredentialManagement over the simulation.
    credentials: async (key) => Object.values((await python(key, { listWithPin: '1234' })).rps ?? {}).flat().sort(),
  },
  {
    name: 'keyprint emulator --ctap 2.0',
    start: startEmulator20,
    versions: 'FIDO_2_0',
    aaguid: '6b657970-7269-6e74-2d73-6f6674000001',
    model: /keyprint software authenticator/,
    credentialManagement: false,
    // A CTAP 2.0 key cannot list its credentials: read the emulator's state file.
    credentials: async (_key, dir) => (JSON.parse(readFileSync(join(dir, 'state', 'state.json'), 'utf8')).credentials as Array<{ id: string; discoverable: boolean }>)
      .filter((c) => c.discoverable).map((c) => Buffer.from(c.id, 'base64url').toString('hex')).sort(),
  },
];

const temps: string[] = [];
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
};
afterAll(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

describe.skipIf(missing !== undefined).each(TARGETS)(`$name${missing ? ` (skipped: ${missing})` : ''}`, (target) => {
  let key: RunningKey;
  let dir: string;
  const cli = (...args: string[]) => runCli(args);
  beforeAll(async () => {
    dir = temp('keyprint-solo-');
    key = await target.start(join(dir, 'state'));
  });
  afterAll(async () => { await key?.stop(); });
  const home = (name: string) => join(dir, name);

  it('keyprint devices --udp HOST:PORT: getInfo as the key sends it (PIN protocol 1, no pinUvAuthToken)', async () => {
    const r = await cli('devices', '--udp', key.device.slice(4));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`versions: +${target.versions}\n`));
    expect(r.stdout).toMatch(new RegExp(`aaguid: +${target.aaguid}`));
    expect(r.stdout).toMatch(/extensions: credProtect, hmac-secret/);
    expect(r.stdout).toMatch(/PIN: +not set \(PIN\/UV protocols 1\)/);
    expect(r.stdout).not.toMatch(/pinUvAuthToken/);
  });

  let ada: Record<string, any>;
  it('enroll without a PIN → attested-unknown-vendor (its CA is nobody\'s anchor)', async () => {
    const r = await cli('enroll', '--name', 'Ada', '--device', key.device, '--home', home('ada'), '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    ada = JSON.parse(r.stdout);
    expect(ada).toMatchObject({ enrolled: true, name: 'Ada', trust: 'attested-unknown-vendor', pinRequired: false, authenticator: { aaguid: target.aaguid, fmt: 'packed', modelAttested: false } });
    expect(ada.authenticator.model).toMatch(target.model);
  });

  it('whoami: the identity, its trust and a valid binding, without the key', async () => {
    const r = await cli('whoami', '--home', home('ada'), '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'Ada', did: ada.did, trust: 'attested-unknown-vendor', binding: 'valid', pinRequired: false });
  });

  it('unlock: hmac-secret over PIN protocol 1 opens the envelope', async () => {
    const r = await cli('unlock', '--device', key.device, '--home', home('ada'));
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`identity unlocked: Ada ${ada.did}`);
  });

  it('card + verify: the printed card verifies offline as attested-unknown-vendor', async () => {
    const out = join(dir, 'ada.svg');
    // A full card (the attestation on it): verify checks the attestation itself, not a holder's claim.
    const c = await cli('card', '--out', out, '--home', home('ada'), '--max-qr-version', '40', '--json');
    expect(c.stderr).toBe('');
    expect(JSON.parse(c.stdout)).toMatchObject({ did: ada.did, trust: 'attested-unknown-vendor' });
    const v = await cli('verify', out);
    expect(v.status).toBe(0);
    // A compact card: the maker's verdict is its claim, reported as such (issue 16, "claims stay claims").
    expect(v.stdout).toMatch(new RegExp(`^VERIFIED: Ada ${ada.did} — attested-unknown-vendor, .*; printed fingerprint matches`));
  });

  it('a PIN set by python-fido2: enroll without --pin is refused, a wrong PIN reports the retries left', async () => {
    expect(await python(key, { setPin: '1234' })).toMatchObject({ protocol: 1, retries: 8 });
    const none = await cli('enroll', '--name', 'Bo', '--device', key.device, '--home', home('bo'));
    expect(none.status).toBe(2);
    expect(none.stderr).toBe('keyprint: this security key has a PIN: pass --pin PIN [pin-required]\n');
    const wrong = await cli('enroll', '--name', 'Bo', '--device', key.device, '--home', home('bo'), '--pin', '9999');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe('keyprint: wrong PIN (7 attempts left) [pin-invalid]\n');
    expect((await python(key)).retries).toBe(7);
  });

  let bo: Record<string, any>;
  it('enroll --pin: user-verified credential; the right PIN resets the retries', async () => {
    const r = await cli('enroll', '--name', 'Bo', '--device', key.device, '--home', home('bo'), '--pin', '1234', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    bo = JSON.parse(r.stdout);
    expect(bo).toMatchObject({ name: 'Bo', pinRequired: true, trust: 'attested-unknown-vendor' });
    expect(r.stdout).not.toContain('1234');
    expect((await python(key)).retries).toBe(8);
  });

  it('unlock needs the PIN it was enrolled with; whoami, card and verify for the PIN identity', async () => {
    const noPin = await cli('unlock', '--device', key.device, '--home', home('bo'));
    expect(noPin.status).toBe(2);
    expect(noPin.stderr).toMatch(/enrolled with a PIN: pass --pin PIN \[pin-required\]/);
    const ok = await cli('unlock', '--device', key.device, '--home', home('bo'), '--pin', '1234');
    expect(ok.stdout.trim()).toBe(`identity unlocked: Bo ${bo.did}`);
    const who = JSON.parse((await cli('whoami', '--home', home('bo'), '--json')).stdout);
    expect(who).toMatchObject({ did: bo.did, pinRequired: true, binding: 'valid' });
    const out = join(dir, 'bo.png');
    const c = await cli('card', '--out', out, '--home', home('bo'), '--max-qr-version', '40');
    expect(c.stderr).toBe('');
    const v = await cli('verify', out, '--digits', bo.safetyNumber);
    expect(v.stdout).toMatch(new RegExp(`^VERIFIED: Bo ${bo.did} — attested-unknown-vendor`));
    // The identity enrolled before the PIN was set still unlocks with a touch alone.
    expect((await cli('unlock', '--device', key.device, '--home', home('ada'))).stdout.trim()).toBe(`identity unlocked: Ada ${ada.did}`);
  });

  it('trust add of its attestation certificate (its CA is unpublished) → the same key reports hardware-attested', async () => {
    const leaf = attestationLeaf(home('ada'));
    const pemFile = join(dir, 'attestation.pem');
    writeFileSync(pemFile, pem(leaf));
    const t = await cli('trust', 'add', pemFile, '--vendor', 'Test vendor', '--home', home('ada'));
    expect(t.stderr).toBe('');
    expect(await json(cli('whoami', '--home', home('ada'), '--json'))).toMatchObject({ did: ada.did, trust: 'hardware-attested', enrolledTrust: 'attested-unknown-vendor', authenticator: { vendor: 'Test vendor' } });
    // Enrolling again on the key (the identity is kept; the key now has a PIN) records it too.
    const again = await json(cli('enroll', '--name', 'Ada', '--device', key.device, '--home', home('ada'), '--pin', '1234', '--json'));
    expect(again).toMatchObject({ reused: true, did: ada.did, trust: 'hardware-attested' });
    expect(again.leftCredential).toMatch(/^[A-Za-z0-9_-]+$/); // a new user-verified credential: the old one is named
  });

  it('an MDS3 BLOB fixture listing its AAGUID → a fresh enrollment is hardware-attested with the listed model', async () => {
    const pki = mdsPki('ES256');
    const entry = mdsEntry({ aaguid: target.aaguid, description: `${target.name} (MDS fixture)`, roots: [attestationLeaf(home('ada'))] });
    const blob = join(dir, 'mds.jwt');
    writeFileSync(blob, mdsBlob(pki, { no: 1, entries: [entry] }));
    writeFileSync(join(dir, 'mds-root.pem'), pem(pki.root));
    const i = await cli('trust', 'import-mds', blob, '--root', join(dir, 'mds-root.pem'), '--home', home('cy'));
    expect(i.stderr).toBe('');
    const cy = await json(cli('enroll', '--name', 'Cy', '--device', key.device, '--home', home('cy'), '--pin', '1234', '--json'));
    expect(cy).toMatchObject({ trust: 'hardware-attested', authenticator: { model: `${target.name} (MDS fixture)`, modelAttested: true, aaguid: target.aaguid } });
  });

  it('no orphans: an enrollment refused after the key made its credential removes it (credential management) or names it', async () => {
    // FIDO metadata reporting this very attestation certificate compromised: only the makeCredential
    // answer shows it, so the refusal comes after the key stored a resident credential.
    const pki = mdsPki('ES256');
    const leaf = attestationLeaf(home('ada'));
    const entry = mdsEntry({ aaguid: target.aaguid, description: target.name, roots: [leaf], statusReports: [{ status: 'ATTESTATION_KEY_COMPROMISE', effectiveDate: '2026-11-01', certificate: leaf }] });
    writeFileSync(join(dir, 'bad.jwt'), mdsBlob(pki, { no: 1, entries: [entry] }));
    writeFileSync(join(dir, 'bad-root.pem'), pem(pki.root));
    expect((await cli('trust', 'import-mds', join(dir, 'bad.jwt'), '--root', join(dir, 'bad-root.pem'), '--home', home('dee'))).status).toBe(0);
    const before = await target.credentials(key, dir);
    const r = await cli('enroll', '--name', 'Dee', '--device', key.device, '--home', home('dee'), '--pin', '1234');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^keyprint: the security key's attestation does not verify: the FIDO Metadata Service reports ATTESTATION_KEY_COMPROMISE since 2026-11-01/);
    if (target.credentialManagement) {
      expect(r.stderr).toMatch(/\(the credential it had just made was removed from the key\) \[attestation-invalid\]\n$/);
      expect(await target.credentials(key, dir)).toEqual(before);
    } else {
      const id = /id ([A-Za-z0-9_-]+)\) is still on the key, which cannot delete single credentials/.exec(r.stderr)?.[1];
      expect(id).toBeDefined();
      expect(await target.credentials(key, dir)).toEqual([...before, Buffer.from(id!, 'base64url').toString('hex')].sort());
    }
  });

  it('a second key: enroll --add (this key with its PIN unlocks, a CTAP 2.0 emulator is added), either key unlocks, the first can be removed', async () => {
    const second = await startEmulator20(join(dir, 'second-state'));
    try {
      const eve = await json(cli('enroll', '--name', 'Eve', '--device', key.device, '--pin', '1234', '--home', home('eve'), '--json'));
      const added = await json(cli('enroll', '--add', '--from', key.device, '--from-pin', '1234', '--device', second.device, '--home', home('eve'), '--json'));
      expect(added).toMatchObject({ added: true, keys: 2, did: eve.did, pinRequired: false });
      // Each key alone: the silent (up=false) probe finds which one is plugged in.
      expect((await cli('unlock', '--device', second.device, '--home', home('eve'))).stdout.trim()).toBe(`identity unlocked: Eve ${eve.did}`);
      expect((await cli('unlock', '--device', key.device, '--pin', '1234', '--home', home('eve'))).stdout.trim()).toBe(`identity unlocked: Eve ${eve.did}`);
      // The first key removed (unlocked with the second): this key no longer unlocks it.
      const removed = await json(cli('keys', 'remove', '1', '--device', second.device, '--home', home('eve'), '--json'));
      expect(removed.keys).toMatchObject([{ n: 1, pinRequired: false }]);
    } finally {
      await second.stop();
    }
  });

  it('a home from before envelope version 2: its next unlock reads salt1 = prfSalt("keyprint-wrap-v1") and salt2 = the new input in one assertion, and rewrites it', async () => {
    const device = await openAuthenticator({ udp: { port: key.port, localPort: key.replyPort }, timeoutMs: 3_000 });
    let did: string;
    try {
      did = await legacyHome(device.ctap, home('old'), 'Olga', '1234');
    } finally {
      await device.close();
    }
    const envelope = () => envelopeInfo(new Uint8Array(readFileSync(join(home('old'), 'keys', 'identity.kpw'))));
    expect(envelope().version).toBe(1);
    const r = await cli('unlock', '--device', key.device, '--pin', '1234', '--home', home('old'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`identity unlocked: Olga ${did}\nits envelope was upgraded to version 2 (a PRF input of its own, recorded with its PIN setting)\n`);
    expect(envelope()).toMatchObject({ version: 2, userVerified: true });
    expect((await cli('unlock', '--device', key.device, '--pin', '1234', '--home', home('old'))).stdout.trim()).toBe(`identity unlocked: Olga ${did}`);
  });
});

/** The attestation certificate (x5c[0]) kept in an enrolled home's bundle. */
function attestationLeaf(homeDir: string): Uint8Array {
  const bundle = decodeBundle(new Uint8Array(readFileSync(join(homeDir, 'identity.bundle'))));
  const att = decode(bundle.binding!.attestationObject!, { useMaps: true }) as Map<string, Map<string, unknown>>;
  return (att.get('attStmt')!.get('x5c') as Uint8Array[])[0];
}

const pem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

async function json(run: Promise<{ status: number | null; stdout: string; stderr: string }>): Promise<Record<string, any>> {
  const r = await run;
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}
