// `keyprint whoami`: shows the identity enrolled in the home directory — name, did:key, this side's
// half of the safety number (Signal numeric fingerprint, src/sas/safety-number.ts), creation time,
// authenticator and attestation trust — from the files alone, without touching the security key. The
// trust is re-checked from the bundle's attestation with today's trust store (keyprint trust), so an
// anchor or metadata BLOB added after enrolling shows here, as it does on cards.

import { ready } from '../core/index.js';
import { currentAuthenticator, envelopeInfo, verifyBinding, type AttestationTrust, type IdentityBundle } from '../identity/index.js';
import { checkBundleAttestation, type AttestationCheck } from '../card/attestation.js';
import { readEnrollment, type CredentialRecord, type EnrolledIdentity } from '../enroll/index.js';
import { fingerprintDigits, keyprintParty } from '../sas/index.js';
import { didKeyFromPublicKey } from '../identity/did-key.js';
import { base64urlnopad } from '@scure/base';
import { KeyprintError } from '../errors.js';
import { parseArgs } from 'node:util';
import { resolveHome } from './_home.js';
import { EXIT, UsageError, print, printJson } from './output.js';

export const WHOAMI_HELP = `Usage: keyprint whoami [--home DIR] [--json]

Shows the identity in the home directory (default $KEYPRINT_HOME or ~/.config/keyprint) without
touching the security key: name, did:key, your half of the safety number, authenticator, trust,
and how many security keys unlock it (keyprint keys lists them).
  --json   print one JSON object instead of text`;

/** What enroll and whoami print about an identity. */
export interface IdentitySummary {
  name: string;
  did: string;
  /** This identity's 30-digit half of a safety number, six groups of five. */
  safetyNumber: string;
  createdAt: string;
  authenticator: { model: string; modelAttested: boolean; aaguid: string; vendor?: string; fmt: string };
  trust: string;
  /** The trust recorded at enrollment, when today's check says otherwise. */
  enrolledTrust?: string;
  /** Whether unlocking needs the security key's PIN. */
  pinRequired: boolean;
  credentialId: string;
  rpId: string;
  home: string;
}

const TRUST_NOTES: Record<string, string> = {
  'hardware-attested': 'the attestation chains to the vendor\'s root: the model is proven',
  'attested-unknown-vendor': 'valid attestation signature, but the issuer is not a known vendor (expected for the emulator)',
  'self-attested': 'signed by the credential itself: the model is not proven',
  unattested: 'no attestation: the model is not proven',
};

/** Groups 30 digits as six groups of five. */
const groups = (digits: string) => digits.match(/.{5}/g)!.join(' ');

/** Today's attestation verdict for an identity (a CTAP enrollment's recorded trust may be older). */
export interface CurrentAttestation {
  trust: AttestationTrust;
  vendor?: string;
  model?: string;
}

/**
 * The summary of an identity (public data only).
 * @param current today's verdict (whoami re-checks it); default: what enrollment recorded
 */
export function identitySummary(e: { home: string; bundle: IdentityBundle; credential: CredentialRecord }, current?: CurrentAttestation): IdentitySummary {
  const did = didKeyFromPublicKey(e.bundle.identityPublicKey);
  const party = keyprintParty(e.bundle.identityPublicKey, did);
  const recorded = e.credential.authenticator;
  const a = current ? currentAuthenticator(recorded, current) : recorded;
  return {
    name: e.bundle.displayName,
    did,
    safetyNumber: groups(fingerprintDigits(party.publicKey, party.stableId)),
    createdAt: new Date(e.bundle.createdAt).toISOString(),
    authenticator: { model: a.model, modelAttested: a.modelAttested, aaguid: a.aaguid, ...(a.vendor ? { vendor: a.vendor } : {}), fmt: a.fmt },
    trust: a.trust,
    ...(current && current.trust !== recorded.trust ? { enrolledTrust: recorded.trust } : {}),
    pinRequired: e.credential.userVerified,
    credentialId: base64urlnopad.encode(e.credential.credentialId),
    rpId: e.credential.rpId,
    home: e.home,
  };
}

/** One security key of an identity, as `keyprint keys` and `whoami --json` show it. */
export interface KeyRow {
  /** 1-based, in the bundle's order (1 = the first key). */
  n: number;
  credentialId: string;
  rpId: string;
  model: string;
  aaguid: string;
  trust: string;
  /** Why today's check refuses its attestation, if it does. */
  refused?: string;
  pinRequired: boolean;
  enrolledAt: string;
  /** 1: the fixed PRF input (upgraded at its next unlock); 2: its own. */
  envelopeVersion: number;
}

/** Today's attestation check for each key of an identity (its registration clientDataJSON, its binding). */
export function checkKeyAttestations(e: EnrolledIdentity): Promise<AttestationCheck[]> {
  const bindings = [e.bundle.binding, ...(e.bundle.additionalBindings ?? [])];
  return Promise.all(e.keys.map((k, i) => checkBundleAttestation(e.bundle, {
    registrationClientDataJSON: k.credential.registrationClientDataJSON, forBinding: bindings[i] ?? undefined,
  })));
}

/** The rows for each key, with today's attestation verdicts (checkKeyAttestations). */
export function keyRows(e: EnrolledIdentity, checks: readonly AttestationCheck[]): KeyRow[] {
  return e.keys.map((k, i) => {
    const check = checks[i];
    const a = check?.ok ? currentAuthenticator(k.credential.authenticator, check.verdict) : k.credential.authenticator;
    return {
      n: i + 1, credentialId: base64urlnopad.encode(k.credential.credentialId), rpId: k.credential.rpId, model: a.model, aaguid: a.aaguid, trust: a.trust,
      ...(check && !check.ok ? { refused: check.reason } : {}), pinRequired: k.credential.userVerified,
      enrolledAt: new Date(k.credential.enrolledAt).toISOString(), envelopeVersion: envelopeInfo(k.envelope).version,
    };
  });
}

/** Prints a summary as aligned text lines. */
export function printSummary(s: IdentitySummary): void {
  print(`  name:           ${s.name}`);
  print(`  did:            ${s.did}`);
  print(`  safety number:  ${s.safetyNumber}   (your half; compare it out loud)`);
  print(`  created:        ${s.createdAt}`);
  print(`  authenticator:  ${s.authenticator.model} (AAGUID ${s.authenticator.aaguid})`);
  print(`  trust:          ${s.trust} — ${TRUST_NOTES[s.trust] ?? ''}${s.enrolledTrust ? ` (at enrollment: ${s.enrolledTrust})` : ''}`);
  print(`  unlock needs:   ${s.pinRequired ? 'a touch and the PIN' : 'a touch'}`);
}

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
