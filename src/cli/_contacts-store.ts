// The session's ContactStore (src/session/contacts.ts) over HOME/contacts.json — the same file
// `keyprint contacts add` writes (src/cli/contacts.ts), so a contact added from a card and one
// verified by comparing the SAS in `keyprint chat` live side by side and are both recognised.
// The contact id is the peer's did:key (as in the web app). Every change re-reads the file and
// writes it back atomically (0600), one change at a time within the process.

import { equalBytes, fromBase64url, toBase64url as b64u } from '../core/bytes.js';
import { KeyprintError } from '../errors.js';
import { verificationOf, type Contact, type ContactStore } from '../session/contacts.js';
import { readContacts, toContact, writeContacts, type ContactRecord } from './contacts.js';


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
