// Card verification from the payload bytes, offline and without any image decoding (browser-safe):
// check, each as a named result — the payload's structure, the bundle's Ed25519 self-signature,
// expiry, the hardware binding (WebAuthn L3 §7.2 / CTAP 2.1 §6.2 via verifyBinding), the
// attestation (full card: verifyAttestation at the bundle's creation time; compact card: only that
// the verdict is signed by the identity key — the verdict itself is the holder's claim, so a compact
// card's trust level here is `unattested` and the claim is reported apart, docs/THREAT-MODEL.md
// "Compact cards"), an optional minimum trust level, and that the printed
// digits/words equal those computed from the payload (a card whose text was altered fails even if
// its QR code is intact): typed by the person, or read from an SVG card only when the file is
// exactly what the renderer draws for this payload (svg-text.ts). verify.ts adds reading the
// payload from images and SVG files (Node).

import { bundleBindings, decodeBundle, encodeBundle, verifyBinding, verifyBundleSignature, type AttestationTrust, type IdentityBundle, type VerifyBindingOptions } from '../identity/index.js';
import { KeyprintError, describe } from '../errors.js';
import { uuidString } from '../core/bytes.js';
import { verdictModel, checkBundleAttestation, type AttestationCheckOptions } from './attestation.js';
import { CardError } from './errors.js';
import { decodeCardPayload, verifyVerdict, type AttestationVerdict, type CardPayload } from './payload.js';
import { cardFingerprint, cardAuthenticator, type CardAuthenticator } from './model.js';
import { svgPrintedText } from './svg-text.js';

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
}

/** The words every output puts beside a compact card's claimed trust level and model. */
export const CLAIM_LABEL = "claimed by the card's holder, not checked here";

/**
 * What a compact card says about its own attestation: the verdict its maker signed with the
 * identity key. Anyone holding an identity key can sign any verdict, so none of this is verified.
 */
export interface CardClaim {
  /** The claimed trust level. */
  trust: AttestationTrust;
  /** The claimed authenticator model (identity's authenticatorModel of the verdict). */
  model: string;
  vendor?: string;
  /** Dashed lowercase AAGUID. */
  aaguid: string;
  fmt: string;
  /** SHA-256 of the attestationObject the maker says it checked. */
  attestationHash: Uint8Array;
  /** When the maker says it checked it, ms. */
  checkedAt: number;
  /** Always CLAIM_LABEL, so no output can show the claim without it. */
  label: typeof CLAIM_LABEL;
}

/** The result of verifyCard. `verified` is true exactly when every check is ok. */
export interface CardVerification {
  verified: boolean;
  /**
   * The attestation trust level checked here, when the attestation check passed: a full card's
   * verified level; `unattested` for a compact card (its level is only `claimed`).
   */
  trust?: AttestationTrust;
  /** Compact cards whose verdict signature verifies: the holder's claim, never a verified fact. */
  claimed?: CardClaim;
  checks: CardCheck[];
  identity?: CardIdentity;
  /** Whether printed digits or words were compared with the payload. */
  printedTextCompared: boolean;
  /**
   * When an SVG card was given (and no typed digits/words) but its text was not read: why — the
   * file is not exactly what the renderer draws for this payload. The person must type the digits.
   */
  svgTextRejected?: string;
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
 * Checks typed printed text before anything is compared: 30 digits (spaces and dashes allowed) and
 * 13 words. Five digits are not a card that fails to verify but a typing slip, said as such.
 * @param text `digits` and/or `words` as typed
 * @throws CardError `printed-text-input`: `"digits" expected 30 digits, got 5`
 * @example checkPrintedText({ digits: '12345 67890 …' })
 */
export function checkPrintedText(text: { digits?: string; words?: string | readonly string[] }): void {
  if (text.digits !== undefined) {
    const d = String(text.digits).replace(/[\s-]+/g, '');
    if (!/^\d{30}$/.test(d)) throw new CardError('printed-text-input', /^\d*$/.test(d) ? `"digits" expected 30 digits, got ${d.length}` : '"digits" expected 30 digits, got other characters too');
  }
  if (text.words !== undefined) {
    const n = (typeof text.words === 'string' ? text.words.split(/\s+/) : [...text.words]).filter(Boolean).length;
    if (n !== 13) throw new CardError('printed-text-input', `"words" expected the 13 printed words, got ${n}`);
  }
}

/**
 * Verifies a card's payload bytes (the QR code's content). A payload that decodes badly or fails
 * any check gives `verified: false` with the reason in `checks`; only bad options throw.
 * Without `digits`/`words` (or a faithful SVG) the printed text is not compared:
 * `printedTextCompared` is false, and the person must type the digits printed on the card.
 * @param bytes the payload bytes (payloadFromText for the `kpcard1:` text form)
 * @param options see VerifyCardOptions
 * @param source the SVG card the payload was read from: its printed text counts, when `options`
 *   gives none, only if the file is exactly what the renderer draws for this payload
 * @returns `{ verified, trust, claimed, checks, identity, printedTextCompared, svgTextRejected }`
 * @throws CardError `input` for an unknown `requireTrust`; `printed-text-input` (checkPrintedText)
 * @example
 * const r = await verifyCardPayload(readQr(pixels), { digits: '12345 67890 …' })
 * if (!r.verified) console.log(r.checks.filter((c) => !c.ok))
 */
export async function verifyCardPayload(bytes: Uint8Array, options: VerifyCardOptions = {}, source?: { svg: string }): Promise<CardVerification> {
  if (!(bytes instanceof Uint8Array)) throw new CardError('input', `"bytes" expected the card payload as a Uint8Array, got ${describe(bytes)}`);
  checkPrintedText(options);
  const checks: CardCheck[] = [];
  const add = (name: CardCheckName, ok: boolean, reason: string) => { checks.push({ name, ok, reason }); return ok; };
  let claimed: CardClaim | undefined;
  let svgTextRejected: string | undefined;
  const done = (identity?: CardIdentity, trust?: AttestationTrust, compared = false): CardVerification => ({
    verified: checks.every((c) => c.ok), ...(trust ? { trust } : {}), ...(claimed ? { claimed } : {}), checks, ...(identity ? { identity } : {}),
    printedTextCompared: compared, ...(svgTextRejected ? { svgTextRejected } : {}),
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
  if (form === 'compact' && bundleBindings(bundle).some((b) => b.attestationObject)) {
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
    // The identity key signs whatever verdict its holder likes (a software identity can sign
    // "hardware-attested"): the signature only ties the claim to this card.
    const ok = verifyVerdict(bundle.identityPublicKey, payload.bundle, payload.verdict, payload.verdictSignature!);
    if (ok) {
      trust = 'unattested';
      claimed = claimOf(payload.verdict);
    }
    add('attestation', ok, ok
      ? `unattested here: the card carries only its maker's verdict "${claimText(claimed!)}" (checked ${new Date(claimed!.checkedAt).toISOString().slice(0, 10)}), signed by the identity key — ${CLAIM_LABEL}`
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
    const met = trust !== undefined && TRUST_RANK[trust] >= need;
    add('trust', met, `required ${options.requireTrust}, got ${trust ?? 'none'}${!met && claimed
      ? `: a compact card does not carry its attestation, so its "${claimText(claimed)}" is ${CLAIM_LABEL} (verify a full card or the bundle itself)` : ''}`);
  }

  // 6. The printed text against the payload: typed, or from a faithful SVG.
  const { did, digits, words } = cardFingerprint(bundle.identityPublicKey);
  let printed: { digits: string; words: string[] } | undefined;
  if (source?.svg !== undefined && options.digits === undefined && options.words === undefined) {
    // As the maker drew it: a compact card prints its own verdict, a full card the level its maker
    // checked (the same as here unless other trust anchors were used — then the file reads as not faithful).
    const drawnVerdict = payload.verdict ?? verdict;
    const t = svgPrintedText(source.svg, {
      payload: bytes, bundle, form, trust: drawnVerdict?.trust ?? 'unattested', authenticator: cardAuthenticator(bundle, drawnVerdict),
      ...(payload.verdict ? { printedAt: payload.verdict.checkedAt } : {}),
    });
    if ('rejected' in t) svgTextRejected = t.rejected;
    else printed = t;
  }
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
        problems.push(`printed digit group ${group! + 1} differs from the QR code's identity`);
      }
    }
    if (wantWords !== undefined) {
      const w = (typeof wantWords === 'string' ? wantWords.split(/\s+/) : [...wantWords]).filter(Boolean).map((x) => x.toLowerCase());
      if (w.some((x, i) => x !== words[i].toLowerCase())) problems.push('the printed words differ from the QR code\'s identity');
    }
    add('printed-text', problems.length === 0, problems.length ? problems.join('; ') : 'the printed fingerprint matches the QR code');
  }

  const identity: CardIdentity = {
    displayName: bundle.displayName, did, identityPublicKey: bundle.identityPublicKey, digits, words, createdAt: bundle.createdAt,
    ...(bundle.expiresAt !== undefined ? { expiresAt: bundle.expiresAt } : {}),
    authenticator: form === 'compact' ? { model: 'unknown authenticator (compact card: its attestation is not on the card)' } : cardAuthenticator(bundle, verdict),
    form, bundle, bundleBytes: encodeBundle(bundle),
  };
  return done(identity, trust, compared);
}

/** A compact card's verdict as the holder's claim. */
function claimOf(v: AttestationVerdict): CardClaim {
  return {
    trust: v.trust, model: verdictModel(v), ...(v.vendor !== undefined ? { vendor: v.vendor } : {}), aaguid: uuidString(v.aaguid), fmt: v.fmt,
    attestationHash: v.attestationHash, checkedAt: v.checkedAt, label: CLAIM_LABEL,
  };
}

/**
 * A claim in words: trust level and model, e.g. `hardware-attested, YubiKey 5 NFC`. Outputs put
 * CLAIM_LABEL beside it.
 * @param c the claim
 * @returns the text
 * @example `${claimText(r.claimed)} (${CLAIM_LABEL})`
 */
export function claimText(c: Pick<CardClaim, 'trust' | 'model'>): string {
  return `${c.trust}, ${c.model}`;
}
