// The session's ContactStore (src/session/contacts.ts) over HOME/contacts.json — the same file
// `keyprint contacts add` writes (src/cli/contacts.ts), so a contact added from a card and one
// verified by comparing the SAS in `keyprint chat` live side by side and are both recognised.
// The contact id is the peer's did:key (as in the web app). Every change re-reads the file and
// writes it back atomically (0600), one change at a time within the process.

import { equalBytes, fromBase64url, toBase64url as b64u } from '../core/bytes.js';
import { KeyprintError } from '../errors.js';
import { verificationOf, type Contact, type ContactStore } from '../session/contacts.js';
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic-file-node.js';
import { join } from 'node:path';
import { type CardVerification } from '../card/node.js';
import { toBase64url } from '../core/bytes.js';
import { claimJson } from './_card-file.js';


/** Contacts in HOME/contacts.json. */
export class FileContactStore implements ContactStore {
  readonly home: string;
  #chain: Promise<unknown> = Promise.resolve();

  /** @param home the keyprint home directory (no I/O until a method is called) */
  constructor(home: string) {
    this.home = home;
  }

  /** Runs `f` after every change queued before it. */
  #serial<T>(f: () => Promise<T>): Promise<T> {
    const r = this.#chain.then(f);
    this.#chain = r.catch(() => undefined);
    return r;
  }

  /**
   * Reads and checks the file (so a damaged one is reported before a chat starts).
   * @returns how many contacts it holds
   * @throws KeyprintError `contacts-corrupt`, `contacts-io`
   */
  async check(): Promise<number> {
    return (await readContacts(this.home)).contacts.length;
  }

  async get(contactId: string): Promise<Contact | undefined> {
    const r = (await readContacts(this.home)).contacts.find((c) => c.did === contactId);
    return r && toContact(r);
  }

  async all(): Promise<Contact[]> {
    return (await readContacts(this.home)).contacts.map(toContact);
  }

  /**
   * Adds or replaces the contact with this did; a card's fields stay when the key is the same.
   * @throws KeyprintError `contacts-unverified`: the file holds verified contacts only, so an
   *   unverified one is refused rather than written as verified
   */
  async put(contact: Contact): Promise<void> {
    if (verificationOf(contact) === 'unverified') {
      throw new KeyprintError('contacts-unverified', `contacts.json expected a verified contact, got "${contact.contactId}" marked unverified`);
    }
    await this.#serial(async () => {
      const file = await readContacts(this.home);
      const i = file.contacts.findIndex((c) => c.did === contact.contactId);
      const old = i >= 0 ? file.contacts[i] : undefined;
      const sameKey = old !== undefined && equalBytes(fromBase64url(old.identityPublicKey), contact.identityPublicKey);
      const record: ContactRecord = {
        ...(sameKey ? old : {}),
        did: contact.contactId, displayName: contact.displayName, identityPublicKey: b64u(contact.identityPublicKey),
        verifiedBy: contact.verifiedBy ?? 'sas', verifiedAt: new Date(contact.verifiedAt).toISOString(),
      };
      if (i >= 0) file.contacts[i] = record;
      else file.contacts.push(record);
      await writeContacts(this.home, file);
    });
  }

  async delete(contactId: string): Promise<void> {
    await this.#serial(async () => {
      const file = await readContacts(this.home);
      const kept = file.contacts.filter((c) => c.did !== contactId);
      if (kept.length !== file.contacts.length) await writeContacts(this.home, { ...file, contacts: kept });
    });
  }
}

/** The contacts file name inside the home directory. */
export const CONTACTS_FILE = 'contacts.json';

/**
 * One stored contact: verified from their card (`keyprint contacts add`), by comparing the SAS in
 * `keyprint chat`, or by a verification receipt. Only the card fields are optional: a SAS
 * comparison has no bundle, trust verdict or printed text.
 */
export interface ContactRecord {
  did: string;
  displayName: string;
  /** Ed25519 identity key, base64url. */
  identityPublicKey: string;
  /** The canonical bundle from the card, base64url (card contacts). */
  bundle?: string;
  verifiedBy: 'sas' | 'card' | 'receipt';
  /** ISO 8601. */
  verifiedAt: string;
  /** The trust level checked when the card was added (a compact card's is `unattested`). */
  trust?: string | null;
  authenticator?: string;
  /** A compact card's own verdict: its holder's claim, not checked (`label` says so). */
  claimed?: Record<string, unknown>;
  printedTextCompared?: boolean;
}

/** The file's shape (version 1 since the first release; SAS records are an additive extension). */
export interface ContactsFile {
  version: 1;
  contacts: ContactRecord[];
}

/**
 * Reads HOME/contacts.json (an empty list if absent).
 * @param home the home directory
 * @returns the contacts
 * @throws KeyprintError `contacts-corrupt`
 */
export async function readContacts(home: string): Promise<ContactsFile> {
  let text: string;
  try {
    text = await readFile(join(home, CONTACTS_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, contacts: [] };
    throw new KeyprintError('contacts-io', `cannot read ${join(home, CONTACTS_FILE)}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyprintError('contacts-corrupt', `${join(home, CONTACTS_FILE)} is not JSON`);
  }
  const f = parsed as ContactsFile;
  if (typeof f !== 'object' || f === null || f.version !== 1 || !Array.isArray(f.contacts)) {
    throw new KeyprintError('contacts-corrupt', `${join(home, CONTACTS_FILE)} expected { "version": 1, "contacts": [...] }`);
  }
  f.contacts.forEach((c, i) => checkRecord(c, i, join(home, CONTACTS_FILE)));
  return f;
}

/** @throws KeyprintError `contacts-corrupt` naming the record and the field that is wrong */
function checkRecord(c: ContactRecord, i: number, path: string): void {
  const bad = (what: string, found: unknown) => new KeyprintError('contacts-corrupt', `${path}: contact ${i} expected ${what}, got ${JSON.stringify(found) ?? 'nothing'}`);
  if (typeof c !== 'object' || c === null) throw bad('an object', c);
  if (typeof c.did !== 'string' || !c.did.startsWith('did:key:')) throw bad('"did" a did:key', c.did);
  if (typeof c.displayName !== 'string') throw bad('"displayName" a string', c.displayName);
  if (typeof c.identityPublicKey !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(c.identityPublicKey)) throw bad('"identityPublicKey" 32 bytes in base64url', c.identityPublicKey);
  if (c.verifiedBy !== 'sas' && c.verifiedBy !== 'card' && c.verifiedBy !== 'receipt') throw bad('"verifiedBy" sas, card or receipt', c.verifiedBy);
  if (typeof c.verifiedAt !== 'string' || Number.isNaN(Date.parse(c.verifiedAt))) throw bad('"verifiedAt" an ISO date', c.verifiedAt);
  if (c.verifiedBy === 'card' && typeof c.bundle !== 'string') throw bad('"bundle" for a card contact', c.bundle);
}

/**
 * Writes HOME/contacts.json atomically with mode 0600 (home created 0700 if missing).
 * @param home the home directory
 * @param file the contacts
 */
export async function writeContacts(home: string, file: ContactsFile): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const path = join(home, CONTACTS_FILE);
  try {
    await writeFileAtomic(path, JSON.stringify(file, null, 2) + '\n');
  } catch (e) {
    throw new KeyprintError('contacts-io', `cannot write ${path}: ${(e as Error).message}`);
  }
}

/** A record as the session layer's Contact. */
export function toContact(r: ContactRecord): Contact {
  return {
    contactId: r.did, identityPublicKey: fromBase64url(r.identityPublicKey), displayName: r.displayName,
    verifiedAt: Date.parse(r.verifiedAt), verifiedBy: r.verifiedBy,
  };
}

/**
 * The record for a verified card.
 * @param r a verified result (identity present)
 * @param now the time, ms
 * @returns the contact record
 */
export function contactFromVerification(r: CardVerification, now = Date.now()): ContactRecord {
  const id = r.identity!;
  return {
    did: id.did, displayName: id.displayName, identityPublicKey: toBase64url(id.identityPublicKey),
    bundle: toBase64url(id.bundleBytes), verifiedBy: 'card', verifiedAt: new Date(now).toISOString(),
    trust: r.trust ?? null, authenticator: id.authenticator.model, ...(r.claimed ? { claimed: claimJson(r.claimed) } : {}), printedTextCompared: r.printedTextCompared,
  };
}
