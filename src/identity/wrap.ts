// Key wrapping: the identity secret is stored only encrypted, with AES-256-GCM (NIST SP 800-38D)
// through WebCrypto (`globalThis.crypto.subtle`, Node ≥ 19 and every browser).
//   - `prf` envelopes (hardware): key = HKDF-SHA-256 (RFC 5869) of the authenticator's WebAuthn PRF
//     / CTAP hmac-secret output, salted with 32 random bytes stored in the envelope,
//     info = "keyprint-wrap-v1". The credential ID is in the associated data.
//   - `passphrase` envelopes (weak): key = PBKDF2-HMAC-SHA-256 (RFC 8018 §5.2) with ≥ 600,000
//     iterations (OWASP Password Storage Cheat Sheet, 2023) and a random 32-byte salt. Offline
//     guessing is bounded only by the passphrase's entropy, so the envelope and the API say `weak`.
// The whole header is associated data, so any change to it fails authentication. Every failure to
// unwrap is one error, `unwrap-failed`, that does not say which input was wrong.

import { hkdfSha256 } from '../core/index.js';
import { InputError, describe } from '../errors.js';
import { IdentityError, IdentityKeyPair } from './identity.js';

/** Envelope format version written by this code. */
export const WRAP_VERSION = 1;
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
const INFO = new TextEncoder().encode('keyprint-wrap-v1');

/** What an envelope says about itself (nothing secret). */
export interface EnvelopeInfo {
  version: 1;
  /** `prf`: hardware (WebAuthn PRF / hmac-secret); `passphrase`: PBKDF2. */
  kind: 'prf' | 'passphrase';
  /** True for passphrase envelopes: their strength is the passphrase's. */
  weak: boolean;
  /** PBKDF2 iterations (passphrase envelopes). */
  iterations?: number;
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
  if (envelope[3] !== WRAP_VERSION) throw invalidEnvelope(`expected version ${WRAP_VERSION}, got ${envelope[3]}`);
  const kind = envelope[4];
  let o = 5;
  let iterations: number | undefined;
  if (kind === KIND_PASSPHRASE) {
    if (envelope.length < o + 4) throw invalidEnvelope('is truncated');
    iterations = new DataView(envelope.buffer, envelope.byteOffset + o, 4).getUint32(0);
    if (iterations < MIN_PASSPHRASE_ITERATIONS || iterations > MAX_PASSPHRASE_ITERATIONS) {
      throw invalidEnvelope(`expected ${MIN_PASSPHRASE_ITERATIONS} to ${MAX_PASSPHRASE_ITERATIONS} PBKDF2 iterations, got ${iterations}`);
    }
    o += 4;
  } else if (kind !== KIND_PRF) {
    throw invalidEnvelope(`expected kind 1 (prf) or 2 (passphrase), got ${kind}`);
  }
  const ctLength = envelope.length - o - SALT - NONCE;
  if (ctLength < 1 + TAG || ctLength > MAX_SECRET_BYTES + TAG) {
    throw invalidEnvelope(`expected a ciphertext of ${1 + TAG} to ${MAX_SECRET_BYTES + TAG} bytes, got ${Math.max(ctLength, 0)}`);
  }
  return {
    version: WRAP_VERSION,
    kind: kind === KIND_PRF ? 'prf' : 'passphrase',
    weak: kind === KIND_PASSPHRASE,
    ...(iterations !== undefined ? { iterations } : {}),
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
 * @returns `{ version, kind, weak, iterations? }`
 * @throws InputError `invalid-type`; IdentityError `envelope-invalid` for anything that is not a
 *   version-1 envelope (including a raw, unwrapped secret)
 * @example if (envelopeInfo(bytes).weak) warn('this identity is protected by a passphrase only')
 */
export function envelopeInfo(envelope: Uint8Array): EnvelopeInfo {
  const { version, kind, weak, iterations } = parse(envelope);
  return iterations === undefined ? { version, kind, weak } : { version, kind, weak, iterations };
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

function checkPassphrase(options: unknown): { passphrase: string; iterations?: unknown } {
  if (typeof options !== 'object' || options === null) throw new InputError('invalid-type', `"options" expected an object, got ${describe(options)}`);
  const { passphrase, iterations } = options as Record<string, unknown>;
  if (typeof passphrase !== 'string') throw new InputError('invalid-type', `"passphrase" expected string, got ${describe(passphrase)}`);
  if ([...passphrase].length < 8) throw new InputError('invalid-length', `"passphrase" expected at least 8 characters, got ${[...passphrase].length}`);
  return { passphrase, iterations };
}

/** AAD = u16be(16) ‖ "keyprint-wrap-v1" ‖ header ‖ u16be(|credentialId|) ‖ credentialId. */
function associatedData(header: Uint8Array, credentialId: Uint8Array): Uint8Array<ArrayBuffer> {
  const aad = new Uint8Array(2 + INFO.length + header.length + 2 + credentialId.length);
  const v = new DataView(aad.buffer);
  let o = 0;
  v.setUint16(o, INFO.length); o += 2;
  aad.set(INFO, o); o += INFO.length;
  aad.set(header, o); o += header.length;
  v.setUint16(o, credentialId.length); o += 2;
  aad.set(credentialId, o);
  return aad;
}

async function prfKey(prfOutput: Uint8Array, salt: Uint8Array): Promise<CryptoKey> {
  const okm = hkdfSha256(prfOutput, salt, INFO, 32);
  const raw = own(okm);
  okm.fill(0);
  try {
    return await subtle().importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  } finally {
    raw.fill(0);
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
  const plain = own(secret);
  try {
    const ct = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: own(nonce), additionalData: aad, tagLength: 128 }, key, plain));
    const out = new Uint8Array(header.length + ct.length);
    out.set(header);
    out.set(ct, header.length);
    return out;
  } finally {
    plain.fill(0);
  }
}

async function open(p: Parsed, key: CryptoKey, credentialId: Uint8Array): Promise<Uint8Array> {
  try {
    return new Uint8Array(await subtle().decrypt(
      { name: 'AES-GCM', iv: own(p.nonce), additionalData: associatedData(p.header, credentialId), tagLength: 128 }, key, own(p.ciphertext),
    ));
  } catch {
    throw unwrapFailed();
  }
}

function header(kind: number, salt: Uint8Array, nonce: Uint8Array, iterations?: number): Uint8Array {
  const extra = iterations === undefined ? 0 : 4;
  const h = new Uint8Array(5 + extra + SALT + NONCE);
  h.set(MAGIC);
  h[3] = WRAP_VERSION;
  h[4] = kind;
  if (iterations !== undefined) new DataView(h.buffer).setUint32(5, iterations);
  h.set(salt, 5 + extra);
  h.set(nonce, 5 + extra + SALT);
  return h;
}

const random = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));

// ---- public API --------------------------------------------------------------------------------

/**
 * Wraps a secret under a key derived from an authenticator's PRF (hmac-secret) output.
 * @param secret 1–1024 bytes (an identity seed is 32)
 * @param options.prfOutput the 32-byte PRF / hmac-secret output for this credential and keyprint's salt
 * @param options.credentialId the credential that produced it (bound as associated data)
 * @returns the envelope: `"kpw" ‖ 01 ‖ 01 ‖ salt[32] ‖ nonce[12] ‖ ciphertext ‖ tag[16]`
 * @throws InputError for a wrong type or length
 * @example const envelope = await wrapSecret(identity.exportSecretKey(), { prfOutput, credentialId })
 */
export async function wrapSecret(secret: Uint8Array, options: { prfOutput: Uint8Array; credentialId: Uint8Array }): Promise<Uint8Array> {
  checkSecret(secret);
  const { prfOutput, credentialId } = checkPrfOptions(options);
  const salt = random(SALT);
  const nonce = random(NONCE);
  const h = header(KIND_PRF, salt, nonce);
  return seal(h, await prfKey(prfOutput, salt), nonce, associatedData(h, credentialId), secret);
}

/**
 * Unwraps a `prf` envelope.
 * @param envelope bytes from wrapSecret
 * @param options the same PRF output and credential ID as when wrapping
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
  return open(p, await prfKey(prfOutput, p.salt), credentialId);
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
  const h = header(KIND_PASSPHRASE, salt, nonce, iterations);
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
