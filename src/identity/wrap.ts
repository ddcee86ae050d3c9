// Key wrapping: the identity secret is stored only encrypted, with AES-256-GCM (NIST SP 800-38D)
// through WebCrypto (`globalThis.crypto.subtle`, Node ≥ 19 and every browser).
//   - `prf` envelopes (hardware): key = HKDF-SHA-256 (RFC 5869) of the authenticator's WebAuthn PRF
//     / CTAP hmac-secret output, salted with 32 random bytes stored in the envelope. The credential
//     ID is in the associated data. Version 2 (written now) carries the PRF input itself — 32 random
//     bytes per enrollment, so no other page can ask the key for this wrap secret without the
//     envelope — and whether the output came with user verification (hmac-secret keeps separate
//     secrets with and without UV, CTAP 2.1 §12.5), info = "keyprint-wrap-v2". Version 1 (read, and
//     migrated on unlock) used the fixed PRF input "keyprint-wrap-v1" and info = "keyprint-wrap-v1".
//   - `passphrase` envelopes (weak): key = PBKDF2-HMAC-SHA-256 (RFC 8018 §5.2) with ≥ 600,000
//     iterations (OWASP Password Storage Cheat Sheet, 2023) and a random 32-byte salt. Offline
//     guessing is bounded only by the passphrase's entropy, so the envelope and the API say `weak`.
// The whole header is associated data, so any change to it fails authentication. Every failure to
// unwrap is one error, `unwrap-failed`, that does not say which input was wrong.

import { hkdfSha256 } from '../core/index.js';
import { aesGcmKey, aesGcmOpen, aesGcmSeal } from '../core/aes-gcm.js';
import { InputError, describe } from '../errors.js';
import { IdentityError } from './errors.js';
import { IdentityKeyPair } from './identity.js';

/** The `prf` envelope version wrapSecret writes (passphrase envelopes are version 1: they have no PRF input). */
export const WRAP_VERSION = 2;
/** Bytes of a version-2 envelope's PRF input. */
export const PRF_INPUT_BYTES = 32;
/** The fixed PRF input of every version-1 `prf` envelope (UTF-8). */
export const V1_PRF_INPUT = 'keyprint-wrap-v1';
/** Minimum (and default) PBKDF2 iteration count for passphrase envelopes (OWASP 2023, PBKDF2-HMAC-SHA256). */
export const MIN_PASSPHRASE_ITERATIONS = 600_000;
/** Largest iteration count an envelope may ask for (bounds the work a hostile file can cause). */
export const MAX_PASSPHRASE_ITERATIONS = 10_000_000;
/** Largest secret that can be wrapped. */
export const MAX_SECRET_BYTES = 1024;

const MAGIC = [0x6b, 0x70, 0x77]; // "kpw"
const KIND_PRF = 1;
const KIND_PASSPHRASE = 2;
const SALT = 32;
const NONCE = 12; // SP 800-38D §8.2: 96-bit IVs; each key (fresh salt) encrypts exactly once.
const TAG = 16;
const FLAG_UV = 0x01; // version 2: the PRF output came with user verification
const INFO = { 1: new TextEncoder().encode('keyprint-wrap-v1'), 2: new TextEncoder().encode('keyprint-wrap-v2') } as const;
const V1_INPUT_BYTES = new TextEncoder().encode(V1_PRF_INPUT);

/** What an envelope says about itself (nothing secret). */
export interface EnvelopeInfo {
  /** 1: `prf` with the fixed PRF input, or `passphrase`; 2: `prf` with its own PRF input and UV flag. */
  version: 1 | 2;
  /** `prf`: hardware (WebAuthn PRF / hmac-secret); `passphrase`: PBKDF2. */
  kind: 'prf' | 'passphrase';
  /** True for passphrase envelopes: their strength is the passphrase's. */
  weak: boolean;
  /** PBKDF2 iterations (passphrase envelopes). */
  iterations?: number;
  /**
   * `prf` envelopes: the WebAuthn PRF input whose output opens it (`eval.first`; over CTAP the
   * hmac-secret salt is `prfSalt(prfInput)`) — version 2: its 32 random bytes; version 1: UTF-8 "keyprint-wrap-v1".
   */
  prfInput?: Uint8Array;
  /**
   * Version-2 `prf` envelopes: whether the output came with user verification (a PIN or built-in
   * UV). Unlocking must ask for exactly that: the key's other secret does not open it.
   * Version 1 did not record it (the credential record beside it did).
   */
  userVerified?: boolean;
}

interface Parsed extends EnvelopeInfo {
  header: Uint8Array; // every byte before the ciphertext
  salt: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array; // including the 16-byte tag
}

const invalidEnvelope = (message: string): IdentityError => new IdentityError('envelope-invalid', `envelope ${message}`);
const unwrapFailed = (): IdentityError =>
  new IdentityError('unwrap-failed', 'could not unwrap the secret: wrong key material, another credential, or a damaged envelope');

function parse(envelope: Uint8Array): Parsed {
  if (!(envelope instanceof Uint8Array)) throw new InputError('invalid-type', `"envelope" expected Uint8Array, got ${describe(envelope)}`);
  if (envelope.length < 5 || envelope[0] !== MAGIC[0] || envelope[1] !== MAGIC[1] || envelope[2] !== MAGIC[2]) {
    throw invalidEnvelope('expected to start with "kpw", got other bytes');
  }
  const version = envelope[3];
  if (version !== 1 && version !== 2) throw invalidEnvelope(`expected version 1 or 2, got ${version}`);
  const kind = envelope[4];
  let o = 5;
  let iterations: number | undefined;
  let prfInput: Uint8Array | undefined;
  let userVerified: boolean | undefined;
  if (version === 2) {
    // Version 2 exists for prf envelopes only: "kpw" 02 01 ‖ flags ‖ prfInput[32] ‖ salt ‖ nonce.
    if (kind !== KIND_PRF) throw invalidEnvelope(`version 2 expected kind 1 (prf), got ${kind}`);
    if (envelope.length < o + 1 + PRF_INPUT_BYTES) throw invalidEnvelope('is truncated');
    const flags = envelope[o];
    if ((flags & ~FLAG_UV) !== 0) throw invalidEnvelope(`expected flags 0 or 1, got ${flags}`);
    userVerified = (flags & FLAG_UV) !== 0;
    prfInput = envelope.slice(o + 1, o + 1 + PRF_INPUT_BYTES);
    o += 1 + PRF_INPUT_BYTES;
  } else if (kind === KIND_PASSPHRASE) {
    if (envelope.length < o + 4) throw invalidEnvelope('is truncated');
    iterations = new DataView(envelope.buffer, envelope.byteOffset + o, 4).getUint32(0);
    if (iterations < MIN_PASSPHRASE_ITERATIONS || iterations > MAX_PASSPHRASE_ITERATIONS) {
      throw invalidEnvelope(`expected ${MIN_PASSPHRASE_ITERATIONS} to ${MAX_PASSPHRASE_ITERATIONS} PBKDF2 iterations, got ${iterations}`);
    }
    o += 4;
  } else if (kind === KIND_PRF) {
    prfInput = V1_INPUT_BYTES.slice();
  } else {
    throw invalidEnvelope(`expected kind 1 (prf) or 2 (passphrase), got ${kind}`);
  }
  const ctLength = envelope.length - o - SALT - NONCE;
  if (ctLength < 1 + TAG || ctLength > MAX_SECRET_BYTES + TAG) {
    throw invalidEnvelope(`expected a ciphertext of ${1 + TAG} to ${MAX_SECRET_BYTES + TAG} bytes, got ${Math.max(ctLength, 0)}`);
  }
  return {
    version,
    kind: kind === KIND_PRF ? 'prf' : 'passphrase',
    weak: kind === KIND_PASSPHRASE,
    ...(iterations !== undefined ? { iterations } : {}),
    ...(prfInput !== undefined ? { prfInput } : {}),
    ...(userVerified !== undefined ? { userVerified } : {}),
    header: envelope.slice(0, o + SALT + NONCE),
    salt: envelope.slice(o, o + SALT),
    nonce: envelope.slice(o + SALT, o + SALT + NONCE),
    ciphertext: envelope.slice(o + SALT + NONCE),
  };
}

/** parse() for the unwrap functions: a malformed envelope is `unwrap-failed` like any other failure. */
function parseForUnwrap(envelope: Uint8Array): Parsed {
  try {
    return parse(envelope);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw unwrapFailed();
  }
}

/**
 * Reads an envelope's header without decrypting it.
 * @param envelope the envelope bytes
 * @returns `{ version, kind, weak, iterations?, prfInput?, userVerified? }`
 * @throws InputError `invalid-type`; IdentityError `envelope-invalid` for anything that is not a
 *   version-1 or version-2 envelope (including a raw, unwrapped secret)
 * @example if (envelopeInfo(bytes).weak) warn('this identity is protected by a passphrase only')
 */
export function envelopeInfo(envelope: Uint8Array): EnvelopeInfo {
  const { header: _h, salt: _s, nonce: _n, ciphertext: _c, ...info } = parse(envelope);
  return info;
}

// ---- helpers -----------------------------------------------------------------------------------

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
/** A copy backed by a plain ArrayBuffer (what WebCrypto's BufferSource type wants). */
const own = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b);

function checkSecret(secret: unknown): Uint8Array {
  if (!(secret instanceof Uint8Array)) throw new InputError('invalid-type', `"secret" expected Uint8Array, got ${describe(secret)}`);
  if (secret.length < 1 || secret.length > MAX_SECRET_BYTES) {
    throw new InputError('invalid-length', `"secret" expected 1 to ${MAX_SECRET_BYTES} bytes, got ${secret.length}`);
  }
  return secret;
}

function checkPrfOptions(options: unknown): { prfOutput: Uint8Array; credentialId: Uint8Array } {
  if (typeof options !== 'object' || options === null) throw new InputError('invalid-type', `"options" expected an object, got ${describe(options)}`);
  const { prfOutput, credentialId } = options as Record<string, unknown>;
  if (!(prfOutput instanceof Uint8Array)) throw new InputError('invalid-type', `"prfOutput" expected Uint8Array, got ${describe(prfOutput)}`);
  // WebAuthn PRF results and CTAP hmac-secret outputs are 32 bytes (CTAP 2.1 §12.5).
  if (prfOutput.length !== 32) throw new InputError('invalid-length', `"prfOutput" expected 32 bytes, got ${prfOutput.length}`);
  if (!(credentialId instanceof Uint8Array)) throw new InputError('invalid-type', `"credentialId" expected Uint8Array, got ${describe(credentialId)}`);
  if (credentialId.length < 1 || credentialId.length > 1023) {
    throw new InputError('invalid-length', `"credentialId" expected 1 to 1023 bytes, got ${credentialId.length}`);
  }
  return { prfOutput, credentialId };
}

function checkPrfInput(options: Record<string, unknown>): { prfInput: Uint8Array; userVerified: boolean } {
  const { prfInput, userVerified } = options;
  if (!(prfInput instanceof Uint8Array)) throw new InputError('invalid-type', `"prfInput" expected Uint8Array, got ${describe(prfInput)}`);
  if (prfInput.length !== PRF_INPUT_BYTES) throw new InputError('invalid-length', `"prfInput" expected ${PRF_INPUT_BYTES} bytes, got ${prfInput.length}`);
  if (typeof userVerified !== 'boolean') throw new InputError('invalid-type', `"userVerified" expected boolean, got ${describe(userVerified)}`);
  return { prfInput, userVerified };
}

function checkPassphrase(options: unknown): { passphrase: string; iterations?: unknown } {
  if (typeof options !== 'object' || options === null) throw new InputError('invalid-type', `"options" expected an object, got ${describe(options)}`);
  const { passphrase, iterations } = options as Record<string, unknown>;
  if (typeof passphrase !== 'string') throw new InputError('invalid-type', `"passphrase" expected string, got ${describe(passphrase)}`);
  if ([...passphrase].length < 8) throw new InputError('invalid-length', `"passphrase" expected at least 8 characters, got ${[...passphrase].length}`);
  return { passphrase, iterations };
}

/** AAD = u16be(16) ‖ "keyprint-wrap-v<version>" ‖ header ‖ u16be(|credentialId|) ‖ credentialId. */
function associatedData(header: Uint8Array, credentialId: Uint8Array): Uint8Array<ArrayBuffer> {
  const info = INFO[header[3] as 1 | 2];
  const aad = new Uint8Array(2 + info.length + header.length + 2 + credentialId.length);
  const v = new DataView(aad.buffer);
  let o = 0;
  v.setUint16(o, info.length); o += 2;
  aad.set(info, o); o += info.length;
  aad.set(header, o); o += header.length;
  v.setUint16(o, credentialId.length); o += 2;
  aad.set(credentialId, o);
  return aad;
}

async function prfKey(prfOutput: Uint8Array, salt: Uint8Array, version: 1 | 2): Promise<CryptoKey> {
  const okm = hkdfSha256(prfOutput, salt, INFO[version], 32);
  try {
    return await aesGcmKey(okm, ['encrypt', 'decrypt']);
  } finally {
    okm.fill(0);
  }
}

async function passphraseKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  // NFC so that the same passphrase typed on two platforms gives the same key.
  const pw = new TextEncoder().encode(passphrase.normalize('NFC'));
  try {
    const base = await subtle().importKey('raw', pw, 'PBKDF2', false, ['deriveKey']);
    return await subtle().deriveKey(
      { name: 'PBKDF2', salt: own(salt), iterations, hash: 'SHA-256' }, base,
      { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'],
    );
  } finally {
    pw.fill(0);
  }
}

async function seal(header: Uint8Array, key: CryptoKey, nonce: Uint8Array, aad: Uint8Array<ArrayBuffer>, secret: Uint8Array): Promise<Uint8Array> {
  const ct = await aesGcmSeal(key, nonce, aad, secret);
  const out = new Uint8Array(header.length + ct.length);
  out.set(header);
  out.set(ct, header.length);
  return out;
}

async function open(p: Parsed, key: CryptoKey, credentialId: Uint8Array): Promise<Uint8Array> {
  try {
    return await aesGcmOpen(key, p.nonce, associatedData(p.header, credentialId), p.ciphertext);
  } catch {
    throw unwrapFailed();
  }
}

/** `"kpw" ‖ version ‖ kind ‖ kind-specific fields ‖ salt[32] ‖ nonce[12]`. */
function header(version: 1 | 2, kind: number, fields: Uint8Array, salt: Uint8Array, nonce: Uint8Array): Uint8Array {
  const h = new Uint8Array(5 + fields.length + SALT + NONCE);
  h.set(MAGIC);
  h[3] = version;
  h[4] = kind;
  h.set(fields, 5);
  h.set(salt, 5 + fields.length);
  h.set(nonce, 5 + fields.length + SALT);
  return h;
}

const random = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));

/**
 * A fresh PRF input for a new enrollment (or a migrated envelope): 32 random bytes. Evaluate the
 * credential's PRF on it (WebAuthn `eval.first`, or CTAP hmac-secret `salt1 = prfSalt(input)`), then
 * pass both to wrapSecret.
 * @returns 32 random bytes
 * @example const prfInput = newPrfInput()
 */
export function newPrfInput(): Uint8Array {
  return random(PRF_INPUT_BYTES);
}

// ---- public API --------------------------------------------------------------------------------

/**
 * Wraps a secret under a key derived from an authenticator's PRF (hmac-secret) output, in a
 * version-2 envelope that carries the PRF input and the UV state the output came with.
 * @param secret 1–1024 bytes (an identity seed is 32)
 * @param options.prfOutput the 32-byte PRF / hmac-secret output of this credential for `prfInput`
 * @param options.credentialId the credential that produced it (bound as associated data)
 * @param options.prfInput the 32-byte PRF input that was evaluated (newPrfInput)
 * @param options.userVerified whether that assertion was user-verified (its authenticatorData UV flag)
 * @returns the envelope: `"kpw" ‖ 02 ‖ 01 ‖ flags ‖ prfInput[32] ‖ salt[32] ‖ nonce[12] ‖ ciphertext ‖ tag[16]`
 * @throws InputError for a wrong type or length
 * @example const envelope = await wrapSecret(seed, { prfOutput, credentialId, prfInput, userVerified: true })
 */
export async function wrapSecret(
  secret: Uint8Array, options: { prfOutput: Uint8Array; credentialId: Uint8Array; prfInput: Uint8Array; userVerified: boolean },
): Promise<Uint8Array> {
  checkSecret(secret);
  const { prfOutput, credentialId } = checkPrfOptions(options);
  const { prfInput, userVerified } = checkPrfInput(options as unknown as Record<string, unknown>);
  const fields = new Uint8Array(1 + PRF_INPUT_BYTES);
  fields[0] = userVerified ? FLAG_UV : 0;
  fields.set(prfInput, 1);
  const salt = random(SALT);
  const nonce = random(NONCE);
  const h = header(WRAP_VERSION, KIND_PRF, fields, salt, nonce);
  return seal(h, await prfKey(prfOutput, salt, WRAP_VERSION), nonce, associatedData(h, credentialId), secret);
}

/**
 * Unwraps a `prf` envelope (version 2, or a version-1 envelope from before per-enrollment PRF inputs).
 * @param envelope bytes from wrapSecret
 * @param options the credential's PRF output for `envelopeInfo(envelope).prfInput`, and its ID
 * @returns the secret (wipe it with `.fill(0)` when done)
 * @throws InputError for a wrong argument type or length; IdentityError `unwrap-failed` for
 *   everything else — wrong PRF output, wrong credential, a passphrase envelope, a damaged or
 *   altered envelope — without saying which
 * @example const seed = await unwrapSecret(envelope, { prfOutput, credentialId })
 */
export async function unwrapSecret(envelope: Uint8Array, options: { prfOutput: Uint8Array; credentialId: Uint8Array }): Promise<Uint8Array> {
  const { prfOutput, credentialId } = checkPrfOptions(options);
  const p = parseForUnwrap(envelope);
  if (p.kind !== 'prf') throw unwrapFailed();
  return open(p, await prfKey(prfOutput, p.salt, p.version), credentialId);
}

/**
 * Wraps a secret under a passphrase (PBKDF2-HMAC-SHA-256). Weak: use only where no authenticator
 * with PRF / hmac-secret is available, and tell the user.
 * @param secret 1–1024 bytes
 * @param options.passphrase at least 8 characters (NFC-normalised before use)
 * @param options.iterations PBKDF2 iterations, 600,000 (default) to 10,000,000
 * @returns the envelope: `"kpw" ‖ 01 ‖ 02 ‖ u32be(iterations) ‖ salt[32] ‖ nonce[12] ‖ ciphertext ‖ tag[16]`
 * @throws InputError for a wrong type, length or iteration count
 * @example const envelope = await wrapSecretWithPassphrase(seed, { passphrase })
 */
export async function wrapSecretWithPassphrase(secret: Uint8Array, options: { passphrase: string; iterations?: number }): Promise<Uint8Array> {
  checkSecret(secret);
  const { passphrase, iterations = MIN_PASSPHRASE_ITERATIONS } = checkPassphrase(options);
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < MIN_PASSPHRASE_ITERATIONS || iterations > MAX_PASSPHRASE_ITERATIONS) {
    throw new InputError('invalid-value', `"iterations" expected an integer from ${MIN_PASSPHRASE_ITERATIONS} to ${MAX_PASSPHRASE_ITERATIONS}, got ${typeof iterations === 'number' ? iterations : describe(iterations)}`);
  }
  const salt = random(SALT);
  const nonce = random(NONCE);
  const count = new Uint8Array(4);
  new DataView(count.buffer).setUint32(0, iterations);
  const h = header(1, KIND_PASSPHRASE, count, salt, nonce);
  return seal(h, await passphraseKey(passphrase, salt, iterations), nonce, associatedData(h, new Uint8Array(0)), secret);
}

/**
 * Unwraps a `passphrase` envelope.
 * @param envelope bytes from wrapSecretWithPassphrase
 * @param options.passphrase the passphrase
 * @returns the secret
 * @throws InputError for a wrong argument type; IdentityError `unwrap-failed` for a wrong
 *   passphrase, a `prf` envelope, or a damaged or altered envelope
 * @example const seed = await unwrapSecretWithPassphrase(envelope, { passphrase })
 */
export async function unwrapSecretWithPassphrase(envelope: Uint8Array, options: { passphrase: string }): Promise<Uint8Array> {
  const { passphrase } = checkPassphrase(options);
  const p = parseForUnwrap(envelope);
  if (p.kind !== 'passphrase') throw unwrapFailed();
  return open(p, await passphraseKey(passphrase, p.salt, p.iterations!), new Uint8Array(0));
}

/**
 * Unwraps a 32-byte identity seed and returns the key pair; the intermediate copy is wiped.
 * @param envelope a `prf` or `passphrase` envelope
 * @param options `{ prfOutput, credentialId }` or `{ passphrase }`
 * @returns the identity key pair
 * @throws IdentityError `unwrap-failed` (also when the secret is not 32 bytes)
 * @example const identity = await unwrapIdentity(envelope, { prfOutput, credentialId })
 */
export async function unwrapIdentity(
  envelope: Uint8Array,
  options: { prfOutput: Uint8Array; credentialId: Uint8Array } | { passphrase: string },
): Promise<IdentityKeyPair> {
  const seed = typeof options === 'object' && options !== null && 'passphrase' in options
    ? await unwrapSecretWithPassphrase(envelope, options)
    : await unwrapSecret(envelope, options as { prfOutput: Uint8Array; credentialId: Uint8Array });
  try {
    if (seed.length !== 32) throw unwrapFailed();
    return IdentityKeyPair.fromSecretKey(seed);
  } finally {
    seed.fill(0);
  }
}
