// Safety numbers: Signal's numeric fingerprint (libsignal rust/protocol/src/fingerprint.rs), bit for
// bit. Per party, with FINGERPRINT_VERSION = 0x0000:
//   H1 = SHA-512(0x0000 ‖ publicKey ‖ stableId ‖ publicKey),  Hi = SHA-512(Hi−1 ‖ publicKey),
// up to H5200; 30 digits = six 5-byte big-endian chunks of H, each mod 100000, zero-padded to 5.
// The displayed safety number is the two parties' 30 digits, the smaller string first; the scannable
// form is the CombinedFingerprints protobuf with the first 32 bytes of each H. See docs/PROTOCOL.md
// for the exact bytes keyprint identities feed in, and docs/THREAT-MODEL.md for the lengths.

import { sha512Iterate } from '../core/index.js';
import { atLeast, bytes, integer, options, party } from './_check.js';
import { sasWords } from './words.js';
import { InputError, describe } from '../errors.js';

/** One party to a safety number: its identity key bytes (hashed exactly as given) and stable id. */
export interface FingerprintParty {
  /** Key bytes as the application serialises them: Signal 0x05 ‖ X25519; keyprint 0xed ‖ Ed25519. */
  publicKey: Uint8Array;
  /** Stable identifier bytes: Signal a phone number or ACI; keyprint the did:key string in UTF-8. */
  stableId: Uint8Array;
}

/** libsignal's iteration count. */
export const FINGERPRINT_ITERATIONS = 5200;
/** Upper bound on `iterations`: keeps a typo from pinning a core for minutes. */
export const FINGERPRINT_ITERATIONS_MAX = 1_000_000;
/** Words `fingerprintWords` returns: 13 × 8 bits + log2(5200) ≈ 116.3 bits of work (docs/THREAT-MODEL.md). */
export const FINGERPRINT_WORDS = 13;

/** keyprint's key-type prefix for an Ed25519 identity key in fingerprint input (docs/PROTOCOL.md). */
export const KEYPRINT_ED25519_KEY_TYPE = 0xed;

/** libsignal: `let fingerprint_version = [0u8, 0u8]` — not the version of the scannable form. */
const FINGERPRINT_VERSION = Uint8Array.of(0, 0);

/**
 * The fingerprint input of a keyprint identity: `publicKey` = 0xed ‖ the 32-byte Ed25519 key (the
 * way Signal prefixes 0x05 to an X25519 key), `stableId` = the did:key string in UTF-8.
 * @param ed25519PublicKey the identity's 32-byte Ed25519 public key
 * @param did its `did:key:z6Mk…` string (not checked against the key here; src/identity does that)
 * @returns a party for `fingerprintDigits`, `safetyNumber`, `scannableFingerprint`, `fingerprintWords`
 * @throws InputError for a key that is not 32 bytes or a string that is not a did:key
 * @example safetyNumber(keyprintParty(myKey, myDid), keyprintParty(theirKey, theirDid))
 */
export function keyprintParty(ed25519PublicKey: Uint8Array, did: string): FingerprintParty {
  bytes('ed25519PublicKey', ed25519PublicKey, 32);
  if (typeof did !== 'string') throw new InputError('invalid-type', `"did" expected string, got ${describe(did)}`);
  if (!/^did:key:z[1-9A-HJ-NP-Za-km-z]+$/.test(did)) {
    throw new InputError('invalid-value', `"did" expected a did:key string (did:key:z…), got ${JSON.stringify(did.slice(0, 64))}`);
  }
  const publicKey = new Uint8Array(33);
  publicKey[0] = KEYPRINT_ED25519_KEY_TYPE;
  publicKey.set(ed25519PublicKey, 1);
  return { publicKey, stableId: new TextEncoder().encode(did) };
}

function iterations(opts: unknown): number {
  const { iterations: n = FINGERPRINT_ITERATIONS } = options<{ iterations: number }>('options', opts);
  return integer('iterations', n, 1, FINGERPRINT_ITERATIONS_MAX);
}

/** The 64-byte iterated hash of one party; the whole loop runs in the core in one call. */
function fingerprintHash(publicKey: Uint8Array, stableId: Uint8Array, n: number): Uint8Array {
  const initial = new Uint8Array(2 + publicKey.length + stableId.length);
  initial.set(FINGERPRINT_VERSION, 0);
  initial.set(publicKey, 2);
  initial.set(stableId, 2 + publicKey.length);
  return sha512Iterate(initial, publicKey, n);
}

/** libsignal `get_encoded_string`: chunks at offsets 0, 5, …, 25, each 40-bit BE mod 100000. */
function encodeDigits(hash: Uint8Array): string {
  let out = '';
  for (let off = 0; off < 30; off += 5) {
    // 40 bits fit a double exactly.
    const chunk = hash[off] * 2 ** 32 + ((hash[off + 1] << 24) >>> 0) + (hash[off + 2] << 16) + (hash[off + 3] << 8) + hash[off + 4];
    out += String(chunk % 100000).padStart(5, '0');
  }
  return out;
}

/**
 * One party's 30-digit half of a safety number (Signal numeric fingerprint).
 * @param publicKey identity key bytes, hashed as given (at least 1 byte)
 * @param stableId stable identifier bytes (at least 1 byte)
 * @param opts `iterations` (default 5200, 1 … 1,000,000)
 * @returns 30 decimal digits, no spaces
 * @throws InputError for a non-Uint8Array or empty key/id, or a bad iteration count
 * @example fingerprintDigits(identityKey, new TextEncoder().encode('+14152222222'))
 */
export function fingerprintDigits(publicKey: Uint8Array, stableId: Uint8Array, opts: { iterations?: number } = {}): string {
  atLeast('publicKey', publicKey, 1);
  atLeast('stableId', stableId, 1);
  return encodeDigits(fingerprintHash(publicKey, stableId, iterations(opts)));
}

/**
 * The 60-digit safety number two parties compare: both 30-digit halves, the smaller first (libsignal
 * `DisplayableFingerprint`), so both sides show the same string.
 * @param local this side's `{ publicKey, stableId }`
 * @param remote the other side's `{ publicKey, stableId }`
 * @param opts `iterations` (default 5200)
 * @returns 60 decimal digits, no spaces (group them in 12 blocks of 5 for display)
 * @throws InputError for a malformed party or a bad iteration count
 * @example safetyNumber({ publicKey: myKey, stableId: myId }, { publicKey: theirKey, stableId: theirId })
 */
export function safetyNumber(local: FingerprintParty, remote: FingerprintParty, opts: { iterations?: number } = {}): string {
  const l = party('local', local);
  const r = party('remote', remote);
  const n = iterations(opts);
  const a = encodeDigits(fingerprintHash(l.publicKey, l.stableId, n));
  const b = encodeDigits(fingerprintHash(r.publicKey, r.stableId, n));
  return a <= b ? a + b : b + a;
}

/** Protobuf base-128 varint (uint32). */
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/**
 * The scannable fingerprint (libsignal `ScannableFingerprint`, protobuf `CombinedFingerprints`):
 * field 1 `version` (uint32), field 2 `localFingerprint { content = H_local[0..32] }`, field 3
 * `remoteFingerprint { content = H_remote[0..32] }`. Unlike the displayed number, local comes first:
 * the other side checks that its remote equals this local and vice versa.
 * @param local this side's `{ publicKey, stableId }`
 * @param remote the other side's `{ publicKey, stableId }`
 * @param opts `version` (1 … 2^32−1; libsignal uses 1 and 2) and `iterations` (default 5200)
 * @returns the serialized protobuf (74 bytes for versions 1 … 127)
 * @throws InputError for a malformed party, a missing or bad version, or a bad iteration count
 * @example scannableFingerprint(me, them, { version: 2 }) // bytes for a QR code
 */
export function scannableFingerprint(local: FingerprintParty, remote: FingerprintParty, opts: { version: number; iterations?: number }): Uint8Array {
  const l = party('local', local);
  const r = party('remote', remote);
  const o = options<{ version: number }>('options', opts);
  // Version 0 would vanish from proto3 output (default values are not encoded), so it is refused.
  const version = integer('version', o.version, 1, 0xffffffff);
  const n = iterations(opts);
  const localHash = fingerprintHash(l.publicKey, l.stableId, n).subarray(0, 32);
  const remoteHash = fingerprintHash(r.publicKey, r.stableId, n).subarray(0, 32);
  return combinedFingerprints(version, localHash, remoteHash);
}

/**
 * Serializes libsignal's `CombinedFingerprints` protobuf from two 32-byte contents (internal; the
 * `fingerprint_encodings` vector tests it directly).
 */
export function combinedFingerprints(version: number, local: Uint8Array, remote: Uint8Array): Uint8Array {
  // Field keys: (field << 3) | wire type; 0x08 = 1/varint, 0x12 = 2/bytes, 0x1a = 3/bytes, 0x0a = 1/bytes.
  return Uint8Array.from([
    0x08, ...varint(version),
    0x12, 2 + local.length, 0x0a, local.length, ...local,
    0x1a, 2 + remote.length, 0x0a, remote.length, ...remote,
  ]);
}

/**
 * One party's fingerprint as PGP words, for reading a printed fingerprint aloud: the first 13 bytes
 * of the same 5,200-round hash as `fingerprintDigits`, one word per byte (even/odd lists). 13 words
 * = 104 bits, plus log2(5200) ≈ 12.3 bits of iteration work ≈ 116.3 bits against key grinding.
 * @param publicKey identity key bytes, hashed as given (at least 1 byte)
 * @param stableId stable identifier bytes (at least 1 byte)
 * @param opts `iterations` (default 5200)
 * @returns 13 words
 * @throws InputError as `fingerprintDigits`
 * @example const me = keyprintParty(key, did); fingerprintWords(me.publicKey, me.stableId).join(' ')
 */
export function fingerprintWords(publicKey: Uint8Array, stableId: Uint8Array, opts: { iterations?: number } = {}): string[] {
  atLeast('publicKey', publicKey, 1);
  atLeast('stableId', stableId, 1);
  return sasWords(fingerprintHash(publicKey, stableId, iterations(opts)), FINGERPRINT_WORDS);
}

/** Splits a canonical CombinedFingerprints encoding into its fields, or throws for anything else. */
function parseCombined(name: string, value: unknown): { version: number; local: Uint8Array; remote: Uint8Array } {
  const b = atLeast(name, value, 1);
  const malformed = (what: string) =>
    new InputError('invalid-value', `"${name}" expected a CombinedFingerprints encoding (08 version 12 22 0a 20 … 1a 22 0a 20 …), got ${what}`);
  if (b[0] !== 0x08) throw malformed(`first byte ${b[0]}`);
  let version = 0, scale = 1, i = 1;
  for (; i < b.length && i <= 5; i++) {
    version += (b[i] & 0x7f) * scale;
    scale *= 0x80;
    if ((b[i] & 0x80) === 0) break;
  }
  i++;
  // A trailing 0x00 varint byte is a longer-than-needed (non-canonical) encoding.
  if (version < 1 || version > 0xffffffff || i > 6 || (i > 2 && b[i - 1] === 0)) throw malformed('a bad version');
  if (b.length !== i + 72) throw malformed(`${b.length} bytes`);
  const head = (at: number, key: number) => b[at] === key && b[at + 1] === 34 && b[at + 2] === 0x0a && b[at + 3] === 32;
  if (!head(i, 0x12) || !head(i + 36, 0x1a)) throw malformed('other fields');
  return { version, local: b.subarray(i + 4, i + 36), remote: b.subarray(i + 40, i + 72) };
}

const same = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, i) => v === y[i]);

/**
 * Compares a scanned fingerprint with one's own, as libsignal `ScannableFingerprint::compare`:
 * they match when the other side's local is this side's remote and the other side's remote is this
 * side's local. Fingerprints are public, so the comparison need not be constant-time.
 * @param mine this side's `scannableFingerprint(local, remote, { version })`
 * @param theirs the bytes scanned from the other device
 * @returns `true` if they match, `false` if not (a different key or stable id on either side)
 * @throws InputError `invalid-value` for bytes that are not a canonical CombinedFingerprints
 *   encoding, or when the versions differ (the other app is older or newer: compare the digits)
 * @example compareScannable(scannableFingerprint(me, them, { version: 2 }), scannedBytes)
 */
export function compareScannable(mine: Uint8Array, theirs: Uint8Array): boolean {
  const a = parseCombined('mine', mine);
  const b = parseCombined('theirs', theirs);
  if (a.version !== b.version) {
    throw new InputError('invalid-value', `"theirs" expected fingerprint version ${a.version}, got ${b.version}`);
  }
  return same(a.local, b.remote) && same(a.remote, b.local);
}
