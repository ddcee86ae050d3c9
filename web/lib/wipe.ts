// Deleting for real: "forget this contact" removes its contact record, its undelivered messages,
// its received-message ids, its history and its files (files-opfs.ts); "wipe everything" deletes
// both IndexedDB databases ("keyprint-web" and the library's key store "keyprint"), the file
// directory, localStorage and sessionStorage, then reloads the page so no state survives in memory.
import { didKeyFromPublicKey } from 'keyprint/identity';
import type { Contact } from 'keyprint/session';
import { DB_NAME, deleteDatabase } from './db.js';
import { deleteHistoryOf } from './history.js';
import { deleteOutboxOf } from './outbox-idb.js';
import { deleteAllFiles, deleteFilesOf } from './files-opfs.js';
import type { ContactsState } from './contacts.svelte.js';
import type { IdentityState } from './identity.svelte.js';

/** The library's key store database (src/identity/key-store-browser.ts). */
export const KEY_STORE_DB = 'keyprint';

/** The did:keys a contact's records may be filed under: its contactId (when a did) and its key's did. */
export function peersOf(c: Contact): string[] {
  return [...new Set([c.contactId, didKeyFromPublicKey(c.identityPublicKey)])];
}

/** Deletes a contact and everything stored about it. */
export async function forgetContact(contacts: ContactsState, c: Contact): Promise<void> {
  const peers = peersOf(c);
  await deleteOutboxOf(peers);
  await deleteHistoryOf(peers);
  await deleteFilesOf(peers);
  await contacts.delete(c.contactId);
}

/**
 * Deletes everything keyprint keeps in this browser and reloads. Locking first ends any
 * connection and wipes the key in memory.
 */
export async function wipeEverything(identity: IdentityState): Promise<void> {
  identity.lock();
  // The key store keeps its connection open; a blocked delete completes when the reload closes it.
  await Promise.all([deleteDatabase(DB_NAME), deleteDatabase(KEY_STORE_DB), deleteAllFiles()]);
  localStorage.clear();
  sessionStorage.clear();
  location.reload();
}
