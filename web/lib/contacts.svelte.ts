// Verified contacts, persisted in IndexedDB ("keyprint-web" / "contacts"), keyed by contactId (the
// peer's did:key). Implements the library's ContactStore, so Session uses it for key continuity
// (a known peer with the same key is recognised; a changed key is reported), and keeps a reactive
// list for the Contacts screen.
import type { Contact, ContactStore } from 'keyprint/session';
import { run } from './db.js';

const copy = (c: Contact): Contact => ({ ...c, identityPublicKey: c.identityPublicKey.slice() });

export class ContactsState implements ContactStore {
  list = $state.raw<Contact[]>([]);
  error = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      const all = await run('contacts', 'readonly', (s) => s.getAll()) as Contact[];
      this.list = all.sort((a, b) => b.verifiedAt - a.verifiedAt);
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  async get(contactId: string): Promise<Contact | undefined> {
    const c = await run('contacts', 'readonly', (s) => s.get(contactId)) as Contact | undefined;
    return c && copy(c);
  }

  async put(contact: Contact): Promise<void> {
    await run('contacts', 'readwrite', (s) => s.put(copy(contact), contact.contactId));
    await this.load();
  }

  async delete(contactId: string): Promise<void> {
    await run('contacts', 'readwrite', (s) => s.delete(contactId));
    await this.load();
  }
}
