// The app's own IndexedDB database "keyprint-web" (the library's key store is the separate
// database "keyprint"): store "profile" (the public identity record) and "contacts" (verified peers).
const DB = 'keyprint-web';
export const STORES = ['profile', 'contacts'] as const;

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 2);
    req.onupgradeneeded = () => {
      for (const s of STORES) if (!req.result.objectStoreNames.contains(s)) req.result.createObjectStore(s);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`could not open IndexedDB "${DB}": ${req.error?.message ?? 'unknown error'}`));
  });
}

/** Runs one request in its own transaction and resolves when the transaction commits. */
export async function run<T>(store: (typeof STORES)[number], mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const req = f(tx.objectStore(store));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = tx.onabort = () => reject(new Error(`IndexedDB: ${tx.error?.message ?? 'aborted'}`));
    });
  } finally {
    db.close();
  }
}
