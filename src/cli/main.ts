#!/usr/bin/env node
// keyprint command line: parses arguments and dispatches; each command lives in its own file.

import { readFileSync } from 'node:fs';
import { selftest } from './selftest.js';
import { EXIT, UsageError, print, report, reportAsJson } from './output.js';
import { isMissing, missingPackage } from '../core/optional-node.js';

const HELP = `keyprint — hardware-backed identity verification

Usage: keyprint <command> [flags]

Commands:
  selftest    run the WebAssembly core's known-answer tests on this machine
  devices     list FIDO2 security keys with a getInfo summary (--udp HOST:PORT for an emulator)
  emulator    run the software FIDO2 authenticator on UDP (--udp, --state DIR, --pin, --ask)
  enroll      bind a new (or the existing) identity to a security key (--name, --device, --pin, --home, --json;
              --add --from DEV: one more key for the identity)
  unlock      check that the security key unlocks the identity (--device, --pin, --home, --json)
  keys        keys list | remove KEY: the security keys that unlock the identity (enroll --add adds one)
  whoami      show the identity in the home directory without touching the key (--home, --json)
  card        render your printed verification card (--out FILE, --format svg|pdf|png, --layout card|a4, --bundle FILE | --home DIR)
  verify      verify a card offline from a photo, scan, SVG or payload (FILE|-, --digits D, --words W, --require-trust L, --json)
  safety-number  the 60-digit safety number of two identities (MINE THEIRS: bundles or cards)
  contacts    contacts add FILE (--digits D | --words W) · contacts list · contacts remove DID|NAME (--home DIR, --json)
  trust       trust list | add CERT.pem | remove ID | import-mds BLOB: which keys count as hardware-attested
  chat        verified chat with a terminal or the web app (--ice URL, --relay-only, --json; see chat --help)
  version     print the version
  help        show this help

Exit status: 0 done or verified, 1 a card or identity that does not verify, 2 unusable input or
usage (no verdict). With --json, an error is one {"error":{"code","message"}} object on stdout.`;

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  // Commands that take flags parse them in their own file; the others take none.
  const takesFlags = new Set(['devices', 'emulator', 'enroll', 'unlock', 'keys', 'whoami', 'card', 'verify', 'safety-number', 'contacts', 'chat', 'trust']);
  if (rest.length && !takesFlags.has(command)) throw new UsageError(`"${command}" takes no arguments, got "${rest.join(' ')}"`);
  // Commands that verify attestations do so with the user's trust store (keyprint trust).
  if (['enroll', 'keys', 'whoami', 'card', 'verify', 'safety-number', 'contacts', 'chat'].includes(command) && !rest.some((a) => a === '--help' || a === '-h')) {
    await (await import('./_trust.js')).applyTrustStore(rest);
  }
  switch (command) {
    case 'help': case '--help': case '-h':
      print(HELP);
      return EXIT.ok;
    case 'version': case '--version': case '-v': {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      print(pkg.version);
      return EXIT.ok;
    }
    case 'selftest':
      await selftest();
      return EXIT.ok;
    case 'devices': // loaded on demand: the hardware stack (node-hid, x509) stays out of other commands
      return (await import('./devices.js')).devices(rest);
    case 'emulator':
      return (await import('./emulator.js')).emulator(rest);
    case 'enroll':
      return (await import('./enroll.js')).enroll(rest);
    case 'unlock':
      return (await import('./unlock.js')).unlock(rest);
    case 'keys':
      return (await import('./keys.js')).keys(rest);
    case 'whoami':
      return (await import('./whoami.js')).whoami(rest);
    case 'card':
      return (await import('./card.js')).card(rest);
    case 'verify':
      return (await import('./verify.js')).verify(rest);
    case 'safety-number':
      return (await import('./safety-number.js')).safetyNumberCommand(rest);
    case 'contacts':
      return (await import('./contacts.js')).contacts(rest);
    case 'chat': {
      // node-datachannel is optional (a light install leaves it out): name it when it is missing.
      const chatModule = await import('./chat.js').catch((e: unknown) => { throw isMissing(e, 'node-datachannel') ? missingPackage('node-datachannel', e) : e; });
      return chatModule.chat(rest);
    }
    case 'trust':
      return (await import('./trust.js')).trust(rest);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

// Before any command runs, so even a flag the command rejects is reported as JSON under --json.
reportAsJson(process.argv.slice(3).includes('--json'));
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => { process.exitCode = report(error); },
);
