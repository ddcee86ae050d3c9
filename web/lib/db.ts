// The app's own IndexedDB database "keyprint-web" (the library's key store is the separate
// database "keyprint"): "profile" (the public identity record), "contacts" (verified peers),
// "outbox" (undelivered messages, encrypted), "seen" (ids of received messages, to drop
// re-sent duplicates), "history" (opt-in message history, encrypted), "trust" (the user's attestation
// trust store: their anchors and an imported FIDO metadata BLOB; public). docs/WEB.md "Storage at rest".
const DB = 'keyprint-web';
export const DB_NAME = DB;
export const STORES = ['profile', 'contacts', 'outbox', 'seen', 'history', 'trust'] as const;
export type StoreName = (typeof STORES)[number];

let known = false; // the database exists (we opened it once)
let wiped = false; // "wipe everything" ran (here or in another tab): nothing may open the database again

/** After a wipe: every later read answers "empty" and every write fails, so the database is not re-created before the page reloads. */
export function closeStorage(): void {
  wiped = true;
  known = false;
}

/**
 * Whether the database exists. Reads of a missing database answer "empty" without creating it,
 * so a fresh or wiped browser keeps no keyprint storage until something is written.
 */
async function exists(): Promise<boolean> {
  if (wiped) return false;
  if (known) return true;
  const list = await indexedDB.databases?.().catch(() => undefined);
  return list === undefined || list.some((d) => d.name === DB);
}

function open(): Promise<IDBDatabase> {
  if (wiped) return Promise.reject(new Error('keyprint was wiped in this browser: reload the page'));
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 4);
    req.onupgradeneeded = () => {
      for (const s of STORES) if (!req.result.objectStoreNames.contains(s)) req.result.createObjectStore(s);
    };
    req.onsuccess = () => {
      known = true;
      // A wipe in another tab deletes the database: let it.
      req.result.onversionchange = () => req.result.close();
      resolve(req.result);
    };
    req.onerror = () => reject(new Error(`could not open IndexedDB "${DB}": ${req.error?.message ?? 'unknown error'}`));
  });
}

/**
 * Runs `f` in one transaction over `store` and resolves with its result when the transaction
 * commits. `f` may await only IndexedDB requests (anything else lets the transaction close).
 */
export async function tx<T>(store: StoreName, mode: IDBTransactionMode, f: (s: IDBObjectStore) => Promise<T> | T, empty?: T): Promise<T> {
  if (mode === 'readonly' && !(await exists())) return empty as T;
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(store, mode);
      let result: T;
      Promise.resolve(f(t.objectStore(store))).then((r) => { result = r; }, (e) => { try { t.abort(); } catch { /* already finished */ } reject(e); });
      t.oncomplete = () => resolve(result);
      t.onerror = t.onabort = () => reject(new Error(`IndexedDB: ${t.error?.message ?? 'aborted'}`));
    });
  } finally {
    db.close();
  }
}

/** One request as a promise (inside a `tx` callback). */
export function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * Runs one request in its own transaction and resolves when the transaction commits. A read of a
 * missing database answers `empty` (default undefined) without creating it.
 */
export async function run<T>(store: StoreName, mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>, empty?: T): Promise<T> {
  if (mode === 'readonly' && !(await exists())) return empty as T;
  return tx(store, mode, (s) => req(f(s)));
}

/** Deletes the whole database (wipe). Resolves when deleted, or after `timeoutMs` if another connection blocks it. */
export function deleteDatabase(name: string, timeoutMs = 3_000): Promise<'deleted' | 'blocked'> {
  known = false;
  return new Promise((resolve, reject) => {
    const r = indexedDB.deleteDatabase(name);
    const t = setTimeout(() => resolve('blocked'), timeoutMs);
    r.onsuccess = () => { clearTimeout(t); resolve('deleted'); };
    r.onerror = () => { clearTimeout(t); reject(new Error(`could not delete IndexedDB "${name}": ${r.error?.message ?? 'unknown error'}`)); };
  });
}
