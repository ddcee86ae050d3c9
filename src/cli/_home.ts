// The keyprint home directory for CLI commands: `--home DIR`, else `$KEYPRINT_HOME`, else
// `~/.config/keyprint` (the same default as the Node key store, src/identity/key-store-node.ts).

import { resolve } from 'node:path';
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
