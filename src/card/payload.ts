// Card payload (docs/PROTOCOL.md, "Card payload"): what a printed card's QR code carries, as
// deterministic CBOR (RFC 8949 §4.2.1) with small unsigned-integer keys, decoded as strictly as
// identity bundles are (cborg strict options, then re-encode and compare). Two forms:
//   full     { 0: 1, 1: bundle }                       — the signed identity bundle as enrolled;
//   compact  { 0: 1, 1: bundle', 2: verdict, 3: sig } — bundle' is the bundle without the
//            attestationObject (re-signed by the identity key), and `verdict` is the attestation
//            result the card's maker checked at print time, signed by the identity key.
// The text form is `kpcard1:` followed by the payload in base64url without padding (RFC 4648 §5).

import { CborError, assertCanonical, decodeStrictPrefix, encodeCanonical } from '../core/cbor.js';
import { base64urlnopad } from '@scure/base';
import { ed25519Verify, sha256 } from '../core/index.js';
import { InputError, describe } from '../errors.js';
import { MAX_BUNDLE_BYTES, type AttestationTrust, type IdentityKeyPair } from '../identity/index.js';
import { CardError } from './errors.js';

/** The only card payload version this code reads and writes. */
export const CARD_VERSION = 1;
/** Largest payload accepted: the byte capacity of a version 40 QR code at ECC level L. */
export const MAX_CARD_PAYLOAD_BYTES = 2953;
/** Prefix of the payload's text form. */
export const CARD_TEXT_PREFIX = 'kpcard1:';
const VERDICT_DOMAIN = 'keyprint-card-verdict-v1';

/** Trust levels as stored in a verdict (key 0). */
const TRUST_CODES: Record<AttestationTrust, number> = {
  'hardware-attested': 1, 'attested-unknown-vendor': 2, 'self-attested': 3, unattested: 4,
};
const TRUST_NAMES = Object.fromEntries(Object.entries(TRUST_CODES).map(([k, v]) => [v, k])) as Record<number, AttestationTrust>;

/** The attestation verdict a compact card carries, signed by the identity key at print time. */
export interface AttestationVerdict {
  /** The trust level verifyAttestation gave (docs/THREAT-MODEL.md, "Attestation and trust levels"). */
  trust: AttestationTrust;
  /** Attestation statement format (`packed`, `fido-u2f`, `apple`, `none`). */
  fmt: string;
  /** AAGUID, 16 bytes. */
  aaguid: Uint8Array;
  /** SHA-256 of the full registration attestationObject that was verified. */
  attestationHash: Uint8Array;
  /** When the card's maker verified the attestation, ms since the epoch. */
  checkedAt: number;
  /** Vendor, only for `hardware-attested`. */
  vendor?: string;
  /** Model, only for `hardware-attested`. */
  model?: string;
}

/** A decoded card payload. */
export interface CardPayload {
  version: 1;
  /** The canonical bundle bytes (full, or without the attestationObject for a compact card). */
  bundle: Uint8Array;
  /** Present exactly for compact cards. */
  verdict?: AttestationVerdict;
  /** Ed25519 by the bundle's identity key over `verdictSigningInput(bundle, verdict)`; with `verdict`. */
  verdictSignature?: Uint8Array;
}

const P = { version: 0, bundle: 1, verdict: 2, verdictSignature: 3 } as const;
const V = { trust: 0, fmt: 1, aaguid: 2, attestationHash: 3, checkedAt: 4, vendor: 5, model: 6 } as const;

type Fail = (field: string, message: string) => never;
const decodeFail: Fail = (field, message) => {
  throw new CardError('payload-malformed', `card payload ${field} ${message}`);
};
const inputFail: Fail = (field, message) => {
  throw new InputError('invalid-value', `"${field}" ${message}`);
};

function checkBytes(fail: Fail, field: string, v: unknown, min: number, max: number): Uint8Array {
  if (!(v instanceof Uint8Array)) return fail(field, `expected a byte string, got ${describe(v)}`);
  if (v.length < min || v.length > max) return fail(field, min === max ? `expected ${min} bytes, got ${v.length}` : `expected ${min} to ${max} bytes, got ${v.length}`);
  return v;
}

function checkText(fail: Fail, field: string, v: unknown, max: number): string {
  if (typeof v !== 'string') return fail(field, `expected a text string, got ${describe(v)}`);
  // Printable, single-line text only: these strings end up on the card and in terminals.
  if (v.length < 1 || new TextEncoder().encode(v).length > max || /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u.test(v)) {
    return fail(field, `expected 1 to ${max} UTF-8 bytes of printable text, got ${JSON.stringify(v.slice(0, 40))}`);
  }
  return v;
}

function checkKeys(fail: Fail, field: string, m: Map<unknown, unknown>, known: readonly number[]): void {
  for (const k of m.keys()) if (typeof k !== 'number' || !known.includes(k)) fail(field, `has an unknown key ${typeof k === 'number' ? k : describe(k)}`);
}

function verdictToMap(v: AttestationVerdict, fail: Fail): Map<number, unknown> {
  if (typeof v !== 'object' || v === null) return fail('verdict', `expected an object, got ${describe(v)}`);
  const code = TRUST_CODES[v.trust];
  if (code === undefined) return fail('verdict.trust', `expected a trust level, got ${JSON.stringify(v.trust)}`);
  const m = new Map<number, unknown>([
    [V.trust, code], [V.fmt, v.fmt], [V.aaguid, v.aaguid], [V.attestationHash, v.attestationHash], [V.checkedAt, v.checkedAt],
  ]);
  if (v.vendor !== undefined) m.set(V.vendor, v.vendor);
  if (v.model !== undefined) m.set(V.model, v.model);
  verdictFromMap(m, fail);
  return m;
}

function verdictFromMap(v: unknown, fail: Fail): AttestationVerdict {
  if (!(v instanceof Map)) return fail('verdict', `expected a map, got ${describe(v)}`);
  checkKeys(fail, 'verdict', v, Object.values(V));
  const trust = TRUST_NAMES[v.get(V.trust) as number];
  if (trust === undefined) return fail('verdict.trust', `expected 1 to 4, got ${String(v.get(V.trust))}`);
  const checkedAt = v.get(V.checkedAt);
  if (typeof checkedAt !== 'number' || !Number.isSafeInteger(checkedAt) || checkedAt < 0) {
    return fail('verdict.checkedAt', `expected an integer from 0 to 2^53 − 1, got ${describe(checkedAt)}`);
  }
  const out: AttestationVerdict = {
    trust,
    fmt: checkText(fail, 'verdict.fmt', v.get(V.fmt), 32),
    aaguid: checkBytes(fail, 'verdict.aaguid', v.get(V.aaguid), 16, 16).slice(),
    attestationHash: checkBytes(fail, 'verdict.attestationHash', v.get(V.attestationHash), 32, 32).slice(),
    checkedAt,
  };
  if (v.has(V.vendor)) out.vendor = checkText(fail, 'verdict.vendor', v.get(V.vendor), 64);
  if (v.has(V.model)) out.model = checkText(fail, 'verdict.model', v.get(V.model), 64);
  if ((out.vendor !== undefined || out.model !== undefined) && trust !== 'hardware-attested') {
    fail('verdict.vendor', `expected only with trust hardware-attested, got trust ${trust}`);
  }
  return out;
}

/**
 * The bytes a compact card's verdict signature covers:
 * `u16be(24) ‖ "keyprint-card-verdict-v1" ‖ SHA-256(bundle) ‖ CBOR(verdict)`. Hashing the bundle in
 * ties the verdict to exactly this (compact) bundle, hence to its identity key and binding.
 * @param bundle the compact bundle's canonical bytes
 * @param verdict the verdict
 * @returns the signing input
 * @throws InputError for an invalid verdict field
 * @example identity.sign(verdictSigningInput(bundleBytes, verdict))
 */
export function verdictSigningInput(bundle: Uint8Array, verdict: AttestationVerdict): Uint8Array {
  if (!(bundle instanceof Uint8Array)) throw new InputError('invalid-type', `"bundle" expected Uint8Array, got ${describe(bundle)}`);
  const body = encodeCanonical(verdictToMap(verdict, inputFail), 'rfc8949');
  const label = new TextEncoder().encode(VERDICT_DOMAIN);
  const out = new Uint8Array(2 + label.length + 32 + body.length);
  out[0] = label.length >> 8;
  out[1] = label.length & 0xff;
  out.set(label, 2);
  out.set(sha256(bundle), 2 + label.length);
  out.set(body, 2 + label.length + 32);
  return out;
}

/**
 * Signs a verdict for a compact card with the identity key.
 * @param bundle the compact bundle's canonical bytes (signed by the same key)
 * @param verdict the attestation verdict
 * @param identity the identity key pair
 * @returns the 64-byte Ed25519 signature
 * @throws InputError for an invalid verdict
 * @example const verdictSignature = signVerdict(bundleBytes, verdict, identity)
 */
export function signVerdict(bundle: Uint8Array, verdict: AttestationVerdict, identity: IdentityKeyPair): Uint8Array {
  return identity.sign(verdictSigningInput(bundle, verdict));
}

/**
 * Whether a verdict signature verifies under an identity public key.
 * @param identityPublicKey the bundle's 32-byte Ed25519 key
 * @param bundle the compact bundle's canonical bytes
 * @param verdict the verdict
 * @param signature the 64-byte signature
 * @returns true if valid
 * @example verifyVerdict(b.identityPublicKey, p.bundle, p.verdict!, p.verdictSignature!)
 */
export function verifyVerdict(identityPublicKey: Uint8Array, bundle: Uint8Array, verdict: AttestationVerdict, signature: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  return ed25519Verify(identityPublicKey, verdictSigningInput(bundle, verdict), signature);
}

/**
 * Encodes a card payload (deterministic CBOR).
 * @param payload the payload; `verdict` and `verdictSignature` both or neither
 * @returns the bytes the QR code carries
 * @throws InputError for an invalid field; CardError `payload-too-large`
 * @example const bytes = encodeCardPayload({ version: 1, bundle: encodeBundle(bundle) })
 */
export function encodeCardPayload(payload: CardPayload): Uint8Array {
  if (typeof payload !== 'object' || payload === null) return inputFail('payload', `expected an object, got ${describe(payload)}`);
  if (payload.version !== CARD_VERSION) return inputFail('version', `expected ${CARD_VERSION}, got ${String(payload.version)}`);
  // A bundle too large for any card (several keys, each with its attestation chain) is payload-too-large below, not a bad argument.
  const m = new Map<number, unknown>([[P.version, CARD_VERSION], [P.bundle, checkBytes(inputFail, 'bundle', payload.bundle, 1, MAX_BUNDLE_BYTES)]]);
  if ((payload.verdict === undefined) !== (payload.verdictSignature === undefined)) {
    return inputFail('verdictSignature', 'expected together with "verdict" (both or neither)');
  }
  if (payload.verdict !== undefined) {
    m.set(P.verdict, verdictToMap(payload.verdict, inputFail));
    m.set(P.verdictSignature, checkBytes(inputFail, 'verdictSignature', payload.verdictSignature, 64, 64));
  }
  const bytes = encodeCanonical(m, 'rfc8949');
  if (bytes.length > MAX_CARD_PAYLOAD_BYTES) {
    throw new CardError('payload-too-large', `card payload expected at most ${MAX_CARD_PAYLOAD_BYTES} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/**
 * Says whether bytes are meant as a keyprint card at all, before anything is verified: a card
 * payload is a CBOR map whose first entry is the version (key 0). Anything else — a web address in
 * a QR code, random bytes, another app's code — is not a card that fails to verify but input the
 * verifier cannot use, and is refused with what it looks like instead.
 * @param bytes the QR code's bytes (or a payload file)
 * @throws CardError `not-a-card`, or `payload-version` for a card of a version this code does not read
 * @example checkCardPayload(readQr(pixels)) // throws for a QR code of "https://example.org"
 */
export function checkCardPayload(bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array)) throw new InputError('invalid-type', `"bytes" expected Uint8Array, got ${describe(bytes)}`);
  // 0xa2 / 0xa4: a map of 2 (full) or 4 (compact) entries; 0x00: key 0; then the version, a small uint.
  if (bytes.length < 3 || (bytes[0] !== 0xa2 && bytes[0] !== 0xa4) || bytes[1] !== 0x00 || bytes[2] > 0x17) {
    throw new CardError('not-a-card', `not a keyprint card: ${whatItIs(bytes)}`);
  }
  if (bytes[2] !== CARD_VERSION) {
    throw new CardError('payload-version', `a keyprint card of version ${bytes[2]}: this keyprint reads version ${CARD_VERSION} — use a newer keyprint`);
  }
}

/** A few words on what non-card bytes look like: their text, when they are text. */
function whatItIs(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'it is empty';
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch { /* not text */ }
  if (text !== undefined && /^[^\u0000-\u0008\u000e-\u001f]*$/.test(text)) {
    const shown = [...text.trim()];
    return `it holds the text "${shown.slice(0, 60).join('')}${shown.length > 60 ? '…' : ''}"`;
  }
  return `it holds ${bytes.length} bytes of something else`;
}

/**
 * Decodes a card payload. Strict: only the canonical encoding of a well-formed version-1 payload is
 * accepted. Signatures are not checked here (verifyCard does that and reports each check).
 * @param bytes the QR code's bytes
 * @returns the payload
 * @throws InputError `invalid-type`; CardError `payload-too-large`, `payload-malformed`, `payload-version`
 * @example const p = decodeCardPayload(qrBytes)
 */
export function decodeCardPayload(bytes: Uint8Array): CardPayload {
  if (!(bytes instanceof Uint8Array)) throw new InputError('invalid-type', `"bytes" expected Uint8Array, got ${describe(bytes)}`);
  if (bytes.length > MAX_CARD_PAYLOAD_BYTES) {
    throw new CardError('payload-too-large', `card payload expected at most ${MAX_CARD_PAYLOAD_BYTES} bytes, got ${bytes.length}`);
  }
  let value: unknown;
  let length: number;
  try {
    ({ value, length } = decodeStrictPrefix(bytes));
  } catch (e) {
    throw new CardError('payload-malformed', `card payload expected deterministic CBOR: ${(e as CborError).message}`, { cause: (e as CborError).cause });
  }
  if (length !== bytes.length) throw new CardError('payload-malformed', `card payload expected to end after ${length} bytes, got ${bytes.length - length} more`);
  if (!(value instanceof Map)) return decodeFail('top level', `expected a map, got ${describe(value)}`);
  const version = value.get(P.version);
  if (version !== CARD_VERSION) throw new CardError('payload-version', `card payload expected version ${CARD_VERSION}, got ${typeof version === 'number' ? version : describe(version)}`);
  try {
    assertCanonical(value, bytes, 'rfc8949');
  } catch (e) {
    if ((e as CborError).code === 'cbor-unencodable') return decodeFail('top level', `uses a structure keyprint does not: ${(e as CborError).message}`);
    decodeFail('encoding', 'expected the deterministic encoding (RFC 8949 §4.2.1), got another encoding of the same data');
  }
  checkKeys(decodeFail, 'top level', value, Object.values(P));
  const payload: CardPayload = { version: CARD_VERSION, bundle: checkBytes(decodeFail, 'bundle', value.get(P.bundle), 1, MAX_CARD_PAYLOAD_BYTES).slice() };
  if (value.has(P.verdict) !== value.has(P.verdictSignature)) decodeFail('verdictSignature', 'expected together with the verdict (both or neither)');
  if (value.has(P.verdict)) {
    payload.verdict = verdictFromMap(value.get(P.verdict), decodeFail);
    payload.verdictSignature = checkBytes(decodeFail, 'verdictSignature', value.get(P.verdictSignature), 64, 64).slice();
  }
  return payload;
}

/**
 * The payload's text form, for copy and paste: `kpcard1:` ‖ base64url (no padding).
 * @param bytes the payload bytes
 * @returns the text
 * @example payloadToText(card.payload) // 'kpcard1:pQABAVkB…'
 */
export function payloadToText(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new InputError('invalid-type', `"bytes" expected Uint8Array, got ${describe(bytes)}`);
  return CARD_TEXT_PREFIX + base64urlnopad.encode(bytes);
}

/**
 * Parses the text form (surrounding whitespace is ignored).
 * @param text `kpcard1:` ‖ base64url
 * @returns the payload bytes (not yet decoded)
 * @throws CardError `payload-text`
 * @example decodeCardPayload(payloadFromText(text))
 */
export function payloadFromText(text: string): Uint8Array {
  if (typeof text !== 'string') throw new InputError('invalid-type', `"text" expected string, got ${describe(text)}`);
  const t = text.trim();
  if (!t.startsWith(CARD_TEXT_PREFIX)) throw new CardError('payload-text', `card payload text expected to start with "${CARD_TEXT_PREFIX}", got ${JSON.stringify(t.slice(0, 12))}`);
  const body = t.slice(CARD_TEXT_PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(body)) throw new CardError('payload-text', 'card payload text expected base64url characters after the prefix');
  try {
    return base64urlnopad.decode(body);
  } catch (e) {
    throw new CardError('payload-text', `card payload text is not valid base64url: ${(e as Error).message}`, { cause: e });
  }
}
