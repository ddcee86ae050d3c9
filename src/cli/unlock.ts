// `keyprint unlock`: touches the security key for its hmac-secret output (CTAP 2.1 §12.5), unwraps
// the identity seed (src/identity/wrap.ts) and checks it against the bundle's public key. Prints
// only public data — the secret is wiped before this command returns.

import { ready } from '../core/index.js';
import { KeyprintError } from '../errors.js';
import { readEnrollment, unlockHome, type HomeUnlocked } from './_identity-store.js';
import { openDevice, parseDevice, parseFlags } from './_device.js';
import { resolveHome } from './_home.js';
import { interruptSignal, touchPrompt } from './_prompt.js';
import { EXIT, UsageError, print, printError, printJson } from './output.js';

export const UNLOCK_HELP = `Usage: keyprint unlock [--device hid[:PATH] | udp:HOST:PORT[@LOCALPORT]] [--pin PIN] [--home DIR] [--json]

Checks that this security key unlocks the identity in the home directory (one touch): any of the
identity's keys does (keyprint keys lists them). A key enrolled before per-enrollment PRF inputs has
its envelope upgraded in the same touch.
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
  let upgrade: HomeUnlocked['upgrade'];
  try {
    const device = await openDevice(spec);
    try {
      const unlocked = await unlockHome({
        ctap: device.ctap, enrolled, pin: values.pin, signal: interrupt.signal, onKeepalive: (s) => prompt.onKeepalive(s),
      }).finally(() => prompt.done());
      did = unlocked.identity.did;
      upgrade = unlocked.upgrade;
      unlocked.identity.destroy();
    } finally {
      await device.close();
    }
  } finally {
    interrupt.dispose();
  }
  // The identity is unlocked either way; a failed upgrade only means the old envelope stays (and works).
  if (upgrade instanceof KeyprintError) printError(`keyprint: the envelope could not be upgraded to version 2 (${upgrade.message}); it still works, and the next unlock tries again`);
  if (values.json) printJson({ unlocked: true, name: enrolled.bundle.displayName, did, home, ...(upgrade ? { envelopeUpgraded: upgrade === 'written' } : {}) });
  else {
    print(`identity unlocked: ${enrolled.bundle.displayName} ${did}`);
    if (upgrade === 'written') print('its envelope was upgraded to version 2 (a PRF input of its own, recorded with its PIN setting)');
  }
  return EXIT.ok;
}
