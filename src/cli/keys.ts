// `keyprint keys`: the security keys that unlock the identity in the home directory — list them
// (no device), or remove one (the bundle is re-signed without its binding after another enrolled
// key, or that one, unlocks the identity). Adding one is `keyprint enroll --add`. See
// src/enroll/enroll.ts (removeKey, writeKeys) and docs/PROTOCOL.md "Bundle version 2".

import { base64urlnopad } from '@scure/base';
import { ready } from '../core/index.js';
import { KeyprintError } from '../errors.js';
import { EnrollError, removeKey, type EnrolledIdentity } from '../enroll/index.js';
import { readEnrollment, unlockHome, writeKeys } from './_identity-store.js';
import type { IdentityKeyPair } from '../identity/index.js';
import { openDevice, parseDevice, parseFlags } from './_device.js';
import { resolveHome } from './_home.js';
import { interruptSignal, touchPrompt } from './_prompt.js';
import { checkKeyAttestations, keyRows, type KeyRow } from './_identity-view.js';
import { EXIT, UsageError, print, printJson } from './output.js';

export const KEYS_HELP = `Usage: keyprint keys [list] [--home DIR] [--json]
       keyprint keys remove KEY --device DEV [--pin PIN] [--home DIR] [--json]

The security keys that unlock your identity. Any of them unlocks it; keep a second one (keyprint
enroll --add) somewhere safe, so losing one key does not lose the identity.
  list            each key: number, model, trust, whether unlocking needs its PIN, when it was added
  remove KEY      KEY is its number from the list or its credential ID (or the ID's first characters);
                  the identity must be unlocked with one of its keys (--device, --pin) to re-sign the
                  bundle. The credential stays on that security key; its envelope here is deleted.
  --home DIR      default $KEYPRINT_HOME or ~/.config/keyprint
  --json          print one JSON object`;

/**
 * Runs `keyprint keys`.
 * @param args the command's arguments
 * @returns the exit code
 */
export async function keys(args: string[]): Promise<number> {
  const values = parseFlags('keys', args, { device: true, positionals: true });
  if (values.help) {
    print(KEYS_HELP);
    return EXIT.ok;
  }
  const [sub = 'list', ...rest] = values.positionals;
  if (sub !== 'list' && sub !== 'remove') throw new UsageError(`keys: expected "list" or "remove", got "${sub}"`);
  if (sub === 'list' && (rest.length || values.device !== undefined || values.pin !== undefined)) {
    throw new UsageError('keys list: takes only --home and --json');
  }
  if (sub === 'remove' && rest.length !== 1) throw new UsageError('keys remove: expected one KEY (its number or credential ID)');
  if (values.pin === '') throw new UsageError('keys: "--pin" expected a PIN, got ""');
  const home = resolveHome(values.home);
  await ready();
  const enrolled = await readEnrollment(home);
  if (!enrolled) throw new KeyprintError('no-identity', `no identity in ${home}: run keyprint enroll`);
  const rows = keyRows(enrolled, await checkKeyAttestations(enrolled));
  if (sub === 'list') {
    if (values.json) printJson({ home, keys: rows });
    else printRows(home, rows);
    return EXIT.ok;
  }
  const target = pick(rows, rest[0]);
  if (values.device === undefined) throw new UsageError('keys remove: "--device DEV" is required: one of the identity\'s keys unlocks it to re-sign the bundle');
  const change = await withUnlocked(enrolled, values, (identity) => removeKey({ enrolled, identity, credentialId: base64urlnopad.decode(target.credentialId) }));
  await writeKeys(home, change);
  const left = keyRows({ ...enrolled, ...change }, await checkKeyAttestations({ ...enrolled, ...change }));
  if (values.json) {
    printJson({ removed: target.credentialId, home, keys: left });
  } else {
    print(`Removed key ${target.n} (${target.model}) from the identity in ${home}. Its credential stays on that security key but no longer unlocks this identity here.`);
    printRows(home, left);
  }
  return EXIT.ok;
}

/** The row KEY names: its number, or its credential ID or a prefix of it that names one key. */
function pick(rows: KeyRow[], key: string): KeyRow {
  const byNumber = /^\d+$/.test(key) ? rows.find((r) => r.n === Number(key)) : undefined;
  if (byNumber) return byNumber;
  const matches = rows.filter((r) => r.credentialId.startsWith(key));
  if (matches.length === 1) return matches[0];
  throw new EnrollError('no-such-key', matches.length > 1
    ? `"${key}" names ${matches.length} keys: give more of the credential ID`
    : `the identity has no key "${key}": give its number (1 to ${rows.length}) or credential ID from keyprint keys`);
}

function printRows(home: string, rows: KeyRow[]): void {
  print(`Security keys of the identity in ${home} (any of them unlocks it):`);
  for (const r of rows) {
    print(`  ${r.n}. ${r.model} — ${r.trust}${r.refused ? ` (REFUSED: ${r.refused})` : ''}`);
    print(`     credential ${r.credentialId}`);
    print(`     unlock needs ${r.pinRequired ? 'a touch and the PIN' : 'a touch'}; added ${r.enrolledAt}${r.envelopeVersion === 1 ? '; envelope version 1 (upgraded at its next unlock)' : ''}`);
  }
  if (rows.length === 1) print('Only one key: if it is lost, so is the identity. Add a second one with keyprint enroll --add.');
}

/** Unlocks the identity with --device (and --pin), runs `f` with it, wipes it. */
async function withUnlocked<T>(enrolled: EnrolledIdentity, values: ReturnType<typeof parseFlags>, f: (identity: IdentityKeyPair) => T): Promise<T> {
  const prompt = touchPrompt({ quiet: values.json });
  const interrupt = interruptSignal();
  let identity: IdentityKeyPair | undefined;
  try {
    const device = await openDevice(parseDevice(values.device));
    try {
      identity = (await unlockHome({
        ctap: device.ctap, enrolled, pin: values.pin, signal: interrupt.signal, onKeepalive: (s) => prompt.onKeepalive(s),
      }).finally(() => prompt.done())).identity;
    } finally {
      await device.close();
    }
    return f(identity);
  } finally {
    identity?.destroy();
    interrupt.dispose();
  }
}
