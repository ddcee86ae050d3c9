// Deleting for real: "forget this contact" removes its contact record, its undelivered messages,
// its received-message ids, its history and its files (files-opfs.ts); "wipe everything" (issue 18
// item 5) leaves nothing of keyprint in this browser: every tab locks (the key wiped from memory)
// and stops writing, both IndexedDB databases ("keyprint-web" and the library's key store
// "keyprint") are deleted and not re-created, so is the file directory (origin-private file
// system), the service worker's caches (names starting "keyprint ") are deleted and its
// registration removed, localStorage and sessionStorage are cleared, and every tab reloads into a
// page that registers no worker (`?wiped`) — so storage, caches and registrations stay empty until
// the app is used again. The tabs talk over a BroadcastChannel; a tab of an older build still lets
// the databases go (its connections close on `versionchange`).
import { didKeyFromPublicKey } from 'keyprint/identity';
import type { Contact } from 'keyprint/session';
import { FILES_DIR } from './opfs-dir.js';
import { DB_NAME, closeStorage, deleteDatabase } from './db.js';
import type { ContactsState } from './contacts.svelte.js';
import type { IdentityState } from './identity.svelte.js';

/** The library's key store database (src/identity/key-store-browser.ts). */
export const KEY_STORE_DB = 'keyprint';
/** The query of the page a wipe reloads into: it registers no service worker. */
export const WIPED_QUERY = 'wiped';
const CHANNEL = 'keyprint-wipe';
/** The service worker's cache names (web/sw.js): "keyprint <scope> <build>" and "keyprint <scope> accepted". */
const CACHE_PREFIX = 'keyprint ';

/** The did:keys a contact's records may be filed under: its contactId (when a did) and its key's did. */
export function peersOf(c: Contact): string[] {
  return [...new Set([c.contactId, didKeyFromPublicKey(c.identityPublicKey)])];
}

/** Deletes a contact and everything stored about it. */
export async function forgetContact(contacts: ContactsState, c: Contact): Promise<void> {
  const peers = peersOf(c);
  // Imported here, not above: the first load has this module (followWipes) but not the outbox (docs/WEB.md "First load").
  const [{ deleteOutboxOf }, { deleteHistoryOf }, { deleteFilesOf }] = await Promise.all([import('./outbox-idb.js'), import('./history.js'), import('./files-opfs.js')]);
  await deleteOutboxOf(peers);
  await deleteHistoryOf(peers);
  await deleteFilesOf(peers);
  await contacts.delete(c.contactId);
}

/** Deletes the web app's file directory (files-opfs.ts), here so that the first load needs nothing more. */
async function deleteFileDirectory(): Promise<void> {
  try {
    await (await navigator.storage.getDirectory()).removeEntry(FILES_DIR, { recursive: true });
  } catch {
    // none yet, or no origin-private file system here (a private window)
  }
}

function reloadWiped(): void {
  location.replace(`${location.pathname}?${WIPED_QUERY}${location.hash}`);
}

/** Locks this tab and stops its storage: the first step of a wipe, here or in another tab. */
function stop(identity: IdentityState): void {
  identity.lock();
  closeStorage();
}

/**
 * Makes this tab take part in a wipe started in another one: lock and stop writing at once,
 * reload once the other tab has deleted everything.
 */
export function followWipes(identity: IdentityState): void {
  if (typeof BroadcastChannel === 'undefined') return;
  new BroadcastChannel(CHANNEL).onmessage = (e) => {
    if (e.data === 'wipe') stop(identity);
    else if (e.data === 'wiped') reloadWiped();
  };
}

/** Deletes everything keyprint keeps in this browser, in every tab, and reloads. */
export async function wipeEverything(identity: IdentityState): Promise<void> {
  stop(identity);
  const tabs = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
  tabs?.postMessage('wipe');
  // Other tabs close their connections on this message or on `versionchange`; a delete still
  // blocked after 3 s completes as they reload.
  await Promise.all([deleteDatabase(DB_NAME), deleteDatabase(KEY_STORE_DB), deleteFileDirectory()]);
  if ('caches' in globalThis) {
    for (const name of await caches.keys()) if (name.startsWith(CACHE_PREFIX)) await caches.delete(name);
  }
  if ('serviceWorker' in navigator) {
    for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
  }
  localStorage.clear();
  sessionStorage.clear();
  tabs?.postMessage('wiped');
  tabs?.close();
  reloadWiped();
}
