// Card verification from the payload bytes, offline and without any image decoding (browser-safe):
// check, each as a named result — the payload's structure, the bundle's Ed25519 self-signature,
// expiry, the hardware binding (WebAuthn L3 §7.2 / CTAP 2.1 §6.2 via verifyBinding), the
// attestation (full card: verifyAttestation at the bundle's creation time; compact card: the
// verdict signed by the identity key), an optional minimum trust level, and that the printed
// digits/words equal those computed from the payload (a card whose text was altered fails even if
// its QR code is intact). verify.ts adds reading the payload from images and SVG files (Node).

import { decodeBundle, encodeBundle, verifyBinding, verifyBundleSignature, type AttestationTrust, type IdentityBundle, type VerifyBindingOptions } from '../identity/index.js';
import { KeyprintError, describe } from '../errors.js';
import { checkBundleAttestation, type AttestationCheckOptions } from './attestation.js';
import { CardError } from './errors.js';
import { decodeCardPayload, verifyVerdict, type AttestationVerdict, type CardPayload } from './payload.js';
import { cardFingerprint, describeAuthenticator, type CardAuthenticator } from './model.js';

/** Names of the checks, in the order they run. */
export type CardCheckName = 'payload' | 'bundle-signature' | 'expiry' | 'binding' | 'attestation' | 'trust' | 'printed-text';

/** One check's outcome. */
export interface CardCheck {
  name: CardCheckName;
  ok: boolean;
  reason: string;
}

/** The identity a card describes (present once the payload decodes). */
export interface CardIdentity {
  displayName: string;
  did: string;
  identityPublicKey: Uint8Array;
  /** 30 digits. */
  digits: string;
  /** 13 words. */
  words: string[];
  createdAt: number;
  expiresAt?: number;
  authenticator: CardAuthenticator;
  form: 'full' | 'compact';
  bundle: IdentityBundle;
  /** The canonical bundle bytes as carried (compact cards: without the attestationObject). */
  bundleBytes: Uint8Array;
  /** Compact cards: the verdict signed at print time. */
  verdict?: AttestationVerdict;
}

/** The result of verifyCard. `verified` is true exactly when every check is ok. */
export interface CardVerification {
  verified: boolean;
  /** The attestation trust level, when the attestation check passed. */
  trust?: AttestationTrust;
  checks: CardCheck[];
  identity?: CardIdentity;
  /** Whether printed digits or words were compared with the payload. */
  printedTextCompared: boolean;
}

/** Options of verifyCard. */
export interface VerifyCardOptions extends AttestationCheckOptions {
  /** The digits printed on the card (spaces and dashes ignored). */
  digits?: string;
  /** The words printed on the card (a string is split on whitespace; case ignored). */
  words?: string | readonly string[];
  /** Require at least this trust level (`hardware-attested` to require a known vendor). */
  requireTrust?: AttestationTrust;
  /** Passed to verifyBinding (`rpId`, `requireUserVerification`, `origins`). */
  binding?: VerifyBindingOptions;
  /** The time for the expiry check (default now). */
  now?: number;
}

const TRUST_RANK: Record<AttestationTrust, number> = { 'hardware-attested': 3, 'attested-unknown-vendor': 2, 'self-attested': 1, unattested: 0 };

/**
 * Verifies a card's payload bytes (the QR code's content). A payload that decodes badly or fails
 * any check gives `verified: false` with the reason in `checks`; only bad options throw.
 * Without `digits`/`words` the printed text is not compared: `printedTextCompared` is false, and
 * whoever holds the card must compare it with `identity.digits`.
 * @param bytes the payload bytes (payloadFromText for the `kpcard1:` text form)
 * @param options see VerifyCardOptions
 * @param printed the printed digits/words read from the card itself (an SVG's text), used when
 *   `options` gives none
 * @returns `{ verified, trust, checks, identity, printedTextCompared }`
 * @throws CardError `input` for an unknown `requireTrust`
 * @example
 * const r = await verifyCardPayload(readQr(pixels), { digits: '12345 67890 …' })
 * if (!r.verified) console.log(r.checks.filter((c) => !c.ok))
 */
export async function verifyCardPayload(bytes: Uint8Array, options: VerifyCardOptions = {}, printed?: { digits?: string; words?: string[] }): Promise<CardVerification> {
  if (!(bytes instanceof Uint8Array)) throw new CardError('input', `"bytes" expected the card payload as a Uint8Array, got ${describe(bytes)}`);
  const checks: CardCheck[] = [];
  const add = (name: CardCheckName, ok: boolean, reason: string) => { checks.push({ name, ok, reason }); return ok; };
  const done = (identity?: CardIdentity, trust?: AttestationTrust, compared = false): CardVerification => ({
    verified: checks.every((c) => c.ok), ...(trust ? { trust } : {}), checks, ...(identity ? { identity } : {}), printedTextCompared: compared,
  });

  // 1. Payload and bundle structure.
  let payload: CardPayload;
  let bundle: IdentityBundle;
  try {
    payload = decodeCardPayload(bytes);
    bundle = decodeBundle(payload.bundle, { verifySignature: false });
  } catch (e) {
    if (!(e instanceof KeyprintError)) throw e;
    add('payload', false, `${e.message} [${e.code}]`);
    return done();
  }
  const form = payload.verdict ? 'compact' : 'full';
  if (form === 'compact' && bundle.binding?.attestationObject) {
    add('payload', false, 'a compact card carries the attestation verdict instead of the attestationObject, not both');
    return done();
  }
  if (form === 'compact' && !bundle.binding) {
    add('payload', false, 'an attestation verdict for a bundle without hardware binding');
    return done();
  }
  add('payload', true, `card v${payload.version}, ${form} (${bytes.length} bytes)`);

  // 2. The bundle's self-signature (covers the binding and, for full cards, the attestationObject).
  const signed = verifyBundleSignature(bundle);
  add('bundle-signature', signed, signed ? 'the bundle is signed by its identity key' : 'the bundle self-signature does not verify under its identity key');

  // 3. Expiry.
  const now = options.now ?? Date.now();
  if (bundle.expiresAt !== undefined && now > bundle.expiresAt) add('expiry', false, `the identity expired on ${new Date(bundle.expiresAt).toISOString()}`);
  else add('expiry', true, bundle.expiresAt === undefined ? 'no expiry' : `valid until ${new Date(bundle.expiresAt).toISOString()}`);

  // 4. Hardware binding: the credential signed bindingChallenge(key, createdAt).
  const binding = verifyBinding(bundle, options.binding);
  add('binding', binding.valid, binding.valid
    ? `the security key's credential signed this identity key${binding.userVerified ? ' (with user verification)' : ''}`
    : binding.reason === 'no-binding' ? 'passphrase-only identity: no hardware binding' : `the hardware binding does not verify (${binding.reason})`);

  // 5. Attestation.
  let trust: AttestationTrust | undefined;
  let verdict: AttestationVerdict | undefined;
  if (payload.verdict) {
    const ok = verifyVerdict(bundle.identityPublicKey, payload.bundle, payload.verdict, payload.verdictSignature!);
    if (ok) {
      trust = payload.verdict.trust;
      verdict = payload.verdict;
    }
    add('attestation', ok, ok
      ? `${payload.verdict.trust}: verified by the card's maker on ${new Date(payload.verdict.checkedAt).toISOString().slice(0, 10)} and signed by the identity key (the attestation itself is not on the card)`
      : 'the attestation verdict is not signed by this identity key for this bundle');
  } else if (bundle.binding?.attestationObject) {
    const r = await checkBundleAttestation(bundle, options, now);
    if (r.ok) {
      trust = r.verdict.trust;
      verdict = r.verdict;
      add('attestation', true, `${r.verdict.trust}: the attestation verifies (at the bundle's creation time)`);
    } else add('attestation', false, r.reason);
  } else if (bundle.binding) {
    trust = 'unattested';
    add('attestation', true, 'unattested: the bundle keeps no attestation (the authenticator model is not proven)');
  } else {
    add('attestation', false, 'no hardware binding, so no attestation');
  }
  if (options.requireTrust !== undefined) {
    const need = TRUST_RANK[options.requireTrust];
    if (need === undefined) throw new CardError('input', `"requireTrust" expected a trust level, got ${JSON.stringify(options.requireTrust)}`);
    add('trust', trust !== undefined && TRUST_RANK[trust] >= need, `required ${options.requireTrust}, got ${trust ?? 'none'}`);
  }

  // 6. The printed text against the payload.
  const { did, digits, words } = cardFingerprint(bundle.identityPublicKey);
  const wantDigits = options.digits ?? printed?.digits;
  const wantWords = options.words ?? printed?.words;
  let compared = false;
  if (wantDigits !== undefined || wantWords !== undefined) {
    compared = true;
    const problems: string[] = [];
    if (wantDigits !== undefined) {
      const d = String(wantDigits).replace(/[\s-]+/g, '');
      if (d !== digits) {
        const group = [0, 1, 2, 3, 4, 5].find((g) => d.slice(g * 5, g * 5 + 5) !== digits.slice(g * 5, g * 5 + 5));
        problems.push(d.length !== 30 ? `the printed digits have ${d.length} digits, expected 30` : `printed digit group ${group! + 1} differs from the QR code's identity`);
      }
    }
    if (wantWords !== undefined) {
      const w = (typeof wantWords === 'string' ? wantWords.split(/\s+/) : [...wantWords]).filter(Boolean).map((x) => x.toLowerCase());
      if (w.length !== words.length || w.some((x, i) => x !== words[i].toLowerCase())) problems.push('the printed words differ from the QR code\'s identity');
    }
    add('printed-text', problems.length === 0, problems.length ? problems.join('; ') : 'the printed fingerprint matches the QR code');
  }

  const identity: CardIdentity = {
    displayName: bundle.displayName, did, identityPublicKey: bundle.identityPublicKey, digits, words, createdAt: bundle.createdAt,
    ...(bundle.expiresAt !== undefined ? { expiresAt: bundle.expiresAt } : {}),
    authenticator: describeAuthenticator(bundle, verdict), form, bundle, bundleBytes: encodeBundle(bundle), ...(payload.verdict ? { verdict: payload.verdict } : {}),
  };
  return done(identity, trust, compared);
}
