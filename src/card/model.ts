// Card model: everything a printed card shows, derived from a signed identity bundle — name, did:key,
// the 30-digit fingerprint half (Signal numeric fingerprint of keyprintParty, docs/PROTOCOL.md
// "Safety numbers and fingerprints"), the 13 read-aloud words, authenticator and trust, dates — and
// the QR payload (payload.ts). When the full bundle (with its attestation chain) would need a QR
// code larger than `maxQrVersion`, the card is compact: the bundle without its attestationObject,
// re-signed, plus the attestation verdict checked here and signed by the identity key.

import { equalBytes, uuidString } from '../core/bytes.js';
import {
  decodeBundle, didKeyFromPublicKey, encodeBundle, signBundle,
  type AttestationTrust, type IdentityBundle, type IdentityKeyPair,
} from '../identity/index.js';
import { fingerprintDigits, fingerprintWords, keyprintParty } from '../sas/index.js';
import { InputError, describe } from '../errors.js';
import { verdictModel, checkBundleAttestation, type AttestationCheckOptions } from './attestation.js';
import { CardError } from './errors.js';
import { checkPrintable } from './fonts.js';
import { CARD_VERSION, encodeCardPayload, signVerdict, type AttestationVerdict } from './payload.js';
import { qrMatrix, type QrMatrix } from './qr.js';

/** The default largest QR version: 97 modules, ≥ 0.38 mm each inside 40 mm (prints cleanly at 300 dpi). */
export const DEFAULT_MAX_QR_VERSION = 20;

/** What the card says about the authenticator. */
export interface CardAuthenticator {
  /** Model name (attested, claimed by AAGUID and marked so, or `unknown authenticator`). */
  model: string;
  /** AAGUID, dashed lowercase, when there is an attestation. */
  aaguid?: string;
  vendor?: string;
  fmt?: string;
}

/** A card: what is printed, and the QR payload. */
export interface Card {
  /** Card (payload) version. */
  version: 1;
  /** `full`: the QR carries the bundle as enrolled; `compact`: without the attestation chain, plus a signed verdict. */
  form: 'full' | 'compact';
  /** The QR code's bytes. */
  payload: Uint8Array;
  qr: QrMatrix;
  /** The bundle the card describes (the compact bundle for a compact card). */
  bundle: IdentityBundle;
  displayName: string;
  did: string;
  /** The did:key shortened for display: `did:key:z6Mk` + first 4 … last 6 characters. */
  didShort: string;
  /** 30 digits: `fingerprintDigits(keyprintParty(key, did))`. */
  digits: string;
  /** 13 PGP words: `fingerprintWords(keyprintParty(key, did))`. */
  words: string[];
  authenticator: CardAuthenticator;
  /** Attestation trust; `unattested` when there is no attestation (or no binding). */
  trust: AttestationTrust;
  /** Whether the bundle has a hardware binding. */
  hardwareBound: boolean;
  /** The bundle's creation time, ms. */
  createdAt: number;
  /** The card's creation (print) time, ms. */
  printedAt: number;
}

/** Options of createCard. */
export interface CreateCardOptions extends AttestationCheckOptions {
  /** The identity key: needed for a compact card (it re-signs the bundle and signs the verdict). */
  identity?: IdentityKeyPair;
  /** `auto` (default): full if it fits `maxQrVersion`, else compact. */
  form?: 'auto' | 'full' | 'compact';
  /** Largest QR version to print (default 20). */
  maxQrVersion?: number;
  /** The print time (default now). */
  now?: number;
}

/**
 * Groups 30 fingerprint digits as six groups of five.
 * @param digits 30 digits
 * @returns `"12345 67890 …"`
 * @example groupDigits(card.digits)
 */
export function groupDigits(digits: string): string {
  return (digits.match(/.{1,5}/g) ?? []).join(' ');
}

/**
 * Shortens a did:key for display (the full one is in the QR code).
 * @param did a did:key
 * @returns e.g. `did:key:z6MktwUp…7oMMsw`
 * @example shortDid('did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw')
 */
export function shortDid(did: string): string {
  return did.length <= 28 ? did : `${did.slice(0, 16)}…${did.slice(-6)}`;
}

/**
 * The printed fingerprint of an identity key (digits and words), as a card shows it.
 * @param identityPublicKey the 32-byte Ed25519 key
 * @returns `{ did, digits, words }`
 * @example cardFingerprint(bundle.identityPublicKey).digits
 */
export function cardFingerprint(identityPublicKey: Uint8Array): { did: string; digits: string; words: string[] } {
  const did = didKeyFromPublicKey(identityPublicKey);
  const party = keyprintParty(identityPublicKey, did);
  return { did, digits: fingerprintDigits(party.publicKey, party.stableId), words: fingerprintWords(party.publicKey, party.stableId) };
}

/**
 * Builds a card for a signed identity bundle. Verifies the bundle signature and (when kept) the
 * attestation at the bundle's creation time; a card is never made for an attestation that fails.
 * @param bundle the signed bundle, or its canonical bytes
 * @param options see CreateCardOptions
 * @returns the card
 * @throws IdentityError for a bundle that does not decode or verify; CardError
 *   `attestation-invalid`, `needs-identity-key`, `key-mismatch`, `too-large-for-qr`, `unprintable` (a name
 *   character no card font draws: fonts.ts checkPrintable)
 * @example const card = await createCard(enrollment.bundle, { identity: enrollment.identity })
 */
export async function createCard(bundle: IdentityBundle | Uint8Array, options: CreateCardOptions = {}): Promise<Card> {
  if (typeof options !== 'object' || options === null) throw new InputError('invalid-type', `"options" expected an object, got ${describe(options)}`);
  const bytes = bundle instanceof Uint8Array ? bundle : encodeBundle(bundle);
  const b = decodeBundle(bytes); // signature checked
  checkPrintable(b.displayName); // a card shows the name as written, or is not made
  const now = options.now ?? Date.now();
  const maxVersion = options.maxQrVersion ?? DEFAULT_MAX_QR_VERSION;
  if (!Number.isInteger(maxVersion) || maxVersion < 1 || maxVersion > 40) {
    throw new InputError('invalid-value', `"maxQrVersion" expected an integer from 1 to 40, got ${String(maxVersion)}`);
  }

  let verdict: AttestationVerdict | undefined;
  if (b.binding?.attestationObject) {
    const r = await checkBundleAttestation(b, options, now);
    if (!r.ok) throw new CardError('attestation-invalid', `no card for this bundle: ${r.reason}`);
    verdict = r.verdict;
  }

  let full: Uint8Array | undefined;
  try {
    full = encodeCardPayload({ version: CARD_VERSION, bundle: bytes });
  } catch (e) {
    if (!(e instanceof CardError)) throw e; // payload-too-large: only a compact card can fit
  }
  const fullQr = options.form === 'compact' || !full ? undefined : tryQr(full);
  let payload = full;
  let qr = fullQr;
  let cardBundle = b;
  let form: Card['form'] = 'full';
  const wantCompact = options.form === 'compact' || (options.form !== 'full' && (!fullQr || fullQr.version > maxVersion));
  if (wantCompact && verdict) {
    const identity = options.identity;
    if (!identity) {
      throw new CardError('needs-identity-key', `the bundle needs a QR code of version ${fullQr?.version ?? '> 40'} (limit ${maxVersion}); a compact card without the attestation chain must be signed by the identity key`);
    }
    if (!equalBytes(identity.publicKey, b.identityPublicKey)) throw new CardError('key-mismatch', 'the identity key is not the key of this bundle');
    // The first key's binding without its attestationObject (the verdict stands for it). Keys added
    // later stay out: the card proves that the identity key is hardware-bound, and two bindings do
    // not fit a QR code of the default size; sessions carry the full bundle with every key.
    const { attestationObject: _dropped, ...binding } = b.binding!;
    cardBundle = signBundle({ displayName: b.displayName, identityPublicKey: b.identityPublicKey, createdAt: b.createdAt, expiresAt: b.expiresAt, binding }, identity);
    const compactBytes = encodeBundle(cardBundle);
    payload = encodeCardPayload({ version: CARD_VERSION, bundle: compactBytes, verdict, verdictSignature: signVerdict(compactBytes, verdict, identity) });
    qr = qrMatrix(payload);
    form = 'compact';
  }
  if (!payload) throw new CardError('too-large-for-qr', `the bundle (${bytes.length} bytes) is too large for any QR code and has no attestation to leave out`);
  if (!qr) qr = qrMatrix(payload);
  // Over the limit at level M: level L (7 % recovery) fits ~30 % more in the same version.
  if (qr.version > maxVersion) qr = tryQr(payload, 'L') ?? qr;
  if (qr.version > maxVersion) {
    throw new CardError('too-large-for-qr', `the card payload (${payload.length} bytes) needs QR version ${qr.version}, above the limit ${maxVersion}`);
  }

  const { did, digits, words } = cardFingerprint(b.identityPublicKey);
  return {
    version: CARD_VERSION, form, payload, qr, bundle: cardBundle, displayName: b.displayName, did, didShort: shortDid(did), digits, words,
    authenticator: cardAuthenticator(b, verdict), trust: verdict?.trust ?? 'unattested', hardwareBound: b.binding !== null,
    createdAt: b.createdAt, printedAt: now,
  };
}

/**
 * What a card says about the authenticator, from a verdict (or its absence).
 * @param bundle the bundle
 * @param verdict the attestation verdict, if any
 * @returns the authenticator description
 * @example cardAuthenticator(bundle, verdict).model
 */
export function cardAuthenticator(bundle: IdentityBundle, verdict: AttestationVerdict | undefined): CardAuthenticator {
  if (!bundle.binding) return { model: 'none (passphrase-only identity)' };
  if (!verdict) return { model: 'unknown authenticator (no attestation)' };
  return {
    model: verdictModel(verdict), aaguid: uuidString(verdict.aaguid), fmt: verdict.fmt,
    ...(verdict.vendor ? { vendor: verdict.vendor } : {}),
  };
}

function tryQr(bytes: Uint8Array, ecc: 'L' | 'M' = 'M'): QrMatrix | undefined {
  try {
    return qrMatrix(bytes, ecc);
  } catch (e) {
    if (e instanceof CardError) return undefined;
    throw e;
  }
}
