// `keyprint unlock`: touches the security key for its hmac-secret output (CTAP 2.1 §12.5), unwraps
// the identity seed (src/identity/wrap.ts) and checks it against the bundle's public key. Prints
// only public data — the secret is wiped before this command returns.

import { ready } from '../core/index.js';
import { KeyprintError } from '../errors.js';
import { readEnrollment, unlockIdentity } from '../identity/enroll.js';
import { openDevice, parseDevice, parseFlags } from './enroll.js';
import { resolveHome } from './_home.js';
import { interruptSignal, touchPrompt } from './_prompt.js';
import { EXIT, UsageError, print, printJson } from './output.js';

export const UNLOCK_HELP = `Usage: keyprint unlock [--device hid[:PATH] | udp:HOST:PORT[@LOCALPORT]] [--pin PIN] [--home DIR] [--json]

Checks that this security key unlocks the identity in the home directory (one touch).
  --device DEV    hid (default), hid:PATH, or udp:HOST:PORT[@LOCALPORT] (see keyprint enroll --help)
  --pin PIN       the PIN, if the identity was enrolled with one
  --home DIR      default $KEYPRINT_HOME or ~/.config/keyprint
  --json          print one JSON object`;

/**
 * Runs `keyprint unlock`.
 * @param args the command's arguments (flags)
 * @returns the exit code
 */
export async function unlock(args: string[]): Promise<number> {
  const values = parseFlags('unlock', args, { device: true });
  if (values.help) {
    print(UNLOCK_HELP);
    return EXIT.ok;
  }
  if (values.pin === '') throw new UsageError('unlock: "--pin" expected a PIN, got ""');
  const spec = parseDevice(values.device);
  const home = resolveHome(values.home);
  await ready();
  const enrolled = await readEnrollment(home);
  if (!enrolled) throw new KeyprintError('no-identity', `no identity in ${home}: run keyprint enroll`);
  const prompt = touchPrompt({ quiet: values.json });
  const interrupt = interruptSignal();
  let did: string;
  try {
    const device = await openDevice(spec);
    try {
      const identity = await unlockIdentity({
        ctap: device.ctap, enrolled, pin: values.pin, signal: interrupt.signal, onKeepalive: (s) => prompt.onKeepalive(s),
      }).finally(() => prompt.done());
      did = identity.did;
      identity.destroy();
    } finally {
      await device.close();
    }
  } finally {
    interrupt.dispose();
  }
  if (values.json) printJson({ unlocked: true, name: enrolled.bundle.displayName, did, home });
  else print(`identity unlocked: ${enrolled.bundle.displayName} ${did}`);
  return EXIT.ok;
}
