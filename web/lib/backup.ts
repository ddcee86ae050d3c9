// Encrypted, signed contacts backup file (docs/PROTOCOL.md "Contacts backup"). Pure format code (no
// DOM, no IndexedDB), tested in Node.
//   "KPCB" ‖ version (1 byte, 2) ‖ u16be(envelope length) ‖ envelope ‖ nonce[12] ‖ AES-256-GCM(payload) ‖ tag[16]
//   payload   = signer identity key[32] ‖ Ed25519 signature[64] ‖ body
//   body      = UTF-8 JSON { version: 2, exportedAt, contacts: [...] }
//   signature = Ed25519(identity, u16be(27) ‖ "keyprint-contacts-backup-v2" ‖ SHA-256(body))
// The envelope is the library's passphrase envelope (src/identity/wrap.ts: PBKDF2-HMAC-SHA-256,
// ≥ 600,000 iterations, AES-GCM) around a random 32-byte file key; the payload is sealed under the
// file key with every byte before the nonce as associated data, so the header cannot be swapped or
// edited either. The passphrase keeps the file private; the signature says whose it is: only a
// backup the importing identity signed restores "verified" (src/session/contacts-import.ts).
// Version 1 files (no signature) still open; their contacts come back unverified.
// Relative imports (not the `keyprint/*` aliases) so vitest can load it; they name the same modules.
import { KeyprintError, aesGcmKey, aesGcmOpen, aesGcmSeal, ed25519Verify, equalBytes, sha256, toHex as hex } from 'keyprint/core';
import { didKeyFromPublicKey, unwrapSecretWithPassphrase, wrapSecretWithPassphrase, type IdentityKeyPair } from 'keyprint/identity';
import { verificationOf, type Contact, type VerificationMethod } from 'keyprint/session';

export const BACKUP_VERSION = 2;
/** Unsigned files of the first version: still read, their contacts imported unverified. */
const UNSIGNED_VERSION = 1;
const MAGIC = [0x4b, 0x50, 0x43, 0x42]; // "KPCB"
const NONCE = 12;
const TAG = 16;
const KEY = 32;
const SIGNATURE = 64;
/** The signature's label, length-prefixed like every keyprint label (docs/PROTOCOL.md). */
const LABEL = 'keyprint-contacts-backup-v2';
const METHODS: VerificationMethod[] = ['sas', 'card', 'receipt'];
/** Bounds the work a hostile file can cause. */
export const MAX_BACKUP_BYTES = 4 * 1024 * 1024;

/** `backup-invalid`: not a keyprint backup (or another version); `backup-wrong-passphrase`; `backup-damaged`: altered after it was written. */
export class BackupError extends KeyprintError {
  constructor(code: 'backup-invalid' | 'backup-wrong-passphrase' | 'backup-damaged', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

const invalid = (m: string) => new BackupError('backup-invalid', `backup file ${m}`);
const damaged = (m: string, cause?: unknown) => new BackupError('backup-damaged', `backup file ${m}`, { cause });

/** One contact in the body; `verification: "unverified"` (then no `verifiedBy`) or `verifiedBy`. */
interface StoredContact { contactId: string; displayName: string; identityPublicKey: string; verifiedAt: number; verifiedBy?: VerificationMethod; verification?: 'unverified' }

/**
 * Whose file it is: `own` (signed by the identity that opens it — its verified states count),
 * `foreign` (signed by another identity), `unsigned` (version 1), `bad-signature` (the signature does
 * not verify: altered by someone who knew the passphrase, or forged).
 */
export type BackupOrigin = 'own' | 'foreign' | 'unsigned' | 'bad-signature';

/** What the import preview says about each origin. */
export const BACKUP_ORIGIN_TEXT: Record<BackupOrigin, string> = {
  own: 'Your own backup, signed by this identity: contacts come back as you verified them.',
  foreign: 'This backup is not signed by the identity in this browser: its contacts are added as not verified, and you compare the code with each of them the first time you connect.',
  unsigned: 'This backup has no signature (an older version): its contacts are added as not verified, and you compare the code with each of them the first time you connect.',
  'bad-signature': 'This backup\'s signature does not verify (it was altered or forged): its contacts are added as not verified, and you compare the code with each of them the first time you connect.',
};

export interface OpenedBackup {
  contacts: Contact[];
  origin: BackupOrigin;
  /** The did:key that signed it (version 2). */
  signer?: string;
  exportedAt?: number;
}

/** The bytes the identity signs: label ‖ SHA-256(body). A hash, so the signature's input is small whatever the file's size. */
export function backupSigningInput(body: Uint8Array): Uint8Array {
  const label = new TextEncoder().encode(LABEL);
  const out = new Uint8Array(2 + label.length + 32);
  new DataView(out.buffer).setUint16(0, label.length);
  out.set(label, 2);
  out.set(sha256(body), 2 + label.length);
  return out;
}

/**
 * Seals contacts under a passphrase, signed by the identity that keeps them.
 * @param contacts the contacts to keep (with how each was verified, or that it is not)
 * @param passphrase at least 8 characters (the library's passphrase rule)
 * @param identity the unlocked identity: only it can restore these contacts as verified
 * @returns the file bytes
 * @throws InputError for a short passphrase; IdentityError `identity-destroyed` for a locked identity
 * @example const file = await encodeBackup(contacts.list, 'correct horse battery staple', identity.keyPair)
 */
export async function encodeBackup(contacts: Contact[], passphrase: string, identity: IdentityKeyPair, now = Date.now()): Promise<Uint8Array> {
  const list: StoredContact[] = contacts.map((c) => {
    const v = verificationOf(c);
    return {
      contactId: c.contactId, displayName: c.displayName, identityPublicKey: hex(c.identityPublicKey), verifiedAt: c.verifiedAt,
      ...(v === 'unverified' ? { verification: v } : { verifiedBy: v }),
    };
  });
  const body = new TextEncoder().encode(JSON.stringify({ version: BACKUP_VERSION, exportedAt: now, contacts: list }));
  const signature = identity.sign(backupSigningInput(body));
  const payload = new Uint8Array(KEY + SIGNATURE + body.length);
  payload.set(identity.publicKey, 0);
  payload.set(signature, KEY);
  payload.set(body, KEY + SIGNATURE);
  return sealBackup(payload, passphrase);
}

/**
 * The container alone: seals `payload` under a fresh file key wrapped by the passphrase. Anyone
 * who knows a passphrase can make such a file around any payload — which is why what it holds
 * counts only through its signature (decodeBackup).
 * @param payload the plaintext (version 2: signer ‖ signature ‖ body; version 1: the JSON body)
 * @param version the version byte to write (default the current one)
 * @returns the file bytes
 */
export async function sealBackup(payload: Uint8Array, passphrase: string, version: number = BACKUP_VERSION): Promise<Uint8Array> {
  const fileKey = crypto.getRandomValues(new Uint8Array(32));
  try {
    const envelope = await wrapSecretWithPassphrase(fileKey, { passphrase });
    const head = new Uint8Array(7 + envelope.length);
    head.set(MAGIC, 0);
    head[4] = version;
    new DataView(head.buffer).setUint16(5, envelope.length);
    head.set(envelope, 7);
    const nonce = crypto.getRandomValues(new Uint8Array(NONCE));
    // aesGcmKey wipes the copy it hands WebCrypto; fileKey is wiped below.
    const key = await aesGcmKey(fileKey, ['encrypt']);
    const ct = await aesGcmSeal(key, nonce, head, payload);
    const out = new Uint8Array(head.length + NONCE + ct.length);
    out.set(head, 0);
    out.set(nonce, head.length);
    out.set(ct, head.length + NONCE);
    return out;
  } finally {
    fileKey.fill(0);
  }
}

/**
 * Opens a backup file and says whose it is.
 * @param file the file bytes
 * @param passphrase its passphrase
 * @param ownPublicKey the identity key of whoever opens it (absent: no identity here, so no file is `own`)
 * @returns the contacts it holds, as the file states them (planContactsImport decides what they may become), and its origin
 * @throws BackupError `backup-invalid` (not a backup, other version, bad structure),
 *   `backup-wrong-passphrase` (or a damaged key block: the two cannot be told apart),
 *   `backup-damaged` (the contents were altered)
 * @example const { contacts, origin } = await decodeBackup(bytes, passphrase, identity.bundle.identityPublicKey)
 */
export async function decodeBackup(file: Uint8Array, passphrase: string, ownPublicKey?: Uint8Array): Promise<OpenedBackup> {
  if (!(file instanceof Uint8Array)) throw invalid(`expected bytes, got ${typeof file}`);
  if (file.length > MAX_BACKUP_BYTES) throw invalid(`expected at most ${MAX_BACKUP_BYTES} bytes, got ${file.length}`);
  if (file.length < 7 || MAGIC.some((m, i) => file[i] !== m)) throw invalid('expected to start with "KPCB" (a keyprint contacts backup), found other bytes');
  const version = file[4];
  if (version !== BACKUP_VERSION && version !== UNSIGNED_VERSION) throw invalid(`expected version ${UNSIGNED_VERSION} or ${BACKUP_VERSION}, got ${version}`);
  const envLength = new DataView(file.buffer, file.byteOffset + 5, 2).getUint16(0);
  const headLength = 7 + envLength;
  if (file.length < headLength + NONCE + TAG) throw invalid(`expected at least ${headLength + NONCE + TAG} bytes, got ${file.length}`);
  let fileKey: Uint8Array;
  try {
    fileKey = await unwrapSecretWithPassphrase(file.subarray(7, headLength), { passphrase });
  } catch (e) {
    if ((e as KeyprintError).code === 'unwrap-failed') throw new BackupError('backup-wrong-passphrase', 'wrong passphrase for this backup file (or its key block was altered)', { cause: e });
    throw invalid(`key block: ${(e as Error).message}`);
  }
  let payload: Uint8Array;
  try {
    if (fileKey.length !== 32) throw damaged(`expected a 32-byte file key, got ${fileKey.length}`);
    const key = await aesGcmKey(fileKey, ['decrypt']);
    payload = await aesGcmOpen(key, file.subarray(headLength, headLength + NONCE), file.subarray(0, headLength), file.subarray(headLength + NONCE));
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw damaged('contents do not authenticate: the file was altered or truncated', e);
  } finally {
    fileKey.fill(0);
  }
  let body = payload, origin: BackupOrigin = 'unsigned', signer: string | undefined;
  if (version === BACKUP_VERSION) {
    if (payload.length < KEY + SIGNATURE) throw damaged(`expected a signer key and a signature (${KEY + SIGNATURE} bytes) before the contacts, got ${payload.length} bytes`);
    const signerKey = payload.subarray(0, KEY);
    body = payload.subarray(KEY + SIGNATURE);
    signer = didKeyFromPublicKey(signerKey);
    // ed25519Verify refuses small-order and non-canonical keys (RFC 8032 §5.1.7 with libsodium's checks).
    const valid = ed25519Verify(signerKey, backupSigningInput(body), payload.subarray(KEY, KEY + SIGNATURE));
    origin = !valid ? 'bad-signature' : ownPublicKey !== undefined && equalBytes(signerKey, ownPublicKey) ? 'own' : 'foreign';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (e) {
    throw damaged('expected JSON contents, found other bytes', e);
  }
  const p = parsed as { version?: unknown; exportedAt?: unknown; contacts?: unknown };
  if (p?.version !== version || !Array.isArray(p.contacts)) throw damaged(`expected { version: ${version}, contacts: [...] }, found another shape`);
  return {
    contacts: p.contacts.map((c, i) => contactFrom(c, i)), origin, ...(signer ? { signer } : {}),
    ...(typeof p.exportedAt === 'number' ? { exportedAt: p.exportedAt } : {}),
  };
}


function contactFrom(c: unknown, i: number): Contact {
  const o = c as Partial<StoredContact> | null;
  const bad = (field: string, expected: string) => damaged(`contact ${i}: "${field}" expected ${expected}, found ${typeof (o as Record<string, unknown>)[field]}`);
  if (typeof o !== 'object' || o === null) throw damaged(`contact ${i}: expected an object, got ${o === null ? 'null' : typeof o}`);
  if (typeof o.contactId !== 'string' || o.contactId.length === 0 || o.contactId.length > 512) throw bad('contactId', 'a string of 1 to 512 characters');
  if (typeof o.displayName !== 'string' || o.displayName.length > 256) throw bad('displayName', 'a string of at most 256 characters');
  if (typeof o.identityPublicKey !== 'string' || !/^[0-9a-f]{64}$/.test(o.identityPublicKey)) throw bad('identityPublicKey', '64 hex digits');
  if (typeof o.verifiedAt !== 'number' || !Number.isFinite(o.verifiedAt) || o.verifiedAt < 0) throw bad('verifiedAt', 'a time in ms');
  const key = new Uint8Array(o.identityPublicKey.match(/../g)!.map((x) => parseInt(x, 16)));
  const base = { contactId: o.contactId, displayName: o.displayName, identityPublicKey: key, verifiedAt: o.verifiedAt };
  if (o.verification !== undefined) {
    if (o.verification !== 'unverified' || o.verifiedBy !== undefined) throw bad('verification', '"unverified" (without verifiedBy)');
    return { ...base, verification: 'unverified' };
  }
  if (!METHODS.includes(o.verifiedBy as VerificationMethod)) throw bad('verifiedBy', `one of ${METHODS.join(', ')}`);
  return { ...base, verifiedBy: o.verifiedBy };
}
