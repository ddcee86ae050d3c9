// IndexedDB key store (browser only). Database "keyprint", object store "keys", key = the key
// name, value = the envelope bytes. Each put/delete is one readwrite transaction, which IndexedDB
// commits atomically: a reader sees the old envelope or the new one, never a mix.

import { IdentityError } from './errors.js';
import { checkKeyName, checkWrapped, corrupt, type KeyStore } from './key-store.js';
import { envelopeInfo } from './wrap.js';

const STORE = 'keys';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new IdentityError('key-store-io', `IndexedDB request failed: ${req.error?.message ?? 'unknown error'}`, { cause: req.error }));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(new IdentityError('key-store-io', `IndexedDB transaction failed: ${tx.error?.message ?? 'aborted'}`, { cause: tx.error }));
  });
}

/** Stores envelopes in IndexedDB. Construction does no I/O; the database opens on first use. */
export class BrowserKeyStore implements KeyStore {
  readonly #name: string;
  #db: Promise<IDBDatabase> | undefined;

  /**
   * @param options.database the IndexedDB database name (default "keyprint")
   * @example const store = new BrowserKeyStore(); await store.put('default', envelope)
   */
  constructor(options: { database?: string } = {}) {
    this.#name = options.database ?? 'keyprint';
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise((resolve, reject) => {
      const req = globalThis.indexedDB.open(this.#name, 1);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
      };
      req.onsuccess = () => {
        // Let deleteDatabase (the app's "wipe everything") proceed instead of blocking until reload.
        req.result.onversionchange = () => {
          req.result.close();
          this.#db = undefined;
        };
        resolve(req.result);
      };
      req.onerror = () => {
        this.#db = undefined;
        reject(new IdentityError('key-store-io', `could not open IndexedDB "${this.#name}": ${req.error?.message ?? 'unknown error'}`, { cause: req.error }));
      };
    });
    return this.#db;
  }

  /**
   * Stores (or replaces) an envelope in one readwrite transaction.
   * @param name key name (see checkKeyName)
   * @param envelope an envelope from wrapSecret / wrapSecretWithPassphrase (copied)
   * @throws InputError for a bad name or type; IdentityError `key-store-not-wrapped`, `key-store-io`
   * @example await new BrowserKeyStore().put('default', envelope)
   */
  async put(name: string, envelope: Uint8Array): Promise<void> {
    checkKeyName(name);
    const copy = new Uint8Array(checkWrapped(envelope));
    const tx = (await this.#open()).transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(copy, name);
    await done(tx);
  }

  /**
   * Reads an envelope.
   * @param name key name
   * @returns the envelope, or undefined if there is none
   * @throws InputError for a bad name; IdentityError `key-store-corrupt`, `key-store-io`
   * @example const envelope = await store.get('default')
   */
  async get(name: string): Promise<Uint8Array | undefined> {
    checkKeyName(name);
    const tx = (await this.#open()).transaction(STORE, 'readonly');
    const value: unknown = await request(tx.objectStore(STORE).get(name));
    if (value === undefined) return undefined;
    if (!(value instanceof Uint8Array)) throw corrupt(name);
    try {
      envelopeInfo(value);
    } catch (e) {
      throw corrupt(name, e);
    }
    return value;
  }

  /**
   * Removes a key.
   * @param name key name
   * @returns true if the key existed
   * @throws InputError for a bad name; IdentityError `key-store-io`
   * @example await store.delete('old')
   */
  async delete(name: string): Promise<boolean> {
    checkKeyName(name);
    const tx = (await this.#open()).transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    // Both requests are queued in the same tick and run in order, so the count sees the state
    // before the delete; no await sits between them that could let the transaction auto-commit.
    const count = store.count(name);
    store.delete(name);
    await done(tx);
    return count.result > 0;
  }

  /**
   * The stored key names.
   * @returns sorted names
   * @throws IdentityError `key-store-io`
   * @example for (const name of await store.list()) console.log(name)
   */
  async list(): Promise<string[]> {
    const tx = (await this.#open()).transaction(STORE, 'readonly');
    const keys = await request(tx.objectStore(STORE).getAllKeys());
    return keys.filter((k): k is string => typeof k === 'string').sort();
  }
}
