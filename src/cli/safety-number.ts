// `keyprint safety-number A B`: the 60-digit safety number both sides see (Signal numeric
// fingerprint, docs/PROTOCOL.md "Safety numbers and fingerprints": the two 30-digit halves of
// keyprintParty(key, did), the smaller first), printed as 12 groups of 5. Each side is an identity
// bundle file or a card (image, SVG, payload); a card must verify first.

import { parseArgs } from 'node:util';
import { ready } from '../core/index.js';
import { IdentityError, decodeBundle, didKeyFromPublicKey, type IdentityBundle } from '../identity/index.js';
import { verifyCard } from '../card/node.js';
import { keyprintParty, safetyNumber } from '../sas/index.js';
import { KeyprintError } from '../errors.js';
import { readCardFile, verdictLine } from './_card-file.js';
import { EXIT, UsageError, print, printJson } from './output.js';

export const SAFETY_NUMBER_HELP = `Usage: keyprint safety-number MINE THEIRS [--json]

Prints the 60-digit safety number (12 groups of 5) for two identities; both sides see the same one.
MINE and THEIRS are identity bundle files or cards (PNG/JPEG/SVG, or kpcard1: payload text).
Exit status: 0 printed, 1 a card did not verify, 2 unusable input.`;

/** An identity read from a bundle file or a verified card. */
export interface LoadedIdentity {
  bundle: IdentityBundle;
  source: 'bundle' | 'card';
}

/**
 * Loads an identity from a bundle file (signature checked) or a card (fully verified).
 * @param path file path or `-`
 * @returns the identity
 * @throws KeyprintError `card-not-verified` (exit 1); UnusableInput / CardError (exit 2)
 */
export async function loadIdentity(path: string): Promise<LoadedIdentity> {
  const input = await readCardFile(path);
  if ('payload' in input && input.payload instanceof Uint8Array) {
    try {
      return { bundle: decodeBundle(input.payload), source: 'bundle' };
    } catch (e) {
      if (!(e instanceof IdentityError)) throw e; // not a bundle: try it as a card payload
    }
  }
  const r = await verifyCard(input);
  if (!r.verified || !r.identity) throw new KeyprintError('card-not-verified', `${path}: ${verdictLine(r)}`);
  return { bundle: r.identity.bundle, source: 'card' };
}

/**
 * Runs `keyprint safety-number`.
 * @param args the command's arguments
 * @returns the exit code
 */
export async function safetyNumberCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    throw new UsageError(`safety-number: ${(e as Error).message}`);
  }
  if (parsed.values.help) {
    print(SAFETY_NUMBER_HELP);
    return EXIT.ok;
  }
  if (parsed.positionals.length !== 2) throw new UsageError(`safety-number: expected two files (MINE THEIRS), got ${parsed.positionals.length}`);
  await ready();
  const mine = await loadIdentity(parsed.positionals[0]);
  const theirs = await loadIdentity(parsed.positionals[1]);
  const party = (b: IdentityBundle) => keyprintParty(b.identityPublicKey, didKeyFromPublicKey(b.identityPublicKey));
  const number = safetyNumber(party(mine.bundle), party(theirs.bundle));
  const grouped = number.match(/.{5}/g)!.join(' ');
  if (parsed.values.json) {
    printJson({
      safetyNumber: grouped, mine: { name: mine.bundle.displayName, did: didKeyFromPublicKey(mine.bundle.identityPublicKey) },
      theirs: { name: theirs.bundle.displayName, did: didKeyFromPublicKey(theirs.bundle.identityPublicKey) },
    });
  } else print(grouped);
  return EXIT.ok;
}
