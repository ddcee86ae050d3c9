// Verified contacts, persisted in IndexedDB ("keyprint-web" / "contacts"), keyed by contactId (the
// peer's did:key). Implements the library's ContactStore, so Session uses it for key continuity
// (a known peer with the same key is recognised; a changed key is reported), and keeps a reactive
// list for the Contacts screen.
import type { Contact, ContactStore } from 'keyprint/session';
import { run } from './db.js';
import { BackupError, MAX_BACKUP_BYTES, decodeBackup, encodeBackup } from './backup.js';

const BACKUP_TEXT: Record<string, string> = {
  'backup-wrong-passphrase': 'Wrong passphrase for this backup (or its key block was altered). Nothing was imported.',
  'backup-invalid': 'This is not a keyprint contacts backup, or one from a newer version. Nothing was imported.',
  'backup-damaged': 'This backup was altered or is incomplete. Nothing was imported.',
};

const copy = (c: Contact): Contact => ({ ...c, identityPublicKey: c.identityPublicKey.slice() });
const sameKey = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export class ContactsState implements ContactStore {
  list = $state.raw<Contact[]>([]);
  error = $state<string | null>(null);
  /** Backup export/import: what is happening, and the outcome. */
  backupBusy = $state<string | null>(null);
  backupResult = $state<{ ok: boolean; text: string } | null>(null);

  async load(): Promise<void> {
    try {
      const all = await run('contacts', 'readonly', (s) => s.getAll(), []) as Contact[];
      this.list = all.sort((a, b) => b.verifiedAt - a.verifiedAt);
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  async get(contactId: string): Promise<Contact | undefined> {
    const c = await run('contacts', 'readonly', (s) => s.get(contactId)) as Contact | undefined;
    return c && copy(c);
  }

  /** Every stored contact, from the database (not the list, which may still be loading). */
  async all(): Promise<Contact[]> {
    return (await run('contacts', 'readonly', (s) => s.getAll(), []) as Contact[]).map(copy);
  }

  async put(contact: Contact): Promise<void> {
    await run('contacts', 'readwrite', (s) => s.put(copy(contact), contact.contactId));
    await this.load();
  }

  /**
   * Adds contacts from a backup. A contact already here with another key keeps the one here: a
   * backup must not silently replace a key verified since.
   * @returns how many were added and how many were skipped for a different key
   */
  async importMany(list: Contact[]): Promise<{ added: number; conflicts: number }> {
    let added = 0, conflicts = 0;
    for (const c of list) {
      const here = await this.get(c.contactId);
      if (here && !sameKey(here.identityPublicKey, c.identityPublicKey)) { conflicts++; continue; }
      if (!here) added++;
      await run('contacts', 'readwrite', (s) => s.put(copy(c), c.contactId));
    }
    await this.load();
    return { added, conflicts };
  }

  /** An encrypted backup of all contacts (web/lib/backup.ts) as a file to download. */
  async exportBackup(passphrase: string): Promise<Blob | null> {
    this.backupResult = null;
    this.backupBusy = 'Encrypting the backup…';
    try {
      const bytes = await encodeBackup(this.list, passphrase);
      this.backupResult = { ok: true, text: `Backup of ${this.list.length} contact${this.list.length === 1 ? '' : 's'} ready.` };
      return new Blob([bytes.slice().buffer as ArrayBuffer], { type: 'application/octet-stream' });
    } catch (e) {
      this.backupResult = { ok: false, text: (e as Error).message };
      return null;
    } finally {
      this.backupBusy = null;
    }
  }

  /** Reads a backup file and adds its contacts (keeping how each was verified). */
  async importBackup(file: File, passphrase: string): Promise<void> {
    this.backupResult = null;
    this.backupBusy = 'Checking the passphrase…';
    try {
      if (file.size > MAX_BACKUP_BYTES) throw new BackupError('backup-invalid', `backup file expected at most ${MAX_BACKUP_BYTES} bytes, got ${file.size}`);
      const list = await decodeBackup(new Uint8Array(await file.arrayBuffer()), passphrase);
      const { added, conflicts } = await this.importMany(list);
      this.backupResult = {
        ok: true,
        text: `Imported ${added} contact${added === 1 ? '' : 's'}${list.length - added - conflicts ? `; ${list.length - added - conflicts} already here` : ''}${conflicts ? `; ${conflicts} skipped because the contact here has a different key` : ''}.`,
      };
    } catch (e) {
      this.backupResult = { ok: false, text: BACKUP_TEXT[(e as BackupError).code] ?? (e as Error).message };
    } finally {
      this.backupBusy = null;
    }
  }

  async delete(contactId: string): Promise<void> {
    await run('contacts', 'readwrite', (s) => s.delete(contactId));
    await this.load();
  }
}
