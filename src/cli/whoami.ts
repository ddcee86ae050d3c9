// `keyprint whoami`: shows the identity enrolled in the home directory — name, did:key, this side's
// half of the safety number (Signal numeric fingerprint, src/sas/safety-number.ts), creation time,
// authenticator and attestation trust — from the files alone, without touching the security key. The
// trust is re-checked from the bundle's attestation with today's trust store (keyprint trust), so an
// anchor or metadata BLOB added after enrolling shows here, as it does on cards.

import { ready } from '../core/index.js';
import { verifyBinding } from '../identity/index.js';
import { type AttestationCheck } from '../card/attestation.js';
import { readEnrollment } from './_identity-store.js';
import { KeyprintError } from '../errors.js';
import { parseArgs } from 'node:util';
import { resolveHome } from './_home.js';
import { EXIT, UsageError, print, printJson } from './output.js';
import { identitySummary, checkKeyAttestations, keyRows, printSummary } from './_identity-view.js';
export { identitySummary, checkKeyAttestations, keyRows, printSummary, type IdentitySummary, type CurrentAttestation, type KeyRow } from './_identity-view.js';

export const WHOAMI_HELP = `Usage: keyprint whoami [--home DIR] [--json]

Shows the identity in the home directory (default $KEYPRINT_HOME or ~/.config/keyprint) without
touching the security key: name, did:key, your half of the safety number, authenticator, trust,
and how many security keys unlock it (keyprint keys lists them).
  --json   print one JSON object instead of text`;

/**
 * Runs `keyprint whoami`.
 * @param args the command's arguments (flags)
 * @returns the exit code
 * @throws KeyprintError `no-identity` when the home has none
 */
export async function whoami(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args, options: { home: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false,
    }).values;
  } catch (e) {
    throw new UsageError(`whoami: ${(e as Error).message}`);
  }
  if (values.help) {
    print(WHOAMI_HELP);
    return EXIT.ok;
  }
  const home = resolveHome(values.home);
  await ready();
  const enrolled = await readEnrollment(home);
  if (!enrolled) throw new KeyprintError('no-identity', `no identity in ${home}: run keyprint enroll`);
  // The attestations and the bindings are re-checked from the bundle alone, as anyone receiving it would.
  const checks = await checkKeyAttestations(enrolled);
  const [attestation] = checks;
  const first = enrolled.keys[0].credential;
  const summary = identitySummary({ home, bundle: enrolled.bundle, credential: first }, attestation.ok ? attestation.verdict : undefined);
  const binding = verifyBinding(enrolled.bundle, { rpId: first.rpId });
  const bindingText = binding.valid ? 'valid' : `INVALID (${binding.reason}${binding.index ? `, key ${binding.index + 1}` : ''})`;
  const refused = checks.find((c): c is Extract<AttestationCheck, { ok: false }> => !c.ok);
  const keys = keyRows(enrolled, checks);
  if (values.json) {
    printJson({
      ...summary, binding: binding.valid ? 'valid' : binding.reason, ...(refused ? { attestation: { code: refused.code, reason: refused.reason } } : {}), keys,
    });
  } else {
    print(`Identity in ${home}`);
    printSummary(summary);
    print(`  security keys:  ${keys.length}${keys.length > 1 ? ' (any of them unlocks it; keyprint keys lists them)' : ' (keyprint enroll --add adds a second one, in case this one is lost)'}`);
    print(`  binding:        ${bindingText}`);
    if (refused) print(`  attestation:    REFUSED — ${refused.reason}`);
  }
  return binding.valid && !refused ? EXIT.ok : EXIT.notVerified;
}
