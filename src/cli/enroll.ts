// `keyprint enroll`: enrolls the identity in the home directory on a FIDO2 security key (a new
// identity, or the existing one after unlocking it) — see src/identity/enroll.ts for the protocol
// (CTAP 2.1 §6.1 makeCredential + §6.2 getAssertion with hmac-secret §12.5, docs/PROTOCOL.md binding).
// This file parses flags, opens the device, calls the library and prints.

import { parseArgs } from 'node:util';
import { ready } from '../core/index.js';
import { HardwareError, openAuthenticator, type OpenAuthenticator } from '../hardware/index.js';
import { EnrollError, checkDisplayName, enroll as enrollIdentity, readEnrollment, unlockIdentity, writeEnrollment } from '../identity/enroll.js';
import { parseUdpTarget } from './emulator.js';
import { checkPrintable } from '../card/fonts.js';
import { checkWritableHome, resolveHome } from './_home.js';
import { interruptSignal, touchPrompt } from './_prompt.js';
import type { IdentityKeyPair } from '../identity/index.js';
import { identitySummary, printSummary } from './whoami.js';
import { EXIT, UsageError, print, printJson } from './output.js';

export const ENROLL_HELP = `Usage: keyprint enroll --name NAME [--device hid[:PATH] | udp:HOST:PORT[@LOCALPORT]] [--pin PIN] [--home DIR] [--json]

Binds an identity to a FIDO2 security key (two touches): a resident credential with hmac-secret
vouches for the identity key, whose secret is stored only wrapped by the key's hmac-secret output.
Creates the identity, or re-enrolls the one already in the home directory (after unlocking it).
  --name NAME     the name in your identity bundle
  --device DEV    hid (first USB security key, the default), hid:PATH, or udp:HOST:PORT (keyprint emulator,
                  SoloKeys simulator on 8111; @LOCALPORT: where its answers arrive, default 7112 for 8111)
  --pin PIN       the security key's PIN (required if it has one; unlocking will need it too)
  --home DIR      where the identity lives (default $KEYPRINT_HOME or ~/.config/keyprint)
  --json          print one JSON object instead of text`;

/** A parsed `--device` value. */
export type DeviceSpec =
  | { kind: 'hid'; path?: string; label: string }
  | { kind: 'udp'; host: string; port: number; localPort: number; label: string };

const DEVICE_FORMS = 'hid, hid:PATH, udp:HOST:PORT or udp:HOST:PORT@LOCALPORT';

/**
 * Parses `--device`: `hid`, `hid:PATH`, `udp:HOST:PORT` or `udp:HOST:PORT@LOCALPORT` (LOCALPORT is
 * where the authenticator's answers arrive; default 7112 for port 8111, the SoloKeys simulator's
 * fixed reply port, else any free port).
 * @throws UsageError for anything else
 */
export function parseDevice(value: string | undefined): DeviceSpec {
  if (value === undefined || value === 'hid') return { kind: 'hid', label: 'hid' };
  if (value.startsWith('hid:') && value.length > 4) return { kind: 'hid', path: value.slice(4), label: value };
  if (value.startsWith('udp:')) {
    let t;
    try {
      t = parseUdpTarget(value.slice(4));
    } catch {
      throw new UsageError(`"--device" expected ${DEVICE_FORMS}, got "${value}"`);
    }
    return { kind: 'udp', ...t, label: `udp:${t.host}:${t.port}` };
  }
  throw new UsageError(`"--device" expected ${DEVICE_FORMS}, got "${value}"`);
}

/**
 * Opens the device with a 3-second deadline for the CTAPHID handshake.
 * @throws HardwareError `not-found`: "no security key found at udp:HOST:PORT" (nothing answered);
 *   `transport` when the local UDP port cannot be bound
 */
export async function openDevice(spec: DeviceSpec): Promise<OpenAuthenticator> {
  try {
    return spec.kind === 'udp'
      ? await openAuthenticator({ udp: { host: spec.host, port: spec.port, localPort: spec.localPort }, timeoutMs: 3_000 })
      : await openAuthenticator({ path: spec.path, timeoutMs: 3_000 });
  } catch (e) {
    if (e instanceof HardwareError && (e.code === 'not-found' || e.code === 'transport')) throw e;
    const hint = spec.kind === 'udp' ? ` (is "keyprint emulator --udp ${spec.host}:${spec.port}" or the SoloKeys simulator running?)` : '';
    throw new HardwareError('not-found', `no security key found at ${spec.label}${hint}`, { cause: e });
  }
}

/** Common flags of enroll and unlock. */
export function parseFlags(command: string, args: string[], extra: { name?: boolean; device?: boolean } = {}) {
  try {
    return parseArgs({
      args,
      options: {
        ...(extra.name ? { name: { type: 'string' as const } } : {}),
        ...(extra.device ? { device: { type: 'string' as const }, pin: { type: 'string' as const } } : {}),
        home: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values as { name?: string; device?: string; pin?: string; home?: string; json?: boolean; help?: boolean };
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

/**
 * Runs `keyprint enroll`.
 * @param args the command's arguments (flags)
 * @returns the exit code
 */
export async function enroll(args: string[]): Promise<number> {
  const values = parseFlags('enroll', args, { name: true, device: true });
  if (values.help) {
    print(ENROLL_HELP);
    return EXIT.ok;
  }
  if (values.name === undefined || values.name.trim() === '') throw new UsageError('enroll: "--name NAME" is required');
  if (values.pin === '') throw new UsageError('enroll: "--pin" expected a PIN, got ""');
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
  let result;
  let identity: IdentityKeyPair | undefined;
  try {
    identity = existing
      ? await unlockIdentity({ ...call, ctap: device.ctap, enrolled: existing }).catch((e: unknown) => {
        if (e instanceof EnrollError && e.code === 'wrong-key') {
          throw new EnrollError('wrong-key', `${e.message}: enroll keeps the existing identity and needs the key it is enrolled on (for a new identity, use another --home)`, { cause: e });
        }
        throw e;
      }).finally(() => prompt.done())
      : undefined;
    result = await enrollIdentity({ ...call, ctap: device.ctap, displayName, identity, reuse: existing }).finally(() => prompt.done());
  } catch (e) {
    identity?.destroy();
    throw e;
  } finally {
    interrupt.dispose();
    await device.close();
  }
  try {
    const files = await writeEnrollment(home, result);
    const summary = identitySummary({ home, bundle: result.bundle, credential: result.credential });
    if (values.json) {
      printJson({ enrolled: true, reused: existing !== undefined, ...summary, files });
    } else {
      print(existing ? `Re-enrolled the identity in ${home}` : `Enrolled a new identity in ${home}`);
      printSummary(summary);
    }
  } finally {
    result.identity.destroy();
  }
  return EXIT.ok;
}
