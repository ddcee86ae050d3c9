// Where the CLI keeps the user's trust store (src/identity/trust-store.ts): HOME/trust.json, written
// atomically with mode 0600 in a 0700 home, like the identity (_identity-store.ts). A file others
// can write is refused: it decides which authenticators count as hardware.

import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyprintError } from '../errors.js';
import { writeFileAtomic } from '../core/atomic-file-node.js';
import { TrustStoreError, decodeTrustStore, emptyTrustStore, encodeTrustStore, type TrustStore } from '../identity/trust-store.js';

/** The trust store's file name inside the home directory. */
export const TRUST_FILE = 'trust.json';

/**
 * Reads HOME/trust.json; an empty store when there is none.
 * @throws TrustStoreError `trust-store-corrupt` (damaged, or writable by others), `trust-store-io`
 * @example useTrustStore(await readTrustStore(home))
 */
export async function readTrustStore(home: string): Promise<TrustStore> {
  const path = join(home, TRUST_FILE);
  let text: string;
  try {
    const st = await stat(path);
    if (process.platform !== 'win32' && (st.mode & 0o022) !== 0) {
      throw new TrustStoreError('trust-store-corrupt', `${path} is writable by others (mode 0${(st.mode & 0o777).toString(8)}); expected 0600`);
    }
    text = await readFile(path, 'utf8');
  } catch (e) {
    // No file, or no home directory at all (a path through a file): nothing trusted beyond the defaults.
    if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return emptyTrustStore();
    if (e instanceof KeyprintError) throw e;
    throw new TrustStoreError('trust-store-io', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return decodeTrustStore(text);
  } catch (e) {
    if (e instanceof TrustStoreError) throw new TrustStoreError(e.code, `${path}: ${e.message} (move it away and add your anchors again: keyprint trust add)`, { cause: e });
    throw e;
  }
}

/**
 * Writes HOME/trust.json atomically (home created 0700 if missing).
 * @throws TrustStoreError `trust-store-io`
 */
export async function writeTrustStore(home: string, store: TrustStore): Promise<string> {
  const path = join(home, TRUST_FILE);
  try {
    await mkdir(home, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') await chmod(home, 0o700);
    await writeFileAtomic(path, encodeTrustStore(store));
  } catch (e) {
    throw new TrustStoreError('trust-store-io', `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
  return path;
}
