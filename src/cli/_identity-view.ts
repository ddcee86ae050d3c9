// What enroll, keys and whoami print about an identity and its keys.

import { currentAuthenticator, envelopeInfo, type AttestationTrust, type IdentityBundle } from '../identity/index.js';
import { checkBundleAttestation, type AttestationCheck } from '../card/attestation.js';
import { type CredentialRecord, type EnrolledIdentity } from '../enroll/index.js';
import { fingerprintDigits, keyprintParty } from '../sas/index.js';
import { didKeyFromPublicKey } from '../identity/did-key.js';
import { base64urlnopad } from '@scure/base';
import { print } from './output.js';

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
