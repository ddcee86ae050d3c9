// The keyprint home directory for CLI commands: `--home DIR`, else `$KEYPRINT_HOME`, else
// `~/.config/keyprint` (the same default as the Node key store, src/identity/key-store-node.ts).

import { mkdir, open, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KeyprintError } from '../errors.js';
import { keyprintHome } from '../identity/key-store-node.js';
import { UsageError } from './output.js';

/**
 * Resolves the home directory to an absolute path.
 * @param flag the `--home` value, if given
 * @returns the absolute directory (it may not exist yet)
 * @throws UsageError for an empty `--home`
 * @example resolveHome(values.home) // '/home/ada/.config/keyprint'
 */
export function resolveHome(flag?: string): string {
  if (flag !== undefined && flag.trim() === '') throw new UsageError('"--home" expected a directory, got ""');
  return resolve(flag ?? keyprintHome());
}

/**
 * Makes sure the home directory (and its keys/ directory) can be written — created 0700 if missing
 * — before a security key is touched: a failure after the touches would leave a credential on the
 * key that no file refers to.
 * @throws KeyprintError `home-unwritable`: `cannot write HOME: ENOTDIR`
 * @example await checkWritableHome(home) // then touch the key
 */
export async function checkWritableHome(home: string): Promise<void> {
  for (const dir of [home, join(home, 'keys')]) {
    const probe = join(dir, `.keyprint-write-check-${process.pid}`);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await (await open(probe, 'wx', 0o600)).close();
      await unlink(probe);
    } catch (e) {
      throw new KeyprintError('home-unwritable', `cannot write ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} — nothing was asked of the security key; choose another --home`);
    }
  }
}
