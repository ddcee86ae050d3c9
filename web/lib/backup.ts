// Encrypted contacts backup file. Pure format code (no DOM, no IndexedDB), tested in Node.
//   "KPCB" ‖ version (1 byte, 1) ‖ u16be(envelope length) ‖ envelope ‖ nonce[12] ‖ AES-256-GCM(payload) ‖ tag[16]
// The envelope is the library's passphrase envelope (src/identity/wrap.ts: PBKDF2-HMAC-SHA-256,
// ≥ 600,000 iterations, AES-GCM) around a random 32-byte file key; the payload — UTF-8 JSON
// `{ version: 1, exportedAt, contacts: [...] }` — is sealed under the file key with every byte
// before the nonce as associated data, so the header cannot be swapped or edited either.
// Relative imports (not the `keyprint/*` aliases) so vitest can load it; they name the same modules.
import { KeyprintError } from '../../src/errors.js';
import { unwrapSecretWithPassphrase, wrapSecretWithPassphrase } from '../../src/identity/wrap.js';
import type { Contact, VerificationMethod } from '../../src/session/contacts.js';

export const BACKUP_VERSION = 1;
const MAGIC = [0x4b, 0x50, 0x43, 0x42]; // "KPCB"
const NONCE = 12;
const TAG = 16;
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
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const own = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;

interface StoredContact { contactId: string; displayName: string; identityPublicKey: string; verifiedAt: number; verifiedBy: VerificationMethod }

/**
 * Seals contacts under a passphrase.
 * @param contacts the contacts to keep (with how each was verified)
 * @param passphrase at least 8 characters (the library's passphrase rule)
 * @returns the file bytes
 * @throws InputError for a short passphrase
 * @example const file = await encodeBackup(contacts.list, 'correct horse battery staple')
 */
export async function encodeBackup(contacts: Contact[], passphrase: string, now = Date.now()): Promise<Uint8Array> {
  const fileKey = crypto.getRandomValues(new Uint8Array(32));
  try {
    const envelope = await wrapSecretWithPassphrase(fileKey, { passphrase });
    const head = new Uint8Array(7 + envelope.length);
    head.set(MAGIC, 0);
    head[4] = BACKUP_VERSION;
    new DataView(head.buffer).setUint16(5, envelope.length);
    head.set(envelope, 7);
    const list: StoredContact[] = contacts.map((c) => ({
      contactId: c.contactId, displayName: c.displayName, identityPublicKey: hex(c.identityPublicKey), verifiedAt: c.verifiedAt, verifiedBy: c.verifiedBy ?? 'sas',
    }));
    const payload = new TextEncoder().encode(JSON.stringify({ version: BACKUP_VERSION, exportedAt: now, contacts: list }));
    const nonce = crypto.getRandomValues(new Uint8Array(NONCE));
    const key = await crypto.subtle.importKey('raw', own(fileKey), 'AES-GCM', false, ['encrypt']);
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: own(head) }, key, own(payload)));
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
 * Opens a backup file.
 * @returns the contacts it holds
 * @throws BackupError `backup-invalid` (not a backup, other version, bad structure),
 *   `backup-wrong-passphrase` (or a damaged key block: the two cannot be told apart),
 *   `backup-damaged` (the contents were altered)
 * @example const contacts = await decodeBackup(bytes, passphrase)
 */
export async function decodeBackup(file: Uint8Array, passphrase: string): Promise<Contact[]> {
  if (!(file instanceof Uint8Array)) throw invalid(`expected bytes, got ${typeof file}`);
  if (file.length > MAX_BACKUP_BYTES) throw invalid(`expected at most ${MAX_BACKUP_BYTES} bytes, got ${file.length}`);
  if (file.length < 7 || MAGIC.some((m, i) => file[i] !== m)) throw invalid('expected to start with "KPCB" (a keyprint contacts backup), found other bytes');
  if (file[4] !== BACKUP_VERSION) throw invalid(`expected version ${BACKUP_VERSION}, got ${file[4]}`);
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
    const key = await crypto.subtle.importKey('raw', own(fileKey), 'AES-GCM', false, ['decrypt']);
    payload = new Uint8Array(await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: own(file.subarray(headLength, headLength + NONCE)), additionalData: own(file.subarray(0, headLength)) },
      key, own(file.subarray(headLength + NONCE)),
    ));
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw damaged('contents do not authenticate: the file was altered or truncated', e);
  } finally {
    fileKey.fill(0);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (e) {
    throw damaged('expected JSON contents, found other bytes', e);
  }
  const p = parsed as { version?: unknown; contacts?: unknown };
  if (p?.version !== BACKUP_VERSION || !Array.isArray(p.contacts)) throw damaged(`expected { version: ${BACKUP_VERSION}, contacts: [...] }, found another shape`);
  return p.contacts.map((c, i) => contactFrom(c, i));
}

function contactFrom(c: unknown, i: number): Contact {
  const o = c as Partial<StoredContact> | null;
  const bad = (field: string, expected: string) => damaged(`contact ${i}: "${field}" expected ${expected}, found ${typeof (o as Record<string, unknown>)[field]}`);
  if (typeof o !== 'object' || o === null) throw damaged(`contact ${i}: expected an object, got ${o === null ? 'null' : typeof o}`);
  if (typeof o.contactId !== 'string' || o.contactId.length === 0 || o.contactId.length > 512) throw bad('contactId', 'a string of 1 to 512 characters');
  if (typeof o.displayName !== 'string' || o.displayName.length > 256) throw bad('displayName', 'a string of at most 256 characters');
  if (typeof o.identityPublicKey !== 'string' || !/^[0-9a-f]{64}$/.test(o.identityPublicKey)) throw bad('identityPublicKey', '64 hex digits');
  if (typeof o.verifiedAt !== 'number' || !Number.isFinite(o.verifiedAt) || o.verifiedAt < 0) throw bad('verifiedAt', 'a time in ms');
  if (!METHODS.includes(o.verifiedBy as VerificationMethod)) throw bad('verifiedBy', `one of ${METHODS.join(', ')}`);
  const key = new Uint8Array(o.identityPublicKey.match(/../g)!.map((x) => parseInt(x, 16)));
  return { contactId: o.contactId, displayName: o.displayName, identityPublicKey: key, verifiedAt: o.verifiedAt, verifiedBy: o.verifiedBy };
}
