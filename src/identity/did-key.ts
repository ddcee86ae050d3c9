// did:key for Ed25519 identity keys (W3C CCG "The did:key Method v0.7", §3.1.2 Ed25519):
//   did:key:z<base58btc( varint(0xed) ‖ publicKey )>,  varint(0xed) = ed 01 (multicodec ed25519-pub),
// multibase prefix `z` = base58btc (Bitcoin alphabet). Decoding is strict: exactly one encoding of
// each key is accepted, so a did:key string can be compared as a string, and only keys that can
// verify a signature (not of small order, canonical: see identityKeyProblem) are accepted.

import { base58 } from '@scure/base';
import { ed25519IsValidPublicKey } from '../core/index.js';
import { InputError, describe } from '../errors.js';
import { IdentityError } from './errors.js';
import { toHex } from './_bytes.js';

const PREFIX = 'did:key:';
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** Multicodec codes keyprint can name in error messages (multiformats/multicodec table.csv). */
const CODECS: Record<number, string> = {
  0xe7: 'secp256k1-pub', 0xec: 'x25519-pub', 0xed: 'ed25519-pub', 0x1200: 'p256-pub', 0x1201: 'p384-pub',
  0x1205: 'rsa-pub',
};

const invalid = (message: string): IdentityError => new IdentityError('did-invalid', message);

/**
 * What is wrong with a 32-byte identity key, or undefined when nothing is: keys of small order (the 8
 * torsion points, any encoding) and encodings that are not a canonical curve point are refused
 * where a key enters (bundles, did:key), as ed25519Verify refuses them. Under the bare RFC 8032
 * equation the identity point "verifies" (R = identity, S = 0) for every message.
 * Internal (bundle.ts, did-key.ts); the text follows `expected`.
 */
export function identityKeyProblem(publicKey: Uint8Array): string | undefined {
  if (ed25519IsValidPublicKey(publicKey)) return undefined;
  const h = toHex(publicKey);
  return `an Ed25519 public key (RFC 8032 §5.1.3: a canonical curve point, not of small order), got ${h.slice(0, 4)}…${h.slice(-4)}`;
}

/**
 * The did:key of an Ed25519 public key.
 * @param publicKey 32-byte Ed25519 public key
 * @returns `did:key:z6Mk…` (56 characters for every Ed25519 key)
 * @throws InputError `invalid-type` / `invalid-length`
 * @example didKeyFromPublicKey(identity.publicKey) // 'did:key:z6Mk…'
 */
export function didKeyFromPublicKey(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array)) {
    throw new InputError('invalid-type', `"publicKey" expected Uint8Array, got ${describe(publicKey)}`);
  }
  if (publicKey.length !== 32) throw new InputError('invalid-length', `"publicKey" expected 32 bytes, got ${publicKey.length}`);
  const body = new Uint8Array(34);
  body[0] = 0xed;
  body[1] = 0x01;
  body.set(publicKey, 2);
  return PREFIX + 'z' + base58.encode(body);
}

/** Reads an unsigned LEB128 varint (multiformats unsigned-varint: minimal, ≤ 9 bytes). */
function readVarint(b: Uint8Array): { value: number; length: number } | undefined {
  let value = 0;
  for (let i = 0; i < Math.min(b.length, 4); i++) {
    value += (b[i] & 0x7f) * 2 ** (7 * i);
    if ((b[i] & 0x80) === 0) {
      // unsigned-varint spec: "minimal encoding" — a trailing 0x00 group is not allowed.
      if (i > 0 && b[i] === 0) return undefined;
      return { value, length: i + 1 };
    }
  }
  return undefined;
}

/**
 * The Ed25519 public key named by a did:key. Only the bare DID is accepted (no `#fragment`, path
 * or query), and only a key that can verify signatures (`ed25519IsValidPublicKey`).
 * @param did `did:key:z6Mk…`
 * @returns the 32-byte Ed25519 public key
 * @throws InputError `invalid-type` if `did` is not a string; IdentityError `did-invalid` for a
 *   wrong prefix, multibase, alphabet, multicodec, length, a non-canonical base58 encoding, or a
 *   key of small order or not a canonical curve point
 * @example publicKeyFromDidKey('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')
 */
export function publicKeyFromDidKey(did: string): Uint8Array {
  if (typeof did !== 'string') throw new InputError('invalid-type', `"did" expected string, got ${describe(did)}`);
  if (!did.startsWith(PREFIX)) {
    throw invalid(`did:key expected prefix "did:key:", got ${JSON.stringify(did.slice(0, 8))}`);
  }
  const multibase = did.slice(PREFIX.length);
  if (multibase[0] !== 'z') {
    throw invalid(`did:key expected multibase prefix "z" (base58btc), got ${multibase.length ? JSON.stringify(multibase[0]) : 'nothing'}`);
  }
  const text = multibase.slice(1);
  for (let i = 0; i < text.length; i++) {
    if (!ALPHABET.includes(text[i])) {
      throw invalid(`did:key expected base58btc characters, got ${JSON.stringify(text[i])} at position ${PREFIX.length + 1 + i}`);
    }
  }
  // Bound the work before decoding (base58 decoding is quadratic): an Ed25519 did:key has 48 characters.
  if (text.length === 0 || text.length > 64) {
    throw invalid(`did:key expected 48 base58btc characters after "z", got ${text.length}`);
  }
  const body = base58.decode(text);
  const codec = readVarint(body);
  if (!codec) throw invalid('did:key expected a multicodec varint, got a malformed one');
  if (codec.value !== 0xed) {
    const name = CODECS[codec.value] ?? 'unknown';
    throw invalid(`did:key expected multicodec ed25519-pub (0xed), got 0x${codec.value.toString(16)} (${name})`);
  }
  const key = body.subarray(codec.length);
  if (key.length !== 32) throw invalid(`did:key expected a 32-byte ed25519-pub key, got ${key.length} bytes`);
  // Leading '1's decode to zero bytes, so only the exact re-encoding is canonical.
  if (didKeyFromPublicKey(key) !== did) throw invalid('did:key expected the canonical base58btc encoding, got another');
  const problem = identityKeyProblem(key);
  if (problem) throw invalid(`did:key expected ${problem}`);
  return key.slice();
}

/**
 * Whether `did` is a valid Ed25519 did:key (see publicKeyFromDidKey).
 * @returns true or false; never throws
 * @example isDidKey('did:key:z6Mk…')
 */
export function isDidKey(did: unknown): boolean {
  try {
    publicKeyFromDidKey(did as string);
    return true;
  } catch {
    return false;
  }
}
