// The web app's enrollment and unlock (web/lib/enrollment.ts, webauthn.ts) against the software
// authenticator, through a WebAuthn client over CTAP (_webauthn-client.ts) for origin
// https://keyprint.local — the RP ID the CLI uses, so one credential serves both: the terminal
// (`keyprint unlock`, a child process) and the browser code unlock each other's enrollments because
// the PRF input travels in the envelope (browser: eval.first = input; terminal: salt1 = prfSalt(input)),
// a version-1 envelope is upgraded by whichever side unlocks it next, a key that gets a PIN after a
// browser enrollment is explained in the browser (which uses the PIN whenever it can) and still
// unlocks in the terminal (which asks without UV), and a second key added in the browser unlocks
// in both.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBundle, envelopeInfo, verifyBinding, type IdentityBundle } from '../../src/identity/index.js';
import { KEYPRINT_RP_ID, type EnrolledIdentity, type EnrolledKey } from '../../src/enroll/index.js';
import { readEnrollment, writeKeys } from '../../src/cli/_identity-store.js';
import {
  EnrollmentError, addSecurityKey, enrollWithSecurityKey, unlockWithSecurityKey, type PageOrigin,
} from '../../web/lib/enrollment.js';
import type { StoredProfile } from '../../web/lib/profile-store.js';
import { runCli } from '../_cli.js';
import { emulator, setPin, type Emulator } from '../cli/_emulator.js';
import { legacyHome } from '../cli/_legacy-home.js';
import { installWebAuthnClient } from './_webauthn-client.js';

const page: PageOrigin = { rpId: KEYPRINT_RP_ID, origin: `https://${KEYPRINT_RP_ID}` };
const temps: string[] = [];
const tempHome = () => {
  const d = mkdtempSync(join(tmpdir(), 'keyprint-web-'));
  temps.push(d);
  return join(d, 'home');
};
const emulators: Emulator[] = [];
const started = async (o: { pin?: string } = {}) => {
  const e = await emulator(o);
  emulators.push(e);
  return e;
};
let uninstall: (() => void) | undefined;
/** The browser, with `key()` the security key plugged in now and `pin` what the user types. */
function browser(key: () => Emulator, pin?: string): void {
  uninstall = installWebAuthnClient({ connect: () => key().ctap(), origin: page.origin, pin });
}
afterEach(() => { uninstall?.(); uninstall = undefined; });
afterAll(async () => {
  for (const e of emulators) await e.close();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** The browser's record and envelopes, written as a terminal home (the same files the CLI writes). */
async function asHome(home: string, profile: StoredProfile, envelopes: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const bundle = decodeBundle(profile.bundleBytes);
  const keys: EnrolledKey[] = profile.keys!.map((k) => ({
    credential: {
      rpId: k.rpId, credentialId: k.credentialId, userVerified: k.userVerified, registrationClientDataJSON: k.registrationClientDataJSON,
      authenticator: k.authenticator, enrolledAt: k.enrolledAt, envelopeName: k.envelope,
    },
    envelope: envelopes.get(k.envelope)!,
  }));
  await writeKeys(home, { bundle, bundleBytes: profile.bundleBytes, keys });
}

/** A terminal home as the browser would store it. */
function asProfile(e: EnrolledIdentity): { profile: StoredProfile; envelopes: Map<string, Uint8Array> } {
  return {
    profile: {
      version: 2, kind: 'prf', bundleBytes: e.bundleBytes, enrolledAt: e.bundle.createdAt,
      keys: e.keys.map(({ credential: c }) => ({
        rpId: c.rpId, credentialId: c.credentialId, transports: ['usb'], userVerified: c.userVerified, registrationClientDataJSON: c.registrationClientDataJSON,
        authenticator: c.authenticator, enrolledAt: c.enrolledAt, envelope: c.envelopeName,
      })),
    },
    envelopes: new Map(e.keys.map((k) => [k.credential.envelopeName, k.envelope])),
  };
}

const unlocked = async (device: string, home: string, ...flags: string[]) => (await runCli(['unlock', '--device', device, '--home', home, ...flags])).stdout.trim();

describe('the browser and the terminal unlock each other\'s enrollments (the PRF input travels in the envelope)', () => {
  it('a browser enrollment: envelope version 2 with the input the browser evaluated; the terminal unlocks it', async () => {
    const a = await started();
    browser(() => a);
    const e = await enrollWithSecurityKey({ displayName: 'Bea', page });
    const info = envelopeInfo(e.envelope);
    expect(info).toMatchObject({ version: 2, kind: 'prf', userVerified: false });
    expect(e.bundle.binding!.kind).toBe('webauthn');
    expect(verifyBinding(e.bundle, { rpId: KEYPRINT_RP_ID, origins: [page.origin] })).toEqual({ valid: true, userVerified: false });
    const home = tempHome();
    await asHome(home, e.profile, new Map([['identity', e.envelope]]));
    expect(await unlocked(a.device, home)).toBe(`identity unlocked: Bea ${e.identity.did}`);
    e.identity.destroy();
  });

  it('a terminal enrollment (keyprint enroll): the browser unlocks it, asking without UV as it was enrolled', async () => {
    const a = await started();
    const home = tempHome();
    const r = await runCli(['enroll', '--name', 'Tom', '--device', a.device, '--home', home, '--json']);
    expect(r.status).toBe(0);
    const { profile, envelopes } = asProfile((await readEnrollment(home))!);
    browser(() => a);
    const u = await unlockWithSecurityKey(profile, envelopes, page);
    expect(u.identity.did).toBe(JSON.parse(r.stdout).did);
    expect(u.upgraded).toBeUndefined();
    u.identity.destroy();
  });

  it('a terminal home from before envelope version 2: the browser opens it and upgrades it in one touch; the terminal opens the upgraded envelope', async () => {
    const a = await started();
    const home = tempHome();
    const conn = await a.ctap();
    const did = await legacyHome(conn.ctap, home, 'Ola').finally(() => conn.close());
    const before = (await readEnrollment(home))!;
    expect(envelopeInfo(before.keys[0].envelope).version).toBe(1);
    const { profile, envelopes } = asProfile(before);
    browser(() => a);
    const u = await unlockWithSecurityKey(profile, envelopes, page);
    expect(u.identity.did).toBe(did);
    expect(envelopeInfo(u.upgraded!)).toMatchObject({ version: 2, userVerified: false });
    u.identity.destroy();
    await asHome(home, profile, new Map([['identity', u.upgraded!]]));
    expect(await unlocked(a.device, home)).toBe(`identity unlocked: Ola ${did}`); // no upgrade line: already version 2
  });
});

describe('UV as enrolled, and the second key as the way out', () => {
  it('enrolled in the browser on a key without a PIN, a second key added; a PIN set on the first: the browser explains and the second key unlocks; the terminal unlocks with either', async () => {
    const a = await started();
    const b = await started({ pin: '2468' });
    let plugged = a;
    browser(() => plugged, '2468');
    const e = await enrollWithSecurityKey({ displayName: 'Uma', page });
    const bundle0: IdentityBundle = e.bundle;
    expect(envelopeInfo(e.envelope).userVerified).toBe(false);
    // A second key (it has a PIN: the browser uses it) while the identity is unlocked.
    plugged = b;
    const added = await addSecurityKey({ identity: e.identity, profile: e.profile, page });
    expect(added.bundle.version).toBe(2);
    expect(added.bundle.binding).toEqual(bundle0.binding);
    expect(verifyBinding(added.bundle, { rpId: KEYPRINT_RP_ID, origins: [page.origin] })).toEqual({ valid: true, userVerified: false });
    const envelopes = new Map([['identity', e.envelope], ...added.envelopes]);
    expect([...envelopes.values()].map((x) => envelopeInfo(x).userVerified)).toEqual([false, true]);
    // Adding the first key again is refused by the key itself (excludeCredentials).
    plugged = a;
    const again = await addSecurityKey({ identity: e.identity, profile: added.profile, page }).catch((x: unknown) => x);
    expect((again as Error).message).toMatch(/already one of this identity's keys/);

    await setPin(a, '1357');
    uninstall!();
    browser(() => plugged, '1357');
    const err = await unlockWithSecurityKey(added.profile, envelopes, page).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(EnrollmentError);
    expect((err as EnrollmentError).code).toBe('uv-changed');
    expect((err as Error).message).toMatch(/^This key now has a PIN .* Unlock with your other security key, then remove this one/);
    uninstall!();
    plugged = b;
    browser(() => plugged, '2468');
    const u = await unlockWithSecurityKey(added.profile, envelopes, page);
    expect(u.identity.did).toBe(e.identity.did);
    expect(u.key.envelope).toBe(added.profile.keys![1].envelope);

    // The same files in a terminal home: key A unlocks without UV (its PIN is not asked for), key B with its PIN.
    const home = tempHome();
    await asHome(home, added.profile, envelopes);
    expect(await unlocked(a.device, home)).toBe(`identity unlocked: Uma ${e.identity.did}`);
    expect(await unlocked(b.device, home, '--pin', '2468')).toBe(`identity unlocked: Uma ${e.identity.did}`);
    e.identity.destroy();
    u.identity.destroy();
  });
});
