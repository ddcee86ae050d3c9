// Identity bundle: keyprint's signed, versioned description of an identity (docs/PROTOCOL.md,
// "Identity bundle and hardware binding"). Deterministically encoded CBOR (RFC 8949 §4.2.1 core
// deterministic encoding: preferred (shortest) integer and length forms, definite lengths, map keys
// in bytewise order) with small unsigned-integer map keys, via cborg. The decoder is strict: it
// parses with cborg's strict options and then re-encodes and compares, so exactly one byte string
// is accepted for each bundle. The self-signature is Ed25519 (RFC 8032) over a length-prefixed
// domain label followed by the canonical encoding of every other field.
// Version 1: one hardware binding (or none). Version 2: the same, plus the security keys added later
// (key 7), each binding bound at its own time (binding key 9) — every key that unlocks the identity
// is in the bundle, so receipts and cards from any of them verify. A bundle version 1 can express is
// always written, and only accepted, as version 1.

import { CborError, assertCanonical, decodeStrictPrefix, encodeCanonical } from '../core/cbor.js';
import { ed25519PublicKey, ed25519Sign, ed25519Verify, sha256 } from '../core/index.js';
import { InputError, describe } from '../errors.js';
import { IdentityError } from './errors.js';
import { IdentityKeyPair } from './identity.js';
import { identityKeyProblem } from './did-key.js';
import { equalBytes, toHex } from '../core/bytes.js';

/** The newest bundle version this code reads and writes (version 1 is still written when it suffices). */
export const BUNDLE_VERSION = 2;
/** Most hardware bindings (security keys) one bundle may list. */
export const MAX_BINDINGS = 8;
/** Largest encoded bundle accepted (an attestation chain fits several times over). */
export const MAX_BUNDLE_BYTES = 65536;
/** Largest display name, in UTF-8 bytes (after NFC normalisation). */
export const MAX_DISPLAY_NAME_BYTES = 128;
const DOMAIN = 'keyprint-bundle-v1';

/**
 * Proof that the identity key was certified by a FIDO2 authenticator: a WebAuthn (or CTAP)
 * assertion over `bindingChallenge(...)`, plus what is needed to check it (see binding.ts).
 */
export interface HardwareBinding {
  /** `webauthn`: the client built clientDataJSON; `ctap`: the client passed `clientDataHash` directly. */
  kind: 'webauthn' | 'ctap';
  /** The WebAuthn RP ID (CTAP `rp.id`) the credential is scoped to. */
  rpId: string;
  /** Credential ID, 1–1023 bytes. */
  credentialId: Uint8Array;
  /** The credential's COSE_Key (ES256 / P-256). */
  credentialPublicKey: Uint8Array;
  /** The registration attestationObject, when kept (verified by attestation.ts, not here). */
  attestationObject?: Uint8Array;
  /** authenticatorData of the binding assertion. */
  authenticatorData: Uint8Array;
  /** clientDataJSON of the binding assertion (kind `webauthn` only). */
  clientDataJSON?: Uint8Array;
  /** The 32-byte clientDataHash the authenticator signed (kind `ctap` only). */
  clientDataHash?: Uint8Array;
  /** The assertion signature (ES256, DER as WebAuthn returns it). */
  signature: Uint8Array;
  /**
   * When this key was bound, ms since the epoch, if after the bundle's `createdAt` (a key added
   * later); absent: bound at `createdAt`. The key signed `bindingChallenge(identityPublicKey, boundAt)`.
   */
  boundAt?: number;
}

/** Everything a bundle says, before it is signed. */
export interface BundleFields {
  /** Human-readable name, NFC, 1–128 UTF-8 bytes, no control or bidi-override characters. */
  displayName: string;
  /** The identity's 32-byte Ed25519 public key. */
  identityPublicKey: Uint8Array;
  /** Creation time, milliseconds since the Unix epoch. */
  createdAt: number;
  /** Optional expiry, milliseconds since the Unix epoch, after `createdAt`. */
  expiresAt?: number;
  /** The hardware binding; `null` says explicitly that this is a passphrase-only identity. */
  binding: HardwareBinding | null;
  /** The other security keys that unlock the identity (version 2), 1 to MAX_BINDINGS − 1 of them. */
  additionalBindings?: HardwareBinding[];
}

/** A signed identity bundle. */
export interface IdentityBundle extends BundleFields {
  /** 1, or 2 when it lists additional bindings or a binding bound after `createdAt`. */
  version: 1 | 2;
  /** Ed25519 signature by `identityPublicKey` over `bundleSigningInput(...)`. */
  signature: Uint8Array;
}

// Map keys (docs/PROTOCOL.md). Top level:
const K = { version: 0, displayName: 1, identityPublicKey: 2, createdAt: 3, expiresAt: 4, binding: 5, signature: 6, additionalBindings: 7 } as const;
// Binding map:
const B = {
  kind: 0, rpId: 1, credentialId: 2, credentialPublicKey: 3, attestationObject: 4, authenticatorData: 5,
  clientDataJSON: 6, clientDataHash: 7, signature: 8, boundAt: 9,
} as const;
// The keys each version knows (version 2 adds K.additionalBindings and B.boundAt).
const KEYS = { 1: Object.values(K).filter((k) => k !== K.additionalBindings), 2: Object.values(K) } as const;
const BINDING_KEYS = { 1: Object.values(B).filter((k) => k !== B.boundAt), 2: Object.values(B) } as const;
const KIND_CODES = { webauthn: 1, ctap: 2 } as const;

type Fail = (field: string, message: string) => never;
const decodeFail: Fail = (field, message) => {
  throw new IdentityError('bundle-field', `bundle ${field} ${message}`);
};
const inputFail: Fail = (field, message) => {
  throw new InputError('invalid-value', `"${field}" ${message}`);
};

// ---- field checks: one validator for both directions -----------------------------------------

// Bidi embeddings/overrides/isolates (Unicode UAX #9) let a name display differently from its
// bytes; C0/C1 controls and line separators break single-line display.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/u;

// With the u flag a lone surrogate is one code point of category Cs (String#isWellFormed is ES2024).
const LONE_SURROGATE = /\p{Cs}/u;

function checkBytes(fail: Fail, field: string, v: unknown, min: number, max: number): Uint8Array {
  if (!(v instanceof Uint8Array)) return fail(field, `expected a byte string, got ${describe(v)}`);
  if (v.length < min || v.length > max) {
    return fail(field, min === max ? `expected ${min} bytes, got ${v.length}` : `expected ${min} to ${max} bytes, got ${v.length}`);
  }
  return v;
}

function checkTime(fail: Fail, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    return fail(field, `expected an integer from 0 to 2^53 − 1 (ms since the epoch), got ${typeof v === 'number' ? v : describe(v)}`);
  }
  return v;
}

function checkDisplayName(fail: Fail, v: unknown): string {
  if (typeof v !== 'string') return fail('displayName', `expected a text string, got ${describe(v)}`);
  if (LONE_SURROGATE.test(v)) return fail('displayName', 'expected well-formed Unicode, got a lone surrogate');
  if (v.normalize('NFC') !== v) return fail('displayName', 'expected NFC-normalised text, got another normalisation form');
  const n = new TextEncoder().encode(v).length;
  if (n < 1 || n > MAX_DISPLAY_NAME_BYTES) return fail('displayName', `expected 1 to ${MAX_DISPLAY_NAME_BYTES} UTF-8 bytes, got ${n}`);
  const bad = FORBIDDEN.exec(v);
  if (bad) return fail('displayName', `expected no control or bidi characters, got U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return v;
}

/**
 * The bundle's display-name rule alone, for a name checked before any key exists (enroll.ts).
 * Internal. @throws InputError `"displayName" expected …`
 */
export function checkBundleDisplayName(v: unknown): string {
  return checkDisplayName(inputFail, v);
}

function checkRpId(fail: Fail, field: string, v: unknown): string {
  if (typeof v !== 'string') return fail(`${field}.rpId`, `expected a text string, got ${describe(v)}`);
  // WebAuthn §5.1.2 / §13.4.9: an RP ID is a valid domain string; keyprint stores it as ASCII
  // (punycode for IDNs), 1–253 characters, so rpIdHash is unambiguous.
  if (!/^[\x21-\x7e]{1,253}$/.test(v)) return fail(`${field}.rpId`, `expected 1 to 253 printable ASCII characters, got ${JSON.stringify(v.slice(0, 40))}`);
  return v;
}

function asMap(fail: Fail, field: string, v: unknown): Map<unknown, unknown> {
  if (!(v instanceof Map)) return fail(field, `expected a map, got ${describe(v)}`);
  return v;
}

function checkKeys(fail: Fail, field: string, map: Map<unknown, unknown>, known: readonly number[]): void {
  for (const k of map.keys()) {
    if (typeof k !== 'number' || !known.includes(k)) fail(field, `has an unknown key ${typeof k === 'number' ? k : describe(k)}`);
  }
}

/** A binding map (`field` names it in messages: `binding`, `additionalBindings[0]`…). */
function bindingFromMap(fail: Fail, field: string, v: unknown, version: 1 | 2, createdAt: number): HardwareBinding {
  const m = asMap(fail, field, v);
  checkKeys(fail, field, m, BINDING_KEYS[version]);
  const kindCode = m.get(B.kind);
  const kind = kindCode === 1 ? 'webauthn' : kindCode === 2 ? 'ctap' : fail(`${field}.kind`, `expected 1 (webauthn) or 2 (ctap), got ${String(kindCode)}`);
  const binding: HardwareBinding = {
    kind,
    rpId: checkRpId(fail, field, m.get(B.rpId)),
    // WebAuthn §6.1 / CTAP 2.1 §6.1: credential IDs are at most 1023 bytes.
    credentialId: checkBytes(fail, `${field}.credentialId`, m.get(B.credentialId), 1, 1023).slice(),
    credentialPublicKey: checkBytes(fail, `${field}.credentialPublicKey`, m.get(B.credentialPublicKey), 1, 1024).slice(),
    // authData is rpIdHash(32) ‖ flags(1) ‖ signCount(4) ‖ extensions (WebAuthn §6.1).
    authenticatorData: checkBytes(fail, `${field}.authenticatorData`, m.get(B.authenticatorData), 37, 4096).slice(),
    // ES256 DER signatures are 8–72 bytes.
    signature: checkBytes(fail, `${field}.signature`, m.get(B.signature), 8, 72).slice(),
  };
  if (m.has(B.attestationObject)) {
    binding.attestationObject = checkBytes(fail, `${field}.attestationObject`, m.get(B.attestationObject), 1, 32768).slice();
  }
  if (kind === 'webauthn') {
    if (m.has(B.clientDataHash)) fail(`${field}.clientDataHash`, 'expected absent for kind webauthn, got a value');
    binding.clientDataJSON = checkBytes(fail, `${field}.clientDataJSON`, m.get(B.clientDataJSON), 2, 4096).slice();
  } else {
    if (m.has(B.clientDataJSON)) fail(`${field}.clientDataJSON`, 'expected absent for kind ctap, got a value');
    binding.clientDataHash = checkBytes(fail, `${field}.clientDataHash`, m.get(B.clientDataHash), 32, 32).slice();
  }
  if (m.has(B.boundAt)) {
    // One encoding per meaning: a key bound at createdAt says so by leaving boundAt out.
    const boundAt = checkTime(fail, `${field}.boundAt`, m.get(B.boundAt));
    if (boundAt <= createdAt) fail(`${field}.boundAt`, `expected a time after createdAt (${createdAt}), or no boundAt, got ${boundAt}`);
    binding.boundAt = boundAt;
  }
  return binding;
}

function bindingToMap(b: HardwareBinding, field: string): Map<number, unknown> {
  if (typeof b !== 'object' || b === null) return inputFail(field, `expected an object, got ${describe(b)}`);
  const m = new Map<number, unknown>();
  const code = KIND_CODES[b.kind as keyof typeof KIND_CODES];
  if (code === undefined) return inputFail(`${field}.kind`, `expected "webauthn" or "ctap", got ${JSON.stringify(b.kind)}`);
  m.set(B.kind, code);
  m.set(B.rpId, b.rpId);
  if (b.boundAt !== undefined) m.set(B.boundAt, b.boundAt);
  m.set(B.credentialId, b.credentialId);
  m.set(B.credentialPublicKey, b.credentialPublicKey);
  if (b.attestationObject !== undefined) m.set(B.attestationObject, b.attestationObject);
  m.set(B.authenticatorData, b.authenticatorData);
  if (b.clientDataJSON !== undefined) m.set(B.clientDataJSON, b.clientDataJSON);
  if (b.clientDataHash !== undefined) m.set(B.clientDataHash, b.clientDataHash);
  m.set(B.signature, b.signature);
  return m;
}

/**
 * The version the fields need: 2 when they list additional bindings or a binding bound after
 * createdAt, else 1 (so every bundle older software can read stays readable by it).
 */
function versionFor(fields: BundleFields): 1 | 2 {
  const bindings = [fields.binding, ...(Array.isArray(fields.additionalBindings) ? fields.additionalBindings : [])];
  const later = bindings.some((b) => typeof b === 'object' && b !== null && b.boundAt !== undefined);
  return fields.additionalBindings !== undefined || later ? 2 : 1;
}

/** The CBOR map of a bundle's unsigned fields, validated with `fail`. */
function fieldsToMap(fields: BundleFields, fail: Fail): Map<number, unknown> {
  if (typeof fields !== 'object' || fields === null) return inputFail('fields', `expected an object, got ${describe(fields)}`);
  const m = new Map<number, unknown>();
  m.set(K.version, versionFor(fields));
  m.set(K.displayName, fields.displayName);
  m.set(K.identityPublicKey, fields.identityPublicKey);
  m.set(K.createdAt, fields.createdAt);
  if (fields.expiresAt !== undefined) m.set(K.expiresAt, fields.expiresAt);
  if (fields.binding === undefined) return fail('binding', 'expected a binding or null (passphrase-only), got undefined');
  m.set(K.binding, fields.binding === null ? null : bindingToMap(fields.binding, 'binding'));
  if (fields.additionalBindings !== undefined) {
    if (!Array.isArray(fields.additionalBindings)) return inputFail('additionalBindings', `expected an array, got ${describe(fields.additionalBindings)}`);
    m.set(K.additionalBindings, fields.additionalBindings.map((b, i) => bindingToMap(b, `additionalBindings[${i}]`)));
  }
  fieldsFromMap(m, fail); // one validator for both directions
  return m;
}

/** An identity key that can verify its own signature: 32 bytes, canonical, not of small order. */
function checkIdentityKey(fail: Fail, v: unknown): Uint8Array {
  const key = checkBytes(fail, 'identityPublicKey', v, 32, 32);
  const problem = identityKeyProblem(key);
  return problem ? fail('identityPublicKey', `expected ${problem}`) : key.slice();
}

/**
 * Validates a decoded top-level map (without looking at the signature) and returns the fields.
 * The map's version (1 or 2, checked by the caller) decides which keys may appear; a version-2 map
 * must need version 2.
 */
function fieldsFromMap(m: Map<unknown, unknown>, fail: Fail): BundleFields {
  const version = m.get(K.version) as 1 | 2;
  checkKeys(fail, 'top level', m, KEYS[version]);
  const createdAt = checkTime(fail, 'createdAt', m.get(K.createdAt));
  const fields: BundleFields = {
    displayName: checkDisplayName(fail, m.get(K.displayName)),
    identityPublicKey: checkIdentityKey(fail, m.get(K.identityPublicKey)),
    createdAt,
    binding: m.get(K.binding) === null ? null : bindingFromMap(fail, 'binding', m.get(K.binding), version, createdAt),
  };
  if (!m.has(K.binding)) fail('binding', 'expected a binding or null (passphrase-only), got nothing');
  if (m.has(K.expiresAt)) {
    fields.expiresAt = checkTime(fail, 'expiresAt', m.get(K.expiresAt));
    if (fields.expiresAt <= fields.createdAt) fail('expiresAt', `expected a time after createdAt (${fields.createdAt}), got ${fields.expiresAt}`);
  }
  if (m.has(K.additionalBindings)) {
    const list = m.get(K.additionalBindings);
    if (!Array.isArray(list)) return fail('additionalBindings', `expected an array, got ${describe(list)}`);
    if (fields.binding === null) fail('additionalBindings', 'expected absent for a passphrase-only identity (binding null), got a list');
    if (list.length < 1 || list.length > MAX_BINDINGS - 1) fail('additionalBindings', `expected 1 to ${MAX_BINDINGS - 1} bindings, got ${list.length}`);
    fields.additionalBindings = list.map((b, i) => bindingFromMap(fail, `additionalBindings[${i}]`, b, version, createdAt));
    // A credential is listed once: its receipts and its envelope must name one binding.
    const seen = new Set<string>();
    for (const [i, b] of bundleBindings(fields).entries()) {
      const id = `${b.rpId} ${toHex(b.credentialId)}`;
      if (seen.has(id)) fail(i === 0 ? 'binding' : `additionalBindings[${i - 1}]`, 'expected a credential not listed before, got the same RP ID and credential ID again');
      seen.add(id);
    }
  }
  if (version === 2 && versionFor(fields) === 1) {
    throw new IdentityError('bundle-version', 'bundle version 2 expected additional bindings or a binding bound after createdAt, got neither (such a bundle is version 1)');
  }
  return fields;
}


function signingInputOf(unsigned: Map<number, unknown>): Uint8Array {
  const body = encodeCanonical(unsigned, 'rfc8949');
  const label = new TextEncoder().encode(DOMAIN);
  const out = new Uint8Array(2 + label.length + body.length);
  out[0] = label.length >> 8;
  out[1] = label.length & 0xff;
  out.set(label, 2);
  out.set(body, 2 + label.length);
  return out;
}

// ---- public API --------------------------------------------------------------------------------

/**
 * Every hardware binding of a bundle — the first key's, then the keys added later — in order.
 * @param bundle a bundle (or its fields)
 * @returns the bindings; empty for a passphrase-only identity
 * @example for (const b of bundleBindings(bundle)) console.log(b.credentialId)
 */
export function bundleBindings(bundle: Pick<BundleFields, 'binding' | 'additionalBindings'>): HardwareBinding[] {
  return bundle.binding ? [bundle.binding, ...(bundle.additionalBindings ?? [])] : [];
}

/**
 * When a binding's key was bound: its `boundAt`, else the bundle's `createdAt` — the time its
 * binding challenge commits to and its attestation is checked at.
 * @example bindingChallenge({ identityPublicKey: bundle.identityPublicKey, createdAt: bindingTime(bundle, b) })
 */
export function bindingTime(bundle: Pick<BundleFields, 'createdAt'>, binding: Pick<HardwareBinding, 'boundAt'>): number {
  return binding.boundAt ?? bundle.createdAt;
}

/**
 * The exact bytes the self-signature covers: `u16be(18) ‖ "keyprint-bundle-v1" ‖ CBOR(fields
 * without key 6)`.
 * @param fields the unsigned fields (validated)
 * @returns the signing input
 * @throws InputError for an invalid field
 * @example ed25519Verify(bundle.identityPublicKey, bundleSigningInput(bundle), bundle.signature)
 */
export function bundleSigningInput(fields: BundleFields): Uint8Array {
  return signingInputOf(fieldsToMap(fields, inputFail));
}

/**
 * Signs bundle fields with the identity key. Normalises `displayName` to NFC first.
 * @param fields the unsigned fields; `identityPublicKey` must be the key of `secretKey`
 * @param secretKey the 32-byte Ed25519 seed, or an IdentityKeyPair
 * @returns the signed bundle (version 1, or 2 when the fields need it)
 * @throws InputError for an invalid field or a key that does not match `identityPublicKey`
 * @example const bundle = signBundle({ displayName: 'Ada', identityPublicKey: id.publicKey, createdAt: Date.now(), binding: null }, id)
 */
export function signBundle(fields: BundleFields, secretKey: Uint8Array | IdentityKeyPair): IdentityBundle {
  if (typeof fields !== 'object' || fields === null) return inputFail('fields', `expected an object, got ${describe(fields)}`);
  const normalized: BundleFields = {
    ...fields,
    displayName: typeof fields.displayName === 'string' && !LONE_SURROGATE.test(fields.displayName)
      ? fields.displayName.normalize('NFC') : fields.displayName,
  };
  const input = bundleSigningInput(normalized);
  let publicKey: Uint8Array;
  let signature: Uint8Array;
  if (secretKey instanceof IdentityKeyPair) {
    publicKey = secretKey.publicKey;
    signature = secretKey.sign(input);
  } else {
    publicKey = ed25519PublicKey(secretKey);
    signature = ed25519Sign(secretKey, input);
  }
  if (!equalBytes(publicKey, normalized.identityPublicKey)) {
    throw new InputError('invalid-value', '"secretKey" expected the key of "identityPublicKey", got another key');
  }
  return { ...fieldsFromMap(fieldsToMap(normalized, inputFail), inputFail), version: versionFor(normalized), signature };
}

/**
 * Whether the bundle's self-signature verifies under its own `identityPublicKey`. This proves the
 * bundle is unmodified and made by the key's holder — not that the key is hardware-bound (see
 * verifyBinding) nor who the person is (compare the SAS or safety number).
 * @param bundle a signed bundle
 * @returns true if the signature is valid
 * @throws InputError if a field is malformed
 * @example if (!verifyBundleSignature(bundle)) throw new Error('forged bundle')
 */
export function verifyBundleSignature(bundle: IdentityBundle): boolean {
  const input = bundleSigningInput(bundle);
  if (!(bundle.signature instanceof Uint8Array) || bundle.signature.length !== 64) return false;
  return ed25519Verify(bundle.identityPublicKey, input, bundle.signature);
}

/**
 * The canonical encoding of a signed bundle.
 * @param bundle a signed bundle (its fields are validated; the signature is not checked)
 * @returns the CBOR bytes
 * @throws InputError for an invalid field or version
 * @example const bytes = encodeBundle(signBundle(fields, identity))
 */
export function encodeBundle(bundle: IdentityBundle): Uint8Array {
  if (typeof bundle !== 'object' || bundle === null) return inputFail('bundle', `expected an object, got ${describe(bundle)}`);
  const m = fieldsToMap(bundle, inputFail);
  if (bundle.version !== m.get(K.version)) return inputFail('version', `expected ${String(m.get(K.version))} for these fields, got ${String(bundle.version)}`);
  m.set(K.signature, checkBytes(inputFail, 'signature', bundle.signature, 64, 64));
  return encodeCanonical(m, 'rfc8949');
}

/**
 * Decodes and checks a bundle. Strict: any byte string other than the canonical encoding of a
 * valid version-1 or version-2 bundle is rejected, and by default the self-signature must verify.
 * @param bytes the encoded bundle
 * @param options `verifySignature: false` to inspect a bundle whose signature is not (yet) trusted
 * @returns the bundle
 * @throws InputError `invalid-type`; IdentityError `bundle-too-large`, `bundle-malformed` (not
 *   CBOR, or CBOR keyprint does not use: tags, undefined, big integers…), `bundle-duplicate-key`,
 *   `bundle-trailing-bytes`, `bundle-non-canonical` (longer-than-needed integers or lengths,
 *   indefinite lengths, unsorted keys, floats), `bundle-version` (also a version-2 bundle that
 *   version 1 can express),
 *   `bundle-field` (missing, unknown, mistyped or out-of-range field, including an identity key of
 *   small order or not a canonical curve point), `bundle-bad-signature`
 * @example const bundle = decodeBundle(bytes) // signature checked
 */
export function decodeBundle(bytes: Uint8Array, options: { verifySignature?: boolean } = {}): IdentityBundle {
  if (!(bytes instanceof Uint8Array)) throw new InputError('invalid-type', `"bytes" expected Uint8Array, got ${describe(bytes)}`);
  if (bytes.length > MAX_BUNDLE_BYTES) {
    throw new IdentityError('bundle-too-large', `bundle expected at most ${MAX_BUNDLE_BYTES} bytes, got ${bytes.length}`);
  }
  let value: unknown;
  let length: number;
  try {
    ({ value, length } = decodeStrictPrefix(bytes));
  } catch (err) {
    const e = (err as CborError).cause;
    const message = (err as CborError).message;
    if (/repeat map key/.test(message)) throw new IdentityError('bundle-duplicate-key', `bundle expected unique map keys: ${message}`, { cause: e });
    if (/more bytes than necessary|indefinite length/.test(message)) {
      throw new IdentityError('bundle-non-canonical', `bundle expected the deterministic encoding (RFC 8949 §4.2.1): ${message}`, { cause: e });
    }
    throw new IdentityError('bundle-malformed', `bundle expected deterministic CBOR: ${message}`, { cause: e });
  }
  if (length !== bytes.length) throw new IdentityError('bundle-trailing-bytes', `bundle expected to end after ${length} bytes, got ${bytes.length - length} more`);
  const m = asMap(decodeFail, 'top level', value);
  const version = m.get(K.version);
  if (version !== 1 && version !== 2) throw new IdentityError('bundle-version', `bundle expected version 1 or 2, got ${typeof version === 'number' ? version : describe(version)}`);
  // Re-encoding catches what cborg's strict mode does not: key order, floats standing for
  // integers, non-shortest floats, invalid UTF-8 (decoded to U+FFFD).
  try {
    assertCanonical(m, bytes, 'rfc8949');
  } catch (err) {
    const e = err as CborError;
    // cborg cannot order maps or arrays used as map keys; keyprint never uses them.
    if (e.code === 'cbor-unencodable') throw new IdentityError('bundle-malformed', `bundle expected integer map keys, got a structure keyprint does not use: ${e.message}`, { cause: e.cause });
    throw new IdentityError('bundle-non-canonical', 'bundle expected the deterministic encoding (RFC 8949 §4.2.1), got another encoding of the same data');
  }
  const fields = fieldsFromMap(m, decodeFail);
  const signature = checkBytes(decodeFail, 'signature', m.get(K.signature), 64, 64).slice();
  const bundle: IdentityBundle = { ...fields, version, signature };
  if (options.verifySignature !== false) {
    const unsigned = new Map(m);
    unsigned.delete(K.signature);
    if (!ed25519Verify(fields.identityPublicKey, signingInputOf(unsigned as Map<number, unknown>), signature)) {
      throw new IdentityError('bundle-bad-signature', 'bundle self-signature does not verify under its identity key');
    }
  }
  return bundle;
}

/**
 * SHA-256 of the canonical encoding — the bundle's stable identifier (used in the identity certificate).
 * @param bundle a signed bundle
 * @returns 32 bytes
 * @example const id = bundleHash(bundle)
 */
export function bundleHash(bundle: IdentityBundle): Uint8Array {
  return sha256(encodeBundle(bundle));
}
