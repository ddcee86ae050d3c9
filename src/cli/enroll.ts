// `keyprint enroll`: enrolls the identity in the home directory on a FIDO2 security key (a new
// identity, or the existing one after unlocking it) — see src/enroll/enroll.ts for the protocol
// (CTAP 2.1 §6.1 makeCredential + §6.2 getAssertion with hmac-secret §12.5, docs/PROTOCOL.md binding).
// This file parses flags, opens the device, calls the library and prints.

import { ready, toBase64url } from '../core/index.js';
import { type OpenAuthenticator } from '../hardware/node.js';
import { EnrollError, addKey, checkDisplayName, enroll as enrollIdentity, renameIdentity, type EnrolledIdentity } from '../enroll/index.js';
import { readEnrollment, unlockHome, writeEnrollment, writeKeys } from './_identity-store.js';
import { checkPrintable } from '../card/fonts.js';
import { checkWritableHome, resolveHome } from './_home.js';
import { interruptSignal, touchPrompt } from './_prompt.js';
import type { IdentityKeyPair } from '../identity/index.js';
import { checkKeyAttestations, identitySummary, printSummary } from './_identity-view.js';
import { EXIT, UsageError, print, printJson } from './output.js';
import { KeyprintError } from '../errors.js';
import { parseDevice, openDevice, parseFlags, type DeviceSpec } from './_device.js';
export { parseDevice, openDevice, parseFlags, type DeviceSpec } from './_device.js';

export const ENROLL_HELP = `Usage: keyprint enroll --name NAME [--device hid[:PATH] | udp:HOST:PORT[@LOCALPORT]] [--pin PIN] [--home DIR] [--json]
       keyprint enroll --add --from DEV [--from-pin PIN] [--device DEV] [--pin PIN] [--home DIR] [--json]

Binds an identity to a FIDO2 security key (two touches): a resident credential with hmac-secret
vouches for the identity key, whose secret is stored only wrapped by the key's hmac-secret output.
Creates the identity, or re-enrolls the one already in the home directory (after unlocking it).
With --add, binds the identity to one more key — your way back in if a key is lost: the key given by
--from (one already enrolled) unlocks the identity, then --device makes its own credential and envelope
(two touches); any of the keys unlocks it afterwards.
  --name NAME     the name in your identity bundle
  --device DEV    hid (first USB security key, the default), hid:PATH, or udp:HOST:PORT (keyprint emulator,
                  SoloKeys simulator on 8111; @LOCALPORT: where its answers arrive, default 7112 for 8111)
  --pin PIN       the security key's PIN (required if it has one; unlocking will need it too)
  --add           add --device as another key of the existing identity
  --from DEV      with --add: an enrolled key that unlocks the identity (two USB keys: hid:PATH, see keyprint devices)
  --from-pin PIN  with --add: that key's PIN, if it was enrolled with one
  --home DIR      where the identity lives (default $KEYPRINT_HOME or ~/.config/keyprint)
  --json          print one JSON object instead of text`;

/**
 * Runs `keyprint enroll`.
 * @param args the command's arguments (flags)
 * @returns the exit code
 */
export async function enroll(args: string[]): Promise<number> {
  const values = parseFlags('enroll', args, { name: true, device: true, add: true });
  if (values.help) {
    print(ENROLL_HELP);
    return EXIT.ok;
  }
  if (values.pin === '') throw new UsageError('enroll: "--pin" expected a PIN, got ""');
  if (values.add) return enrollAnotherKey(values);
  if (values.from !== undefined || values['from-pin'] !== undefined) throw new UsageError('enroll: "--from" and "--from-pin" go with --add');
  if (values.name === undefined || values.name.trim() === '') throw new UsageError('enroll: "--name NAME" is required');
  const spec = parseDevice(values.device);
  const home = resolveHome(values.home);
  let displayName: string;
  try {
    displayName = checkDisplayName(values.name);
  } catch (e) {
    throw new UsageError(`enroll: "--name" ${(e as Error).message.replace(/^"displayName" /, '')}`);
  }
  try {
    checkPrintable(displayName); // issue 20: a name the card cannot print is said before the key is touched
  } catch (e) {
    throw new UsageError(`enroll: "--name" ${(e as Error).message}`);
  }
  await ready();
  await checkWritableHome(home); // issue 20: every local check before the first touch

  const existing = await readEnrollment(home);
  const prompt = touchPrompt({ quiet: values.json });
  const interrupt = interruptSignal();
  const call = { pin: values.pin, signal: interrupt.signal, onKeepalive: (s: number) => prompt.onKeepalive(s) };
  const device = await openDevice(spec).catch((e: unknown) => { interrupt.dispose(); throw e; });
  try {
    if (existing) return await enrollAgain(home, existing, displayName, device, call, values.json === true);
    const result = await enrollIdentity({ ...call, ctap: device.ctap, displayName }).finally(() => prompt.done());
    try {
      const files = await writeEnrollment(home, result);
      const summary = identitySummary({ home, bundle: result.bundle, credential: result.credential });
      if (values.json) printJson({ enrolled: true, reused: false, ...summary, files });
      else {
        print(`Enrolled a new identity in ${home}`);
        printSummary(summary);
      }
    } finally {
      result.identity.destroy();
    }
  } finally {
    prompt.done();
    interrupt.dispose();
    await device.close();
  }
  return EXIT.ok;
}

/**
 * `keyprint enroll` over an enrolled home keeps its identity: one touch unlocks it with the key it
 * is enrolled on. Asked the same way (PIN or not), that key's credential is kept — the bundle is
 * only signed again under the new name (renameIdentity), so no second credential is left on the
 * key (issue 20). A key now asked with a PIN it was enrolled without gets a new, user-verified
 * credential; that replaces the identity's keys, so an identity with several keys is refused.
 */
async function enrollAgain(
  home: string, existing: EnrolledIdentity, displayName: string, device: OpenAuthenticator,
  call: { pin?: string; signal: AbortSignal; onKeepalive: (s: number) => void }, json: boolean,
): Promise<number> {
  const unlocked = await unlockHome({ ...call, ctap: device.ctap, enrolled: existing }).catch((e: unknown) => {
    if (e instanceof EnrollError && e.code === 'wrong-key') {
      throw new EnrollError('wrong-key', `${e.message}: enroll keeps the existing identity and needs the key it is enrolled on (for a new identity, use another --home)`, { cause: e });
    }
    throw e;
  });
  const { identity } = unlocked;
  try {
    const keys = existing.keys.map((k) => (k.credential.envelopeName === unlocked.key.credential.envelopeName ? unlocked.key : k));
    let change;
    let left: string | undefined; // the previous credential, still on the key when a new one replaced it
    if (unlocked.key.credential.userVerified === (call.pin !== undefined)) {
      change = renameIdentity({ enrolled: { ...existing, keys }, identity, displayName });
    } else {
      if (existing.keys.length > 1) {
        throw new EnrollError('several-keys', `the identity in ${home} has ${existing.keys.length} security keys, and enrolling again ${call.pin !== undefined ? 'with' : 'without'} a PIN would keep only one: add one with --add, remove one with keyprint keys remove`);
      }
      const fresh = await enrollIdentity({ ...call, ctap: device.ctap, displayName, identity });
      change = { bundle: fresh.bundle, bundleBytes: fresh.bundleBytes, keys: [{ credential: fresh.credential, envelope: fresh.envelope }] };
      left = toBase64url(unlocked.key.credential.credentialId);
    }
    await writeKeys(home, change);
    // As whoami says it: the first key's attestation judged with today's trust store.
    const [first] = await checkKeyAttestations({ ...existing, bundle: change.bundle, bundleBytes: change.bundleBytes, keys: change.keys });
    const summary = identitySummary({ home, bundle: change.bundle, credential: change.keys[0].credential }, first.ok ? first.verdict : undefined);
    if (json) printJson({ enrolled: true, reused: true, ...summary, ...(left ? { leftCredential: left } : {}) });
    else {
      print(`Re-enrolled the identity in ${home}`);
      printSummary(summary);
      if (left) print(`  The key still holds the previous credential (id ${left}), which nothing uses now: delete it with the key's credential management (e.g. ykman fido credentials delete ${left}).`);
    }
  } finally {
    identity.destroy();
  }
  return EXIT.ok;
}

/**
 * `keyprint enroll --add`: unlocks the identity with the key given by --from, then binds the key
 * given by --device to it (addKey) and writes the new bundle and envelope.
 */
async function enrollAnotherKey(values: ReturnType<typeof parseFlags>): Promise<number> {
  if (values.name !== undefined) throw new UsageError('enroll --add: the name is the identity\'s; leave out "--name"');
  if (values.from === undefined) {
    throw new UsageError('enroll --add: "--from DEV" is required: an enrolled key that unlocks the identity (two USB keys: hid:PATH from keyprint devices)');
  }
  if (values['from-pin'] === '') throw new UsageError('enroll: "--from-pin" expected a PIN, got ""');
  const from = parseDevice(values.from);
  const spec = parseDevice(values.device);
  if (from.label === spec.label) throw new UsageError(`enroll --add: "--from" and "--device" name the same key (${spec.label}): the new key must be another one`);
  const home = resolveHome(values.home);
  await ready();
  const enrolled = await readEnrollment(home);
  if (!enrolled) throw new KeyprintError('no-identity', `no identity in ${home}: run keyprint enroll --name NAME first`);
  const prompt = touchPrompt({ quiet: values.json });
  const interrupt = interruptSignal();
  const call = { signal: interrupt.signal, onKeepalive: (s: number) => prompt.onKeepalive(s) };
  let identity: IdentityKeyPair | undefined;
  let change;
  try {
    identity = await withDevice(from, (ctap) => unlockHome({ ...call, pin: values['from-pin'], ctap, enrolled }).then((u) => u.identity).finally(() => prompt.done()));
    const unlocked = identity;
    change = await withDevice(spec, (ctap) => addKey({ ...call, pin: values.pin, ctap, enrolled, identity: unlocked }).finally(() => prompt.done()));
  } finally {
    identity?.destroy();
    interrupt.dispose();
  }
  await writeKeys(home, change);
  const added = change.keys[change.keys.length - 1].credential;
  const after: EnrolledIdentity = { home, bundle: change.bundle, bundleBytes: change.bundleBytes, keys: change.keys };
  const summary = identitySummary({ home, bundle: change.bundle, credential: added });
  if (values.json) {
    printJson({ added: true, keys: after.keys.length, ...summary });
  } else {
    print(`Added a security key to the identity in ${home}: it now has ${after.keys.length} keys, and any of them unlocks it`);
    printSummary(summary);
  }
  return EXIT.ok;
}

/** Opens a device, runs `f` with its CTAP client, and closes it. */
async function withDevice<T>(spec: DeviceSpec, f: (ctap: OpenAuthenticator['ctap']) => Promise<T>): Promise<T> {
  const device = await openDevice(spec);
  try {
    return await f(device.ctap);
  } finally {
    await device.close();
  }
}
