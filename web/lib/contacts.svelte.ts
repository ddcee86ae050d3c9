// Contacts (verified, or imported unverified), persisted in IndexedDB ("keyprint-web" / "contacts"),
// keyed by contactId (the peer's did:key). Implements the library's ContactStore, so the
// conversation layer uses it for key continuity (a known, verified peer with the same key is
// recognised; a changed key is reported), and keeps a reactive list for the Contacts screen.
import { planContactsImport, type Contact, type ContactStore, type ImportPlan } from 'keyprint/session';
import type { IdentityKeyPair } from 'keyprint/identity';
import { run } from './db.js';
import { BACKUP_ORIGIN_TEXT, BackupError, MAX_BACKUP_BYTES, decodeBackup, encodeBackup, type OpenedBackup } from './backup.js';

const BACKUP_TEXT: Record<string, string> = {
  'backup-wrong-passphrase': 'Wrong passphrase for this backup (or its key block was altered). Nothing was imported.',
  'backup-invalid': 'This is not a keyprint contacts backup, or one from a newer version. Nothing was imported.',
  'backup-damaged': 'This backup was altered or is incomplete. Nothing was imported.',
};

const copy = (c: Contact): Contact => ({ ...c, identityPublicKey: c.identityPublicKey.slice() });

export class ContactsState implements ContactStore {
  list = $state.raw<Contact[]>([]);
  error = $state<string | null>(null);
  /** Backup export/import: what is happening, and the outcome. */
  backupBusy = $state<string | null>(null);
  backupResult = $state<{ ok: boolean; text: string } | null>(null);
  /** An opened backup and what importing it would do, shown before anything is stored. */
  preview = $state.raw<{ opened: OpenedBackup; plan: ImportPlan; originText: string } | null>(null);

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
   * A signed, encrypted backup of all contacts (web/lib/backup.ts) as a file to download.
   * @param identity the unlocked identity, which signs it (only it can restore these contacts as verified)
   */
  async exportBackup(passphrase: string, identity: IdentityKeyPair): Promise<Blob | null> {
    this.backupResult = null;
    this.backupBusy = 'Encrypting the backup…';
    try {
      const bytes = await encodeBackup(await this.all(), passphrase, identity);
      this.backupResult = { ok: true, text: `Backup of ${this.list.length} contact${this.list.length === 1 ? '' : 's'} ready, signed by your identity.` };
      return new Blob([bytes.slice().buffer as ArrayBuffer], { type: 'application/octet-stream' });
    } catch (e) {
      this.backupResult = { ok: false, text: (e as Error).message };
      return null;
    } finally {
      this.backupBusy = null;
    }
  }

  /**
   * Opens a backup file and shows what importing it would do (`preview`); nothing is stored until
   * `applyImport`. Only a backup this identity signed keeps "verified"; any other file's contacts
   * are added unverified (src/session/contacts-import.ts).
   * @param ownPublicKey this browser's identity key, if there is one
   */
  async previewBackup(file: File, passphrase: string, ownPublicKey: Uint8Array | undefined): Promise<void> {
    this.backupResult = null;
    this.preview = null;
    this.backupBusy = 'Checking the passphrase…';
    try {
      if (file.size > MAX_BACKUP_BYTES) throw new BackupError('backup-invalid', `backup file expected at most ${MAX_BACKUP_BYTES} bytes, got ${file.size}`);
      const opened = await decodeBackup(new Uint8Array(await file.arrayBuffer()), passphrase, ownPublicKey);
      this.preview = { opened, plan: this.#plan(opened, await this.all()), originText: BACKUP_ORIGIN_TEXT[opened.origin] };
    } catch (e) {
      this.backupResult = { ok: false, text: BACKUP_TEXT[(e as BackupError).code] ?? (e as Error).message };
    } finally {
      this.backupBusy = null;
    }
  }

  #plan(opened: OpenedBackup, here: Contact[]): ImportPlan {
    return planContactsImport(here, opened.contacts, { keepVerification: opened.origin === 'own', now: Date.now() });
  }

  /** Stores what the preview showed, planned again against the contacts as they are now (another tab may have added some). */
  async applyImport(): Promise<void> {
    const p = this.preview;
    if (!p) return;
    this.preview = null;
    this.backupBusy = 'Importing…';
    try {
      const plan = this.#plan(p.opened, await this.all());
      for (const i of plan.items) {
        if (i.outcome === 'added' || i.outcome === 'changed') await run('contacts', 'readwrite', (s) => s.put(copy(i.contact), i.contact.contactId));
      }
      const { added, changed, unchanged, refused } = plan.counts;
      const n = (k: number, what: string) => `${k} ${what}`;
      this.backupResult = {
        ok: true,
        text: [`Imported ${added} contact${added === 1 ? '' : 's'}${added && !plan.keepsVerification ? ' (not verified)' : ''}`,
          ...(changed ? [n(changed, 'verified again')] : []), ...(unchanged ? [n(unchanged, 'already here')] : []), ...(refused ? [n(refused, 'refused')] : [])].join('; ') + '.',
      };
    } catch (e) {
      this.backupResult = { ok: false, text: (e as Error).message };
    } finally {
      this.backupBusy = null;
      await this.load();
    }
  }

  cancelImport(): void {
    this.preview = null;
  }

  async delete(contactId: string): Promise<void> {
    await run('contacts', 'readwrite', (s) => s.delete(contactId));
    await this.load();
  }
}
