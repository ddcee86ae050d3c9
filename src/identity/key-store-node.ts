// File key store (Node only — the browser build never imports this file). One file per key,
// `$KEYPRINT_HOME/keys/<name>.kpw` (default home `~/.config/keyprint`), directories mode 0700 and
// files mode 0600. Writes are atomic: the envelope goes to a temporary file in the same directory,
// is fsync'd, then renamed over the target (rename(2) is atomic within a file system), and the
// directory is fsync'd so the rename survives a crash. A reader sees the old file or the new one,
// never a partial one.

import { mkdir, readFile, readdir, unlink, chmod, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { IdentityError } from './errors.js';
import { checkKeyName, checkWrapped, corrupt, type KeyStore } from './key-store.js';
import { envelopeInfo } from './wrap.js';
import { syncDir, writeFileAtomic } from '../core/atomic-file-node.js';

const SUFFIX = '.kpw';

/** The keyprint home directory: `$KEYPRINT_HOME`, else `~/.config/keyprint`. */
export function keyprintHome(): string {
  return process.env.KEYPRINT_HOME || join(homedir(), '.config', 'keyprint');
}

/** Stores envelopes as files. Construction does no I/O; the directories are made on first write. */
export class NodeKeyStore implements KeyStore {
  /** The home directory this store uses. */
  readonly home: string;
  readonly #dir: string;

  /**
   * @param options.home the directory (default: keyprintHome())
   * @example const store = new NodeKeyStore(); await store.put('default', envelope)
   */
  constructor(options: { home?: string } = {}) {
    this.home = options.home ?? keyprintHome();
    this.#dir = join(this.home, 'keys');
  }

  #path(name: string): string {
    return join(this.#dir, checkKeyName(name) + SUFFIX);
  }

  async #ensureDirs(): Promise<void> {
    for (const d of [this.home, this.#dir]) {
      await mkdir(d, { recursive: true, mode: 0o700 });
      // mkdir's mode is filtered by the umask and ignored for existing directories.
      if (process.platform !== 'win32') await chmod(d, 0o700);
    }
  }

  /**
   * Atomically stores an envelope (replacing any previous one whole).
   * @param name key name (see checkKeyName)
   * @param envelope an envelope from wrapSecret / wrapSecretWithPassphrase
   * @throws InputError for a bad name or type; IdentityError `key-store-not-wrapped` for anything but an envelope; `key-store-io` on a file-system error
   * @example await store.put('default', await wrapSecret(seed, { prfOutput, credentialId, prfInput, userVerified }))
   */
  async put(name: string, envelope: Uint8Array): Promise<void> {
    const target = this.#path(name);
    checkWrapped(envelope);
    const data = new Uint8Array(envelope);
    await this.#io('write', name, async () => {
      await this.#ensureDirs();
      await writeFileAtomic(target, data);
    });
  }

  /**
   * Reads an envelope.
   * @param name key name
   * @returns the envelope, or undefined if there is none
   * @throws IdentityError `key-store-corrupt` (not an envelope), `key-store-permissions` (file
   *   readable or writable by others), `key-store-io`
   * @example const envelope = await store.get('default')
   */
  async get(name: string): Promise<Uint8Array | undefined> {
    const path = this.#path(name);
    let bytes: Uint8Array;
    try {
      const st = await stat(path);
      if (!st.isFile()) throw corrupt(name);
      // Like OpenSSH with private keys: refuse a key file others can read or change.
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        throw new IdentityError('key-store-permissions', `key file ${path} expected mode 0600, got 0${(st.mode & 0o777).toString(8)}`);
      }
      bytes = new Uint8Array(await readFile(path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if (e instanceof IdentityError) throw e;
      throw new IdentityError('key-store-io', `could not read key "${name}": ${(e as Error).message}`, { cause: e });
    }
    try {
      envelopeInfo(bytes);
    } catch (e) {
      throw corrupt(name, e);
    }
    return bytes;
  }

  /**
   * Deletes a key file.
   * @param name key name
   * @returns true if it existed
   * @throws InputError for a bad name; IdentityError `key-store-io`
   * @example await store.delete('old')
   */
  async delete(name: string): Promise<boolean> {
    const path = this.#path(name);
    try {
      await unlink(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new IdentityError('key-store-io', `could not delete key "${name}": ${(e as Error).message}`, { cause: e });
    }
    await syncDir(this.#dir).catch(() => {});
    return true;
  }

  /**
   * The stored key names (temporary files of interrupted writes are not listed).
   * @returns sorted names
   * @throws IdentityError `key-store-io`
   * @example for (const name of await store.list()) console.log(name)
   */
  async list(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.#dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new IdentityError('key-store-io', `could not list keys: ${(e as Error).message}`, { cause: e });
    }
    return entries
      .filter((f) => f.endsWith(SUFFIX) && !f.startsWith('.'))
      .map((f) => f.slice(0, -SUFFIX.length))
      .filter((n) => /^[a-z0-9][a-z0-9_-]{0,63}$/.test(n))
      .sort();
  }

  async #io(what: string, name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (e instanceof IdentityError) throw e;
      throw new IdentityError('key-store-io', `could not ${what} key "${name}": ${(e as Error).message}`, { cause: e });
    }
  }

  toString(): string {
    return `NodeKeyStore(${this.home})`;
  }
}

