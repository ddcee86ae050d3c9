// `keyprint enroll`, `unlock` and `whoami` (src/cli/enroll.ts, unlock.ts, whoami.ts over
// src/enroll/enroll.ts), run from source with tsx against the software authenticator served on
// ephemeral UDP ports in this process (so the child CLI is spawned asynchronously: spawnSync would
// block the event loop the emulator answers on). Also the library calls over the in-memory link,
// and the touch prompt on a fake terminal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prfSalt } from '../../src/hardware/index.js';
import { emulator, type Emulator } from './_emulator.js';
import {
  bindingChallenge, decodeBundle, envelopeInfo, unwrapSecret, verifyAttestation, verifyBinding,
} from '../../src/identity/index.js';
import { EnrollError, KEYPRINT_RP_ID, enroll, registrationClientData, unlockIdentity } from '../../src/enroll/index.js';
import { HOME_FILES, readEnrollment, writeEnrollment } from '../../src/cli/_identity-store.js';
import { touchPrompt } from '../../src/cli/_prompt.js';
import { resolveHome } from '../../src/cli/_home.js';
import { freeUdpPort, utf8 } from '../_util.js';
import { runCli } from '../_cli.js';

const cli = runCli;

const temps: string[] = [];
const tempHome = () => {
  const d = mkdtempSync(join(tmpdir(), 'keyprint-home-'));
  temps.push(d);
  return join(d, 'home'); // not created yet: enroll makes it 0700
};
const mode = (p: string) => statSync(p).mode & 0o777;

afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('keyprint enroll / whoami / unlock against the emulator', () => {
  let emu: Emulator;
  let home: string;
  let enrolled: Record<string, any>;
  beforeAll(async () => {
    emu = await emulator();
    home = tempHome();
  });
  afterAll(async () => { await emu.close(); });

  it('enroll --json: one JSON object with did, safety number, authenticator and trust; files 0600 in a 0700 home', async () => {
    const r = await cli(['enroll', '--name', 'Ada', '--device', emu.device, '--home', home, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    enrolled = JSON.parse(lines[0]);
    expect(enrolled).toMatchObject({
      enrolled: true, reused: false, name: 'Ada', trust: 'attested-unknown-vendor', pinRequired: false, rpId: KEYPRINT_RP_ID, home,
      authenticator: { aaguid: '6b657970-7269-6e74-2d73-6f6674000001', fmt: 'packed', modelAttested: false },
    });
    expect(enrolled.did).toMatch(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/);
    expect(enrolled.safetyNumber).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(enrolled.authenticator.model).toMatch(/keyprint software authenticator/);

    expect(mode(home)).toBe(0o700);
    expect(mode(join(home, 'keys'))).toBe(0o700);
    for (const f of Object.values(HOME_FILES)) expect(mode(join(home, f))).toBe(0o600);
    expect(enrolled.files).toEqual({ bundle: join(home, HOME_FILES.bundle), credential: join(home, HOME_FILES.credential), envelope: join(home, HOME_FILES.envelope) });
  });

  it('the written bundle verifies: self-signature, CTAP binding, and the attestation rebuilt from the bundle alone', async () => {
    const bundle = decodeBundle(new Uint8Array(readFileSync(join(home, HOME_FILES.bundle))));
    expect(bundle.displayName).toBe('Ada');
    expect(bundle.binding?.kind).toBe('ctap');
    expect(verifyBinding(bundle, { rpId: KEYPRINT_RP_ID })).toEqual({ valid: true, userVerified: false });
    // docs/PROTOCOL.md (CTAP kind): clientDataHash = bindingChallenge.
    expect(bundle.binding!.clientDataHash).toEqual(bindingChallenge(bundle));
    // The registration clientDataJSON is a function of the bundle, so anyone can check the
    // attestation; with the emulator's CA as anchor it is hardware-attested.
    const r = await verifyAttestation({
      attestationObject: bundle.binding!.attestationObject!, clientDataJSON: registrationClientData(bindingChallenge(bundle)),
      rpId: KEYPRINT_RP_ID, challenge: bindingChallenge(bundle), trustAnchors: [emu.authenticator.attestationCaCertificate],
    });
    expect(r.trust).toBe('hardware-attested');
    expect(r.credentialId).toEqual(bundle.binding!.credentialId);
    // credential.json (version 2: a list of keys) holds no secret: only public fields.
    const cred = JSON.parse(readFileSync(join(home, HOME_FILES.credential), 'utf8'));
    expect(Object.keys(cred).sort()).toEqual(['keys', 'version']);
    expect(cred.version).toBe(2);
    expect(cred.keys).toHaveLength(1);
    expect(Object.keys(cred.keys[0]).sort()).toEqual(['authenticator', 'credentialId', 'enrolledAt', 'envelope', 'registrationClientDataJSON', 'rpId', 'userVerified']);
    expect(cred.keys[0]).toMatchObject({ envelope: 'identity', userVerified: false, rpId: KEYPRINT_RP_ID });
  });

  it('the envelope (version 2) carries its own random PRF input; it opens with the hmac-secret output for prfSalt(that input) — what a browser gets from WebAuthn PRF eval.first = input', async () => {
    const [key] = (await readEnrollment(home))!.keys;
    const info = envelopeInfo(key.envelope);
    expect(info).toMatchObject({ version: 2, kind: 'prf', userVerified: false });
    expect(info.prfInput).toHaveLength(32);
    expect(Buffer.from(info.prfInput!).toString()).not.toBe('keyprint-wrap-v1');
    const { ctap, close } = await emu.ctap();
    try {
      const allowList = [{ type: 'public-key' as const, id: key.credential.credentialId }];
      const { first } = await ctap.hmacSecret({ rpId: KEYPRINT_RP_ID, clientDataHash: new Uint8Array(32), allowList, salt1: prfSalt(info.prfInput!) });
      const seed = await unwrapSecret(key.envelope, { prfOutput: first, credentialId: key.credential.credentialId });
      expect(seed).toHaveLength(32);
      // The fixed public input of version 1 no longer yields the wrap secret: another page cannot ask for it.
      const { first: fixed } = await ctap.hmacSecret({ rpId: KEYPRINT_RP_ID, clientDataHash: new Uint8Array(32), allowList, salt1: prfSalt(utf8('keyprint-wrap-v1')) });
      await expect(unwrapSecret(key.envelope, { prfOutput: fixed, credentialId: key.credential.credentialId })).rejects.toThrow(/could not unwrap/);
    } finally {
      await close();
    }
  });

  it('whoami (text and --json) shows the public identity without a device', async () => {
    const text = await cli(['whoami', '--home', home]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(enrolled.did);
    expect(text.stdout).toContain(enrolled.safetyNumber);
    expect(text.stdout).toMatch(/name: +Ada/);
    expect(text.stdout).toMatch(/trust: +attested-unknown-vendor/);
    expect(text.stdout).toMatch(/binding: +valid/);
    const json = await cli(['whoami', '--json'], { KEYPRINT_HOME: home }); // $KEYPRINT_HOME instead of --home
    expect(json.status).toBe(0);
    const o = JSON.parse(json.stdout);
    expect(o).toMatchObject({ name: 'Ada', did: enrolled.did, safetyNumber: enrolled.safetyNumber, trust: 'attested-unknown-vendor', binding: 'valid', home });
    expect(o.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('unlock: one touch, prints "identity unlocked" and the did, never the secret', async () => {
    const r = await cli(['unlock', '--device', emu.device, '--home', home]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`identity unlocked: Ada ${enrolled.did}`);
    const j = await cli(['unlock', '--device', emu.device, '--home', home, '--json']);
    expect(JSON.parse(j.stdout)).toEqual({ unlocked: true, name: 'Ada', did: enrolled.did, home });
  });

  it('unlock with another (fresh) authenticator fails with a clear message, exit 1', async () => {
    const other = await emulator();
    try {
      const r = await cli(['unlock', '--device', other.device, '--home', home]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`keyprint: this security key does not unlock the identity in ${home} [wrong-key]\n`);
      expect(r.stdout).toBe('');
    } finally {
      await other.close();
    }
  });

  it('enroll again keeps the identity (unlocks it first) and its credential: no second credential on the key (issue 20 item 7)', async () => {
    expect(emu.authenticator.credentialCount).toBe(1);
    const r = await cli(['enroll', '--name', 'Ada Lovelace', '--device', emu.device, '--home', home, '--json']);
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ reused: true, name: 'Ada Lovelace', did: enrolled.did, safetyNumber: enrolled.safetyNumber });
    expect(o.leftCredential).toBeUndefined();
    expect(o.credentialId).toBe(enrolled.credentialId); // before issue 20: a new credential each time (the emulator ended with 5)
    expect(emu.authenticator.credentialCount).toBe(1);
    const bundle = decodeBundle(new Uint8Array(readFileSync(join(home, HOME_FILES.bundle))));
    expect(bundle.displayName).toBe('Ada Lovelace');
    expect(verifyBinding(bundle, { rpId: KEYPRINT_RP_ID }).valid).toBe(true);
    const u = await cli(['unlock', '--device', emu.device, '--home', home]);
    expect(u.stdout.trim()).toBe(`identity unlocked: Ada Lovelace ${enrolled.did}`);
  });

  it('enroll again with a key that does not hold the identity: refused, files unchanged', async () => {
    const other = await emulator();
    const before = readFileSync(join(home, HOME_FILES.bundle));
    try {
      const r = await cli(['enroll', '--name', 'Mallory', '--device', other.device, '--home', home]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/does not unlock the identity in .*: enroll keeps the existing identity and needs the key it is enrolled on/);
      expect(readFileSync(join(home, HOME_FILES.bundle))).toEqual(before);
    } finally {
      await other.close();
    }
  });
});

describe('keyprint enroll with a PIN', () => {
  it('needs --pin on a key with a PIN; the PIN is then needed to unlock', async () => {
    const emu = await emulator({ pin: '1234' });
    const home = tempHome();
    try {
      const noPin = await cli(['enroll', '--name', 'Bo', '--device', emu.device, '--home', home]);
      expect(noPin.status).toBe(2);
      expect(noPin.stderr).toBe('keyprint: this security key has a PIN: pass --pin PIN [pin-required]\n');

      const wrong = await cli(['enroll', '--name', 'Bo', '--device', emu.device, '--home', home, '--pin', '9999']);
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toMatch(/^keyprint: wrong PIN \(7 attempts left\) \[pin-invalid\]\n$/);

      const r = await cli(['enroll', '--name', 'Bo', '--device', emu.device, '--home', home, '--pin', '1234', '--json']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const o = JSON.parse(r.stdout);
      expect(o).toMatchObject({ name: 'Bo', pinRequired: true, trust: 'attested-unknown-vendor' });
      expect(r.stdout).not.toContain('1234');
      const bundle = decodeBundle(new Uint8Array(readFileSync(join(home, HOME_FILES.bundle))));
      expect(verifyBinding(bundle, { requireUserVerification: true })).toEqual({ valid: true, userVerified: true });

      const u1 = await cli(['unlock', '--device', emu.device, '--home', home]);
      expect(u1.status).toBe(2);
      expect(u1.stderr).toMatch(/enrolled with a PIN: pass --pin PIN \[pin-required\]/);
      const u2 = await cli(['unlock', '--device', emu.device, '--home', home, '--pin', '1234']);
      expect(u2.status).toBe(0);
      expect(u2.stdout.trim()).toBe(`identity unlocked: Bo ${o.did}`);
    } finally {
      await emu.close();
    }
  });
});

describe('keyprint enroll / unlock / whoami: errors', () => {
  it('bad flags exit 2 with a usage message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['enroll', '--device', 'udp:127.0.0.1:1'], /enroll: "--name NAME" is required/],
      [['enroll', '--name', 'Ada', '--device', 'usb'], /"--device" expected hid, hid:PATH, udp:HOST:PORT or udp:HOST:PORT@LOCALPORT, got "usb"/],
      [['enroll', '--name', 'Ada', '--device', 'udp:nonsense'], /"--device" expected hid, hid:PATH, udp:HOST:PORT or udp:HOST:PORT@LOCALPORT/],
      [['enroll', '--name', 'Ada', '--device', 'udp:127.0.0.1:8111@x'], /"--device" expected .*, got "udp:127.0.0.1:8111@x"/],
      [['enroll', '--name', 'Ada', '--device', 'udp:127.0.0.1:8111@70000'], /"--device" expected .*@LOCALPORT, got/],
      [['enroll', '--name', 'Ada\u202e', '--device', 'hid'], /"--name" expected no control or bidi characters, got U\+202E/],
      [['enroll', '--name', 'Ada', '--frobnicate'], /enroll: Unknown option '--frobnicate'/],
      [['unlock', 'extra'], /unlock: Unexpected argument 'extra'/],
      [['whoami', '--pin', '1234'], /whoami: Unknown option '--pin'/],
      [['whoami', '--home', ''], /"--home" expected a directory/],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(args)));
    runs.forEach((r, i) => {
      expect(r.status, cases[i][0].join(' ')).toBe(2);
      expect(r.stderr).toMatch(cases[i][1]);
      expect(r.stderr).toMatch(/Run "keyprint help" for usage\.\n$/);
      expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    });
  });

  it('no emulator running: a clear error within the deadline, exit 2 (no verdict)', async () => {
    const port = await freeUdpPort();
    const home = tempHome();
    const [e, u] = await Promise.all([
      cli(['enroll', '--name', 'Ada', '--device', `udp:127.0.0.1:${port}`, '--home', home]),
      cli(['unlock', '--device', `udp:127.0.0.1:${port}`, '--home', home]),
    ]);
    expect(e.status).toBe(2);
    expect(e.stderr).toBe(`keyprint: no security key found at udp:127.0.0.1:${port} (is "keyprint emulator --udp 127.0.0.1:${port}" or the SoloKeys simulator running?) [not-found]\n`);
    expect(e.ms).toBeLessThan(20_000);
    // unlock checks for an identity before it looks for a device.
    expect(u.status).toBe(2);
    expect(u.stderr).toBe(`keyprint: no identity in ${home}: run keyprint enroll [no-identity]\n`);
  });

  it('Ctrl+C while waiting for a touch cancels the request on the key: exit 2, "cancelled", nothing written', async () => {
    let asked!: () => void;
    const touchRequested = new Promise<void>((r) => { asked = r; });
    let cancelledOnKey = false;
    const emu = await emulator({
      approve: (_request, signal) => new Promise((resolve) => {
        asked();
        signal.addEventListener('abort', () => { cancelledOnKey = true; resolve(false); });
      }),
    });
    const home = tempHome();
    try {
      const r = await cli(['enroll', '--name', 'Ada', '--device', emu.device, '--home', home], {}, (child) => {
        void touchRequested.then(() => child.kill('SIGINT'));
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^keyprint: cancelled before the security key was touched \[cancelled\]\n$/);
      expect(emu.authenticator.credentialCount).toBe(0);
      expect(cancelledOnKey).toBe(true);
      expect(() => statSync(join(home, HOME_FILES.bundle))).toThrow();
    } finally {
      await emu.close();
    }
  });

  it('issue 20 item 7: Ctrl+C at the second touch says the first one made a credential, and how to delete it', async () => {
    let touches = 0;
    let asked!: () => void;
    const second = new Promise<void>((r) => { asked = r; });
    const emu = await emulator({
      approve: (_request, signal) => new Promise((resolve) => {
        if (++touches === 1) return resolve(true);
        asked();
        signal.addEventListener('abort', () => resolve(false));
      }),
    });
    const home = tempHome();
    try {
      const r = await cli(['enroll', '--name', 'Ada', '--device', emu.device, '--home', home], {}, (child) => { void second.then(() => child.kill('SIGINT')); });
      expect(r.status).toBe(2);
      expect(emu.authenticator.credentialCount).toBe(1);
      expect(r.stderr).toMatch(/^keyprint: cancelled.*; the credential it had just made \(RP keyprint\.local, user "Ada", id [A-Za-z0-9_-]+\) is still on the key: .*ykman fido credentials delete.* \[cancelled\]\n$/);
      expect(() => statSync(join(home, HOME_FILES.bundle))).toThrow();
    } finally {
      await emu.close();
    }
  });

  it('issue 20 item 7: an enroll into a HOME that cannot be written touches nothing: no credential on the key', async () => {
    const emu = await emulator();
    const file = join(tempHome().replace(/home$/, ''), 'a-file');
    writeFileSync(file, 'not a directory');
    try {
      const r = await cli(['enroll', '--name', 'Ada', '--device', emu.device, '--home', join(file, 'home')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^keyprint: cannot write .*a-file\/home: (ENOTDIR|EEXIST) — nothing was asked of the security key; choose another --home \[home-unwritable\]\n$/);
      expect(emu.authenticator.credentialCount).toBe(0);
    } finally {
      await emu.close();
    }
  });

  it('whoami with no identity: exit 2, "no identity in DIR: run keyprint enroll"', async () => {
    const home = tempHome();
    const r = await cli(['whoami', '--home', home]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`keyprint: no identity in ${home}: run keyprint enroll [no-identity]\n`);
  });

  it('help lists the commands', async () => {
    const r = await cli(['help']);
    expect(r.stdout).toMatch(/enroll +bind/);
    expect(r.stdout).toMatch(/unlock +check/);
    expect(r.stdout).toMatch(/whoami +show/);
  });
});

describe('enroll library (in-memory link)', () => {
  it('enroll → writeEnrollment → readEnrollment → unlockIdentity; another authenticator → wrong-key', async () => {
    const emu = await emulator();
    const other = await emulator();
    const home = tempHome();
    const a = await emu.ctap();
    const b = await other.ctap();
    try {
      const e = await enroll({ ctap: a.ctap, displayName: 'Cy' });
      expect(e.credential.authenticator.trust).toBe('attested-unknown-vendor');
      expect(e.credential.registrationClientDataJSON).toEqual(registrationClientData(bindingChallenge(e.bundle)));
      // With the emulator's CA as an anchor the same registration is hardware-attested.
      const anchored = await enroll({ ctap: a.ctap, displayName: 'Cy', trustAnchors: [emu.authenticator.attestationCaCertificate] });
      expect(anchored.credential.authenticator.trust).toBe('hardware-attested');
      anchored.identity.destroy();

      await writeEnrollment(home, e);
      const read = (await readEnrollment(home))!;
      expect(read.bundle.identityPublicKey).toEqual(e.identity.publicKey);
      const id = await unlockIdentity({ ctap: a.ctap, enrolled: read });
      expect(id.did).toBe(e.identity.did);
      expect(String(id)).not.toMatch(/[0-9a-f]{64}/);
      const err = await unlockIdentity({ ctap: b.ctap, enrolled: read }).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(EnrollError);
      expect((err as EnrollError).code).toBe('wrong-key');
      id.destroy();
      e.identity.destroy();
    } finally {
      await a.close();
      await b.close();
      await emu.close();
      await other.close();
    }
  });

  it('while the key waits for a touch, the caller sees KEEPALIVE UPNEEDED (2) — what drives the prompt', async () => {
    const emu = await emulator({ approve: () => new Promise((r) => setTimeout(() => r(true), 300)) });
    const a = await emu.ctap();
    const statuses = new Set<number>();
    try {
      const e = await enroll({ ctap: a.ctap, displayName: 'Ed', onKeepalive: (s) => statuses.add(s) });
      expect(statuses.has(2)).toBe(true);
      e.identity.destroy();
    } finally {
      await a.close();
      await emu.close();
    }
  });

  it('a user who does not approve → cancelled/device error, nothing written', async () => {
    const emu = await emulator({ approve: async () => false });
    const a = await emu.ctap();
    try {
      const err = await enroll({ ctap: a.ctap, displayName: 'Di' }).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(EnrollError);
      expect(['cancelled', 'device']).toContain((err as EnrollError).code);
    } finally {
      await a.close();
      await emu.close();
    }
  });
});

describe('cli helpers', () => {
  it('touchPrompt: writes a spinner only on a TTY, only for UPNEEDED, and clears it', () => {
    const out: string[] = [];
    const fake = (isTTY: boolean) => ({ isTTY, write: (s: string) => { out.push(s); return true; } }) as unknown as NodeJS.WriteStream;
    const p = touchPrompt({ stream: fake(true) });
    p.onKeepalive(1);
    expect(out).toEqual([]);
    p.onKeepalive(2);
    p.onKeepalive(2);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/Touch your security key…$/);
    p.done();
    expect(out.at(-1)).toBe('\r\x1b[2K');
    out.length = 0;
    const quiet = touchPrompt({ stream: fake(true), quiet: true });
    quiet.onKeepalive(2); quiet.done();
    const pipe = touchPrompt({ stream: fake(false) });
    pipe.onKeepalive(2); pipe.done();
    expect(out).toEqual([]);
  });

  it('resolveHome: --home, then $KEYPRINT_HOME, then ~/.config/keyprint; always absolute', () => {
    const saved = process.env.KEYPRINT_HOME;
    try {
      process.env.KEYPRINT_HOME = '/tmp/kp-env';
      expect(resolveHome('/tmp/kp-flag')).toBe('/tmp/kp-flag');
      expect(resolveHome()).toBe('/tmp/kp-env');
      delete process.env.KEYPRINT_HOME;
      expect(resolveHome()).toMatch(/\/\.config\/keyprint$/);
      expect(resolveHome('rel')).toBe(join(process.cwd(), 'rel'));
    } finally {
      if (saved === undefined) delete process.env.KEYPRINT_HOME;
      else process.env.KEYPRINT_HOME = saved;
    }
  });
});
