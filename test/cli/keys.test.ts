// Several security keys per identity, per-enrollment PRF inputs and UV as enrolled, through the CLI
// (`keyprint enroll --add`, `keys list|remove`, `unlock`, `whoami`, `card`/`verify`) against
// software authenticators in this process: a home written before envelope version 2 is upgraded
// by its next unlock (one touch); a key enrolled without a PIN still unlocks after a PIN is set;
// a second key unlocks alone, signs its own binding, and survives the removal of the first.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64urlnopad } from '@scure/base';
import { bundleBindings, decodeBundle, envelopeInfo, verifyBinding } from '../../src/identity/index.js';
import { KEYPRINT_RP_ID } from '../../src/enroll/index.js';
import { HOME_FILES } from '../../src/cli/_identity-store.js';
import { runCli } from '../_cli.js';
import { emulator, setPin, type Emulator } from './_emulator.js';
import { legacyHome } from './_legacy-home.js';

const cli = runCli;
const temps: string[] = [];
const tempHome = () => {
  const d = mkdtempSync(join(tmpdir(), 'keyprint-keys-'));
  temps.push(d);
  return join(d, 'home');
};
afterAll(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

/** An emulator that counts the touches it is asked for. */
async function counted(options: { pin?: string } = {}): Promise<Emulator & { touches: () => number }> {
  let n = 0;
  const emu = await emulator({ ...options, approve: async () => { n++; return true; } });
  return { ...emu, touches: () => n };
}

async function json(args: string[]): Promise<Record<string, any>> {
  const r = await cli(args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

const envelopeAt = (home: string, name = 'identity') => new Uint8Array(readFileSync(join(home, 'keys', `${name}.kpw`)));
const credentialJson = (home: string) => JSON.parse(readFileSync(join(home, HOME_FILES.credential), 'utf8'));
const bundleAt = (home: string) => decodeBundle(new Uint8Array(readFileSync(join(home, HOME_FILES.bundle))));

/** legacyHome over the emulator's in-memory link. */
async function legacyOn(emu: Emulator, home: string, name: string): Promise<string> {
  const { ctap, close } = await emu.ctap();
  try {
    return await legacyHome(ctap, home, name);
  } finally {
    await close();
  }
}

describe('envelope version 1 → 2 on the next unlock (per-enrollment PRF input)', () => {
  it('a home from before: readable, unlocks with one touch, and its envelope and credential.json are rewritten as version 2', async () => {
    const emu = await counted();
    const home = tempHome();
    try {
      const did = await legacyOn(emu, home, 'Vera');
      expect(envelopeInfo(envelopeAt(home)).version).toBe(1);
      expect((await json(['whoami', '--home', home, '--json'])).keys[0]).toMatchObject({ envelopeVersion: 1, pinRequired: false });

      const before = emu.touches();
      const r = await cli(['unlock', '--device', emu.device, '--home', home]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`identity unlocked: Vera ${did}\nits envelope was upgraded to version 2 (a PRF input of its own, recorded with its PIN setting)\n`);
      expect(emu.touches() - before).toBe(1); // eval of both salts in the one assertion
      const info = envelopeInfo(envelopeAt(home));
      expect(info).toMatchObject({ version: 2, kind: 'prf', userVerified: false });
      expect(Buffer.from(info.prfInput!).toString('hex')).not.toBe(Buffer.from('keyprint-wrap-v1').toString('hex'));
      expect(credentialJson(home)).toMatchObject({ version: 2, keys: [{ envelope: 'identity', userVerified: false }] });

      // The next unlock uses the new input and upgrades nothing.
      const again = await json(['unlock', '--device', emu.device, '--home', home, '--json']);
      expect(again).toEqual({ unlocked: true, name: 'Vera', did, home });
    } finally {
      await emu.close();
    }
  });

  it('a version-1 envelope that does not open is not replaced (wrong key: nothing written)', async () => {
    const emu = await counted();
    const other = await counted();
    const home = tempHome();
    try {
      await legacyOn(emu, home, 'Walt');
      const before = envelopeAt(home);
      const r = await cli(['unlock', '--device', other.device, '--home', home]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`keyprint: this security key does not unlock the identity in ${home} [wrong-key]\n`);
      expect(envelopeAt(home)).toEqual(before);
    } finally {
      await emu.close();
      await other.close();
    }
  });
});

describe('UV as enrolled: a PIN set after enrolling does not lock the identity out', () => {
  it('enrolled without a PIN, then a PIN is set on the key: unlock still works with a touch alone, and --pin changes nothing', async () => {
    const emu = await counted();
    const home = tempHome();
    try {
      const ada = await json(['enroll', '--name', 'Ada', '--device', emu.device, '--home', home, '--json']);
      expect(ada.pinRequired).toBe(false);
      expect(envelopeInfo(envelopeAt(home)).userVerified).toBe(false);
      await setPin(emu, '4321');
      const plain = await cli(['unlock', '--device', emu.device, '--home', home]);
      expect(plain.stderr).toBe('');
      expect(plain.stdout.trim()).toBe(`identity unlocked: Ada ${ada.did}`);
      // With the PIN given, keyprint still asks without UV: the secret the envelope was made with.
      const withPin = await cli(['unlock', '--device', emu.device, '--home', home, '--pin', '4321']);
      expect(withPin.stdout.trim()).toBe(`identity unlocked: Ada ${ada.did}`);
    } finally {
      await emu.close();
    }
  });

  it('enrolled with the PIN: the envelope records UV, and unlock without --pin says so before touching the key', async () => {
    const emu = await counted({ pin: '1234' });
    const home = tempHome();
    try {
      await json(['enroll', '--name', 'Bo', '--device', emu.device, '--home', home, '--pin', '1234', '--json']);
      expect(envelopeInfo(envelopeAt(home)).userVerified).toBe(true);
      const before = emu.touches();
      const r = await cli(['unlock', '--device', emu.device, '--home', home]);
      expect(r.stderr).toBe('keyprint: this identity was enrolled with a PIN: pass --pin PIN [pin-required]\n');
      expect(emu.touches()).toBe(before);
    } finally {
      await emu.close();
    }
  });
});

describe('a second security key (the recovery path)', () => {
  let a: Awaited<ReturnType<typeof counted>>;
  let b: Awaited<ReturnType<typeof counted>>;
  const home = tempHome();
  let ada: Record<string, any>;
  afterAll(async () => { await a?.close(); await b?.close(); });

  it('enroll --add --from A --device B: B gets its own credential and envelope; the bundle (version 2) lists both', async () => {
    a = await counted();
    b = await counted({ pin: '5555' });
    ada = await json(['enroll', '--name', 'Ada', '--device', a.device, '--home', home, '--json']);
    const r = await json(['enroll', '--add', '--from', a.device, '--device', b.device, '--pin', '5555', '--home', home, '--json']);
    expect(r).toMatchObject({ added: true, keys: 2, did: ada.did, name: 'Ada', pinRequired: true });
    const bundle = bundleAt(home);
    expect(bundle.version).toBe(2);
    const [first, second] = bundleBindings(bundle);
    expect(base64urlnopad.encode(first.credentialId)).toBe(ada.credentialId);
    expect(second.boundAt).toBeGreaterThan(bundle.createdAt);
    expect(verifyBinding(bundle, { rpId: KEYPRINT_RP_ID })).toEqual({ valid: true, userVerified: false });
    const cred = credentialJson(home);
    expect(cred.keys.map((k: { envelope: string }) => k.envelope)).toEqual(['identity', expect.stringMatching(/^identity-[0-9a-f]{12}$/)]);
    const info = [envelopeInfo(envelopeAt(home)), envelopeInfo(envelopeAt(home, cred.keys[1].envelope))];
    expect(info.map((i) => i.userVerified)).toEqual([false, true]);
    expect(Buffer.from(info[0].prfInput!).equals(Buffer.from(info[1].prfInput!))).toBe(false); // each key its own input
  });

  it('whoami and keys list show both keys; the binding of each verifies', async () => {
    const who = await json(['whoami', '--home', home, '--json']);
    expect(who).toMatchObject({ did: ada.did, binding: 'valid' });
    expect(who.keys.map((k: { n: number; pinRequired: boolean }) => [k.n, k.pinRequired])).toEqual([[1, false], [2, true]]);
    const text = await cli(['keys', '--home', home]);
    expect(text.stdout).toMatch(/1\. keyprint software authenticator .* — attested-unknown-vendor\n {5}credential [\w-]+\n {5}unlock needs a touch; added/);
    expect(text.stdout).toMatch(/2\. .*\n.*\n {5}unlock needs a touch and the PIN; added/);
  });

  it('either key unlocks; the one that does not hold a credential is found silently (no touch), a stranger is refused', async () => {
    const t = b.touches();
    const withB = await cli(['unlock', '--device', b.device, '--pin', '5555', '--home', home]);
    expect(withB.stdout.trim()).toBe(`identity unlocked: Ada ${ada.did}`);
    expect(b.touches() - t).toBe(1);
    expect((await cli(['unlock', '--device', a.device, '--home', home])).stdout.trim()).toBe(`identity unlocked: Ada ${ada.did}`);
    const stranger = await emulator();
    try {
      const r = await cli(['unlock', '--device', stranger.device, '--home', home]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`keyprint: this security key is none of the 2 keys that unlock the identity in ${home} (keyprint keys lists them) [wrong-key]\n`);
    } finally {
      await stranger.close();
    }
  });

  it('adding a key the identity already has is refused: the same device twice, or a key already enrolled (excludeList)', async () => {
    const same = await cli(['enroll', '--add', '--from', a.device, '--device', a.device, '--home', home]);
    expect(same.status).toBe(2);
    expect(same.stderr).toMatch(/"--from" and "--device" name the same key/);
    const again = await cli(['enroll', '--add', '--from', b.device, '--from-pin', '5555', '--device', a.device, '--home', home]);
    expect(again.status).toBe(2);
    expect(again.stderr).toBe('keyprint: this security key already holds one of this identity\'s keys: plug in another security key to add [already-enrolled]\n');
    expect(bundleBindings(bundleAt(home))).toHaveLength(2);
  });

  it('a card of the two-key identity verifies offline', async () => {
    const out = join(home, 'ada.svg');
    const c = await cli(['card', '--out', out, '--home', home, '--device', a.device, '--json']);
    expect(c.stderr).toBe('');
    const v = await cli(['verify', out]);
    expect(v.stdout).toMatch(new RegExp(`^VERIFIED: Ada ${ada.did}`));
  });

  it('plain enroll over a two-key home keeps both keys: the bundle signed again under the new name, no new credential; asked with a PIN the key was enrolled without, refused (it would keep one key)', async () => {
    const before = bundleBindings(bundleAt(home)).map((b) => Buffer.from(b.credentialId).toString('base64url'));
    const renamed = await json(['enroll', '--name', 'Ada L.', '--device', a.device, '--home', home, '--json']);
    expect(renamed).toMatchObject({ reused: true, name: 'Ada L.', did: ada.did });
    expect(bundleBindings(bundleAt(home)).map((b) => Buffer.from(b.credentialId).toString('base64url'))).toEqual(before);
    expect(verifyBinding(bundleAt(home)).valid).toBe(true);
    // Back under its name with the other key (enrolled with its PIN): both still unlock.
    expect(await json(['enroll', '--name', 'Ada', '--device', b.device, '--pin', '5555', '--home', home, '--json'])).toMatchObject({ name: 'Ada', did: ada.did });
    expect((await cli(['unlock', '--device', a.device, '--home', home])).stdout.trim()).toBe(`identity unlocked: Ada ${ada.did}`);
    const r = await cli(['enroll', '--name', 'Ada', '--device', a.device, '--pin', '1234', '--home', home]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/has 2 security keys, and enrolling again with a PIN would keep only one: add one with --add, remove one with keyprint keys remove \[several-keys\]/);
    expect(bundleBindings(bundleAt(home)).map((b) => Buffer.from(b.credentialId).toString('base64url'))).toEqual(before);
  });

  it('keys remove 1 (the lost first key), unlocked with B: B alone is left, its binding first (bound later: version 2); A no longer unlocks', async () => {
    const r = await json(['keys', 'remove', '1', '--device', b.device, '--pin', '5555', '--home', home, '--json']);
    expect(r.removed).toBe(ada.credentialId);
    expect(r.keys).toHaveLength(1);
    const bundle = bundleAt(home);
    expect(bundle.version).toBe(2);
    expect(bundle.additionalBindings).toBeUndefined();
    expect(bundle.binding!.boundAt).toBeGreaterThan(bundle.createdAt);
    expect(verifyBinding(bundle)).toEqual({ valid: true, userVerified: true });
    expect(() => envelopeAt(home)).toThrow(/ENOENT/);
    const gone = await cli(['unlock', '--device', a.device, '--home', home]);
    expect(gone.stderr).toBe(`keyprint: this security key does not unlock the identity in ${home} [wrong-key]\n`);
    expect((await cli(['unlock', '--device', b.device, '--pin', '5555', '--home', home])).stdout.trim()).toBe(`identity unlocked: Ada ${ada.did}`);
    const last = await cli(['keys', 'remove', '1', '--device', b.device, '--pin', '5555', '--home', home]);
    expect(last.status).toBe(2);
    expect(last.stderr).toMatch(/this is the identity's only security key, and without it the identity could not be unlocked: add another one first \(keyprint enroll --add\)/);
  });

  it('usage errors: --add without --from, keys remove without a device or with an unknown key', async () => {
    expect((await cli(['enroll', '--add', '--device', a.device, '--home', home])).stderr).toMatch(/enroll --add: "--from DEV" is required/);
    expect((await cli(['enroll', '--from', a.device, '--name', 'X', '--home', home])).stderr).toMatch(/"--from" and "--from-pin" go with --add/);
    expect((await cli(['keys', 'remove', '1', '--home', home])).stderr).toMatch(/keys remove: "--device DEV" is required/);
    const unknown = await cli(['keys', 'remove', 'zzz', '--device', a.device, '--home', home]);
    expect(unknown.stderr).toMatch(/the identity has no key "zzz": give its number \(1 to 1\) or credential ID from keyprint keys \[no-such-key\]/);
    expect((await cli(['keys', 'frob', '--home', home])).status).toBe(2);
  });
});
